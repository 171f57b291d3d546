// Repository history: resolving revisions, reading files at a commit, the log, diffs and
// the working tree's status.
#include "dossier/git_repository.hpp"

#include <git2.h>

#include <cstdint>
#include <queue>
#include <unordered_set>
#include <utility>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "git_internal.hpp"

namespace dossier::git {

namespace {

// Key for a set of object ids.
std::string oid_key(const git_oid& id) {
    return std::string(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ);
}

// Returns the tree of `commit`'s first parent, or null for a root commit. In a shallow
// clone the commits at the boundary list parents that were not fetched; like git, they
// count as root commits.
TreePtr first_parent_tree(git_repository* repo, const git_commit* commit) {
    if (git_commit_parentcount(commit) == 0) {
        return nullptr;
    }
    git_commit* parent = nullptr;
    int rc = git_commit_parent(&parent, commit, 0);
    if (rc == GIT_ENOTFOUND && git_repository_is_shallow(repo) == 1) {
        git_error_clear();
        return nullptr;
    }
    check(rc, N_("failed to read the parent of commit: {}"), to_hex(*git_commit_id(commit)));
    CommitPtr owned(parent);
    return tree_of(owned.get());
}

// Returns true when `path` (a file or a folder) differs between the two trees, either of
// which may be null for an empty tree. Equal subtree ids mean equal contents.
bool path_changed(const git_tree* old_tree, const git_tree* new_tree, const std::string& path) {
    TreeEntryPtr before = entry_at(old_tree, path);
    TreeEntryPtr after = entry_at(new_tree, path);
    if (!before || !after) {
        return static_cast<bool>(before) != static_cast<bool>(after);
    }
    return git_tree_entry_filemode(before.get()) != git_tree_entry_filemode(after.get()) ||
           !git_oid_equal(git_tree_entry_id(before.get()), git_tree_entry_id(after.get()));
}

std::vector<std::string> changed_paths(git_repository* repo, git_tree* old_tree, git_tree* new_tree) {
    git_diff* raw_diff = nullptr;
    check(git_diff_tree_to_tree(&raw_diff, repo, old_tree, new_tree, nullptr), N_("failed to compare trees: {}"),
          new_tree == nullptr ? std::string{} : to_hex(*git_tree_id(new_tree)));
    DiffPtr diff(raw_diff);

    std::vector<std::string> paths;
    for (std::size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
        const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
        paths.emplace_back(delta->status == GIT_DELTA_DELETED ? delta->old_file.path : delta->new_file.path);
    }
    return paths;
}

LogEntry make_log_entry(git_repository* repo, git_commit* commit, git_tree* parent_tree) {
    const git_signature* author = git_commit_author(commit);
    const char* summary = git_commit_summary(commit);
    const char* message = git_commit_message(commit);
    TreePtr tree = tree_of(commit);

    LogEntry entry;
    entry.commit = to_hex(*git_commit_id(commit));
    entry.short_commit = entry.commit.substr(0, 8);
    entry.author_name = author->name;
    entry.author_email = author->email;
    entry.time = author->when.time;
    entry.offset_minutes = author->when.offset;
    entry.summary = summary == nullptr ? std::string{} : summary;
    entry.message = message == nullptr ? std::string{} : message;
    entry.paths = changed_paths(repo, parent_tree, tree.get());
    return entry;
}

// Strips a trailing '/' so that "contacts/" and "contacts" name the same folder.
std::string normalise_path(std::string path) {
    while (!path.empty() && path.back() == '/') {
        path.pop_back();
    }
    return path;
}

// --- Revisions ---------------------------------------------------------------------------

[[noreturn]] void throw_unknown_revision(git_repository* repo, int rc, const std::string& rev) {
    if (rc == GIT_EAMBIGUOUS) {
        throw Error(ErrorKind::invalid_input, describe(N_("revision is ambiguous: {}"), rev),
                    tr("give more characters of the commit id"));
    }
    std::string hint = git_repository_is_shallow(repo) == 1
                           ? tr("this is a shallow clone, so older commits are missing; run `git fetch --unshallow` "
                                "to get them")
                           : tr("give a commit id, a tag or an expression such as HEAD~1");
    throw Error(ErrorKind::not_found, describe(N_("revision not found: {}"), rev), std::move(hint));
}

CommitPtr resolve_commit(git_repository* repo, const std::string& rev) {
    git_object* raw_object = nullptr;
    int rc = git_revparse_single(&raw_object, repo, rev.c_str());
    ObjectPtr object(raw_object);
    if (rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS || rc == GIT_EINVALIDSPEC || rc == GIT_EUNBORNBRANCH) {
        throw_unknown_revision(repo, rc, rev);
    }
    check(rc, N_("failed to resolve revision: {}"), rev);

    git_object* raw_commit = nullptr;
    rc = git_object_peel(&raw_commit, object.get(), GIT_OBJECT_COMMIT);
    if (rc == GIT_EPEEL || rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
        throw_unknown_revision(repo, rc, rev);
    }
    check(rc, N_("failed to resolve revision: {}"), rev);
    return CommitPtr(reinterpret_cast<git_commit*>(raw_commit));
}

// Returns the tree of `rev`, of HEAD when `rev` is absent, or null for an unborn HEAD.
TreePtr tree_at(git_repository* repo, const fs::path& workdir, const std::optional<std::string>& rev) {
    CommitPtr commit = rev ? resolve_commit(repo, *rev) : head_commit_of(repo, workdir);
    return commit ? tree_of(commit.get()) : nullptr;
}

// A literal pathspec: no glob characters, and a folder matches every file under it.
class Pathspec {
public:
    explicit Pathspec(const std::string& path) : path_(normalise_path(path)), strings_{path_.data()} {}
    Pathspec(const Pathspec&) = delete;
    Pathspec& operator=(const Pathspec&) = delete;

    void apply(git_strarray& pathspec) {
        if (path_.empty()) {
            return;
        }
        pathspec.strings = strings_;
        pathspec.count = 1;
    }

private:
    std::string path_;
    char* strings_[1];
};

}  // namespace

std::string Repository::resolve(const std::string& rev) const {
    CommitPtr commit = resolve_commit(raw(), rev);
    return to_hex(*git_commit_id(commit.get()));
}

std::optional<std::string> Repository::read_at(const std::string& rev, const std::string& path) const {
    CommitPtr commit = resolve_commit(raw(), rev);
    TreePtr tree = tree_of(commit.get());
    TreeEntryPtr entry = entry_at(tree.get(), path);
    if (!entry || git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) {
        return std::nullopt;
    }

    git_blob* raw_blob = nullptr;
    check(git_blob_lookup(&raw_blob, raw(), git_tree_entry_id(entry.get())), N_("failed to read file: {}"),
          rev + ":" + path);
    BlobPtr blob(raw_blob);
    const char* content = static_cast<const char*>(git_blob_rawcontent(blob.get()));
    return std::string(content, static_cast<std::size_t>(git_blob_rawsize(blob.get())));
}

std::vector<LogEntry> Repository::log(const std::string& path, std::size_t limit) const {
    std::vector<LogEntry> entries;
    CommitPtr head = head_commit_of(raw(), workdir_);
    if (!head) {
        return entries;
    }
    std::string filter_path = normalise_path(path);

    // Newest first by committer time, ties in the order the commits were reached. A
    // hand-written walk because git_revwalk in libgit2 1.5 fails on the missing parents
    // at a shallow clone's boundary.
    struct Pending {
        std::int64_t time;
        std::uint64_t order;
        git_oid id;
        bool operator<(const Pending& other) const {
            return time != other.time ? time < other.time : order > other.order;
        }
    };
    std::priority_queue<Pending> queue;
    std::unordered_set<std::string> seen;
    std::uint64_t next_order = 0;
    queue.push({git_commit_time(head.get()), next_order++, *git_commit_id(head.get())});
    seen.insert(oid_key(*git_commit_id(head.get())));

    while (!queue.empty() && (limit == 0 || entries.size() < limit)) {
        Pending current = queue.top();
        queue.pop();
        CommitPtr commit = lookup_commit(raw(), current.id);
        TreePtr parent_tree = first_parent_tree(raw(), commit.get());

        if (filter_path.empty() || path_changed(parent_tree.get(), tree_of(commit.get()).get(), filter_path)) {
            entries.push_back(make_log_entry(raw(), commit.get(), parent_tree.get()));
        }

        for (unsigned int i = 0; i < git_commit_parentcount(commit.get()); ++i) {
            const git_oid* parent_id = git_commit_parent_id(commit.get(), i);
            if (!seen.insert(oid_key(*parent_id)).second) {
                continue;
            }
            git_commit* raw_parent = nullptr;
            int rc = git_commit_lookup(&raw_parent, raw(), parent_id);
            if (rc == GIT_ENOTFOUND && is_shallow()) {
                git_error_clear();
                continue;
            }
            check(rc, N_("failed to read commit: {}"), to_hex(*parent_id));
            CommitPtr parent(raw_parent);
            queue.push({git_commit_time(parent.get()), next_order++, *parent_id});
        }
    }
    return entries;
}

std::string Repository::diff(const std::string& path, const std::optional<std::string>& from,
                             const std::optional<std::string>& to) const {
    TreePtr old_tree = tree_at(raw(), workdir_, from);

    Pathspec pathspec(path);
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    options.flags = GIT_DIFF_DISABLE_PATHSPEC_MATCH;
    pathspec.apply(options.pathspec);

    git_diff* raw_diff = nullptr;
    int rc = 0;
    if (to) {
        TreePtr new_tree = tree_at(raw(), workdir_, to);
        rc = git_diff_tree_to_tree(&raw_diff, raw(), old_tree.get(), new_tree.get(), &options);
    } else {
        options.flags |= GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS | GIT_DIFF_SHOW_UNTRACKED_CONTENT;
        rc = git_diff_tree_to_workdir_with_index(&raw_diff, raw(), old_tree.get(), &options);
    }
    DiffPtr diff(raw_diff);
    check(rc, N_("failed to compute the diff: {}"), path);

    Buffer text;
    check(git_diff_to_buf(text.get(), diff.get(), GIT_DIFF_FORMAT_PATCH), N_("failed to compute the diff: {}"), path);
    return text.str();
}

bool Repository::is_modified(const std::string& path) const {
    Pathspec pathspec(path);
    git_status_options options = GIT_STATUS_OPTIONS_INIT;
    options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                    GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    pathspec.apply(options.pathspec);

    git_status_list* raw_status = nullptr;
    check(git_status_list_new(&raw_status, raw(), &options), N_("failed to read the status: {}"), path);
    StatusListPtr status(raw_status);
    return git_status_list_entrycount(status.get()) > 0;
}

}  // namespace dossier::git
