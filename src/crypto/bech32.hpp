// Bech32 (BIP 173, not Bech32m) as age uses it for keys: no 90-character limit, one case per
// string, and 8-bit data packed in 5-bit groups with zero padding.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "dossier/secret_bytes.hpp"

namespace dossier::crypto {

struct Bech32Decoded {
    std::string hrp;   // as written: upper case when the string was upper case
    SecretBytes data;  // the 8-bit data, wiped on release since identities are secret
};

// Decodes `text`. Returns nullopt on mixed case, a missing or misplaced separator, a
// character outside the charset, a bad checksum or non-canonical padding bits.
std::optional<Bech32Decoded> bech32_decode(std::string_view text);

// Encodes `data` under `hrp` (lower case, as BIP 173 writes it). The result is returned in
// memory that is wiped, since `data` may be a secret key; callers upper-case it in place if
// they need to.
SecretBytes bech32_encode(std::string_view hrp, std::span<const unsigned char> data);

}  // namespace dossier::crypto
