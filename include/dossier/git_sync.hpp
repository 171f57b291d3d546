// Working with a Git server: a repository's remote, clone, and sync (fetch, integrate, push).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dossier/git_repository.hpp"

namespace dossier::git {

// The remote that dossier fetches from and pushes to.
inline constexpr const char* default_remote = "origin";

// Returns the URL of `repository`'s remote "origin", or nullopt when it has none.
std::optional<std::string> remote_url(const Repository& repository);

// Creates the remote "origin" of `repository` with `url`, or changes its URL.
// Throws Error(usage) when `url` is not a URL that Git accepts.
void set_remote_url(Repository& repository, const std::string& url);

// Clones `url` into `directory`, which must not exist or be empty, and checks out the remote's
// default branch. Throws Error(git) naming the URL and what failed; nothing is left behind.
Repository clone(const std::string& url, const std::filesystem::path& directory);

// Merges the versions of a file that Git's line merge left in conflict. `base` is absent when
// both sides added the file. Returns the merged bytes, or nullopt with `reason` set when
// the versions conflict.
using ConflictResolver = std::function<std::optional<std::string>(
    const std::string& path, const std::optional<std::string>& base, const std::string& ours,
    const std::string& theirs, std::string& reason)>;

enum class SyncState {
    up_to_date,
    changed,   // pulled or pushed commits, or both
    conflict,  // a merge waits for `dossier resolve`; nothing was pushed
    failed,
};

struct UnresolvedConflict {
    std::string path;
    std::string reason;  // why the document-level merge did not resolve it; may be empty
};

struct SyncResult {
    SyncState state = SyncState::up_to_date;
    std::size_t pulled = 0;  // commits brought in from the remote
    std::size_t pushed = 0;  // commits sent to the remote
    bool merged = false;     // a merge commit was made
    std::vector<std::string> resolved;         // paths merged at the level of documents
    std::vector<UnresolvedConflict> conflicts;  // paths left in conflict in the index and working tree
    std::string error;  // for failed: what failed, translated
    std::string hint;   // for failed: what to do next
};

struct SyncOptions {
    Signature author;             // of a merge commit
    ConflictResolver resolve;     // may be empty: then every conflicting path stays in conflict
    bool push = true;
    // Puts the repository back as it was before the merge when conflicts remain, instead of
    // leaving them for `dossier resolve`: for the workspace repository, whose dossier.yaml
    // must stay readable for dossier to run at all.
    bool abort_on_conflict = false;
};

// Brings `repository`'s current branch and the same branch of its remote "origin" together:
// fetches, then fast-forwards, merges, or leaves a merge in conflict for the user, then
// pushes what the remote lacks. A merge that waits in the repository (MERGE_HEAD) is
// committed first once the user has resolved every conflicting path. Takes the repository's
// write lock while it changes the working tree. A dossier::Error on the way becomes a result with
// state failed instead of an exception.
SyncResult sync(Repository& repository, const SyncOptions& options);

// One conflicting path of a merge waiting in the repository, with the versions the index holds.
struct ConflictEntry {
    std::string path;
    std::optional<std::string> base, ours, theirs;  // absent when that side has no file
};

// Returns the paths of the index that are in conflict, sorted, with their three versions.
std::vector<ConflictEntry> index_conflicts(const Repository& repository);

// Returns true when a merge is in progress (MERGE_HEAD exists).
bool merge_in_progress(const Repository& repository);

// Marks `path` resolved with `bytes` (nullopt: deleted): writes the file atomically, then
// stages it, which removes its conflict entries. Throws Error(not_found) when `path` is not in
// conflict.
void resolve_conflict(Repository& repository, const std::string& path, const std::optional<std::string>& bytes);

}  // namespace dossier::git
