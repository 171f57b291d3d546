// The shapes of secrets in a line of text: private keys, providers' tokens, random strings.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace dossier::rules {

// A secret found in a line: its kind, an English msgid, and its byte offset.
struct SecretMatch {
    const char* kind = nullptr;
    std::size_t offset = 0;
};

// Returns the first provider token (AWS, GitHub, GitLab, Slack, Stripe, Google, OpenAI,
// Anthropic, age) or JSON Web Token in `line`, by its documented prefix and shape. Sample
// values of documentation (…EXAMPLE, ghp_xxxx…) are skipped.
std::optional<SecretMatch> find_token(std::string_view line);

// Returns the offset of a PEM private key header (-----BEGIN … PRIVATE KEY-----) in `line`
// when key material follows it, on the same line or the next, so that a runbook that only
// names the header is not reported.
std::optional<std::size_t> find_private_key(std::string_view line, std::string_view next_line);

// Returns the offset of a random-looking string of 20 characters or more and whether it is
// hexadecimal: Base64 with digits, upper and lower case over 4.0 bits per character, or
// hexadecimal over 3.0 (hexadecimal cannot exceed 4.0). '=' only ends a string, as Base64
// padding, so "PublicKeyToken=b77a5c561934e089" is two strings. Strings that contain a word
// of seven lower-case letters, such as paths and identifiers, are skipped.
std::optional<std::pair<std::size_t, bool>> find_random_string(std::string_view line);

}  // namespace dossier::rules
