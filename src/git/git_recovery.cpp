// Cleaning up after a dossier process killed in the middle of a commit: the Git lock file it
// left, and an index that missed the commit's paths.
#include "dossier/git_repository.hpp"

#include <sys/stat.h>

#include <git2.h>

#include <chrono>
#include <optional>
#include <system_error>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "git_internal.hpp"

namespace dossier::git {

namespace {

// How long after its step began a lock file still counts as the killed process's. libgit2
// creates the lock file as the step begins, then writes the index or reference into it.
// NOTE: 60 s is a guess that leaves room for a large index on a slow disk, not a measurement.
constexpr auto lock_margin = std::chrono::seconds(60);

std::optional<std::chrono::system_clock::time_point> modified_at(const fs::path& path) {
    struct stat status {};
    if (::lstat(path.c_str(), &status) != 0) return std::nullopt;
    auto since_epoch = std::chrono::seconds(status.st_mtim.tv_sec) + std::chrono::nanoseconds(status.st_mtim.tv_nsec);
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(since_epoch));
}

// Removes `lock` when it was made during the interrupted step. A plain `git` may hold the same
// lock, and removing a live process's lock would let two writers replace one file. The killed
// process held the write lock for the whole step, so no other dossier process made a lock
// file then. A git process cannot have made it while the killed process's lock existed, and
// one that made it before the step began made the step fail rather than wait. What is left is
// a git command that took the lock after the kill and still runs: the time window below makes
// that unlikely, not impossible. A lock file that stays makes the next commit fail naming it.
void remove_if_left_by(const fs::path& lock, const InterruptedCommit& interrupted) {
    auto modified = modified_at(lock);
    if (!modified || *modified < interrupted.began || *modified > interrupted.began + lock_margin) return;
    std::error_code ignored;
    fs::remove(lock, ignored);  // when this fails, the next commit reports the lock file
}

// Sets the index entries of the paths that `commit` changed since its first parent to their
// entries in `commit`, and writes the index when one of them differed.
void repair_index(git_repository* repo, const fs::path& workdir, const git_commit* commit) {
    TreePtr tree = tree_of(commit);
    TreePtr parent_tree;
    if (git_commit_parentcount(commit) > 0) {
        git_commit* raw_parent = nullptr;
        check(git_commit_parent(&raw_parent, commit, 0), N_("failed to read commit: {}"), to_hex(*git_commit_id(commit)));
        CommitPtr parent(raw_parent);
        parent_tree = tree_of(parent.get());
    }
    git_diff* raw_diff = nullptr;
    check(git_diff_tree_to_tree(&raw_diff, repo, parent_tree.get(), tree.get(), nullptr),
          N_("failed to read commit: {}"), to_hex(*git_commit_id(commit)));
    DiffPtr diff(raw_diff);

    git_index* raw_index = nullptr;
    check(git_repository_index(&raw_index, repo), N_("failed to read the index: {}"), display(workdir));
    IndexPtr index(raw_index);
    check(git_index_read(index.get(), 1), N_("failed to read the index: {}"), git_index_path(index.get()));

    bool changed = false;
    for (std::size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
        const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
        std::string path = delta->status == GIT_DELTA_DELETED ? delta->old_file.path : delta->new_file.path;
        const git_index_entry* staged = git_index_get_bypath(index.get(), path.c_str(), 0);
        TreeEntryPtr committed = entry_at(tree.get(), path);
        if (!committed) {
            if (staged == nullptr) continue;
            check(git_index_remove(index.get(), path.c_str(), 0), N_("failed to stage file: {}"), path);
            changed = true;
            continue;
        }
        const git_oid* id = git_tree_entry_id(committed.get());
        auto mode = static_cast<std::uint32_t>(git_tree_entry_filemode(committed.get()));
        if (staged != nullptr && git_oid_equal(&staged->id, id) && staged->mode == mode) continue;
        // Without the file's stat data, the next `git status` compares the file's content.
        git_index_entry entry{};
        entry.mode = mode;
        entry.id = *id;
        entry.path = path.c_str();
        check(git_index_add(index.get(), &entry), N_("failed to stage file: {}"), path);
        changed = true;
    }
    if (!changed) return;

    int rc = git_index_write(index.get());
    if (rc == GIT_ELOCKED) throw_locked(N_("index is locked: {}"), fs::path(git_index_path(index.get())).concat(".lock"));
    check(rc, N_("failed to write the index: {}"), git_index_path(index.get()));
}

}  // namespace

void Repository::recover(const InterruptedCommit& interrupted) {
    git_reference* raw_head = nullptr;
    check(git_reference_lookup(&raw_head, raw(), "HEAD"), N_("failed to read HEAD: {}"), display(workdir_));
    ReferencePtr head(raw_head);
    fs::path lock = interrupted.step == CommitStep::move_branch
                        ? head_lock_path(raw(), head.get())
                        : fs::path(git_repository_path(raw())) / "index.lock";
    remove_if_left_by(lock, interrupted);

    // The killed process writes the index only after the branch moved to its commit.
    CommitPtr current = head_commit_of(raw(), workdir_);
    if (!current || to_hex(*git_commit_id(current.get())) != interrupted.commit) return;
    repair_index(raw(), workdir_, current.get());
}

}  // namespace dossier::git
