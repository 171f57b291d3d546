#include "dossier/document_merge.hpp"

#include <algorithm>

#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/line_merge.hpp"

namespace dossier {
namespace {

// The three versions of a file that read as documents with front matter on both sides.
struct Versions {
    std::optional<Document> base;  // absent when the file was added on both sides
    Document ours;
    Document theirs;
};

// Returns the versions parsed as documents, or nullopt when `ours` or `theirs` has no YAML front
// matter or any version does not read as a document. A base without front matter counts as
// one with no keys, so keys added on both sides merge as additions.
std::optional<Versions> parse_versions(const std::optional<std::string>& base, const std::string& ours,
                                       const std::string& theirs, const std::string& display_path) {
    try {
        Versions versions{std::nullopt, Document::parse(ours, display_path), Document::parse(theirs, display_path)};
        if (base) versions.base = Document::parse(*base, display_path);
        if (!versions.ours.has_front_matter() || !versions.theirs.has_front_matter()) return std::nullopt;
        return versions;
    } catch (const Error&) {
        return std::nullopt;
    }
}

// Returns true when both values are absent, or both present and equal as YAML.
bool same(const Value* a, const Value* b) {
    if (a == nullptr || b == nullptr) return a == b;
    return same_value(*a, *b);
}

// Returns the top-level keys of the three versions: ours' in order, then theirs' new ones.
// Keys only the base has were removed on both sides and need no edit.
std::vector<std::string> merged_keys(const Versions& versions) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : versions.ours.front_matter().entries()) keys.push_back(key);
    for (const auto& [key, value] : versions.theirs.front_matter().entries()) {
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
    return keys;
}

// Applies theirs' changes of the front matter to `merged` (a copy of ours), key by key, and
// appends each key changed differently on both sides to `conflicts`.
void merge_front_matter(const Versions& versions, Document& merged, std::vector<std::string>& conflicts) {
    for (const auto& key : merged_keys(versions)) {
        const Value* base = versions.base ? versions.base->front_matter().find(key) : nullptr;
        const Value* ours = versions.ours.front_matter().find(key);
        const Value* theirs = versions.theirs.front_matter().find(key);
        if (same(ours, theirs) || same(base, theirs)) continue;
        if (!same(base, ours)) {
            conflicts.push_back(key);
            continue;
        }
        try {
            if (theirs == nullptr) {
                merged.remove(key);
            } else {
                merged.set_entry_text(key, *versions.theirs.entry_text(key));
            }
        } catch (const Error&) {
            // NOTE: theirs' lines do not fit into ours, as when one side indents its top-level
            // keys and the other does not. A person then merges the key by hand.
            conflicts.push_back(key);
        }
    }
}

// Applies theirs' changes of the body to `merged`, or appends "body" to `conflicts`.
void merge_body(const Versions& versions, Document& merged, std::vector<std::string>& conflicts) {
    std::string_view base = versions.base ? versions.base->body() : std::string_view();
    std::string_view ours = versions.ours.body();
    std::string_view theirs = versions.theirs.body();
    if (ours == theirs || base == theirs) return;
    if (base == ours) {
        merged.replace_body(theirs);
        return;
    }
    auto lines = git::merge_lines(base, ours, theirs);
    if (lines.clean) {
        merged.replace_body(lines.text);
    } else {
        conflicts.emplace_back("body");
    }
}

// Returns the whole files merged line by line, with conflict markers.
std::string marked_text(const std::optional<std::string>& base, const std::string& ours, const std::string& theirs) {
    auto lines = git::merge_lines(base.value_or(std::string()), ours, theirs);
    if (!lines.clean) return lines.text;
    // Both sides changed one key's lines apart (two items of a block list, say): the lines
    // merge, the key does not. Merged without the base, every line where the sides differ is
    // marked, so that both values appear in the file.
    return git::merge_lines({}, ours, theirs).text;
}

}  // namespace

DocumentMerge merge_document(const std::optional<std::string>& base, const std::string& ours, const std::string& theirs,
                             const std::string& display_path) {
    if (ours == theirs || (base && *base == theirs)) return {ours, true, {}};
    if (base && *base == ours) return {theirs, true, {}};

    auto versions = parse_versions(base, ours, theirs, display_path);
    if (!versions) {
        auto lines = git::merge_lines(base.value_or(std::string()), ours, theirs);
        if (lines.clean) return {std::move(lines.text), true, {}};
        return {std::move(lines.text), false, {"body"}};
    }

    Document merged = versions->ours;
    std::vector<std::string> conflicts;
    merge_front_matter(*versions, merged, conflicts);
    merge_body(*versions, merged, conflicts);
    if (conflicts.empty()) return {merged.to_bytes(), true, {}};
    return {marked_text(base, ours, theirs), false, std::move(conflicts)};
}

}  // namespace dossier
