// Finding and reading the YAML front matter of a Markdown document.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "dossier/yaml_value.hpp"

namespace dossier {

enum class FrontMatterFormat { none, yaml, toml };

// Byte offsets of a front-matter block in the decoded text (after any BOM).
struct FrontMatterBlock {
    std::size_t yaml_begin = 0;  // first byte after the opening line's line ending
    std::size_t yaml_end = 0;    // first byte of the closing "---" or "..." line
    std::size_t end = 0;         // first byte after the closing line's line ending
    int yaml_first_line = 2;     // 1-based line number of yaml_begin
    int closing_line = 0;        // 1-based line number of the closing delimiter
};

struct FrontMatterSplit {
    FrontMatterFormat format = FrontMatterFormat::none;
    std::optional<FrontMatterBlock> block;  // set for yaml
    std::size_t body_begin = 0;
    int body_first_line = 1;
};

// Limits that keep a hostile or broken file from exhausting memory or the stack.
struct ParseLimits {
    std::size_t max_front_matter_bytes = 1024 * 1024;
    int max_depth = 64;
    std::size_t max_values = 100'000;  // counted after aliases are expanded
};

// Finds the front matter of `text`: a "---" line at byte 0 up to the next line that is
// exactly "---" or "..." (trailing spaces allowed). A "+++" first line is TOML front matter,
// which dossier reads as a document without front matter. Throws Error(invalid_input)
// located at line 1 when the block is never closed.
FrontMatterSplit split_front_matter(std::string_view text, const std::string& display_path);

// Parses the YAML between the delimiters into a mapping. An empty or comment-only block
// gives an empty mapping; LF, CRLF and a lone CR all end a line. Throws Error(invalid_input)
// located at `path:line:column`, with the column in code points. The errors: YAML syntax, a
// quoted value left open, duplicate keys (naming both lines), a root that is not a mapping,
// keys that are not scalars, invalid plain dates and timestamps, and anything past `limits`.
Value parse_front_matter(std::string_view text, const FrontMatterBlock& block, const std::string& display_path,
                         const ParseLimits& limits = {});

// Parses `yaml`, whose first line is line `first_line` of `file_text`, into a mapping, with
// the same errors as parse_front_matter. Used for YAML files such as dossier.yaml.
Value parse_yaml_mapping(std::string_view yaml, int first_line, std::string_view file_text,
                         const std::string& display_path, const ParseLimits& limits = {});

// Returns line `line` (1-based) of `text` without its line ending; empty when out of range.
std::string line_at(std::string_view text, int line);

}  // namespace dossier
