#include "dossier/front_matter.hpp"

#include <unordered_map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/text.hpp"

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

SourceLocation make_location(std::string_view text, const std::string& path, int line, int column) {
    return SourceLocation{path, line, column, line_at(text, line)};
}

class Converter {
public:
    Converter(std::string_view text, int first_line, const std::string& path, const ParseLimits& limits)
        : text_(text), first_line_(first_line), path_(path), limits_(limits) {}

    Value convert(const YAML::Node& node, int depth) {
        int line = node.Mark().line + first_line_;
        int column = node.Mark().column + 1;
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

    [[noreturn]] void fail(int line, int column, std::string message, std::string hint = {}) const {
        throw Error(ErrorKind::invalid_input, make_location(text_, path_, line, column), std::move(message),
                    std::move(hint));
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
            int key_line = key.Mark().line + first_line_;
            int key_column = key.Mark().column + 1;
            if (!key.IsScalar()) fail(key_line, key_column, tr("a front-matter key must be a plain text scalar"));

            auto [previous, inserted] = first_lines.emplace(key.Scalar(), key_line);
            if (!inserted) {
                fail(key_line, key_column,
                     fmt::format(fmt::runtime(tr("duplicate key \"{}\" at lines {} and {}")), key.Scalar(),
                                 previous->second, key_line),
                     tr("keep one of the two lines"));
            }
            mapping.add_entry(key.Scalar(), convert(entry.second, depth + 1), key_line, key_column);
        }
        return mapping;
    }

    Value convert_scalar(const YAML::Node& node, int line, int column) {
        const std::string& tag = node.Tag();
        const std::string& text = node.Scalar();
        bool plain = tag == "?";
        if (!plain) {
            bool string_tag = tag == "!" || tag == "tag:yaml.org,2002:str";
            auto type = string_tag ? ScalarType::string : resolve_plain_scalar(text);
            return Value::make_scalar(type, text, true, line, column);
        }
        if (looks_like_invalid_date(text)) {
            fail(line, column, fmt::format(fmt::runtime(tr("invalid date: {}")), text),
                 tr("write a calendar date as YYYY-MM-DD, or quote the value to keep it as text"));
        }
        return Value::make_scalar(resolve_plain_scalar(text), text, false, line, column);
    }

    std::string_view text_;
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
    char quote = '\0';
    for (std::size_t i = 0; i < yaml.size(); ++i) {
        char c = yaml[i];
        if (c == '\n') ++line;
        if (quote != '\0') {
            if (c == quote) quote = '\0';
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '[' || c == '{') {
            if (++depth > limits.max_depth) {
                throw Error(ErrorKind::invalid_input, make_location(file_text, path, line, 1),
                            fmt::format(fmt::runtime(tr("front matter is nested deeper than {} levels")),
                                        limits.max_depth));
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
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

    throw Error(ErrorKind::invalid_input, make_location(text, display_path, 1, 1),
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
        throw Error(ErrorKind::invalid_input, make_location(file_text, display_path, first_line, 1),
                    fmt::format(fmt::runtime(tr("front matter is larger than {} bytes")),
                                limits.max_front_matter_bytes),
                    tr("move long content into the body of the document"));
    }
    check_flow_depth(yaml, first_line, file_text, display_path, limits);

    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& error) {
        int line = error.mark.is_null() ? first_line : error.mark.line + first_line;
        int column = error.mark.is_null() ? 1 : error.mark.column + 1;
        throw Error(ErrorKind::invalid_input, make_location(file_text, display_path, line, column),
                    fmt::format(fmt::runtime(tr("invalid YAML: {}")), error.msg),
                    tr("fix the line shown, or quote the value if it holds characters such as : # % @ or a leading -"));
    }

    Converter converter(file_text, first_line, display_path, limits);
    if (root.IsNull() || !root.IsDefined()) return Value::make_mapping(first_line, 1);
    if (!root.IsMap()) {
        converter.fail(root.Mark().line + first_line, root.Mark().column + 1,
                       tr("front matter must be a mapping of keys to values"),
                       tr("write each entry as \"key: value\" on its own line"));
    }
    return converter.convert(root, 0);
}

}  // namespace dossier
