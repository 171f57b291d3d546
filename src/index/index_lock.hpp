// The lock and the stamp that keep the index file consistent between processes.
#pragma once

#include <filesystem>
#include <string>

namespace dossier::index {

// An advisory lock on .dossier/index.lock: shared while the index file is checked against its
// stamp, exclusive from a write's start until the stamp records its result. Released when
// the object is destroyed or the process exits. Throws Error(io) when the file cannot be
// created.
class IndexLock {
public:
    IndexLock(const std::filesystem::path& path, bool exclusive);
    ~IndexLock();
    IndexLock(const IndexLock&) = delete;
    IndexLock& operator=(const IndexLock&) = delete;

private:
    int fd_ = -1;
};

// Returns the stamp of `index_file`: the format version and the file's size, modification
// time and inode, as dossier last left it. A file whose stamp differs was changed by
// something else (a crash mid-write, a copy, a disk fault) and is not trusted.
std::string stamp_text(const std::filesystem::path& index_file);

// Returns the content of the stamp file at `path`, empty when it cannot be read.
std::string read_stamp(const std::filesystem::path& path);

// Flushes the file at `path` to disk; does nothing when it cannot be opened.
void flush_to_disk(const std::filesystem::path& path);

}  // namespace dossier::index
