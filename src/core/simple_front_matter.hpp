// A fast reader for the front matter most documents have: one "key: value" per line.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "dossier/front_matter.hpp"
#include "dossier/yaml_value.hpp"

namespace dossier {

// Reads `yaml`, with LF line endings, whose first line is line `first_line` of the file.
// Every line must be blank, a comment at column 0, or `key: value` at column 0. The value is
// empty, a plain scalar on one line, a quoted scalar (with only the escapes \\ \" \/ \n \r \t
// when double-quoted and outside a list), or a flow list of such
// scalars ([a, "b"]). Returns the same Value as the full YAML reader, positions included.
// Returns nullopt for anything else (indented lines, block lists, escapes, comments after a
// value, duplicate keys, invalid dates, more than `max_values` values), which the full
// reader then reads and reports. yaml-cpp took about 90 µs per document here (an estimate from
// a perf profile), most of the time of building the index.
std::optional<Value> read_simple_front_matter(std::string_view yaml, int first_line, std::size_t max_values);

// The full reader, through yaml-cpp: `lf_yaml` has LF line endings. See parse_yaml_mapping.
Value parse_yaml_mapping_in_full(const std::string& lf_yaml, int first_line, std::string_view file_text,
                                 const std::string& display_path, const ParseLimits& limits);

}  // namespace dossier
