// A temporary HOME and workspace folder for running the dossier binary end to end.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "process.hpp"

namespace dossier::e2e {

// The author of dossier's commits unless a test changes the environment.
inline constexpr const char* author_name = "Alice Martin";
inline constexpr const char* author_email = "alice@example.com";

// A fresh folder that contains `home/` (HOME for every process) and, once a test creates
// it, the workspace `ws/`. Everything is removed afterwards. The environment of the processes
// it runs is built from scratch: HOME, PATH (the test's own), GIT_CONFIG_NOSYSTEM=1,
// LANG=C.UTF-8, NO_COLOR=1, TZ=UTC, DOSSIER_TODAY and an author in GIT_AUTHOR_NAME and
// GIT_AUTHOR_EMAIL. Tests change `environment` to vary the case.
class Sandbox {
public:
    Sandbox();
    ~Sandbox();
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;

    std::map<std::string, std::string> environment;

    const std::filesystem::path& root() const { return root_; }
    std::filesystem::path home() const { return root_ / "home"; }
    std::filesystem::path workspace() const { return root_ / "ws"; }
    std::filesystem::path client_dir(const std::string& slug) const { return workspace() / "clients" / slug; }

    // Runs the dossier binary with `arguments`. `dossier` runs it in the workspace when that
    // exists, else in the sandbox root, and `dossier_in` runs it in `directory`.
    ProcessResult dossier(const std::vector<std::string>& arguments) const;
    ProcessResult dossier_in(const std::filesystem::path& directory, const std::vector<std::string>& arguments) const;

    // Runs `git -C repository arguments...` as the test's own tool, always with an author
    // and committer whatever `environment` sets.
    ProcessResult git(const std::filesystem::path& repository, const std::vector<std::string>& arguments) const;

    // Runs git like `git` and returns its standard output. Fails the test when git fails.
    std::string git_output(const std::filesystem::path& repository, const std::vector<std::string>& arguments) const;

    // Returns the full id of HEAD, and the number of commits reachable from it.
    std::string head(const std::filesystem::path& repository) const;
    int commit_count(const std::filesystem::path& repository) const;

    // Returns `git status --porcelain`, empty for a clean working tree and index.
    std::string status(const std::filesystem::path& repository) const;

    // Runs `git fsck --strict`, which exits with 0 for a healthy repository.
    ProcessResult fsck(const std::filesystem::path& repository) const;

    // Writes `bytes` to `path`, creating its folders, exactly as an editor would.
    static void write_file(const std::filesystem::path& path, const std::string& bytes);
    static std::string read_file(const std::filesystem::path& path);

    // Runs `dossier init ws` and fails the test when it fails.
    void init_workspace();

    // Runs `dossier client add NAME` and returns the slug it printed.
    std::string add_client(const std::string& name);

    // Writes `bytes` to `path` inside a client and commits it with plain git, the way a
    // change made outside dossier arrives.
    void commit_document(const std::string& slug, const std::string& path, const std::string& bytes) const;

private:
    std::filesystem::path root_;
};

// A workspace with the client "acme" and three documents committed to it with plain git.
class ClientSandbox : public Sandbox {
public:
    ClientSandbox();

    std::filesystem::path acme() const { return client_dir("acme"); }
};

// The documents of ClientSandbox, byte for byte.
extern const std::string vpn_reset_document;  // runbooks/vpn-reset.md
extern const std::string jeanne_document;     // contacts/jeanne-dupont.md
extern const std::string firewall_document;   // assets/fw01.md, which links to the runbook

}  // namespace dossier::e2e

// Checks that a repository has a clean status and passes `git fsck`, as every repository
// must after a write command.
#define CHECK_REPOSITORY_HEALTHY(sandbox, repository)                 \
    do {                                                              \
        CHECK((sandbox).status(repository) == "");                    \
        auto fsck_result_ = (sandbox).fsck(repository);               \
        CHECK(fsck_result_.exit_status == 0);                         \
        CHECK(fsck_result_.err.find("error") == std::string::npos);   \
        CHECK(fsck_result_.err.find("missing") == std::string::npos); \
    } while (false)
