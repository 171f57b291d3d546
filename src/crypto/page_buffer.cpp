#include "page_buffer.hpp"

#include <sodium.h>

#include <cstdlib>
#include <new>

namespace dossier::crypto {

PageBuffer::PageBuffer(std::size_t size) : size_(size) {
    const std::size_t rounded = (size + page_size - 1) / page_size * page_size;
    data_ = static_cast<unsigned char*>(std::aligned_alloc(page_size, rounded == 0 ? page_size : rounded));
    if (data_ == nullptr) throw std::bad_alloc();
}

PageBuffer::~PageBuffer() {
    sodium_memzero(data_, size_);
    std::free(data_);
}

}  // namespace dossier::crypto
