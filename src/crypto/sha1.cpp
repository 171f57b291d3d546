// SHA-1 as described in FIPS 180-4 sections 4.1.1, 5.1.1, 5.3.1 and 6.1; HMAC as in RFC 2104.
#include "sha1.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace dossier::crypto {

namespace {

constexpr std::uint32_t rotl(std::uint32_t x, int n) noexcept { return (x << n) | (x >> (32 - n)); }

std::uint32_t load_be32(const unsigned char* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

void store_be32(unsigned char* p, std::uint32_t x) noexcept {
    p[0] = static_cast<unsigned char>(x >> 24);
    p[1] = static_cast<unsigned char>(x >> 16);
    p[2] = static_cast<unsigned char>(x >> 8);
    p[3] = static_cast<unsigned char>(x);
}

}  // namespace

Sha1::Sha1() noexcept : state_{0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u} {}

Sha1::~Sha1() {
    sodium_memzero(state_.data(), sizeof state_);
    sodium_memzero(buffer_.data(), buffer_.size());
}

void Sha1::compress(const unsigned char* block) noexcept {
    // The message schedule W0..W79 (FIPS 180-4 6.1.2 step 1).
    std::uint32_t w[80];
    for (std::size_t t = 0; t < 16; ++t) w[t] = load_be32(block + 4 * t);
    for (int t = 16; t < 80; ++t) w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);

    std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3], e = state_[4];
    for (int t = 0; t < 80; ++t) {
        std::uint32_t f, k;
        if (t < 20) {
            f = (b & c) ^ (~b & d);  // Ch
            k = 0x5a827999u;
        } else if (t < 40) {
            f = b ^ c ^ d;  // Parity
            k = 0x6ed9eba1u;
        } else if (t < 60) {
            f = (b & c) ^ (b & d) ^ (c & d);  // Maj
            k = 0x8f1bbcdcu;
        } else {
            f = b ^ c ^ d;  // Parity
            k = 0xca62c1d6u;
        }
        std::uint32_t temp = rotl(a, 5) + f + e + k + w[t];
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = temp;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
    sodium_memzero(w, sizeof w);
}

void Sha1::update(std::span<const unsigned char> bytes) noexcept {
    const unsigned char* p = bytes.data();
    std::size_t n = bytes.size();
    length_ += n;
    if (buffered_ > 0) {
        std::size_t take = std::min(n, block_size - buffered_);
        std::memcpy(buffer_.data() + buffered_, p, take);
        buffered_ += take;
        p += take;
        n -= take;
        if (buffered_ < block_size) return;
        compress(buffer_.data());
        buffered_ = 0;
    }
    for (; n >= block_size; p += block_size, n -= block_size) compress(p);
    if (n > 0) {
        std::memcpy(buffer_.data(), p, n);
        buffered_ = n;
    }
}

void Sha1::update(std::string_view bytes) noexcept {
    update(std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
}

Sha1::Digest Sha1::finish() noexcept {
    // Padding (FIPS 180-4 5.1.1): a 1 bit, zeros up to 56 mod 64 bytes, the length in bits.
    const std::uint64_t bit_length = length_ * 8;
    buffer_[buffered_++] = 0x80;
    if (buffered_ > block_size - 8) {
        std::fill(buffer_.begin() + static_cast<std::ptrdiff_t>(buffered_), buffer_.end(), 0);
        compress(buffer_.data());
        buffered_ = 0;
    }
    std::fill(buffer_.begin() + static_cast<std::ptrdiff_t>(buffered_), buffer_.end() - 8, 0);
    store_be32(buffer_.data() + 56, static_cast<std::uint32_t>(bit_length >> 32));
    store_be32(buffer_.data() + 60, static_cast<std::uint32_t>(bit_length));
    compress(buffer_.data());
    buffered_ = 0;

    Digest digest;
    for (std::size_t i = 0; i < state_.size(); ++i) store_be32(digest.data() + 4 * i, state_[i]);
    return digest;
}

Sha1::Digest sha1(std::span<const unsigned char> bytes) noexcept {
    Sha1 hash;
    hash.update(bytes);
    return hash.finish();
}

Sha1::Digest hmac_sha1(std::span<const unsigned char> key, std::span<const unsigned char> message) noexcept {
    // K0: the key, hashed first when longer than a block, padded with zeros to a block.
    std::array<unsigned char, Sha1::block_size> k0{};
    if (key.size() > Sha1::block_size) {
        Sha1::Digest hashed = sha1(key);
        std::memcpy(k0.data(), hashed.data(), hashed.size());
        sodium_memzero(hashed.data(), hashed.size());
    } else if (!key.empty()) {
        std::memcpy(k0.data(), key.data(), key.size());
    }

    std::array<unsigned char, Sha1::block_size> pad;
    for (std::size_t i = 0; i < pad.size(); ++i) pad[i] = static_cast<unsigned char>(k0[i] ^ 0x36);
    Sha1 inner;
    inner.update(pad);
    inner.update(message);
    Sha1::Digest inner_digest = inner.finish();

    for (std::size_t i = 0; i < pad.size(); ++i) pad[i] = static_cast<unsigned char>(k0[i] ^ 0x5c);
    Sha1 outer;
    outer.update(pad);
    outer.update(inner_digest);
    Sha1::Digest result = outer.finish();

    sodium_memzero(k0.data(), k0.size());
    sodium_memzero(pad.data(), pad.size());
    sodium_memzero(inner_digest.data(), inner_digest.size());
    return result;
}

}  // namespace dossier::crypto
