// Random passwords and passphrases for `dossier secret generate`, from libsodium's generator.
#pragma once

#include <span>
#include <string_view>

#include "dossier/secret_bytes.hpp"

namespace dossier {

// Returns a password of `length` characters (8 to 1024) drawn uniformly from letters, digits
// and the symbols that need no quoting in a shell or YAML: it holds at least one lower-case
// letter, one upper-case letter, one digit and one symbol. Throws Error(usage) for a length out
// of range.
SecretBytes generate_password(int length);

// Returns `words` words (3 to 64) drawn uniformly from the word list of `language` ("en" or
// "fr"; another value uses "en"), joined with '-'. Throws Error(usage) for a count out of range.
SecretBytes generate_passphrase(int words, std::string_view language);

// Returns the shipped word list of `language`: at least 2,048 distinct lower-case ASCII words.
std::span<const std::string_view> word_list(std::string_view language);

}  // namespace dossier
