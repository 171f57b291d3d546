// Interoperability of dossier's age implementation with the age and age-keygen commands (Debian's
// age 1.1.1): files, keys and passphrases made by one are read by the other. The commands
// must be installed (scripts/install-deps does it); without them these tests fail.
#include <doctest/doctest.h>

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../unit/temporary_folder.hpp"
#include "dossier/age.hpp"

using namespace dossier;
using namespace dossier::age;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

void write_file(const fs::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
}

std::string quote(const std::string& text) {
    std::string out = "'";
    for (const char c : text) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out.push_back(c);
        }
    }
    return out + "'";
}

// Runs a shell command; returns its exit status (-1 if it did not exit).
int run(const std::string& command) {
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs a shell command and returns its standard output; fails the test if it fails.
std::string output_of(const std::string& command) {
    const std::string file = (fs::temp_directory_path() / ("dossier-interop-" + std::to_string(::getpid()))).string();
    const int status = run(command + " > " + quote(file));
    const std::string output = read_file(file);
    fs::remove(file);
    INFO(command);
    REQUIRE(status == 0);
    return output;
}

void require_age() {
    INFO("the age and age-keygen commands are needed: scripts/install-deps installs Debian's age package");
    REQUIRE(run("age --version > /dev/null 2>&1") == 0);
    REQUIRE(run("age-keygen --help > /dev/null 2>&1") == 0);
}

struct TerminalRun {
    int status = -1;
    std::string output;
};

// Runs `argv` on a new pseudo-terminal, as if typed in a terminal, and answers each prompt
// that mentions a passphrase with the next of `answers`. age reads passphrases from the
// terminal only, never from standard input.
TerminalRun run_on_terminal(const std::vector<std::string>& argv, const std::vector<std::string>& answers) {
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        std::vector<char*> args;
        for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    TerminalRun result;
    std::size_t answered = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    for (;;) {
        pollfd descriptor{master, POLLIN, 0};
        const int ready = ::poll(&descriptor, 1, 200);
        if (ready > 0) {
            char buffer[4096];
            const ssize_t count = ::read(master, buffer, sizeof buffer);
            if (count <= 0) break;  // EIO: the child closed the terminal
            result.output.append(buffer, static_cast<std::size_t>(count));
            // Count the prompts seen so far and answer the new ones.
            std::size_t prompts = 0;
            for (std::size_t at = result.output.find("assphrase"); at != std::string::npos;
                 at = result.output.find("assphrase", at + 1)) {
                ++prompts;
            }
            while (answered < prompts && answered < answers.size()) {
                const std::string line = answers[answered++] + "\r";
                REQUIRE(::write(master, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
            }
        }
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            FAIL("the command did not finish in time: " << result.output);
        }
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(master);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::string pattern(std::size_t size) {
    std::string text(size, '\0');
    for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>((i * 13 + i / 509) & 0xFF);
    return text;
}

// An identity file as age-keygen writes it.
std::string identity_file(const X25519Identity& identity) {
    return "# created: 2025-01-01T00:00:00Z\n# public key: " + identity.recipient().to_string() + "\n" +
           std::string(identity.to_string().view()) + "\n";
}

std::vector<Identity> identities_of(const std::string& file) {
    std::vector<Identity> identities;
    for (auto& identity : parse_identities(file)) identities.emplace_back(std::move(identity));
    return identities;
}

}  // namespace

TEST_CASE("age interop: keys made by age-keygen and by dossier are the same format") {
    require_age();
    const test::TemporaryFolder folder("age-interop");
    const fs::path keygen_file = folder.path() / "keygen.txt";
    REQUIRE(run("age-keygen -o " + quote(keygen_file.string()) + " 2> /dev/null") == 0);
    const auto keygen_identities = parse_identities(read_file(keygen_file));
    REQUIRE(keygen_identities.size() == 1);
    const std::string keygen_public = output_of("age-keygen -y " + quote(keygen_file.string()));
    CHECK(keygen_public == keygen_identities[0].recipient().to_string() + "\n");
    CHECK(X25519Recipient::parse(keygen_public.substr(0, keygen_public.size() - 1)).to_string() + "\n" ==
          keygen_public);

    const auto identity = X25519Identity::generate();
    const fs::path dossier_file = folder.path() / "dossier.txt";
    write_file(dossier_file, identity_file(identity));
    CHECK(output_of("age-keygen -y " + quote(dossier_file.string())) == identity.recipient().to_string() + "\n");
}

TEST_CASE("age interop: age decrypts files that dossier encrypts") {
    require_age();
    const test::TemporaryFolder folder("age-interop");
    const fs::path keygen_file = folder.path() / "keygen.txt";
    REQUIRE(run("age-keygen -o " + quote(keygen_file.string()) + " 2> /dev/null") == 0);
    const auto keygen_identity = parse_identities(read_file(keygen_file)).at(0).recipient();
    const auto own = X25519Identity::generate();
    const fs::path own_file = folder.path() / "own.txt";
    write_file(own_file, identity_file(own));

    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{65536}, std::size_t{200000}, std::size_t{16 << 16},
                                   std::size_t{(33 << 16) + 7}}) {
        for (const Armor armor : {Armor::no, Armor::yes}) {
            CAPTURE(size);
            CAPTURE(armor == Armor::yes);
            const std::string plaintext = pattern(size);
            std::vector<Recipient> one;
            one.emplace_back(keygen_identity);
            std::vector<Recipient> several;
            several.emplace_back(X25519Identity::generate().recipient());
            several.emplace_back(own.recipient());
            several.emplace_back(keygen_identity);

            const fs::path file = folder.path() / "data.age";
            const fs::path out = folder.path() / "data.out";
            write_file(file, encrypt(one, plaintext, armor));
            REQUIRE(run("age -d -i " + quote(keygen_file.string()) + " -o " + quote(out.string()) + " " +
                        quote(file.string())) == 0);
            CHECK(read_file(out) == plaintext);

            write_file(file, encrypt(several, plaintext, armor));
            for (const fs::path& key : {keygen_file, own_file}) {
                fs::remove(out);
                REQUIRE(run("age -d -i " + quote(key.string()) + " -o " + quote(out.string()) + " " +
                            quote(file.string())) == 0);
                CHECK(read_file(out) == plaintext);
            }
        }
    }
}

TEST_CASE("age interop: dossier decrypts files that age encrypts") {
    require_age();
    const test::TemporaryFolder folder("age-interop");
    const fs::path keygen_file = folder.path() / "keygen.txt";
    REQUIRE(run("age-keygen -o " + quote(keygen_file.string()) + " 2> /dev/null") == 0);
    const std::string keygen_public = output_of("age-keygen -y " + quote(keygen_file.string())).substr(0, 62);
    const auto own = X25519Identity::generate();
    const std::string own_public = own.recipient().to_string();
    const fs::path recipients_file = folder.path() / "recipients.txt";
    write_file(recipients_file, "# the team\n" + keygen_public + "\n\n" + own_public + "\n");
    const auto keygen_identities = identities_of(read_file(keygen_file));
    const auto own_identities = identities_of(identity_file(own));

    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{65536}, std::size_t{200000},
                                   std::size_t{(33 << 16) + 7}}) {
        for (const std::string armor : {"", " -a"}) {
            CAPTURE(size);
            CAPTURE(armor);
            const std::string plaintext = pattern(size);
            const fs::path in = folder.path() / "data";
            const fs::path file = folder.path() / "data.age";
            write_file(in, plaintext);

            REQUIRE(run("age" + armor + " -r " + keygen_public + " -o " + quote(file.string()) + " " +
                        quote(in.string())) == 0);
            CHECK(is_armored(read_file(file)) == !armor.empty());
            CHECK(decrypt(keygen_identities, read_file(file)).view() == plaintext);

            REQUIRE(run("age" + armor + " -r " + keygen_public + " -r " + own_public + " -o " + quote(file.string()) +
                        " " + quote(in.string())) == 0);
            CHECK(decrypt(keygen_identities, read_file(file)).view() == plaintext);
            CHECK(decrypt(own_identities, read_file(file)).view() == plaintext);

            REQUIRE(run("age" + armor + " -R " + quote(recipients_file.string()) + " -o " + quote(file.string()) +
                        " " + quote(in.string())) == 0);
            CHECK(decrypt(keygen_identities, read_file(file)).view() == plaintext);
            CHECK(decrypt(own_identities, read_file(file)).view() == plaintext);
            // The recipients file is read the same way by both.
            CHECK(parse_recipients(read_file(recipients_file)).size() == 2);
        }
    }
}

TEST_CASE("age interop: passphrase files in both directions") {
    require_age();
    const test::TemporaryFolder folder("age-interop");
    const std::string passphrase = "correct horse battery staple";
    const std::string plaintext = pattern(70000);
    const fs::path in = folder.path() / "data";
    const fs::path file = folder.path() / "data.age";
    const fs::path out = folder.path() / "data.out";
    write_file(in, plaintext);

    SUBCASE("age -p, then dossier") {
        for (const bool armored : {false, true}) {
            std::vector<std::string> argv{"age", "-p", "-o", file.string(), in.string()};
            if (armored) argv.insert(argv.begin() + 1, "-a");
            const auto result = run_on_terminal(argv, {passphrase, passphrase});
            INFO(result.output);
            REQUIRE(result.status == 0);
            const std::string encrypted = read_file(file);
            CHECK(is_armored(encrypted) == armored);
            CHECK(needs_passphrase(encrypted));
            std::vector<Identity> identities;
            identities.emplace_back(ScryptIdentity{SecretBytes(passphrase), 22});
            CHECK(decrypt(identities, encrypted).view() == plaintext);
        }
    }
    SUBCASE("dossier, then age -d") {
        for (const Armor armor : {Armor::no, Armor::yes}) {
            std::vector<Recipient> recipients;
            recipients.emplace_back(ScryptRecipient{SecretBytes(passphrase), 16});
            write_file(file, encrypt(recipients, plaintext, armor));
            fs::remove(out);
            const auto result = run_on_terminal({"age", "-d", "-o", out.string(), file.string()}, {passphrase});
            INFO(result.output);
            REQUIRE(result.status == 0);
            CHECK(read_file(out) == plaintext);

            fs::remove(out);
            const auto wrong = run_on_terminal({"age", "-d", "-o", out.string(), file.string()}, {"wrong"});
            CHECK(wrong.status != 0);
        }
    }
}

TEST_CASE("age interop: passphrase-protected identity files in both directions") {
    require_age();
    const test::TemporaryFolder folder("age-interop");
    const std::string passphrase = "a long passphrase for the identity";
    const std::string plaintext = pattern(1000);
    const fs::path data = folder.path() / "data.age";
    const fs::path out = folder.path() / "data.out";

    SUBCASE("an identity protected by dossier, used by age -d -i") {
        const auto identity = X25519Identity::generate();
        std::vector<Recipient> scrypt;
        scrypt.emplace_back(ScryptRecipient{SecretBytes(passphrase), 16});
        const fs::path protected_identity = folder.path() / "identity.age";
        write_file(protected_identity, encrypt(scrypt, identity_file(identity), Armor::yes));
        std::vector<Recipient> recipients;
        recipients.emplace_back(identity.recipient());
        write_file(data, encrypt(recipients, plaintext, Armor::no));
        const auto result = run_on_terminal(
            {"age", "-d", "-i", protected_identity.string(), "-o", out.string(), data.string()}, {passphrase});
        INFO(result.output);
        REQUIRE(result.status == 0);
        CHECK(read_file(out) == plaintext);
    }
    SUBCASE("an identity protected by age -p, used by dossier") {
        const fs::path key = folder.path() / "key.txt";
        const fs::path protected_key = folder.path() / "key.age";
        REQUIRE(run("age-keygen -o " + quote(key.string()) + " 2> /dev/null") == 0);
        const auto result =
            run_on_terminal({"age", "-p", "-o", protected_key.string(), key.string()}, {passphrase, passphrase});
        INFO(result.output);
        REQUIRE(result.status == 0);
        const fs::path in = folder.path() / "data";
        write_file(in, plaintext);
        REQUIRE(run("age -R " + quote(key.string()) + " -o " + quote(data.string()) + " " + quote(in.string()) +
                    " 2> /dev/null") != 0);  // an identity file is not a recipients file
        const std::string recipient = output_of("age-keygen -y " + quote(key.string())).substr(0, 62);
        REQUIRE(run("age -r " + recipient + " -o " + quote(data.string()) + " " + quote(in.string())) == 0);
        fs::remove(key);

        std::vector<Identity> unlock;
        unlock.emplace_back(ScryptIdentity{SecretBytes(passphrase), 22});
        const SecretBytes identity_text = decrypt(unlock, read_file(protected_key));
        const auto identities = identities_of(std::string(identity_text.view()));
        REQUIRE(identities.size() == 1);
        CHECK(decrypt(identities, read_file(data)).view() == plaintext);
    }
}
