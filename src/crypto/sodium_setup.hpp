// libsodium's one-time initialisation, shared by everything in src/crypto.
#pragma once

namespace dossier::crypto {

// Calls sodium_init() once per process (thread-safe). Throws Error(io) if libsodium cannot start.
void ensure_sodium();

}  // namespace dossier::crypto
