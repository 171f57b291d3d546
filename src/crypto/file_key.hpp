// The 16-byte file key of an age file, and its sealing in a stanza body with
// ChaCha20-Poly1305 under a zero nonce (each wrapping key is used once).
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "dossier/secret_bytes.hpp"

namespace dossier::crypto {

inline constexpr std::size_t file_key_size = 16;
inline constexpr std::size_t sealed_file_key_size = file_key_size + 16;

SecretBytes generate_file_key();

// Seals `file_key` under the 32-byte `wrap_key`.
std::vector<unsigned char> seal_file_key(const SecretBytes& wrap_key, const SecretBytes& file_key);

// Opens a sealed file key (the body must already have the right size); nullopt when the tag
// does not verify, that is, when the wrap key is not the one that sealed it.
std::optional<SecretBytes> open_file_key(const SecretBytes& wrap_key, std::span<const unsigned char> body);

}  // namespace dossier::crypto
