// The requests of a refresh to the watcher (see dossier/index_watcher.hpp) and its responses.
//
// A refresh connects to .dossier/watch.sock and sends one line, "changes INSTANCE SEQUENCE\n",
// with the token stored in the index ("- 0" when there is none). Before it responds, the
// watcher creates a cookie file in .dossier/ and reads its events until that file's creation
// arrives, so every change made before the request is counted. It answers with the line
// "changes INSTANCE SEQUENCE COUNT\n" followed by COUNT paths, each a letter ('f' for a file,
// 'd' for a folder) and the path inside the clients folder, ended by a NUL byte; or with
// "full INSTANCE SEQUENCE\n" when it cannot tell what changed since the token: another
// watcher made the token, or events were lost. The new token goes into the index with the
// changes. "status\n" gets "watching PID FOLDERS\n", and "stop\n" gets "stopping\n".
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dossier::index {

struct WatchToken {
    std::string instance;  // a random name given to each watcher at its start
    std::uint64_t sequence = 0;

    bool operator==(const WatchToken&) const = default;
};

struct WatchedPath {
    std::string path;  // inside the clients folder: "acme/runbooks/vpn.md", or a folder
    bool folder = false;
};

struct WatchAnswer {
    WatchToken token;       // what the index can store once it contains the changes below
    bool complete = false;  // false: every file must be looked at
    std::vector<WatchedPath> paths;
};

// Asks the watcher whose socket is in `state_dir` what changed since `since`. Returns nothing
// when no watcher responds within a few seconds, or the response is malformed.
std::optional<WatchAnswer> ask_watcher(const std::filesystem::path& state_dir, const std::optional<WatchToken>& since);

// Sends `request` (a line) to the watcher and returns its whole response, or nothing when
// none responds.
std::optional<std::string> watcher_request(const std::filesystem::path& state_dir, const std::string& request);

// The socket's name inside .dossier.
inline constexpr const char* watch_socket_name = "watch.sock";

}  // namespace dossier::index
