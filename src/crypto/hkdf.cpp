#include "hkdf.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

namespace dossier::crypto {

void hmac_sha256(std::span<const unsigned char> key, std::span<const unsigned char> message, unsigned char* out) {
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, key.data(), key.size());
    crypto_auth_hmacsha256_update(&state, message.data(), message.size());
    crypto_auth_hmacsha256_final(&state, out);
    sodium_memzero(&state, sizeof state);
}

SecretBytes hkdf_sha256(std::span<const unsigned char> salt, std::span<const unsigned char> key_material,
                        std::string_view info, std::size_t length) {
    constexpr std::size_t hash_size = crypto_auth_hmacsha256_BYTES;
    if (length > 255 * hash_size) throw std::invalid_argument("HKDF-SHA256 output too long");

    // Extract: PRK = HMAC(salt, IKM). An empty salt is an HMAC key of zeros, which HMAC's own
    // padding of short keys already gives.
    SecretBytes prk(hash_size);
    hmac_sha256(salt, key_material, prk.bytes());

    // Expand: T(i) = HMAC(PRK, T(i-1) | info | i).
    SecretBytes out(length);
    SecretBytes block(hash_size);
    std::size_t done = 0;
    for (unsigned char counter = 1; done < length; ++counter) {
        crypto_auth_hmacsha256_state state;
        crypto_auth_hmacsha256_init(&state, prk.bytes(), prk.size());
        if (counter > 1) crypto_auth_hmacsha256_update(&state, block.bytes(), block.size());
        crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(info.data()), info.size());
        crypto_auth_hmacsha256_update(&state, &counter, 1);
        crypto_auth_hmacsha256_final(&state, block.bytes());
        sodium_memzero(&state, sizeof state);
        const std::size_t take = std::min(hash_size, length - done);
        std::copy_n(block.bytes(), take, out.bytes() + done);
        done += take;
    }
    return out;
}

}  // namespace dossier::crypto
