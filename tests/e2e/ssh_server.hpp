// An OpenSSH server that an end-to-end test starts on the loopback address, with its own host
// key and one client key made for the test. Stopped and waited for when destroyed.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace dossier::e2e {

class SshServer {
public:
    // Makes the keys and the configuration under `folder`, then starts sshd.
    explicit SshServer(const std::filesystem::path& folder);
    ~SshServer();
    SshServer(const SshServer&) = delete;
    SshServer& operator=(const SshServer&) = delete;

    // Returns ssh://USER@127.0.0.1:PORT/ABSOLUTE-PATH for a repository on this machine.
    std::string url(const std::filesystem::path& repository) const;

    // The private key that the server accepts, without passphrase.
    std::filesystem::path client_key() const { return folder_ / "client_key"; }

    // The known_hosts line of the server's host key, as ssh writes it for a port other than 22.
    std::string known_hosts_line() const;

    // A known_hosts line for this address with another key, as after a server changed keys.
    std::string other_known_hosts_line() const;

private:
    std::filesystem::path folder_;
    int port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace dossier::e2e
