// Authentication and the check of an SSH server's host key, shared by fetch, push and clone.
#pragma once

#include <git2.h>

#include <string>
#include <vector>

namespace dossier::git {

// The state of one connection's authentication. libgit2 requests credentials again after each
// rejected one, so each way is tried once, then the request fails with what was tried.
class Authentication {
public:
    explicit Authentication(std::string url) : url_(std::move(url)) {}

    // Fills `callbacks` so that libgit2 requests credentials and host key checks from this object.
    void install(git_remote_callbacks& callbacks);

    // Describes, for an error message, the ways that were tried and refused; empty when none.
    std::string tried() const;

    // The references a push updated that the remote refused, each as "reference: reason".
    const std::vector<std::string>& rejected_references() const noexcept { return rejected_; }

    // True when the last failure came from the host key check.
    bool host_key_failed() const noexcept { return host_key_failed_; }

private:
    static int acquire(git_credential** out, const char* url, const char* username_from_url, unsigned int allowed,
                       void* payload);
    static int check_certificate(git_cert* certificate, int valid, const char* host, void* payload);
    static int note_push_status(const char* reference, const char* status, void* payload);

    int acquire_ssh(git_credential** out, const std::string& user);
    int acquire_password(git_credential** out, const char* username_from_url);

    std::string url_;
    bool agent_tried_ = false;
    std::size_t next_key_ = 0;
    bool token_tried_ = false;
    bool helper_tried_ = false;
    bool host_key_failed_ = false;
    std::vector<std::string> tried_;
    std::vector<std::string> rejected_;
};

}  // namespace dossier::git
