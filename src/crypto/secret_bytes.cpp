#include "dossier/secret_bytes.hpp"

#include <sodium.h>

namespace dossier {

SecretBytes::SecretBytes(std::size_t size) : bytes_(size, '\0') {}

SecretBytes::SecretBytes(std::string_view bytes) : bytes_(bytes) {}

SecretBytes::~SecretBytes() { wipe(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(other.bytes_) { other.clear(); }

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        wipe();
        bytes_ = other.bytes_;
        other.clear();
    }
    return *this;
}

void SecretBytes::append(std::string_view more) {
    if (bytes_.size() + more.size() <= bytes_.capacity()) {
        bytes_.append(more);
        return;
    }
    // Grow by hand so that the old buffer is wiped before std::string frees it.
    std::string larger;
    larger.reserve(std::max(bytes_.capacity() * 2, bytes_.size() + more.size()));
    larger.append(bytes_).append(more);
    wipe();
    bytes_.swap(larger);
}

void SecretBytes::resize_down(std::size_t size) {
    if (size >= bytes_.size()) return;
    sodium_memzero(bytes_.data() + size, bytes_.size() - size);
    bytes_.resize(size);
}

void SecretBytes::clear() noexcept {
    wipe();
    bytes_.clear();
}

void SecretBytes::wipe() noexcept {
    // Wipes the whole allocation, not only the bytes in use, since resize_down may leave some.
    if (bytes_.capacity() > 0) sodium_memzero(bytes_.data(), bytes_.capacity());
}

bool operator==(const SecretBytes& a, const SecretBytes& b) noexcept {
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace dossier
