// A page-aligned byte buffer, wiped when released. Large read(2) and write(2) calls are much
// faster to and from page-aligned memory on some machines, so the payload buffers use it.
#pragma once

#include <cstddef>

namespace dossier::crypto {

inline constexpr std::size_t page_size = 4096;

class PageBuffer {
public:
    explicit PageBuffer(std::size_t size);
    ~PageBuffer();
    PageBuffer(const PageBuffer&) = delete;
    PageBuffer& operator=(const PageBuffer&) = delete;

    unsigned char* data() noexcept { return data_; }
    const unsigned char* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }

    // Replaces the buffer with one of `size` bytes that starts with the first `keep` bytes of
    // this one, then wipes and frees the old one. Offsets stay valid, and so does page alignment.
    void grow(std::size_t size, std::size_t keep);

private:
    unsigned char* data_;
    std::size_t size_;
};

}  // namespace dossier::crypto
