// The watcher and the refresh's side of its socket. See dossier/index_watcher.hpp and
// watch_protocol.hpp.
#include "dossier/index_watcher.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string_view>
#include <functional>
#include <thread>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/file_descriptor.hpp"
#include "dossier/i18n.hpp"
#include "watch_protocol.hpp"

namespace fs = std::filesystem;

namespace dossier {
namespace index {
namespace {

constexpr auto answer_timeout = std::chrono::seconds(3);
// The scan reads folders up to 64 levels below a client's folder, which is itself one level
// below the clients folder, where the watcher's depths start.
constexpr int max_watch_depth = 64 + 1;
constexpr const char* cookie_prefix = "watch-cookie-";
constexpr std::uint32_t folder_events = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE |
                                        IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR |
                                        IN_DONT_FOLLOW | IN_EXCL_UNLINK;

// The address of the socket in `state_dir`. A path too long for sockaddr_un goes through
// /proc/self/fd and `folder`, a descriptor of `state_dir` that must stay open while it is used.
bool socket_address(const fs::path& state_dir, FileDescriptor& folder, sockaddr_un& address) {
    address = {};
    address.sun_family = AF_UNIX;
    auto path = (state_dir / watch_socket_name).string();
    if (path.size() >= sizeof address.sun_path) {
        folder = FileDescriptor(::open(state_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (folder.get() < 0) return false;
        path = fmt::format("/proc/self/fd/{}/{}", folder.get(), watch_socket_name);
        if (path.size() >= sizeof address.sun_path) return false;
    }
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    return true;
}

void set_timeouts(int fd, std::chrono::milliseconds timeout) {
    timeval value{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, sizeof value);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, sizeof value);
}

bool send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        auto sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
}

bool hidden(std::string_view name) { return name.empty() || name.front() == '.'; }

std::string random_instance() {
    std::random_device device;
    return fmt::format("{:08x}{:08x}", device(), device());
}

}  // namespace

std::optional<std::string> watcher_request(const fs::path& state_dir, const std::string& request) {
    FileDescriptor folder;
    sockaddr_un address{};
    if (!socket_address(state_dir, folder, address)) return std::nullopt;
    FileDescriptor connection(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (connection.get() < 0) return std::nullopt;
    set_timeouts(connection.get(), answer_timeout);
    // A socket left by a watcher that was killed refuses the connection: the refresh then
    // looks at every file, as without a watcher.
    if (::connect(connection.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        return std::nullopt;
    }
    if (!send_all(connection.get(), request)) return std::nullopt;
    std::string answer;
    char buffer[65536];
    for (;;) {
        auto count = ::recv(connection.get(), buffer, sizeof buffer, 0);
        if (count < 0 && errno == EINTR) continue;
        if (count < 0) return std::nullopt;  // also the timeout
        if (count == 0) break;
        answer.append(buffer, static_cast<std::size_t>(count));
    }
    return answer;
}

std::optional<WatchAnswer> ask_watcher(const fs::path& state_dir, const std::optional<WatchToken>& since) {
    auto request = since ? fmt::format("changes {} {}\n", since->instance, since->sequence) : std::string("changes - 0\n");
    auto answer = watcher_request(state_dir, request);
    if (!answer) return std::nullopt;
    auto end_of_line = answer->find('\n');
    if (end_of_line == std::string::npos) return std::nullopt;
    std::string_view head(answer->data(), end_of_line);
    WatchAnswer result;
    char kind[16] = {};
    char instance[64] = {};
    unsigned long long sequence = 0;
    unsigned long long count = 0;
    const std::string line(head);
    int fields = std::sscanf(line.c_str(), "%15s %63s %llu %llu", kind, instance, &sequence, &count);
    result.token = WatchToken{instance, sequence};
    if (fields == 3 && std::string_view(kind) == "full") return result;
    if (fields != 4 || std::string_view(kind) != "changes") return std::nullopt;
    result.complete = true;
    std::size_t at = end_of_line + 1;
    for (unsigned long long index = 0; index < count; ++index) {
        auto end = answer->find('\0', at);
        if (end == std::string::npos || end == at) return std::nullopt;
        const char letter = (*answer)[at];
        if (letter != 'f' && letter != 'd') return std::nullopt;
        result.paths.push_back(WatchedPath{answer->substr(at + 1, end - at - 1), letter == 'd'});
        at = end + 1;
    }
    return result;
}

}  // namespace index

struct IndexWatcher::State {
    fs::path clients_dir;
    fs::path state_dir;
    FileDescriptor lock;
    FileDescriptor inotify;
    FileDescriptor listener;
    FileDescriptor socket_folder;  // keeps the /proc/self/fd address of a long path valid
    sockaddr_un address{};
    int state_watch = -1;
    int clients_watch = -1;
    std::unordered_map<int, std::string> folders;  // watch descriptor to folder inside clients_dir
    std::string instance = index::random_instance();
    std::uint64_t sequence = 1;
    std::uint64_t trusted_from = 1;  // the changes since a token before this one are unknown
    std::map<std::uint64_t, std::pair<std::string, bool>> by_sequence;  // path, folder
    std::unordered_map<std::string, std::uint64_t> last_change;          // path to its sequence
    std::uint64_t cookie_count = 0;
    std::string cookie_waited;  // the cookie file whose creation ends the wait for a request
    bool cookie_seen = false;
    bool stopping = false;
    // Folders created, moved or deleted in the events of one read, watched again after it.
    std::set<std::string> moved;
    struct stat state_dir_status {};
    struct stat clients_dir_status {};
    ino_t socket_inode = 0;
    std::function<void(const std::string&)> log;  // of run(); may be empty

    ~State() { close(); }

    // Removes the socket and lets go of the lock, so that another watcher can start. A socket
    // at that path that another watcher made since is left alone.
    void close() {
        const auto socket_path = state_dir / index::watch_socket_name;
        struct stat status {};
        if (listener.get() >= 0 && ::lstat(socket_path.c_str(), &status) == 0 && status.st_ino == socket_inode) {
            ::unlink(socket_path.c_str());
        }
        listener.reset();
        inotify.reset();
        lock.reset();
    }

    [[noreturn]] static void cannot_watch(const fs::path& path, int error) {
        if (error == ENOSPC) {
            std::string limit = "?";
            if (std::FILE* file = std::fopen("/proc/sys/fs/inotify/max_user_watches", "r")) {
                char text[32] = {};
                if (std::fgets(text, sizeof text, file) != nullptr) limit = std::string(text, std::strcspn(text, "\n"));
                std::fclose(file);
            }
            throw Error(ErrorKind::io,
                        fmt::format(fmt::runtime(tr("cannot watch {}: the system allows {} watched folders per user")),
                                    path.string(), limit),
                        tr("raise it with: sudo sysctl fs.inotify.max_user_watches=524288, then start the watcher "
                           "again"));
        }
        throw Error(ErrorKind::io,
                    fmt::format(fmt::runtime(tr("cannot watch {}: {}")), path.string(), std::strerror(error)));
    }

    // Watches `folder` (inside clients_dir, "" for clients_dir itself) and every folder under it.
    void watch_tree(const std::string& folder, int depth) {
        const auto path = folder.empty() ? clients_dir : clients_dir / folder;
        int watch = ::inotify_add_watch(inotify.get(), path.c_str(), index::folder_events);
        if (watch < 0) {
            // Gone, or not a folder, since its event: its parent's events cover it.
            if (errno == ENOENT || errno == ENOTDIR || errno == EACCES) return;
            cannot_watch(path, errno);
        }
        folders[watch] = folder;
        if (folder.empty()) clients_watch = watch;
        if (depth >= index::max_watch_depth) return;
        DIR* directory = ::opendir(path.c_str());
        if (directory == nullptr) return;
        while (const dirent* entry = ::readdir(directory)) {
            std::string_view name = entry->d_name;
            if (index::hidden(name)) continue;
            bool is_folder = entry->d_type == DT_DIR;
            if (entry->d_type == DT_UNKNOWN) {
                struct stat info {};
                is_folder = ::fstatat(dirfd(directory), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0 &&
                            S_ISDIR(info.st_mode);
            }
            if (is_folder) watch_tree(folder.empty() ? std::string(name) : folder + "/" + std::string(name), depth + 1);
        }
        ::closedir(directory);
    }

    // Stops watching `folder` and every folder under it: every folder for "".
    void unwatch_tree(const std::string& folder) {
        for (auto it = folders.begin(); it != folders.end();) {
            const auto& path = it->second;
            if (folder.empty() || path == folder ||
                (path.size() > folder.size() && path.starts_with(folder) && path[folder.size()] == '/')) {
                ::inotify_rm_watch(inotify.get(), it->first);
                it = folders.erase(it);
            } else {
                ++it;
            }
        }
    }

    void record(const std::string& path, bool folder) {
        ++sequence;
        if (auto earlier = last_change.find(path); earlier != last_change.end()) {
            auto entry = by_sequence.find(earlier->second);
            folder = folder || entry->second.second;
            by_sequence.erase(entry);
            earlier->second = sequence;
        } else {
            last_change.emplace(path, sequence);
        }
        by_sequence.emplace(sequence, std::make_pair(path, folder));
    }

    // Events were lost, so the changes since any token given before now are unknown. Every
    // folder is watched again, since folders made or moved meanwhile went unseen.
    void forget_all() {
        trusted_from = ++sequence;
        by_sequence.clear();
        last_change.clear();
        moved.clear();
        moved.insert(std::string());
    }

    // Watches again the folders that events of the last read created, moved or deleted, as
    // they are on disk now. Watches follow an inode, so a folder moved away keeps reporting
    // under its old path until this, and two folders swapped (RENAME_EXCHANGE) would
    // otherwise lose a watch.
    void watch_moved() {
        std::string last;
        bool any = false;
        for (const auto& folder : moved) {
            // The set is sorted: a folder under the previous one is covered by it.
            if (any && (last.empty() || (folder.starts_with(last) && folder.size() > last.size() &&
                                         folder[last.size()] == '/'))) {
                continue;
            }
            last = folder;
            any = true;
            unwatch_tree(folder);
            struct stat status {};
            const auto path = folder.empty() ? clients_dir : clients_dir / folder;
            if (::lstat(path.c_str(), &status) == 0 && S_ISDIR(status.st_mode)) {
                watch_tree(folder, folder.empty() ? 0 : static_cast<int>(std::count(folder.begin(), folder.end(), '/')) + 1);
            }
        }
        moved.clear();
    }

    // Returns false once the clients folder or .dossier is gone or replaced.
    bool workspace_present() const {
        struct stat now {};
        return ::stat(state_dir.c_str(), &now) == 0 && now.st_ino == state_dir_status.st_ino &&
               now.st_dev == state_dir_status.st_dev && ::stat(clients_dir.c_str(), &now) == 0 &&
               now.st_ino == clients_dir_status.st_ino && now.st_dev == clients_dir_status.st_dev;
    }

    void handle(const inotify_event& event) {
        if (event.mask & IN_Q_OVERFLOW) {
            if (log) log(tr("events were lost: the next refresh reads every folder"));
            forget_all();
            return;
        }
        if (event.wd == state_watch) {
            if (event.mask & (IN_DELETE_SELF | IN_MOVE_SELF)) stopping = true;
            if (event.len > 0 && cookie_waited == event.name) cookie_seen = true;
            return;
        }

        auto found = folders.find(event.wd);
        if (found == folders.end()) return;
        const std::string folder = found->second;
        if (event.mask & IN_IGNORED) {
            folders.erase(found);
            return;
        }
        if (event.mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
            // The parent's event covers a folder inside; the clients folder itself is the workspace's.
            if (event.wd == clients_watch) stopping = true;
            return;
        }

        if (event.len == 0) return;
        std::string_view name = event.name;
        if (index::hidden(name)) return;
        std::string path = folder.empty() ? std::string(name) : folder + "/" + std::string(name);

        if (event.mask & IN_ISDIR) {
            // Watched again by watch_moved() before any response: files made before the new
            // watch are found by the refresh's reading of the whole folder.
            if (event.mask & (IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM)) {
                moved.insert(path);
                record(path, true);
            }
            return;
        }
        if (name.size() > 3 && name.ends_with(".md")) record(path, false);
    }

    // Reads the events waiting, for up to `timeout`; returns false when none came.
    bool read_events(int timeout_ms) {
        pollfd ready{inotify.get(), POLLIN, 0};
        if (::poll(&ready, 1, timeout_ms) <= 0) return false;
        alignas(inotify_event) char buffer[65536];
        for (;;) {
            auto count = ::read(inotify.get(), buffer, sizeof buffer);
            if (count < 0 && errno == EINTR) continue;
            if (count <= 0) break;
            for (char* at = buffer; at < buffer + count;) {
                const auto* event = reinterpret_cast<const inotify_event*>(at);
                handle(*event);
                at += sizeof(inotify_event) + event->len;
            }
        }
        watch_moved();
        return true;
    }

    // Makes a file in .dossier and reads events until its own: every change made before
    // this call is then recorded. Returns false when it did not come in time.
    bool catch_up() {
        cookie_waited = fmt::format("{}{}-{}", index::cookie_prefix, instance, ++cookie_count);
        cookie_seen = false;
        const auto cookie = state_dir / cookie_waited;
        FileDescriptor file(::open(cookie.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
        if (file.get() < 0) return false;
        file.reset();
        const auto deadline = std::chrono::steady_clock::now() + index::answer_timeout;
        while (!cookie_seen && std::chrono::steady_clock::now() < deadline) read_events(100);
        ::unlink(cookie.c_str());
        cookie_waited.clear();
        return cookie_seen;
    }

    std::string answer_changes(const std::string& line) {
        char instance_text[64] = {};
        unsigned long long since = 0;
        bool known = std::sscanf(line.c_str(), "changes %63s %llu", instance_text, &since) == 2 &&
                     instance == instance_text && since >= trusted_from && since <= sequence;
        if (!catch_up()) {
            if (log) log(tr("the cookie file's event did not arrive within 3 s: the refresh reads every folder"));
            return fmt::format("full {} {}\n", instance, sequence);
        }
        if (!known) return fmt::format("full {} {}\n", instance, sequence);
        std::string paths;
        std::size_t count = 0;
        for (auto it = by_sequence.upper_bound(since); it != by_sequence.end(); ++it) {
            paths += it->second.second ? 'd' : 'f';
            paths += it->second.first;
            paths += '\0';
            ++count;
        }
        return fmt::format("changes {} {} {}\n", instance, sequence, count) + paths;
    }

    void serve(int connection) {
        index::set_timeouts(connection, std::chrono::seconds(1));
        ucred peer{};
        socklen_t size = sizeof peer;
        if (::getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0 || peer.uid != ::getuid()) {
            if (log) log(fmt::format(fmt::runtime(tr("rejected a connection from user {}")), peer.uid));
            return;
        }
        std::string line;
        char letter = 0;
        while (line.size() < 256) {
            auto count = ::recv(connection, &letter, 1, 0);
            if (count < 0 && errno == EINTR) continue;
            if (count <= 0 || letter == '\n') break;
            line += letter;
        }
        std::string answer;
        if (line.starts_with("changes ")) {
            answer = answer_changes(line);
        } else if (line == "status") {
            answer = fmt::format("watching {} {}\n", ::getpid(), folders.size());
        } else if (line == "stop") {
            answer = "stopping\n";
            stopping = true;
        } else {
            if (log) log(fmt::format(fmt::runtime(tr("rejected an invalid request: {}")), line.substr(0, 64)));
            return;
        }
        index::send_all(connection, answer);
    }
};

IndexWatcher::IndexWatcher(const Workspace& workspace) : state_(std::make_unique<State>()) {
    auto& state = *state_;
    state.clients_dir = workspace.clients_dir();
    state.state_dir = workspace.root() / ".dossier";
    std::error_code error;
    fs::create_directories(state.state_dir, error);

    // One watcher per workspace: it holds this lock for its life.
    const auto lock_path = state.state_dir / "watch.lock";
    state.lock = FileDescriptor(::open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
    if (state.lock.get() < 0) {
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot open {}: {}")), lock_path.string(),
                                               std::strerror(errno)));
    }
    if (::flock(state.lock.get(), LOCK_EX | LOCK_NB) != 0) {
        throw Error(ErrorKind::conflict, tr("a watcher already runs for this workspace"),
                    tr("stop it with: dossier index --stop-watching"));
    }

    state.inotify = FileDescriptor(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (state.inotify.get() < 0) {
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot start watching files: {}")), std::strerror(errno)),
                    tr("raise fs.inotify.max_user_instances with sysctl, or stop other programs that watch files"));
    }
    state.state_watch = ::inotify_add_watch(state.inotify.get(), state.state_dir.c_str(),
                                            IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
    if (state.state_watch < 0) State::cannot_watch(state.state_dir, errno);
    // Cookie files that a killed watcher left.
    for (const auto& entry : fs::directory_iterator(state.state_dir, error)) {
        if (entry.path().filename().string().starts_with(index::cookie_prefix)) fs::remove(entry.path(), error);
    }
    state.watch_tree("", 0);
    if (state.clients_watch < 0) State::cannot_watch(state.clients_dir, ENOENT);
    if (::stat(state.state_dir.c_str(), &state.state_dir_status) != 0 ||
        ::stat(state.clients_dir.c_str(), &state.clients_dir_status) != 0) {
        State::cannot_watch(state.clients_dir, errno);
    }

    // A socket left by a killed watcher is replaced: this one holds the lock.
    if (!index::socket_address(state.state_dir, state.socket_folder, state.address)) {
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot open the watcher's socket in {}")),
                                               state.state_dir.string()));
    }
    ::unlink((state.state_dir / index::watch_socket_name).c_str());
    state.listener = FileDescriptor(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    const mode_t previous = ::umask(0077);  // only the owner may connect
    const bool bound = state.listener.get() >= 0 &&
                       ::bind(state.listener.get(), reinterpret_cast<const sockaddr*>(&state.address),
                              sizeof state.address) == 0;
    ::umask(previous);
    struct stat socket_status {};
    if (bound && ::lstat((state.state_dir / index::watch_socket_name).c_str(), &socket_status) == 0) {
        state.socket_inode = socket_status.st_ino;
    }
    if (!bound || ::listen(state.listener.get(), 64) != 0) {
        const int saved = errno;
        state.listener.reset();
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot open the watcher's socket in {}: {}")),
                                               state.state_dir.string(), std::strerror(saved)));
    }
}

IndexWatcher::~IndexWatcher() = default;

std::size_t IndexWatcher::folders() const { return state_->folders.size(); }

void IndexWatcher::run(bool take_signals, std::function<void(const std::string&)> log) {
    auto& state = *state_;
    state.log = std::move(log);
    FileDescriptor signals;
    if (take_signals) {
        sigset_t set;
        sigemptyset(&set);
        for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, signal);
        pthread_sigmask(SIG_BLOCK, &set, nullptr);
        signals = FileDescriptor(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    }
    while (!state.stopping) {
        pollfd ready[3] = {{state.inotify.get(), POLLIN, 0}, {state.listener.get(), POLLIN, 0}, {signals.get(), POLLIN, 0}};
        const nfds_t count = signals.get() >= 0 ? 3 : 2;
        // The events of a deleted folder can come late, while a file in it is still open, so
        // the folders are also looked at every 2 s.
        if (::poll(ready, count, 2000) < 0) {
            if (errno == EINTR) continue;
            throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("the watcher failed: {}")), std::strerror(errno)));
        }
        if (!state.workspace_present()) break;
        if (ready[0].revents != 0) state.read_events(0);
        if (ready[1].revents != 0) {
            for (;;) {
                FileDescriptor connection(::accept4(state.listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
                if (connection.get() < 0) break;
                state.serve(connection.get());
            }
        }
        if (count == 3 && ready[2].revents != 0) state.stopping = true;
    }
    state.close();
}

std::optional<IndexWatcherStatus> index_watcher_status(const Workspace& workspace) {
    auto answer = index::watcher_request(workspace.root() / ".dossier", "status\n");
    long pid = 0;
    unsigned long folders = 0;
    if (!answer || std::sscanf(answer->c_str(), "watching %ld %lu", &pid, &folders) != 2) return std::nullopt;
    return IndexWatcherStatus{pid, folders};
}

bool stop_index_watcher(const Workspace& workspace) {
    const auto state_dir = workspace.root() / ".dossier";
    auto answer = index::watcher_request(state_dir, "stop\n");
    if (!answer || *answer != "stopping\n") return false;
    // It has stopped once it let go of its lock.
    FileDescriptor lock(::open((state_dir / "watch.lock").c_str(), O_RDWR | O_CLOEXEC));
    const auto deadline = std::chrono::steady_clock::now() + index::answer_timeout;
    while (lock.get() >= 0 && ::flock(lock.get(), LOCK_EX | LOCK_NB) != 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

}  // namespace dossier
