// Sync with a Git server: remotes, clone, fetch, fast-forward or merge, conflicts, push.
#include "dossier/git_sync.hpp"

#include <git2.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <system_error>

#include <fmt/format.h>

#include "dossier/atomic_file.hpp"
#include "dossier/change.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "git_internal.hpp"
#include "git_transport.hpp"

namespace dossier::git {

namespace {

using RemotePtr = std::unique_ptr<git_remote, GitDeleter<git_remote, git_remote_free>>;
using AnnotatedCommitPtr =
    std::unique_ptr<git_annotated_commit, GitDeleter<git_annotated_commit, git_annotated_commit_free>>;
using ConflictIteratorPtr = std::unique_ptr<git_index_conflict_iterator,
                                            GitDeleter<git_index_conflict_iterator, git_index_conflict_iterator_free>>;
using RevwalkPtr = std::unique_ptr<git_revwalk, GitDeleter<git_revwalk, git_revwalk_free>>;

// The first line of an armored age block, which only credentials contain.
constexpr const char* age_block_start = "-----BEGIN AGE ENCRYPTED FILE-----";

// How many times sync fetches again when the remote moved between its fetch and its push.
constexpr int max_rounds = 3;

std::string last_error_text() {
    const git_error* error = git_error_last();
    return error != nullptr && error->message != nullptr ? std::string(error->message) : std::string();
}

// Throws Error(git) for a failed transfer with `url`, with a hint that fits what failed.
[[noreturn]] void throw_transfer(const char* msgid, const std::string& url, const Authentication& authentication) {
    std::string message = fmt::format(fmt::runtime(tr(msgid)), url);
    if (auto detail = last_error_text(); !detail.empty()) message += ": " + detail;
    std::string hint;
    if (authentication.host_key_failed()) {
        hint = tr("check the server's key fingerprint with its administrator, then record it with ssh (connect once "
                  "with ssh) or ssh-keyscan into ~/.ssh/known_hosts");
    } else if (!authentication.tried().empty()) {
        hint = fmt::format(fmt::runtime(tr("tried: {}. Load your key into ssh-agent or set DOSSIER_SSH_KEY for SSH; "
                                           "set DOSSIER_GIT_TOKEN or a Git credential helper for HTTPS")),
                           authentication.tried());
    } else {
        hint = tr("check the URL and that the server can be reached, then run dossier sync again");
    }
    throw Error(ErrorKind::git, std::move(message), std::move(hint));
}

RemotePtr lookup_origin(git_repository* repo, const fs::path& workdir) {
    git_remote* remote = nullptr;
    int rc = git_remote_lookup(&remote, repo, default_remote);
    if (rc == GIT_ENOTFOUND) {
        git_error_clear();
        throw Error(ErrorKind::not_found,
                    fmt::format(fmt::runtime(tr("the repository {} has no remote \"origin\"")), display(workdir)),
                    tr("set one with: dossier remote set CLIENT URL, or set remote: in dossier.yaml"));
    }
    check(rc, N_("failed to read the remote of {}"), display(workdir));
    return RemotePtr(remote);
}

// Returns the name of the branch HEAD points to ("main"), also on an unborn branch.
// Throws Error(conflict) for a detached HEAD: sync has no branch to bring together.
std::string current_branch(git_repository* repo, const fs::path& workdir) {
    git_reference* head = nullptr;
    check(git_reference_lookup(&head, repo, "HEAD"), N_("failed to read HEAD: {}"), display(workdir));
    ReferencePtr owned(head);
    if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) {
        throw Error(ErrorKind::conflict,
                    fmt::format(fmt::runtime(tr("HEAD of {} is detached, not on a branch")), display(workdir)),
                    tr("check out a branch (git switch main), then run dossier sync again"));
    }
    std::string target = git_reference_symbolic_target(head);
    constexpr std::string_view prefix = "refs/heads/";
    return target.starts_with(prefix) ? target.substr(prefix.size()) : target;
}

std::optional<git_oid> reference_target(git_repository* repo, const std::string& name) {
    git_oid id;
    int rc = git_reference_name_to_id(&id, repo, name.c_str());
    if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) {
        git_error_clear();
        return std::nullopt;
    }
    check(rc, N_("failed to read the reference {}"), name);
    return id;
}

// Returns how many commits are reachable from `from` but not from `hide`.
std::size_t count_commits(git_repository* repo, const git_oid& from, const std::optional<git_oid>& hide) {
    if (hide) {
        std::size_t ahead = 0, behind = 0;
        check(git_graph_ahead_behind(&ahead, &behind, repo, &from, &*hide), N_("failed to compare with {}"),
              to_hex(*hide));
        return ahead;
    }
    git_revwalk* walk = nullptr;
    check(git_revwalk_new(&walk, repo), N_("failed to walk the history from {}"), to_hex(from));
    RevwalkPtr owned(walk);
    check(git_revwalk_push(walk, &from), N_("failed to walk the history from {}"), to_hex(from));
    std::size_t count = 0;
    git_oid id;
    while (git_revwalk_next(&id, walk) == 0) ++count;
    git_error_clear();
    return count;
}

void fetch(git_remote* remote, const std::string& url) {
    Authentication authentication(url);
    git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
    authentication.install(options.callbacks);
    options.prune = GIT_FETCH_NO_PRUNE;
    if (git_remote_fetch(remote, nullptr, &options, "dossier sync: fetch") < 0) {
        throw_transfer(N_("failed to fetch from {}"), url, authentication);
    }
}

// Pushes `branch` to the remote. Returns false when the remote refused it because it moved
// (another push landed since the fetch): a new fetch and merge can fix that.
bool push(git_remote* remote, const std::string& url, const std::string& branch, const std::string& remote_branch) {
    Authentication authentication(url);
    git_push_options options = GIT_PUSH_OPTIONS_INIT;
    authentication.install(options.callbacks);

    std::string refspec = "refs/heads/" + branch + ":refs/heads/" + remote_branch;
    char* refspec_text = refspec.data();
    git_strarray refspecs = {&refspec_text, 1};
    if (git_remote_push(remote, &refspecs, &options) < 0) {
        // A remote that moved since the fetch is reported this way by the local and smart transports.
        if (git_error_last() != nullptr && last_error_text().find("non-fast-forward") != std::string::npos) {
            git_error_clear();
            return false;
        }
        throw_transfer(N_("failed to push to {}"), url, authentication);
    }
    const auto& rejected = authentication.rejected_references();
    if (!rejected.empty()) {
        for (const auto& rejection : rejected) {
            if (rejection.find("fast-forward") != std::string::npos || rejection.find("fetch first") != std::string::npos) {
                return false;
            }
        }
        bool locked = rejected.front().find(".lock") != std::string::npos;
        throw Error(ErrorKind::git,
                    fmt::format(fmt::runtime(tr("the remote {} refused the push: {}")), url, rejected.front()),
                    locked ? tr("another push to this repository is under way, or one was killed: if none is running, "
                                "remove the lock file named above, then run dossier sync again")
                           : tr("check that you may push to this repository and that the branch is not protected"));
    }
    return true;
}

// Fetches again and returns true when the remote's branch no longer is at `before`.
bool remote_moved(git_remote* remote, const std::string& url, const std::string& upstream_name,
                  const std::optional<git_oid>& before) {
    fetch(remote, url);
    auto after = reference_target(git_remote_owner(remote), upstream_name);
    if (!before || !after) return before.has_value() != after.has_value();
    return !git_oid_equal(&*before, &*after);
}

// Collects the paths that a checkout refuses to overwrite because they changed locally.
int note_checkout_conflict(git_checkout_notify_t /*why*/, const char* path, const git_diff_file*, const git_diff_file*,
                           const git_diff_file*, void* payload) {
    static_cast<std::vector<std::string>*>(payload)->emplace_back(path);
    return 0;
}

[[noreturn]] void throw_local_changes(const fs::path& workdir, const std::vector<std::string>& paths) {
    std::string listed;
    for (std::size_t i = 0; i < paths.size() && i < 5; ++i) listed += (i == 0 ? "" : ", ") + paths[i];
    if (paths.size() > 5) listed += ", …";
    throw Error(ErrorKind::conflict,
                fmt::format(fmt::runtime(tr("changes not committed in {} would be overwritten by the remote's: {}")),
                            display(workdir), listed),
                tr("commit them (dossier commits its own changes; for an editor's, use git commit) or discard them, "
                   "then run dossier sync again"));
}

git_checkout_options safe_checkout(std::vector<std::string>& conflicts) {
    git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
    options.checkout_strategy = GIT_CHECKOUT_SAFE;
    options.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT;
    options.notify_cb = &note_checkout_conflict;
    options.notify_payload = &conflicts;
    return options;
}

// Moves the branch `branch` from `current` (nullopt: unborn) to `target` and checks it out,
// keeping local changes that the move does not touch. Throws Error(conflict) when the branch
// moved meanwhile, as a commit by plain git would make it.
void fast_forward(git_repository* repo, const fs::path& workdir, const std::string& branch,
                  const std::optional<git_oid>& current, const git_oid& target) {
    CommitPtr commit = lookup_commit(repo, target);
    std::vector<std::string> conflicts;
    git_checkout_options options = safe_checkout(conflicts);
    if (git_checkout_tree(repo, reinterpret_cast<const git_object*>(commit.get()), &options) < 0) {
        if (!conflicts.empty()) throw_local_changes(workdir, conflicts);
        throw_git(describe(N_("failed to check out the remote's files in {}"), display(workdir)));
    }
    git_reference* moved = nullptr;
    std::string name = "refs/heads/" + branch;
    int rc = current ? git_reference_create_matching(&moved, repo, name.c_str(), &target, 1, &*current,
                                                     "dossier sync: fast-forward")
                     : git_reference_create(&moved, repo, name.c_str(), &target, 0, "dossier sync: fast-forward");
    if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS) {
        git_error_clear();
        throw Error(ErrorKind::conflict, describe(N_("the branch {} moved during the sync"), name),
                    tr("run dossier sync again"));
    }
    check(rc, N_("failed to move the branch {}"), branch);
    git_reference_free(moved);
}

// Commits the merge waiting in the repository: the index's tree, with HEAD and every
// MERGE_HEAD as parents. Then clears the merge state.
void commit_merge(git_repository* repo, const fs::path& workdir, const Signature& author, const std::string& message) {
    git_index* index = nullptr;
    check(git_repository_index(&index, repo), N_("failed to read the index of {}"), display(workdir));
    IndexPtr owned_index(index);
    git_oid tree_id;
    check(git_index_write_tree(&tree_id, index), N_("failed to write the merged tree of {}"), display(workdir));
    git_tree* tree = nullptr;
    check(git_tree_lookup(&tree, repo, &tree_id), N_("failed to write the merged tree of {}"), display(workdir));
    TreePtr owned_tree(tree);

    std::vector<CommitPtr> parents;
    parents.push_back(head_commit_of(repo, workdir));
    auto collect = [](const git_oid* id, void* payload) {
        static_cast<std::vector<git_oid>*>(payload)->push_back(*id);
        return 0;
    };
    std::vector<git_oid> merge_heads;
    check(git_repository_mergehead_foreach(repo, collect, &merge_heads), N_("failed to read MERGE_HEAD of {}"),
          display(workdir));
    for (const auto& id : merge_heads) parents.push_back(lookup_commit(repo, id));
    std::vector<const git_commit*> parent_pointers;
    for (const auto& parent : parents) parent_pointers.push_back(parent.get());

    git_signature* signature = nullptr;
    check(git_signature_now(&signature, author.name.c_str(), author.email.c_str()), N_("invalid author: {}"),
          author.name + " <" + author.email + ">");
    SignaturePtr owned_signature(signature);
    git_oid commit_id;
    check(git_commit_create(&commit_id, repo, "HEAD", signature, signature, nullptr, message.c_str(), tree,
                            parent_pointers.size(), parent_pointers.data()),
          N_("failed to commit the merge in {}"), display(workdir));
    check(git_repository_state_cleanup(repo), N_("failed to clear the merge state of {}"), display(workdir));
}

std::optional<std::string> entry_content(git_repository* repo, const git_index_entry* entry) {
    if (entry == nullptr) return std::nullopt;
    git_blob* blob = nullptr;
    check(git_blob_lookup(&blob, repo, &entry->id), N_("failed to read the version of {} in conflict"), entry->path);
    BlobPtr owned(blob);
    return std::string(static_cast<const char*>(git_blob_rawcontent(blob)), static_cast<std::size_t>(git_blob_rawsize(blob)));
}

// The file in the Git folder that marks a sync changing the working tree. It contains the
// commit being brought in and the commit it is compared with (the merge base, or HEAD for a
// fast-forward). It exists only while sync checks out or merges, so finding it means that a
// sync was killed there, and recover_interrupted() puts the repository back.
fs::path integration_marker(git_repository* repo) {
    return fs::path(git_repository_path(repo)) / "dossier-sync";
}

void clear_integration(git_repository* repo) {
    std::error_code error;
    fs::remove(integration_marker(repo), error);
}

// Returns true when `ancestor` is `descendant` or one of its ancestors.
bool contains_commit(git_repository* repo, const git_oid& descendant, const git_oid& ancestor) {
    if (git_oid_equal(&descendant, &ancestor)) return true;
    int rc = git_graph_descendant_of(repo, &descendant, &ancestor);
    check(rc, N_("failed to compare with {}"), to_hex(ancestor));
    return rc == 1;
}

// Returns the paths whose content differs between the trees of `from` (nullopt: no files)
// and `to`: the paths that bringing in `to` may write.
std::vector<std::string> changed_paths(git_repository* repo, const std::optional<git_oid>& from, const git_oid& to) {
    TreePtr old_tree;
    if (from) old_tree = tree_of(lookup_commit(repo, *from).get());
    TreePtr new_tree = tree_of(lookup_commit(repo, to).get());
    git_diff* diff = nullptr;
    check(git_diff_tree_to_tree(&diff, repo, old_tree.get(), new_tree.get(), nullptr), N_("failed to compare with {}"),
          to_hex(to));
    DiffPtr owned(diff);
    std::vector<std::string> paths;
    for (std::size_t i = 0; i < git_diff_num_deltas(diff); ++i) {
        const git_diff_delta* delta = git_diff_get_delta(diff, i);
        paths.emplace_back(delta->old_file.path);
        if (std::string_view(delta->new_file.path) != delta->old_file.path) paths.emplace_back(delta->new_file.path);
    }
    return paths;
}

// An exact pathspec of `paths` for libgit2; `paths` must outlive it.
struct ExactPaths {
    explicit ExactPaths(std::vector<std::string>& paths) {
        for (auto& path : paths) pointers.push_back(path.data());
        spec = {pointers.data(), pointers.size()};
    }
    std::vector<char*> pointers;
    git_strarray spec{};
};

// Throws Error(conflict) naming the paths of `paths` that have changes not committed, in the
// index or the working tree, or an untracked file: bringing in the remote's commit would
// overwrite them.
void check_unchanged(git_repository* repo, const fs::path& workdir, std::vector<std::string> paths) {
    if (paths.empty()) return;
    ExactPaths exact(paths);
    git_status_options options = GIT_STATUS_OPTIONS_INIT;
    options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH;
    options.pathspec = exact.spec;
    git_status_list* list = nullptr;
    check(git_status_list_new(&list, repo, &options), N_("failed to read the status of {}"), display(workdir));
    StatusListPtr owned(list);
    std::vector<std::string> changed;
    for (std::size_t i = 0; i < git_status_list_entrycount(list); ++i) {
        const git_status_entry* entry = git_status_byindex(list, i);
        const git_diff_delta* delta = entry->index_to_workdir != nullptr ? entry->index_to_workdir : entry->head_to_index;
        if (entry->status != GIT_STATUS_CURRENT && delta != nullptr) changed.emplace_back(delta->new_file.path);
    }
    if (!changed.empty()) throw_local_changes(workdir, changed);
}

// Checks that the working tree can take the changes from `base` to `target`, then records
// them in the marker, before sync writes anything.
void mark_integration(git_repository* repo, const fs::path& workdir, const std::optional<git_oid>& base,
                      const git_oid& target) {
    check_unchanged(repo, workdir, changed_paths(repo, base, target));
    write_file_atomically(integration_marker(repo), to_hex(target) + " " + (base ? to_hex(*base) : "-") + "\n");
}

// A record in the Git folder, `dossier-sync-PID`, that process PID is syncing the repository
// since the time it contains (nanoseconds since the epoch). libgit2 takes lock files of Git's
// own (refs/remotes/origin/main.lock, FETCH_HEAD.lock, index.lock) while it fetches, merges
// and pushes, and a killed sync leaves them behind. With the record, the next sync finds
// which of them a dead sync left.
class SyncRecord {
public:
    explicit SyncRecord(git_repository* repo)
        : path_(fs::path(git_repository_path(repo)) / ("dossier-sync-" + std::to_string(::getpid()))) {
        timespec now{};
        ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
        write_file_atomically(path_, std::to_string(static_cast<long long>(now.tv_sec) * 1'000'000'000LL + now.tv_nsec) +
                                         "\n");
    }
    ~SyncRecord() {
        std::error_code error;
        fs::remove(path_, error);
    }
    SyncRecord(const SyncRecord&) = delete;
    SyncRecord& operator=(const SyncRecord&) = delete;

private:
    fs::path path_;
};

// Removes the lock files that a killed sync left in the Git folder: those made since its record's
// time, while its process is gone. A lock file made before, or by a live process, stays, and
// the command that meets it names it.
void remove_dead_sync_locks(git_repository* repo) {
    fs::path git_dir = git_repository_path(repo);
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(git_dir, error)) {
        std::string name = entry.path().filename().string();
        if (!name.starts_with("dossier-sync-")) continue;
        long pid = std::strtol(name.c_str() + 13, nullptr, 10);
        if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) continue;

        long long since = 0;
        try {
            since = std::stoll(read_file(entry.path()));
        } catch (const std::exception&) {
            since = 0;
        }
        auto started = std::chrono::file_clock::from_sys(std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(since))));
        for (auto it = fs::recursive_directory_iterator(git_dir, error); it != fs::recursive_directory_iterator();
             it.increment(error)) {
            if (it->path().extension() != ".lock" || it->path().filename() == "dossier.lock") continue;
            if (it->path().parent_path().filename() == "objects") it.disable_recursion_pending();
            std::error_code stat_error;
            auto written = fs::last_write_time(it->path(), stat_error);
            if (!stat_error && written >= started) fs::remove(it->path(), stat_error);
        }
        fs::remove(entry.path(), error);
    }
}

// Makes the index entries and files of the paths that `target` changes since `base` those of
// `head` again: undoes a checkout or merge toward `target`. mark_integration() checked that the
// user had no change on these paths, so nothing of the user's is overwritten.
void put_back(git_repository* repo, const fs::path& workdir, const git_oid& head, const std::optional<git_oid>& base,
              const git_oid& target) {
    auto paths = changed_paths(repo, base, target);
    if (paths.empty()) return;
    ExactPaths exact(paths);
    CommitPtr commit = lookup_commit(repo, head);
    check(git_reset_default(repo, reinterpret_cast<const git_object*>(commit.get()), &exact.spec),
          N_("failed to put back the files of an interrupted sync in {}"), display(workdir));
    git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
    options.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED | GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
    options.paths = exact.spec;
    check(git_checkout_head(repo, &options), N_("failed to put back the files of an interrupted sync in {}"),
          display(workdir));
}

// Puts back the state before a sync that was killed while it checked out or merged the remote's
// commit. When that commit is not in HEAD yet, the index entries and files of every path that
// it changes are HEAD's again: mark_integration() checked that the user had no change there.
// A merge state is cleared, also when the merge commit was made before the kill.
void recover_interrupted(git_repository* repo, const fs::path& workdir) {
    std::error_code error;
    if (!fs::exists(integration_marker(repo), error)) return;
    std::string text = read_file(integration_marker(repo));
    git_oid target, base;
    bool has_base = text.size() >= 2 * GIT_OID_HEXSZ + 1 &&
                    git_oid_fromstrn(&base, text.data() + GIT_OID_HEXSZ + 1, GIT_OID_HEXSZ) == 0;
    auto head = reference_target(repo, "HEAD");
    if (text.size() < GIT_OID_HEXSZ || git_oid_fromstrn(&target, text.data(), GIT_OID_HEXSZ) < 0 || !head) {
        clear_integration(repo);
        return;
    }

    if (!contains_commit(repo, *head, target)) {
        put_back(repo, workdir, *head, has_base ? std::optional<git_oid>(base) : std::nullopt, target);
    }
    if (git_repository_state(repo) != GIT_REPOSITORY_STATE_NONE) {
        check(git_repository_state_cleanup(repo), N_("failed to clear the merge state of {}"), display(workdir));
    }
    clear_integration(repo);
}

std::string merge_message(const std::string& branch) {
    return fmt::format("Merge {}/{} into {}\n", default_remote, branch, branch);
}

// Merges `theirs` into the checked-out branch in the working tree and index, then offers
// each conflicting path to `options.resolve`. Commits the merge when nothing is left in
// conflict; otherwise leaves the repository in Git's merge state for the user.
void merge(Repository& repository, const std::string& branch, const std::string& upstream_name,
           const SyncOptions& options, SyncResult& result) {
    git_repository* repo = repository.raw();
    const fs::path& workdir = repository.workdir();

    git_annotated_commit* annotated = nullptr;
    check(git_annotated_commit_from_revspec(&annotated, repo, upstream_name.c_str()), N_("failed to read {}"),
          upstream_name);
    AnnotatedCommitPtr theirs(annotated);
    const git_annotated_commit* heads[] = {theirs.get()};

    git_oid base;
    auto head = reference_target(repo, "HEAD");
    int rc = git_merge_base(&base, repo, &*head, git_annotated_commit_id(theirs.get()));
    if (rc == GIT_ENOTFOUND) {
        git_error_clear();
        throw Error(ErrorKind::conflict,
                    fmt::format(fmt::runtime(tr("the histories of {} and of its remote have no commit in common")),
                                display(workdir)),
                    tr("the same client was probably created twice: keep one repository, clone the remote's with "
                       "dossier clone or git clone, and copy the other's documents into it"));
    }
    check(rc, N_("failed to find the merge base in {}"), display(workdir));

    git_merge_options merge_options = GIT_MERGE_OPTIONS_INIT;
    std::vector<std::string> local_conflicts;
    git_checkout_options checkout_options = safe_checkout(local_conflicts);
    checkout_options.checkout_strategy = GIT_CHECKOUT_SAFE | GIT_CHECKOUT_ALLOW_CONFLICTS;
    if (git_merge(repo, heads, 1, &merge_options, &checkout_options) < 0) {
        if (!local_conflicts.empty()) throw_local_changes(workdir, local_conflicts);
        throw_git(describe(N_("failed to merge the remote's commits into {}"), display(workdir)),
                  tr("commit or discard local changes, then run dossier sync again"));
    }

    git_index* index = nullptr;
    check(git_repository_index(&index, repo), N_("failed to read the index of {}"), display(workdir));
    IndexPtr owned_index(index);
    for (auto& conflict : index_conflicts(repository)) {
        std::string reason;
        if (!conflict.ours || !conflict.theirs) {
            reason = tr("changed on one side and deleted on the other");
        } else if (options.resolve) {
            if (auto merged = options.resolve(conflict.path, conflict.base, *conflict.ours, *conflict.theirs, reason)) {
                resolve_conflict(repository, conflict.path, merged);
                result.resolved.push_back(conflict.path);
                continue;
            }
        }
        result.conflicts.push_back({conflict.path, reason});
        // Conflict markers inside an age block would make the credential unreadable: the file
        // keeps our version, and the index keeps both for dossier resolve.
        bool credential = false;
        for (const auto* version : {&conflict.base, &conflict.ours, &conflict.theirs}) {
            credential = credential || (*version && version->value().find(age_block_start) != std::string::npos);
        }
        if (credential && conflict.ours) write_file_atomically(workdir / conflict.path, *conflict.ours);
    }
    result.merged = result.conflicts.empty();
    if (result.merged) {
        commit_merge(repo, workdir, options.author, merge_message(branch));
    } else if (options.abort_on_conflict) {
        git_oid merge_base;
        check(git_merge_base(&merge_base, repo, &*head, git_annotated_commit_id(theirs.get())),
              N_("failed to find the merge base in {}"), display(workdir));
        put_back(repo, workdir, *head, merge_base, *git_annotated_commit_id(theirs.get()));
        check(git_repository_state_cleanup(repo), N_("failed to clear the merge state of {}"), display(workdir));
    }
}

// Checks a file name taken from a conflict before it is written under the working tree.
void check_relative_path(const std::string& path) {
    fs::path relative(path);
    bool bad = path.empty() || relative.is_absolute();
    for (const auto& part : relative) bad = bad || part == ".." || part == ".git";
    if (bad) throw Error(ErrorKind::invalid_input, describe(N_("invalid path in conflict: {}"), path));
}

// Returns the names of the branches of origin that the last fetch saw, without HEAD.
std::vector<std::string> remote_branches(git_repository* repo) {
    std::vector<std::string> names;
    git_branch_iterator* iterator = nullptr;
    if (git_branch_iterator_new(&iterator, repo, GIT_BRANCH_REMOTE) < 0) {
        git_error_clear();
        return names;
    }
    git_reference* reference = nullptr;
    git_branch_t type;
    std::string prefix = std::string(default_remote) + "/";
    while (git_branch_next(&reference, &type, iterator) == 0) {
        const char* name = nullptr;
        if (git_branch_name(&name, reference) == 0 && std::string_view(name).starts_with(prefix) &&
            std::string_view(name) != prefix + "HEAD") {
            names.emplace_back(name + prefix.size());
        }
        git_reference_free(reference);
    }
    git_branch_iterator_free(iterator);
    git_error_clear();
    return names;
}

// Returns the branch of the remote that `branch` follows: the one `branch.<name>.merge` names
// when its remote is "origin" (as git clone and git push -u set), else the same name.
std::string upstream_branch(git_repository* repo, const std::string& branch) {
    git_config* config = nullptr;
    if (git_repository_config_snapshot(&config, repo) < 0) {
        git_error_clear();
        return branch;
    }
    ConfigPtr owned(config);
    const char* remote = nullptr;
    const char* merge = nullptr;
    if (git_config_get_string(&remote, config, ("branch." + branch + ".remote").c_str()) < 0 ||
        git_config_get_string(&merge, config, ("branch." + branch + ".merge").c_str()) < 0) {
        git_error_clear();
        return branch;
    }
    std::string_view merged(merge);
    if (std::string_view(remote) != default_remote || !merged.starts_with("refs/heads/")) return branch;
    return std::string(merged.substr(std::string_view("refs/heads/").size()));
}

// Makes `branch` follow `remote_branch` of origin when it follows nothing yet and the remote has
// that branch, so that plain git pull and git push work in the repository too.
void track_upstream(git_repository* repo, const std::string& branch, const std::string& remote_branch) {
    git_reference* local = nullptr;
    if (git_branch_lookup(&local, repo, branch.c_str(), GIT_BRANCH_LOCAL) < 0) {
        git_error_clear();
        return;
    }
    ReferencePtr owned(local);
    git_reference* upstream = nullptr;
    if (git_branch_upstream(&upstream, local) == 0) {
        git_reference_free(upstream);
        return;
    }
    git_error_clear();
    std::string name = std::string(default_remote) + "/" + remote_branch;
    if (!reference_target(repo, "refs/remotes/" + name)) return;
    if (git_branch_set_upstream(local, name.c_str()) < 0) git_error_clear();
}

// One fetch, integration and push. Returns false when the push must be tried again after a
// new fetch because the remote moved.
bool sync_round(Repository& repository, const SyncOptions& options, SyncResult& result) {
    git_repository* repo = repository.raw();
    const fs::path& workdir = repository.workdir();
    auto url = remote_url(repository);
    RemotePtr remote = lookup_origin(repo, workdir);
    std::string branch = current_branch(repo, workdir);
    std::string remote_branch = upstream_branch(repo, branch);

    fetch(remote.get(), *url);
    std::string upstream_name = std::string("refs/remotes/") + default_remote + "/" + remote_branch;
    auto local = reference_target(repo, "HEAD");
    auto upstream = reference_target(repo, upstream_name);
    if (!local && !upstream) {
        auto branches = remote_branches(repo);
        if (!branches.empty()) {
            std::string listed;
            for (const auto& name : branches) listed += (listed.empty() ? "" : ", ") + name;
            throw Error(ErrorKind::conflict,
                        fmt::format(fmt::runtime(tr("the remote of {} has no branch {}; it has: {}")), display(workdir),
                                    remote_branch, listed),
                        fmt::format(fmt::runtime(tr("check out the branch to use with git -C {} switch {}, then run "
                                                    "dossier sync again")),
                                    display(workdir), branches.front()));
        }
    }

    if (upstream && (!local || !git_oid_equal(&*local, &*upstream))) {
        std::size_t ahead = 0, behind = 0;
        if (local) {
            check(git_graph_ahead_behind(&ahead, &behind, repo, &*local, &*upstream), N_("failed to compare with {}"),
                  upstream_name);
        } else {
            behind = count_commits(repo, *upstream, std::nullopt);
        }
        if (behind > 0) {
            WriteLock lock(git_repository_path(repo), write_lock_timeout());
            result.pulled += behind;
            std::optional<git_oid> base = local;
            if (local && ahead > 0) {
                git_oid merge_base;
                if (git_merge_base(&merge_base, repo, &*local, &*upstream) == 0) {
                    base = merge_base;
                } else {
                    git_error_clear();  // unrelated histories: merge() reports them
                }
            }
            mark_integration(repo, workdir, base, *upstream);
            try {
                if (ahead == 0) {
                    fast_forward(repo, workdir, branch, local, *upstream);
                } else {
                    merge(repository, branch, upstream_name, options, result);
                }
            } catch (const Error&) {
                // Errors come before any write (local changes in the way, unrelated histories) or
                // after Git's merge state records what is left, so the marker must not put back files.
                clear_integration(repo);
                throw;
            }
            clear_integration(repo);
            if (!result.conflicts.empty()) {
                result.state = SyncState::conflict;
                return true;
            }
        }
    }

    local = reference_target(repo, "HEAD");
    if (options.push && local && (!upstream || !git_oid_equal(&*local, &*upstream))) {
        std::size_t count = count_commits(repo, *local, upstream);
        if (count > 0) {
            bool accepted = false;
            try {
                accepted = push(remote.get(), *url, branch, remote_branch);
            } catch (const Error&) {
                // Servers word a lost race differently ("fetch first", "failed to update ref"), so
                // the branch on the remote is checked instead: if it moved, the round starts again.
                if (!remote_moved(remote.get(), *url, upstream_name, upstream)) throw;
            }
            if (!accepted) return false;
            result.pushed += count;
        }
    }
    track_upstream(repo, branch, remote_branch);
    return true;
}

}  // namespace

std::optional<std::string> remote_url(const Repository& repository) {
    git_remote* remote = nullptr;
    int rc = git_remote_lookup(&remote, repository.raw(), default_remote);
    if (rc == GIT_ENOTFOUND) {
        git_error_clear();
        return std::nullopt;
    }
    check(rc, N_("failed to read the remote of {}"), display(repository.workdir()));
    RemotePtr owned(remote);
    const char* url = git_remote_url(remote);
    return url != nullptr ? std::optional<std::string>(url) : std::nullopt;
}

void set_remote_url(Repository& repository, const std::string& url) {
    if (url.empty() || url.find_first_of("\n\r") != std::string::npos) {
        throw Error(ErrorKind::usage, describe(N_("invalid remote URL: {}"), url),
                    tr("give a URL such as ssh://git@server/msp/acme.git, git@server:msp/acme.git or "
                       "https://server/msp/acme.git"));
    }
    // A password or token written in the URL would be committed in dossier.yaml and printed.
    if (auto scheme = url.find("://"); scheme != std::string::npos) {
        auto authority_end = url.find('/', scheme + 3);
        auto at = url.rfind('@', authority_end);
        auto colon = url.find(':', scheme + 3);
        if (at != std::string::npos && at > scheme && colon < at) {
            std::string redacted = url.substr(0, colon) + url.substr(at);
            throw Error(ErrorKind::usage,
                        describe(N_("the remote URL contains a password or token: {}"), redacted + " (hidden)"),
                        tr("remove it from the URL, and give it in DOSSIER_GIT_TOKEN or through a Git credential "
                           "helper"));
        }
    }
    if (remote_url(repository)) {
        check(git_remote_set_url(repository.raw(), default_remote, url.c_str()), N_("failed to set the remote URL {}"),
              url);
        return;
    }
    git_remote* remote = nullptr;
    check(git_remote_create(&remote, repository.raw(), default_remote, url.c_str()), N_("failed to set the remote URL {}"),
          url);
    git_remote_free(remote);
}

Repository clone(const std::string& url, const fs::path& directory) {
    Library library;
    std::error_code error;
    bool existed = fs::exists(directory, error);
    if (existed && !fs::is_empty(directory, error)) {
        throw Error(ErrorKind::already_exists,
                    describe(N_("cannot clone into {}: the folder is not empty"), display(directory)),
                    tr("choose another folder, or remove this one"));
    }

    Authentication authentication(url);
    git_clone_options options = GIT_CLONE_OPTIONS_INIT;
    authentication.install(options.fetch_opts.callbacks);
    git_repository* repo = nullptr;
    if (git_clone(&repo, url.c_str(), directory.c_str(), &options) < 0) {
        std::string detail = last_error_text();
        if (!existed) {
            fs::remove_all(directory, error);
        } else {
            for (const auto& entry : fs::directory_iterator(directory, error)) fs::remove_all(entry.path(), error);
        }
        git_error_set_str(GIT_ERROR_NET, detail.c_str());
        throw_transfer(N_("failed to clone {}"), url, authentication);
    }
    // The remote's HEAD may name a branch it lacks (a server whose default branch is master,
    // holding main only), or the remote may be empty: dossier's branch is main.
    if (git_repository_head_unborn(repo) == 1) {
        std::string branch = "main";
        auto target = reference_target(repo, std::string("refs/remotes/") + default_remote + "/main");
        if (!target) {
            // A remote with one branch of another name, such as trunk, is taken as it is.
            auto branches = remote_branches(repo);
            if (branches.size() == 1) {
                branch = branches.front();
                target = reference_target(repo, std::string("refs/remotes/") + default_remote + "/" + branch);
            }
        }
        git_repository_set_head(repo, ("refs/heads/" + branch).c_str());
        if (target) {
            try {
                fast_forward(repo, directory, branch, std::nullopt, *target);
                track_upstream(repo, branch, branch);
            } catch (const Error&) {
                git_repository_free(repo);
                throw;
            }
        }
    }
    git_repository_free(repo);
    return Repository::open(directory);
}

SyncResult sync(Repository& repository, const SyncOptions& options) {
    SyncResult result;
    try {
        git_repository* repo = repository.raw();
        if (!remote_url(repository)) lookup_origin(repo, repository.workdir());
        {
            WriteLock lock(git_repository_path(repo), write_lock_timeout());
            remove_dead_sync_locks(repo);
            recover_interrupted(repo, repository.workdir());
        }
        SyncRecord record(repo);

        if (merge_in_progress(repository)) {
            WriteLock lock(git_repository_path(repo), write_lock_timeout());
            for (auto& conflict : index_conflicts(repository)) result.conflicts.push_back({conflict.path, {}});
            if (!result.conflicts.empty()) {
                result.state = SyncState::conflict;
                return result;
            }
            commit_merge(repo, repository.workdir(), options.author,
                         merge_message(current_branch(repo, repository.workdir())));
            result.merged = true;
        }

        bool done = false;
        for (int round = 0; round < max_rounds && !done; ++round) {
            done = sync_round(repository, options, result);
            if (result.state == SyncState::conflict) return result;
        }
        if (!done) {
            throw Error(ErrorKind::conflict,
                        fmt::format(fmt::runtime(tr("the remote of {} kept moving during the sync")),
                                    display(repository.workdir())),
                        tr("run dossier sync again"));
        }
        bool changed = result.pulled > 0 || result.pushed > 0 || result.merged;
        result.state = changed ? SyncState::changed : SyncState::up_to_date;
    } catch (const Error& error) {
        result.state = SyncState::failed;
        result.error = error.what();
        result.hint = error.hint();
    }
    return result;
}

bool merge_in_progress(const Repository& repository) {
    return git_repository_state(repository.raw()) == GIT_REPOSITORY_STATE_MERGE;
}

std::vector<ConflictEntry> index_conflicts(const Repository& repository) {
    git_repository* repo = repository.raw();
    git_index* index = nullptr;
    check(git_repository_index(&index, repo), N_("failed to read the index of {}"), display(repository.workdir()));
    IndexPtr owned_index(index);
    check(git_index_read(index, 0), N_("failed to read the index of {}"), display(repository.workdir()));

    std::vector<ConflictEntry> conflicts;
    if (!git_index_has_conflicts(index)) return conflicts;
    git_index_conflict_iterator* iterator = nullptr;
    check(git_index_conflict_iterator_new(&iterator, index), N_("failed to read the index of {}"),
          display(repository.workdir()));
    ConflictIteratorPtr owned_iterator(iterator);
    const git_index_entry *ancestor = nullptr, *ours = nullptr, *theirs = nullptr;
    while (git_index_conflict_next(&ancestor, &ours, &theirs, iterator) == 0) {
        const git_index_entry* any = ancestor;
        if (theirs != nullptr) any = theirs;
        if (ours != nullptr) any = ours;
        conflicts.push_back({any->path, entry_content(repo, ancestor), entry_content(repo, ours),
                             entry_content(repo, theirs)});
    }
    git_error_clear();
    std::sort(conflicts.begin(), conflicts.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return conflicts;
}

void resolve_conflict(Repository& repository, const std::string& path, const std::optional<std::string>& bytes) {
    check_relative_path(path);
    git_repository* repo = repository.raw();
    git_index* index = nullptr;
    check(git_repository_index(&index, repo), N_("failed to read the index of {}"), display(repository.workdir()));
    IndexPtr owned_index(index);
    check(git_index_read(index, 0), N_("failed to read the index of {}"), display(repository.workdir()));
    const git_index_entry *ancestor = nullptr, *ours = nullptr, *theirs = nullptr;
    if (git_index_conflict_get(&ancestor, &ours, &theirs, index, path.c_str()) < 0) {
        git_error_clear();
        throw Error(ErrorKind::not_found, describe(N_("{} is not in conflict"), path),
                    tr("list the conflicting documents with dossier sync or git status"));
    }

    fs::path file = repository.workdir() / path;
    if (bytes) {
        std::error_code error;
        fs::create_directories(file.parent_path(), error);
        write_file_atomically(file, *bytes);
        check(git_index_add_bypath(index, path.c_str()), N_("failed to stage {}"), path);
    } else {
        std::error_code error;
        fs::remove(file, error);
        check(git_index_remove_bypath(index, path.c_str()), N_("failed to stage {}"), path);
    }
    check(git_index_write(index), N_("failed to write the index of {}"), display(repository.workdir()));
}

}  // namespace dossier::git
