#include "simple_front_matter.hpp"

#include <optional>
#include <string>
#include <unordered_set>

#include "dossier/text.hpp"

namespace dossier {
namespace {

// Characters that give a plain scalar a meaning other than text when they start it.
bool is_indicator(char c) {
    switch (c) {
    case '-': case '?': case ':': case ',': case '[': case ']': case '{': case '}': case '#':
    case '&': case '*': case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
        return true;
    default:
        return false;
    }
}

// True when `text` is a plain scalar that YAML reads as exactly these characters, on one
// line, in block context (`in_flow` false) or inside a flow list.
bool is_simple_plain(std::string_view text, bool in_flow) {
    if (text.empty() || is_indicator(text.front())) return false;
    if (text.back() == ':' || text.back() == ' ') return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\t' || c == '\r' || static_cast<unsigned char>(c) < 0x20) return false;
        if (c == ':' && i + 1 < text.size() && text[i + 1] == ' ') return false;
        if (c == '#' && i > 0 && text[i - 1] == ' ') return false;
        if (in_flow && (c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == ':')) return false;
    }
    return true;
}

// Returns the unescaped inside of a double-quoted scalar whose escapes are among \\ \" \/ \n
// \r \t, the ones dossier writes. Returns nullopt for other escapes and for an unescaped quote.
std::optional<std::string> read_double_quoted(std::string_view inner) {
    std::string text;
    text.reserve(inner.size());
    for (std::size_t i = 0; i < inner.size(); ++i) {
        const char c = inner[i];
        if (c == '"') return std::nullopt;
        if (c != '\\') {
            text += c;
            continue;
        }
        if (++i == inner.size()) return std::nullopt;
        switch (inner[i]) {
            case '\\': text += '\\'; break;
            case '"': text += '"'; break;
            case '/': text += '/'; break;
            case 'n': text += '\n'; break;
            case 'r': text += '\r'; break;
            case 't': text += '\t'; break;
            default: return std::nullopt;
        }
    }
    return text;
}

std::string_view trim_spaces(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
}

// Reads a scalar that starts at `offset` of `line` and spans all of `text`. Returns nullopt
// when it is not a simple one.
std::optional<Value> read_scalar(std::string_view line, std::size_t offset, std::string_view text, int line_number,
                                 bool in_flow) {
    int column = count_code_points(line, offset) + 1;
    if (text.front() == '"' || text.front() == '\'') {
        char quote = text.front();
        if (text.size() < 2 || text.back() != quote) return std::nullopt;
        std::string_view inner = text.substr(1, text.size() - 2);
        for (char c : inner) {
            if (c == '\t' || static_cast<unsigned char>(c) < 0x20) return std::nullopt;
        }
        // A leading or trailing space is kept by YAML but easy to get wrong: let the full reader do it.
        if (!inner.empty() && (inner.front() == ' ' || inner.back() == ' ')) return std::nullopt;
        auto unescaped = quote == '"' && !in_flow ? read_double_quoted(inner) : std::nullopt;
        if (!unescaped) {
            if (inner.find(quote) != std::string_view::npos) return std::nullopt;
            if (quote == '"' && inner.find('\\') != std::string_view::npos) return std::nullopt;
            unescaped = std::string(inner);
        }
        return Value::make_scalar(ScalarType::string, std::move(*unescaped), true, line_number, column);
    }
    if (!is_simple_plain(text, in_flow)) return std::nullopt;
    if (looks_like_invalid_date(text)) return std::nullopt;
    auto type = resolve_plain_scalar(text);
    // yaml-cpp gives null, ~ and Null as a null node without text.
    return Value::make_scalar(type, type == ScalarType::null ? std::string() : std::string(text), false, line_number,
                              column);
}

// Reads a flow list [a, "b", c] that fills `text`, at `offset` of `line`.
std::optional<Value> read_flow_list(std::string_view line, std::size_t offset, std::string_view text,
                                    int line_number) {
    if (text.back() != ']') return std::nullopt;
    auto list = Value::make_sequence(line_number, count_code_points(line, offset) + 1);
    std::string_view inside = text.substr(1, text.size() - 2);
    std::size_t inside_offset = offset + 1;
    if (trim_spaces(inside).empty()) return list;
    std::size_t start = 0;
    while (start <= inside.size()) {
        auto comma = inside.find(',', start);
        std::size_t end = comma == std::string_view::npos ? inside.size() : comma;
        std::string_view raw = inside.substr(start, end - start);
        std::string_view item = trim_spaces(raw);
        if (item.empty()) {
            // [a, b,] ends with a comma, which YAML allows; [a,,b] is an error for the full reader.
            if (comma == std::string_view::npos && start > 0) break;
            return std::nullopt;
        }
        std::size_t item_offset = inside_offset + start + static_cast<std::size_t>(item.data() - raw.data());
        auto value = read_scalar(line, item_offset, item, line_number, true);
        if (!value) return std::nullopt;
        list.push_back(std::move(*value));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return list;
}

}  // namespace

std::optional<Value> read_simple_front_matter(std::string_view yaml, int first_line, std::size_t max_values) {
    std::optional<Value> mapping;
    std::size_t values = 0;
    std::unordered_set<std::string_view> keys;
    // A key without a value is null, placed by yaml-cpp at the start of the next key's line
    // (or of the line after the last one): it is added when that line is known.
    std::optional<std::pair<std::string_view, int>> pending_null;
    auto add_pending_null = [&](int line_number) {
        if (!pending_null) return;
        mapping->add_entry(std::string(pending_null->first), Value::make_scalar(ScalarType::null, "", false, line_number, 1),
                           pending_null->second, 1);
        pending_null.reset();
    };

    int line_number = first_line;
    for (std::size_t offset = 0; offset < yaml.size(); ++line_number) {
        auto end = yaml.find('\n', offset);
        std::string_view line = yaml.substr(offset, end == std::string_view::npos ? std::string_view::npos : end - offset);
        offset = end == std::string_view::npos ? yaml.size() : end + 1;

        if (line.empty() || line.front() == '#') continue;
        if (trim_spaces(line).empty()) continue;
        // An indented line continues a value or nests one: the full reader's work.
        if (line.front() == ' ' || line.front() == '\t') return std::nullopt;

        // The key ends at the first colon followed by a space or the end of the line.
        std::size_t colon = 0;
        while ((colon = line.find(':', colon)) != std::string_view::npos) {
            if (colon + 1 == line.size() || line[colon + 1] == ' ') break;
            ++colon;
        }
        if (colon == std::string_view::npos || colon == 0) return std::nullopt;
        std::string_view key = line.substr(0, colon);
        if (!is_simple_plain(key, false) || key.find('\'') != std::string_view::npos ||
            key.find('"') != std::string_view::npos) {
            return std::nullopt;
        }
        if (!keys.insert(key).second) return std::nullopt;

        if (!mapping) mapping = Value::make_mapping(line_number, 1);
        add_pending_null(line_number);

        std::size_t value_offset = colon + 1;
        while (value_offset < line.size() && line[value_offset] == ' ') ++value_offset;
        std::string_view text = line.substr(value_offset);
        while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
        if (text.empty()) {
            pending_null.emplace(key, line_number);
            ++values;
            continue;
        }
        auto value = text.front() == '[' ? read_flow_list(line, value_offset, text, line_number)
                                         : read_scalar(line, value_offset, text, line_number, false);
        if (!value) return std::nullopt;
        values += 1 + value->items().size();
        if (values > max_values) return std::nullopt;
        mapping->add_entry(std::string(key), std::move(*value), line_number, 1);
    }
    if (mapping) add_pending_null(line_number);
    return mapping;
}

}  // namespace dossier
