// The X25519 recipient stanza: `-> X25519 <ephemeral share>` and the sealed file key.
#pragma once

#include <optional>

#include "age_header.hpp"
#include "dossier/age.hpp"

namespace dossier::crypto {

inline constexpr std::string_view x25519_stanza_type = "X25519";

Stanza x25519_wrap(const age::X25519Recipient& recipient, const SecretBytes& file_key);

// Throws AgeError(header) when an X25519 stanza does not have one canonical 32-byte share
// and a 32-byte body.
void x25519_check(const Stanza& stanza);

// The file key if `identity` opens `stanza` (a checked X25519 stanza), nullopt if it does not.
// Throws AgeError(header) when the share gives the all-zero shared secret (a low-order point).
std::optional<SecretBytes> x25519_unwrap(const age::X25519Identity& identity, const Stanza& stanza);

}  // namespace dossier::crypto
