// Relative Markdown links between documents of one client, and rewriting them on a move.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dossier {

// Returns `text` with every inline link or image whose target, resolved from the folder of
// `document_path`, is `old_target`, pointing at `new_target` instead (relative to the same
// folder, keeping any #anchor). Paths are client-relative with '/' separators. URLs,
// absolute paths and links inside code spans or fenced code stay as they are.
std::string rewrite_links_to(std::string_view text, const std::string& document_path,
                             const std::string& old_target, const std::string& new_target);

// Returns `text` with the relative link targets of a document moved from `old_path` to
// `new_path` changed so that they still point at the same files.
std::string rebase_relative_links(std::string_view text, const std::string& old_path, const std::string& new_path);

// Returns the document `bytes` with each `related:` entry that names `old_path` changed to
// name `new_path`, in the entry's own spelling: with or without ".md" and the client slug.
// Returns nullopt when no entry names it or the document cannot be read. Paths are
// client-relative and end in ".md". The list is rewritten as one flow sequence line.
std::optional<std::string> rewrite_related(std::string_view bytes, const std::string& display_path,
                                           const std::string& client_slug, const std::string& old_path,
                                           const std::string& new_path);

// Returns `target` with %XX escapes decoded ("Param%C3%A8tres%20r%C3%A9seau.md").
std::string percent_decode(std::string_view target);

}  // namespace dossier
