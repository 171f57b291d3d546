// age's payload: STREAM over ChaCha20-Poly1305 in 64 KiB chunks, the nonce an 11-byte
// big-endian chunk counter and a last-chunk flag byte.
#pragma once

#include <span>

#include "buffered_reader.hpp"
#include "dossier/age.hpp"
#include "dossier/secret_bytes.hpp"

namespace dossier::crypto {

inline constexpr std::size_t stream_chunk_size = 64 * 1024;
inline constexpr std::size_t stream_tag_size = 16;
inline constexpr std::size_t stream_sealed_chunk_size = stream_chunk_size + stream_tag_size;
inline constexpr std::size_t payload_nonce_size = 16;
// Read and write blocks: this many chunks at a time.
inline constexpr std::size_t stream_chunks_per_block = 16;

// The payload key: HKDF-SHA256 of the file key, salted with the payload nonce.
SecretBytes payload_key(const SecretBytes& file_key, std::span<const unsigned char> nonce);

// Encrypts all of `plaintext` to `out`, writing `prefix` (the header and the nonce) first in
// the same block.
void stream_encrypt(const SecretBytes& key, age::ByteSource& plaintext, age::ByteSink& out, std::string_view prefix);

// Decrypts the rest of `in` to `out`. Each chunk is written only after its tag verifies;
// verified chunks are written before a failure is thrown. Throws AgeError(payload).
void stream_decrypt(const SecretBytes& key, BufferedReader& in, age::ByteSink& out);

}  // namespace dossier::crypto
