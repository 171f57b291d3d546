// HKDF-SHA256 (RFC 5869) on libsodium 1.0.18's HMAC-SHA256, which has no HKDF of its own.
#pragma once

#include <span>
#include <string_view>

#include "dossier/secret_bytes.hpp"

namespace dossier::crypto {

// Derives `length` bytes (at most 255 * 32) from `key_material` with `salt` (may be empty)
// and `info`.
SecretBytes hkdf_sha256(std::span<const unsigned char> salt, std::span<const unsigned char> key_material,
                        std::string_view info, std::size_t length);

// HMAC-SHA256 of `message` under `key`, into `out` (32 bytes).
void hmac_sha256(std::span<const unsigned char> key, std::span<const unsigned char> message, unsigned char* out);

}  // namespace dossier::crypto
