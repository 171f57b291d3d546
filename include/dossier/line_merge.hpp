// Three-way merge of texts line by line, as `git merge-file` does, through libgit2.
#pragma once

#include <string>
#include <string_view>

namespace dossier::git {

struct LineMerge {
    std::string text;  // the merged text; when !clean, with conflict markers labelled "ours" and "theirs"
    bool clean = false;
};

// Merges the changes from `base` to `ours` and from `base` to `theirs` with libgit2's
// git_merge_file. An empty `base` stands for a file added on both sides. Throws Error(git)
// when libgit2 cannot merge the texts (one larger than its limit of about 1 GB, say).
LineMerge merge_lines(std::string_view base, std::string_view ours, std::string_view theirs);

}  // namespace dossier::git
