// One change to a client repository: files written atomically, then exactly one commit.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/git_repository.hpp"

namespace dossier {

// An exclusive lock on a client repository for the life of a Change, so that two dossier
// processes writing one repository take turns. It is an flock on .git/dossier.lock, which the
// system releases when the holder exits, so a killed process leaves no stale lock.
//
// The file also records what its holder does, so that the next holder can clean up after one
// that was killed. Its first line is the holder's process id. A "change" line gives the time
// from which the holder may write files, and a "commit" line names the commit step under way
// and the commit being made. The holder removes both lines when it releases the lock, so a
// holder that finds them knows that the previous one was killed: the flock proves it is gone.
class WriteLock {
public:
    // Waits up to `timeout` for the lock. Throws Error(conflict) naming the holder's process id
    // when it is still held then.
    WriteLock(const std::filesystem::path& git_dir, std::chrono::milliseconds timeout);
    // Releases the lock and removes this holder's records. The records of a killed holder stay
    // until clear_interrupted() is called.
    ~WriteLock();
    WriteLock(const WriteLock&) = delete;
    WriteLock& operator=(const WriteLock&) = delete;

    // The time from which a killed previous holder may have written files, if there was one.
    const std::optional<std::chrono::system_clock::time_point>& interrupted_change() const noexcept {
        return interrupted_change_;
    }

    // The commit step during which a previous holder was killed, if any.
    const std::optional<git::InterruptedCommit>& interrupted_commit() const noexcept { return interrupted_commit_; }

    // Replaces the records of a killed holder with this holder's, once its leftovers are gone.
    void clear_interrupted();

    // Records that `step` of making `commit` begins, or with nullopt that no step is under way.
    void record(const std::optional<std::pair<git::CommitStep, std::string>>& step);

private:
    void write_records();

    int fd_ = -1;
    std::string pid_line_;
    std::string change_line_;
    std::string commit_line_;         // empty between commit steps
    std::string interrupted_lines_;  // a killed holder's records, until clear_interrupted()
    std::optional<std::chrono::system_clock::time_point> interrupted_change_;
    std::optional<git::InterruptedCommit> interrupted_commit_;
};

// How long a writer waits for another process's lock: DOSSIER_LOCK_TIMEOUT seconds, else 10.
// Throws Error(usage) when DOSSIER_LOCK_TIMEOUT is not a number of seconds.
std::chrono::milliseconds write_lock_timeout();

class Change {
public:
    // Takes the repository's write lock, cleans up after a dossier process killed while it held
    // it (its temporary files, and with Repository::recover, the leftovers of its commit), then
    // records where HEAD points: the commit only lands if it still points there.
    explicit Change(git::Repository& repository);

    // Writes `bytes` to `path` (relative to the repository) through a temporary file.
    void write(const std::string& path, std::string_view bytes);

    // Writes each (path, bytes) of `files` like write(), with one flush of the file system for
    // all of them. Their Git blobs are stored from `files` into a pack, without reading the
    // files back: up to max_pending_pack_bytes of them wait in memory for the next pack.
    void write_all(const std::vector<std::pair<std::string, std::string>>& files);

    // Deletes `path` from the working tree.
    void remove(const std::string& path);

    // Commits the written and removed paths as one commit. Returns the commit id, or
    // nullopt when the files were already as written. Throws Error(conflict) when the
    // branch moved since construction; the working tree then keeps the new files.
    std::optional<std::string> commit(const std::string& message, const git::Signature& author);

    static constexpr std::size_t max_pending_pack_bytes = 32 << 20;

private:
    WriteLock lock_;
    git::Repository& repository_;
    std::optional<std::string> start_head_;
    std::vector<git::ChangedPath> paths_;
    std::unique_ptr<git::BlobPack> pack_;  // the blobs of write_all, made on first use
};

}  // namespace dossier
