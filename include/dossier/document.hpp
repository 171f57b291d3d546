// A Markdown document with YAML front matter, edited without disturbing its other bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dossier/front_matter.hpp"
#include "dossier/text.hpp"
#include "dossier/yaml_value.hpp"

namespace dossier {

class Document {
public:
    // Reads `bytes`, the content of the file shown to users as `display_path`. Throws
    // Error(invalid_input) located at path:line:column when the text or front matter is invalid.
    static Document parse(std::string_view bytes, std::string display_path, const ParseLimits& limits = {});

    const std::string& display_path() const noexcept { return display_path_; }
    // Names the document in messages, as the display path given to parse() does.
    void set_display_path(std::string display_path) { display_path_ = std::move(display_path); }
    FrontMatterFormat front_matter_format() const noexcept { return split_.format; }
    bool has_front_matter() const noexcept { return split_.block.has_value(); }

    // The front matter as a mapping; empty when the document has none.
    const Value& front_matter() const noexcept { return front_matter_; }

    // Returns the value of a top-level scalar key as text, or `fallback` when absent or not a scalar.
    std::string field(std::string_view key, std::string_view fallback = {}) const;

    // Returns the document's type: the `type` key, or "note" without front matter.
    std::string type() const;

    std::string_view body() const noexcept;
    int body_first_line() const noexcept { return split_.body_first_line; }

    // Sets the top-level `key` to `yaml_value`, a single line of YAML (a scalar or a flow
    // collection, empty for null). Only the key's own lines change: other lines, comments,
    // key order, quoting, BOM and line endings stay. A value spread over several lines (a
    // block list, a literal block) becomes the one new line. A comment on the key's line is
    // kept, but comments inside the old value go with it. A missing key is added at the end of
    // the front matter, and a document without front matter gets a block.
    // Throws Error(invalid_input), leaving the document as it was, when the value is not one
    // line of valid YAML, or YAML would not store it as typed (a comment, an anchor, a tag, a
    // lone | or >), or the result would not read back with every other key unchanged. A key
    // inside a top-level flow mapping ({title: x, owner: y}) or written as "? key" cannot be
    // edited this way and throws.
    void set(std::string_view key, std::string_view yaml_value);

    // Sets several top-level keys as set() does for each, in one edit that reads the document
    // back once: each pair is a key and one line of YAML. Throws as set() does, leaving the
    // document as it was, and std::invalid_argument when a key is given twice.
    void set_all(const std::vector<std::pair<std::string, std::string>>& values);

    // Returns the lines of the top-level `key`, from the key's line through the last line of its
    // value, with their line endings. Comments and blank lines after the value are not part of
    // it. Returns nullopt when the key is absent.
    std::optional<std::string> entry_text(std::string_view key) const;

    // Replaces the lines of the top-level `key` with `entry_text`, whole lines of YAML that
    // define `key` and nothing else, such as entry_text() of another document returns. Unlike
    // set(), the value may span several lines (a block list, a literal block) and is written as
    // given, with its line endings changed to the document's. A missing key is added at the end
    // of the front matter, and a document without front matter gets a block. Throws
    // Error(invalid_input), leaving the document as it was, when `entry_text` is not YAML that
    // defines `key` alone at the top level, or the result would not read back with `key` as
    // `entry_text` defines it and every other key unchanged.
    void set_entry_text(std::string_view key, std::string_view entry_text);

    // Replaces the body, everything after the front matter, with `body`, which should use the
    // document's line endings. The front matter stays as it is.
    void replace_body(std::string_view body);

    // Removes the top-level `key` and its lines. Returns false when it was absent.
    bool remove(std::string_view key);

    // Renames the top-level `old_key` to `new_key` by rewriting only the key's text on its
    // line: the value, comments, quoting, key order, BOM and line endings stay. Returns false,
    // changing nothing, when `old_key` is absent, and true without a change when both names
    // are equal. Throws Error(invalid_input), leaving the document as it was, when `new_key`
    // is not a plain key (see is_plain_key) or already exists, when the key is not written
    // as `key: value` with its colon on the key's line ("? key" entries), or when the result
    // would not read back with the same values in the same order.
    bool rename_key(std::string_view old_key, std::string_view new_key);

    // Returns the document's bytes, encoded as it was read (BOM, UTF-16, line endings).
    std::string to_bytes() const;

    // The decoded text (UTF-8, without BOM, line endings as in the file).
    const std::string& text() const noexcept { return decoded_.utf8; }

private:
    Document() = default;
    void replace_text(std::string new_text, const std::vector<std::string_view>& changed_keys);
    std::string line_ending() const;

    std::string display_path_;
    DecodedText decoded_;
    FrontMatterSplit split_;
    Value front_matter_;
    ParseLimits limits_;
};

// Returns true when `key` can be written as a front-matter key without quotes and reads back
// as the same text, also for YAML 1.1 readers: `review_every` and `ms.date` can, while
// `yes`, `12`, `a: b`, `#x` and keys with line breaks cannot.
bool is_plain_key(std::string_view key);

}  // namespace dossier
