// End-to-end tests of keys, team, access and secrets: the files they write, what the age command
// reads from them, and the errors of a missing, public or wrong identity.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sandbox.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ProcessResult;
using dossier::e2e::Sandbox;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

constexpr const char* credential_document =
    "---\ntype: credential\ntitle: Firewall admin\nusername: admin\nhost: fw01\n---\n# Firewall admin\n\n"
    "The account of the firewall's web console.\n";

// A workspace with the client acme, a credential document, and the technician alice whose
// identity (without passphrase) may read acme's secrets.
class SecretSandbox : public Sandbox {
public:
    SecretSandbox() {
        environment["DOSSIER_TEST_SCRYPT_WORK_FACTOR"] = "10";
        init_workspace();
        REQUIRE(add_client("Acme") == "acme");
        commit_document("acme", "credentials/fw01-admin.md", credential_document);
        alice_key = make_identity("alice", identity_path("alice"));
        auto grant = dossier({"access", "grant", "alice", "--client", "acme"});
        INFO(grant.err);
        REQUIRE(grant.exit_status == 0);
        environment["DOSSIER_IDENTITY"] = identity_path("alice").string();
    }

    fs::path identity_path(const std::string& id) const { return root() / "keys" / (id + ".age"); }

    // Creates an identity without passphrase at `path`, adds `id` with its key to the team and
    // returns the key.
    std::string make_identity(const std::string& id, const fs::path& path) {
        auto env = environment;
        environment["DOSSIER_IDENTITY"] = path.string();
        auto created = dossier({"key", "init", "--no-passphrase"});
        environment = env;
        INFO(created.err);
        REQUIRE(created.exit_status == 0);
        auto key = created.out.substr(0, created.out.find('\n'));
        auto added = dossier({"team", "add", id, "--key", key, "--name", id + " Martin"});
        INFO(added.err);
        REQUIRE(added.exit_status == 0);
        return key;
    }

    // Runs `script` with sh, where "$DOSSIER" is the dossier binary.
    ProcessResult shell(const std::string& script) const {
        auto env = environment;
        env["DOSSIER"] = DOSSIER_BINARY;
        return dossier::e2e::run_process({"sh", "-c", script}, env, workspace());
    }

    // Stores `value` in `field` of `reference` through standard input.
    ProcessResult set_secret(const std::string& reference, const std::string& field, const std::string& value) const {
        return shell("printf '%s' '" + value + "' | \"$DOSSIER\" secret set " + reference + " " + field);
    }

    std::string credential_path() const { return (client_dir("acme") / "credentials/fw01-admin.md").string(); }

    std::string alice_key;
};

TEST_CASE("key init without a passphrase writes a private identity and prints its public key") {
    Sandbox sandbox;
    auto path = sandbox.home() / ".config/dossier/identity.age";
    auto result = sandbox.dossier({"key", "init", "--no-passphrase"});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    CHECK(result.out.starts_with("age1"));
    struct stat status {};
    REQUIRE(::stat(path.c_str(), &status) == 0);
    CHECK((status.st_mode & 0777) == 0600);
    auto text = Sandbox::read_file(path);
    CHECK(contains(text, "AGE-SECRET-KEY-1"));
    CHECK(contains(text, "# public key: " + result.out.substr(0, result.out.find('\n'))));

    SUBCASE("key show prints the same public key") {
        auto shown = sandbox.dossier({"key", "show"});
        CHECK(shown.exit_status == 0);
        CHECK(shown.out == result.out);
    }
    SUBCASE("a second key init refuses to replace it and leaves it as it was") {
        auto again = sandbox.dossier({"key", "init", "--no-passphrase"});
        CHECK(again.exit_status == 3);
        CHECK(contains(again.err, "an identity already exists: " + path.string()));
        CHECK(Sandbox::read_file(path) == text);
    }
    SUBCASE("an identity that others can read is refused with the command that fixes it") {
        fs::permissions(path, fs::perms::group_read | fs::perms::others_read, fs::perm_options::add);
        auto shown = sandbox.dossier({"key", "show"});
        CHECK(shown.exit_status == 3);
        CHECK(contains(shown.err, "chmod 600 " + path.string()));
        CHECK(shown.out.empty());
    }
}

TEST_CASE("key init with a passphrase asks it on a descriptor; a wrong passphrase fails and keeps the file") {
    Sandbox sandbox;
    sandbox.environment["DOSSIER_TEST_SCRYPT_WORK_FACTOR"] = "10";
    sandbox.environment["DOSSIER_IDENTITY"] = (sandbox.root() / "identity.age").string();
    Sandbox::write_file(sandbox.root() / "pass", "correct horse\ncorrect horse\n");
    Sandbox::write_file(sandbox.root() / "wrong", "wrong horse\n");
    auto env = sandbox.environment;
    env["DOSSIER"] = DOSSIER_BINARY;
    env["DOSSIER_PASSPHRASE_FD"] = "3";
    auto run = [&](const std::string& script) { return dossier::e2e::run_process({"sh", "-c", script}, env, sandbox.root()); };

    auto created = run("\"$DOSSIER\" key init 3< pass");
    INFO(created.err);
    REQUIRE(created.exit_status == 0);
    auto bytes = Sandbox::read_file(sandbox.root() / "identity.age");
    CHECK(bytes.starts_with("age-encryption.org/v1\n-> scrypt "));
    CHECK_FALSE(contains(bytes, "AGE-SECRET-KEY"));

    auto shown = run("\"$DOSSIER\" key show 3< pass");
    CHECK(shown.exit_status == 0);
    CHECK(shown.out == created.out);

    auto wrong = run("\"$DOSSIER\" key show 3< wrong");
    CHECK(wrong.exit_status == 3);
    CHECK(contains(wrong.err, "wrong passphrase for"));
    CHECK(wrong.out.empty());
    CHECK(Sandbox::read_file(sandbox.root() / "identity.age") == bytes);
}

TEST_CASE("a missing identity file names where it was looked for") {
    Sandbox sandbox;
    auto result = sandbox.dossier({"key", "show"});
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, (sandbox.home() / ".config/dossier/identity.age").string()));

    sandbox.environment["XDG_CONFIG_HOME"] = (sandbox.root() / "xdg").string();
    auto both = sandbox.dossier({"key", "show"});
    CHECK(contains(both.err, "looked for " + (sandbox.root() / "xdg/dossier/identity.age").string() + ", " +
                                 (sandbox.home() / ".config/dossier/identity.age").string()));
    CHECK(contains(result.err, "dossier key init"));
}

TEST_CASE("team add refuses a malformed key and writes nothing") {
    Sandbox sandbox;
    sandbox.init_workspace();
    auto team = Sandbox::read_file(sandbox.workspace() / "team/team.yaml");
    auto result = sandbox.dossier({"team", "add", "bob", "--key", "age1notakey"});
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "age1notakey"));
    CHECK(Sandbox::read_file(sandbox.workspace() / "team/team.yaml") == team);
}

TEST_CASE("team add records the key and team list shows it") {
    SecretSandbox sandbox;
    auto listed = sandbox.dossier({"team", "list", "--json"});
    REQUIRE(listed.exit_status == 0);
    auto team = nlohmann::json::parse(listed.out);
    REQUIRE(team.size() == 1);
    CHECK(team[0]["id"] == "alice");
    CHECK(team[0]["key"] == sandbox.alice_key);
    CHECK(sandbox.status(sandbox.workspace()) == "");

    auto again = sandbox.dossier({"team", "add", "alice", "--key", sandbox.alice_key});
    CHECK(again.exit_status == 3);
}

TEST_CASE("team add records the key of a member who has none") {
    Sandbox sandbox;
    sandbox.init_workspace();
    sandbox.environment["DOSSIER_IDENTITY"] = (sandbox.root() / "k.age").string();
    auto key = sandbox.dossier({"key", "init", "--no-passphrase"}).out;
    key = key.substr(0, key.find('\n'));
    Sandbox::write_file(sandbox.workspace() / "team/team.yaml",
                        "# The team.\n- id: cmartin\n  name: Camille Martin\n  email: camille@example.fr\n"
                        "- id: ybenali\n  name: Yanis Benali\n");
    sandbox.git_output(sandbox.workspace(), {"commit", "-qam", "Add the team"});

    auto added = sandbox.dossier({"team", "add", "cmartin", "--key", key});
    INFO(added.err);
    REQUIRE(added.exit_status == 0);
    CHECK(Sandbox::read_file(sandbox.workspace() / "team/team.yaml") ==
          "# The team.\n- id: cmartin\n  key: " + key + "\n  name: Camille Martin\n  email: camille@example.fr\n"
          "- id: ybenali\n  name: Yanis Benali\n");
    CHECK(sandbox.status(sandbox.workspace()) == "");
}

TEST_CASE("secret set stores only ciphertext, and secret get prints the value back") {
    SecretSandbox sandbox;
    auto set = sandbox.set_secret("acme/credentials/fw01-admin", "password", "canary-7f3a9c");
    INFO(set.err);
    REQUIRE(set.exit_status == 0);

    auto bytes = Sandbox::read_file(sandbox.credential_path());
    CHECK(contains(bytes, "\n-----BEGIN AGE ENCRYPTED FILE-----\n"));
    CHECK(contains(bytes, "recipients: sha256:"));
    CHECK_FALSE(contains(bytes, "canary-7f3a9c"));
    auto log = sandbox.git_output(sandbox.client_dir("acme"), {"log", "-p", "--all"});
    CHECK_FALSE(contains(log, "canary-7f3a9c"));
    CHECK_REPOSITORY_HEALTHY(sandbox, sandbox.client_dir("acme"));

    auto get = sandbox.dossier({"secret", "get", "acme/credentials/fw01-admin"});
    CHECK(get.exit_status == 0);
    CHECK(get.out == "canary-7f3a9c\n");

    SUBCASE("the age command opens the block cut out of the document") {
        auto opened = sandbox.shell("sed -n '/^-----BEGIN AGE/,/^-----END AGE/p' '" + sandbox.credential_path() +
                                    "' | age -d -i '" + sandbox.identity_path("alice").string() + "'");
        INFO(opened.err);
        CHECK(opened.exit_status == 0);
        CHECK(contains(opened.out, "password: \"canary-7f3a9c\""));
        CHECK(contains(opened.out, "document: \"acme/credentials/fw01-admin\""));
        CHECK(opened.out.size() % 256 == 0);
    }
    SUBCASE("a second field keeps the first") {
        REQUIRE(sandbox.set_secret("acme/credentials/fw01-admin", "pin", "4242").exit_status == 0);
        CHECK(sandbox.dossier({"secret", "get", "acme/credentials/fw01-admin", "pin"}).out == "4242\n");
        CHECK(sandbox.dossier({"secret", "get", "acme/credentials/fw01-admin"}).out == "canary-7f3a9c\n");
    }
    SUBCASE("show replaces the block with how to read it") {
        auto shown = sandbox.dossier({"show", "acme/credentials/fw01-admin"});
        CHECK(shown.exit_status == 0);
        CHECK(contains(shown.out, "[encrypted secret: dossier secret get acme/credentials/fw01-admin]"));
        CHECK_FALSE(contains(shown.out, "BEGIN AGE"));
    }
    SUBCASE("dossier mv binds the secret to the new path") {
        auto moved = sandbox.dossier({"mv", "acme/credentials/fw01-admin", "acme/credentials/firewall-admin"});
        INFO(moved.err);
        REQUIRE(moved.exit_status == 0);
        CHECK(sandbox.dossier({"secret", "get", "acme/credentials/firewall-admin"}).out == "canary-7f3a9c\n");
        CHECK_REPOSITORY_HEALTHY(sandbox, sandbox.client_dir("acme"));
    }
    SUBCASE("a field that does not exist is named with the fields there are") {
        auto missing = sandbox.dossier({"secret", "get", "acme/credentials/fw01-admin", "pincode"});
        CHECK(missing.exit_status == 3);
        CHECK(contains(missing.err, "its fields: password"));
    }
    SUBCASE("a block copied into another credential is refused") {
        auto block_start = bytes.find("-----BEGIN AGE");
        sandbox.commit_document("acme", "credentials/copy.md",
                                std::string(credential_document) + "\n" + bytes.substr(block_start));
        auto copied = sandbox.dossier({"secret", "get", "acme/credentials/copy"});
        CHECK(copied.exit_status == 3);
        CHECK(contains(copied.err, "belongs to acme/credentials/fw01-admin"));
        CHECK(copied.out.empty());
    }
    SUBCASE("a tampered block gives an error and no plaintext") {
        auto line = bytes.find('\n', bytes.find("-----BEGIN AGE")) + 10;
        auto tampered = bytes;
        tampered[line] = tampered[line] == 'A' ? 'B' : 'A';
        Sandbox::write_file(sandbox.credential_path(), tampered);
        auto result = sandbox.dossier({"secret", "get", "acme/credentials/fw01-admin"});
        CHECK(result.exit_status == 3);
        CHECK(result.out.empty());
        CHECK_FALSE(contains(result.err, "canary"));
    }
    SUBCASE("a technician who was not granted access is told who can grant it") {
        sandbox.make_identity("bob", sandbox.identity_path("bob"));
        sandbox.environment["DOSSIER_IDENTITY"] = sandbox.identity_path("bob").string();
        auto result = sandbox.dossier({"secret", "get", "acme/credentials/fw01-admin"});
        CHECK(result.exit_status == 3);
        CHECK(contains(result.err, "your identity cannot open the secret of acme/credentials/fw01-admin"));
        CHECK(contains(result.err, "dossier access grant"));
        CHECK(result.out.empty());
    }
}

TEST_CASE("secret set refuses a document that is not a credential") {
    SecretSandbox sandbox;
    sandbox.commit_document("acme", "runbooks/vpn.md", "---\ntype: runbook\ntitle: VPN\n---\nSteps.\n");
    auto result = sandbox.set_secret("acme/runbooks/vpn", "password", "x");
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "not a credential"));
}

TEST_CASE("access grant and revoke re-encrypt every secret in one commit and list those to change") {
    SecretSandbox sandbox;
    REQUIRE(sandbox.set_secret("acme/credentials/fw01-admin", "password", "first-secret").exit_status == 0);
    sandbox.commit_document("acme", "credentials/wifi.md", "---\ntype: credential\ntitle: Wi-Fi\n---\n# Wi-Fi\n");
    REQUIRE(sandbox.set_secret("acme/credentials/wifi", "password", "second-secret").exit_status == 0);
    auto bob_key = sandbox.make_identity("bob", sandbox.identity_path("bob"));
    auto commits = sandbox.commit_count(sandbox.client_dir("acme"));

    auto granted = sandbox.dossier({"access", "grant", "bob", "--client", "acme"});
    INFO(granted.err);
    REQUIRE(granted.exit_status == 0);
    CHECK(sandbox.commit_count(sandbox.client_dir("acme")) == commits + 1);
    CHECK(contains(Sandbox::read_file(sandbox.client_dir("acme") / ".age-recipients"), bob_key));
    CHECK_REPOSITORY_HEALTHY(sandbox, sandbox.client_dir("acme"));

    auto as_bob = sandbox.environment;
    as_bob["DOSSIER_IDENTITY"] = sandbox.identity_path("bob").string();
    std::swap(sandbox.environment, as_bob);
    CHECK(sandbox.dossier({"secret", "get", "acme/credentials/wifi"}).out == "second-secret\n");
    std::swap(sandbox.environment, as_bob);

    auto listed = sandbox.dossier({"access", "list", "--client", "acme", "--json"});
    REQUIRE(listed.exit_status == 0);
    auto files = nlohmann::json::parse(listed.out);
    REQUIRE(files.size() == 1);
    CHECK(files[0]["recipients"].size() == 2);

    auto revoked = sandbox.dossier({"access", "revoke", "bob", "--client", "acme"});
    INFO(revoked.err);
    REQUIRE(revoked.exit_status == 0);
    CHECK(sandbox.commit_count(sandbox.client_dir("acme")) == commits + 2);
    CHECK(revoked.out == "acme/credentials/fw01-admin\nacme/credentials/wifi\n");
    CHECK_FALSE(contains(Sandbox::read_file(sandbox.client_dir("acme") / ".age-recipients"), bob_key));

    std::swap(sandbox.environment, as_bob);
    auto refused = sandbox.dossier({"secret", "get", "acme/credentials/wifi"});
    CHECK(refused.exit_status == 3);
    CHECK(refused.out.empty());
    std::swap(sandbox.environment, as_bob);
    CHECK(sandbox.dossier({"secret", "get", "acme/credentials/wifi"}).out == "second-secret\n");
}

TEST_CASE("access grant by a technician who cannot read a secret changes nothing") {
    SecretSandbox sandbox;
    REQUIRE(sandbox.set_secret("acme/credentials/fw01-admin", "password", "only-alice").exit_status == 0);
    sandbox.make_identity("bob", sandbox.identity_path("bob"));
    sandbox.make_identity("carol", sandbox.identity_path("carol"));
    sandbox.environment["DOSSIER_IDENTITY"] = sandbox.identity_path("bob").string();
    auto before = sandbox.head(sandbox.client_dir("acme"));
    auto result = sandbox.dossier({"access", "grant", "carol", "--client", "acme"});
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "nothing was changed"));
    CHECK(sandbox.head(sandbox.client_dir("acme")) == before);
    CHECK(sandbox.status(sandbox.client_dir("acme")) == "");
}

TEST_CASE("a recipients file with a malformed key names its line and stores nothing") {
    SecretSandbox sandbox;
    auto recipients = sandbox.client_dir("acme") / ".age-recipients";
    Sandbox::write_file(recipients, Sandbox::read_file(recipients) + "age1broken\n");
    auto before = Sandbox::read_file(sandbox.credential_path());
    auto result = sandbox.set_secret("acme/credentials/fw01-admin", "password", "x");
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, ".age-recipients"));
    CHECK(Sandbox::read_file(sandbox.credential_path()) == before);
}

TEST_CASE("otp prints the codes of RFC 6238 from an otpauth URI") {
    SecretSandbox sandbox;
    // The SHA-1 seed of RFC 6238's appendix B, "12345678901234567890", in Base32.
    auto uri = "otpauth://totp/Acme:admin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&period=30";
    REQUIRE(sandbox.set_secret("acme/credentials/fw01-admin", "otp_secret", uri).exit_status == 0);
    sandbox.environment["DOSSIER_NOW"] = "59";
    auto result = sandbox.dossier({"otp", "acme/credentials/fw01-admin"});
    INFO(result.err);
    CHECK(result.exit_status == 0);
    CHECK(result.out == "94287082\n");
    CHECK(contains(result.err, "valid for 1 more second"));

    sandbox.environment["DOSSIER_NOW"] = "1111111109";
    auto json = sandbox.dossier({"otp", "acme/credentials/fw01-admin", "--json"});
    auto code = nlohmann::json::parse(json.out);
    CHECK(code["code"] == "07081804");
    CHECK(code["seconds_left"] == 1);
}

TEST_CASE("secret generate stores a random password and records the rotation date") {
    SecretSandbox sandbox;
    auto result = sandbox.dossier({"secret", "generate", "acme/credentials/fw01-admin", "--length", "32"});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    auto password = sandbox.dossier({"secret", "get", "acme/credentials/fw01-admin"}).out;
    CHECK(password.size() == 33);
    CHECK(contains(Sandbox::read_file(sandbox.credential_path()), "rotated: "));

    auto words = sandbox.dossier({"secret", "generate", "acme/credentials/fw01-admin", "phrase", "--words", "5"});
    REQUIRE(words.exit_status == 0);
    auto phrase = sandbox.dossier({"secret", "get", "acme/credentials/fw01-admin", "phrase"}).out;
    CHECK(std::count(phrase.begin(), phrase.end(), '-') == 4);
    CHECK(sandbox.dossier({"secret", "get", "acme/credentials/fw01-admin"}).out == password);
}

TEST_CASE("secret edit goes through a private folder that is gone afterwards") {
    SecretSandbox sandbox;
    REQUIRE(sandbox.set_secret("acme/credentials/fw01-admin", "password", "before-edit").exit_status == 0);
    auto seen = sandbox.root() / "seen-path";
    // The editor records the file it was given, then rewrites the password.
    Sandbox::write_file(sandbox.root() / "editor.sh",
                        "#!/bin/sh\nprintf '%s' \"$1\" > '" + seen.string() + "'\n"
                        "stat -c %a \"$(dirname \"$1\")\" >> '" + seen.string() + ".mode'\n"
                        "sed -i 's/before-edit/after-edit/' \"$1\"\n");
    fs::permissions(sandbox.root() / "editor.sh", fs::perms::owner_all);
    sandbox.environment["EDITOR"] = (sandbox.root() / "editor.sh").string();

    auto result = sandbox.dossier({"secret", "edit", "acme/credentials/fw01-admin"});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    CHECK(sandbox.dossier({"secret", "get", "acme/credentials/fw01-admin"}).out == "after-edit\n");
    auto edited = fs::path(Sandbox::read_file(seen));
    CHECK_FALSE(fs::exists(edited));
    CHECK_FALSE(fs::exists(edited.parent_path()));
    CHECK(Sandbox::read_file(fs::path(seen.string() + ".mode")) == "700\n");

    SUBCASE("an editor that fails changes nothing and leaves nothing behind") {
        Sandbox::write_file(sandbox.root() / "editor.sh",
                            "#!/bin/sh\nprintf '%s' \"$1\" > '" + seen.string() + "'\necho broken > \"$1\"\nexit 1\n");
        auto head = sandbox.head(sandbox.client_dir("acme"));
        auto failed = sandbox.dossier({"secret", "edit", "acme/credentials/fw01-admin"});
        CHECK(failed.exit_status == 3);
        CHECK(sandbox.head(sandbox.client_dir("acme")) == head);
        CHECK_FALSE(fs::exists(fs::path(Sandbox::read_file(seen)).parent_path()));
        CHECK(sandbox.dossier({"secret", "get", "acme/credentials/fw01-admin"}).out == "after-edit\n");
    }
}

}  // namespace
