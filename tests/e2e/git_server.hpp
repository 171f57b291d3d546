// Git servers that end-to-end tests start on the loopback address and stop themselves.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace dossier::e2e {

// Returns a TCP port of 127.0.0.1 that was free a moment ago.
int free_loopback_port();

// A `git daemon` serving the bare repositories under `root` on 127.0.0.1, with push enabled.
// Stopped and waited for when destroyed.
class GitDaemon {
public:
    explicit GitDaemon(const std::filesystem::path& root);
    ~GitDaemon();
    GitDaemon(const GitDaemon&) = delete;
    GitDaemon& operator=(const GitDaemon&) = delete;

    // Creates the bare repository `name` (such as "acme.git") on branch main.
    void create_repository(const std::string& name) const;

    // Returns git://127.0.0.1:PORT/NAME.
    std::string url(const std::string& name) const;

    const std::filesystem::path& root() const { return root_; }

private:
    std::filesystem::path root_;
    int port_ = 0;
    pid_t pid_ = -1;
};

// A Git smart-HTTP server (tests/e2e/http_git_server.py running `git http-backend`) serving
// the bare repositories under `root` on 127.0.0.1 to one user with a password, pushes included.
class HttpGitServer {
public:
    HttpGitServer(const std::filesystem::path& root, const std::string& user, const std::string& password);
    ~HttpGitServer();
    HttpGitServer(const HttpGitServer&) = delete;
    HttpGitServer& operator=(const HttpGitServer&) = delete;

    // Returns http://127.0.0.1:PORT/NAME, without the user.
    std::string url(const std::string& name) const;

private:
    std::filesystem::path root_;
    int port_ = 0;
    pid_t pid_ = -1;
};

// Waits up to `seconds` until something accepts TCP connections on 127.0.0.1:`port`.
bool wait_for_port(int port, double seconds);

}  // namespace dossier::e2e
