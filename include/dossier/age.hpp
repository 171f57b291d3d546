// The age v1 file format (age-encryption.org/v1) on libsodium: keys, encryption, decryption, armor.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dossier/error.hpp"
#include "dossier/secret_bytes.hpp"

namespace dossier::age {

// Why an age file could not be read, in the categories of the C2SP test vectors.
enum class Failure {
    header,   // the header is malformed or not canonical
    hmac,     // the header MAC does not match (tampered header, or a wrong scrypt passphrase)
    no_match, // no identity opens any stanza
    payload,  // the payload is malformed, truncated or fails authentication
    armor,    // the ASCII armor is malformed
};

// A failure to read or write age data. `what()` is a translated sentence that names the
// failure; the kind is an Error(invalid_input) so the command exits with status 3.
class AgeError : public Error {
public:
    AgeError(Failure failure, std::string message, std::string hint = {});
    Failure failure() const noexcept { return failure_; }

private:
    Failure failure_;
};

// A native X25519 recipient: `age1…` in Bech32.
class X25519Recipient {
public:
    // Parses `text` (surrounding whitespace is not allowed). Throws Error(invalid_input) naming
    // the text when it is not a valid lowercase `age1` Bech32 string of a 32-byte key.
    static X25519Recipient parse(std::string_view text);
    // Returns nullopt instead of throwing.
    static std::optional<X25519Recipient> try_parse(std::string_view text);

    explicit X25519Recipient(const std::array<unsigned char, 32>& public_key) : key_(public_key) {}
    std::string to_string() const;  // age1…
    const std::array<unsigned char, 32>& public_key() const noexcept { return key_; }
    friend bool operator==(const X25519Recipient&, const X25519Recipient&) = default;

private:
    std::array<unsigned char, 32> key_{};
};

// A native X25519 identity: `AGE-SECRET-KEY-1…` in Bech32 (upper case).
class X25519Identity {
public:
    static X25519Identity generate();
    // Parses `text`. Throws Error(invalid_input) without echoing the secret when it is not a
    // valid identity.
    static X25519Identity parse(std::string_view text);

    SecretBytes to_string() const;  // AGE-SECRET-KEY-1…
    X25519Recipient recipient() const;
    const SecretBytes& secret_key() const noexcept { return key_; }  // 32 bytes

private:
    explicit X25519Identity(SecretBytes key) : key_(std::move(key)) {}
    SecretBytes key_;
};

// A passphrase recipient (scrypt stanza). An scrypt stanza must be the only one of a file.
struct ScryptRecipient {
    SecretBytes passphrase;
    int work_factor = 18;  // log2 of scrypt's N, as the age command uses by default
};

// A passphrase identity. Files whose work factor is above `max_work_factor` are refused.
struct ScryptIdentity {
    SecretBytes passphrase;
    int max_work_factor = 22;
};

using Recipient = std::variant<X25519Recipient, ScryptRecipient>;
using Identity = std::variant<X25519Identity, ScryptIdentity>;

// One problem in a recipients or identities file: the 1-based line and what is wrong with it.
struct KeyFileProblem {
    int line = 0;
    std::string message;
};

// Parses a recipients file in the format of `age -R`: one `age1…` per line, `#` comments and
// empty lines ignored. Malformed lines are returned in `problems` (when given) and skipped;
// when `problems` is null, the first one throws Error(invalid_input) naming its line.
std::vector<X25519Recipient> parse_recipients(std::string_view text, std::vector<KeyFileProblem>* problems = nullptr);

// Parses an identities file in the format of `age -i` (unencrypted): `AGE-SECRET-KEY-1…`
// lines, `#` comments and empty lines ignored. Throws Error(invalid_input) naming the first
// bad line, without echoing it.
std::vector<X25519Identity> parse_identities(std::string_view text);

// Where bytes come from and go to, so that files of any size stream through 64 KiB chunks.
class ByteSource {
public:
    virtual ~ByteSource() = default;
    // Reads up to buffer.size() bytes; returns 0 only at the end. Throws Error(io) on failure.
    virtual std::size_t read(std::span<unsigned char> buffer) = 0;
};
class ByteSink {
public:
    virtual ~ByteSink() = default;
    virtual void write(std::span<const unsigned char> bytes) = 0;
};

class StringSource final : public ByteSource {
public:
    explicit StringSource(std::string_view bytes) : bytes_(bytes) {}
    std::size_t read(std::span<unsigned char> buffer) override;

private:
    std::string_view bytes_;
};

class FdSource final : public ByteSource {
public:
    explicit FdSource(int fd) : fd_(fd) {}
    std::size_t read(std::span<unsigned char> buffer) override;

private:
    int fd_;
};

class FdSink final : public ByteSink {
public:
    explicit FdSink(int fd) : fd_(fd) {}
    void write(std::span<const unsigned char> bytes) override;

private:
    int fd_;
};

// Collects what is written into wiped memory.
class SecretSink final : public ByteSink {
public:
    void write(std::span<const unsigned char> bytes) override;
    SecretBytes& bytes() noexcept { return bytes_; }

private:
    SecretBytes bytes_;
};

enum class Armor { no, yes };

// Encrypts `plaintext` to `recipients` with a fresh random file key and writes the age file
// to `out`, ASCII-armored when `armor` is yes (64-column lines, LF, a final newline).
// Throws Error(usage) when there is no recipient or when an ScryptRecipient is not alone.
void encrypt(std::span<const Recipient> recipients, ByteSource& plaintext, ByteSink& out, Armor armor);
std::string encrypt(std::span<const Recipient> recipients, std::string_view plaintext, Armor armor);

// Decrypts the age file read from `ciphertext` (binary, or armored: detected from its first
// bytes) with the first of `identities` that opens a stanza, and writes the plaintext to `out`
// one authenticated chunk at a time: nothing of a chunk is written before its tag is checked.
// Throws AgeError with the failure; bytes written before a payload failure stay written, so a
// caller that must not keep partial output collects it in a SecretSink.
void decrypt(std::span<const Identity> identities, ByteSource& ciphertext, ByteSink& out);
SecretBytes decrypt(std::span<const Identity> identities, std::string_view ciphertext);

// Returns whether `bytes` starts like an armored age file ("-----BEGIN AGE ENCRYPTED FILE-----").
bool is_armored(std::string_view bytes);

// Returns whether the age file in `bytes` (binary or armored) has an scrypt stanza, that is,
// whether it needs a passphrase. Throws AgeError when the header cannot be read.
bool needs_passphrase(std::string_view bytes);

}  // namespace dossier::age
