// Memory for secrets: a byte string that is wiped when it is released or replaced.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace dossier {

// Bytes of a secret (a file key, an identity, a plaintext). The buffer is wiped with
// sodium_memzero when the object is destroyed, moved from or assigned; copies are explicit
// through copy(). Like std::string, it may hold any byte.
class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(std::size_t size);  // `size` zero bytes
    explicit SecretBytes(std::string_view bytes);
    ~SecretBytes();
    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;

    SecretBytes copy() const { return SecretBytes(view()); }

    std::size_t size() const noexcept { return bytes_.size(); }
    bool empty() const noexcept { return bytes_.empty(); }
    char* data() noexcept { return bytes_.data(); }
    const char* data() const noexcept { return bytes_.data(); }
    unsigned char* bytes() noexcept { return reinterpret_cast<unsigned char*>(bytes_.data()); }
    const unsigned char* bytes() const noexcept { return reinterpret_cast<const unsigned char*>(bytes_.data()); }
    std::string_view view() const noexcept { return bytes_; }
    std::span<const unsigned char> span() const noexcept { return {bytes(), size()}; }

    // Appends `more`. Growing moves the bytes to a larger buffer; the old one is wiped first.
    void append(std::string_view more);
    // Shortens to `size` bytes, wiping what is cut off.
    void resize_down(std::size_t size);
    void clear() noexcept;

    friend bool operator==(const SecretBytes& a, const SecretBytes& b) noexcept;

private:
    void wipe() noexcept;

    std::string bytes_;
};

}  // namespace dossier
