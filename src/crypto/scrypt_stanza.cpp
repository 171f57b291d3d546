#include "scrypt_stanza.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <string>

#include "base64.hpp"
#include "dossier/i18n.hpp"
#include "file_key.hpp"

namespace dossier::crypto {
namespace {

constexpr std::string_view label = "age-encryption.org/v1/scrypt";
constexpr std::size_t salt_size = 16;

// The work factor as written: decimal digits, no sign, no leading zero. 0 when it is not.
int parse_work_factor(std::string_view text) {
    if (text.empty() || text.size() > 2 || text[0] == '0') return 0;
    int value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return 0;
        value = value * 10 + (c - '0');
    }
    return value;
}

SecretBytes derive_key(const SecretBytes& passphrase, std::span<const unsigned char> salt, int work_factor) {
    std::string full_salt(label);
    full_salt.append(reinterpret_cast<const char*>(salt.data()), salt.size());
    SecretBytes key(32);
    if (crypto_pwhash_scryptsalsa208sha256_ll(passphrase.bytes(), passphrase.size(),
                                              reinterpret_cast<const unsigned char*>(full_salt.data()),
                                              full_salt.size(), std::uint64_t{1} << work_factor, 8, 1, key.bytes(),
                                              key.size()) != 0) {
        throw Error(ErrorKind::io,
                    fmt::format(fmt::runtime(tr("scrypt failed with work factor {}: not enough memory")), work_factor),
                    tr("free some memory, or use a lower work factor"));
    }
    return key;
}

}  // namespace

Stanza scrypt_wrap(const age::ScryptRecipient& recipient, const SecretBytes& file_key) {
    if (recipient.work_factor < 1 || recipient.work_factor > max_scrypt_encrypt_work_factor) {
        throw Error(ErrorKind::usage,
                    fmt::format(fmt::runtime(tr("the scrypt work factor {} is outside 1 to {}")), recipient.work_factor,
                                max_scrypt_encrypt_work_factor));
    }
    std::array<unsigned char, salt_size> salt{};
    randombytes_buf(salt.data(), salt.size());
    Stanza stanza;
    stanza.type = scrypt_stanza_type;
    stanza.args.push_back(base64_encode_unpadded(salt));
    stanza.args.push_back(std::to_string(recipient.work_factor));
    stanza.body = seal_file_key(derive_key(recipient.passphrase, salt, recipient.work_factor), file_key);
    return stanza;
}

void scrypt_check(const Stanza& stanza) {
    std::vector<unsigned char> salt;
    if (stanza.args.size() != 2 || !base64_decode_unpadded(stanza.args[0], salt) || salt.size() != salt_size ||
        parse_work_factor(stanza.args[1]) < 1 || stanza.body.size() != sealed_file_key_size) {
        throw age::AgeError(age::Failure::header, tr("the age header has a malformed scrypt stanza"),
                            tr("the file is damaged, was changed, or is not an age file"));
    }
}

std::optional<SecretBytes> scrypt_unwrap(const age::ScryptIdentity& identity, const Stanza& stanza) {
    std::vector<unsigned char> salt;
    base64_decode_unpadded(stanza.args.at(0), salt);
    const int work_factor = parse_work_factor(stanza.args.at(1));
    if (work_factor > identity.max_work_factor || work_factor > 63) {
        throw age::AgeError(
            age::Failure::header,
            fmt::format(fmt::runtime(tr("the age file asks for an scrypt work factor of {}, above the limit of {}")),
                        work_factor, identity.max_work_factor),
            tr("such a file takes very long to open; if you trust it, raise the limit"));
    }
    return open_file_key(derive_key(identity.passphrase, salt, work_factor), stanza.body);
}

}  // namespace dossier::crypto
