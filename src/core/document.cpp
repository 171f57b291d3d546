#include "dossier/document.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>
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

// Returns the offset of the comment in `line` at or after `start` (a '#' at `start` or after
// a space or tab, outside quoted scalars), or npos.
std::size_t find_comment(std::string_view line, std::size_t start) {
    for (std::size_t i = start; i < line.size(); ++i) {
        char c = line[i];
        bool token_start = i == start || std::string_view(" \t[{,").find(line[i - 1]) != std::string_view::npos;
        if ((c == '"' || c == '\'') && token_start) {
            i = skip_quoted(line, i);
            if (i == std::string_view::npos) return i;
            --i;
        } else if (c == '#' && (i == start || line[i - 1] == ' ' || line[i - 1] == '\t')) {
            return i;
        }
    }
    return std::string_view::npos;
}

// Returns the byte offset of the 1-based code-point `column` in `line`.
std::size_t byte_offset_of_column(std::string_view line, int column) {
    std::size_t offset = 0;
    for (int current = 1; current < column && offset < line.size(); ++current) {
        ++offset;
        while (offset < line.size() && (static_cast<unsigned char>(line[offset]) & 0xC0) == 0x80) ++offset;
    }
    return offset;
}

// Returns `line`, the first line of a top-level key, with its value replaced by `yaml_value`
// (empty for null) and its trailing comment kept. `key_start` is the key's byte offset. Set
// `multi_line` when the old value continues on the next lines, which the caller removes.
// Returns nothing when the key's colon is not on `line`.
std::optional<std::string> rewrite_key_line(std::string_view line, std::size_t key_start, std::string_view yaml_value,
                                            bool multi_line) {
    auto colon_end = find_key_colon_end(line, key_start);
    if (colon_end == std::string_view::npos) return std::nullopt;

    auto value_start = std::min(line.find_first_not_of(" \t", colon_end), line.size());
    auto comment = find_comment(line, value_start);
    bool no_value = value_start == line.size() || comment == value_start;

    std::string_view spacing = line.substr(colon_end, value_start - colon_end);
    std::string_view rest;
    if (no_value || multi_line) {
        // A block value's header (| or > with indicators) goes with the value; only a comment stays.
        rest = comment == std::string_view::npos ? std::string_view() : line.substr(comment);
    } else {
        rest = line.substr(find_value_end(line, value_start));
    }

    std::string new_line(line.substr(0, colon_end));
    if (!yaml_value.empty()) {
        new_line += spacing.empty() || value_start == line.size() ? " " : std::string(spacing);
        new_line += yaml_value;
    }
    if (!rest.empty() && rest.front() != ' ' && rest.front() != '\t') new_line += ' ';
    new_line += rest;
    return new_line;
}

// Returns the index of top-level `key` in `mapping`'s entries, or nothing.
std::optional<std::size_t> find_entry(const Value& mapping, std::string_view key) {
    const auto& entries = mapping.entries();
    for (std::size_t index = 0; index < entries.size(); ++index) {
        if (entries[index].first == key) return index;
    }
    return std::nullopt;
}

// Returns the first and last line of entry `index` of the top-level `mapping`: its key line
// through its value's last line. Blank lines and comments at column 0 after the value belong
// to what follows. `closing_line` is the front matter's closing delimiter.
std::pair<int, int> value_lines(const Value& mapping, std::size_t index, int closing_line, std::string_view text,
                                const std::vector<LineSpan>& lines) {
    int key_line = mapping.key_position(index).first;
    int limit = index + 1 < mapping.entries().size() ? mapping.key_position(index + 1).first - 1 : closing_line - 1;

    int last_line = key_line;
    for (int line = key_line + 1; line <= limit; ++line) {
        const LineSpan& span = lines[static_cast<std::size_t>(line - 1)];
        std::string_view content = text.substr(span.begin, span.content_end - span.begin);
        bool blank = content.find_first_not_of(" \t") == std::string_view::npos;
        if (!blank && !content.starts_with('#')) last_line = line;
    }
    return {key_line, last_line};
}

// Returns true for a value that YAML reads as its own text without a YAML parser to check it.
// Such a value is a double-quoted scalar with simple escapes, or a plain scalar that starts with
// a letter or digit and contains no ": " or " #".
bool reads_as_written(std::string_view yaml_value) {
    // Control characters, and the code points YAML reads as line breaks or a byte order mark
    // (U+0085 and the other C1 controls, U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF).
    const auto special_at = [&](std::size_t i) {
        const auto byte = [&](std::size_t at) { return at < yaml_value.size() ? static_cast<unsigned char>(yaml_value[at]) : 0; };
        const unsigned char c = byte(i);
        if (c < 0x20 || c == 0x7F) return true;
        if (c == 0xC2) return byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9F;
        if (c == 0xE2) return byte(i + 1) == 0x80 && (byte(i + 2) == 0xA8 || byte(i + 2) == 0xA9);
        if (c == 0xEF) return (byte(i + 1) == 0xBB && byte(i + 2) == 0xBF) || (byte(i + 1) == 0xBF && byte(i + 2) >= 0xBE);
        return false;
    };
    if (yaml_value.size() >= 2 && yaml_value.front() == '"' && yaml_value.back() == '"') {
        for (std::size_t i = 1; i + 1 < yaml_value.size(); ++i) {
            if (yaml_value[i] == '"' || special_at(i)) return false;
            if (yaml_value[i] == '\\') {
                // The escapes that yaml_quote_string writes for text; the others go to yaml-cpp.
                if (i + 2 >= yaml_value.size() || std::string_view("\\\"/nrt").find(yaml_value[i + 1]) == std::string_view::npos) {
                    return false;
                }
                ++i;
            }
        }
        return true;
    }
    // A plain scalar: it starts with a letter or a digit, never with an indicator such as - [ {
    // & * ! | > ' " % @ or `, and none of its characters can end it early.
    const auto first = static_cast<unsigned char>(yaml_value.empty() ? ' ' : yaml_value.front());
    if (!(std::isalnum(first) || (first >= 0x80 && !special_at(0))) || yaml_value.back() == ' ' ||
        yaml_value.back() == ':') {
        return false;
    }
    for (std::size_t i = 0; i < yaml_value.size(); ++i) {
        const auto c = static_cast<unsigned char>(yaml_value[i]);
        if (special_at(i)) return false;
        // Neither is last, as checked above: ": " would start a mapping, and " #" a comment.
        if (c == ':' && yaml_value[i + 1] == ' ') return false;
        if (c == ' ' && (yaml_value[i + 1] == '#' || yaml_value[i + 1] == ' ')) return false;
    }
    return true;
}

void check_one_line_yaml(std::string_view key, std::string_view yaml_value) {
    if (yaml_value.find_first_of("\r\n") != std::string_view::npos) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("invalid value for \"{}\": a value must fit on one line")), key),
                    tr("use --string to store text with line breaks as a quoted string"));
    }
    if (reads_as_written(yaml_value)) return;
    YAML::Node value;
    try {
        auto node = YAML::Load("value: " + std::string(yaml_value));
        if (!node.IsMap() || node.size() != 1) throw YAML::Exception(YAML::Mark::null_mark(), "");
        value = node["value"];
    } catch (const YAML::Exception&) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("invalid YAML value for \"{}\": {}")), key, yaml_value),
                    tr("quote the value, or use --string to store it as text"));
    }

    // YAML would silently drop a comment ("Port #3" keeps "Port"), an anchor or a tag, or read
    // a lone | or > as an empty block: such a value is not stored as the user typed it.
    auto trimmed = yaml_value.substr(0, yaml_value.find_last_not_of(" \t") + 1);
    trimmed.remove_prefix(std::min(trimmed.find_first_not_of(" \t"), trimmed.size()));
    bool plain_scalar = value.IsScalar() && value.Tag() == "?";
    bool null_spelling = trimmed.empty() || trimmed == "~" || trimmed == "null" || trimmed == "Null" || trimmed == "NULL";
    bool changed = (plain_scalar && value.Scalar() != trimmed) || (value.IsNull() && !null_spelling) ||
                   find_comment(yaml_value, 0) != std::string_view::npos ||
                   (!trimmed.empty() && std::string_view("&!|>").find(trimmed.front()) != std::string_view::npos);
    if (changed) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("value for \"{}\" would not be stored as typed: {}")), key,
                                yaml_value),
                    tr("use --string to store it as text, or quote it"));
    }
}

// Returns the byte offset just past the key token that starts at `key_start`: the closing
// quote of a quoted key, or the last character before the colon of a plain key. Returns npos
// when no `:` follows the key on `line`.
std::size_t find_key_token_end(std::string_view line, std::size_t key_start) {
    if (key_start < line.size() && (line[key_start] == '"' || line[key_start] == '\'')) {
        auto end = skip_quoted(line, key_start);
        if (end == std::string_view::npos) return end;
        auto colon = line.find_first_not_of(" \t", end);
        return colon != std::string_view::npos && line[colon] == ':' ? end : std::string_view::npos;
    }
    auto colon_end = find_key_colon_end(line, key_start);
    if (colon_end == std::string_view::npos) return colon_end;
    auto end = colon_end - 1;
    while (end > key_start && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
    return end;
}

// Returns `mapping` as JSON with the key `old_key` named `new_key`, in the same place.
nlohmann::ordered_json with_key_renamed(const Value& mapping, std::string_view old_key, std::string_view new_key) {
    auto renamed = nlohmann::ordered_json::object();
    for (const auto& [key, value] : mapping.entries()) {
        renamed[key == old_key ? std::string(new_key) : key] = value.to_json();
    }
    return renamed;
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
    set_all({{std::string(key), std::string(yaml_value)}});
}

void Document::set_all(const std::vector<std::pair<std::string, std::string>>& values) {
    if (values.empty()) return;
    if (split_.format == FrontMatterFormat::toml) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("cannot edit TOML front matter in {}")), display_path_),
                    tr("convert the +++ block to YAML between --- lines, then run the command again"));
    }
    std::vector<std::string_view> keys;
    for (const auto& [key, yaml_value] : values) {
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
            throw std::invalid_argument("Document::set_all: a key is given twice: " + key);
        }
        check_one_line_yaml(key, yaml_value);
        keys.push_back(key);
    }
    const std::string& text = decoded_.utf8;
    const std::string eol = line_ending();
    const auto new_line_of = [&](const std::string& key, const std::string& yaml_value) {
        return yaml_quote_string(key) + ":" + (yaml_value.empty() ? std::string() : " " + yaml_value) + eol;
    };

    if (!split_.block) {
        std::string block = "---" + eol;
        for (const auto& [key, yaml_value] : values) block += new_line_of(key, yaml_value);
        replace_text(block + "---" + eol + text, keys);
        return;
    }

    // Each existing key's lines are replaced in place; the missing keys go at the end of the
    // front matter, in the order given.
    struct Edit {
        std::size_t begin;
        std::size_t end;
        std::string line;
    };
    std::vector<Edit> edits;
    std::string appended;
    auto lines = split_lines(text);
    for (const auto& [key, yaml_value] : values) {
        if (auto index = find_entry(front_matter_, key)) {
            auto [key_line, last_line] = value_lines(front_matter_, *index, split_.block->closing_line, text, lines);
            auto key_column = front_matter_.key_position(*index).second;
            const LineSpan& first = lines[static_cast<std::size_t>(key_line - 1)];
            std::string_view content(text.data() + first.begin, first.content_end - first.begin);
            auto new_line = rewrite_key_line(content, byte_offset_of_column(content, key_column), yaml_value,
                                             last_line != key_line);
            if (new_line) {
                edits.push_back({first.begin, lines[static_cast<std::size_t>(last_line - 1)].content_end,
                                 std::move(*new_line)});
                continue;
            }
            // NOTE: the key's colon is on another line (a "? key" entry, say). Appending the key
            // again below then fails in replace_text as a duplicate key, and nothing changes.
        }
        appended += new_line_of(key, yaml_value);
    }
    std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.begin < b.begin; });

    std::string new_text;
    new_text.reserve(text.size() + appended.size() + 64 * edits.size());
    std::size_t at = 0;
    const std::size_t yaml_end = split_.block->yaml_end;
    for (const auto& edit : edits) {
        new_text.append(text, at, edit.begin - at);
        new_text += edit.line;
        at = edit.end;
    }
    new_text.append(text, at, yaml_end - at);
    new_text += appended;
    new_text.append(text, yaml_end, std::string::npos);
    replace_text(std::move(new_text), keys);
}

std::optional<std::string> Document::entry_text(std::string_view key) const {
    if (!split_.block) return std::nullopt;
    auto index = find_entry(front_matter_, key);
    if (!index) return std::nullopt;

    const std::string& text = decoded_.utf8;
    auto lines = split_lines(text);
    auto [key_line, last_line] = value_lines(front_matter_, *index, split_.block->closing_line, text, lines);
    auto begin = lines[static_cast<std::size_t>(key_line - 1)].begin;
    auto end = lines[static_cast<std::size_t>(last_line - 1)].next;
    return text.substr(begin, end - begin);
}

void Document::set_entry_text(std::string_view key, std::string_view entry_text) {
    if (split_.format == FrontMatterFormat::toml) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("cannot edit TOML front matter in {}")), display_path_),
                    tr("convert the +++ block to YAML between --- lines, then run the command again"));
    }
    const std::string eol = line_ending();
    std::string entry;
    for (const auto& line : split_lines(entry_text)) {
        entry.append(entry_text.substr(line.begin, line.content_end - line.begin));
        entry += eol;
    }

    // The entry alone must define `key` and nothing else. Its value is what the edit must give.
    const auto not_one_entry = [&] {
        return Error(ErrorKind::invalid_input,
                     fmt::format(fmt::runtime(tr("cannot set \"{}\" in {}: the new lines do not define that key "
                                                 "alone")),
                                 key, display_path_),
                     tr("edit the front matter with an editor"));
    };
    Value defined;
    try {
        defined = parse_yaml_mapping(entry, 1, entry, display_path_, limits_);
    } catch (const Error&) {
        throw not_one_entry();
    }
    if (defined.entries().size() != 1 || defined.entries().front().first != key) throw not_one_entry();

    const std::string& text = decoded_.utf8;
    std::string new_text;
    if (!split_.block) {
        new_text = "---" + eol + entry + "---" + eol + text;
    } else if (auto index = find_entry(front_matter_, key)) {
        auto lines = split_lines(text);
        auto [key_line, last_line] = value_lines(front_matter_, *index, split_.block->closing_line, text, lines);
        new_text = text.substr(0, lines[static_cast<std::size_t>(key_line - 1)].begin) + entry +
                   text.substr(lines[static_cast<std::size_t>(last_line - 1)].next);
    } else {
        new_text = text.substr(0, split_.block->yaml_end) + entry + text.substr(split_.block->yaml_end);
    }

    Document before = *this;
    replace_text(std::move(new_text), {key});
    const Value* written = front_matter_.find(key);
    if (written == nullptr || !same_value(*written, defined.entries().front().second)) {
        *this = std::move(before);
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("cannot set \"{}\" in {}: the result would not read back as the "
                                                "new lines")),
                                key, display_path_),
                    tr("edit the front matter with an editor"));
    }
}

void Document::replace_body(std::string_view body) {
    std::string text = decoded_.utf8.substr(0, split_.body_begin);
    text += body;
    // The front matter does not change, so its parsed values and positions stay valid.
    decoded_.utf8 = std::move(text);
}

bool Document::remove(std::string_view key) {
    if (!split_.block) return false;
    auto index = find_entry(front_matter_, key);
    if (!index) return false;

    const std::string& text = decoded_.utf8;
    auto lines = split_lines(text);
    auto [key_line, last_line] = value_lines(front_matter_, *index, split_.block->closing_line, text, lines);
    replace_text(text.substr(0, lines[static_cast<std::size_t>(key_line - 1)].begin) +
                     text.substr(lines[static_cast<std::size_t>(last_line - 1)].next),
                 {key});
    return true;
}

bool Document::rename_key(std::string_view old_key, std::string_view new_key) {
    if (!split_.block) return false;
    auto index = find_entry(front_matter_, old_key);
    if (!index) return false;
    if (old_key == new_key) return true;

    if (!is_plain_key(new_key)) {
        throw Error(ErrorKind::invalid_input, fmt::format(fmt::runtime(tr("invalid front-matter key: {}")), new_key),
                    tr("use letters, digits, \"_\" and \"-\", such as review_every"));
    }
    if (find_entry(front_matter_, new_key)) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("cannot rename \"{}\" to \"{}\" in {}: \"{}\" already exists")), old_key,
                                new_key, display_path_, new_key),
                    tr("keep one of the two keys, then rename"));
    }

    const std::string& text = decoded_.utf8;
    auto lines = split_lines(text);
    auto [key_line, key_column] = front_matter_.key_position(*index);
    const LineSpan& span = lines[static_cast<std::size_t>(key_line - 1)];
    std::string_view content(text.data() + span.begin, span.content_end - span.begin);
    auto key_start = byte_offset_of_column(content, key_column);
    auto key_end = find_key_token_end(content, key_start);
    bool plain_token = key_end != std::string_view::npos && content[key_start] != '"' && content[key_start] != '\'';
    // A plain token that is not the key's text (an anchor or a tag before it) would be lost.
    if (key_end == std::string_view::npos || (plain_token && content.substr(key_start, key_end - key_start) != old_key)) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("cannot rename \"{}\" in {}: the key is not written as \"key: value\"")),
                                old_key, display_path_),
                    tr("rename the key with an editor"));
    }

    std::string new_text = text.substr(0, span.begin + key_start) + std::string(new_key) +
                           text.substr(span.begin + key_end);
    Document edited;
    try {
        edited = Document::parse(encode_text(new_text, decoded_.bom), display_path_, limits_);
    } catch (const Error& error) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("cannot rename \"{}\" in {}: the result would not read back ({})")),
                                old_key, display_path_, error.what()),
                    tr("rename the key with an editor"));
    }
    if (edited.front_matter_.to_json() != with_key_renamed(front_matter_, old_key, new_key)) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("cannot rename \"{}\" in {}: other keys would change")), old_key,
                                display_path_),
                    tr("rename the key with an editor"));
    }
    *this = std::move(edited);
    return true;
}

void Document::replace_text(std::string new_text, const std::vector<std::string_view>& changed_keys) {
    const auto names = [&] { return fmt::format("{}", fmt::join(changed_keys, ", ")); };
    Document edited;
    try {
        edited = Document::parse(encode_text(new_text, decoded_.bom), display_path_, limits_);
    } catch (const Error& error) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("cannot set \"{}\" in {}: the result would not read back ({})")),
                                names(), display_path_, error.what()),
                    tr("quote the value, or use --string to store it as text"));
    }

    // Every other key must read back as it was, in the same order.
    const auto is_changed = [&](const std::string& key) {
        return std::find(changed_keys.begin(), changed_keys.end(), key) != changed_keys.end();
    };
    const auto& before = front_matter_.entries();
    const auto& after = edited.front_matter_.entries();
    bool same = true;
    std::size_t next = 0;
    for (const auto& [key, value] : before) {
        if (is_changed(key)) continue;
        while (next < after.size() && is_changed(after[next].first)) ++next;
        if (next == after.size() || after[next].first != key || after[next].second.to_json() != value.to_json()) {
            same = false;
            break;
        }
        ++next;
    }
    while (same && next < after.size() && is_changed(after[next].first)) ++next;
    if (!same || next != after.size()) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("cannot set \"{}\" in {}: other keys would change")), names(),
                                display_path_),
                    tr("quote the value, or use --string to store it as text"));
    }
    *this = std::move(edited);
}

std::string Document::to_bytes() const { return encode_text(decoded_.utf8, decoded_.bom); }

bool is_plain_key(std::string_view key) {
    return find_invalid_utf8(key) == std::string_view::npos && yaml_quote_string(key) == key;
}

}  // namespace dossier
