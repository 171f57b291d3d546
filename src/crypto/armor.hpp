// age's ASCII armor: strict PEM with the label AGE ENCRYPTED FILE, padded base64 in 64-column
// lines, whitespace allowed only around the block. Both directions stream line by line.
#pragma once

#include <string>

#include "buffered_reader.hpp"
#include "dossier/age.hpp"

namespace dossier::crypto {

inline constexpr std::string_view armor_begin = "-----BEGIN AGE ENCRYPTED FILE-----";
inline constexpr std::string_view armor_end = "-----END AGE ENCRYPTED FILE-----";

// Decodes an armored file read through `in` and serves the binary age file. Throws
// AgeError(armor) as soon as it meets a line that breaks the rules.
class ArmorSource final : public age::ByteSource {
public:
    explicit ArmorSource(BufferedReader& in) : in_(in) {}
    std::size_t read(std::span<unsigned char> buffer) override;

private:
    enum class State { before, data, last_line_read, done };
    void start();
    // Decodes the next line into pending_; moves to the next state at the end line.
    void next_line();
    void finish();

    BufferedReader& in_;
    State state_ = State::before;
    std::string line_;
    unsigned char pending_[48] = {};
    std::size_t pending_begin_ = 0;
    std::size_t pending_end_ = 0;
    long line_number_ = 0;
};

// Encodes what is written into an armored file on `out`; finish() writes the last line and
// the end line.
class ArmorSink final : public age::ByteSink {
public:
    explicit ArmorSink(age::ByteSink& out);
    void write(std::span<const unsigned char> bytes) override;
    void finish();

private:
    void flush_text();

    age::ByteSink& out_;
    std::string text_;
    unsigned char partial_[48] = {};
    std::size_t partial_size_ = 0;
};

}  // namespace dossier::crypto
