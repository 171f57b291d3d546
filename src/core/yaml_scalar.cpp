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
    static const std::regex shape(R"(\d{4}-\d{1,2}-\d{1,2})");
    return matches(text, shape) && !is_calendar_date(text);
}

ScalarType resolve_plain_scalar(std::string_view text) {
    // The YAML 1.2 core schema (section 10.3.2), plus calendar dates and date-times.
    static const std::regex null_pattern(R"(~|null|Null|NULL)");
    static const std::regex bool_pattern(R"(true|True|TRUE|false|False|FALSE)");
    static const std::regex int_pattern(R"([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)");
    static const std::regex float_pattern(
        R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
    static const std::regex timestamp_pattern(
        R"(\d{4}-\d{2}-\d{2}([Tt]|[ \t]+)\d{1,2}:\d{2}:\d{2}(\.\d*)?([ \t]*(Z|[-+]\d{1,2}(:\d{2})?))?)");

    if (text.empty() || matches(text, null_pattern)) return ScalarType::null;
    if (matches(text, bool_pattern)) return ScalarType::boolean;
    if (matches(text, int_pattern)) return ScalarType::integer;
    if (matches(text, float_pattern)) return ScalarType::floating;
    if (is_calendar_date(text)) return ScalarType::date;
    if (matches(text, timestamp_pattern)) return ScalarType::timestamp;
    return ScalarType::string;
}

namespace {

bool can_be_plain(std::string_view text) {
    if (text.empty() || resolve_plain_scalar(text) != ScalarType::string || looks_like_invalid_date(text)) {
        return false;
    }
    if (text.front() == ' ' || text.back() == ' ' || text.back() == ':') return false;
    if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(text.front()) != std::string_view::npos) return false;
    if (text.starts_with("---") || text.starts_with("...")) return false;
    if (text.find(": ") != std::string_view::npos || text.find(" #") != std::string_view::npos) return false;
    for (unsigned char c : text) {
        if (c < 0x20 || c == 0x7F || c == '\t') return false;
    }
    // U+0085, U+2028 and U+2029 are line breaks for some YAML readers.
    return text.find("\xC2\x85") == std::string_view::npos && text.find("\xE2\x80\xA8") == std::string_view::npos &&
           text.find("\xE2\x80\xA9") == std::string_view::npos && text.find("\xEF\xBB\xBF") == std::string_view::npos;
}

}  // namespace

std::string yaml_quote_string(std::string_view text) {
    if (can_be_plain(text)) return std::string(text);

    std::string quoted = "\"";
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        switch (c) {
            case '"': quoted += "\\\""; break;
            case '\\': quoted += "\\\\"; break;
            case '\n': quoted += "\\n"; break;
            case '\r': quoted += "\\r"; break;
            case '\t': quoted += "\\t"; break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    quoted += fmt::format("\\x{:02X}", c);
                } else if (text.substr(i).starts_with("\xC2\x85")) {
                    quoted += "\\N";
                    ++i;
                } else if (text.substr(i).starts_with("\xE2\x80\xA8")) {
                    quoted += "\\L";
                    i += 2;
                } else if (text.substr(i).starts_with("\xE2\x80\xA9")) {
                    quoted += "\\P";
                    i += 2;
                } else if (text.substr(i).starts_with("\xEF\xBB\xBF")) {
                    quoted += "\\uFEFF";
                    i += 2;
                } else {
                    quoted += static_cast<char>(c);
                }
        }
    }
    quoted += '"';
    return quoted;
}

}  // namespace dossier
