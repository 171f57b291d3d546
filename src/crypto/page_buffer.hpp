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

private:
    unsigned char* data_;
    std::size_t size_;
};

}  // namespace dossier::crypto
