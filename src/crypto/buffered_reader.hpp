// A read buffer over a ByteSource: lines for the age header and the armor, and large blocks
// with look-ahead for the STREAM payload.
#pragma once

#include <cstddef>
#include <string>
#include "dossier/age.hpp"
#include "page_buffer.hpp"

namespace dossier::crypto {

class BufferedReader {
public:
    // `capacity` bounds fill(); reads ask the source for as much as fits, at page-aligned
    // addresses. The buffer starts at a few pages and doubles only while the source fills it,
    // up to the capacity plus two pages, so a small input gets a small buffer.
    BufferedReader(age::ByteSource& source, std::size_t capacity);

    // Makes at least `count` bytes (at most the capacity) available unless the source ends
    // first; returns the number available.
    std::size_t fill(std::size_t count);
    const unsigned char* data() const noexcept { return buffer_.data() + begin_; }
    std::size_t available() const noexcept { return end_ - begin_; }
    void consume(std::size_t count) noexcept { begin_ += count; }
    // Whether the source has reported its end (more bytes may still be buffered).
    bool source_ended() const noexcept { return ended_; }

    enum class Line {
        end,           // nothing left: no line
        newline,       // a line ended by LF (the LF is not in `line`)
        end_of_input,  // a last line without LF
        too_long,      // more than `max_length` bytes before the LF; the reader is left mid-line
    };
    Line read_line(std::string& line, std::size_t max_length);

private:
    bool refill();
    // Moves the unread bytes so that they end on a page boundary, where the next read goes.
    void compact();
    // Doubles the buffer, at most to max_size_, keeping the bytes at their offsets.
    void grow();

    age::ByteSource& source_;
    std::size_t capacity_;
    std::size_t max_size_;
    PageBuffer buffer_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    bool ended_ = false;
};

}  // namespace dossier::crypto
