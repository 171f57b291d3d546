// Holding the documents that an import writes: kept in a temporary file until every record is
// checked, or written by a second thread while the records that follow are read.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

namespace dossier::importers {

// The documents that an import will write, kept in an unnamed temporary file between checking
// the records and writing them, so that memory does not grow with the file and the records are
// read and worked out once. Secrets are sealed before they get here: the file holds only what
// the working tree will hold. The file is opened with O_TMPFILE and has no name, so the system frees it when the process ends,
// even after a crash.
class PendingDocuments {
public:
    PendingDocuments() {
        const char* folder = std::getenv("TMPDIR");
        if (folder == nullptr || *folder == '\0') folder = "/tmp";
        int fd = ::open(folder, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd < 0) {
            throw Error(ErrorKind::io,
                        fmt::format(fmt::runtime(tr("cannot create a temporary file in {}: {}")), folder,
                                    std::strerror(errno)),
                        tr("set TMPDIR to a writable folder on a Linux file system, then run the command again"));
        }
        file_ = ::fdopen(fd, "w+b");
        if (file_ == nullptr) {
            ::close(fd);
            throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot create a temporary file in {}: {}")),
                                                   folder, std::strerror(errno)));
        }
    }
    ~PendingDocuments() { std::fclose(file_); }
    PendingDocuments(const PendingDocuments&) = delete;
    PendingDocuments& operator=(const PendingDocuments&) = delete;

    void add(std::uint32_t client, const std::string& path, const std::string& bytes) {
        put(client);
        put(static_cast<std::uint32_t>(path.size()));
        put(static_cast<std::uint32_t>(bytes.size()));
        if (std::fwrite(path.data(), 1, path.size(), file_) != path.size() ||
            std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
            failed();
        }
        ++count_;
    }

    std::size_t size() const noexcept { return count_; }

    // Reads the documents back in the order added: calls `use(client, path, bytes)` on each.
    template <typename Use>
    void replay(Use&& use) {
        if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0) failed();
        std::string path;
        std::string bytes;
        for (std::size_t index = 0; index < count_; ++index) {
            const auto client = get();
            path.resize(get());
            bytes.resize(get());
            if (std::fread(path.data(), 1, path.size(), file_) != path.size() ||
                std::fread(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
                failed();
            }
            use(client, path, bytes);
        }
    }

private:
    void put(std::uint32_t value) {
        if (std::fwrite(&value, sizeof value, 1, file_) != 1) failed();
    }
    std::uint32_t get() {
        std::uint32_t value = 0;
        if (std::fread(&value, sizeof value, 1, file_) != 1) failed();
        return value;
    }
    [[noreturn]] void failed() const {
        throw Error(ErrorKind::io,
                    fmt::format(fmt::runtime(tr("cannot use the import's temporary file: {}")), std::strerror(errno)),
                    tr("check that the disk holding TMPDIR is not full, then run the command again"));
    }

    std::FILE* file_ = nullptr;
    std::size_t count_ = 0;
};

// Runs the batches of documents to write in a thread of its own, in the order submitted, while
// the import works out the records that follow. At most `capacity` batches wait, so memory
// stays bounded when writing is slower than reading. After a batch fails, the others are
// dropped, and submit() or finish() throws its error. The destructor drops the batches still
// waiting and waits for the one in progress.
class BatchWriter {
public:
    explicit BatchWriter(std::size_t capacity) : capacity_(capacity), thread_([this] { work(); }) {}
    ~BatchWriter() { stop(true); }
    BatchWriter(const BatchWriter&) = delete;
    BatchWriter& operator=(const BatchWriter&) = delete;

    void submit(std::function<void()> batch) {
        std::unique_lock lock(mutex_);
        room_.wait(lock, [&] { return waiting_.size() < capacity_ || error_; });
        if (error_) std::rethrow_exception(error_);
        waiting_.push_back(std::move(batch));
        ready_.notify_one();
    }

    // Returns once every batch submitted is written. Throws the error of a batch that failed.
    void finish() {
        stop(false);
        if (error_) std::rethrow_exception(error_);
    }

private:
    void stop(bool drop) {
        {
            const std::lock_guard lock(mutex_);
            if (drop) waiting_.clear();
            closed_ = true;
        }
        ready_.notify_one();
        if (thread_.joinable()) thread_.join();
    }

    void work() {
        for (;;) {
            std::function<void()> batch;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [&] { return !waiting_.empty() || closed_; });
                if (waiting_.empty()) return;
                batch = std::move(waiting_.front());
                waiting_.pop_front();
            }
            room_.notify_one();
            try {
                batch();
            } catch (...) {
                const std::lock_guard lock(mutex_);
                error_ = std::current_exception();
                waiting_.clear();
                room_.notify_all();
                return;
            }
        }
    }

    const std::size_t capacity_;
    std::mutex mutex_;
    std::condition_variable ready_;  // a batch waits, or the writer is closed
    std::condition_variable room_;   // a batch left the queue, or one failed
    std::deque<std::function<void()>> waiting_;
    std::exception_ptr error_;
    bool closed_ = false;
    std::thread thread_;  // last, so that it starts once the members above exist
};

}  // namespace dossier::importers
