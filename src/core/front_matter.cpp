#include "dossier/front_matter.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/text.hpp"
#include "simple_front_matter.hpp"

namespace dossier {
namespace {

// One line of text: [begin, content_end) without its ending, next = start of the next line.
struct Line {
    std::size_t begin = 0;
    std::size_t content_end = 0;
    std::size_t next = 0;
};

// Reads the line at `offset`; LF, CRLF and a lone CR all end a line.
Line read_line(std::string_view text, std::size_t offset) {
    Line line{offset, offset, offset};
    auto end = text.find_first_of("\r\n", offset);
    if (end == std::string_view::npos) {
        line.content_end = line.next = text.size();
        return line;
    }
    line.content_end = end;
    line.next = end + (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? 2 : 1);
    return line;
}

bool is_delimiter(std::string_view content, std::string_view marker) {
    if (!content.starts_with(marker)) return false;
    return content.substr(marker.size()).find_first_not_of(" \t") == std::string_view::npos;
}

// Returns a location at `line` of `text`; `byte_column` is 0-based and counts bytes, as
// yaml-cpp marks do, and the location's column counts code points.
SourceLocation make_location(std::string_view text, const std::string& path, int line, std::size_t byte_column) {
    std::string line_text = line_at(text, line);
    return SourceLocation{path, line, count_code_points(line_text, byte_column) + 1, std::move(line_text)};
}

// Returns `yaml` with CRLF and lone CR turned into LF. yaml-cpp 0.7 does not end a line at a
// lone CR, so a classic Mac file would read as one line. Line numbers and columns stay.
std::string with_lf_line_endings(std::string_view yaml) {
    std::string out;
    out.reserve(yaml.size());
    for (std::size_t i = 0; i < yaml.size(); ++i) {
        if (yaml[i] != '\r') {
            out += yaml[i];
        } else if (i + 1 >= yaml.size() || yaml[i + 1] != '\n') {
            out += '\n';
        }
    }
    return out;
}

// Converts yaml-cpp's 0-based byte columns to 1-based code-point columns, one line at a time.
class ColumnMap {
public:
    explicit ColumnMap(std::string_view yaml) : yaml_(yaml) {
        line_starts_.push_back(0);
        for (std::size_t i = 0; i < yaml.size(); ++i) {
            if (yaml[i] == '\n') line_starts_.push_back(i + 1);
        }
    }

    int column(int line_index, int byte_column) {
        if (line_index < 0 || static_cast<std::size_t>(line_index) >= line_starts_.size() || byte_column < 0) {
            return byte_column + 1;
        }
        const auto& counts = code_points_before(line_index);
        if (counts.empty()) return byte_column + 1;  // an ASCII line
        auto index = std::min(static_cast<std::size_t>(byte_column), counts.size() - 1);
        return counts[index] + 1;
    }

private:
    // For a line with non-ASCII text, the number of code points before each byte offset;
    // empty for an ASCII line. Built once per line, so long lines with many values stay linear.
    const std::vector<int>& code_points_before(int line_index) {
        auto [found, inserted] = lines_.try_emplace(line_index);
        if (!inserted) return found->second;

        auto begin = line_starts_[static_cast<std::size_t>(line_index)];
        auto end = yaml_.find('\n', begin);
        std::string_view line = yaml_.substr(begin, end == std::string_view::npos ? end : end - begin);
        bool ascii = std::all_of(line.begin(), line.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
        if (ascii) return found->second;

        auto& counts = found->second;
        counts.reserve(line.size() + 1);
        int count = 0;
        for (char c : line) {
            counts.push_back(count);
            if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
        }
        counts.push_back(count);
        return counts;
    }

    std::string_view yaml_;
    std::vector<std::size_t> line_starts_;
    std::unordered_map<int, std::vector<int>> lines_;
};

// Returns `text` with the lone bytes 0x85 and 0xA0, which yaml-cpp 0.7 produces for the
// escapes \N and \_, written as UTF-8 (U+0085, U+00A0). Returns nothing when other invalid
// UTF-8 remains. yaml-cpp 0.7 rejects escaped surrogates and code points past U+10FFFF
// itself, so no such input is known; the check keeps invalid text out of Value.
std::optional<std::string> repair_yaml_cpp_escapes(const std::string& text) {
    if (find_invalid_utf8(text) == std::string_view::npos) return text;

    std::string repaired;
    std::size_t offset = 0;
    while (offset < text.size()) {
        auto invalid = find_invalid_utf8(std::string_view(text).substr(offset));
        if (invalid == std::string_view::npos) {
            repaired += text.substr(offset);
            break;
        }
        auto byte = static_cast<unsigned char>(text[offset + invalid]);
        if (byte != 0x85 && byte != 0xA0) return std::nullopt;

        repaired += text.substr(offset, invalid);
        repaired += '\xC2';
        repaired += static_cast<char>(byte);
        offset += invalid + 1;
    }
    return repaired;
}

class Converter {
public:
    // `yaml` is the text given to yaml-cpp, whose first line is line `first_line` of `text`.
    Converter(std::string_view text, std::string_view yaml, int first_line, const std::string& path,
              const ParseLimits& limits)
        : text_(text), columns_(yaml), first_line_(first_line), path_(path), limits_(limits) {}

    Value convert(const YAML::Node& node, int depth) {
        auto [line, column] = position(node.Mark());
        check_limits(depth, line, column);

        switch (node.Type()) {
            case YAML::NodeType::Map: return convert_mapping(node, depth, line, column);
            case YAML::NodeType::Sequence: {
                auto sequence = Value::make_sequence(line, column);
                for (const auto& item : node) sequence.push_back(convert(item, depth + 1));
                return sequence;
            }
            case YAML::NodeType::Scalar: return convert_scalar(node, line, column);
            case YAML::NodeType::Null:
            case YAML::NodeType::Undefined: break;
        }
        return Value::make_scalar(ScalarType::null, "", false, line, column);
    }

    // Returns the 1-based file line and code-point column of a yaml-cpp mark.
    std::pair<int, int> position(const YAML::Mark& mark) {
        return {mark.line + first_line_, columns_.column(mark.line, mark.column)};
    }

    [[noreturn]] void fail(int line, int column, std::string message, std::string hint = {}) const {
        throw Error(ErrorKind::invalid_input, SourceLocation{path_, line, column, line_at(text_, line)},
                    std::move(message), std::move(hint));
    }

private:
    void check_limits(int depth, int line, int column) {
        if (depth > limits_.max_depth) {
            fail(line, column,
                 fmt::format(fmt::runtime(tr("front matter is nested deeper than {} levels")), limits_.max_depth));
        }
        if (++values_ > limits_.max_values) {
            fail(line, column,
                 fmt::format(fmt::runtime(tr("front matter has more than {} values once aliases are expanded")),
                             limits_.max_values),
                 tr("remove the aliases (*name) that repeat large parts of the front matter"));
        }
    }

    Value convert_mapping(const YAML::Node& node, int depth, int line, int column) {
        auto mapping = Value::make_mapping(line, column);
        std::unordered_map<std::string, int> first_lines;
        for (const auto& entry : node) {
            const YAML::Node& key = entry.first;
            auto [key_line, key_column] = position(key.Mark());
            if (!key.IsScalar()) fail(key_line, key_column, tr("a front-matter key must be a plain text scalar"));

            auto key_text = scalar_text(key, key_line, key_column);
            auto [previous, inserted] = first_lines.emplace(key_text, key_line);
            if (!inserted) {
                fail(key_line, key_column,
                     fmt::format(fmt::runtime(tr("duplicate key \"{}\" at lines {} and {}")), key_text,
                                 previous->second, key_line),
                     tr("keep one of the two lines"));
            }
            mapping.add_entry(key_text, convert(entry.second, depth + 1), key_line, key_column);
        }
        return mapping;
    }

    Value convert_scalar(const YAML::Node& node, int line, int column) {
        const std::string& tag = node.Tag();
        std::string text = scalar_text(node, line, column);
        bool plain = tag == "?";
        if (!plain) {
            bool string_tag = tag == "!" || tag == "tag:yaml.org,2002:str";
            auto type = string_tag ? ScalarType::string : resolve_plain_scalar(text);
            return Value::make_scalar(type, std::move(text), true, line, column);
        }
        if (looks_like_invalid_date(text)) {
            fail(line, column, fmt::format(fmt::runtime(tr("invalid date: {}")), text),
                 tr("write a calendar date as YYYY-MM-DD, or quote the value to keep it as text"));
        }
        auto type = resolve_plain_scalar(text);
        return Value::make_scalar(type, std::move(text), false, line, column);
    }

    // Returns the scalar's text as valid UTF-8; throws when an escape gives no character.
    std::string scalar_text(const YAML::Node& node, int line, int column) const {
        auto text = repair_yaml_cpp_escapes(node.Scalar());
        if (!text) {
            fail(line, column, tr("invalid YAML: an escape in a quoted value is not a Unicode character"),
                 tr("write the character itself instead of its escape"));
        }
        return std::move(*text);
    }

    std::string_view text_;
    ColumnMap columns_;
    int first_line_;
    const std::string& path_;
    const ParseLimits& limits_;
    std::size_t values_ = 0;
};

// Rejects deeply nested flow collections before yaml-cpp, whose parser recurses once per level.
void check_flow_depth(std::string_view yaml, int first_line, std::string_view file_text, const std::string& path,
                      const ParseLimits& limits) {
    int depth = 0;
    int line = first_line;
    std::size_t line_begin = 0;
    char quote = '\0';
    for (std::size_t i = 0; i < yaml.size(); ++i) {
        char c = yaml[i];
        if (c == '\n') {
            ++line;
            line_begin = i + 1;
        }
        if (quote != '\0') {
            if (c == quote) quote = '\0';
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '[' || c == '{') {
            if (++depth > limits.max_depth) {
                throw Error(ErrorKind::invalid_input, make_location(file_text, path, line, i - line_begin),
                            fmt::format(fmt::runtime(tr("front matter is nested deeper than {} levels")),
                                        limits.max_depth));
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
}

// Throws when a quoted scalar is still open at the end of `yaml`. yaml-cpp 0.7 reports this
// only when no line break follows the scalar, and otherwise reads the rest as the value, so
// the check parses the text again without its final line breaks.
void check_quotes_closed(const std::string& yaml, int first_line, std::string_view file_text,
                         const std::string& path) {
    auto end = yaml.find_last_not_of("\n");
    if (end == std::string::npos || end + 1 == yaml.size()) return;
    if (yaml.find_first_of("\"'") == std::string::npos) return;

    try {
        (void)YAML::Load(yaml.substr(0, end + 1));
    } catch (const YAML::Exception& error) {
        if (error.msg != YAML::ErrorMsg::EOF_IN_SCALAR) return;
        int line = error.mark.line + first_line;
        throw Error(ErrorKind::invalid_input,
                    make_location(file_text, path, line, static_cast<std::size_t>(std::max(error.mark.column, 0))),
                    tr("invalid YAML: a quoted value is not closed before the end of the front matter"),
                    tr("add the closing quote, or indent the lines of a value that spans several lines"));
    }
}

// Throws the error for front matter that yaml-cpp reads as several YAML documents, because a
// line such as "--- # network" starts a new one. Without it, the keys after that line are lost.
[[noreturn]] void throw_second_document(std::string_view yaml, int first_line, std::string_view file_text,
                                        const std::string& path) {
    int line = first_line;
    for (std::size_t offset = 0; offset < yaml.size(); ++line) {
        auto end = yaml.find('\n', offset);
        auto content = yaml.substr(offset, end == std::string_view::npos ? std::string_view::npos : end - offset);
        if (content.starts_with("---") || content.starts_with("...")) break;
        if (end == std::string_view::npos) break;
        offset = end + 1;
    }
    throw Error(ErrorKind::invalid_input, make_location(file_text, path, line, 0),
                tr("front matter holds more than one YAML document: this line starts another one"),
                tr("remove the line, or make it exactly \"---\" to close the front matter there"));
}

}  // namespace

std::string line_at(std::string_view text, int line) {
    std::size_t offset = 0;
    for (int current = 1; offset < text.size(); ++current) {
        auto found = read_line(text, offset);
        if (current == line) return std::string(text.substr(found.begin, found.content_end - found.begin));
        offset = found.next;
    }
    return {};
}

FrontMatterSplit split_front_matter(std::string_view text, const std::string& display_path) {
    FrontMatterSplit split;
    auto first = read_line(text, 0);
    std::string_view first_content = text.substr(0, first.content_end);
    if (is_delimiter(first_content, "+++")) {
        split.format = FrontMatterFormat::toml;
        return split;
    }
    if (!is_delimiter(first_content, "---") || first.next == first.content_end) {
        // "---" alone with no line ending is a thematic break in an otherwise empty file.
        return split;
    }

    int line_number = 2;
    for (std::size_t offset = first.next; offset < text.size(); ++line_number) {
        auto line = read_line(text, offset);
        std::string_view content = text.substr(line.begin, line.content_end - line.begin);
        if (is_delimiter(content, "---") || is_delimiter(content, "...")) {
            split.format = FrontMatterFormat::yaml;
            split.block = FrontMatterBlock{first.next, line.begin, line.next, 2, line_number};
            split.body_begin = line.next;
            split.body_first_line = line_number + 1;
            return split;
        }
        offset = line.next;
    }

    throw Error(ErrorKind::invalid_input, make_location(text, display_path, 1, 0),
                tr("front matter opened on line 1 is never closed"),
                tr("add a line \"---\" after the last key, or remove the first line if it is a thematic break"));
}

Value parse_front_matter(std::string_view text, const FrontMatterBlock& block, const std::string& display_path,
                         const ParseLimits& limits) {
    std::string_view yaml = text.substr(block.yaml_begin, block.yaml_end - block.yaml_begin);
    return parse_yaml_mapping(yaml, block.yaml_first_line, text, display_path, limits);
}

Value parse_yaml_mapping(std::string_view yaml, int first_line, std::string_view file_text,
                         const std::string& display_path, const ParseLimits& limits) {
    if (yaml.size() > limits.max_front_matter_bytes) {
        throw Error(ErrorKind::invalid_input, make_location(file_text, display_path, first_line, 0),
                    fmt::format(fmt::runtime(tr("front matter is larger than {} bytes")),
                                limits.max_front_matter_bytes),
                    tr("move long content into the body of the document"));
    }
    std::string lf_yaml = with_lf_line_endings(yaml);
    if (auto simple = read_simple_front_matter(lf_yaml, first_line, limits.max_values)) return std::move(*simple);
    return parse_yaml_mapping_in_full(lf_yaml, first_line, file_text, display_path, limits);
}

Value parse_yaml_mapping_in_full(const std::string& lf_yaml, int first_line, std::string_view file_text,
                                 const std::string& display_path, const ParseLimits& limits) {
    check_flow_depth(lf_yaml, first_line, file_text, display_path, limits);

    YAML::Node root;
    try {
        auto documents = YAML::LoadAll(lf_yaml);
        if (documents.size() > 1) throw_second_document(lf_yaml, first_line, file_text, display_path);
        if (!documents.empty()) root = documents.front();
    } catch (const YAML::DeepRecursion& error) {
        throw Error(ErrorKind::invalid_input,
                    make_location(file_text, display_path, error.mark.line + first_line,
                                  static_cast<std::size_t>(std::max(error.mark.column, 0))),
                    fmt::format(fmt::runtime(tr("front matter is nested deeper than {} levels")), limits.max_depth));
    } catch (const YAML::Exception& error) {
        int line = error.mark.is_null() ? first_line : error.mark.line + first_line;
        auto column = error.mark.is_null() ? 0 : static_cast<std::size_t>(std::max(error.mark.column, 0));
        throw Error(ErrorKind::invalid_input, make_location(file_text, display_path, line, column),
                    fmt::format(fmt::runtime(tr("invalid YAML: {}")), error.msg),
                    tr("fix the line shown, or quote the value if it holds characters such as : # % @ or a leading -"));
    }
    check_quotes_closed(lf_yaml, first_line, file_text, display_path);

    Converter converter(file_text, lf_yaml, first_line, display_path, limits);
    if (root.IsNull() || !root.IsDefined()) return Value::make_mapping(first_line, 1);
    if (!root.IsMap()) {
        auto [line, column] = converter.position(root.Mark());
        converter.fail(line, column, tr("front matter must be a mapping of keys to values"),
                       tr("write each entry as \"key: value\" on its own line"));
    }
    return converter.convert(root, 0);
}

}  // namespace dossier
