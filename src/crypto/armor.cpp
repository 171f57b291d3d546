#include "armor.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "base64.hpp"
#include "dossier/i18n.hpp"

namespace dossier::crypto {
namespace {

constexpr std::size_t columns = 64;
constexpr std::size_t line_bytes = 48;
constexpr std::size_t max_leading_line = 1024;
constexpr std::size_t text_flush_size = 1U << 20;

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

bool all_space(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return is_space(static_cast<unsigned char>(c)); });
}

const char* armor_hint() {
    return tr("an armored age file is the line -----BEGIN AGE ENCRYPTED FILE-----, base64 lines of 64 columns, "
              "then -----END AGE ENCRYPTED FILE-----");
}

[[noreturn]] void bad_line(long number) {
    throw age::AgeError(
        age::Failure::armor,
        fmt::format(fmt::runtime(tr("line {} of the armored age file is not a valid base64 line")),
                    number),
        armor_hint());
}

void strip_cr(std::string& line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
}

}  // namespace

void ArmorSource::start() {
    std::size_t leading = 0;
    for (;;) {
        const auto result = in_.read_line(line_, max_leading_line);
        ++line_number_;
        if (result == BufferedReader::Line::end || result == BufferedReader::Line::too_long) break;
        leading += line_.size() + 1;
        if (all_space(line_)) {
            if (result == BufferedReader::Line::end_of_input || leading > 64 * max_leading_line) break;
            continue;
        }
        strip_cr(line_);
        if (line_ == armor_begin && result == BufferedReader::Line::newline) {
            state_ = State::data;
            return;
        }
        break;
    }
    throw age::AgeError(age::Failure::armor,
                        tr("the armored age file does not start with -----BEGIN AGE ENCRYPTED FILE-----"),
                        armor_hint());
}

void ArmorSource::next_line() {
    const auto result = in_.read_line(line_, columns + 1);
    ++line_number_;
    if (result == BufferedReader::Line::too_long) bad_line(line_number_);
    if (result == BufferedReader::Line::end) {
        throw age::AgeError(age::Failure::armor,
                            tr("the armored age file ends before its line -----END AGE ENCRYPTED FILE-----"),
                            armor_hint());
    }
    strip_cr(line_);
    if (line_ == armor_end) {
        finish();
        return;
    }
    if (line_.empty() || line_.size() > columns) bad_line(line_number_);
    const long decoded = base64_decode_padded(line_, pending_);
    if (decoded < 0) bad_line(line_number_);
    pending_begin_ = 0;
    pending_end_ = static_cast<std::size_t>(decoded);
    if (line_.size() < columns || line_.back() == '=') state_ = State::last_line_read;
}

void ArmorSource::finish() {
    if (state_ == State::last_line_read) {
        const auto result = in_.read_line(line_, max_leading_line);
        ++line_number_;
        strip_cr(line_);
        if ((result != BufferedReader::Line::newline && result != BufferedReader::Line::end_of_input) ||
            line_ != armor_end) {
            throw age::AgeError(
                age::Failure::armor,
                fmt::format(fmt::runtime(tr("line {} of the armored age file should be -----END AGE ENCRYPTED "
                                            "FILE-----, after a last base64 line shorter than 64 columns")),
                            line_number_),
                armor_hint());
        }
    }
    state_ = State::done;
    // Only whitespace may follow the end line.
    for (;;) {
        const std::size_t count = in_.fill(1);
        if (count == 0) return;
        const unsigned char* data = in_.data();
        for (std::size_t i = 0; i < count; ++i) {
            if (!is_space(data[i])) {
                throw age::AgeError(age::Failure::armor,
                                    tr("the armored age file has data after its line -----END AGE ENCRYPTED FILE-----"),
                                    armor_hint());
            }
        }
        in_.consume(count);
    }
}

std::size_t ArmorSource::read(std::span<unsigned char> buffer) {
    if (state_ == State::before) start();
    std::size_t written = 0;
    while (written < buffer.size()) {
        if (pending_begin_ < pending_end_) {
            const std::size_t take = std::min(buffer.size() - written, pending_end_ - pending_begin_);
            std::memcpy(buffer.data() + written, pending_ + pending_begin_, take);
            pending_begin_ += take;
            written += take;
        } else if (state_ == State::data) {
            next_line();
        } else if (state_ == State::last_line_read) {
            finish();
        } else {
            break;
        }
    }
    return written;
}

ArmorSink::ArmorSink(age::ByteSink& out) : out_(out) {
    text_.reserve(text_flush_size + 128);
    text_.append(armor_begin).push_back('\n');
}

void ArmorSink::flush_text() {
    out_.write({reinterpret_cast<const unsigned char*>(text_.data()), text_.size()});
    text_.clear();
}

void ArmorSink::write(std::span<const unsigned char> bytes) {
    if (partial_size_ > 0) {
        const std::size_t take = std::min(bytes.size(), line_bytes - partial_size_);
        std::memcpy(partial_ + partial_size_, bytes.data(), take);
        partial_size_ += take;
        bytes = bytes.subspan(take);
        if (partial_size_ < line_bytes) return;
        base64_encode_padded({partial_, line_bytes}, text_);
        text_.push_back('\n');
        partial_size_ = 0;
    }
    while (bytes.size() >= line_bytes) {
        base64_encode_padded(bytes.first(line_bytes), text_);
        text_.push_back('\n');
        bytes = bytes.subspan(line_bytes);
        if (text_.size() >= text_flush_size) flush_text();
    }
    std::memcpy(partial_, bytes.data(), bytes.size());
    partial_size_ = bytes.size();
}

void ArmorSink::finish() {
    if (partial_size_ > 0) {
        base64_encode_padded({partial_, partial_size_}, text_);
        text_.push_back('\n');
        partial_size_ = 0;
    }
    text_.append(armor_end).push_back('\n');
    flush_text();
}

}  // namespace dossier::crypto
