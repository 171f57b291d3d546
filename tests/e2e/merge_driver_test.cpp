// End-to-end tests of the merge driver that `hook install` registers: plain `git merge` of
// branches that changed one document or one credential on both sides.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "sandbox.hpp"
#include "secret_scan.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ClientSandbox;
using dossier::e2e::ProcessResult;
using dossier::e2e::Sandbox;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Returns `text` with its first `from` replaced by `to`; fails the test when `from` is absent.
std::string edited(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, "not in the text: " << from);
    return text.replace(at, from.size(), to);
}

// Commits `theirs` as `path` on a new branch "theirs" and `ours` on main, both from main's HEAD,
// then runs `git merge theirs` on main and returns its result.
ProcessResult merge_diverged(const Sandbox& sandbox, const fs::path& repository, const std::string& path,
                             const std::string& ours, const std::string& theirs) {
    sandbox.git_output(repository, {"checkout", "-q", "-b", "theirs"});
    Sandbox::write_file(repository / path, theirs);
    sandbox.git_output(repository, {"commit", "-q", "-am", "Change " + path + " on theirs"});
    sandbox.git_output(repository, {"checkout", "-q", "main"});
    Sandbox::write_file(repository / path, ours);
    sandbox.git_output(repository, {"commit", "-q", "-am", "Change " + path + " on main"});
    return sandbox.git(repository, {"merge", "--no-edit", "theirs"});
}

// Returns the paths that `git merge` left unmerged, one per index stage.
std::string unmerged(const Sandbox& sandbox, const fs::path& repository) {
    return sandbox.git_output(repository, {"ls-files", "--unmerged"});
}

void install_hook(const Sandbox& sandbox) {
    auto installed = sandbox.dossier({"hook", "install"});
    INFO(installed.err);
    REQUIRE(installed.exit_status == 0);
}

const std::string runbook = dossier::e2e::vpn_reset_document;
const std::string runbook_path = "runbooks/vpn-reset.md";

}  // namespace

TEST_CASE("hook install registers the merge driver once") {
    ClientSandbox sandbox;
    auto attributes = sandbox.acme() / ".git/info/attributes";
    Sandbox::write_file(attributes, "# the user's own line\n*.png binary");
    install_hook(sandbox);
    auto again = sandbox.dossier({"hook", "install"});
    INFO(again.err);
    REQUIRE(again.exit_status == 0);
    CHECK(contains(again.err, "registered the merge driver of acme"));

    CHECK(Sandbox::read_file(attributes) == "# the user's own line\n*.png binary\n*.md merge=dossier\n");
    auto driver = sandbox.git_output(sandbox.acme(), {"config", "--local", "merge.dossier.driver"});
    CHECK(driver == "'" + std::string(DOSSIER_BINARY) + "' merge-driver %O %A %B %P\n");
    CHECK(sandbox.git_output(sandbox.acme(), {"config", "--local", "merge.dossier.name"}).size() > 1);
    CHECK(sandbox.status(sandbox.acme()) == "");
}

TEST_CASE("hook install registers the driver next to a foreign pre-commit hook") {
    ClientSandbox sandbox;
    Sandbox::write_file(sandbox.acme() / ".git/hooks/pre-commit", "#!/bin/sh\nexit 0\n");
    auto installed = sandbox.dossier({"hook", "install"});
    CHECK(installed.exit_status == 3);
    CHECK(Sandbox::read_file(sandbox.acme() / ".git/info/attributes") == "*.md merge=dossier\n");
}

TEST_CASE("git merge of different front-matter keys") {
    ClientSandbox sandbox;
    auto ours = edited(runbook, "status: approved", "status: review");
    auto theirs = edited(runbook, "owner: jdupont", "owner: cmartin");

    SUBCASE("is clean with the driver") {
        install_hook(sandbox);
        auto merged = merge_diverged(sandbox, sandbox.acme(), runbook_path, ours, theirs);
        INFO(merged.err);
        CHECK(merged.exit_status == 0);
        CHECK(Sandbox::read_file(sandbox.acme() / runbook_path) == edited(ours, "owner: jdupont", "owner: cmartin"));
        CHECK_REPOSITORY_HEALTHY(sandbox, sandbox.acme());
        CHECK(sandbox.git_output(sandbox.acme(), {"rev-list", "--count", "--merges", "HEAD"}) == "1\n");
    }
    SUBCASE("conflicts without it") {
        auto merged = merge_diverged(sandbox, sandbox.acme(), runbook_path, ours, theirs);
        CHECK(merged.exit_status == 1);
        CHECK(contains(Sandbox::read_file(sandbox.acme() / runbook_path), "<<<<<<<"));
        CHECK_FALSE(unmerged(sandbox, sandbox.acme()).empty());
    }
}

TEST_CASE("git merge of different keys and different body lines") {
    ClientSandbox sandbox;
    install_hook(sandbox);
    auto ours = edited(edited(runbook, "status: approved", "status: review"), "# Réinitialiser le VPN du siège\n",
                       "# Réinitialiser le VPN\n");
    auto theirs =
        edited(edited(runbook, "owner: jdupont", "owner: cmartin"), "avant de relancer", "juste avant de relancer");
    auto merged = merge_diverged(sandbox, sandbox.acme(), runbook_path, ours, theirs);
    INFO(merged.err);
    CHECK(merged.exit_status == 0);
    CHECK(Sandbox::read_file(sandbox.acme() / runbook_path) ==
          edited(edited(ours, "owner: jdupont", "owner: cmartin"), "avant de relancer", "juste avant de relancer"));
    CHECK_REPOSITORY_HEALTHY(sandbox, sandbox.acme());
}

TEST_CASE("git merge of one body paragraph changed on both sides conflicts with markers") {
    ClientSandbox sandbox;
    install_hook(sandbox);
    auto ours = edited(edited(runbook, "status: approved", "status: review"), "1. Ouvrir la console du pare-feu",
                       "1. Ouvrir la console web du pare-feu");
    auto theirs = edited(edited(runbook, "owner: jdupont", "owner: cmartin"), "1. Ouvrir la console du pare-feu",
                         "1. Se connecter au pare-feu");
    auto merged = merge_diverged(sandbox, sandbox.acme(), runbook_path, ours, theirs);
    CHECK(merged.exit_status == 1);
    CHECK(contains(merged.err, "acme/runbooks/vpn-reset: both sides changed the body differently"));
    auto text = Sandbox::read_file(sandbox.acme() / runbook_path);
    CHECK(contains(text, "<<<<<<< ours\n1. Ouvrir la console web du pare-feu"));
    CHECK(contains(text, "=======\n1. Se connecter au pare-feu"));
    CHECK(contains(text, ">>>>>>> theirs\n"));
    CHECK_FALSE(unmerged(sandbox, sandbox.acme()).empty());
}

TEST_CASE("git merge of a path with spaces") {
    ClientSandbox sandbox;
    install_hook(sandbox);
    const std::string path = "runbooks/vpn reset (siège).md";
    sandbox.commit_document("acme", path, runbook);
    auto ours = edited(runbook, "status: approved", "status: review");
    auto theirs = edited(runbook, "owner: jdupont", "owner: cmartin");
    auto merged = merge_diverged(sandbox, sandbox.acme(), path, ours, theirs);
    INFO(merged.err);
    CHECK(merged.exit_status == 0);
    CHECK(Sandbox::read_file(sandbox.acme() / path) == edited(ours, "owner: jdupont", "owner: cmartin"));
}

TEST_CASE("git merge of a document added on both sides") {
    ClientSandbox sandbox;
    install_hook(sandbox);
    const std::string path = "runbooks/backup.md";
    const std::string added = "---\ntype: runbook\ntitle: Sauvegarde\n---\n# Sauvegarde\n";
    sandbox.git_output(sandbox.acme(), {"checkout", "-q", "-b", "theirs"});
    sandbox.commit_document("acme", path, edited(added, "title: Sauvegarde\n", "title: Sauvegarde\nowner: cmartin\n"));
    sandbox.git_output(sandbox.acme(), {"checkout", "-q", "main"});
    sandbox.commit_document("acme", path, edited(added, "title: Sauvegarde\n", "title: Sauvegarde\nstatus: draft\n"));
    auto merged = sandbox.git(sandbox.acme(), {"merge", "--no-edit", "theirs"});
    INFO(merged.err);
    CHECK(merged.exit_status == 0);
    CHECK(Sandbox::read_file(sandbox.acme() / path) ==
          edited(added, "title: Sauvegarde\n", "title: Sauvegarde\nstatus: draft\nowner: cmartin\n"));
}

TEST_CASE("git merge through the driver in French") {
    ClientSandbox sandbox;
    install_hook(sandbox);
    sandbox.environment["LANGUAGE"] = "fr";
    auto ours = edited(runbook, "status: approved", "status: review");
    auto theirs = edited(runbook, "status: approved", "status: archived");
    auto merged = merge_diverged(sandbox, sandbox.acme(), runbook_path, ours, theirs);
    CHECK(merged.exit_status == 1);
    CHECK(contains(merged.err, "acme/runbooks/vpn-reset : les deux côtés ont modifié status différemment"));
}

namespace {

constexpr const char* credential_document =
    "---\ntype: credential\ntitle: Firewall admin\nusername: admin\nhost: fw01\n---\n# Firewall admin\n\n"
    "The account of the firewall's web console.\n";
const std::string credential_path = "credentials/fw01-admin.md";
const std::string credential_reference = "acme/credentials/fw01-admin";

// A workspace with the client acme, the technician alice who may read its secrets, and a
// credential whose password and pin are set, with the merge driver installed.
class CredentialSandbox : public Sandbox {
public:
    CredentialSandbox() {
        environment["DOSSIER_TEST_SCRYPT_WORK_FACTOR"] = "10";
        init_workspace();
        REQUIRE(add_client("Acme") == "acme");
        commit_document("acme", credential_path, credential_document);
        environment["DOSSIER_IDENTITY"] = key_path().string();
        auto created = dossier({"key", "init", "--no-passphrase"});
        INFO(created.err);
        REQUIRE(created.exit_status == 0);
        auto added = dossier({"team", "add", "alice", "--key", created.out.substr(0, created.out.find('\n'))});
        REQUIRE(added.exit_status == 0);
        auto granted = dossier({"access", "grant", "alice", "--client", "acme"});
        INFO(granted.err);
        REQUIRE(granted.exit_status == 0);
        REQUIRE(set_secret("password", base_password).exit_status == 0);
        REQUIRE(set_secret("pin", "1111").exit_status == 0);
        install_hook(*this);
    }

    fs::path key_path() const { return root() / "keys/alice.age"; }
    fs::path repository() const { return client_dir("acme"); }
    fs::path credential_file() const { return repository() / credential_path; }

    // Stores `value` in `field` of the credential through standard input; dossier commits it on
    // the current branch.
    ProcessResult set_secret(const std::string& field, const std::string& value) const {
        auto env = environment;
        env["DOSSIER"] = DOSSIER_BINARY;
        return dossier::e2e::run_process(
            {"sh", "-c", "printf '%s' '" + value + "' | \"$DOSSIER\" secret set " + credential_reference + " " + field},
            env, workspace());
    }

    std::string secret(const std::string& field) const {
        auto got = dossier({"secret", "get", credential_reference, field});
        INFO(got.err);
        REQUIRE(got.exit_status == 0);
        return got.out;
    }

    // Runs `change_theirs` on a new branch "theirs" and `change_ours` on main, then merges
    // theirs into main with plain git and returns its result.
    template <typename Theirs, typename Ours>
    ProcessResult merge(Theirs change_theirs, Ours change_ours) const {
        git_output(repository(), {"checkout", "-q", "-b", "theirs"});
        change_theirs();
        git_output(repository(), {"checkout", "-q", "main"});
        change_ours();
        return git(repository(), {"merge", "--no-edit", "theirs"});
    }

    const std::string base_password = "base-" + dossier::e2e::scan::random_token(12);
};

}  // namespace

TEST_CASE("git merge of two secret fields changed apart") {
    CredentialSandbox sandbox;
    const auto our_password = "ours-" + dossier::e2e::scan::random_token(12);
    const auto their_pin = "pin-" + dossier::e2e::scan::random_token(8);
    auto merged = sandbox.merge([&] { REQUIRE(sandbox.set_secret("pin", their_pin).exit_status == 0); },
                                [&] { REQUIRE(sandbox.set_secret("password", our_password).exit_status == 0); });
    INFO(merged.err);
    REQUIRE(merged.exit_status == 0);

    CHECK(sandbox.secret("password") == our_password + "\n");
    CHECK(sandbox.secret("pin") == their_pin + "\n");
    CHECK_REPOSITORY_HEALTHY(sandbox, sandbox.repository());

    auto bytes = Sandbox::read_file(sandbox.credential_file());
    CHECK(contains(bytes, "recipients: sha256:"));
    auto checked = sandbox.dossier({"check", "--client", "acme", "--fail-on", "never"});
    CHECK(checked.exit_status == 0);
    CHECK_FALSE(contains(checked.out, "stale-recipients"));
    CHECK(bytes.starts_with("---\ntype: credential\ntitle: Firewall admin\nusername: admin\n"));

    // The standard age command still opens the block, bound to the document.
    auto opened =
        dossier::e2e::run_process({"sh", "-c", "sed -n '/^-----BEGIN AGE/,/^-----END AGE/p' \"$1\" | age -d -i \"$2\"",
                                   "sh", sandbox.credential_file().string(), sandbox.key_path().string()},
                                  sandbox.environment, sandbox.root());
    INFO(opened.err);
    CHECK(opened.exit_status == 0);
    CHECK(contains(opened.out, "password: \"" + our_password + "\""));
    CHECK(contains(opened.out, "pin: \"" + their_pin + "\""));
    CHECK(contains(opened.out, "document: \"" + credential_reference + "\""));

    // No plaintext reached the working tree, the Git objects or the output of git merge.
    dossier::e2e::scan::Needles needles{
        {"base password", sandbox.base_password}, {"our password", our_password}, {"their pin", their_pin}};
    std::vector<dossier::e2e::scan::Finding> findings;
    dossier::e2e::scan::scan_tree(sandbox.workspace(), needles, findings);
    dossier::e2e::scan::scan_git_objects(sandbox.repository(), sandbox.environment, needles, findings);
    dossier::e2e::scan::scan_bytes("output of git merge", merged.out + merged.err, needles, findings);
    CHECK_MESSAGE(findings.empty(), dossier::e2e::scan::describe(findings));
}

TEST_CASE("git merge of a secret field and the username needs no identity") {
    CredentialSandbox sandbox;
    const auto our_password = "ours-" + dossier::e2e::scan::random_token(12);
    const auto alice = sandbox.environment["DOSSIER_IDENTITY"];
    auto merged = sandbox.merge(
        [&] {
            Sandbox::write_file(sandbox.credential_file(), edited(Sandbox::read_file(sandbox.credential_file()),
                                                                  "username: admin", "username: root"));
            sandbox.git_output(sandbox.repository(), {"commit", "-q", "-am", "Rename the account"});
        },
        [&] {
            REQUIRE(sandbox.set_secret("password", our_password).exit_status == 0);
            // Only one side changed the secret: its block is kept without being decrypted.
            sandbox.environment["DOSSIER_IDENTITY"] = (sandbox.root() / "keys/nobody.age").string();
        });
    INFO(merged.err);
    REQUIRE(merged.exit_status == 0);
    sandbox.environment["DOSSIER_IDENTITY"] = alice;
    CHECK(sandbox.secret("password") == our_password + "\n");
    CHECK(sandbox.secret("pin") == "1111\n");
    CHECK(contains(Sandbox::read_file(sandbox.credential_file()), "\nusername: root\n"));
    CHECK_REPOSITORY_HEALTHY(sandbox, sandbox.repository());
}

TEST_CASE("git merge of one secret field changed on both sides conflicts") {
    CredentialSandbox sandbox;
    std::string ours;
    auto merged = sandbox.merge([&] { REQUIRE(sandbox.set_secret("password", "theirs-1").exit_status == 0); },
                                [&] {
                                    REQUIRE(sandbox.set_secret("password", "ours-1").exit_status == 0);
                                    ours = Sandbox::read_file(sandbox.credential_file());
                                });
    CHECK(merged.exit_status == 1);
    CHECK(contains(merged.err,
                   "both sides changed the secret field password of acme/credentials/fw01-admin differently"));
    CHECK_FALSE(contains(merged.err, "ours-1"));
    CHECK_FALSE(contains(merged.err, "theirs-1"));
    CHECK(Sandbox::read_file(sandbox.credential_file()) == ours);
    CHECK_FALSE(unmerged(sandbox, sandbox.repository()).empty());
}

TEST_CASE("git merge of secrets without an identity conflicts") {
    CredentialSandbox sandbox;
    std::string ours;
    std::string theirs;
    std::string head;
    auto merged = sandbox.merge(
        [&] {
            REQUIRE(sandbox.set_secret("pin", "2222").exit_status == 0);
            theirs = Sandbox::read_file(sandbox.credential_file());
        },
        [&] {
            REQUIRE(sandbox.set_secret("password", "ours-1").exit_status == 0);
            ours = Sandbox::read_file(sandbox.credential_file());
            head = sandbox.head(sandbox.repository());
            // The merge runs for a technician who has no identity.
            sandbox.environment["DOSSIER_IDENTITY"] = (sandbox.root() / "keys/nobody.age").string();
        });
    CHECK(merged.exit_status == 1);
    CHECK(
        contains(merged.err, "both sides changed the secret of acme/credentials/fw01-admin, and it cannot be merged"));
    CHECK(contains(merged.err, "keys/nobody.age"));
    auto bytes = Sandbox::read_file(sandbox.credential_file());
    CHECK(bytes == ours);
    CHECK(bytes != theirs);
    CHECK_FALSE(unmerged(sandbox, sandbox.repository()).empty());
    CHECK(sandbox.head(sandbox.repository()) == head);
    CHECK(sandbox.git(sandbox.repository(), {"commit", "-q", "--no-edit"}).exit_status != 0);
}

TEST_CASE("git merge of secrets with a passphrase and no terminal conflicts") {
    CredentialSandbox sandbox;
    // An identity protected by a passphrase for the merge: standard input is /dev/null.
    auto protected_key = sandbox.root() / "keys/protected.age";
    fs::create_directories(protected_key.parent_path());
    sandbox.environment["DOSSIER_IDENTITY"] = protected_key.string();
    Sandbox::write_file(sandbox.root() / "pass", "correct horse\ncorrect horse\n");
    auto env = sandbox.environment;
    env["DOSSIER"] = DOSSIER_BINARY;
    env["DOSSIER_PASSPHRASE_FD"] = "3";
    auto created = dossier::e2e::run_process({"sh", "-c", "\"$DOSSIER\" key init 3< pass"}, env, sandbox.root());
    INFO(created.err);
    REQUIRE(created.exit_status == 0);
    sandbox.environment["DOSSIER_IDENTITY"] = sandbox.key_path().string();

    auto merged = sandbox.merge([&] { REQUIRE(sandbox.set_secret("pin", "2222").exit_status == 0); },
                                [&] {
                                    REQUIRE(sandbox.set_secret("password", "ours-1").exit_status == 0);
                                    sandbox.environment["DOSSIER_IDENTITY"] = protected_key.string();
                                });
    CHECK(merged.exit_status == 1);
    CHECK(contains(merged.err, "passphrase"));
    CHECK_FALSE(unmerged(sandbox, sandbox.repository()).empty());
}
