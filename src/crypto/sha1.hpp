// SHA-1 (FIPS 180-4) and HMAC-SHA1 (RFC 2104), which libsodium lacks, for TOTP seeds that use
// them. SHA-1 is broken for collision resistance; HMAC-SHA1 as used by TOTP is not affected.
// Nothing else in dossier may use it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace dossier::crypto {

class Sha1 {
public:
    static constexpr std::size_t digest_size = 20;
    static constexpr std::size_t block_size = 64;
    using Digest = std::array<unsigned char, digest_size>;

    Sha1() noexcept;
    ~Sha1();  // wipes the state, which may derive from a key
    Sha1(const Sha1&) = delete;
    Sha1& operator=(const Sha1&) = delete;

    void update(std::span<const unsigned char> bytes) noexcept;
    void update(std::string_view bytes) noexcept;
    // Returns the digest of everything given to update(); the object must not be used after.
    Digest finish() noexcept;

private:
    void compress(const unsigned char* block) noexcept;

    std::array<std::uint32_t, 5> state_;
    std::array<unsigned char, block_size> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t length_ = 0;  // in bytes
};

// The SHA-1 digest of `bytes`.
Sha1::Digest sha1(std::span<const unsigned char> bytes) noexcept;

// HMAC-SHA1 of `message` under `key` (any length; keys longer than a block are hashed first).
Sha1::Digest hmac_sha1(std::span<const unsigned char> key, std::span<const unsigned char> message) noexcept;

}  // namespace dossier::crypto
