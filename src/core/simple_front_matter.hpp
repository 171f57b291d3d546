// A fast reader for the front matter most documents have: one "key: value" per line.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "dossier/front_matter.hpp"
#include "dossier/yaml_value.hpp"

namespace dossier {

// Reads `yaml` (LF line endings; its first line is line `first_line` of the file) when every
// line is blank, a comment at column 0, or `key: value` at column 0, where the value is
// empty, a plain scalar on one line, a quoted scalar without escapes, or a flow list of such
// scalars ([a, "b"]). Returns the same Value as the full YAML reader gives, positions
// included, or nullopt for anything else (indented lines, block lists, escapes, comments
// after a value, duplicate keys, invalid dates...), which the full reader then handles and
// reports. yaml-cpp takes about 90 µs per document, which dominated building the index.
// At most `max_values` values are read; more gives nullopt.
std::optional<Value> read_simple_front_matter(std::string_view yaml, int first_line, std::size_t max_values);

// The full reader, through yaml-cpp: `lf_yaml` has LF line endings. See parse_yaml_mapping.
Value parse_yaml_mapping_in_full(const std::string& lf_yaml, int first_line, std::string_view file_text,
                                 const std::string& display_path, const ParseLimits& limits);

}  // namespace dossier
