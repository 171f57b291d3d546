#include <regex>
#include <string_view>

#include <fmt/format.h>

#include "dossier/yaml_value.hpp"

namespace dossier {
namespace {

bool matches(std::string_view text, const std::regex& pattern) {
    return std::regex_match(text.begin(), text.end(), pattern);
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

}  // namespace

bool is_calendar_date(std::string_view text) {
    static const std::regex shape(R"(\d{4}-\d{2}-\d{2})");
    if (!matches(text, shape)) return false;

    int year = std::stoi(std::string(text.substr(0, 4)));
    int month = std::stoi(std::string(text.substr(5, 2)));
    int day = std::stoi(std::string(text.substr(8, 2)));
    static constexpr int days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1) return false;
    int last_day = days_in_month[month - 1] + (month == 2 && is_leap_year(year) ? 1 : 0);
    return day <= last_day;
}

bool looks_like_invalid_date(std::string_view text) {
    // A date of one or two digit month and day, alone or followed by a time as in a timestamp.
    static const std::regex shape(
        R"((\d{4}-\d{1,2}-\d{1,2})(([Tt]|[ \t]+)\d{1,2}:\d{2}:\d{2}(\.\d*)?([ \t]*(Z|[-+]\d{1,2}(:?\d{2})?))?)?)");
    std::match_results<std::string_view::const_iterator> match;
    if (!std::regex_match(text.begin(), text.end(), match, shape)) return false;
    return !is_calendar_date(std::string_view(&*match[1].first, static_cast<std::size_t>(match[1].length())));
}

ScalarType resolve_plain_scalar(std::string_view text) {
    // The YAML 1.2 core schema (section 10.3.2), plus calendar dates and date-times. An offset
    // may also be written without a colon (-0800), as Jekyll writes dates.
    static const std::regex null_pattern(R"(~|null|Null|NULL)");
    static const std::regex bool_pattern(R"(true|True|TRUE|false|False|FALSE)");
    static const std::regex int_pattern(R"([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)");
    static const std::regex float_pattern(
        R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
    static const std::regex timestamp_pattern(
        R"(\d{4}-\d{2}-\d{2}([Tt]|[ \t]+)\d{1,2}:\d{2}:\d{2}(\.\d*)?([ \t]*(Z|[-+]\d{1,2}(:?\d{2})?))?)");

    if (text.empty() || matches(text, null_pattern)) return ScalarType::null;
    if (matches(text, bool_pattern)) return ScalarType::boolean;
    if (matches(text, int_pattern)) return ScalarType::integer;
    if (matches(text, float_pattern)) return ScalarType::floating;
    if (is_calendar_date(text)) return ScalarType::date;
    if (matches(text, timestamp_pattern)) return ScalarType::timestamp;
    return ScalarType::string;
}

namespace {

// Returns true when a YAML 1.1 reader (PyYAML, Ruby's Psych, go-yaml v2) would type plain
// `text` as a boolean, a number or a merge key although the core schema reads a string:
// yes, NO, on, 1_000, 10:00 (base 60), 0b101, <<.
bool is_typed_by_yaml_1_1(std::string_view text) {
    static const std::regex pattern(
        R"(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|<<|=|)"
        R"([-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|)"
        R"([-+]?(0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)|)"
        R"([-+]?([0-9][0-9_]*)?\.[0-9_]+([eE][-+]?[0-9]+)?)");
    return matches(text, pattern);
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
