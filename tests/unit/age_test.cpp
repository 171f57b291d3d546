// Tests of the age v1 implementation: keys and Bech32, key files, round trips, armor, and
// the refusal of tampered, truncated or extended files without releasing unverified bytes.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "bech32.hpp"
#include "dossier/age.hpp"
#include "temporary_folder.hpp"

using namespace dossier;
using namespace dossier::age;

namespace {

// The identity of the C2SP test vectors and its public key, as age-keygen -y prints it.
constexpr std::string_view vector_identity = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";
constexpr std::string_view vector_recipient = "age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrwsvlul66mv4q47ryef";
constexpr std::size_t chunk = 64 * 1024;

template <typename Action>
std::optional<Error> error_from(Action&& action) {
    try {
        action();
    } catch (const Error& error) {
        return error;
    }
    return std::nullopt;
}

template <typename Action>
std::optional<Failure> failure_from(Action&& action) {
    try {
        action();
    } catch (const AgeError& error) {
        CHECK(error.kind() == ErrorKind::invalid_input);
        return error.failure();
    }
    return std::nullopt;
}

std::string pattern(std::size_t size) {
    std::string text(size, '\0');
    for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>((i * 7 + i / 251) & 0xFF);
    return text;
}

// Records every write, to check what is released and when.
class RecordingSink final : public ByteSink {
public:
    void write(std::span<const unsigned char> bytes) override {
        bytes_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
    const std::string& bytes() const { return bytes_; }

private:
    std::string bytes_;
};

// Where the payload (nonce, then chunks) of a binary age file starts.
std::size_t payload_start(const std::string& file) {
    const std::size_t mac = file.find("\n---");
    REQUIRE(mac != std::string::npos);
    return file.find('\n', mac + 1) + 1;
}

// Decrypts `file` into a recording sink; returns the failure (if any) and what was released.
std::pair<std::optional<Failure>, std::string> try_decrypt(std::span<const Identity> identities,
                                                           const std::string& file) {
    StringSource source(file);
    RecordingSink sink;
    const auto failure = failure_from([&] { decrypt(identities, source, sink); });
    return {failure, sink.bytes()};
}

X25519Identity copy_of(const X25519Identity& identity) { return X25519Identity::parse(identity.to_string().view()); }

}  // namespace

TEST_CASE("age: Bech32 decodes and encodes the BIP 173 examples that hold whole bytes") {
    const auto upper = crypto::bech32_decode("A12UEL5L");
    REQUIRE(upper);
    CHECK(upper->hrp == "A");
    CHECK(upper->data.empty());
    const auto lower = crypto::bech32_decode("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw");
    REQUIRE(lower);
    CHECK(lower->hrp == "abcdef");
    const std::string expected("\x00\x44\x32\x14\xc7\x42\x54\xb6\x35\xcf\x84\x65\x3a\x56\xd7\xc6\x75\xbe\x77\xdf", 20);
    CHECK(lower->data.view() == expected);
    CHECK(crypto::bech32_encode("abcdef", lower->data.span()).view() == "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw");
    CHECK(crypto::bech32_encode("a", {}).view() == "a12uel5l");

    for (const char* invalid : {"pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v", "li1dgmt3", "A1G7SGD8", "10a06t8",
                                "1qzzfhee", "A12uEL5L", "a12uel5m", "a12uel5l ", ""}) {
        CAPTURE(invalid);
        CHECK_FALSE(crypto::bech32_decode(invalid));
    }
}

TEST_CASE("age: X25519 recipients parse and print in lowercase Bech32") {
    const auto recipient = X25519Recipient::parse(vector_recipient);
    CHECK(recipient.to_string() == vector_recipient);
    CHECK(X25519Identity::parse(vector_identity).recipient() == recipient);

    std::string upper(vector_recipient);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string bad_checksum(vector_recipient);
    bad_checksum.back() = bad_checksum.back() == 'q' ? 'p' : 'q';
    std::string mixed(vector_recipient);
    mixed[5] = static_cast<char>(std::toupper(static_cast<unsigned char>(mixed[5])));
    const std::array<unsigned char, 31> short_key{};
    const std::string too_short(crypto::bech32_encode("age", short_key).view());
    const std::array<unsigned char, 32> key{};
    const std::string wrong_hrp(crypto::bech32_encode("agf", key).view());
    for (const std::string& invalid : {upper, bad_checksum, mixed, too_short, wrong_hrp, " " + std::string(vector_recipient),
                                       std::string(vector_identity), std::string("age1")}) {
        CAPTURE(invalid);
        CHECK_FALSE(X25519Recipient::try_parse(invalid));
        const auto error = error_from([&] { X25519Recipient::parse(invalid); });
        REQUIRE(error);
        CHECK(error->kind() == ErrorKind::invalid_input);
    }
    // A secret key pasted as a recipient is not echoed.
    const auto error = error_from([&] { X25519Recipient::parse(vector_identity); });
    CHECK(std::string(error->what()).find("EGTZVFFV") == std::string::npos);
}

TEST_CASE("age: X25519 identities are generated, printed in uppercase and parsed back") {
    const auto identity = X25519Identity::generate();
    const SecretBytes text = identity.to_string();
    CHECK(text.view().starts_with("AGE-SECRET-KEY-1"));
    CHECK(text.size() == 74);
    const auto parsed = X25519Identity::parse(text.view());
    CHECK(parsed.secret_key() == identity.secret_key());
    CHECK(parsed.recipient() == identity.recipient());
    CHECK(X25519Identity::parse(vector_identity).to_string().view() == vector_identity);

    std::string lower(vector_identity);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string bad(vector_identity);
    bad[20] = bad[20] == 'Q' ? 'P' : 'Q';
    for (const std::string& invalid : {lower, bad, std::string(vector_recipient), std::string("AGE-SECRET-KEY-1")}) {
        const auto error = error_from([&] { X25519Identity::parse(invalid); });
        REQUIRE(error);
        if (invalid.size() > 30) CHECK(std::string(error->what()).find(invalid.substr(17, 10)) == std::string::npos);
    }
}

TEST_CASE("age: recipients files report malformed lines with their numbers") {
    const std::string text = "# team\r\n" + std::string(vector_recipient) + "\r\n\nage1notakey\n" +
                             X25519Identity::generate().recipient().to_string() + "\n" + std::string(vector_identity) +
                             "\n";
    std::vector<KeyFileProblem> problems;
    const auto recipients = parse_recipients(text, &problems);
    REQUIRE(recipients.size() == 2);
    CHECK(recipients[0].to_string() == vector_recipient);
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].line == 4);
    CHECK(problems[0].message.find("age1notakey") != std::string::npos);
    CHECK(problems[1].line == 6);
    CHECK(problems[1].message.find("EGTZVFFV") == std::string::npos);

    const auto error = error_from([&] { parse_recipients(text); });
    REQUIRE(error);
    CHECK(std::string(error->what()).find('4') != std::string::npos);
    CHECK(parse_recipients("# nothing\n\n").empty());
}

TEST_CASE("age: identity files in age-keygen's format are read; a bad line is named, not shown") {
    const std::string file = "# created: 2024-01-01T00:00:00Z\n# public key: " + std::string(vector_recipient) + "\n" +
                             std::string(vector_identity) + "\n";
    const auto identities = parse_identities(file);
    REQUIRE(identities.size() == 1);
    CHECK(identities[0].recipient().to_string() == vector_recipient);

    std::string bad(vector_identity);
    bad[30] = bad[30] == 'Q' ? 'P' : 'Q';
    const auto error = error_from([&] { parse_identities(file + "\n" + bad + "\n"); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
    CHECK(std::string(error->what()).find('5') != std::string::npos);
    CHECK(std::string(error->what()).find(bad.substr(16, 20)) == std::string::npos);
}

TEST_CASE("age: binary and armored round trips of every chunk boundary") {
    const auto identity = X25519Identity::generate();
    std::vector<Recipient> recipients;
    recipients.emplace_back(identity.recipient());
    std::vector<Identity> identities;
    identities.emplace_back(copy_of(identity));

    // The implementation reads and seals 16 chunks at a time: cross those blocks too.
    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, chunk - 1, chunk, chunk + 1, 2 * chunk, 3 * chunk + 5,
                                   16 * chunk - 1, 16 * chunk, 16 * chunk + 1, 32 * chunk, 33 * chunk + 7}) {
        CAPTURE(size);
        const std::string plaintext = pattern(size);
        const std::string binary = encrypt(recipients, plaintext, Armor::no);
        CHECK(binary.starts_with("age-encryption.org/v1\n-> X25519 "));
        CHECK_FALSE(is_armored(binary));
        const std::size_t chunks = size == 0 ? 1 : (size + chunk - 1) / chunk;
        CHECK(binary.size() == payload_start(binary) + 16 + size + 16 * chunks);
        CHECK(decrypt(identities, binary).view() == plaintext);

        const std::string armored = encrypt(recipients, plaintext, Armor::yes);
        CHECK(is_armored(armored));
        CHECK(armored.starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n"));
        CHECK(armored.ends_with("\n-----END AGE ENCRYPTED FILE-----\n"));
        std::size_t longest = 0;
        for (std::size_t start = 0; start < armored.size();) {
            const std::size_t end = armored.find('\n', start);
            if (end == std::string::npos) FAIL("the armored file does not end with a newline");
            longest = std::max(longest, end - start);
            start = end + 1;
        }
        CHECK(longest == 64);
        CHECK(decrypt(identities, armored).view() == plaintext);
        CHECK_FALSE(needs_passphrase(binary));
        CHECK_FALSE(needs_passphrase(armored));
    }
}

TEST_CASE("age: a file for several recipients opens with each identity") {
    std::vector<X25519Identity> keys;
    std::vector<Recipient> recipients;
    for (int i = 0; i < 3; ++i) {
        keys.push_back(X25519Identity::generate());
        recipients.emplace_back(keys.back().recipient());
    }
    const std::string plaintext = pattern(chunk + 100);
    for (const Armor armor : {Armor::no, Armor::yes}) {
        const std::string file = encrypt(recipients, plaintext, armor);
        for (const auto& key : keys) {
            std::vector<Identity> identities;
            identities.emplace_back(X25519Identity::generate());  // tried first, opens nothing
            identities.emplace_back(copy_of(key));
            CHECK(decrypt(identities, file).view() == plaintext);
        }
    }
}

TEST_CASE("age: passphrase files round trip, and a wrong passphrase or identity is no match") {
    std::vector<Recipient> recipients;
    recipients.emplace_back(ScryptRecipient{SecretBytes("correct horse"), 10});
    const std::string plaintext = pattern(1000);
    for (const Armor armor : {Armor::no, Armor::yes}) {
        const std::string file = encrypt(recipients, plaintext, armor);
        CHECK(needs_passphrase(file));
        std::vector<Identity> right;
        right.emplace_back(ScryptIdentity{SecretBytes("correct horse"), 22});
        CHECK(decrypt(right, file).view() == plaintext);

        std::vector<Identity> wrong;
        wrong.emplace_back(ScryptIdentity{SecretBytes("correct horse."), 22});
        wrong.emplace_back(X25519Identity::generate());
        CHECK(try_decrypt(wrong, file).first == Failure::no_match);

        std::vector<Identity> low_limit;
        low_limit.emplace_back(ScryptIdentity{SecretBytes("correct horse"), 9});
        CHECK(try_decrypt(low_limit, file).first == Failure::header);
    }
    std::vector<Recipient> x25519;
    x25519.emplace_back(X25519Identity::generate().recipient());
    std::vector<Identity> other;
    other.emplace_back(X25519Identity::generate());
    other.emplace_back(ScryptIdentity{SecretBytes("correct horse"), 22});
    const auto [failure, released] = try_decrypt(other, encrypt(x25519, "secret", Armor::no));
    CHECK(failure == Failure::no_match);
    CHECK(released.empty());
}

TEST_CASE("age: an scrypt recipient must be alone, and encryption needs a recipient") {
    std::vector<Recipient> mixed;
    mixed.emplace_back(ScryptRecipient{SecretBytes("pass"), 10});
    mixed.emplace_back(X25519Identity::generate().recipient());
    auto error = error_from([&] { encrypt(mixed, "x", Armor::no); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::usage);
    error = error_from([&] { encrypt(std::vector<Recipient>{}, "x", Armor::no); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::usage);

    // A file whose scrypt stanza has company is refused before any key is tried.
    std::vector<Recipient> scrypt;
    scrypt.emplace_back(ScryptRecipient{SecretBytes("pass"), 10});
    const std::string passphrase_file = encrypt(scrypt, "x", Armor::no);
    const auto identity = X25519Identity::generate();
    std::vector<Recipient> x25519;
    x25519.emplace_back(identity.recipient());
    const std::string key_file = encrypt(x25519, "x", Armor::no);
    const std::size_t stanza_start = key_file.find("-> X25519");
    const std::string stanza = key_file.substr(stanza_start, key_file.find("\n---") + 1 - stanza_start);
    std::string both = passphrase_file;
    both.insert(both.find("---"), stanza);
    std::vector<Identity> identities;
    identities.emplace_back(copy_of(identity));
    identities.emplace_back(ScryptIdentity{SecretBytes("pass"), 22});
    CHECK(try_decrypt(identities, both).first == Failure::header);
}

TEST_CASE("age: a changed header, MAC or payload is refused without releasing unverified bytes") {
    const auto identity = X25519Identity::generate();
    std::vector<Recipient> recipients;
    recipients.emplace_back(identity.recipient());
    std::vector<Identity> identities;
    identities.emplace_back(copy_of(identity));
    const std::string plaintext = pattern(3 * chunk + 10);
    const std::string file = encrypt(recipients, plaintext, Armor::no);
    const std::size_t payload = payload_start(file);

    SUBCASE("a stanza added to the header breaks the MAC") {
        std::string changed = file;
        changed.insert(changed.find("---"), "-> grease x\n\n");
        const auto [failure, released] = try_decrypt(identities, changed);
        CHECK(failure == Failure::hmac);
        CHECK(released.empty());
    }
    SUBCASE("a flipped bit in the header") {
        for (std::size_t position = 0; position < payload; position += 7) {
            std::string changed = file;
            changed[position] = static_cast<char>(changed[position] ^ 0x01);
            const auto [failure, released] = try_decrypt(identities, changed);
            CAPTURE(position);
            CHECK(failure.has_value());
            CHECK(released.empty());
        }
    }
    SUBCASE("another MAC") {
        std::string changed = file;
        const std::size_t mac = changed.find("--- ") + 4;
        changed[mac] = changed[mac] == 'A' ? 'B' : 'A';
        CHECK(try_decrypt(identities, changed).first == Failure::hmac);
    }
    SUBCASE("a changed nonce") {
        std::string changed = file;
        changed[payload] = static_cast<char>(changed[payload] ^ 0x80);
        const auto [failure, released] = try_decrypt(identities, changed);
        CHECK(failure == Failure::payload);
        CHECK(released.empty());
    }
    SUBCASE("a changed first chunk releases nothing") {
        std::string changed = file;
        changed[payload + 16 + 100] = static_cast<char>(changed[payload + 16 + 100] ^ 0x01);
        const auto [failure, released] = try_decrypt(identities, changed);
        CHECK(failure == Failure::payload);
        CHECK(released.empty());
    }
    SUBCASE("a changed second chunk releases exactly the first chunk") {
        std::string changed = file;
        const std::size_t second = payload + 16 + chunk + 16;
        changed[second + 5] = static_cast<char>(changed[second + 5] ^ 0x01);
        const auto [failure, released] = try_decrypt(identities, changed);
        CHECK(failure == Failure::payload);
        CHECK(released.size() == chunk);
        CHECK(released == plaintext.substr(0, chunk));
    }
    SUBCASE("a changed tag of the last chunk") {
        std::string changed = file;
        changed.back() = static_cast<char>(changed.back() ^ 0x01);
        const auto [failure, released] = try_decrypt(identities, changed);
        CHECK(failure == Failure::payload);
        CHECK(released == plaintext.substr(0, 3 * chunk));
    }
    SUBCASE("truncated files") {
        for (const std::size_t size : {payload + 16 + 3 * (chunk + 16), file.size() - 1, payload + 16, payload + 5}) {
            CAPTURE(size);
            const auto [failure, released] = try_decrypt(identities, file.substr(0, size));
            CHECK((failure == Failure::payload || failure == Failure::header));
            CHECK(released.size() <= 3 * chunk);
            CHECK(released == plaintext.substr(0, released.size()));
        }
        CHECK(try_decrypt(identities, file.substr(0, payload - 1)).first == Failure::header);
    }
    SUBCASE("data appended after the last chunk") {
        for (const std::string& extra : {std::string("x"), std::string(chunk + 16, 'x')}) {
            const auto [failure, released] = try_decrypt(identities, file + extra);
            CHECK(failure == Failure::payload);
            CHECK(released == plaintext.substr(0, released.size()));
        }
    }
    SUBCASE("a swapped pair of chunks") {
        std::string changed = file;
        const std::size_t first = payload + 16;
        const std::string a = changed.substr(first, chunk + 16);
        const std::string b = changed.substr(first + chunk + 16, chunk + 16);
        changed.replace(first, chunk + 16, b);
        changed.replace(first + chunk + 16, chunk + 16, a);
        const auto [failure, released] = try_decrypt(identities, changed);
        CHECK(failure == Failure::payload);
        CHECK(released.empty());
    }
}

TEST_CASE("age: armor errors are armor failures") {
    const auto identity = X25519Identity::generate();
    std::vector<Recipient> recipients;
    recipients.emplace_back(identity.recipient());
    std::vector<Identity> identities;
    identities.emplace_back(copy_of(identity));
    const std::string file = encrypt(recipients, pattern(500), Armor::yes);

    CHECK(decrypt(identities, "\n  \t\n" + file + "\n\n").view() == pattern(500));
    std::string crlf;
    for (const char c : file) {
        if (c == '\n') crlf.push_back('\r');
        crlf.push_back(c);
    }
    CHECK(decrypt(identities, crlf).view() == pattern(500));

    std::string bad_character = file;
    bad_character[40] = '*';
    std::string long_line = file;
    long_line.erase(long_line.find('\n', 40), 1);
    std::string no_end = file.substr(0, file.find("-----END"));
    std::string wrong_label = file;
    wrong_label.replace(wrong_label.find("FILE"), 4, "DATA");
    for (const std::string& changed : {bad_character, long_line, no_end, wrong_label, file + "garbage\n"}) {
        const auto [failure, released] = try_decrypt(identities, changed);
        CHECK(failure == Failure::armor);
        CHECK(released.empty());
    }
}

TEST_CASE("age: files stream through file descriptors") {
    const test::TemporaryFolder folder("age");
    const auto identity = X25519Identity::generate();
    std::vector<Recipient> recipients;
    recipients.emplace_back(identity.recipient());
    std::vector<Identity> identities;
    identities.emplace_back(copy_of(identity));
    const std::string plaintext = pattern(5 * chunk + 3);
    const auto plain_path = folder.path() / "plain";
    const auto age_path = folder.path() / "plain.age";
    {
        const int fd = ::open(plain_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        REQUIRE(fd >= 0);
        FdSink sink(fd);
        sink.write({reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size()});
        ::close(fd);
    }
    for (const Armor armor : {Armor::no, Armor::yes}) {
        const int in = ::open(plain_path.c_str(), O_RDONLY);
        const int out = ::open(age_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        REQUIRE(in >= 0);
        REQUIRE(out >= 0);
        FdSource source(in);
        FdSink sink(out);
        encrypt(recipients, source, sink, armor);
        ::close(in);
        ::close(out);

        const int encrypted = ::open(age_path.c_str(), O_RDONLY);
        REQUIRE(encrypted >= 0);
        FdSource ciphertext(encrypted);
        SecretSink decrypted;
        decrypt(identities, ciphertext, decrypted);
        ::close(encrypted);
        CHECK(decrypted.bytes().view() == plaintext);
    }
    const auto error = error_from([&] {
        FdSource closed(-1);
        unsigned char byte = 0;
        closed.read({&byte, 1});
    });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::io);
}

TEST_CASE("age: text that is not an age file is a header failure") {
    std::vector<Identity> identities;
    identities.emplace_back(X25519Identity::generate());
    for (const char* text : {"", "hello", "age-encryption.org/v2\n", "age-encryption.org/v1\n"}) {
        CHECK(try_decrypt(identities, text).first == Failure::header);
    }
    CHECK(failure_from([] { needs_passphrase("not age"); }) == Failure::header);
}
