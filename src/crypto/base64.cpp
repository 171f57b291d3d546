#include "base64.hpp"

#include <array>
#include <cstdint>

namespace dossier::crypto {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::uint8_t invalid = 0xFF;

constexpr std::array<std::uint8_t, 256> make_table() {
    std::array<std::uint8_t, 256> table{};
    for (auto& entry : table) entry = invalid;
    for (std::uint8_t i = 0; i < 64; ++i) table[static_cast<unsigned char>(alphabet[i])] = i;
    return table;
}
constexpr auto table = make_table();

// Encodes whole groups of 3 bytes; returns how many input bytes were consumed.
std::size_t encode_groups(std::span<const unsigned char> bytes, std::string& out) {
    const std::size_t whole = bytes.size() / 3 * 3;
    const std::size_t start = out.size();
    out.resize(start + whole / 3 * 4);
    char* o = out.data() + start;
    for (std::size_t i = 0; i < whole; i += 3) {
        const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
        *o++ = alphabet[(v >> 18) & 63];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = alphabet[(v >> 6) & 63];
        *o++ = alphabet[v & 63];
    }
    return whole;
}

// Decodes `text` whose length is not 1 modulo 4 and which holds alphabet characters only.
bool decode_body(std::string_view text, unsigned char* out, std::size_t& written) {
    const std::size_t whole = text.size() / 4 * 4;
    unsigned char* o = out;
    for (std::size_t i = 0; i < whole; i += 4) {
        const std::uint8_t a = table[static_cast<unsigned char>(text[i])];
        const std::uint8_t b = table[static_cast<unsigned char>(text[i + 1])];
        const std::uint8_t c = table[static_cast<unsigned char>(text[i + 2])];
        const std::uint8_t d = table[static_cast<unsigned char>(text[i + 3])];
        if ((a | b | c | d) == invalid || ((a | b | c | d) & 0xC0) != 0) return false;
        const std::uint32_t v = (std::uint32_t{a} << 18) | (std::uint32_t{b} << 12) | (std::uint32_t{c} << 6) | d;
        *o++ = static_cast<unsigned char>(v >> 16);
        *o++ = static_cast<unsigned char>(v >> 8);
        *o++ = static_cast<unsigned char>(v);
    }
    const std::size_t rest = text.size() - whole;
    if (rest == 1) return false;
    if (rest >= 2) {
        const std::uint8_t a = table[static_cast<unsigned char>(text[whole])];
        const std::uint8_t b = table[static_cast<unsigned char>(text[whole + 1])];
        const std::uint8_t c = rest == 3 ? table[static_cast<unsigned char>(text[whole + 2])] : 0;
        if (a == invalid || b == invalid || c == invalid) return false;
        const std::uint32_t v = (std::uint32_t{a} << 18) | (std::uint32_t{b} << 12) | (std::uint32_t{c} << 6);
        *o++ = static_cast<unsigned char>(v >> 16);
        if (rest == 3) {
            *o++ = static_cast<unsigned char>(v >> 8);
            if ((v & 0xFF) != 0) return false;  // unused bits must be zero
        } else if ((v & 0xFFFF) != 0) {
            return false;
        }
    }
    written = static_cast<std::size_t>(o - out);
    return true;
}

}  // namespace

void base64_encode_unpadded(std::span<const unsigned char> bytes, std::string& out) {
    const std::size_t done = encode_groups(bytes, out);
    const std::size_t rest = bytes.size() - done;
    if (rest == 0) return;
    const std::uint32_t v = (std::uint32_t{bytes[done]} << 16) | (rest == 2 ? std::uint32_t{bytes[done + 1]} << 8 : 0);
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    if (rest == 2) out.push_back(alphabet[(v >> 6) & 63]);
}

std::string base64_encode_unpadded(std::span<const unsigned char> bytes) {
    std::string out;
    base64_encode_unpadded(bytes, out);
    return out;
}

bool base64_decode_unpadded(std::string_view text, std::vector<unsigned char>& out) {
    const std::size_t start = out.size();
    out.resize(start + text.size() / 4 * 3 + 2);
    std::size_t written = 0;
    if (!decode_body(text, out.data() + start, written)) {
        out.resize(start);
        return false;
    }
    out.resize(start + written);
    return true;
}

void base64_encode_padded(std::span<const unsigned char> bytes, std::string& out) {
    const std::size_t before = out.size();
    base64_encode_unpadded(bytes, out);
    while ((out.size() - before) % 4 != 0) out.push_back('=');
}

long base64_decode_padded(std::string_view text, unsigned char* out) {
    if (text.size() % 4 != 0) return -1;
    std::size_t padding = 0;
    if (!text.empty() && text.back() == '=') {
        padding = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
    }
    std::size_t written = 0;
    if (!decode_body(text.substr(0, text.size() - padding), out, written)) return -1;
    return static_cast<long>(written);
}

}  // namespace dossier::crypto
