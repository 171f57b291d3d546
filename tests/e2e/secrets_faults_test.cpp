// The hard cases of F11 (recipients and keys) and F12 (plaintext leaks) for the secret commands:
// tampered, truncated and swapped blocks, unknown and missing identities, malformed recipients,
// wrong passphrases, revoke and grant checked with the age command itself, narrowing
// subfolder recipients files, all-or-nothing re-encryption, and key init under umask 000.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sandbox.hpp"
#include "secret_scan.hpp"

namespace {

namespace fs = std::filesystem;
namespace scan = dossier::e2e::scan;
using dossier::e2e::ProcessResult;
using dossier::e2e::Sandbox;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string credential(const std::string& title) {
    return "---\ntype: credential\ntitle: " + title + "\n---\n# " + title + "\n";
}

// A workspace with the client acme, alice (whose identity has no passphrase) granted on it, and
// helpers to store secrets and to open blocks with the age command.
class FaultSandbox : public Sandbox {
public:
    FaultSandbox() {
        canary = "cnry" + scan::random_token(16);
        environment["DOSSIER_TEST_SCRYPT_WORK_FACTOR"] = "10";
        environment["DOSSIER"] = DOSSIER_BINARY;
        fs::create_directories(root() / "input");
        init_workspace();
        REQUIRE(add_client("Acme") == "acme");
        alice_key = make_identity("alice");
        grant("alice");
        environment["DOSSIER_IDENTITY"] = identity("alice").string();
    }

    fs::path identity(const std::string& id) const { return root() / "keys" / (id + ".age"); }
    fs::path acme() const { return client_dir("acme"); }

    std::string make_identity(const std::string& id) {
        auto env = environment;
        environment["DOSSIER_IDENTITY"] = identity(id).string();
        auto created = dossier({"key", "init", "--no-passphrase"});
        environment = env;
        INFO(created.err);
        REQUIRE(created.exit_status == 0);
        auto key = created.out.substr(0, created.out.find('\n'));
        auto added = dossier({"team", "add", id, "--key", key});
        INFO(added.err);
        REQUIRE(added.exit_status == 0);
        return key;
    }

    void grant(const std::string& id) {
        auto result = dossier({"access", "grant", id, "--client", "acme"});
        INFO("grant ", id, ": ", result.err);
        REQUIRE(result.exit_status == 0);
    }

    ProcessResult shell(const std::string& script) const {
        return dossier::e2e::run_process({"sh", "-c", script}, environment, workspace());
    }

    // Stores `value` in `field` of `reference` through standard input, from a file.
    ProcessResult set_secret(const std::string& reference, const std::string& value,
                             const std::string& field = "password") const {
        Sandbox::write_file(root() / "input/value", value);
        return shell("\"$DOSSIER\" secret set " + quoted(reference) + " " + field + " < " +
                     quoted((root() / "input/value").string()));
    }

    // Opens the block of the document at `file` with `age -d -i identity`.
    ProcessResult age_open(const fs::path& file, const fs::path& identity_file) const {
        Sandbox::write_file(root() / "input/block", scan::armored_block(Sandbox::read_file(file)));
        return dossier::e2e::run_process(
            {"age", "-d", "-i", identity_file.string(), (root() / "input/block").string()}, environment, root());
    }

    // Every document of acme that holds an age block, by path in the repository.
    std::map<std::string, std::string> sealed_documents() const {
        std::map<std::string, std::string> found;
        for (fs::recursive_directory_iterator it(acme()), end; it != end; ++it) {
            if (it->path().filename() == ".git") {
                it.disable_recursion_pending();
                continue;
            }
            if (!it->is_regular_file()) continue;
            auto bytes = Sandbox::read_file(it->path());
            if (!scan::armored_block(bytes).empty()) found[it->path().lexically_relative(acme()).string()] = bytes;
        }
        return found;
    }

    // Every file of acme's working tree outside .git, with its bytes.
    std::map<std::string, std::string> working_tree() const {
        std::map<std::string, std::string> files;
        for (fs::recursive_directory_iterator it(acme()), end; it != end; ++it) {
            if (it->path().filename() == ".git") {
                it.disable_recursion_pending();
                continue;
            }
            if (it->is_regular_file()) files[it->path().lexically_relative(acme()).string()] = Sandbox::read_file(it->path());
        }
        return files;
    }

    std::string canary;
    std::string alice_key;
};

// The number of age1 keys of a recipients file.
int keys_in(const std::string& recipients) {
    int count = 0;
    std::size_t offset = 0;
    while (offset < recipients.size()) {
        auto end = recipients.find('\n', offset);
        auto line = recipients.substr(offset, end == std::string::npos ? std::string::npos : end - offset);
        if (line.starts_with("age1")) ++count;
        offset = end == std::string::npos ? recipients.size() : end + 1;
    }
    return count;
}

// ---------------------------------------------------------------------------------------------
// Tampered, truncated and swapped blocks

TEST_CASE("tampered blocks release no plaintext") {
    FaultSandbox sandbox;
    const std::string reference = "acme/credentials/fw01";
    sandbox.commit_document("acme", "credentials/fw01.md", credential("Firewall"));
    REQUIRE(sandbox.set_secret(reference, sandbox.canary).exit_status == 0);
    auto path = sandbox.acme() / "credentials/fw01.md";
    auto bytes = Sandbox::read_file(path);
    auto block = scan::armored_block(bytes);
    auto binary = scan::dearmored(block);
    auto header_end = binary.find("\n--- ");
    REQUIRE(header_end != std::string::npos);
    auto payload = binary.find('\n', header_end + 1) + 1;
    REQUIRE(binary.size() > payload + 16 + 17);  // nonce, then at least one sealed chunk

    auto with_binary = [&](std::string changed) {
        return bytes.substr(0, bytes.find(block)) + scan::armor(changed) + bytes.substr(bytes.find(block) + block.size());
    };
    std::string tampered;
    SUBCASE("a byte of the payload flipped") {
        auto changed = binary;
        changed[payload + 20] = static_cast<char>(changed[payload + 20] ^ 1);
        tampered = with_binary(changed);
    }
    SUBCASE("a byte of the header MAC flipped") {
        auto changed = binary;
        changed[header_end + 6] = changed[header_end + 6] == 'A' ? 'B' : 'A';
        tampered = with_binary(changed);
    }
    SUBCASE("a byte of the stanza flipped") {
        auto changed = binary;
        auto stanza = binary.find("-> X25519 ") + 12;
        changed[stanza] = changed[stanza] == 'A' ? 'B' : 'A';
        tampered = with_binary(changed);
    }
    SUBCASE("the last byte of the payload cut") { tampered = with_binary(binary.substr(0, binary.size() - 1)); }
    SUBCASE("the payload cut after the nonce") { tampered = with_binary(binary.substr(0, payload + 16)); }
    SUBCASE("the payload removed") { tampered = with_binary(binary.substr(0, payload)); }
    SUBCASE("bytes added after the last chunk") { tampered = with_binary(binary + std::string(17, 'x')); }
    SUBCASE("the END line removed") {
        tampered = bytes.substr(0, bytes.find("-----END AGE ENCRYPTED FILE-----"));
    }
    SUBCASE("the last line of Base64 removed") {
        auto end_line = bytes.find("-----END AGE");
        auto last_line = bytes.rfind('\n', end_line - 2) + 1;
        tampered = bytes.substr(0, last_line) + bytes.substr(end_line);
    }
    SUBCASE("a line of Base64 wrapped at another width") {
        auto first = bytes.find('\n', bytes.find("-----BEGIN AGE")) + 1;
        tampered = bytes;
        tampered.insert(first + 32, "\n");
    }

    sandbox.write_file(path, tampered);
    sandbox.git_output(sandbox.acme(), {"commit", "-qam", "tamper"});
    auto head = sandbox.head(sandbox.acme());
    auto marker = sandbox.root() / "input/editor-started";
    Sandbox::write_file(sandbox.root() / "input/editor.sh", "#!/bin/sh\ntouch " + quoted(marker.string()) + "\n");
    fs::permissions(sandbox.root() / "input/editor.sh", fs::perms::owner_all);
    sandbox.environment["EDITOR"] = (sandbox.root() / "input/editor.sh").string();

    for (const auto& arguments : std::vector<std::vector<std::string>>{
             {"secret", "get", reference},
             {"otp", reference},
             {"secret", "edit", reference},
             {"secret", "set", reference, "pin"},
             {"mv", reference, "acme/credentials/moved"}}) {
        auto result = sandbox.dossier(arguments);
        INFO(arguments[0], " ", arguments[1], ": ", result.err);
        CHECK(result.exit_status != 0);
        CHECK(result.out.empty());
        CHECK_FALSE(contains(result.err, sandbox.canary));
        CHECK_FALSE(result.err.empty());
    }
    CHECK_FALSE(fs::exists(marker));
    CHECK(Sandbox::read_file(path) == tampered);
    CHECK(sandbox.head(sandbox.acme()) == head);
    CHECK(sandbox.status(sandbox.acme()) == "");
}

TEST_CASE("swapped blocks are refused") {
    FaultSandbox sandbox;
    sandbox.commit_document("acme", "credentials/a.md", credential("A"));
    sandbox.commit_document("acme", "credentials/b.md", credential("B"));
    REQUIRE(sandbox.set_secret("acme/credentials/a", sandbox.canary + "-a").exit_status == 0);
    REQUIRE(sandbox.set_secret("acme/credentials/b", sandbox.canary + "-b").exit_status == 0);
    auto a = Sandbox::read_file(sandbox.acme() / "credentials/a.md");
    auto b = Sandbox::read_file(sandbox.acme() / "credentials/b.md");
    auto block_a = scan::armored_block(a);
    auto block_b = scan::armored_block(b);
    Sandbox::write_file(sandbox.acme() / "credentials/a.md", a.substr(0, a.find(block_a)) + block_b);
    Sandbox::write_file(sandbox.acme() / "credentials/b.md", b.substr(0, b.find(block_b)) + block_a);

    for (const auto& [reference, owner] : std::vector<std::pair<std::string, std::string>>{
             {"acme/credentials/a", "acme/credentials/b"}, {"acme/credentials/b", "acme/credentials/a"}}) {
        for (const auto& arguments : std::vector<std::vector<std::string>>{
                 {"secret", "get", reference}, {"otp", reference}, {"mv", reference, reference + "-moved"}}) {
            auto result = sandbox.dossier(arguments);
            INFO(arguments[0], " ", reference, ": ", result.err);
            CHECK(result.exit_status == 3);
            CHECK(result.out.empty());
            CHECK(contains(result.err, "belongs to " + owner));
            CHECK_FALSE(contains(result.err, sandbox.canary));
        }
    }

    SUBCASE("a block from the same path of another client is refused") {
        REQUIRE(sandbox.add_client("Globex") == "globex");
        auto grant = sandbox.dossier({"access", "grant", "alice", "--client", "globex"});
        REQUIRE(grant.exit_status == 0);
        sandbox.commit_document("globex", "credentials/a.md", credential("A") + "\n" + block_a);
        auto result = sandbox.dossier({"secret", "get", "globex/credentials/a"});
        CHECK(result.exit_status == 3);
        CHECK(result.out.empty());
        CHECK(contains(result.err, "belongs to acme/credentials/a"));
    }
}

// ---------------------------------------------------------------------------------------------
// Identities

TEST_CASE("an unknown identity releases nothing") {
    FaultSandbox sandbox;
    sandbox.commit_document("acme", "credentials/fw01.md", credential("Firewall"));
    REQUIRE(sandbox.set_secret("acme/credentials/fw01", sandbox.canary).exit_status == 0);
    sandbox.make_identity("mallory");

    std::string key_line;  // what the identity file holds, which no message may repeat
    SUBCASE("a key the recipients file does not name") {
        sandbox.environment["DOSSIER_IDENTITY"] = sandbox.identity("mallory").string();
    }
    SUBCASE("a file that holds no identity") {
        auto garbage = sandbox.root() / "keys/garbage.age";
        key_line = "not-an-identity-" + sandbox.canary;
        Sandbox::write_file(garbage, key_line + "\n");
        fs::permissions(garbage, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
        sandbox.environment["DOSSIER_IDENTITY"] = garbage.string();
    }
    SUBCASE("a secret key with a broken checksum") {
        auto broken = sandbox.root() / "keys/broken.age";
        auto text = Sandbox::read_file(sandbox.identity("mallory"));
        auto key = text.find("AGE-SECRET-KEY-1");
        text[key + 20] = text[key + 20] == 'Q' ? 'P' : 'Q';
        key_line = text.substr(key, text.find('\n', key) - key);
        Sandbox::write_file(broken, text);
        fs::permissions(broken, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
        sandbox.environment["DOSSIER_IDENTITY"] = broken.string();
    }
    for (const auto& arguments : std::vector<std::vector<std::string>>{{"secret", "get", "acme/credentials/fw01"},
                                                                       {"otp", "acme/credentials/fw01"}}) {
        auto result = sandbox.dossier(arguments);
        INFO(result.err);
        CHECK(result.exit_status == 3);
        CHECK(result.out.empty());
        CHECK_FALSE(result.err.empty());
        CHECK_FALSE(contains(result.err, sandbox.canary));
        if (!key_line.empty()) {
            CHECK_FALSE(contains(result.err, key_line.substr(16)));
            // The error names the file it could not read an identity from.
            CHECK(contains(result.err, sandbox.environment["DOSSIER_IDENTITY"]));
        }
    }
}

TEST_CASE("missing identity names its path") {
    FaultSandbox sandbox;
    sandbox.commit_document("acme", "credentials/fw01.md", credential("Firewall"));
    REQUIRE(sandbox.set_secret("acme/credentials/fw01", sandbox.canary).exit_status == 0);

    std::string looked_at;
    SUBCASE("DOSSIER_IDENTITY names a missing file") {
        looked_at = (sandbox.root() / "keys/nobody.age").string();
        sandbox.environment["DOSSIER_IDENTITY"] = looked_at;
    }
    SUBCASE("the default file under HOME") {
        sandbox.environment.erase("DOSSIER_IDENTITY");
        looked_at = (sandbox.home() / ".config/dossier/identity.age").string();
    }
    SUBCASE("the default file under XDG_CONFIG_HOME") {
        sandbox.environment.erase("DOSSIER_IDENTITY");
        sandbox.environment["XDG_CONFIG_HOME"] = (sandbox.root() / "xdg").string();
        looked_at = (sandbox.root() / "xdg/dossier/identity.age").string();
    }
    for (const auto& arguments : std::vector<std::vector<std::string>>{
             {"key", "show"}, {"secret", "get", "acme/credentials/fw01"}, {"otp", "acme/credentials/fw01"}}) {
        auto result = sandbox.dossier(arguments);
        INFO(arguments[0], " ", arguments[1], ": ", result.err);
        CHECK(result.exit_status == 3);
        CHECK(result.out.empty());
        CHECK(contains(result.err, looked_at));
    }
}

TEST_CASE("wrong passphrase keeps the key file") {
    FaultSandbox sandbox;
    auto path = sandbox.root() / "keys/protected.age";
    sandbox.environment["DOSSIER_IDENTITY"] = path.string();
    sandbox.environment["DOSSIER_PASSPHRASE_FD"] = "3";
    Sandbox::write_file(sandbox.root() / "input/right", "right horse\nright horse\n");
    Sandbox::write_file(sandbox.root() / "input/wrong", "wrong horse\nwrong horse\n");
    Sandbox::write_file(sandbox.root() / "input/empty", "");
    auto right = quoted((sandbox.root() / "input/right").string());
    auto created = sandbox.shell("\"$DOSSIER\" key init 3<" + right);
    INFO(created.err);
    REQUIRE(created.exit_status == 0);
    auto key = created.out.substr(0, created.out.find('\n'));
    REQUIRE(sandbox.dossier({"team", "add", "carol", "--key", key}).exit_status == 0);
    sandbox.environment["DOSSIER_IDENTITY"] = sandbox.identity("alice").string();
    sandbox.grant("carol");
    sandbox.commit_document("acme", "credentials/fw01.md", credential("Firewall"));
    REQUIRE(sandbox.set_secret("acme/credentials/fw01", sandbox.canary).exit_status == 0);
    sandbox.make_identity("dave");
    sandbox.environment["DOSSIER_IDENTITY"] = path.string();

    auto bytes = Sandbox::read_file(path);
    auto folder_before = scan::entries_with_prefix(path.parent_path(), "");
    auto modified = fs::last_write_time(path);
    auto head = sandbox.head(sandbox.acme());
    for (const std::string input : {"wrong", "empty"}) {
        auto fd = " 3<" + quoted((sandbox.root() / "input" / input).string());
        for (const std::string command : {"key show", "secret get acme/credentials/fw01", "otp acme/credentials/fw01",
                                          "secret set acme/credentials/fw01 pin",
                                          "access grant dave --client acme", "key init"}) {
            auto result = sandbox.shell("printf 1234 | \"$DOSSIER\" " + command + fd);
            INFO(input, " passphrase, ", command, ": ", result.err);
            CHECK(result.exit_status != 0);
            CHECK_FALSE(contains(result.out, sandbox.canary));
            CHECK(Sandbox::read_file(path) == bytes);
            CHECK(fs::last_write_time(path) == modified);
        }
    }
    CHECK(scan::entries_with_prefix(path.parent_path(), "") == folder_before);
    CHECK(sandbox.head(sandbox.acme()) == head);
    CHECK(sandbox.status(sandbox.acme()) == "");
    CHECK(scan::mode_of(path) == 0600);
}

TEST_CASE("key init under umask 000 stays private") {
    Sandbox sandbox;
    sandbox.environment["DOSSIER"] = DOSSIER_BINARY;
    sandbox.environment["DOSSIER_TEST_SCRYPT_WORK_FACTOR"] = "10";
    auto run = [&](const std::string& script) {
        return dossier::e2e::run_process({"sh", "-c", "umask 000; " + script}, sandbox.environment, sandbox.root());
    };
    REQUIRE_FALSE(fs::exists(sandbox.home() / ".config"));

    SUBCASE("without a passphrase, in a HOME without .config") {
        auto result = run("\"$DOSSIER\" key init --no-passphrase");
        INFO(result.err);
        REQUIRE(result.exit_status == 0);
        CHECK(scan::mode_of(sandbox.home() / ".config/dossier/identity.age") == 0600);
        CHECK(scan::mode_of(sandbox.home() / ".config/dossier") == 0700);
        INFO("mode of ~/.config: ", scan::mode_of(sandbox.home() / ".config"));
        CHECK((scan::mode_of(sandbox.home() / ".config") & 022) == 0);
        CHECK(scan::entries_with_prefix(sandbox.home() / ".config/dossier", "") ==
              std::vector<std::string>{"identity.age"});
    }
    SUBCASE("with a passphrase") {
        Sandbox::write_file(sandbox.root() / "pass", "correct horse\ncorrect horse\n");
        sandbox.environment["DOSSIER_PASSPHRASE_FD"] = "3";
        auto result = run("\"$DOSSIER\" key init 3<pass");
        INFO(result.err);
        REQUIRE(result.exit_status == 0);
        CHECK(scan::mode_of(sandbox.home() / ".config/dossier/identity.age") == 0600);
        CHECK(scan::mode_of(sandbox.home() / ".config/dossier") == 0700);
        INFO("mode of ~/.config: ", scan::mode_of(sandbox.home() / ".config"));
        CHECK((scan::mode_of(sandbox.home() / ".config") & 022) == 0);
    }
    SUBCASE("DOSSIER_IDENTITY in folders that do not exist") {
        auto path = sandbox.root() / "a/b/identity.age";
        sandbox.environment["DOSSIER_IDENTITY"] = path.string();
        auto result = run("\"$DOSSIER\" key init --no-passphrase");
        INFO(result.err);
        REQUIRE(result.exit_status == 0);
        CHECK(scan::mode_of(path) == 0600);
        CHECK(scan::mode_of(sandbox.root() / "a/b") == 0700);
        INFO("mode of a/: ", scan::mode_of(sandbox.root() / "a"));
        CHECK((scan::mode_of(sandbox.root() / "a") & 022) == 0);
    }
}

// ---------------------------------------------------------------------------------------------
// Recipients files

TEST_CASE("malformed recipients key stores nothing") {
    FaultSandbox sandbox;
    sandbox.commit_document("acme", "credentials/fw01.md", credential("Firewall"));
    REQUIRE(sandbox.set_secret("acme/credentials/fw01", "before").exit_status == 0);
    auto recipients = sandbox.acme() / ".age-recipients";
    auto good = Sandbox::read_file(recipients);

    std::string bad_line;
    SUBCASE("a wrong checksum") {
        bad_line = sandbox.alice_key;
        bad_line.back() = bad_line.back() == 'q' ? 'p' : 'q';
    }
    SUBCASE("a truncated key") { bad_line = sandbox.alice_key.substr(0, 40); }
    SUBCASE("an SSH key") { bad_line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN"; }
    SUBCASE("a plugin recipient") { bad_line = "age1yubikey1qwt50d05nh5vutpdzmlg5wn80xq5negm4uj9ghv0snvdd3yysf5yw3rhl3t"; }
    SUBCASE("a secret key by mistake") {
        auto identity = Sandbox::read_file(sandbox.identity("alice"));
        bad_line = identity.substr(identity.find("AGE-SECRET-KEY-1"));
        bad_line = bad_line.substr(0, bad_line.find('\n'));
    }
    Sandbox::write_file(recipients, good + bad_line + "\n");
    sandbox.git_output(sandbox.acme(), {"commit", "-qam", "a bad key"});
    auto before = sandbox.working_tree();
    auto head = sandbox.head(sandbox.acme());
    auto marker = sandbox.root() / "input/editor-started";
    Sandbox::write_file(sandbox.root() / "input/editor.sh", "#!/bin/sh\ntouch " + quoted(marker.string()) + "\n");
    fs::permissions(sandbox.root() / "input/editor.sh", fs::perms::owner_all);
    sandbox.environment["EDITOR"] = (sandbox.root() / "input/editor.sh").string();
    sandbox.make_identity("bob");
    REQUIRE(sandbox.git_output(sandbox.workspace(), {"status", "--porcelain"}).empty());

    auto set = sandbox.set_secret("acme/credentials/fw01", sandbox.canary);
    INFO("set: ", set.err);
    CHECK(set.exit_status == 3);
    CHECK(contains(set.err, ".age-recipients"));
    CHECK_FALSE(contains(set.err, "AGE-SECRET-KEY"));
    for (const auto& arguments : std::vector<std::vector<std::string>>{
             {"secret", "generate", "acme/credentials/fw01"},
             {"secret", "edit", "acme/credentials/fw01"},
             {"access", "grant", "bob", "--client", "acme"}}) {
        auto result = sandbox.dossier(arguments);
        INFO(arguments[0], " ", arguments[1], ": ", result.err);
        CHECK(result.exit_status == 3);
        CHECK(contains(result.err, ".age-recipients"));
        CHECK_FALSE(contains(result.err, "AGE-SECRET-KEY"));
    }
    CHECK_FALSE(fs::exists(marker));
    CHECK(sandbox.working_tree() == before);
    CHECK(sandbox.head(sandbox.acme()) == head);
    CHECK(sandbox.status(sandbox.acme()) == "");
}

TEST_CASE("narrower subfolder recipients are respected") {
    FaultSandbox sandbox;
    auto bob_key = sandbox.make_identity("bob");
    sandbox.grant("bob");
    // credentials/vip/ is for alice alone.
    sandbox.commit_document("acme", "credentials/vip/.age-recipients", "# alice\n" + sandbox.alice_key + "\n");
    sandbox.commit_document("acme", "credentials/vip/ceo.md", credential("CEO"));
    sandbox.commit_document("acme", "credentials/wifi.md", credential("Wi-Fi"));

    auto set = sandbox.set_secret("acme/credentials/vip/ceo", sandbox.canary);
    INFO(set.err);
    REQUIRE(set.exit_status == 0);
    REQUIRE(sandbox.set_secret("acme/credentials/wifi", "shared").exit_status == 0);
    auto ceo = sandbox.acme() / "credentials/vip/ceo.md";
    CHECK(scan::x25519_stanzas(scan::armored_block(Sandbox::read_file(ceo))) == 1);
    CHECK(sandbox.age_open(ceo, sandbox.identity("alice")).exit_status == 0);
    auto as_bob = sandbox.age_open(ceo, sandbox.identity("bob"));
    CHECK(as_bob.exit_status != 0);
    CHECK_FALSE(contains(as_bob.out, sandbox.canary));
    CHECK(scan::x25519_stanzas(scan::armored_block(Sandbox::read_file(sandbox.acme() / "credentials/wifi.md"))) == 2);

    SUBCASE("secret generate and edit keep to it too") {
        REQUIRE(sandbox.dossier({"secret", "generate", "acme/credentials/vip/ceo", "pin"}).exit_status == 0);
        Sandbox::write_file(sandbox.root() / "input/editor.sh",
                            "#!/bin/sh\nprintf 'note: \"n\"\\n' >> \"$1\"\n");
        fs::permissions(sandbox.root() / "input/editor.sh", fs::perms::owner_all);
        sandbox.environment["EDITOR"] = (sandbox.root() / "input/editor.sh").string();
        REQUIRE(sandbox.dossier({"secret", "edit", "acme/credentials/vip/ceo"}).exit_status == 0);
        CHECK(scan::x25519_stanzas(scan::armored_block(Sandbox::read_file(ceo))) == 1);
        CHECK(sandbox.age_open(ceo, sandbox.identity("bob")).exit_status != 0);
    }
    SUBCASE("dossier mv into the narrow folder re-encrypts for it") {
        auto moved = sandbox.dossier({"mv", "acme/credentials/wifi", "acme/credentials/vip/wifi"});
        INFO(moved.err);
        REQUIRE(moved.exit_status == 0);
        auto wifi = sandbox.acme() / "credentials/vip/wifi.md";
        CHECK(scan::x25519_stanzas(scan::armored_block(Sandbox::read_file(wifi))) == 1);
        CHECK(sandbox.age_open(wifi, sandbox.identity("bob")).exit_status != 0);
    }
}

TEST_CASE("grant encrypts only to the nearest file") {
    FaultSandbox sandbox;
    auto recovery = sandbox.make_identity("recovery-holder");
    // dossier.yaml names a recovery recipient; every recipients file must name it.
    auto settings = sandbox.workspace() / "dossier.yaml";
    Sandbox::write_file(settings, Sandbox::read_file(settings) + "recovery_recipient: " + recovery + "\n");
    sandbox.git_output(sandbox.workspace(), {"commit", "-qam", "recovery"});
    sandbox.grant("alice");  // adds the recovery key to the root file
    sandbox.commit_document("acme", "credentials/vip/.age-recipients",
                            "# alice\n" + sandbox.alice_key + "\n# recovery\n" + recovery + "\n");
    sandbox.commit_document("acme", "credentials/vip/ceo.md", credential("CEO"));
    sandbox.commit_document("acme", "credentials/wifi.md", credential("Wi-Fi"));
    sandbox.commit_document("acme", "network/switch.md", credential("Switch"));
    REQUIRE(sandbox.set_secret("acme/credentials/vip/ceo", sandbox.canary).exit_status == 0);
    REQUIRE(sandbox.set_secret("acme/credentials/wifi", "w").exit_status == 0);
    REQUIRE(sandbox.set_secret("acme/network/switch", "s").exit_status == 0);
    sandbox.make_identity("bob");
    sandbox.make_identity("carol");

    sandbox.grant("bob");
    sandbox.grant("carol");

    auto nearest = [&](const std::string& path) {
        for (auto folder = fs::path(path).parent_path();; folder = folder.parent_path()) {
            if (fs::exists(sandbox.acme() / folder / ".age-recipients")) {
                return Sandbox::read_file(sandbox.acme() / folder / ".age-recipients");
            }
            if (folder.empty()) return std::string();
        }
    };
    auto documents = sandbox.sealed_documents();
    CHECK(documents.size() == 3);
    for (const auto& [path, bytes] : documents) {
        INFO(path);
        CHECK(scan::x25519_stanzas(scan::armored_block(bytes)) == keys_in(nearest(path)));
    }
    auto ceo = sandbox.acme() / "credentials/vip/ceo.md";
    CHECK(scan::x25519_stanzas(scan::armored_block(Sandbox::read_file(ceo))) == 2);
    CHECK(sandbox.age_open(ceo, sandbox.identity("carol")).exit_status != 0);
    CHECK(sandbox.age_open(ceo, sandbox.identity("recovery-holder")).exit_status == 0);
    CHECK(sandbox.age_open(sandbox.acme() / "credentials/wifi.md", sandbox.identity("carol")).exit_status == 0);
    CHECK(sandbox.age_open(sandbox.acme() / "credentials/wifi.md", sandbox.identity("recovery-holder")).exit_status ==
          0);
}

// ---------------------------------------------------------------------------------------------
// Revoke and all-or-nothing re-encryption

TEST_CASE("revoke leaves nothing readable") {
    FaultSandbox sandbox;
    auto bob_key = sandbox.make_identity("bob");
    sandbox.grant("bob");
    // A subfolder file that names bob too, without the comment line grant writes.
    sandbox.commit_document("acme", "credentials/vip/.age-recipients", sandbox.alice_key + "\n" + bob_key + "\n");
    sandbox.commit_document("acme", "credentials/vip/ceo.md", credential("CEO"));
    sandbox.commit_document("acme", "credentials/wifi.md", credential("Wi-Fi"));
    sandbox.commit_document("acme", "runbooks/vpn.md", credential("VPN"));
    REQUIRE(sandbox.set_secret("acme/credentials/vip/ceo", sandbox.canary + "-ceo").exit_status == 0);
    REQUIRE(sandbox.set_secret("acme/credentials/wifi", sandbox.canary + "-wifi").exit_status == 0);
    REQUIRE(sandbox.set_secret("acme/runbooks/vpn", sandbox.canary + "-vpn").exit_status == 0);
    REQUIRE(sandbox.age_open(sandbox.acme() / "credentials/vip/ceo.md", sandbox.identity("bob")).exit_status == 0);

    SUBCASE("revoke by dossier") {}
    SUBCASE("revoke after a hand edit already removed the key") {
        // Someone removed bob's line by hand without re-encrypting: the secrets still open
        // with bob's key, and revoke is the command that must make sure they no longer do.
        auto root_file = sandbox.acme() / ".age-recipients";
        auto text = Sandbox::read_file(root_file);
        auto at = text.find(bob_key);
        Sandbox::write_file(root_file, text.substr(0, at) + text.substr(at + bob_key.size() + 1));
        Sandbox::write_file(sandbox.acme() / "credentials/vip/.age-recipients", sandbox.alice_key + "\n");
        sandbox.git_output(sandbox.acme(), {"commit", "-qam", "remove bob by hand"});
    }

    auto revoked = sandbox.dossier({"access", "revoke", "bob", "--client", "acme"});
    INFO("revoke: ", revoked.err);
    CHECK(revoked.exit_status == 0);
    auto documents = sandbox.sealed_documents();
    CHECK(documents.size() == 3);
    for (const auto& [path, bytes] : documents) {
        auto opened = sandbox.age_open(sandbox.acme() / path, sandbox.identity("bob"));
        INFO(path, " opened by bob: ", opened.out);
        CHECK(opened.exit_status != 0);
        CHECK_FALSE(contains(opened.out, sandbox.canary));
        CHECK(sandbox.age_open(sandbox.acme() / path, sandbox.identity("alice")).exit_status == 0);
    }
    for (const auto& file : {".age-recipients", "credentials/vip/.age-recipients"}) {
        CHECK_FALSE(contains(Sandbox::read_file(sandbox.acme() / file), bob_key));
    }
    CHECK_REPOSITORY_HEALTHY(sandbox, sandbox.acme());
}

TEST_CASE("half-done re-encryption changes nothing") {
    FaultSandbox sandbox;
    auto bob_key = sandbox.make_identity("bob");
    sandbox.grant("bob");
    sandbox.make_identity("carol");
    sandbox.commit_document("acme", "credentials/a.md", credential("A"));
    sandbox.commit_document("acme", "credentials/m.md", credential("M"));
    REQUIRE(sandbox.set_secret("acme/credentials/a", sandbox.canary + "-a").exit_status == 0);
    REQUIRE(sandbox.set_secret("acme/credentials/m", sandbox.canary + "-m").exit_status == 0);

    std::vector<std::string> command;
    SUBCASE("a secret alice cannot read, for grant and revoke") {
        // z.md was sealed by someone else to bob alone, so alice cannot re-encrypt it.
        Sandbox::write_file(sandbox.root() / "input/z.txt",
                            "document: \"acme/credentials/z\"\npassword: \"" + sandbox.canary + "-z\"\n");
        auto sealed = dossier::e2e::run_process(
            {"age", "-a", "-r", bob_key, (sandbox.root() / "input/z.txt").string()}, sandbox.environment, sandbox.root());
        REQUIRE(sealed.exit_status == 0);
        sandbox.commit_document("acme", "credentials/z.md", credential("Z") + "\n" + sealed.out);
        SUBCASE("grant") { command = {"access", "grant", "carol", "--client", "acme"}; }
        SUBCASE("revoke") { command = {"access", "revoke", "bob", "--client", "acme"}; }
    }
    SUBCASE("a commit that fails after the files are written") {
        // Git's own index lock makes the commit fail once every secret is re-encrypted.
        Sandbox::write_file(sandbox.acme() / ".git/index.lock", "");
        command = {"access", "grant", "carol", "--client", "acme"};
    }
    auto before = sandbox.working_tree();
    auto head = sandbox.head(sandbox.acme());

    auto result = sandbox.dossier(command);
    INFO(command[1], ": ", result.err);
    CHECK(result.exit_status != 0);
    CHECK(contains(result.err, "nothing was changed"));
    CHECK(sandbox.head(sandbox.acme()) == head);
    CHECK(sandbox.working_tree() == before);
    std::error_code error;
    fs::remove(sandbox.acme() / ".git/index.lock", error);
    CHECK(sandbox.status(sandbox.acme()) == "");
}

// ---------------------------------------------------------------------------------------------
// What a failed edit prints

TEST_CASE("invalid edit stores and echoes nothing") {
    FaultSandbox sandbox;
    sandbox.commit_document("acme", "credentials/fw01.md", credential("Firewall"));
    REQUIRE(sandbox.set_secret("acme/credentials/fw01", "before").exit_status == 0);
    auto head = sandbox.head(sandbox.acme());

    std::string written;
    SUBCASE("an unterminated quote") { written = "password: \"" + sandbox.canary + "\n"; }
    SUBCASE("a value that is a list") { written = "password: [" + sandbox.canary + ", x]\n"; }
    SUBCASE("a field name that is not allowed") { written = "Pass Word: \"" + sandbox.canary + "\"\n"; }
    SUBCASE("the reserved field document") { written = "document: \"" + sandbox.canary + "\"\n"; }
    SUBCASE("a secret in a YAML comment only") { written = "# " + sandbox.canary + "\n"; }

    Sandbox::write_file(sandbox.root() / "input/written", written);
    Sandbox::write_file(sandbox.root() / "input/editor.sh",
                        "#!/bin/sh\ncat " + quoted((sandbox.root() / "input/written").string()) + " > \"$1\"\n");
    fs::permissions(sandbox.root() / "input/editor.sh", fs::perms::owner_all);
    sandbox.environment["EDITOR"] = (sandbox.root() / "input/editor.sh").string();
    auto result = sandbox.dossier({"secret", "edit", "acme/credentials/fw01"});
    INFO(result.err);
    CHECK(result.exit_status != 0);
    CHECK_FALSE(contains(result.err, sandbox.canary));
    CHECK_FALSE(contains(result.out, sandbox.canary));
    CHECK(sandbox.head(sandbox.acme()) == head);
    CHECK(sandbox.dossier({"secret", "get", "acme/credentials/fw01"}).out == "before\n");
}

TEST_CASE("edit wipes folders of killed processes") {
    FaultSandbox sandbox;
    sandbox.commit_document("acme", "credentials/fw01.md", credential("Firewall"));
    REQUIRE(sandbox.set_secret("acme/credentials/fw01", "before").exit_status == 0);

    // A runtime folder in memory, as XDG_RUNTIME_DIR is on a desktop.
    REQUIRE(fs::is_directory("/dev/shm"));
    const fs::path runtime = fs::path("/dev/shm") / ("dossier-test-" + scan::random_token(8));
    fs::create_directories(runtime);
    fs::permissions(runtime, fs::perms::owner_all);
    sandbox.environment["XDG_RUNTIME_DIR"] = runtime.string();

    // What a dossier killed with SIGKILL during `secret edit` leaves: its folder, named after a
    // process that no longer runs. A process that has exited and been waited for is such a one.
    auto exited = dossier::e2e::run_process({"sh", "-c", "echo $$"}, sandbox.environment, sandbox.root());
    const std::string dead_pid = exited.out.substr(0, exited.out.find('\n'));
    const fs::path abandoned = runtime / ("dossier-secret-" + dead_pid + "-AbCdEf");
    Sandbox::write_file(abandoned / "secret.yaml", "password: \"" + sandbox.canary + "\"\n");
    // One whose process still runs (this test) must stay.
    const fs::path running = runtime / ("dossier-secret-" + std::to_string(::getpid()) + "-GhIjKl");
    Sandbox::write_file(running / "secret.yaml", "kept\n");

    Sandbox::write_file(sandbox.root() / "input/editor.sh", "#!/bin/sh\nexit 0\n");
    fs::permissions(sandbox.root() / "input/editor.sh", fs::perms::owner_all);
    sandbox.environment["EDITOR"] = (sandbox.root() / "input/editor.sh").string();
    auto result = sandbox.dossier({"secret", "edit", "acme/credentials/fw01"});
    INFO(result.err);
    CHECK(result.exit_status == 0);
    CHECK_FALSE(fs::exists(abandoned));
    CHECK(fs::exists(running / "secret.yaml"));
    // The command's own folder is gone too.
    std::vector<std::string> left;
    for (const auto& entry : fs::directory_iterator(runtime)) left.push_back(entry.path().filename().string());
    CHECK(left == std::vector<std::string>{running.filename().string()});
    fs::remove_all(runtime);
}

TEST_CASE("SIGTERM during grant keeps a clean tree") {
    FaultSandbox sandbox;
    sandbox.make_identity("bob");
    // 300 credentials in one import, so that re-encrypting them takes a while.
    std::string csv = "Title,Password\n";
    for (int index = 1; index <= 300; ++index) csv += "Server " + std::to_string(index) + "," + sandbox.canary + "\n";
    Sandbox::write_file(sandbox.root() / "input/credentials.csv", csv);
    auto imported = sandbox.dossier({"import", "csv", (sandbox.root() / "input/credentials.csv").string(), "--type",
                                     "credential", "--client", "acme"});
    INFO(imported.err);
    REQUIRE(imported.exit_status == 0);

    // Signals sent at different moments: before, during and after the files are written.
    for (const char* delay : {"0.05", "0.2", "0.4", "0.7", "1.0", "1.5"}) {
        CAPTURE(delay);
        auto result = sandbox.shell(std::string("\"$DOSSIER\" access grant bob --client acme >/dev/null 2>&1 & "
                                                "pid=$!; sleep ") + delay + "; kill -TERM $pid 2>/dev/null; wait $pid");
        CHECK(sandbox.status(sandbox.acme()) == "");
        auto fsck = sandbox.fsck(sandbox.acme());
        CHECK(fsck.exit_status == 0);
        const bool granted = keys_in(Sandbox::read_file(sandbox.acme() / ".age-recipients")) == 2;
        if (granted) {
            auto revoked = sandbox.dossier({"access", "revoke", "bob", "--client", "acme"});
            INFO(revoked.err);
            REQUIRE(revoked.exit_status == 0);
        }
    }
}

}  // namespace
