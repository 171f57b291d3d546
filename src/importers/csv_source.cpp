// The CSV reader of `import csv`. It detects or takes the encoding and the delimiter, reads
// Excel's "sep=" line, and parses RFC 4180 records with the leniency that real exports need.
// It decodes the file one block at a time, so that memory does not grow with the file.
#include <sodium.h>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "block_reader.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/text.hpp"
#include "record_source.hpp"

namespace fs = std::filesystem;

namespace dossier::importers {
namespace {

// --- encodings ---------------------------------------------------------------------------

enum class Encoding { utf8, utf16le, utf16be, windows1252 };

// An encoding as --encoding names it. Plain "utf-16" takes its byte order from the BOM.
enum class EncodingRequest { utf8, utf16, utf16le, utf16be, windows1252 };

// The encoding of one file, and the byte order mark to skip.
struct FileEncoding {
    Encoding encoding = Encoding::utf8;
    std::size_t bom_size = 0;  // the bytes of byte order mark to skip
    std::string name;          // as CsvDialect::encoding reports it
};

std::string ascii_lowercase(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower;
}

EncodingRequest parse_encoding_name(const std::string& name) {
    // Latin-1 is read as Windows-1252, as browsers do: the two differ only in 0x80-0x9F, where
    // Latin-1 has control characters that no CSV file means.
    static const std::pair<std::string_view, EncodingRequest> names[] = {
        {"utf-8", EncodingRequest::utf8},
        {"utf8", EncodingRequest::utf8},
        {"utf-16", EncodingRequest::utf16},
        {"utf-16le", EncodingRequest::utf16le},
        {"utf-16be", EncodingRequest::utf16be},
        {"windows-1252", EncodingRequest::windows1252},
        {"cp1252", EncodingRequest::windows1252},
        {"latin1", EncodingRequest::windows1252},
        {"iso-8859-1", EncodingRequest::windows1252},
    };
    auto lower = ascii_lowercase(name);
    for (const auto& [known, request] : names) {
        if (lower == known) return request;
    }
    throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("unknown encoding: {}")), name),
                fmt::format(fmt::runtime(tr("give one of: {}")),
                            "utf-8, utf8, utf-16, utf-16le, utf-16be, windows-1252, cp1252, latin1, iso-8859-1"));
}

Bom bom_of(std::string_view bytes) {
    if (bytes.starts_with("\xEF\xBB\xBF")) return Bom::utf8;
    if (bytes.starts_with("\xFF\xFE")) return Bom::utf16le;
    if (bytes.starts_with("\xFE\xFF")) return Bom::utf16be;
    return Bom::none;
}

FileEncoding utf8_encoding() { return {Encoding::utf8, 0, "UTF-8"}; }
FileEncoding utf8_with_bom_encoding() { return {Encoding::utf8, 3, "UTF-8 with BOM"}; }
FileEncoding utf16le_encoding(Bom bom) { return {Encoding::utf16le, bom == Bom::utf16le ? 2u : 0u, "UTF-16LE"}; }
FileEncoding utf16be_encoding(Bom bom) { return {Encoding::utf16be, bom == Bom::utf16be ? 2u : 0u, "UTF-16BE"}; }
FileEncoding windows1252_encoding() { return {Encoding::windows1252, 0, "Windows-1252"}; }

// Returns how many bytes at the end of `bytes` begin a UTF-8 sequence that they do not
// complete, so that the next block can complete it.
std::size_t incomplete_utf8_tail(std::string_view bytes) {
    for (std::size_t back = 1; back <= 3 && back <= bytes.size(); ++back) {
        auto byte = static_cast<unsigned char>(bytes[bytes.size() - back]);
        if ((byte & 0xC0) == 0x80) continue;  // a continuation byte: look further back

        std::size_t length = 1;
        if (byte >= 0xF0) {
            length = 4;
        } else if (byte >= 0xE0) {
            length = 3;
        } else if (byte >= 0xC0) {
            length = 2;
        }
        return length > back ? back : 0;
    }
    return 0;
}

// Returns the encoding that --encoding names, with the BOM of that encoding skipped.
FileEncoding requested_encoding(EncodingRequest request, Bom bom) {
    switch (request) {
        case EncodingRequest::utf8: return bom == Bom::utf8 ? utf8_with_bom_encoding() : utf8_encoding();
        // Without a BOM, UTF-16 is read little-endian, the byte order that Windows writes.
        case EncodingRequest::utf16: return bom == Bom::utf16be ? utf16be_encoding(bom) : utf16le_encoding(bom);
        case EncodingRequest::utf16le: return utf16le_encoding(bom);
        case EncodingRequest::utf16be: return utf16be_encoding(bom);
        case EncodingRequest::windows1252: return windows1252_encoding();
    }
    return utf8_encoding();
}

// Returns the encoding of a file from its first block: the one its BOM names, else UTF-8
// when the block is valid UTF-8, else Windows-1252. `whole_file` is true when the block is the
// whole file, so that a sequence cut at its end is invalid rather than continued.
FileEncoding detected_encoding(std::string_view first_block, bool whole_file) {
    switch (bom_of(first_block)) {
        case Bom::utf8: return utf8_with_bom_encoding();
        case Bom::utf16le: return utf16le_encoding(Bom::utf16le);
        case Bom::utf16be: return utf16be_encoding(Bom::utf16be);
        case Bom::none: break;
    }
    std::size_t complete = first_block.size() - (whole_file ? 0 : incomplete_utf8_tail(first_block));
    bool valid_utf8 = find_invalid_utf8(first_block.substr(0, complete)) == std::string_view::npos;
    return valid_utf8 ? utf8_encoding() : windows1252_encoding();
}

// The input of a CSV source: the file at `path`, or `bytes` held in memory, for which `path`
// is only the name that messages show. Each pass over the input opens a new reader.
struct CsvInput {
    fs::path path;
    std::shared_ptr<const std::string> bytes;  // null for a file

    BlockReader open() const { return bytes ? BlockReader(path, bytes) : BlockReader(path); }
};

// Returns the encoding of `input`: the one `name` gives, else the one detected. Throws
// Error(usage) for an unknown name, before the file is opened.
FileEncoding choose_encoding(const CsvInput& input, const std::optional<std::string>& name) {
    std::optional<EncodingRequest> request;
    if (name) request = parse_encoding_name(*name);

    auto reader = input.open();
    std::string first_block;
    reader.append_block(first_block);
    if (request) return requested_encoding(*request, bom_of(first_block));
    return detected_encoding(first_block, first_block.size() < BlockReader::block_size);
}

void append_utf8(std::string& out, char32_t code_point) {
    auto byte = [](char32_t bits) { return static_cast<char>(bits); };
    if (code_point < 0x80) {
        out += byte(code_point);
    } else if (code_point < 0x800) {
        out += byte(0xC0 | (code_point >> 6));
        out += byte(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        out += byte(0xE0 | (code_point >> 12));
        out += byte(0x80 | ((code_point >> 6) & 0x3F));
        out += byte(0x80 | (code_point & 0x3F));
    } else {
        out += byte(0xF0 | (code_point >> 18));
        out += byte(0x80 | ((code_point >> 12) & 0x3F));
        out += byte(0x80 | ((code_point >> 6) & 0x3F));
        out += byte(0x80 | (code_point & 0x3F));
    }
}

// Returns the code point of a Windows-1252 byte. The bytes 0x81, 0x8D, 0x8F, 0x90 and 0x9D,
// which Windows-1252 leaves undefined, give the C1 control characters of the same value, as the
// WHATWG Encoding Standard decodes them (Python's cp1252 codec rejects them instead).
char32_t windows1252_code_point(unsigned char byte) {
    static constexpr std::array<char32_t, 32> from_0x80 = {
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 0x80
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,  // 0x88
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 0x90
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,  // 0x98
    };
    if (byte >= 0x80 && byte < 0xA0) return from_0x80[byte - 0x80];
    return byte;  // ASCII, and 0xA0-0xFF as in Latin-1
}

// --- decoding ----------------------------------------------------------------------------

// The reason for decoding to stop before the end of the file.
enum class DecodeProblem { none, invalid_utf8, nul_byte, unpaired_surrogate, odd_length };

// Turns the bytes of a file into UTF-8 text, one block at a time. The text before an invalid
// byte comes first and the problem is reported on the next call, so that the caller, which
// counts lines, can report the line of the invalid byte.
class TextDecoder {
public:
    TextDecoder(const CsvInput& input, const FileEncoding& encoding)
        : reader_(input.open()), encoding_(encoding.encoding), bom_to_skip_(encoding.bom_size) {}

    // Replaces `text` with the next piece of text, never empty, and returns true. Returns false
    // at the end of the file or at an invalid byte, which problem() then names.
    bool read(std::string& text);

    DecodeProblem problem() const { return problem_; }

private:
    void decode_utf8(std::string& text);
    void decode_utf16(std::string& text);
    void decode_windows1252(std::string& text);

    BlockReader reader_;
    Encoding encoding_;
    std::size_t bom_to_skip_;
    std::string bytes_;  // bytes read but not decoded yet: a sequence cut by the end of a block
    bool ended_ = false;
    DecodeProblem problem_ = DecodeProblem::none;
};

bool TextDecoder::read(std::string& text) {
    text.clear();
    while (text.empty() && problem_ == DecodeProblem::none && !ended_) {
        ended_ = !reader_.append_block(bytes_);
        if (bom_to_skip_ > 0) {
            bytes_.erase(0, std::min(bom_to_skip_, bytes_.size()));
            bom_to_skip_ = 0;
        }
        switch (encoding_) {
            case Encoding::utf8: decode_utf8(text); break;
            case Encoding::utf16le:
            case Encoding::utf16be: decode_utf16(text); break;
            case Encoding::windows1252: decode_windows1252(text); break;
        }
    }
    return !text.empty();
}

void TextDecoder::decode_utf8(std::string& text) {
    std::size_t usable = bytes_.size() - (ended_ ? 0 : incomplete_utf8_tail(bytes_));
    std::string_view complete(bytes_.data(), usable);
    auto invalid = find_invalid_utf8(complete);
    auto nul = complete.find('\0');
    if (nul != std::string_view::npos && nul < invalid) {
        problem_ = DecodeProblem::nul_byte;
        usable = nul;
    } else if (invalid != std::string_view::npos) {
        problem_ = DecodeProblem::invalid_utf8;
        usable = invalid;
    }
    text.assign(bytes_, 0, usable);
    bytes_.erase(0, usable);
}

void TextDecoder::decode_utf16(std::string& text) {
    bool little_endian = encoding_ == Encoding::utf16le;
    auto unit_at = [&](std::size_t i) -> char32_t {
        auto first = static_cast<unsigned char>(bytes_[i]);
        auto second = static_cast<unsigned char>(bytes_[i + 1]);
        return little_endian ? char32_t(second) << 8 | first : char32_t(first) << 8 | second;
    };
    auto is_high_surrogate = [](char32_t unit) { return unit >= 0xD800 && unit <= 0xDBFF; };
    auto is_low_surrogate = [](char32_t unit) { return unit >= 0xDC00 && unit <= 0xDFFF; };

    std::size_t i = 0;
    while (i + 1 < bytes_.size() && problem_ == DecodeProblem::none) {
        char32_t unit = unit_at(i);
        if (is_high_surrogate(unit)) {
            if (i + 3 >= bytes_.size() && !ended_) break;  // its low surrogate is in the next block
            if (i + 3 >= bytes_.size() || !is_low_surrogate(unit_at(i + 2))) {
                problem_ = DecodeProblem::unpaired_surrogate;
                break;
            }
            append_utf8(text, 0x10000 + ((unit - 0xD800) << 10) + (unit_at(i + 2) - 0xDC00));
            i += 4;
        } else if (is_low_surrogate(unit)) {
            problem_ = DecodeProblem::unpaired_surrogate;
        } else if (unit == 0) {
            problem_ = DecodeProblem::nul_byte;
        } else {
            append_utf8(text, unit);
            i += 2;
        }
    }
    if (problem_ == DecodeProblem::none && ended_ && i < bytes_.size()) problem_ = DecodeProblem::odd_length;
    bytes_.erase(0, i);
}

void TextDecoder::decode_windows1252(std::string& text) {
    std::size_t i = 0;
    for (; i < bytes_.size(); ++i) {
        auto byte = static_cast<unsigned char>(bytes_[i]);
        if (byte == 0) {
            problem_ = DecodeProblem::nul_byte;
            break;
        }
        append_utf8(text, windows1252_code_point(byte));
    }
    bytes_.erase(0, i);
}

// --- delimiters --------------------------------------------------------------------------

// Returns true for a character that can separate fields: a tab, a space, or ASCII punctuation
// other than the quote.
bool is_valid_delimiter(char c) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '\t' || c == ' ') return true;
    return byte > 0x20 && byte < 0x7F && !std::isalnum(byte) && c != '"';
}

std::string displayed_character(char c) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '\t') return "\\t";
    if (byte > 0x20 && byte < 0x7F) return std::string(1, c);
    return fmt::format("0x{:02X}", byte);
}

void check_delimiter(char delimiter) {
    if (is_valid_delimiter(delimiter)) return;
    throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid delimiter: {}")), displayed_character(delimiter)),
                tr("give one character that is not a letter, a digit or a quote, such as , ; | or \\t for a tab"));
}

// Excel's first line "sep=X", which names the delimiter.
struct SepLine {
    char delimiter = ',';
    std::size_t length = 0;  // in bytes, without the line break
};

// Returns the sep= line that starts `text`, if any. Some tools write it in quotes, and a tab
// may be written as the two characters \t.
std::optional<SepLine> parse_sep_line(std::string_view text) {
    auto line = text.substr(0, text.find_first_of("\r\n"));
    bool quoted = line.size() >= 2 && line.front() == '"' && line.back() == '"';
    auto content = quoted ? line.substr(1, line.size() - 2) : line;
    if (ascii_lowercase(content.substr(0, 4)) != "sep=") return std::nullopt;

    auto value = content.substr(4);
    if (value == "\\t") return SepLine{'\t', line.size()};
    if (value.size() == 1 && is_valid_delimiter(value[0])) return SepLine{value[0], line.size()};
    return std::nullopt;
}

constexpr std::array<char, 4> delimiter_candidates = {',', ';', '\t', '|'};
using DelimiterCounts = std::array<std::size_t, delimiter_candidates.size()>;

// Returns how many times each candidate delimiter appears outside quotes on each of the first
// `max_lines` non-blank lines of `text`.
std::vector<DelimiterCounts> count_delimiters(std::string_view text, std::size_t max_lines) {
    std::vector<DelimiterCounts> lines;
    DelimiterCounts current{};
    bool quoted = false;
    bool line_has_text = false;
    for (std::size_t i = 0; i < text.size() && lines.size() < max_lines; ++i) {
        char c = text[i];
        if (c == '"') quoted = !quoted;  // a doubled quote toggles twice
        if (!quoted && (c == '\r' || c == '\n')) {
            if (line_has_text) lines.push_back(current);
            current = {};
            line_has_text = false;
            continue;
        }
        line_has_text = true;
        if (quoted) continue;
        for (std::size_t k = 0; k < delimiter_candidates.size(); ++k) {
            if (c == delimiter_candidates[k]) ++current[k];
        }
    }
    if (line_has_text && lines.size() < max_lines) lines.push_back(current);
    return lines;
}

// Returns the delimiter of the CSV text that starts with `text`, among , ; tab and |. The one
// chosen appears in the header line and splits the most following lines into as many fields as
// the header. A tie goes to the one that the header contains most often, and ',' is returned
// when the header contains none of them.
char detect_delimiter(std::string_view text) {
    constexpr std::size_t lines_compared = 10;
    auto lines = count_delimiters(text, lines_compared);
    if (lines.empty()) return ',';

    std::optional<std::size_t> best;
    std::pair<std::size_t, std::size_t> best_score;  // lines consistent with the header, count in the header
    for (std::size_t k = 0; k < delimiter_candidates.size(); ++k) {
        auto in_header = lines.front()[k];
        if (in_header == 0) continue;
        auto consistent = static_cast<std::size_t>(std::count_if(
            lines.begin() + 1, lines.end(), [&](const DelimiterCounts& line) { return line[k] == in_header; }));
        std::pair score{consistent, in_header};
        if (!best || score > best_score) {
            best = k;
            best_score = score;
        }
    }
    return best ? delimiter_candidates[*best] : ',';
}

// --- records -----------------------------------------------------------------------------

// Reads the records of a CSV file as lists of fields, counting physical lines: CRLF, LF and a
// lone CR each end a line, inside quotes too.
class CsvReader {
public:
    CsvReader(const CsvInput& input, const FileEncoding& encoding)
        : path_(input.path), encoding_(encoding), decoder_(input, encoding) {}

    // Reads Excel's "sep=X" line when the text starts with one, and returns its delimiter.
    std::optional<char> read_sep_line();

    // Returns the text read from the file and not parsed yet: at least what the first block
    // of the file holds, until the first record is read.
    std::string_view lookahead();

    void set_delimiter(char delimiter) {
        delimiter_ = delimiter;
        unquoted_stops_ = {delimiter, '\r', '\n'};
    }

    // Reads the fields of the next record, after any blank lines, and the line where it starts.
    // Returns false at the end of the file. Throws Error(invalid_input) for an unterminated
    // quoted field and for bytes that the encoding cannot decode.
    bool read_record(std::vector<std::string>& fields, std::size_t& start_line);

private:
    static constexpr int end_of_text = -1;

    int peek() {
        if (position_ == text_.size() && !refill()) return end_of_text;
        return static_cast<unsigned char>(text_[position_]);
    }
    void advance() { ++position_; }
    bool refill();
    void append_until(std::string& out, std::string_view stops);
    void read_line_break();
    bool read_field(std::string& field);
    void read_quoted(std::string& field);
    [[noreturn]] void throw_decode_problem() const;

    fs::path path_;
    FileEncoding encoding_;
    TextDecoder decoder_;
    std::string text_;  // the piece of decoded text being parsed
    std::size_t position_ = 0;
    std::size_t line_ = 1;
    char delimiter_ = ',';
    std::string unquoted_stops_ = ",\r\n";
};

std::optional<char> CsvReader::read_sep_line() {
    auto sep_line = parse_sep_line(lookahead());
    if (!sep_line) return std::nullopt;

    position_ += sep_line->length;
    if (peek() != end_of_text) read_line_break();
    return sep_line->delimiter;
}

std::string_view CsvReader::lookahead() {
    peek();
    return std::string_view(text_).substr(position_);
}

bool CsvReader::refill() {
    position_ = 0;
    if (decoder_.read(text_)) return true;
    if (decoder_.problem() != DecodeProblem::none) throw_decode_problem();
    return false;
}

// Appends the text up to the next character of `stops`, or to the end of the file.
void CsvReader::append_until(std::string& out, std::string_view stops) {
    while (position_ < text_.size() || refill()) {
        std::string_view rest = std::string_view(text_).substr(position_);
        auto stop = rest.find_first_of(stops);
        out.append(rest.substr(0, stop));
        if (stop != std::string_view::npos) {
            position_ += stop;
            return;
        }
        position_ = text_.size();
    }
}

// Reads a CRLF, LF or lone CR. The line is counted before looking past a CR, so that an
// invalid byte found there is reported on the line that it is on.
void CsvReader::read_line_break() {
    int c = peek();
    advance();
    ++line_;
    if (c == '\r' && peek() == '\n') advance();
}

bool CsvReader::read_record(std::vector<std::string>& fields, std::size_t& start_line) {
    while (peek() == '\r' || peek() == '\n') read_line_break();
    if (peek() == end_of_text) return false;

    start_line = line_;
    fields.clear();
    do {
        fields.emplace_back();
    } while (read_field(fields.back()));
    return true;
}

// Reads one field and the delimiter or line break after it. Returns true when a delimiter
// follows, so that the record has another field.
bool CsvReader::read_field(std::string& field) {
    if (peek() == '"') {
        advance();
        read_quoted(field);
    }
    // An unquoted field, or text after a closing quote, is kept as it is, quotes included.
    append_until(field, unquoted_stops_);

    int c = peek();
    if (c == static_cast<unsigned char>(delimiter_)) {
        advance();
        return true;
    }
    if (c != end_of_text) read_line_break();
    return false;
}

// Reads a quoted field after its opening quote, through its closing quote.
void CsvReader::read_quoted(std::string& field) {
    std::size_t start_line = line_;
    while (true) {
        append_until(field, "\"\r\n");
        int c = peek();
        if (c == end_of_text) {
            throw Error(ErrorKind::invalid_input, SourceLocation{path_, static_cast<int>(start_line), 0, {}},
                        fmt::format(fmt::runtime(tr("unterminated quoted field in {} starting at line {}")),
                                    path_.string(), start_line),
                        tr("end the field with a quote (\"), and write each quote inside it as two quotes (\"\")"));
        }
        advance();
        if (c == '"') {
            if (peek() != '"') return;
            field += '"';
            advance();
            continue;
        }

        // A line break inside quotes belongs to the value, as it is in the file.
        field += static_cast<char>(c);
        ++line_;
        if (c == '\r' && peek() == '\n') {
            field += '\n';
            advance();
        }
    }
}

void CsvReader::throw_decode_problem() const {
    SourceLocation location{path_, static_cast<int>(line_), 0, {}};
    auto path = path_.string();
    switch (decoder_.problem()) {
        case DecodeProblem::invalid_utf8:
            throw Error(ErrorKind::invalid_input, location,
                        fmt::format(fmt::runtime(tr("invalid UTF-8 text in {} at line {}")), path, line_),
                        tr("if the file was saved as Windows-1252 (ANSI), pass --encoding windows-1252"));
        case DecodeProblem::nul_byte:
            throw Error(ErrorKind::invalid_input, location,
                        fmt::format(fmt::runtime(tr("NUL byte in {} at line {}")), path, line_),
                        encoding_.encoding == Encoding::utf8
                            ? tr("a CSV file has no NUL bytes: if it is UTF-16 without a byte order mark, pass "
                                 "--encoding utf-16le or --encoding utf-16be")
                            : tr("a CSV file has no NUL characters: check that the file is a CSV file"));
        case DecodeProblem::unpaired_surrogate:
            throw Error(ErrorKind::invalid_input, location,
                        fmt::format(fmt::runtime(tr("invalid UTF-16 text: unpaired surrogate in {} at line {}")),
                                    path, line_),
                        tr("save the file as UTF-8"));
        case DecodeProblem::odd_length:
        case DecodeProblem::none: break;
    }
    throw Error(ErrorKind::invalid_input, location,
                fmt::format(fmt::runtime(tr("invalid UTF-16 text: odd number of bytes in {}")), path),
                tr("save the file as UTF-8"));
}

// --- columns and values ------------------------------------------------------------------

// Returns `text`, which is valid UTF-8, in NFC. Text whose code points are all below U+0300
// (ASCII and the accented Latin letters of French) is already in NFC, and is returned without
// the cost of normalizing it: its UTF-8 has no byte from 0xCC up.
std::string normalized(std::string text) {
    bool below_u0300 = std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0xCC; });
    if (below_u0300) return text;
    return to_nfc(text);
}

// Returns `name`, or "name (2)", "name (3)"... for the first that `taken` does not reject.
template <typename Taken>
std::string unique_name(const std::string& name, Taken taken) {
    if (!taken(name)) return name;
    for (std::size_t suffix = 2;; ++suffix) {
        auto candidate = fmt::format("{} ({})", name, suffix);
        if (!taken(candidate)) return candidate;
    }
}

// The name of an unnamed column, 1-based as spreadsheets count columns. It is not translated,
// because --map options and reports name columns by it.
std::string numbered_column(std::size_t index) { return fmt::format("column {}", index + 1); }

// Returns the column names of a header: in NFC, "column N" for a blank name, and a duplicate
// name followed by " (2)", " (3)"... so that every column keeps its values.
std::vector<std::string> column_names(std::vector<std::string> header) {
    std::vector<std::string> names;
    names.reserve(header.size());
    auto taken = [&names](const std::string& name) { return std::find(names.begin(), names.end(), name) != names.end(); };
    for (std::size_t i = 0; i < header.size(); ++i) {
        auto name = normalized(std::move(header[i]));
        if (name.find_first_not_of(" \t") == std::string::npos) name = numbered_column(i);
        names.push_back(unique_name(name, taken));
    }
    return names;
}

// Returns the object of a row: each column's value, "" for the fields that the row lacks,
// and the fields beyond the header under "column N".
nlohmann::ordered_json record_value(const std::vector<std::string>& columns, std::vector<std::string>& fields) {
    auto value = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < columns.size(); ++i) {
        value[columns[i]] = i < fields.size() ? normalized(std::move(fields[i])) : std::string();
    }
    auto taken = [&value](const std::string& name) { return value.contains(name); };
    for (std::size_t i = columns.size(); i < fields.size(); ++i) {
        value[unique_name(numbered_column(i), taken)] = normalized(std::move(fields[i]));
    }
    return value;
}

class CsvSource final : public RecordSource {
public:
    CsvSource(CsvInput input, const CsvOptions& options, CsvDialect* dialect);

    bool next(SourceRecord& record) override;
    const std::vector<std::string>& columns() const override { return columns_; }
    void rewind() override { start(); }

private:
    // Opens the input at its start and reads its sep= line and its header, which it returns.
    std::vector<std::string> start();

    CsvInput input_;
    FileEncoding encoding_;
    std::optional<char> forced_delimiter_;
    char delimiter_ = ',';
    bool sep_line_ = false;
    std::unique_ptr<CsvReader> reader_;
    std::vector<std::string> columns_;
    std::vector<std::string> fields_;  // the fields of the last record, kept so that the vector's capacity is reused
    std::size_t number_ = 0;
};

CsvSource::CsvSource(CsvInput input, const CsvOptions& options, CsvDialect* dialect)
    : input_(std::move(input)), forced_delimiter_(options.delimiter) {
    if (forced_delimiter_) check_delimiter(*forced_delimiter_);
    encoding_ = choose_encoding(input_, options.encoding);
    columns_ = column_names(start());
    if (dialect != nullptr) *dialect = CsvDialect{encoding_.name, delimiter_, sep_line_};
}

std::vector<std::string> CsvSource::start() {
    reader_ = std::make_unique<CsvReader>(input_, encoding_);
    number_ = 0;

    auto sep_delimiter = reader_->read_sep_line();
    sep_line_ = sep_delimiter.has_value();
    delimiter_ = forced_delimiter_.value_or(sep_delimiter.value_or('\0'));
    if (delimiter_ == '\0') delimiter_ = detect_delimiter(reader_->lookahead());
    reader_->set_delimiter(delimiter_);

    std::vector<std::string> header;
    std::size_t line = 0;
    if (!reader_->read_record(header, line)) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(sep_line_ ? tr("missing header in {}: the file has only a sep= line")
                                                       : tr("missing header in {}: the file has no line of text")),
                                input_.path.string()),
                    tr("the first line of a CSV file names its columns, such as: hostname,ip,location"));
    }
    return header;
}

bool CsvSource::next(SourceRecord& record) {
    std::size_t line = 0;
    if (!reader_->read_record(fields_, line)) return false;

    record.number = ++number_;
    record.line = line;
    record.problem.clear();
    if (fields_.size() > columns_.size()) {
        record.problem = fmt::format(fmt::runtime(trn("the row has {} fields but the header has only {} column",
                                                      "the row has {} fields but the header has only {} columns",
                                                      columns_.size())),
                                     fields_.size(), columns_.size());
    }
    record.value = record_value(columns_, fields_);
    return true;
}

// Letters that decomposition leaves whole but that have a usual ASCII spelling, after case
// folding, so that "Œuvre" and "oeuvre" compare equal.
const char* ascii_spelling(char32_t code_point) {
    switch (code_point) {
        case U'œ': return "oe";
        case U'æ': return "ae";
        case U'ø': return "o";
        case U'đ': return "d";
        case U'ł': return "l";
        case U'þ': return "th";
        default: return nullptr;
    }
}

}  // namespace

std::unique_ptr<RecordSource> open_csv(const fs::path& path, const CsvOptions& options, CsvDialect* dialect) {
    return std::make_unique<CsvSource>(CsvInput{path, nullptr}, options, dialect);
}

std::unique_ptr<RecordSource> open_csv_bytes(std::string name, std::string bytes, const CsvOptions& options,
                                             CsvDialect* dialect) {
    // The bytes may be a passwords file, so they are wiped when the last reader releases them.
    auto wipe = [](std::string* released) {
        if (released->capacity() > 0) sodium_memzero(released->data(), released->capacity());
        delete released;
    };
    std::shared_ptr<const std::string> shared(new std::string(std::move(bytes)), wipe);
    return std::make_unique<CsvSource>(CsvInput{std::move(name), std::move(shared)}, options, dialect);
}

// Unlike slugify, this keeps letters of every script, so that two Cyrillic or Greek names do
// not both become "" and compare equal.
std::string comparable_name(std::string_view name) {
    utf8proc_uint8_t* mapped = nullptr;
    auto options = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK;
    auto length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(name.data()),
                               static_cast<utf8proc_ssize_t>(name.size()), &mapped,
                               static_cast<utf8proc_option_t>(options));
    std::string folded;
    if (length >= 0) folded.assign(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(length));
    std::free(mapped);
    if (length < 0) folded = ascii_lowercase(name);  // invalid UTF-8: compare the bytes, ASCII case folded

    std::string comparable;
    std::size_t i = 0;
    while (i < folded.size()) {
        utf8proc_int32_t code_point = 0;
        auto step = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(folded.data() + i),
                                     static_cast<utf8proc_ssize_t>(folded.size() - i), &code_point);
        if (step <= 0) {  // a byte of invalid UTF-8, kept
            comparable += folded[i++];
            continue;
        }
        auto character = std::string_view(folded).substr(i, static_cast<std::size_t>(step));
        i += static_cast<std::size_t>(step);

        auto category = utf8proc_category(code_point);
        bool letter_or_digit = category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO;
        letter_or_digit = letter_or_digit || (category >= UTF8PROC_CATEGORY_ND && category <= UTF8PROC_CATEGORY_NO);
        if (!letter_or_digit) continue;
        const char* spelling = ascii_spelling(static_cast<char32_t>(code_point));
        comparable += spelling != nullptr ? std::string_view(spelling) : character;
    }
    return comparable;
}

}  // namespace dossier::importers
