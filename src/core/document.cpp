#include "dossier/document.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

namespace dossier {
namespace {

// Byte offsets of the lines of the text, each [begin, content_end) plus where the next starts.
struct LineSpan {
    std::size_t begin;
    std::size_t content_end;
    std::size_t next;
};

std::vector<LineSpan> split_lines(std::string_view text) {
    std::vector<LineSpan> lines;
    std::size_t offset = 0;
    while (offset < text.size()) {
        auto end = text.find_first_of("\r\n", offset);
        if (end == std::string_view::npos) {
            lines.push_back({offset, text.size(), text.size()});
            break;
        }
        std::size_t next = end + (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? 2 : 1);
        lines.push_back({offset, end, next});
        offset = next;
    }
    return lines;
}

// Returns the offset just past a quoted scalar starting at `start` (a ' or "), or npos.
std::size_t skip_quoted(std::string_view line, std::size_t start) {
    char quote = line[start];
    for (std::size_t i = start + 1; i < line.size(); ++i) {
        if (quote == '"' && line[i] == '\\') {
            ++i;
        } else if (line[i] == quote) {
            if (quote == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
                ++i;
            } else {
                return i + 1;
            }
        }
    }
    return std::string_view::npos;
}

// Returns the offset just past the ':' that ends the key starting at `start`, or npos.
std::size_t find_key_colon_end(std::string_view line, std::size_t start) {
    std::size_t i = start;
    if (i < line.size() && (line[i] == '"' || line[i] == '\'')) {
        i = skip_quoted(line, i);
        if (i == std::string_view::npos) return i;
    }
    for (; i < line.size(); ++i) {
        if (line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\t')) return i + 1;
    }
    return std::string_view::npos;
}

// Returns the offset just past a one-line value starting at `start`, before any comment.
std::size_t find_value_end(std::string_view line, std::size_t start) {
    if (start >= line.size()) return start;
    char first = line[start];
    if (first == '"' || first == '\'') {
        auto end = skip_quoted(line, start);
        return end == std::string_view::npos ? line.size() : end;
    }
    if (first == '[' || first == '{') {
        int depth = 0;
        for (std::size_t i = start; i < line.size(); ++i) {
            char c = line[i];
            if (c == '"' || c == '\'') {
                i = skip_quoted(line, i);
                if (i == std::string_view::npos) return line.size();
                --i;
            } else if (c == '[' || c == '{') {
                ++depth;
            } else if ((c == ']' || c == '}') && --depth == 0) {
                return i + 1;
            }
        }
        return line.size();
    }
    auto comment = line.find(" #", start);
    auto end = comment == std::string_view::npos ? line.size() : comment;
    while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
    return end;
}

void check_one_line_yaml(std::string_view key, std::string_view yaml_value) {
    if (yaml_value.find_first_of("\r\n") != std::string_view::npos) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("invalid value for \"{}\": a value must fit on one line")), key),
                    tr("use --string to store text with line breaks as a quoted string"));
    }
    try {
        auto node = YAML::Load("value: " + std::string(yaml_value));
        if (!node.IsMap() || node.size() != 1) throw YAML::Exception(YAML::Mark::null_mark(), "");
    } catch (const YAML::Exception&) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("invalid YAML value for \"{}\": {}")), key, yaml_value),
                    tr("quote the value, or use --string to store it as text"));
    }
}

}  // namespace

Document Document::parse(std::string_view bytes, std::string display_path, const ParseLimits& limits) {
    Document document;
    document.display_path_ = std::move(display_path);
    document.limits_ = limits;
    document.decoded_ = decode_text(bytes, document.display_path_);
    document.split_ = split_front_matter(document.decoded_.utf8, document.display_path_);
    if (document.split_.block) {
        document.front_matter_ =
            parse_front_matter(document.decoded_.utf8, *document.split_.block, document.display_path_, limits);
    }
    return document;
}

std::string Document::field(std::string_view key, std::string_view fallback) const {
    const Value* value = front_matter_.find(key);
    if (value == nullptr || !value->is_scalar() || value->scalar_type() == ScalarType::null) {
        return std::string(fallback);
    }
    return value->text();
}

std::string Document::type() const { return has_front_matter() ? field("type") : "note"; }

std::string_view Document::body() const noexcept {
    return std::string_view(decoded_.utf8).substr(split_.body_begin);
}

std::string Document::line_ending() const {
    switch (decoded_.line_ending) {
        case LineEnding::crlf: return "\r\n";
        case LineEnding::cr: return "\r";
        case LineEnding::lf: break;
    }
    return "\n";
}

void Document::set(std::string_view key, std::string_view yaml_value) {
    if (split_.format == FrontMatterFormat::toml) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("cannot edit TOML front matter in {}")), display_path_),
                    tr("convert the +++ block to YAML between --- lines, then run the command again"));
    }
    check_one_line_yaml(key, yaml_value);
    std::string value_text = yaml_value.empty() ? std::string() : " " + std::string(yaml_value);
    const std::string& text = decoded_.utf8;

    if (!split_.block) {
        std::string eol = line_ending();
        std::string block = "---" + eol + yaml_quote_string(key) + ":" + value_text + eol + "---" + eol;
        replace_text(block + text, key);
        return;
    }

    const auto& entries = front_matter_.entries();
    auto lines = split_lines(text);
    for (std::size_t index = 0; index < entries.size(); ++index) {
        if (entries[index].first != key) continue;

        auto [key_line, key_column] = front_matter_.key_position(index);
        int last_line = key_line;
        int limit = index + 1 < entries.size() ? front_matter_.key_position(index + 1).first - 1
                                               : split_.block->closing_line - 1;
        for (int line = key_line + 1; line <= limit; ++line) {
            std::string_view content(text.data() + lines[line - 1].begin,
                                     lines[line - 1].content_end - lines[line - 1].begin);
            bool blank = content.find_first_not_of(" \t") == std::string_view::npos;
            if (!blank && !content.starts_with('#')) last_line = line;
        }

        const LineSpan& first = lines[key_line - 1];
        std::string_view content(text.data() + first.begin, first.content_end - first.begin);
        auto key_start = static_cast<std::size_t>(key_column - 1);
        auto colon_end = find_key_colon_end(content, key_start);
        if (colon_end == std::string_view::npos) break;

        auto value_start = content.find_first_not_of(" \t", colon_end);
        if (value_start == std::string_view::npos || content[value_start] == '#') value_start = content.size();
        auto value_end = last_line == key_line ? find_value_end(content, value_start) : value_start;
        std::string_view spacing = content.substr(colon_end, value_start - colon_end);
        std::string_view rest = content.substr(value_end);
        if (last_line != key_line && rest.find('#') == std::string_view::npos) rest = {};

        std::string new_line = std::string(content.substr(0, colon_end));
        if (!yaml_value.empty()) new_line += spacing.empty() || value_start == content.size() ? " " : std::string(spacing);
        new_line += yaml_value;
        new_line += rest.empty() || rest.starts_with(' ') || rest.starts_with('\t') ? std::string(rest) : " " + std::string(rest);

        std::size_t replace_end = lines[last_line - 1].content_end;
        replace_text(text.substr(0, first.begin) + new_line + text.substr(replace_end), key);
        return;
    }

    std::string new_line = yaml_quote_string(key) + ":" + value_text + line_ending();
    std::size_t at = split_.block->yaml_end;
    replace_text(text.substr(0, at) + new_line + text.substr(at), key);
}

bool Document::remove(std::string_view key) {
    if (!split_.block) return false;
    const auto& entries = front_matter_.entries();
    const std::string& text = decoded_.utf8;
    auto lines = split_lines(text);
    for (std::size_t index = 0; index < entries.size(); ++index) {
        if (entries[index].first != key) continue;

        int key_line = front_matter_.key_position(index).first;
        int limit = index + 1 < entries.size() ? front_matter_.key_position(index + 1).first - 1
                                               : split_.block->closing_line - 1;
        int last_line = key_line;
        for (int line = key_line + 1; line <= limit; ++line) {
            std::string_view content(text.data() + lines[line - 1].begin,
                                     lines[line - 1].content_end - lines[line - 1].begin);
            bool blank = content.find_first_not_of(" \t") == std::string_view::npos;
            if (!blank && !content.starts_with('#')) last_line = line;
        }
        replace_text(text.substr(0, lines[key_line - 1].begin) + text.substr(lines[last_line - 1].next), key);
        return true;
    }
    return false;
}

void Document::replace_text(std::string new_text, std::string_view changed_key) {
    Document edited;
    try {
        edited = Document::parse(encode_text(new_text, decoded_.bom), display_path_, limits_);
    } catch (const Error& error) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("cannot set \"{}\" in {}: the result would not read back ({})")),
                                changed_key, display_path_, error.what()),
                    tr("quote the value, or use --string to store it as text"));
    }

    auto before = front_matter_.to_json();
    auto after = edited.front_matter_.to_json();
    before.erase(std::string(changed_key));
    after.erase(std::string(changed_key));
    if (before != after) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("cannot set \"{}\" in {}: other keys would change")), changed_key,
                                display_path_),
                    tr("quote the value, or use --string to store it as text"));
    }
    *this = std::move(edited);
}

std::string Document::to_bytes() const { return encode_text(decoded_.utf8, decoded_.bom); }

}  // namespace dossier
