#include "field_values.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "dossier/i18n.hpp"
#include "dossier/yaml_value.hpp"
#include "record_source.hpp"

namespace dossier::importers {
namespace {

constexpr std::string_view no_break_space = "\xC2\xA0";         // U+00A0
constexpr std::string_view narrow_no_break_space = "\xE2\x80\xAF";  // U+202F, French thousands

bool is_blank_prefix(std::string_view text, std::size_t& length) {
    if (!text.empty() && (text[0] == ' ' || text[0] == '\t' || text[0] == '\r' || text[0] == '\n')) {
        length = 1;
        return true;
    }
    for (auto space : {no_break_space, narrow_no_break_space}) {
        if (text.starts_with(space)) {
            length = space.size();
            return true;
        }
    }
    return false;
}

bool is_blank_suffix(std::string_view text, std::size_t& length) {
    if (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
        length = 1;
        return true;
    }
    for (auto space : {no_break_space, narrow_no_break_space}) {
        if (text.ends_with(space)) {
            length = space.size();
            return true;
        }
    }
    return false;
}

// Removes spaces, tabs, line breaks and no-break spaces from both ends.
std::string_view trim(std::string_view text) {
    std::size_t length = 0;
    while (is_blank_prefix(text, length)) text.remove_prefix(length);
    while (is_blank_suffix(text, length)) text.remove_suffix(length);
    return text;
}

std::string lower_ascii(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
    return lower;
}

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view digits) {
    int value = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return value;
}

std::optional<std::string> calendar_date(int year, int month, int day) {
    if (year < 1000 || year > 9999) return std::nullopt;
    std::array<char, 16> text{};
    std::snprintf(text.data(), text.size(), "%04d-%02d-%02d", year, month, day);
    std::string date(text.data());
    if (!is_calendar_date(date)) return std::nullopt;
    return date;
}

// Splits "03/12/2024" at its separators into three groups of digits.
std::optional<std::array<std::string_view, 3>> date_parts(std::string_view text) {
    std::array<std::string_view, 3> parts;
    char separator = 0;
    std::size_t start = 0;
    for (std::size_t index = 0; index < 3; ++index) {
        std::size_t end = start;
        while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
        if (end == start) return std::nullopt;
        parts[index] = text.substr(start, end - start);
        if (index == 2) {
            if (end != text.size()) return std::nullopt;
            break;
        }
        if (end >= text.size()) return std::nullopt;
        const char found = text[end];
        if (found != '/' && found != '.' && found != '-') return std::nullopt;
        if (separator != 0 && found != separator) return std::nullopt;
        separator = found;
        start = end + 1;
    }
    return parts;
}

// Removes a time after a date: "2024-12-03T10:00:00Z", "2024-12-03 00:00:00 UTC", "03/12/2024 14:30".
std::string_view without_time(std::string_view text) {
    const auto split = text.find_first_of("T ");
    if (split == std::string_view::npos || split < 8) return text;
    const auto time = text.substr(split + 1);
    if (time.size() < 4 || time[0] < '0' || time[0] > '9' || time.find(':') == std::string_view::npos) return text;
    return text.substr(0, split);
}

std::string number_text(double number) {
    if (std::floor(number) == number && std::fabs(number) < 1e15) {
        return std::to_string(static_cast<long long>(number));
    }
    std::array<char, 64> text{};
    auto [end, error] = std::to_chars(text.data(), text.data() + text.size(), number);
    return std::string(text.data(), end);
}

ConvertedValue convert_text(std::string_view read, const FieldShape& shape, DateOrder order) {
    const std::string_view text = trim(read);
    ConvertedValue result;
    result.how = text.size() == read.size() ? "" : N_("trimmed");
    if (text.empty()) {
        result.value = nullptr;
        result.how = read.empty() ? "" : N_("blank, written as empty");
        return result;
    }
    result.value = std::string(text);

    if (shape.json_type == "string" && shape.format == "date") {
        if (auto date = parse_date(text, order); date && *date != text) {
            result.value = *date;
            result.how = N_("read as a date");
        }
    } else if (shape.json_type == "integer" || shape.json_type == "number") {
        if (auto number = parse_number(text)) {
            const bool whole = std::floor(*number) == *number;
            if (shape.json_type == "number" || whole) {
                if (whole && std::fabs(*number) < 9e15) {
                    result.value = static_cast<long long>(*number);
                } else {
                    result.value = *number;
                }
                if (number_text(*number) != text) result.how = N_("read as a number");
                if (ambiguous_comma(text)) {
                    result.how = N_("read with a decimal comma, as in French: check that the comma does not "
                                    "separate thousands");
                }
            }
        }
    } else if (shape.json_type == "boolean") {
        if (auto boolean = parse_boolean(text)) {
            result.value = *boolean;
            if (text != "true" && text != "false") result.how = N_("read as true or false");
        }
    } else if (shape.json_type == "array") {
        if (text.front() == '[' && nesting_depth(text) <= max_json_depth) {
            auto parsed = nlohmann::ordered_json::parse(text, nullptr, false);
            if (!parsed.is_discarded() && parsed.is_array()) {
                result.value = std::move(parsed);
                result.how = N_("read as a list");
                return result;
            }
        }
        const char separator = text.find(';') != std::string_view::npos ? ';' : ',';
        auto items = nlohmann::ordered_json::array();
        std::size_t start = 0;
        while (start <= text.size()) {
            auto end = text.find(separator, start);
            if (end == std::string_view::npos) end = text.size();
            auto item = trim(text.substr(start, end - start));
            if (!item.empty()) items.push_back(std::string(item));
            start = end + 1;
        }
        result.value = std::move(items);
        result.how = N_("read as a list");
    }

    if (!shape.allowed.empty() && result.value.is_string()) {
        const auto& value = result.value.get_ref<const std::string&>();
        if (std::find(shape.allowed.begin(), shape.allowed.end(), value) == shape.allowed.end()) {
            const auto wanted = comparable_name(value);
            for (const auto& allowed : shape.allowed) {
                if (comparable_name(allowed) == wanted) {
                    result.value = allowed;
                    result.how = N_("matched to an allowed value");
                    break;
                }
            }
        }
    }
    return result;
}

bool needs_flow_quotes(std::string_view text) {
    return text.find_first_of(",[]{}") != std::string_view::npos;
}

std::string flow_item(const nlohmann::ordered_json& item) {
    if (item.is_string()) {
        const auto& text = item.get_ref<const std::string&>();
        auto plain = yaml_quote_string(text);
        if (plain.empty() || plain.front() == '"' || needs_flow_quotes(text)) return item.dump();
        return plain;
    }
    if (item.is_array() || item.is_object()) return yaml_line(item, false);
    return item.dump();
}

}  // namespace

std::optional<std::string> parse_date(std::string_view text, DateOrder order) {
    text = without_time(trim(text));
    auto parts = date_parts(text);
    if (!parts) return std::nullopt;
    const auto& [first, second, third] = *parts;
    if (!all_digits(first) || !all_digits(second) || !all_digits(third)) return std::nullopt;
    if (first.size() == 4) return calendar_date(to_int(first), to_int(second), to_int(third));
    if (third.size() != 4 || first.size() > 2 || second.size() > 2) return std::nullopt;
    switch (order) {
        case DateOrder::day_month_year: return calendar_date(to_int(third), to_int(second), to_int(first));
        case DateOrder::month_day_year: return calendar_date(to_int(third), to_int(first), to_int(second));
        case DateOrder::year_month_day: return std::nullopt;
    }
    return std::nullopt;
}

// One comma followed by three digits, and no other separator.
bool ambiguous_comma(std::string_view text) {
    text = trim(text);
    const auto comma = text.find(',');
    if (comma == std::string_view::npos || comma == 0 || text.find_first_of(",.", comma + 1) != std::string_view::npos ||
        text.find('.') != std::string_view::npos || text.size() - comma - 1 != 3) {
        return false;
    }
    return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(comma) + 1, text.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<double> parse_number(std::string_view text) {
    text = trim(text);
    std::string compact;
    for (std::size_t index = 0; index < text.size();) {
        std::size_t length = 0;
        if (is_blank_prefix(text.substr(index), length) || text[index] == '\'' || text[index] == '_') {
            index += length == 0 ? 1 : length;
            continue;
        }
        compact.push_back(text[index]);
        ++index;
    }
    if (compact.empty()) return std::nullopt;

    const auto last_comma = compact.rfind(',');
    const auto last_dot = compact.rfind('.');
    const auto commas = std::count(compact.begin(), compact.end(), ',');
    const auto dots = std::count(compact.begin(), compact.end(), '.');
    std::string normal;
    if (commas > 0 && dots > 0) {
        // The later separator is the decimal one: 1.234,56 and 1,234.56.
        const char decimal = last_comma > last_dot ? ',' : '.';
        if (std::count(compact.begin(), compact.end(), decimal) != 1) return std::nullopt;
        for (char c : compact) {
            if (c == decimal) {
                normal.push_back('.');
            } else if (c != ',' && c != '.') {
                normal.push_back(c);
            }
        }
    } else if (commas == 1) {
        normal = compact;
        normal[last_comma] = '.';  // 1234,56: a decimal comma
    } else if (commas > 1 || dots > 1) {
        for (char c : compact) {
            if (c != ',' && c != '.') normal.push_back(c);  // 1,234,567 or 1.234.567
        }
    } else {
        normal = compact;
    }
    if (!normal.empty() && normal.front() == '+') normal.erase(0, 1);

    double value = 0;
    auto [end, error] = std::from_chars(normal.data(), normal.data() + normal.size(), value);
    if (error != std::errc() || end != normal.data() + normal.size() || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::size_t nesting_depth(std::string_view text) {
    std::size_t depth = 0;
    std::size_t deepest = 0;
    bool in_string = false;
    for (std::size_t index = 0; index < text.size(); ++index) {
        const char c = text[index];
        if (in_string) {
            if (c == '\\') {
                ++index;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

std::optional<bool> parse_boolean(std::string_view text) {
    const auto word = lower_ascii(trim(text));
    for (const char* yes : {"true", "yes", "y", "oui", "vrai", "1", "x"}) {
        if (word == yes) return true;
    }
    for (const char* no : {"false", "no", "n", "non", "faux", "0"}) {
        if (word == no) return false;
    }
    return std::nullopt;
}

ConvertedValue convert_value(const nlohmann::ordered_json& read, const FieldShape& shape, DateOrder order) {
    if (read.is_string()) return convert_text(read.get_ref<const std::string&>(), shape, order);
    ConvertedValue result;
    result.value = read;
    if (read.is_number() && shape.json_type == "string") {
        result.value = read.dump();
        result.how = N_("read as text");
    } else if (read.is_boolean() && shape.json_type == "string") {
        result.value = read.get<bool>() ? "true" : "false";
        result.how = N_("read as text");
    } else if (!read.is_array() && !read.is_null() && shape.json_type == "array") {
        result.value = nlohmann::ordered_json::array({read});
        result.how = N_("read as a list");
    } else if (read.is_array()) {
        // Trim the text items of a list; leave the others.
        bool trimmed = false;
        for (auto& item : result.value) {
            if (!item.is_string()) continue;
            const auto& text = item.get_ref<const std::string&>();
            const auto cut = trim(text);
            if (cut.size() != text.size()) {
                item = std::string(cut);
                trimmed = true;
            }
        }
        if (trimmed) result.how = N_("trimmed");
    }
    return result;
}

std::string yaml_line(const nlohmann::ordered_json& value, bool date_field) {
    if (value.is_null()) return {};
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        if (date_field && is_calendar_date(text)) return text;
        return yaml_quote_string(text);
    }
    if (value.is_array()) {
        std::string line = "[";
        for (std::size_t index = 0; index < value.size(); ++index) {
            if (index > 0) line += ", ";
            line += flow_item(value[index]);
        }
        return line + "]";
    }
    if (value.is_object()) {
        std::string line = "{";
        bool first = true;
        for (const auto& [key, item] : value.items()) {
            if (!first) line += ", ";
            first = false;
            line += nlohmann::ordered_json(key).dump() + ": " + flow_item(item);
        }
        return line + "}";
    }
    return value.dump();
}

}  // namespace dossier::importers
