// The JSON reader of `import json`: a top-level array or the array at a JSON pointer, read one
// element at a time, or JSON Lines, read one line at a time.
//
// The file is read in blocks by a small scanner that finds only where each JSON value starts
// and ends (strings, brackets and braces). nlohmann-json then parses each record's text, so
// that memory holds one record at a time, and the scanner counts lines so that every record
// and every error has its line in the file.
#include <algorithm>
#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "block_reader.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "field_values.hpp"
#include "record_source.hpp"

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace dossier::importers {
namespace {

// A position in the file: 1-based line, and column in code points.
struct Position {
    std::size_t line = 1;
    std::size_t column = 1;
};

// The bytes of a JSON file, read one block at a time, with the position of the next byte.
// Only LF ends a line, as in JSON Lines; a CR before it is whitespace.
class JsonText {
public:
    static constexpr int end_of_file = -1;

    // Opens `path` and skips a UTF-8 BOM. Throws Error(invalid_input) for a UTF-16 file.
    explicit JsonText(const fs::path& path);

    int peek() {
        if (position_ == block_.size() && !refill()) return end_of_file;
        return static_cast<unsigned char>(block_[position_]);
    }
    int get();
    void skip_whitespace();
    Position position() const { return {line_, column_}; }

    // Reads the text of the JSON value that starts at the next byte: a string, an object or
    // array through its closing bracket, or anything else up to the next space or punctuation.
    // It checks only the nesting, which leaves the rest to the parser. It stops early at the
    // end of the file, or at a line break inside a string, so that the parser reports the error
    // near where it is.
    std::string read_value_text();

    // Replaces `line` with the rest of the line, without its LF or CRLF. Returns false at the
    // end of the file.
    bool read_line(std::string& line);

private:
    bool refill();
    void append_plain_run(std::string& text);
    bool read_string(std::string& text);
    void read_container(std::string& text);

    BlockReader reader_;
    std::string block_;
    std::size_t position_ = 0;
    std::size_t line_ = 1;
    std::size_t column_ = 1;
};

JsonText::JsonText(const fs::path& path) : reader_(path) {
    refill();
    std::string_view start(block_);
    if (start.starts_with("\xEF\xBB\xBF")) position_ = 3;
    if (start.starts_with("\xFF\xFE") || start.starts_with("\xFE\xFF")) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("{} is in UTF-16, and JSON files are read as UTF-8")), path.string()),
                    tr("convert it first, for example with: iconv -f UTF-16 -t UTF-8 FILE > NEW_FILE"));
    }
}

bool JsonText::refill() {
    block_.clear();
    position_ = 0;
    return reader_.append_block(block_);
}

int JsonText::get() {
    int c = peek();
    if (c == end_of_file) return c;
    ++position_;
    if (c == '\n') {
        ++line_;
        column_ = 1;
    } else if ((c & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
        ++column_;
    }
    return c;
}

void JsonText::skip_whitespace() {
    for (int c = peek(); c == ' ' || c == '\t' || c == '\r' || c == '\n'; c = peek()) get();
}

std::string JsonText::read_value_text() {
    std::string text;
    int c = peek();
    if (c == '"') {
        read_string(text);
    } else if (c == '{' || c == '[') {
        read_container(text);
    } else {
        constexpr std::string_view value_ends = " \t\r\n,:[]{}\"";
        while ((c = peek()) != end_of_file && value_ends.find(static_cast<char>(c)) == std::string_view::npos) {
            text += static_cast<char>(get());
        }
    }
    return text;
}

// Appends in bulk the bytes of a string up to its next quote, backslash or LF, the only bytes
// that end it or need a closer look.
void JsonText::append_plain_run(std::string& text) {
    while (position_ < block_.size() || refill()) {
        auto rest = std::string_view(block_).substr(position_);
        auto stop = std::find_if(rest.begin(), rest.end(), [](char c) { return c == '"' || c == '\\' || c == '\n'; });
        auto run = rest.substr(0, static_cast<std::size_t>(stop - rest.begin()));
        text.append(run);
        column_ += static_cast<std::size_t>(
            std::count_if(run.begin(), run.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
        position_ += run.size();
        if (run.size() < rest.size()) return;
    }
}

// Reads a string from its opening quote. Returns false when it stops before the closing quote.
bool JsonText::read_string(std::string& text) {
    text += static_cast<char>(get());
    while (true) {
        append_plain_run(text);
        int c = get();
        if (c == end_of_file) return false;
        text += static_cast<char>(c);
        if (c == '"') return true;
        if (c == '\n') return false;  // a string cannot hold a raw line break
        if (c == '\\') {
            c = get();
            if (c == end_of_file) return false;
            text += static_cast<char>(c);
            if (c == '\n') return false;
        }
    }
}

void JsonText::read_container(std::string& text) {
    int depth = 0;
    do {
        int c = peek();
        if (c == end_of_file) return;
        if (c == '"') {
            if (!read_string(text)) return;
            continue;
        }
        text += static_cast<char>(get());
        if (c == '{' || c == '[') ++depth;
        if (c == '}' || c == ']') --depth;
    } while (depth > 0);
}

bool JsonText::read_line(std::string& line) {
    line.clear();
    if (peek() == end_of_file) return false;

    while (position_ < block_.size() || refill()) {
        auto rest = std::string_view(block_).substr(position_);
        auto newline = rest.find('\n');
        line.append(rest.substr(0, newline));
        if (newline != std::string_view::npos) {
            position_ += newline + 1;
            break;
        }
        position_ = block_.size();
    }
    ++line_;
    column_ = 1;
    if (line.ends_with('\r')) line.pop_back();
    return true;
}

// --- parsing and errors ------------------------------------------------------------------

// Returns the position in the file of the byte at `offset` of `text`, a text that starts at `start`.
Position position_in(std::string_view text, std::size_t offset, Position start) {
    offset = std::min(offset, text.size());
    auto before = text.substr(0, offset);
    auto last_newline = before.rfind('\n');
    auto code_points = [](std::string_view bytes) {
        return static_cast<std::size_t>(std::count_if(bytes.begin(), bytes.end(), [](char c) {
            return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        }));
    };
    if (last_newline == std::string_view::npos) return {start.line, start.column + code_points(before)};
    auto newlines = static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
    return {start.line + newlines, 1 + code_points(before.substr(last_newline + 1))};
}

// Returns the part of a nlohmann-json parse error that describes the problem, without its
// exception id and its position, which are relative to the record's text.
std::string_view parse_error_detail(std::string_view what) {
    auto at = what.find("parse error");
    auto colon = at == std::string_view::npos ? at : what.find(": ", at);
    return colon == std::string_view::npos ? what : what.substr(colon + 2);
}

[[noreturn]] void throw_invalid_json(const fs::path& path, Position position, std::string_view detail,
                                     std::string hint) {
    throw Error(ErrorKind::invalid_input,
                SourceLocation{path, static_cast<int>(position.line), static_cast<int>(position.column), {}},
                fmt::format(fmt::runtime(tr("invalid JSON in {} at line {}: {}")), path.string(), position.line, detail),
                std::move(hint));
}

std::string default_hint() { return tr("correct the JSON there, and check that the file is complete"); }

// Returns the value that `text` holds, `text` being read from `start` in the file. Throws
// Error(invalid_input) at the line and column where the text is invalid.
ordered_json parse_value(const std::string& text, Position start, const fs::path& path, std::string hint) {
    // Copying or comparing a value is recursive in nlohmann-json, so a record nested tens of
    // thousands of levels deep would overflow the stack later on.
    if (nesting_depth(text) > max_json_depth) {
        throw_invalid_json(path, start,
                           fmt::format(fmt::runtime(tr("the value is nested more than {} levels deep")), max_json_depth),
                           std::move(hint));
    }
    try {
        return ordered_json::parse(text);
    } catch (const ordered_json::parse_error& error) {
        // error.byte counts from 1 and points at the last byte read, the one that failed.
        auto offset = error.byte > 0 ? error.byte - 1 : 0;
        throw_invalid_json(path, position_in(text, offset, start), parse_error_detail(error.what()), std::move(hint));
    } catch (const nlohmann::json::exception& error) {
        // A number too large for a double (1e400) and the like.
        throw_invalid_json(path, start, parse_error_detail(error.what()), std::move(hint));
    }
}

std::string type_description(const ordered_json& value) {
    switch (value.type()) {
        case ordered_json::value_t::array: return tr("an array");
        case ordered_json::value_t::string: return tr("a string");
        case ordered_json::value_t::boolean: return tr("a boolean");
        case ordered_json::value_t::null: return tr("null");
        case ordered_json::value_t::number_integer:
        case ordered_json::value_t::number_unsigned:
        case ordered_json::value_t::number_float: return tr("a number");
        case ordered_json::value_t::object:
        case ordered_json::value_t::binary:
        case ordered_json::value_t::discarded: break;
    }
    return value.type_name();
}

void fill_record(SourceRecord& record, std::size_t number, std::size_t line, ordered_json value) {
    record.number = number;
    record.line = line;
    record.problem.clear();
    if (!value.is_object()) {
        record.problem = fmt::format(fmt::runtime(tr("the record is {}, not an object")), type_description(value));
    }
    record.value = std::move(value);
}

// --- JSON pointers -----------------------------------------------------------------------

// Returns the reference tokens of a JSON pointer (RFC 6901), "~1" and "~0" decoded. Throws
// Error(usage) for an invalid pointer.
std::vector<std::string> pointer_tokens(const std::string& pointer) {
    auto invalid = [&pointer]() {
        return Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid JSON pointer: {}")), pointer),
                     tr("write a JSON pointer such as /data/items: a \"/\" before each name or index, \"~1\" for a "
                        "\"/\" inside a name and \"~0\" for a \"~\""));
    };
    if (!pointer.starts_with('/')) throw invalid();

    std::vector<std::string> tokens;
    std::string token;
    for (std::size_t i = 1; i <= pointer.size(); ++i) {
        if (i == pointer.size() || pointer[i] == '/') {
            tokens.push_back(std::move(token));
            token.clear();
        } else if (pointer[i] != '~') {
            token += pointer[i];
        } else if (i + 1 < pointer.size() && (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
            token += pointer[++i] == '0' ? '~' : '/';
        } else {
            throw invalid();
        }
    }
    return tokens;
}

// Returns the array index that a pointer token names: digits without a leading zero.
std::optional<std::size_t> array_index(const std::string& token) {
    if (token.empty() || (token.size() > 1 && token.front() == '0')) return std::nullopt;
    std::size_t index = 0;
    auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), index);
    if (error != std::errc() || end != token.data() + token.size()) return std::nullopt;
    return index;
}

// --- arrays of records -------------------------------------------------------------------

// The records of an array: the whole document, or the array that a JSON pointer names in it.
// The parts of the document around the array are read without being held, and are checked too,
// so that a damaged file fails before anything is imported from it.
class JsonArraySource final : public RecordSource {
public:
    JsonArraySource(fs::path path, std::string pointer, std::vector<std::string> tokens)
        : path_(std::move(path)), pointer_(std::move(pointer)), tokens_(std::move(tokens)) {
        start();
    }

    bool next(SourceRecord& record) override;
    const std::vector<std::string>& columns() const override { return no_columns_; }
    void rewind() override { start(); }

private:
    enum class Container { object, array };

    void start();
    void enter(const std::string& token);
    void enter_member(const std::string& token);
    void enter_element(const std::string& token);
    void finish();

    std::string read_key();
    ordered_json read_value();
    void skip_value();
    bool read_separator(char closer);
    [[noreturn]] void throw_expected(const std::string& expected);
    [[noreturn]] void throw_not_found() const;

    fs::path path_;
    std::string pointer_;              // as given, for messages; empty for a top-level array
    std::vector<std::string> tokens_;  // the pointer's tokens
    std::unique_ptr<JsonText> text_;
    std::vector<Container> enclosing_;  // the containers around the array of records, outermost first
    Position array_start_;
    bool before_first_ = true;
    bool ended_ = false;
    std::size_t number_ = 0;
    std::vector<std::string> no_columns_;
};

void JsonArraySource::start() {
    text_ = std::make_unique<JsonText>(path_);
    enclosing_.clear();
    before_first_ = true;
    ended_ = false;
    number_ = 0;

    for (const auto& token : tokens_) enter(token);
    text_->skip_whitespace();
    if (text_->peek() != '[') {
        if (tokens_.empty()) throw_expected("'['");
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("the value at {} in {} is not an array")), pointer_, path_.string()),
                    tr("give --records the pointer of the array that holds the records"));
    }
    array_start_ = text_->position();
    text_->get();
}

// Moves to the start of the value that `token` names in the object or array that comes next.
void JsonArraySource::enter(const std::string& token) {
    text_->skip_whitespace();
    int c = text_->peek();
    if (c == '{') {
        text_->get();
        enter_member(token);
        enclosing_.push_back(Container::object);
    } else if (c == '[') {
        text_->get();
        enter_element(token);
        enclosing_.push_back(Container::array);
    } else {
        skip_value();  // to report invalid JSON before a pointer that goes nowhere
        throw_not_found();
    }
}

void JsonArraySource::enter_member(const std::string& token) {
    text_->skip_whitespace();
    if (text_->peek() == '}') throw_not_found();
    while (true) {
        if (read_key() == token) return;
        skip_value();
        if (!read_separator('}')) throw_not_found();
    }
}

void JsonArraySource::enter_element(const std::string& token) {
    auto index = array_index(token);
    text_->skip_whitespace();
    if (!index || text_->peek() == ']') throw_not_found();
    for (std::size_t i = 0; i < *index; ++i) {
        skip_value();
        if (!read_separator(']')) throw_not_found();
    }
}

bool JsonArraySource::next(SourceRecord& record) {
    if (ended_) return false;

    text_->skip_whitespace();
    if (text_->peek() == JsonText::end_of_file) {
        throw Error(ErrorKind::invalid_input,
                    SourceLocation{path_, static_cast<int>(text_->position().line), 0, {}},
                    fmt::format(fmt::runtime(tr("invalid JSON in {}: the array of records that starts at line {} is "
                                                "not closed")),
                                path_.string(), array_start_.line),
                    tr("check that the file is complete: it may have been cut off"));
    }
    bool more = before_first_ ? text_->peek() != ']' : read_separator(']');
    if (before_first_ && !more) text_->get();
    before_first_ = false;
    if (!more) {
        finish();
        return false;
    }

    text_->skip_whitespace();
    auto line = text_->position().line;
    fill_record(record, ++number_, line, read_value());
    return true;
}

// Checks the rest of the document after the array of records.
void JsonArraySource::finish() {
    ended_ = true;
    for (auto container = enclosing_.rbegin(); container != enclosing_.rend(); ++container) {
        bool object = *container == Container::object;
        while (read_separator(object ? '}' : ']')) {
            if (object) read_key();
            skip_value();
        }
    }
    text_->skip_whitespace();
    if (text_->peek() != JsonText::end_of_file) throw_expected(tr("the end of the file"));
}

// Reads a member name and the ':' after it.
std::string JsonArraySource::read_key() {
    text_->skip_whitespace();
    if (text_->peek() != '"') throw_expected(tr("a member name in quotes"));
    auto start = text_->position();
    auto key = parse_value(text_->read_value_text(), start, path_, default_hint()).get<std::string>();

    text_->skip_whitespace();
    if (text_->peek() != ':') throw_expected("':'");
    text_->get();
    return key;
}

ordered_json JsonArraySource::read_value() {
    text_->skip_whitespace();
    int c = text_->peek();
    if (c == JsonText::end_of_file || c == ',' || c == ':' || c == ']' || c == '}') throw_expected(tr("a value"));
    auto start = text_->position();
    return parse_value(text_->read_value_text(), start, path_, default_hint());
}

// Reads and checks a value outside the array of records. It keeps that value's text in memory,
// but not its parsed form when it is valid.
void JsonArraySource::skip_value() {
    text_->skip_whitespace();
    int c = text_->peek();
    if (c == JsonText::end_of_file || c == ',' || c == ':' || c == ']' || c == '}') throw_expected(tr("a value"));
    auto start = text_->position();
    auto text = text_->read_value_text();
    if (!ordered_json::accept(text)) parse_value(text, start, path_, default_hint());
}

// Reads the ',' or the `closer` after a member or an element. Returns true after a ','.
bool JsonArraySource::read_separator(char closer) {
    text_->skip_whitespace();
    int c = text_->peek();
    if (c != ',' && c != closer) throw_expected(closer == '}' ? tr("',' or '}'") : tr("',' or ']'"));
    text_->get();
    return c == ',';
}

void JsonArraySource::throw_expected(const std::string& expected) {
    int c = text_->peek();
    std::string found;
    if (c == JsonText::end_of_file) {
        found = tr("the end of the file");
    } else if (c > 0x20 && c < 0x7F) {
        found = fmt::format("'{}'", static_cast<char>(c));
    } else {
        found = fmt::format(fmt::runtime(tr("the byte 0x{:02X}")), c);
    }
    auto detail = fmt::format(fmt::runtime(tr("expected {} but found {}")), expected, found);
    auto hint = c == JsonText::end_of_file ? tr("check that the file is complete: it may have been cut off")
                                           : default_hint();
    throw_invalid_json(path_, text_->position(), detail, hint);
}

void JsonArraySource::throw_not_found() const {
    throw Error(ErrorKind::invalid_input,
                fmt::format(fmt::runtime(tr("no value at {} in {}")), pointer_, path_.string()),
                tr("check the pointer given to --records: names are case-sensitive, and array elements are "
                   "numbered from 0"));
}

// --- JSON Lines --------------------------------------------------------------------------

// The records of a JSON Lines file: one JSON value on each line that is not blank.
class JsonLinesSource final : public RecordSource {
public:
    explicit JsonLinesSource(fs::path path) : path_(std::move(path)) { start(); }

    bool next(SourceRecord& record) override;
    const std::vector<std::string>& columns() const override { return no_columns_; }
    void rewind() override { start(); }

private:
    void start() {
        text_ = std::make_unique<JsonText>(path_);
        number_ = 0;
    }

    fs::path path_;
    std::unique_ptr<JsonText> text_;
    std::string line_text_;
    std::size_t number_ = 0;
    std::vector<std::string> no_columns_;
};

bool JsonLinesSource::next(SourceRecord& record) {
    while (true) {
        auto start = text_->position();
        if (!text_->read_line(line_text_)) return false;
        if (line_text_.find_first_not_of(" \t\r") == std::string::npos) continue;

        auto value = parse_value(line_text_, start, path_,
                                 tr("each line of a JSON Lines file holds one whole JSON value; for one JSON "
                                    "document, give the pointer of its array of records with --records"));
        fill_record(record, ++number_, start.line, std::move(value));
        return true;
    }
}

}  // namespace

std::unique_ptr<RecordSource> open_json(const fs::path& path, const JsonOptions& options) {
    if (!options.records_pointer.empty()) {
        auto tokens = pointer_tokens(options.records_pointer);
        return std::make_unique<JsonArraySource>(path, options.records_pointer, std::move(tokens));
    }

    JsonText text(path);
    text.skip_whitespace();
    if (text.peek() == '[') return std::make_unique<JsonArraySource>(path, std::string(), std::vector<std::string>());
    return std::make_unique<JsonLinesSource>(path);
}

}  // namespace dossier::importers
