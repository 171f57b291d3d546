#include "index_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/search_index.hpp"
#include "index_scan.hpp"

namespace fs = std::filesystem;

namespace dossier::index {

IndexLock::IndexLock(const fs::path& path, bool exclusive) {
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        throw Error(ErrorKind::io,
                    fmt::format(fmt::runtime(tr("cannot create the lock file of the search index: {}: {}")),
                                path.string(), std::strerror(errno)),
                    tr("check that the workspace's .dossier folder can be written"));
    }
    while (flock(fd_, exclusive ? LOCK_EX : LOCK_SH) != 0) {
        if (errno != EINTR) break;
    }
}

IndexLock::~IndexLock() {
    if (fd_ >= 0) close(fd_);
}

std::string stamp_text(const fs::path& index_file) {
    FileStat stat = index::stat_file(index_file);
    return fmt::format("{} {} {} {}\n", search_index_format, stat.size, stat.mtime_ns, stat.inode);
}

void flush_to_disk(const fs::path& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    fsync(fd);
    close(fd);
}

std::string read_stamp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

}  // namespace dossier::index
