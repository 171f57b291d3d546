// What changed in a repository: files changed since a commit, staged files, and exporting the index.
#include "dossier/git_repository.hpp"

#include <git2.h>

#include <algorithm>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "git_internal.hpp"

namespace dossier::git {

namespace {

// Returns the index at `index_file`, or the repository's own index.
IndexPtr open_index(git_repository* repo, const std::optional<fs::path>& index_file) {
    git_index* raw_index = nullptr;
    if (index_file) {
        check(git_index_open(&raw_index, index_file->c_str()), N_("failed to read the index: {}"),
              index_file->string());
        return IndexPtr(raw_index);
    }
    check(git_repository_index(&raw_index, repo), N_("failed to read the index: {}"),
          display(git_repository_workdir(repo) == nullptr ? fs::path() : fs::path(git_repository_workdir(repo))));
    return IndexPtr(raw_index);
}

void sort_unique(std::vector<std::string>& paths) {
    std::sort(paths.begin(), paths.end());
    paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
}

}  // namespace

std::vector<std::string> Repository::paths_changed_since(const std::string& rev) const {
    git_oid id;
    check(git_oid_fromstr(&id, resolve(rev).c_str()), N_("failed to resolve revision: {}"), rev);
    CommitPtr commit = lookup_commit(raw(), id);
    TreePtr tree = tree_of(commit.get());

    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    options.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS | GIT_DIFF_IGNORE_SUBMODULES;
    git_diff* raw_diff = nullptr;
    check(git_diff_tree_to_workdir_with_index(&raw_diff, raw(), tree.get(), &options),
          N_("failed to compare the working tree with: {}"), rev);
    DiffPtr diff(raw_diff);

    std::vector<std::string> paths;
    for (std::size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
        const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
        if (delta->old_file.path != nullptr && delta->status != GIT_DELTA_ADDED &&
            delta->status != GIT_DELTA_UNTRACKED) {
            paths.emplace_back(delta->old_file.path);
        }
        if (delta->new_file.path != nullptr && delta->status != GIT_DELTA_DELETED) {
            paths.emplace_back(delta->new_file.path);
        }
    }
    sort_unique(paths);
    return paths;
}

std::vector<std::string> Repository::staged_paths(const std::optional<fs::path>& index_file) const {
    IndexPtr index = open_index(raw(), index_file);
    CommitPtr head = head_commit_of(raw(), workdir_);
    TreePtr tree = head ? tree_of(head.get()) : nullptr;

    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    options.flags = GIT_DIFF_IGNORE_SUBMODULES;
    git_diff* raw_diff = nullptr;
    check(git_diff_tree_to_index(&raw_diff, raw(), tree.get(), index.get(), &options),
          N_("failed to compare the index with HEAD: {}"), display(workdir_));
    DiffPtr diff(raw_diff);

    std::vector<std::string> paths;
    for (std::size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
        const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
        switch (delta->status) {
            case GIT_DELTA_ADDED:
            case GIT_DELTA_COPIED:
            case GIT_DELTA_MODIFIED:
            case GIT_DELTA_RENAMED:
                paths.emplace_back(delta->new_file.path);
                break;
            default:
                break;
        }
    }
    sort_unique(paths);
    return paths;
}

void Repository::export_index(const fs::path& directory, const std::optional<fs::path>& index_file) const {
    IndexPtr index = open_index(raw(), index_file);
    std::string target = directory.string();
    git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
    options.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX;
    options.target_directory = target.c_str();
    check(git_checkout_index(raw(), index.get(), &options), N_("failed to write the staged files to: {}"), target);
}

}  // namespace dossier::git
