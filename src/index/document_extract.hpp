// The part of one document that the search index keeps: its columns of text and its fields.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dossier::index {

// One scalar of the front matter, under its key (nested mappings as parent.child; each item
// of a list under the list's key).
struct IndexedField {
    std::string key;
    std::string value;                // as written
    std::string folded;               // fold_for_search(value), compared by = and !=
    std::optional<std::string> date;  // YYYY-MM-DD for a date or the date of a date-time
    std::optional<double> number;
};

struct ExtractedDocument {
    // Columns of the documents table.
    std::string type;
    std::string title;  // front matter's title, may be empty
    std::string owner;
    std::string problem;

    // Columns of the full-text table.
    std::string title_text;  // the title, else the first heading, else the file name
    std::string headings;
    std::string body;        // without front matter and without age blocks
    std::string field_text;  // front-matter values other than title and tags
    std::string tags;

    std::vector<IndexedField> fields;
};

// Reads `bytes`, the document at `display_path` whose file name without extension is `stem`.
// Content that cannot be read throws nothing: the document keeps its words and the reason in
// `problem`. Armored age blocks, in the body or in a value, are left out entirely.
ExtractedDocument extract_document(std::string_view bytes, const std::string& display_path, std::string_view stem);

// Returns `text` with the space between the date and the time of a date-time written
// "2024-03-01 10:00" turned into T, so that both forms fold and compare alike.
std::string date_time_as_t_form(std::string_view text);

// Returns `text` without its armored age blocks (from the BEGIN AGE ENCRYPTED FILE marker to
// the END marker, or to the end of the text when that is missing), also within a line.
std::string without_age_blocks(std::string_view text);

}  // namespace dossier::index
