#include "x25519_stanza.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>

#include "base64.hpp"
#include "dossier/i18n.hpp"
#include "file_key.hpp"
#include "hkdf.hpp"

namespace dossier::crypto {
namespace {

constexpr std::string_view label = "age-encryption.org/v1/X25519";

SecretBytes wrap_key(const SecretBytes& shared_secret, std::span<const unsigned char, 32> share,
                     std::span<const unsigned char, 32> recipient) {
    std::array<unsigned char, 64> salt{};
    std::copy(share.begin(), share.end(), salt.begin());
    std::copy(recipient.begin(), recipient.end(), salt.begin() + 32);
    return hkdf_sha256(salt, shared_secret.span(), label, 32);
}

}  // namespace

Stanza x25519_wrap(const age::X25519Recipient& recipient, const SecretBytes& file_key) {
    SecretBytes ephemeral(32);
    randombytes_buf(ephemeral.bytes(), ephemeral.size());
    std::array<unsigned char, 32> share{};
    crypto_scalarmult_base(share.data(), ephemeral.bytes());
    SecretBytes shared(32);
    if (crypto_scalarmult(shared.bytes(), ephemeral.bytes(), recipient.public_key().data()) != 0) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("cannot encrypt to {}: it is not a usable X25519 public key")),
                                recipient.to_string()),
                    tr("check the recipient's key: age-keygen -y prints it from the identity file"));
    }
    Stanza stanza;
    stanza.type = x25519_stanza_type;
    stanza.args.push_back(base64_encode_unpadded(share));
    stanza.body = seal_file_key(wrap_key(shared, share, recipient.public_key()), file_key);
    return stanza;
}

void x25519_check(const Stanza& stanza) {
    std::vector<unsigned char> share;
    if (stanza.args.size() != 1 || !base64_decode_unpadded(stanza.args[0], share) || share.size() != 32 ||
        stanza.body.size() != sealed_file_key_size) {
        throw age::AgeError(age::Failure::header, tr("the age header has a malformed X25519 stanza"),
                            tr("the file is damaged, was changed, or is not an age file"));
    }
}

std::optional<SecretBytes> x25519_unwrap(const age::X25519Identity& identity, const Stanza& stanza) {
    std::vector<unsigned char> decoded;
    base64_decode_unpadded(stanza.args.at(0), decoded);
    std::array<unsigned char, 32> share{};
    std::copy_n(decoded.begin(), 32, share.begin());
    SecretBytes shared(32);
    // libsodium refuses low-order points and an all-zero result, as age requires.
    if (crypto_scalarmult(shared.bytes(), identity.secret_key().bytes(), share.data()) != 0 ||
        sodium_is_zero(shared.bytes(), shared.size())) {
        throw age::AgeError(age::Failure::header,
                            tr("the age header has an X25519 stanza whose share is a low-order point"),
                            tr("the file was made to be unreadable or was damaged"));
    }
    return open_file_key(wrap_key(shared, share, identity.recipient().public_key()), stanza.body);
}

}  // namespace dossier::crypto
