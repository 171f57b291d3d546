#include "ssh_server.hpp"

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "git_server.hpp"

namespace dossier::e2e {

namespace fs = std::filesystem;

namespace {

std::string user_name() {
    const passwd* entry = ::getpwuid(::getuid());
    if (entry == nullptr) throw std::runtime_error("cannot find the name of the user running the tests");
    return entry->pw_name;
}

void make_key(const fs::path& file) {
    std::string command = "ssh-keygen -q -t ed25519 -N '' -C dossier-test -f '" + file.string() + "'";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("ssh-keygen failed for " + file.string());
}

std::string read_text(const fs::path& file) {
    std::ifstream stream(file);
    std::stringstream content;
    content << stream.rdbuf();
    return content.str();
}

// Returns the "type base64" part of a public key file.
std::string public_key(const fs::path& file) {
    std::istringstream words(read_text(file));
    std::string type, key;
    words >> type >> key;
    return type + " " + key;
}

}  // namespace

SshServer::SshServer(const fs::path& folder) : folder_(folder), port_(free_loopback_port()) {
    fs::create_directories(folder_);
    make_key(folder_ / "host_key");
    make_key(folder_ / "other_host_key");
    make_key(folder_ / "client_key");
    fs::copy_file(folder_ / "client_key.pub", folder_ / "authorized_keys", fs::copy_options::overwrite_existing);

    std::ofstream config(folder_ / "sshd_config");
    config << "Port " << port_ << "\n"
           << "ListenAddress 127.0.0.1\n"
           << "HostKey " << (folder_ / "host_key").string() << "\n"
           << "PidFile " << (folder_ / "sshd.pid").string() << "\n"
           << "AuthorizedKeysFile " << (folder_ / "authorized_keys").string() << "\n"
           << "AllowUsers " << user_name() << "\n"
           << "PubkeyAuthentication yes\n"
           << "PasswordAuthentication no\n"
           << "KbdInteractiveAuthentication no\n"
           << "PermitRootLogin prohibit-password\n"
           << "StrictModes no\n"
           << "UsePAM no\n";
    config.close();

    // sshd started by root needs its privilege separation folder, which the Debian package
    // creates only when the system service starts.
    if (::geteuid() == 0 && ::mkdir("/run/sshd", 0755) != 0 && errno != EEXIST) {
        throw std::runtime_error("cannot create /run/sshd");
    }
    std::string config_path = (folder_ / "sshd_config").string();
    std::string log_path = (folder_ / "sshd.log").string();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::setpgid(0, 0);
        std::freopen(log_path.c_str(), "w", stderr);
        ::execl("/usr/sbin/sshd", "/usr/sbin/sshd", "-D", "-e", "-f", config_path.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    if (!wait_for_port(port_, 10)) {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
        throw std::runtime_error("sshd did not start: " + read_text(folder_ / "sshd.log"));
    }
}

SshServer::~SshServer() {
    ::kill(-pid_, SIGTERM);
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
}

std::string SshServer::url(const fs::path& repository) const {
    return "ssh://" + user_name() + "@127.0.0.1:" + std::to_string(port_) + fs::absolute(repository).string();
}

std::string SshServer::known_hosts_line() const {
    return "[127.0.0.1]:" + std::to_string(port_) + " " + public_key(folder_ / "host_key.pub") + "\n";
}

std::string SshServer::other_known_hosts_line() const {
    return "[127.0.0.1]:" + std::to_string(port_) + " " + public_key(folder_ / "other_host_key.pub") + "\n";
}

}  // namespace dossier::e2e
