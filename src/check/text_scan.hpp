// Lines and characters of a document's text, as the rules about its content scan them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/check.hpp"

namespace dossier::rules {

// One line of a document's text, without its line ending.
struct TextLine {
    int number = 0;  // 1-based
    std::size_t offset = 0;
    std::string_view text;
};

// Returns the lines of `text`; LF, CRLF and a lone CR each end a line, as in dossier's line
// numbers. The views point into `text`.
std::vector<TextLine> lines_of(std::string_view text);

// Returns the lines of `document`'s text outside its age block. A block that cannot be read
// (two blocks, no END line) hides nothing; stale-recipients reports it.
std::vector<TextLine> lines_outside_age_block(const CheckedDocument& document);

// Returns the 1-based column, in code points, of `line.text[byte_offset]`.
int column_of(const TextLine& line, std::size_t byte_offset);

// Returns `text` with ASCII letters and É in lower case, for matching words such as "Clé".
// The result has the same length as `text`, so offsets carry over.
std::string fold(std::string_view text);

// Folds `text` as fold() does, without allocating.
void fold_in_place(std::string& text);

// Returns the number of distinct bytes in `text`.
std::size_t distinct_characters(std::string_view text);

// Returns the Shannon entropy of `text`, in bits per byte, from its own byte frequencies: at
// most log2 of its length, and 4 for text of 16 equally frequent hexadecimal digits.
double shannon_entropy(std::string_view text);

inline bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alphanumeric(char c) { return is_ascii_letter(c) || is_digit(c); }
inline bool is_upper_or_digit(char c) { return (c >= 'A' && c <= 'Z') || is_digit(c); }
// Bytes of UTF-8 sequences count as letters, so "é1234" is a word, not a number.
inline bool is_word_byte(char c) { return is_alphanumeric(c) || (static_cast<unsigned char>(c) & 0x80) != 0; }

}  // namespace dossier::rules
