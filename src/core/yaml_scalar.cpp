#include <string_view>

#include <fmt/format.h>

#include "dossier/yaml_value.hpp"

namespace dossier {
namespace {

// A cursor over a scalar for the hand-written matchers below. std::regex would be shorter,
// but compiling its patterns cost every dossier process about 13 million instructions
// (callgrind, release build).
class Scanner {
public:
    explicit Scanner(std::string_view text) : text_(text) {}

    bool done() const { return position_ == text_.size(); }
    char peek() const { return done() ? '\0' : text_[position_]; }

    bool accept(char c) {
        if (peek() != c || done()) return false;
        ++position_;
        return true;
    }

    bool accept_any(std::string_view characters) {
        if (done() || characters.find(peek()) == std::string_view::npos) return false;
        ++position_;
        return true;
    }

    // Accepts between `min` and `max` characters for which `predicate` holds; returns the count,
    // or -1 (consuming nothing) when fewer than `min` are there.
    template <typename Predicate>
    int accept_run(Predicate predicate, int min, int max = 1 << 30) {
        std::size_t start = position_;
        int count = 0;
        while (!done() && count < max && predicate(peek())) {
            ++position_;
            ++count;
        }
        if (count >= min) return count;
        position_ = start;
        return -1;
    }

    std::size_t position() const { return position_; }
    void reset(std::size_t position) { position_ = position; }

private:
    std::string_view text_;
    std::size_t position_ = 0;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_octal_digit(char c) { return c >= '0' && c <= '7'; }
bool is_digit_or_underscore(char c) { return is_digit(c) || c == '_'; }

bool is_one_of(std::string_view text, std::initializer_list<std::string_view> words) {
    for (auto word : words) {
        if (text == word) return true;
    }
    return false;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int number_at(std::string_view text, std::size_t offset, std::size_t length) {
    int value = 0;
    for (std::size_t i = offset; i < offset + length; ++i) value = value * 10 + (text[i] - '0');
    return value;
}

// Matches YYYY-M-D with one or two digits for month and day; returns false otherwise.
bool scan_date(Scanner& scanner, int month_min_digits) {
    return scanner.accept_run(is_digit, 4, 4) == 4 && scanner.accept('-') &&
           scanner.accept_run(is_digit, month_min_digits, 2) > 0 && scanner.accept('-') &&
           scanner.accept_run(is_digit, month_min_digits, 2) > 0;
}

// Matches the time part of a timestamp: ([Tt]|[ \t]+)H:MM:SS(.fraction)?([ \t]*(Z|±H(:?MM)?))?
bool scan_time(Scanner& scanner) {
    if (!scanner.accept_any("Tt") && scanner.accept_run([](char c) { return c == ' ' || c == '\t'; }, 1) < 0) {
        return false;
    }
    if (scanner.accept_run(is_digit, 1, 2) < 0 || !scanner.accept(':') || scanner.accept_run(is_digit, 2, 2) < 0 ||
        !scanner.accept(':') || scanner.accept_run(is_digit, 2, 2) < 0) {
        return false;
    }
    if (scanner.accept('.')) scanner.accept_run(is_digit, 0);
    if (scanner.done()) return true;

    scanner.accept_run([](char c) { return c == ' ' || c == '\t'; }, 0);
    if (scanner.accept('Z')) return true;
    if (!scanner.accept_any("+-") || scanner.accept_run(is_digit, 1, 2) < 0) return false;
    if (scanner.done()) return true;
    scanner.accept(':');
    return scanner.accept_run(is_digit, 2, 2) == 2;
}

bool is_timestamp(std::string_view text) {
    Scanner scanner(text);
    return scan_date(scanner, 2) && scan_time(scanner) && scanner.done();
}

bool is_core_integer(std::string_view text) {
    if (text.starts_with("0o")) return text.size() > 2 && Scanner(text.substr(2)).accept_run(is_octal_digit, 1) == int(text.size() - 2);
    if (text.starts_with("0x")) return text.size() > 2 && Scanner(text.substr(2)).accept_run(is_hex_digit, 1) == int(text.size() - 2);
    Scanner scanner(text);
    scanner.accept_any("+-");
    return scanner.accept_run(is_digit, 1) > 0 && scanner.done();
}

bool is_core_float(std::string_view text) {
    if (is_one_of(text, {".nan", ".NaN", ".NAN"})) return true;
    Scanner scanner(text);
    scanner.accept_any("+-");
    auto rest = text.substr(scanner.position());
    if (is_one_of(rest, {".inf", ".Inf", ".INF"})) return true;

    if (scanner.accept('.')) {
        if (scanner.accept_run(is_digit, 1) < 0) return false;
    } else {
        if (scanner.accept_run(is_digit, 1) < 0) return false;
        if (scanner.accept('.')) scanner.accept_run(is_digit, 0);
    }
    if (scanner.accept_any("eE")) {
        scanner.accept_any("+-");
        if (scanner.accept_run(is_digit, 1) < 0) return false;
    }
    return scanner.done();
}

}  // namespace

bool is_calendar_date(std::string_view text) {
    Scanner scanner(text);
    if (!scan_date(scanner, 2) || !scanner.done() || text.size() != 10) return false;

    int year = number_at(text, 0, 4);
    int month = number_at(text, 5, 2);
    int day = number_at(text, 8, 2);
    static constexpr int days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1) return false;
    int last_day = days_in_month[month - 1] + (month == 2 && is_leap_year(year) ? 1 : 0);
    return day <= last_day;
}

bool looks_like_invalid_date(std::string_view text) {
    // A date of one or two digit month and day, alone or followed by a time as in a timestamp.
    Scanner scanner(text);
    if (!scan_date(scanner, 1)) return false;
    std::size_t date_end = scanner.position();
    if (!scanner.done() && !(scan_time(scanner) && scanner.done())) return false;
    return !is_calendar_date(text.substr(0, date_end));
}

ScalarType resolve_plain_scalar(std::string_view text) {
    // The YAML 1.2 core schema (section 10.3.2), plus calendar dates and date-times. An offset
    // may also be written without a colon (-0800), as Jekyll writes dates.
    if (text.empty() || is_one_of(text, {"~", "null", "Null", "NULL"})) return ScalarType::null;
    if (is_one_of(text, {"true", "True", "TRUE", "false", "False", "FALSE"})) return ScalarType::boolean;
    if (is_core_integer(text)) return ScalarType::integer;
    if (is_core_float(text)) return ScalarType::floating;
    if (is_calendar_date(text)) return ScalarType::date;
    if (is_timestamp(text)) return ScalarType::timestamp;
    return ScalarType::string;
}

namespace {

// Matches [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?, a YAML 1.1 base-60 number such as 10:00.
bool is_sexagesimal(std::string_view text) {
    Scanner scanner(text);
    scanner.accept_any("+-");
    if (!is_digit(scanner.peek()) || scanner.accept_run(is_digit_or_underscore, 1) < 0) return false;
    int groups = 0;
    while (scanner.accept(':')) {
        std::size_t start = scanner.position();
        int digits = scanner.accept_run(is_digit, 1, 2);
        if (digits < 0 || (digits == 2 && text[start] > '5')) return false;
        ++groups;
    }
    if (groups == 0) return false;
    if (scanner.accept('.')) scanner.accept_run(is_digit_or_underscore, 0);
    return scanner.done();
}

// Matches [-+]?(0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*), a YAML 1.1 integer.
bool is_yaml_1_1_integer(std::string_view text) {
    Scanner scanner(text);
    scanner.accept_any("+-");
    auto rest = text.substr(scanner.position());
    auto all = [&](std::string_view digits, auto predicate) {
        Scanner inner(digits);
        return !digits.empty() && inner.accept_run(predicate, 1) == int(digits.size());
    };
    if (rest.starts_with("0b")) return all(rest.substr(2), [](char c) { return c == '0' || c == '1' || c == '_'; });
    if (rest.starts_with("0x")) return all(rest.substr(2), [](char c) { return is_hex_digit(c) || c == '_'; });
    return !rest.empty() && is_digit(rest.front()) && all(rest, is_digit_or_underscore);
}

// Matches [-+]?([0-9][0-9_]*)?\.[0-9_]+([eE][-+]?[0-9]+)?, a YAML 1.1 float.
bool is_yaml_1_1_float(std::string_view text) {
    Scanner scanner(text);
    scanner.accept_any("+-");
    if (is_digit(scanner.peek())) scanner.accept_run(is_digit_or_underscore, 1);
    if (!scanner.accept('.') || scanner.accept_run(is_digit_or_underscore, 1) < 0) return false;
    if (scanner.accept_any("eE")) {
        scanner.accept_any("+-");
        if (scanner.accept_run(is_digit, 1) < 0) return false;
    }
    return scanner.done();
}

// Returns true when a YAML 1.1 reader (PyYAML, Ruby's Psych, go-yaml v2) would type plain
// `text` as a boolean, a number or a merge key although the core schema reads a string:
// yes, NO, on, 1_000, 10:00 (base 60), 0b101, <<.
bool is_typed_by_yaml_1_1(std::string_view text) {
    return is_one_of(text, {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
                            "OFF", "<<", "="}) ||
           is_sexagesimal(text) || is_yaml_1_1_integer(text) || is_yaml_1_1_float(text);
}

// Returns the code point that starts at `text[offset]` and its length in bytes. `text` is
// valid UTF-8; a byte that starts no complete sequence is returned alone.
std::pair<char32_t, std::size_t> code_point_at(std::string_view text, std::size_t offset) {
    auto lead = static_cast<unsigned char>(text[offset]);
    std::size_t length = 4;
    if (lead < 0xC0) {
        length = 1;
    } else if (lead < 0xE0) {
        length = 2;
    } else if (lead < 0xF0) {
        length = 3;
    }
    if (offset + length > text.size()) length = 1;
    if (length == 1) return {lead, 1};

    char32_t code_point = lead & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
        code_point = code_point << 6 | (static_cast<unsigned char>(text[offset + k]) & 0x3F);
    }
    return {code_point, length};
}

// Returns the double-quoted escape for `code_point`, or an empty string when it is written as
// is. Control characters, line and paragraph separators, the BOM and the non-characters
// U+FFFE and U+FFFF are escaped because strict YAML readers reject them raw or read them
// as line breaks. U+0085 is written \u0085: yaml-cpp 0.7 decodes \N to a lone byte 0x85.
std::string escape_of(char32_t code_point) {
    switch (code_point) {
        case U'"': return "\\\"";
        case U'\\': return "\\\\";
        case U'\n': return "\\n";
        case U'\r': return "\\r";
        case U'\t': return "\\t";
        case 0x2028: return "\\L";
        case 0x2029: return "\\P";
        default: break;
    }
    if (code_point < 0x20 || code_point == 0x7F) return fmt::format("\\x{:02X}", static_cast<unsigned>(code_point));
    bool c1_control = code_point >= 0x80 && code_point <= 0x9F;
    if (c1_control || code_point == 0xFEFF || code_point == 0xFFFE || code_point == 0xFFFF) {
        return fmt::format("\\u{:04X}", static_cast<unsigned>(code_point));
    }
    return {};
}

bool has_character_to_escape(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        auto [code_point, length] = code_point_at(text, i);
        if (code_point != U'"' && code_point != U'\\' && !escape_of(code_point).empty()) return true;
        i += length;
    }
    return false;
}

bool can_be_plain(std::string_view text) {
    if (text.empty() || resolve_plain_scalar(text) != ScalarType::string || looks_like_invalid_date(text)) {
        return false;
    }
    if (is_typed_by_yaml_1_1(text)) return false;
    if (text.front() == ' ' || text.back() == ' ' || text.back() == ':') return false;
    if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(text.front()) != std::string_view::npos) return false;
    if (text.starts_with("---") || text.starts_with("...")) return false;
    if (text.find(": ") != std::string_view::npos || text.find(" #") != std::string_view::npos) return false;
    return !has_character_to_escape(text);
}

}  // namespace

std::string yaml_quote_string(std::string_view text) {
    if (can_be_plain(text)) return std::string(text);

    std::string quoted = "\"";
    for (std::size_t i = 0; i < text.size();) {
        auto [code_point, length] = code_point_at(text, i);
        auto escape = escape_of(code_point);
        if (escape.empty()) {
            quoted += text.substr(i, length);
        } else {
            quoted += escape;
        }
        i += length;
    }
    quoted += '"';
    return quoted;
}

}  // namespace dossier
