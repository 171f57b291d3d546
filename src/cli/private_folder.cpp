#include "private_folder.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <linux/magic.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

namespace fs = std::filesystem;

namespace dossier::cli {
namespace {

// The folder that the signal handler wipes: set while a PrivateFolder exists.
char active_folder[4096] = {0};
struct sigaction previous_actions[3];
constexpr int wiped_signals[3] = {SIGTERM, SIGHUP, SIGQUIT};

void wipe_and_reraise(int signal) {
    if (active_folder[0] != '\0') wipe_folder(active_folder);
    ::signal(signal, SIG_DFL);
    ::raise(signal);
}

bool is_memory_folder(const char* path) {
    struct stat status {};
    if (path == nullptr || *path != '/' || ::stat(path, &status) != 0 || !S_ISDIR(status.st_mode)) return false;
    if (::access(path, W_OK | X_OK) != 0) return false;
    struct statfs system {};
    return ::statfs(path, &system) == 0 && (system.f_type == TMPFS_MAGIC || system.f_type == RAMFS_MAGIC);
}

// Returns whether the entry is gone. A folder (an editor's backup folder) is removed when empty.
bool wipe_file(int folder_fd, const char* name) noexcept {
    int fd = ::openat(folder_fd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        struct stat status {};
        if (::fstat(fd, &status) == 0 && S_ISREG(status.st_mode)) {
            static const char zeros[4096] = {0};
            for (off_t left = status.st_size; left > 0;) {
                auto count = ::write(fd, zeros, left < static_cast<off_t>(sizeof zeros) ? static_cast<size_t>(left)
                                                                                           : sizeof zeros);
                if (count <= 0) break;
                left -= count;
            }
            ::fsync(fd);
        }
        ::close(fd);
    }
    return ::unlinkat(folder_fd, name, 0) == 0 || ::unlinkat(folder_fd, name, AT_REMOVEDIR) == 0;
}

// Private folders are named dossier-secret-PID-XXXXXX after the process that made them.
constexpr std::string_view folder_prefix = "dossier-secret-";

// Wipes the private folders in `base` that belong to this user and to a dossier process that no
// longer runs: one killed with SIGKILL, which no handler can catch, while a secret was being
// edited.
void wipe_abandoned_folders(const char* base) noexcept {
    DIR* folder = ::opendir(base);
    if (folder == nullptr) return;
    while (const dirent* entry = ::readdir(folder)) {
        const std::string_view name = entry->d_name;
        if (!name.starts_with(folder_prefix)) continue;
        const auto digits = name.substr(folder_prefix.size(), name.find('-', folder_prefix.size()) - folder_prefix.size());
        if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) continue;
        const long pid = std::strtol(std::string(digits).c_str(), nullptr, 10);
        // kill(pid, 0) fails with ESRCH only when no such process exists.
        if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
        const std::string path = std::string(base) + "/" + std::string(name);
        struct stat status {};
        if (::lstat(path.c_str(), &status) != 0 || !S_ISDIR(status.st_mode) || status.st_uid != ::getuid()) continue;
        wipe_folder(path.c_str());
    }
    ::closedir(folder);
}

}  // namespace

void wipe_folder(const char* folder) noexcept {
    int folder_fd = ::open(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (folder_fd >= 0) {
        // getdents64 is async-signal-safe where opendir is not. The listing is read again from
        // the start after each pass, since removing entries shifts it, until only . and .. are left.
        struct Entry {
            ino64_t inode;
            off64_t next;
            unsigned short length;
            unsigned char type;
            char name[1];
        };
        alignas(8) char entries[8192];
        bool removed = true;
        while (removed) {
            removed = false;
            ::lseek(folder_fd, 0, SEEK_SET);
            auto count = ::syscall(SYS_getdents64, folder_fd, entries, sizeof entries);
            for (long offset = 0; offset < count;) {
                auto* entry = reinterpret_cast<Entry*>(entries + offset);
                if (std::strcmp(entry->name, ".") != 0 && std::strcmp(entry->name, "..") != 0) {
                    removed = wipe_file(folder_fd, entry->name) || removed;
                }
                offset += entry->length;
            }
        }
        ::close(folder_fd);
    }
    ::rmdir(folder);
}

PrivateFolder::PrivateFolder() {
    const char* base = std::getenv("XDG_RUNTIME_DIR");
    if (is_memory_folder(base)) {
        in_memory_ = true;
    } else if (is_memory_folder("/dev/shm")) {
        base = "/dev/shm";
        in_memory_ = true;
    } else {
        base = std::getenv("TMPDIR");
        if (base == nullptr || *base != '/') base = "/tmp";
    }
    wipe_abandoned_folders(base);
    std::string pattern = std::string(base) + "/" + std::string(folder_prefix) + std::to_string(::getpid()) + "-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot create a private folder in {}: {}")), base,
                                               std::strerror(errno)));
    }
    ::chmod(pattern.c_str(), 0700);
    path_ = pattern;

    std::snprintf(active_folder, sizeof active_folder, "%s", pattern.c_str());
    struct sigaction action {};
    action.sa_handler = wipe_and_reraise;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < 3; ++i) ::sigaction(wiped_signals[i], &action, &previous_actions[i]);
}

PrivateFolder::~PrivateFolder() {
    wipe_folder(path_.c_str());
    active_folder[0] = '\0';
    for (int i = 0; i < 3; ++i) ::sigaction(wiped_signals[i], &previous_actions[i], nullptr);
}

fs::path PrivateFolder::write(std::string_view name, std::string_view bytes) const {
    auto file = path_ / name;
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw Error(ErrorKind::io,
                    fmt::format(fmt::runtime(tr("cannot create {}: {}")), file.string(), std::strerror(errno)));
    }
    ::fchmod(fd, 0600);
    bool ok = true;
    for (std::size_t written = 0; ok && written < bytes.size();) {
        auto count = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (count < 0 && errno == EINTR) continue;
        ok = count > 0;
        if (ok) written += static_cast<std::size_t>(count);
    }
    ::close(fd);
    if (!ok) throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot write {}")), file.string()));
    return file;
}

SecretBytes PrivateFolder::read(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot read {}: {}")), path.string(), std::strerror(errno)));
    }
    SecretBytes bytes;
    char buffer[4096];
    while (true) {
        auto count = ::read(fd, buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;
        bytes.append({buffer, static_cast<std::size_t>(count)});
    }
    std::memset(buffer, 0, sizeof buffer);
    ::close(fd);
    return bytes;
}

}  // namespace dossier::cli
