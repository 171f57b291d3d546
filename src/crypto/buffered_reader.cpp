#include "buffered_reader.hpp"

#include <algorithm>
#include <cstring>

namespace dossier::crypto {
namespace {

// The first buffer: enough for an armored secret with a few dozen recipients.
constexpr std::size_t initial_size = 4 * page_size;

}  // namespace

BufferedReader::BufferedReader(age::ByteSource& source, std::size_t capacity)
    : source_(source),
      capacity_(capacity),
      max_size_((capacity + 2 * page_size - 1) / page_size * page_size),
      buffer_(std::min(max_size_, initial_size)) {}

void BufferedReader::grow() {
    buffer_.grow(std::min(max_size_, 2 * buffer_.size()), end_);
}

void BufferedReader::compact() {
    const std::size_t remaining = end_ - begin_;
    const std::size_t target = (page_size - remaining % page_size) % page_size;
    if (target != begin_) std::memmove(buffer_.data() + target, buffer_.data() + begin_, remaining);
    begin_ = target;
    end_ = target + remaining;
}

bool BufferedReader::refill() {
    if (ended_) return false;
    if (begin_ == end_) {
        begin_ = 0;
        end_ = 0;
    } else if (end_ % page_size != 0 || end_ == buffer_.size()) {
        compact();
    }
    if (end_ == buffer_.size()) return true;  // full: nothing to read into
    const std::size_t count = source_.read({buffer_.data() + end_, buffer_.size() - end_});
    if (count == 0) {
        ended_ = true;
        return false;
    }
    end_ += count;
    return true;
}

std::size_t BufferedReader::fill(std::size_t count) {
    if (count > capacity_) count = capacity_;
    if (available() >= count) return available();
    if (buffer_.size() - begin_ < count + page_size) compact();
    while (available() < count) {
        if (end_ == buffer_.size() && buffer_.size() < max_size_ && !ended_) grow();
        if (!refill()) break;
    }
    return available();
}

BufferedReader::Line BufferedReader::read_line(std::string& line, std::size_t max_length) {
    line.clear();
    for (;;) {
        if (begin_ == end_ && !refill()) return line.empty() ? Line::end : Line::end_of_input;
        const unsigned char* start = buffer_.data() + begin_;
        const auto* newline = static_cast<const unsigned char*>(std::memchr(start, '\n', end_ - begin_));
        const std::size_t take = newline != nullptr ? static_cast<std::size_t>(newline - start) : end_ - begin_;
        if (line.size() + take > max_length) return Line::too_long;
        line.append(reinterpret_cast<const char*>(start), take);
        begin_ += take;
        if (newline != nullptr) {
            ++begin_;
            return Line::newline;
        }
    }
}

}  // namespace dossier::crypto
