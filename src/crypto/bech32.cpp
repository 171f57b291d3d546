#include "bech32.hpp"

#include <sodium.h>

#include <cstdint>
#include <vector>

namespace dossier::crypto {
namespace {

constexpr char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

std::uint32_t polymod(const std::vector<std::uint8_t>& values) {
    constexpr std::uint32_t generator[] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    std::uint32_t checksum = 1;
    for (const std::uint8_t value : values) {
        const std::uint32_t top = checksum >> 25;
        checksum = ((checksum & 0x1ffffff) << 5) ^ value;
        for (int i = 0; i < 5; ++i) {
            if ((top >> i) & 1) checksum ^= generator[i];
        }
    }
    return checksum;
}

// The HRP expanded for the checksum, always from its lower-case form.
std::vector<std::uint8_t> expand_hrp(std::string_view hrp) {
    std::vector<std::uint8_t> out;
    out.reserve(hrp.size() * 2 + 1);
    for (const char c : hrp) out.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) >> 5));
    out.push_back(0);
    for (const char c : hrp) out.push_back(static_cast<std::uint8_t>(c & 31));
    return out;
}

char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

struct Wiped {
    std::vector<std::uint8_t> values;
    ~Wiped() {
        if (!values.empty()) sodium_memzero(values.data(), values.size());
    }
};

}  // namespace

std::optional<Bech32Decoded> bech32_decode(std::string_view text) {
    bool lower = false;
    bool upper = false;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 33 || u > 126) return std::nullopt;
        if (c >= 'a' && c <= 'z') lower = true;
        if (c >= 'A' && c <= 'Z') upper = true;
    }
    if (lower && upper) return std::nullopt;
    const std::size_t separator = text.rfind('1');
    if (separator == std::string_view::npos || separator < 1 || separator + 7 > text.size()) return std::nullopt;

    std::string lower_hrp;
    for (const char c : text.substr(0, separator)) lower_hrp.push_back(to_lower(c));
    Wiped all;
    all.values = expand_hrp(lower_hrp);
    const std::size_t data_start = all.values.size();
    for (const char c : text.substr(separator + 1)) {
        const char* found = nullptr;
        const char l = to_lower(c);
        for (const char* p = charset; *p != '\0'; ++p) {
            if (*p == l) {
                found = p;
                break;
            }
        }
        if (found == nullptr) return std::nullopt;
        all.values.push_back(static_cast<std::uint8_t>(found - charset));
    }
    if (polymod(all.values) != 1) return std::nullopt;

    // Regroup the 5-bit values, without the 6 checksum values, into bytes.
    Bech32Decoded decoded{std::string(text.substr(0, separator)), SecretBytes()};
    const std::size_t groups = all.values.size() - data_start - 6;
    SecretBytes data(groups * 5 / 8);
    std::uint32_t accumulator = 0;
    int bits = 0;
    std::size_t written = 0;
    for (std::size_t i = 0; i < groups; ++i) {
        accumulator = ((accumulator << 5) | all.values[data_start + i]) & 0xFFF;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            data.bytes()[written++] = static_cast<unsigned char>(accumulator >> bits);
        }
    }
    const bool padding_ok = bits < 5 && (accumulator & ((1U << bits) - 1)) == 0;
    accumulator = 0;
    if (!padding_ok) return std::nullopt;
    decoded.data = std::move(data);
    return decoded;
}

SecretBytes bech32_encode(std::string_view hrp, std::span<const unsigned char> data) {
    Wiped values;
    values.values = expand_hrp(hrp);
    const std::size_t data_start = values.values.size();
    std::uint32_t accumulator = 0;
    int bits = 0;
    for (const unsigned char byte : data) {
        accumulator = ((accumulator << 8) | byte) & 0xFFF;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            values.values.push_back(static_cast<std::uint8_t>((accumulator >> bits) & 31));
        }
    }
    if (bits > 0) values.values.push_back(static_cast<std::uint8_t>((accumulator << (5 - bits)) & 31));
    accumulator = 0;
    const std::size_t data_end = values.values.size();
    for (int i = 0; i < 6; ++i) values.values.push_back(0);
    const std::uint32_t checksum = polymod(values.values) ^ 1;

    SecretBytes out(hrp.size() + 1 + (data_end - data_start) + 6);
    char* o = out.data();
    for (const char c : hrp) *o++ = c;
    *o++ = '1';
    for (std::size_t i = data_start; i < data_end; ++i) *o++ = charset[values.values[i]];
    for (int i = 0; i < 6; ++i) *o++ = charset[(checksum >> (5 * (5 - i))) & 31];
    return out;
}

}  // namespace dossier::crypto
