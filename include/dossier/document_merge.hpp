// Three-way merge of the versions of a document: front matter key by key, body line by line.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dossier {

struct DocumentMerge {
    std::string bytes;  // the merged file; when !clean, with Git-style conflict markers
    bool clean = false;
    std::vector<std::string> conflicts;  // what conflicts, for messages: a front-matter key, or "body"
};

// Merges the changes from `base` to `ours` and from `base` to `theirs` of the file shown to
// users as `display_path`. `base` is nullopt when the file was added on both sides.
//
// When `ours` and `theirs` both have YAML front matter, each top-level key is merged on its
// own, and values are compared as parsed YAML. A key that one side changed, added or removed
// takes that side's value. A key that both sides changed to different values conflicts. The
// result is `ours` with theirs' lines of each such key spliced in, so that its comments,
// quoting, BOM and line endings stay. The bodies are merged line by line with libgit2's
// git_merge_file and conflict as "body". Files without front matter, or that do not read as
// documents, are merged line by line as a whole.
//
// On a conflict, `bytes` is a line merge of the whole files with markers labelled "ours" and
// "theirs", as `git merge-file` writes them. Throws Error(git) when libgit2 cannot merge.
DocumentMerge merge_document(const std::optional<std::string>& base, const std::string& ours, const std::string& theirs,
                             const std::string& display_path);

}  // namespace dossier
