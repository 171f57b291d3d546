// Runs independent jobs (the STREAM chunks of one block) on the calling thread and, when the
// machine has more than one core, on one helper thread started on first need.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>

namespace dossier::crypto {

class ChunkWorkers {
public:
    ChunkWorkers() = default;
    ~ChunkWorkers();
    ChunkWorkers(const ChunkWorkers&) = delete;
    ChunkWorkers& operator=(const ChunkWorkers&) = delete;

    // Calls job(i) for every i below count, in any order and possibly in parallel; returns when
    // all calls have returned. `job` must not throw.
    void run(std::size_t count, std::function<void(std::size_t)> job) {
        start(count, std::move(job));
        wait();
    }
    // The same in two steps: start() hands the jobs to the helper thread (if any) and returns,
    // so that the caller can do something else; wait() takes the jobs left and returns when
    // all are done.
    void start(std::size_t count, std::function<void(std::size_t)> job);
    void wait();

private:
    void helper_loop();
    void take_jobs();

    std::thread helper_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_;
    std::function<void(std::size_t)> job_;
    std::size_t count_ = 0;
    std::size_t next_ = 0;      // the next job to take, under mutex_
    std::size_t finished_ = 0;  // jobs finished, under mutex_
    unsigned long generation_ = 0;
    bool stopping_ = false;
    bool tried_start_ = false;
};

}  // namespace dossier::crypto
