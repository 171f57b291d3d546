// Time-based one-time passwords (RFC 6238, on HOTP of RFC 4226) from a seed or an otpauth:// URI.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dossier/secret_bytes.hpp"

namespace dossier::totp {

enum class Algorithm { sha1, sha256, sha512 };

struct Parameters {
    SecretBytes key;  // the decoded seed
    Algorithm algorithm = Algorithm::sha1;
    int digits = 6;   // 6 or 8
    int period = 30;  // seconds, at least 1
    std::string issuer;   // from an otpauth:// URI, else empty
    std::string account;  // from an otpauth:// URI, else empty
};

// Parses a Base32 seed (case, spaces, hyphens and '=' padding ignored) or an
// `otpauth://totp/LABEL?secret=…&algorithm=…&digits=…&period=…` URI. Throws
// Error(invalid_input) saying what is wrong, never echoing the seed.
Parameters parse(std::string_view seed_or_uri);

// Returns the code for `unix_time` (seconds since 1970), zero-padded to p.digits.
std::string code(const Parameters& p, std::int64_t unix_time);

// Returns the seconds until the code of `unix_time` changes: 1 to p.period.
int seconds_left(const Parameters& p, std::int64_t unix_time);

}  // namespace dossier::totp
