// TOTP (RFC 6238) over HOTP (RFC 4226): Base32 seeds (RFC 4648) and otpauth:// URIs.
#include "dossier/totp.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <array>
#include <charconv>
#include <cstring>
#include <optional>
#include <vector>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "sha1.hpp"

namespace dossier::totp {

namespace {

[[noreturn]] void fail(std::string message, std::string hint = {}) {
    throw Error(ErrorKind::invalid_input, std::move(message), std::move(hint));
}

char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

bool istarts_with(std::string_view text, std::string_view prefix) noexcept {
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view text) noexcept {
    constexpr std::string_view blanks = " \t\r\n";
    std::size_t start = text.find_first_not_of(blanks);
    if (start == std::string_view::npos) return {};
    return text.substr(start, text.find_last_not_of(blanks) - start + 1);
}

// The value of a Base32 digit, or -1.
int base32_value(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a';
    if (c >= '2' && c <= '7') return c - '2' + 26;
    return -1;
}

// Decodes a Base32 seed (RFC 4648 section 6). The messages never quote the seed.
SecretBytes decode_base32(std::string_view text) {
    SecretBytes out;
    std::string_view::size_type position = 0;
    std::size_t digits = 0;
    std::uint32_t buffer = 0;
    int bits = 0;
    std::array<char, 1> byte{};
    for (char c : text) {
        ++position;
        if (c == ' ' || c == '-' || c == '=' || c == '\t') continue;
        int value = base32_value(c);
        if (value < 0) {
            fail(fmt::format(fmt::runtime(tr("the TOTP seed has a character that is not Base32 at position {}")),
                             position),
                 tr("a Base32 seed holds only the letters A to Z and the digits 2 to 7"));
        }
        ++digits;
        buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            byte[0] = static_cast<char>((buffer >> bits) & 0xffu);
            out.append(std::string_view(byte.data(), 1));
        }
    }
    sodium_memzero(&buffer, sizeof buffer);
    sodium_memzero(byte.data(), byte.size());
    if (digits == 0)
        fail(tr("the TOTP seed is empty"), tr("copy the seed or the otpauth:// URI that the service shows"));
    // 1, 3 or 6 digits after the last full group of 8 cannot come from encoding whole bytes.
    std::size_t rest = digits % 8;
    if (rest == 1 || rest == 3 || rest == 6) {
        fail(fmt::format(fmt::runtime(tr("the TOTP seed cannot be Base32: no Base32 text has {} digits")), digits),
             tr("check that the seed was copied whole"));
    }
    return out;
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Percent-decodes a part of the URI into `out`; false on an invalid percent-encoding.
bool percent_decode(std::string_view text, SecretBytes& out) {
    std::array<char, 1> byte{};
    bool ok = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.append(text.substr(i, 1));
            continue;
        }
        int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
        int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
        if (high < 0 || low < 0) {
            ok = false;
            break;
        }
        byte[0] = static_cast<char>(high * 16 + low);
        out.append(std::string_view(byte.data(), 1));
        i += 2;
    }
    sodium_memzero(byte.data(), byte.size());
    return ok;
}

std::string decode_text(std::string_view text, std::string_view what) {
    SecretBytes decoded;
    if (!percent_decode(text, decoded)) {
        fail(fmt::format(fmt::runtime(tr("the otpauth:// URI has an invalid percent-encoding in its {}")), what));
    }
    return std::string(decoded.view());
}

int parse_number(std::string_view value, std::string_view name) {
    int number = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (value.empty() || error != std::errc() || end != value.data() + value.size()) {
        fail(fmt::format(fmt::runtime(tr("the otpauth:// URI has an invalid {}: {}")), name, value),
             tr("it must be a whole number"));
    }
    return number;
}

void check_digits(int digits) {
    if (digits != 6 && digits != 8) {
        fail(fmt::format(fmt::runtime(tr("a TOTP code has 6 or 8 digits, not {}")), digits));
    }
}

void check_period(std::int64_t period) {
    if (period < 1) {
        fail(fmt::format(fmt::runtime(tr("the TOTP period must be at least 1 second, not {}")), period));
    }
}

Parameters parse_uri(std::string_view uri) {
    std::string_view rest = uri.substr(std::string_view("otpauth://").size());
    std::size_t slash = rest.find('/');
    std::string_view type = rest.substr(0, slash);
    if (iequals(type, "hotp")) {
        fail(tr("counter-based codes (otpauth://hotp) are not supported: dossier computes time-based codes only"),
             tr("ask the service for a time-based (TOTP) authenticator, an otpauth://totp/ URI"));
    }
    if (!iequals(type, "totp") || slash == std::string_view::npos) {
        fail(tr("the URI is not an otpauth://totp/ URI"),
             tr("write otpauth://totp/Issuer:account?secret=BASE32SECRET&issuer=Issuer"));
    }
    rest = rest.substr(slash + 1);
    std::size_t question = rest.find('?');
    std::string_view label = rest.substr(0, question);
    std::string_view query = question == std::string_view::npos ? std::string_view() : rest.substr(question + 1);
    // A fragment is not part of the parameters.
    if (std::size_t hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);

    Parameters p;
    std::string decoded_label = decode_text(label, "label");
    if (std::size_t colon = decoded_label.find(':'); colon != std::string::npos) {
        p.issuer = std::string(trim(std::string_view(decoded_label).substr(0, colon)));
        p.account = std::string(trim(std::string_view(decoded_label).substr(colon + 1)));
    } else {
        p.account = std::string(trim(decoded_label));
    }

    bool have_secret = false, have_issuer = false, have_algorithm = false, have_digits = false, have_period = false;
    auto once = [](bool& seen, std::string_view name) {
        if (seen) fail(fmt::format(fmt::runtime(tr("the otpauth:// URI gives the parameter {} twice")), name));
        seen = true;
    };
    while (!query.empty()) {
        std::size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) continue;
        std::size_t equals = pair.find('=');
        std::string_view name = pair.substr(0, equals);
        std::string_view raw_value = equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
        if (iequals(name, "secret")) {
            once(have_secret, "secret");
            SecretBytes value;
            if (!percent_decode(raw_value, value)) {
                fail(fmt::format(fmt::runtime(tr("the otpauth:// URI has an invalid percent-encoding in its {}")),
                                 "secret"));
            }
            p.key = decode_base32(value.view());
        } else if (iequals(name, "issuer")) {
            once(have_issuer, "issuer");
            p.issuer = std::string(trim(decode_text(raw_value, "issuer")));
        } else if (iequals(name, "algorithm")) {
            once(have_algorithm, "algorithm");
            std::string value = decode_text(raw_value, "algorithm");
            if (iequals(value, "SHA1")) {
                p.algorithm = Algorithm::sha1;
            } else if (iequals(value, "SHA256")) {
                p.algorithm = Algorithm::sha256;
            } else if (iequals(value, "SHA512")) {
                p.algorithm = Algorithm::sha512;
            } else {
                fail(fmt::format(fmt::runtime(tr("unknown TOTP algorithm {}")), value),
                     tr("the algorithm is SHA1, SHA256 or SHA512"));
            }
        } else if (iequals(name, "digits")) {
            once(have_digits, "digits");
            p.digits = parse_number(decode_text(raw_value, "digits"), "digits");
            check_digits(p.digits);
        } else if (iequals(name, "period")) {
            once(have_period, "period");
            p.period = parse_number(decode_text(raw_value, "period"), "period");
            check_period(p.period);
        }
        // Other parameters (image, counter, lock…) do not change the code.
    }
    if (!have_secret) {
        fail(tr("the otpauth:// URI has no secret parameter"),
             tr("write otpauth://totp/Issuer:account?secret=BASE32SECRET&issuer=Issuer"));
    }
    return p;
}

void check(const Parameters& p) {
    check_digits(p.digits);
    check_period(p.period);
    if (p.key.empty())
        fail(tr("the TOTP seed is empty"), tr("copy the seed or the otpauth:// URI that the service shows"));
}

}  // namespace

Parameters parse(std::string_view seed_or_uri) {
    std::string_view text = trim(seed_or_uri);
    if (istarts_with(text, "otpauth://")) return parse_uri(text);
    if (text.find("://") != std::string_view::npos) {
        fail(tr("the URI is not an otpauth://totp/ URI"),
             tr("write otpauth://totp/Issuer:account?secret=BASE32SECRET&issuer=Issuer"));
    }
    Parameters p;
    p.key = decode_base32(text);
    return p;
}

std::string code(const Parameters& p, std::int64_t unix_time) {
    check(p);
    if (unix_time < 0) fail(tr("TOTP codes are not defined before 1970"));
    const auto counter = static_cast<std::uint64_t>(unix_time / p.period);
    std::array<unsigned char, 8> message;
    for (int i = 0; i < 8; ++i)
        message[static_cast<std::size_t>(7 - i)] = static_cast<unsigned char>(counter >> (8 * i));

    std::array<unsigned char, crypto_auth_hmacsha512_BYTES> mac{};
    std::size_t mac_size = 0;
    switch (p.algorithm) {
        case Algorithm::sha1: {
            crypto::Sha1::Digest digest = crypto::hmac_sha1(p.key.span(), message);
            std::memcpy(mac.data(), digest.data(), digest.size());
            sodium_memzero(digest.data(), digest.size());
            mac_size = digest.size();
            break;
        }
        case Algorithm::sha256: {
            crypto_auth_hmacsha256_state state;
            crypto_auth_hmacsha256_init(&state, p.key.bytes(), p.key.size());
            crypto_auth_hmacsha256_update(&state, message.data(), message.size());
            crypto_auth_hmacsha256_final(&state, mac.data());
            sodium_memzero(&state, sizeof state);
            mac_size = crypto_auth_hmacsha256_BYTES;
            break;
        }
        case Algorithm::sha512: {
            crypto_auth_hmacsha512_state state;
            crypto_auth_hmacsha512_init(&state, p.key.bytes(), p.key.size());
            crypto_auth_hmacsha512_update(&state, message.data(), message.size());
            crypto_auth_hmacsha512_final(&state, mac.data());
            sodium_memzero(&state, sizeof state);
            mac_size = crypto_auth_hmacsha512_BYTES;
            break;
        }
    }

    // Dynamic truncation (RFC 4226 section 5.3).
    const std::size_t offset = mac[mac_size - 1] & 0x0fu;
    std::uint32_t binary = (std::uint32_t{mac[offset]} & 0x7fu) << 24 | std::uint32_t{mac[offset + 1]} << 16 |
                           std::uint32_t{mac[offset + 2]} << 8 | std::uint32_t{mac[offset + 3]};
    sodium_memzero(mac.data(), mac.size());
    std::uint32_t modulus = p.digits == 8 ? 100000000u : 1000000u;
    std::string result(static_cast<std::size_t>(p.digits), '0');
    std::uint32_t value = binary % modulus;
    for (std::size_t i = result.size(); i-- > 0; value /= 10) result[i] = static_cast<char>('0' + value % 10);
    sodium_memzero(&binary, sizeof binary);
    return result;
}

int seconds_left(const Parameters& p, std::int64_t unix_time) {
    check_period(p.period);
    std::int64_t into = unix_time % p.period;
    if (into < 0) into += p.period;
    return static_cast<int>(p.period - into);
}

}  // namespace dossier::totp
