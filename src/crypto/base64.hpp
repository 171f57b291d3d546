// Standard base64 (RFC 4648 section 4) in the two strict forms that age uses: unpadded in the
// header, padded in the ASCII armor. Decoding accepts only the canonical encoding, so that one
// byte string has exactly one text form.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dossier::crypto {

// Appends the unpadded encoding of `bytes` to `out`.
void base64_encode_unpadded(std::span<const unsigned char> bytes, std::string& out);
std::string base64_encode_unpadded(std::span<const unsigned char> bytes);

// Decodes unpadded base64, appending to `out`. Returns false on any character outside the
// alphabet (including '=', CR and LF), on an impossible length, or on non-zero unused bits.
bool base64_decode_unpadded(std::string_view text, std::vector<unsigned char>& out);

// Appends the padded encoding of `bytes` to `out`.
void base64_encode_padded(std::span<const unsigned char> bytes, std::string& out);

// Decodes padded base64 (length a multiple of 4, at most two '=' at the very end, zero unused
// bits) into `out`, which has room for text.size() / 4 * 3 bytes. Returns the number of bytes
// written, or -1 when `text` is not canonical padded base64.
long base64_decode_padded(std::string_view text, unsigned char* out);

}  // namespace dossier::crypto
