// A YAML value read from front matter, typed by the YAML 1.2 core schema plus dates.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace dossier {

// The type a scalar reads as. Plain scalars follow the YAML 1.2 core schema, so "yes", "no",
// "on" and "off" stay strings. A plain YYYY-MM-DD is a date, and quoted scalars are strings.
enum class ScalarType { null, boolean, integer, floating, string, date, timestamp };

class Value {
public:
    enum class Kind { scalar, sequence, mapping };
    using Entry = std::pair<std::string, Value>;

    Value() = default;
    static Value make_scalar(ScalarType type, std::string text, bool quoted, int line, int column);
    static Value make_sequence(int line, int column);
    static Value make_mapping(int line, int column);

    Kind kind() const noexcept { return kind_; }
    bool is_scalar() const noexcept { return kind_ == Kind::scalar; }
    bool is_mapping() const noexcept { return kind_ == Kind::mapping; }
    bool is_sequence() const noexcept { return kind_ == Kind::sequence; }

    ScalarType scalar_type() const noexcept { return scalar_type_; }
    // The scalar's content: the text as written for plain scalars, unescaped for quoted ones.
    const std::string& text() const noexcept { return text_; }
    bool quoted() const noexcept { return quoted_; }

    // 1-based position in the file where the value starts; the column counts code points.
    int line() const noexcept { return line_; }
    int column() const noexcept { return column_; }

    const std::vector<Value>& items() const noexcept { return items_; }
    const std::vector<Entry>& entries() const noexcept { return entries_; }
    void push_back(Value item) { items_.push_back(std::move(item)); }
    void add_entry(std::string key, Value value, int key_line = 0, int key_column = 0) {
        entries_.emplace_back(std::move(key), std::move(value));
        key_positions_.emplace_back(key_line, key_column);
    }
    // 1-based line and column (in code points) of the key of entries()[index].
    std::pair<int, int> key_position(std::size_t index) const { return key_positions_.at(index); }

    // Returns the mapping's value for `key`, or nullptr when absent or not a mapping.
    const Value* find(std::string_view key) const noexcept;

    // Returns the scalar's text when it is a non-null scalar, else an empty string.
    std::string scalar_or_empty() const;

    // Converts to JSON: integers and floats as numbers when they fit, booleans, null,
    // dates and timestamps as their written text.
    nlohmann::ordered_json to_json() const;

private:
    Kind kind_ = Kind::mapping;
    ScalarType scalar_type_ = ScalarType::null;
    std::string text_;
    bool quoted_ = false;
    int line_ = 0;
    int column_ = 0;
    std::vector<Value> items_;
    std::vector<Entry> entries_;
    std::vector<std::pair<int, int>> key_positions_;
};

// Returns true when `a` and `b` read as the same YAML value. Kinds and scalar types must match.
// Numbers and booleans compare as such (0x1F equals 31) and other scalars as text. Sequences
// compare item by item, and mappings key by key in any order. Positions and quoting play no part.
bool same_value(const Value& a, const Value& b);

// Returns the type a plain (unquoted, untagged) scalar reads as.
ScalarType resolve_plain_scalar(std::string_view text);

// Returns true when `text` is a valid calendar date written YYYY-MM-DD.
bool is_calendar_date(std::string_view text);

// Returns true when `text` has the shape of a date (digits and hyphens such as 2024-1-5
// or 2024-02-30), alone or followed by a time as in a timestamp, without its date part
// being a valid YYYY-MM-DD calendar date.
bool looks_like_invalid_date(std::string_view text);

// Returns YAML text for `text` that reads back as exactly that string: plain when plain
// reads as the same string, also for YAML 1.1 readers (so yes, NO, 1_000 and 10:00 are
// quoted), else double-quoted with escapes. Single line. `text` must be valid UTF-8.
std::string yaml_quote_string(std::string_view text);

}  // namespace dossier
