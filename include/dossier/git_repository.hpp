// libgit2 wrapper for one repository: open, init, commit a change, history, diff.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <sys/stat.h>

struct git_repository;

namespace dossier::git {

// Initialises libgit2 for the life of the object. Repository::open and init initialise it
// once per process by themselves, so only code that calls libgit2 directly needs one.
class Library {
public:
    Library();
    ~Library();
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;
};

struct Signature {
    std::string name;
    std::string email;
};

struct LogEntry {
    std::string commit;        // full hexadecimal id
    std::string short_commit;  // first 8 characters
    std::string author_name;
    std::string author_email;
    std::int64_t time = 0;     // seconds since the epoch
    int offset_minutes = 0;    // the author's UTC offset
    std::string summary;       // first line of the message
    std::string message;
    std::vector<std::string> paths;  // paths the commit changed, compared with its first parent
};

using ObjectId = std::array<unsigned char, 20>;  // a Git object id, raw

// A file of the working tree whose blob is already in the object database: the index can
// record it without reading the file again, with what lstat said of the file as written.
struct StagedFile {
    ObjectId blob;
    std::uint32_t ctime_seconds, ctime_nanoseconds, mtime_seconds, mtime_nanoseconds;
    std::uint32_t device, inode, mode, user, group, size;

    StagedFile(const ObjectId& blob, const struct stat& status);
};

// One path of a change: its content is taken from the working tree, or it is removed
// from the index when the file no longer exists. With `staged`, the file's blob is that one.
struct ChangedPath {
    std::string path;  // relative to the working directory, '/' separated
    std::optional<StagedFile> staged;
};

// The steps of Repository::commit during which libgit2 holds one of Git's lock files: a
// process killed during one leaves that lock file behind.
enum class CommitStep {
    move_branch,  // the branch's lock, such as .git/refs/heads/main.lock, or .git/HEAD.lock
    write_index,  // .git/index.lock
};

// A commit step that a killed dossier process began and never finished, as it recorded it.
struct InterruptedCommit {
    CommitStep step;
    std::string commit;  // the full id of the commit it was making
    // When the step began, by the coarse system clock that local file systems stamp files
    // with. A clock set back, or a network file system's own clock, can make a lock file look
    // older than the step: it then stays and the next commit names it.
    std::chrono::system_clock::time_point began;
};

using CommitStepCallback = std::function<void(CommitStep step, const std::string& commit)>;

// Returns user.name and user.email from the user's global and system Git configuration, for a
// commit in a repository that does not exist yet, or nullopt when either is missing.
std::optional<Signature> global_signature();

// Returns the Git blob id of `content`, the 20 bytes of its SHA-1 as Git computes it, without
// writing anything. Needs a live Library.
std::string blob_id(std::string_view content);

class Repository;

// Blobs written into the repository as packs rather than a loose file each: a change that
// writes thousands of files then adds a few packs instead of thousands of files. The blobs
// wait in memory, compressed, until write(); none of them can be read from the repository
// before.
class BlobPack {
public:
    explicit BlobPack(Repository& repository);
    ~BlobPack();
    BlobPack(const BlobPack&) = delete;
    BlobPack& operator=(const BlobPack&) = delete;

    // Adds `content`, the file at `path`, and returns the blob's id.
    ObjectId add(std::string_view content, const std::string& path);

    // The bytes of the blobs added since the last write().
    std::size_t pending_bytes() const noexcept { return pending_bytes_; }

    // Writes the blobs added since the last write() into one new pack of the repository.
    void write();

private:
    struct Objects;
    Repository& repository_;
    std::unique_ptr<Objects> objects_;
    std::size_t pending_bytes_ = 0;
};

class Repository {
public:
    // Opens the repository whose working directory is `workdir` (not a parent's).
    // Throws Error(git) naming `workdir` when it is not a repository.
    static Repository open(const std::filesystem::path& workdir);

    // Creates a repository at `workdir` whose unborn branch is "main".
    static Repository init(const std::filesystem::path& workdir);

    // Returns true when `workdir/.git` exists (a folder or a gitlink file).
    static bool exists(const std::filesystem::path& workdir);

    Repository(Repository&&) noexcept;
    Repository& operator=(Repository&&) noexcept;
    ~Repository();

    const std::filesystem::path& workdir() const noexcept { return workdir_; }

    // Returns the commit HEAD points to, or nullopt on an unborn branch.
    std::optional<std::string> head_commit() const;
    bool head_detached() const;
    bool is_shallow() const;

    // Returns the author for new commits from Git's configuration (user.name and
    // user.email, repository then global), or nullopt when either is missing.
    std::optional<Signature> configured_signature() const;

    // Stages `paths` from the working tree (or removes deleted ones), writes a commit
    // with `message` by `author`, and moves HEAD's branch (or a detached HEAD) from
    // `expected_head` to it. An `expected_head` of nullopt expects an unborn branch. When
    // HEAD no longer points at `expected_head`, throws Error(conflict) and leaves index and
    // working tree as they were. A path under a `.gitattributes` filter, which libgit2
    // cannot run, gives Error(invalid_input). A held index.lock gives Error(conflict) naming the lock file.
    // The commit contains only `paths` on top of `expected_head`'s tree, like
    // `git commit --only`: other changes staged in the index stay staged and uncommitted.
    // Returns the new commit's id; when nothing changed, returns nullopt and commits nothing.
    // `before_step`, when given, is called with the new commit's id before each CommitStep.
    std::optional<std::string> commit(const std::vector<ChangedPath>& paths, const std::string& message,
                                      const Signature& author,
                                      const std::optional<std::string>& expected_head,
                                      const CommitStepCallback& before_step = {});

    // Cleans up after a dossier process killed during `interrupted`. Removes the lock file of
    // that step when its time shows that the killed process created it. When HEAD points at
    // the interrupted commit, sets the index entries of the paths it changed to their entries
    // in it, as the killed process would have. Any other lock file stays, and the commit that
    // follows fails naming it. Throws Error(conflict) naming index.lock when the index needs
    // that repair and another process holds the lock, and Error(git) on other failures.
    void recover(const InterruptedCommit& interrupted);

    // Resolves a revision expression (HEAD~2, a tag, a short id) to a full commit id.
    // Throws Error(not_found) naming `rev`.
    std::string resolve(const std::string& rev) const;

    // Returns the bytes of `path` in commit `rev` as stored (no checkout filter applied),
    // or nullopt when the path is absent there or is not a file.
    std::optional<std::string> read_at(const std::string& rev, const std::string& path) const;

    // Returns commits reachable from HEAD, newest first, that changed `path` (every
    // commit when `path` is empty), at most `limit` (0 for no limit). Empty on an
    // unborn branch; stops quietly at the boundary of a shallow clone.
    std::vector<LogEntry> log(const std::string& path, std::size_t limit) const;

    // Returns a unified diff of `path` between `from` and `to`: commit revisions, or
    // nullopt for the working tree (`to`) and HEAD (`from`). Empty when identical. Unlike
    // `git diff`, an untracked file in the working tree shows as a new file.
    std::string diff(const std::string& path, const std::optional<std::string>& from,
                     const std::optional<std::string>& to) const;

    // Returns true when Git stores the file at `path` as its bytes are: no clean filter or
    // line-ending conversion from .gitattributes or core.autocrlf applies to it. What it finds
    // out about attribute files is kept: call attributes_changed() after writing one.
    bool stores_as_is(const std::string& path) const;
    void attributes_changed() noexcept;

    // Returns true when `path` differs between HEAD and the working tree or index.
    bool is_modified(const std::string& path) const;

    // Returns the paths of the files that differ between the commit `rev` and the working tree,
    // staged or not, untracked files included (ignored ones excluded), '/' separated and sorted.
    // A deleted file gives its old path, and a renamed file both paths. Throws Error(not_found)
    // when `rev` does not resolve to a commit.
    std::vector<std::string> paths_changed_since(const std::string& rev) const;

    // Returns the paths of the files added, copied, modified or renamed between HEAD and the
    // index, as `git diff --cached --name-only --diff-filter=ACMR` lists them. `index_file`
    // replaces the repository's index, as GIT_INDEX_FILE does for git during `git commit -a`.
    std::vector<std::string> staged_paths(const std::optional<std::filesystem::path>& index_file) const;

    // Writes every file of the index (or of `index_file`) under `directory`, as
    // `git checkout-index --all --prefix=DIRECTORY/` does, leaving the index unchanged.
    void export_index(const std::filesystem::path& directory,
                      const std::optional<std::filesystem::path>& index_file) const;

    git_repository* raw() const noexcept { return repo_.get(); }

private:
    struct Deleter {
        void operator()(git_repository* repo) const noexcept;
    };

    Repository(std::unique_ptr<git_repository, Deleter> repo, std::filesystem::path workdir);

    // Returns true when some .gitattributes, attributes file or core.autocrlf could apply a
    // filter to `path`; false means that no filter can.
    bool may_filter(const std::string& path) const;

    // commit() once each path is given once.
    std::optional<std::string> commit_unique(const std::vector<ChangedPath>& paths, const std::string& message,
                                             const Signature& author, const std::optional<std::string>& expected_head,
                                             const CommitStepCallback& before_step);

    std::unique_ptr<git_repository, Deleter> repo_;
    std::filesystem::path workdir_;
    // What may_filter found out, kept because an import asks for every file it writes.
    mutable std::optional<bool> attributes_outside_tree_;  // in .git/info, the user's or the system's
    mutable std::unordered_map<std::string, bool> folder_has_attributes_;  // by folder, relative
};

}  // namespace dossier::git
