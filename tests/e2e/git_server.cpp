#include "git_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace dossier::e2e {

namespace fs = std::filesystem;

namespace {

sockaddr_in loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

}  // namespace

int free_loopback_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    sockaddr_in address = loopback(0);
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot find a free loopback port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

bool wait_for_port(int port, double seconds) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address = loopback(port);
        bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
        ::close(fd);
        if (connected) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

GitDaemon::GitDaemon(const fs::path& root) : root_(root), port_(free_loopback_port()) {
    fs::create_directories(root_);
    std::string base = "--base-path=" + root_.string();
    std::string port = "--port=" + std::to_string(port_);
    std::string log = (root_ / "daemon.log").string();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::setpgid(0, 0);
        // The daemon reports each connection that a client closes early: kept out of the test's output.
        std::freopen(log.c_str(), "w", stderr);
        ::execlp("git", "git", "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack", "--listen=127.0.0.1",
                 port.c_str(), base.c_str(), root_.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    if (!wait_for_port(port_, 10)) {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
        throw std::runtime_error("git daemon did not start on port " + std::to_string(port_));
    }
}

GitDaemon::~GitDaemon() {
    // git daemon forks a process per connection: the whole process group goes.
    ::kill(-pid_, SIGTERM);
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
}

void GitDaemon::create_repository(const std::string& name) const {
    std::string command = "git init --quiet --bare --initial-branch=main '" + (root_ / name).string() + "'";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("git init --bare failed for " + name);
}

std::string GitDaemon::url(const std::string& name) const {
    return "git://127.0.0.1:" + std::to_string(port_) + "/" + name;
}

HttpGitServer::HttpGitServer(const fs::path& root, const std::string& user, const std::string& password)
    : root_(root) {
    fs::create_directories(root_);
    fs::path port_file = root_ / "http.port";
    fs::path log = root_ / "http.log";
    std::string script = std::string(DOSSIER_SOURCE_DIR) + "/tests/e2e/http_git_server.py";
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::setpgid(0, 0);
        std::freopen(log.c_str(), "w", stderr);
        ::execlp("python3", "python3", script.c_str(), root_.c_str(), user.c_str(), password.c_str(), port_file.c_str(),
                 static_cast<char*>(nullptr));
        ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!fs::exists(port_file) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::ifstream(port_file) >> port_;
    if (port_ == 0 || !wait_for_port(port_, 10)) {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
        throw std::runtime_error("the HTTP Git server did not start; see " + log.string());
    }
}

HttpGitServer::~HttpGitServer() {
    ::kill(-pid_, SIGTERM);
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
}

std::string HttpGitServer::url(const std::string& name) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + name;
}

}  // namespace dossier::e2e
