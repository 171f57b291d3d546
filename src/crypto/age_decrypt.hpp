// Decryption with the input format chosen by the caller, for tools that know it (the test
// vector runner) rather than detect it from the first bytes.
#pragma once

#include "dossier/age.hpp"

namespace dossier::crypto {

enum class AgeInputFormat { detect, binary, armored };

void age_decrypt(std::span<const age::Identity> identities, age::ByteSource& ciphertext, age::ByteSink& out,
                 AgeInputFormat format);

}  // namespace dossier::crypto
