#include "chunk_workers.hpp"

#include <system_error>

namespace dossier::crypto {

ChunkWorkers::~ChunkWorkers() {
    if (!helper_.joinable()) return;
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    helper_.join();
}

void ChunkWorkers::take_jobs() {
    // Called with mutex_ unlocked; takes one job at a time so both threads finish together.
    for (;;) {
        std::size_t index = 0;
        const std::function<void(std::size_t)>* job = nullptr;
        {
            const std::lock_guard lock(mutex_);
            if (next_ >= count_) return;
            index = next_++;
            job = &job_;
        }
        (*job)(index);
        {
            const std::lock_guard lock(mutex_);
            if (++finished_ == count_) done_.notify_all();
        }
    }
}

void ChunkWorkers::helper_loop() {
    unsigned long seen = 0;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
            if (stopping_) return;
            seen = generation_;
        }
        take_jobs();
    }
}

void ChunkWorkers::start(std::size_t count, std::function<void(std::size_t)> job) {
    if (count >= 2 && !tried_start_) {
        tried_start_ = true;
        if (std::thread::hardware_concurrency() > 1) {
            try {
                helper_ = std::thread([this] { helper_loop(); });
            } catch (const std::system_error&) {
                // No thread: everything runs on the calling thread.
            }
        }
    }
    {
        const std::lock_guard lock(mutex_);
        job_ = std::move(job);
        count_ = count;
        next_ = 0;
        finished_ = 0;
        ++generation_;
    }
    if (helper_.joinable() && count >= 2) wake_.notify_one();
}

void ChunkWorkers::wait() {
    take_jobs();
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return finished_ == count_; });
}

}  // namespace dossier::crypto
