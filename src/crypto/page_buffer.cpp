#include "page_buffer.hpp"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace dossier::crypto {

namespace {

unsigned char* allocate_pages(std::size_t size) {
    const std::size_t rounded = (size + page_size - 1) / page_size * page_size;
    auto* data = static_cast<unsigned char*>(std::aligned_alloc(page_size, rounded == 0 ? page_size : rounded));
    if (data == nullptr) throw std::bad_alloc();
    return data;
}

}  // namespace

PageBuffer::PageBuffer(std::size_t size) : data_(allocate_pages(size)), size_(size) {}

void PageBuffer::grow(std::size_t size, std::size_t keep) {
    unsigned char* data = allocate_pages(size);
    std::memcpy(data, data_, keep);
    sodium_memzero(data_, size_);
    std::free(data_);
    data_ = data;
    size_ = size;
}

PageBuffer::~PageBuffer() {
    sodium_memzero(data_, size_);
    std::free(data_);
}

}  // namespace dossier::crypto
