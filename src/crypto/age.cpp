// Encryption and decryption of age v1 files: the parts of dossier/age.hpp that tie the header,
// the stanzas, the payload stream and the armor together.
#include "dossier/age.hpp"

#include <sodium.h>

#include <optional>

#include "age_decrypt.hpp"
#include "age_header.hpp"
#include "age_stream.hpp"
#include "armor.hpp"
#include "buffered_reader.hpp"
#include "dossier/i18n.hpp"
#include "file_key.hpp"
#include "scrypt_stanza.hpp"
#include "sodium_setup.hpp"
#include "x25519_stanza.hpp"

namespace dossier::age {

AgeError::AgeError(Failure failure, std::string message, std::string hint)
    : Error(ErrorKind::invalid_input, std::move(message), std::move(hint)), failure_(failure) {}

namespace {

constexpr std::size_t header_buffer_size = 64 * 1024;
constexpr std::size_t payload_buffer_size = crypto::stream_chunks_per_block * crypto::stream_sealed_chunk_size + 1;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// Whether `bytes`, after leading whitespace, begin with "-----BEGIN" (the beginning of
// an armor line, even a wrong one, so that its error names the armor).
bool looks_armored(std::string_view bytes) {
    std::size_t i = 0;
    while (i < bytes.size() && is_space(bytes[i])) ++i;
    return bytes.substr(i).starts_with("-----BEGIN");
}

// Checks the stanzas of known types and the rule that an scrypt stanza is alone.
void check_stanzas(const std::vector<crypto::Stanza>& stanzas) {
    for (const crypto::Stanza& stanza : stanzas) {
        if (stanza.type == crypto::x25519_stanza_type) crypto::x25519_check(stanza);
        if (stanza.type == crypto::scrypt_stanza_type) {
            crypto::scrypt_check(stanza);
            if (stanzas.size() != 1) {
                throw AgeError(Failure::header, tr("the age header has an scrypt stanza that is not alone"),
                               tr("a passphrase-protected age file has exactly one stanza; this file was changed "
                                  "or made by a faulty tool"));
            }
        }
    }
}

std::optional<SecretBytes> unwrap(const Identity& identity, const crypto::Stanza& stanza) {
    if (const auto* x25519 = std::get_if<X25519Identity>(&identity)) {
        if (stanza.type != crypto::x25519_stanza_type) return std::nullopt;
        return crypto::x25519_unwrap(*x25519, stanza);
    }
    const auto& scrypt = std::get<ScryptIdentity>(identity);
    if (stanza.type != crypto::scrypt_stanza_type) return std::nullopt;
    return crypto::scrypt_unwrap(scrypt, stanza);
}

void decrypt_binary(std::span<const Identity> identities, crypto::BufferedReader& in, ByteSink& out) {
    const crypto::AgeHeader header = crypto::read_age_header(in);
    check_stanzas(header.stanzas);

    std::optional<SecretBytes> file_key;
    for (const Identity& identity : identities) {
        for (const crypto::Stanza& stanza : header.stanzas) {
            file_key = unwrap(identity, stanza);
            if (file_key) break;
        }
        if (file_key) break;
    }
    if (!file_key) {
        const bool passphrase = header.stanzas.size() == 1 && header.stanzas[0].type == crypto::scrypt_stanza_type;
        throw AgeError(Failure::no_match,
                       passphrase ? tr("the passphrase does not open this age file")
                                  : tr("none of the identities opens this age file"),
                       passphrase ? tr("check the passphrase and try again")
                                  : tr("the file was encrypted to other keys; decrypt it with one of its recipients' "
                                       "identities"));
    }

    const auto mac = crypto::age_header_mac(*file_key, header.mac_input);
    if (sodium_memcmp(mac.data(), header.mac.data(), mac.size()) != 0) {
        throw AgeError(Failure::hmac,
                       tr("the age header MAC does not match: the file was changed or the passphrase is wrong"),
                       tr("restore the file from a backup or from Git history"));
    }

    if (in.fill(crypto::payload_nonce_size) < crypto::payload_nonce_size) {
        throw AgeError(Failure::header, tr("the age file is truncated: it ends before its payload nonce"),
                       tr("the file is damaged, was changed, or is not an age file"));
    }
    const SecretBytes key = crypto::payload_key(*file_key, {in.data(), crypto::payload_nonce_size});
    in.consume(crypto::payload_nonce_size);
    crypto::stream_decrypt(key, in, out);
}

// Reads the header of `bytes` (binary or armored).
crypto::AgeHeader read_header_of(std::string_view bytes) {
    StringSource source(bytes);
    crypto::BufferedReader raw(source, header_buffer_size);
    if (!looks_armored(bytes.substr(0, 4096))) return crypto::read_age_header(raw);
    crypto::ArmorSource armor(raw);
    crypto::BufferedReader inner(armor, header_buffer_size);
    return crypto::read_age_header(inner);
}

}  // namespace

void encrypt(std::span<const Recipient> recipients, ByteSource& plaintext, ByteSink& out, Armor armor) {
    crypto::ensure_sodium();
    if (recipients.empty()) throw Error(ErrorKind::usage, tr("encrypting needs at least one recipient"));
    for (const Recipient& recipient : recipients) {
        if (std::holds_alternative<ScryptRecipient>(recipient) && recipients.size() != 1) {
            throw Error(ErrorKind::usage, tr("a passphrase must be the only recipient of an age file"),
                        tr("encrypt either with a passphrase or to public keys, not both"));
        }
    }
    const SecretBytes file_key = crypto::generate_file_key();
    std::vector<crypto::Stanza> stanzas;
    for (const Recipient& recipient : recipients) {
        if (const auto* x25519 = std::get_if<X25519Recipient>(&recipient)) {
            stanzas.push_back(crypto::x25519_wrap(*x25519, file_key));
        } else {
            stanzas.push_back(crypto::scrypt_wrap(std::get<ScryptRecipient>(recipient), file_key));
        }
    }
    std::string prefix = crypto::write_age_header(stanzas, file_key);
    std::array<unsigned char, crypto::payload_nonce_size> nonce{};
    randombytes_buf(nonce.data(), nonce.size());
    prefix.append(reinterpret_cast<const char*>(nonce.data()), nonce.size());
    const SecretBytes key = crypto::payload_key(file_key, nonce);

    if (armor == Armor::yes) {
        crypto::ArmorSink armored(out);
        crypto::stream_encrypt(key, plaintext, armored, prefix);
        armored.finish();
    } else {
        crypto::stream_encrypt(key, plaintext, out, prefix);
    }
}

std::string encrypt(std::span<const Recipient> recipients, std::string_view plaintext, Armor armor) {
    class StringSink final : public ByteSink {
    public:
        void write(std::span<const unsigned char> bytes) override {
            text.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        }
        std::string text;
    };
    StringSource source(plaintext);
    StringSink sink;
    encrypt(recipients, source, sink, armor);
    return std::move(sink.text);
}

void decrypt(std::span<const Identity> identities, ByteSource& ciphertext, ByteSink& out) {
    crypto::age_decrypt(identities, ciphertext, out, crypto::AgeInputFormat::detect);
}

SecretBytes decrypt(std::span<const Identity> identities, std::string_view ciphertext) {
    StringSource source(ciphertext);
    SecretSink sink;
    decrypt(identities, source, sink);
    return std::move(sink.bytes());
}

bool is_armored(std::string_view bytes) {
    std::size_t i = 0;
    while (i < bytes.size() && is_space(bytes[i])) ++i;
    return bytes.substr(i).starts_with(crypto::armor_begin);
}

bool needs_passphrase(std::string_view bytes) {
    const crypto::AgeHeader header = read_header_of(bytes);
    for (const crypto::Stanza& stanza : header.stanzas) {
        if (stanza.type == crypto::scrypt_stanza_type) return true;
    }
    return false;
}

}  // namespace dossier::age

namespace dossier::crypto {

void age_decrypt(std::span<const age::Identity> identities, age::ByteSource& ciphertext, age::ByteSink& out,
                 AgeInputFormat format) {
    ensure_sodium();
    BufferedReader raw(ciphertext, age::payload_buffer_size);
    if (format == AgeInputFormat::detect) {
        const std::size_t peeked = raw.fill(1024);
        format = age::looks_armored({reinterpret_cast<const char*>(raw.data()), peeked}) ? AgeInputFormat::armored
                                                                                       : AgeInputFormat::binary;
    }
    if (format == AgeInputFormat::binary) {
        age::decrypt_binary(identities, raw, out);
        return;
    }
    ArmorSource armor(raw);
    BufferedReader inner(armor, age::payload_buffer_size);
    age::decrypt_binary(identities, inner, out);
}

}  // namespace dossier::crypto
