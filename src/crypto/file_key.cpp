#include "file_key.hpp"

#include <sodium.h>

namespace dossier::crypto {
namespace {
constexpr unsigned char zero_nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES] = {};
}

SecretBytes generate_file_key() {
    SecretBytes key(file_key_size);
    randombytes_buf(key.bytes(), key.size());
    return key;
}

std::vector<unsigned char> seal_file_key(const SecretBytes& wrap_key, const SecretBytes& file_key) {
    std::vector<unsigned char> body(sealed_file_key_size);
    unsigned long long length = 0;
    crypto_aead_chacha20poly1305_ietf_encrypt(body.data(), &length, file_key.bytes(), file_key.size(), nullptr, 0,
                                              nullptr, zero_nonce, wrap_key.bytes());
    return body;
}

std::optional<SecretBytes> open_file_key(const SecretBytes& wrap_key, std::span<const unsigned char> body) {
    if (body.size() != sealed_file_key_size) return std::nullopt;
    SecretBytes file_key(file_key_size);
    unsigned long long length = 0;
    if (crypto_aead_chacha20poly1305_ietf_decrypt(file_key.bytes(), &length, nullptr, body.data(), body.size(),
                                                  nullptr, 0, zero_nonce, wrap_key.bytes()) != 0) {
        return std::nullopt;
    }
    return file_key;
}

}  // namespace dossier::crypto
