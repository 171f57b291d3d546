// Authentication for fetch, push and clone, with SSH agent and key files, HTTPS tokens and Git's
// credential helpers. Also checks an SSH server's host key against known_hosts.
#include "git_transport.hpp"

#include <fcntl.h>
#include <libssh2.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "dossier/i18n.hpp"

extern char** environ;

namespace dossier::git {

namespace {

namespace fs = std::filesystem;

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

fs::path home_folder() {
    return fs::path(environment("HOME"));
}

// The parts of a remote URL that SSH checks and credential helpers need. Both
// "ssh://user@host:2222/path" and Git's scp-like "user@host:path" are read.
struct UrlParts {
    std::string protocol;
    std::string host;
    int port = -1;  // -1: the protocol's default
    std::string path;
};

UrlParts split_url(const std::string& url) {
    UrlParts parts;
    std::string rest = url;
    if (auto scheme = url.find("://"); scheme != std::string::npos) {
        parts.protocol = url.substr(0, scheme);
        rest = url.substr(scheme + 3);
        auto slash = rest.find('/');
        std::string authority = rest.substr(0, slash);
        parts.path = slash == std::string::npos ? std::string() : rest.substr(slash + 1);
        if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
        if (!authority.empty() && authority.front() == '[') {  // [::1]:2222
            auto close = authority.find(']');
            parts.host = authority.substr(1, close == std::string::npos ? std::string::npos : close - 1);
            if (close != std::string::npos && close + 1 < authority.size() && authority[close + 1] == ':') {
                parts.port = std::atoi(authority.c_str() + close + 2);
            }
        } else if (auto colon = authority.rfind(':'); colon != std::string::npos) {
            parts.host = authority.substr(0, colon);
            parts.port = std::atoi(authority.c_str() + colon + 1);
        } else {
            parts.host = authority;
        }
        return parts;
    }
    parts.protocol = "ssh";
    auto colon = rest.find(':');
    std::string authority = rest.substr(0, colon);
    if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
    parts.host = authority;
    parts.path = colon == std::string::npos ? std::string() : rest.substr(colon + 1);
    return parts;
}

// The key files that `ssh` itself tries, after DOSSIER_SSH_KEY.
std::vector<fs::path> key_files() {
    std::vector<fs::path> files;
    if (auto chosen = environment("DOSSIER_SSH_KEY"); !chosen.empty()) files.emplace_back(chosen);
    for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
        fs::path file = home_folder() / ".ssh" / name;
        std::error_code error;
        if (fs::is_regular_file(file, error)) files.push_back(file);
    }
    return files;
}

// Runs `git credential fill` for `url`, as `git fetch` would, and returns the username and
// password a credential helper gave. Never prompts: GIT_TERMINAL_PROMPT=0.
std::optional<std::pair<std::string, std::string>> credential_from_helper(const std::string& url) {
    UrlParts parts = split_url(url);
    std::string request = fmt::format("protocol={}\nhost={}{}\npath={}\n\n", parts.protocol, parts.host,
                                      parts.port > 0 ? ":" + std::to_string(parts.port) : std::string(), parts.path);

    int input[2], output[2];
    if (::pipe2(input, O_CLOEXEC) != 0) return std::nullopt;
    if (::pipe2(output, O_CLOEXEC) != 0) {
        ::close(input[0]);
        ::close(input[1]);
        return std::nullopt;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, input[0], 0);
    posix_spawn_file_actions_adddup2(&actions, output[1], 1);

    std::vector<std::string> variables;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        if (std::string_view(*entry).starts_with("GIT_TERMINAL_PROMPT=")) continue;
        variables.emplace_back(*entry);
    }
    variables.emplace_back("GIT_TERMINAL_PROMPT=0");
    std::vector<char*> envp;
    for (auto& variable : variables) envp.push_back(variable.data());
    envp.push_back(nullptr);

    char git[] = "git", credential[] = "credential", fill[] = "fill";
    char* argv[] = {git, credential, fill, nullptr};
    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, "git", &actions, nullptr, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(input[0]);
    ::close(output[1]);
    if (rc != 0) {
        ::close(input[1]);
        ::close(output[0]);
        return std::nullopt;
    }
    (void)!::write(input[1], request.data(), request.size());
    ::close(input[1]);

    std::string answer;
    char buffer[4096];
    for (ssize_t length; (length = ::read(output[0], buffer, sizeof buffer)) > 0;) answer.append(buffer, length);
    ::close(output[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;

    std::string username, password;
    std::size_t start = 0;
    while (start < answer.size()) {
        auto end = answer.find('\n', start);
        if (end == std::string::npos) end = answer.size();
        std::string_view line(answer.data() + start, end - start);
        if (line.starts_with("username=")) username = line.substr(9);
        if (line.starts_with("password=")) password = line.substr(9);
        start = end + 1;
    }
    if (password.empty()) return std::nullopt;
    return std::make_pair(username, password);
}

int known_host_key_type(git_cert_ssh_raw_type_t type) {
    switch (type) {
    case GIT_CERT_SSH_RAW_TYPE_RSA: return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
    case GIT_CERT_SSH_RAW_TYPE_DSS: return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
    case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_256: return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
    case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_384: return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
    case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_521: return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
    case GIT_CERT_SSH_RAW_TYPE_KEY_ED25519: return LIBSSH2_KNOWNHOST_KEY_ED25519;
    default: return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
    }
}

struct SessionDeleter {
    void operator()(LIBSSH2_SESSION* session) const noexcept { libssh2_session_free(session); }
};
struct KnownHostsDeleter {
    void operator()(LIBSSH2_KNOWNHOSTS* hosts) const noexcept { libssh2_knownhost_free(hosts); }
};

// Returns libssh2's verdict (LIBSSH2_KNOWNHOST_CHECK_*) on `key` for `host` and `port` after
// reading the user's and the system's known_hosts files.
int check_known_host(const std::string& host, int port, const git_cert_hostkey& key) {
    std::unique_ptr<LIBSSH2_SESSION, SessionDeleter> session(libssh2_session_init());
    if (!session) return LIBSSH2_KNOWNHOST_CHECK_FAILURE;
    std::unique_ptr<LIBSSH2_KNOWNHOSTS, KnownHostsDeleter> hosts(libssh2_knownhost_init(session.get()));
    if (!hosts) return LIBSSH2_KNOWNHOST_CHECK_FAILURE;

    for (const fs::path& file : {home_folder() / ".ssh" / "known_hosts", fs::path("/etc/ssh/ssh_known_hosts")}) {
        std::error_code error;
        if (fs::is_regular_file(file, error)) {
            libssh2_knownhost_readfile(hosts.get(), file.c_str(), LIBSSH2_KNOWNHOST_FILE_OPENSSH);
        }
    }
    int type = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | known_host_key_type(key.raw_type);
    return libssh2_knownhost_checkp(hosts.get(), host.c_str(), port, key.hostkey, key.hostkey_len, type, nullptr);
}

}  // namespace

void Authentication::install(git_remote_callbacks& callbacks) {
    callbacks.credentials = &Authentication::acquire;
    callbacks.certificate_check = &Authentication::check_certificate;
    callbacks.push_update_reference = &Authentication::note_push_status;
    callbacks.payload = this;
}

int Authentication::note_push_status(const char* reference, const char* status, void* payload) {
    if (status != nullptr) {
        static_cast<Authentication*>(payload)->rejected_.push_back(std::string(reference) + ": " + status);
    }
    return 0;
}

std::string Authentication::tried() const {
    std::string text;
    for (const auto& way : tried_) {
        if (!text.empty()) text += ", ";
        text += way;
    }
    return text;
}

int Authentication::acquire(git_credential** out, const char* /*url*/, const char* username_from_url,
                            unsigned int allowed, void* payload) {
    auto* self = static_cast<Authentication*>(payload);
    if ((allowed & GIT_CREDENTIAL_SSH_KEY) != 0) {
        std::string user = username_from_url != nullptr && *username_from_url != '\0' ? username_from_url : "git";
        return self->acquire_ssh(out, user);
    }
    if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) != 0) {
        return self->acquire_password(out, username_from_url);
    }
    if ((allowed & GIT_CREDENTIAL_USERNAME) != 0) {
        return git_credential_username_new(out, username_from_url != nullptr ? username_from_url : "git");
    }
    return GIT_PASSTHROUGH;
}

int Authentication::acquire_ssh(git_credential** out, const std::string& user) {
    if (!agent_tried_) {
        agent_tried_ = true;
        if (!environment("SSH_AUTH_SOCK").empty()) {
            tried_.push_back(tr("the SSH agent"));
            return git_credential_ssh_key_from_agent(out, user.c_str());
        }
    }
    auto files = key_files();
    if (next_key_ < files.size()) {
        const fs::path& key = files[next_key_++];
        tried_.push_back(key.string());
        return git_credential_ssh_key_new(out, user.c_str(), nullptr, key.c_str(), nullptr);
    }
    git_error_set_str(GIT_ERROR_SSH, tr("no SSH key was accepted"));
    return GIT_EAUTH;
}

int Authentication::acquire_password(git_credential** out, const char* username_from_url) {
    if (!token_tried_) {
        token_tried_ = true;
        if (auto token = environment("DOSSIER_GIT_TOKEN"); !token.empty()) {
            std::string user = environment("DOSSIER_GIT_USERNAME");
            if (user.empty()) user = username_from_url != nullptr && *username_from_url != '\0' ? username_from_url : "oauth2";
            tried_.push_back("DOSSIER_GIT_TOKEN");
            return git_credential_userpass_plaintext_new(out, user.c_str(), token.c_str());
        }
    }
    if (!helper_tried_) {
        helper_tried_ = true;
        if (auto found = credential_from_helper(url_)) {
            tried_.push_back(tr("Git's credential helper"));
            std::string user = !found->first.empty() ? found->first
                               : username_from_url != nullptr ? username_from_url : "";
            return git_credential_userpass_plaintext_new(out, user.c_str(), found->second.c_str());
        }
    }
    git_error_set_str(GIT_ERROR_HTTP, tr("no user name and password or token was accepted"));
    return GIT_EAUTH;
}

int Authentication::check_certificate(git_cert* certificate, int /*valid*/, const char* host, void* payload) {
    auto* self = static_cast<Authentication*>(payload);
    if (certificate->cert_type != GIT_CERT_HOSTKEY_LIBSSH2) {
        return GIT_PASSTHROUGH;  // HTTPS: libgit2 checks the certificate chain itself
    }
    // libgit2 1.5 accepts any SSH host key unless this callback checks it.
    const auto* key = reinterpret_cast<const git_cert_hostkey*>(certificate);
    UrlParts parts = split_url(self->url_);
    std::string name = host != nullptr ? host : parts.host;
    int port = parts.port > 0 ? parts.port : 22;
    self->host_key_failed_ = true;
    if ((key->type & GIT_CERT_SSH_RAW) == 0) {
        git_error_set_str(GIT_ERROR_SSH, tr("the SSH server did not send its host key"));
        return GIT_ECERTIFICATE;
    }
    switch (check_known_host(name, port, *key)) {
    case LIBSSH2_KNOWNHOST_CHECK_MATCH:
        self->host_key_failed_ = false;
        return 0;
    case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
        git_error_set_str(GIT_ERROR_SSH,
                          fmt::format(fmt::runtime(tr("the host key of {} differs from the one in known_hosts: the "
                                                      "server changed its key or someone is intercepting the connection")),
                                      name)
                              .c_str());
        return GIT_ECERTIFICATE;
    default:
        git_error_set_str(GIT_ERROR_SSH,
                          fmt::format(fmt::runtime(tr("the host key of {} is not in ~/.ssh/known_hosts")), name).c_str());
        return GIT_ECERTIFICATE;
    }
}

}  // namespace dossier::git
