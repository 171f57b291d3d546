// The scrypt passphrase stanza: `-> scrypt <salt> <log2 N>` and the sealed file key.
#pragma once

#include <optional>

#include "age_header.hpp"
#include "dossier/age.hpp"

namespace dossier::crypto {

inline constexpr std::string_view scrypt_stanza_type = "scrypt";
inline constexpr int max_scrypt_encrypt_work_factor = 30;

// Throws Error(usage) when the recipient's work factor is outside 1 to 30.
Stanza scrypt_wrap(const age::ScryptRecipient& recipient, const SecretBytes& file_key);

// Throws AgeError(header) when an scrypt stanza does not have a canonical 16-byte salt, a
// decimal work factor without sign or leading zero, at least 1, and a 32-byte body.
void scrypt_check(const Stanza& stanza);

// The file key if the passphrase opens `stanza` (a checked scrypt stanza), nullopt if not.
// Throws AgeError(header) when the work factor is above the identity's maximum.
std::optional<SecretBytes> scrypt_unwrap(const age::ScryptIdentity& identity, const Stanza& stanza);

}  // namespace dossier::crypto
