// libgit2 wrapper: every libgit2 handle lives in a unique_ptr, every failure becomes a dossier::Error.
#include "dossier/git_repository.hpp"

#include <git2.h>

#include <fmt/format.h>

#include <cstring>
#include <queue>
#include <system_error>
#include <unordered_set>
#include <utility>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

namespace dossier::git {

namespace {

namespace fs = std::filesystem;

template <typename T, void (*Free)(T*)>
struct GitDeleter {
    void operator()(T* handle) const noexcept { Free(handle); }
};

using BlobPtr = std::unique_ptr<git_blob, GitDeleter<git_blob, git_blob_free>>;
using CommitPtr = std::unique_ptr<git_commit, GitDeleter<git_commit, git_commit_free>>;
using ConfigPtr = std::unique_ptr<git_config, GitDeleter<git_config, git_config_free>>;
using DiffPtr = std::unique_ptr<git_diff, GitDeleter<git_diff, git_diff_free>>;
using IndexPtr = std::unique_ptr<git_index, GitDeleter<git_index, git_index_free>>;
using ObjectPtr = std::unique_ptr<git_object, GitDeleter<git_object, git_object_free>>;
using ReferencePtr = std::unique_ptr<git_reference, GitDeleter<git_reference, git_reference_free>>;
using SignaturePtr = std::unique_ptr<git_signature, GitDeleter<git_signature, git_signature_free>>;
using StatusListPtr = std::unique_ptr<git_status_list, GitDeleter<git_status_list, git_status_list_free>>;
using TreeEntryPtr = std::unique_ptr<git_tree_entry, GitDeleter<git_tree_entry, git_tree_entry_free>>;
using TreePtr = std::unique_ptr<git_tree, GitDeleter<git_tree, git_tree_free>>;

// Owns a git_buf filled by libgit2.
class Buffer {
public:
    Buffer() = default;
    ~Buffer() { git_buf_dispose(&buf_); }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

    git_buf* get() noexcept { return &buf_; }
    std::string str() const { return buf_.ptr == nullptr ? std::string{} : std::string(buf_.ptr, buf_.size); }

private:
    git_buf buf_ = GIT_BUF_INIT;
};

std::string last_git_message() {
    const git_error* error = git_error_last();
    if (error == nullptr || error->message == nullptr) {
        return {};
    }
    return error->message;
}

// Formats a translated "what failed: {}" message with `value`.
std::string describe(const char* msgid, const std::string& value) {
    return fmt::format(fmt::runtime(tr(msgid)), value);
}

// Throws Error(git) with `message` followed by libgit2's own explanation.
[[noreturn]] void throw_git(const std::string& message, std::string hint = {}) {
    std::string detail = last_git_message();
    std::string text = detail.empty() ? message : message + ": " + detail;
    throw Error(ErrorKind::git, std::move(text), std::move(hint));
}

void check(int rc, const char* msgid, const std::string& value) {
    if (rc < 0) {
        throw_git(describe(msgid, value));
    }
}

std::string to_hex(const git_oid& id) {
    char text[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(text, sizeof text, &id);
    return text;
}

git_oid parse_oid(const std::string& hex) {
    git_oid id;
    if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstr(&id, hex.c_str()) < 0) {
        throw Error(ErrorKind::invalid_input, describe(N_("invalid commit id: {}"), hex));
    }
    return id;
}

// Key for a set of object ids.
std::string oid_key(const git_oid& id) {
    return std::string(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ);
}

std::string display(const fs::path& path) {
    return path.string();
}

// Throws Error(conflict) for a lock file held by another process, or left by one that died.
[[noreturn]] void throw_locked(const char* msgid, const fs::path& lock) {
    throw Error(ErrorKind::conflict, describe(msgid, display(lock)),
                describe(N_("if no other git or dossier process is running, remove {}"), display(lock)));
}

// --- Reading objects --------------------------------------------------------------------

CommitPtr lookup_commit(git_repository* repo, const git_oid& id) {
    git_commit* commit = nullptr;
    check(git_commit_lookup(&commit, repo, &id), N_("failed to read commit: {}"), to_hex(id));
    return CommitPtr(commit);
}

TreePtr tree_of(const git_commit* commit) {
    git_tree* tree = nullptr;
    check(git_commit_tree(&tree, commit), N_("failed to read the tree of commit: {}"), to_hex(*git_commit_id(commit)));
    return TreePtr(tree);
}

// Returns the commit HEAD points to, or null on an unborn branch.
CommitPtr head_commit_of(git_repository* repo, const fs::path& workdir) {
    git_oid id;
    int rc = git_reference_name_to_id(&id, repo, "HEAD");
    if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) {
        git_error_clear();
        return nullptr;
    }
    check(rc, N_("failed to read HEAD: {}"), display(workdir));
    return lookup_commit(repo, id);
}

// Returns the tree entry at `path` (a file or a folder), or null when `path` is absent.
TreeEntryPtr entry_at(const git_tree* tree, const std::string& path) {
    if (tree == nullptr) {
        return nullptr;
    }
    git_tree_entry* entry = nullptr;
    int rc = git_tree_entry_bypath(&entry, tree, path.c_str());
    if (rc == GIT_ENOTFOUND) {
        git_error_clear();
        return nullptr;
    }
    check(rc, N_("failed to read path in tree: {}"), path);
    return TreeEntryPtr(entry);
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

// --- Committing --------------------------------------------------------------------------

// Formats the message as `git commit` stores it, without trailing spaces or blank lines and
// with one final newline. Throws Error(invalid_input) when nothing is left.
std::string prettify_message(const std::string& message) {
    Buffer buffer;
    check(git_message_prettify(buffer.get(), message.c_str(), 0, '#'), N_("failed to format commit message: {}"),
          message);
    std::string result = buffer.str();
    if (result.empty()) {
        throw Error(ErrorKind::invalid_input, tr("commit message is empty"));
    }
    return result;
}

// Re-reads the index from disk when a commit fails, so that nothing half-staged stays in
// the repository's cached index.
class IndexRollback {
public:
    explicit IndexRollback(git_index* index) : index_(index) {}
    ~IndexRollback() {
        if (index_ != nullptr) {
            git_index_read(index_, 1);
        }
    }
    IndexRollback(const IndexRollback&) = delete;
    IndexRollback& operator=(const IndexRollback&) = delete;

    void dismiss() noexcept { index_ = nullptr; }

private:
    git_index* index_;
};

// Writes the tree of a first commit: the entries of `index` for `paths`, and nothing else.
git_oid write_first_tree(git_repository* repo, git_index* index, const std::vector<ChangedPath>& paths) {
    git_index* raw_scratch = nullptr;
    check(git_index_new(&raw_scratch), N_("failed to write the tree: {}"), git_repository_workdir(repo));
    IndexPtr scratch(raw_scratch);

    for (const ChangedPath& changed : paths) {
        const git_index_entry* staged = git_index_get_bypath(index, changed.path.c_str(), 0);
        if (staged == nullptr) continue;
        check(git_index_add(scratch.get(), staged), N_("failed to stage file: {}"), changed.path);
    }

    git_oid tree_id;
    check(git_index_write_tree_to(&tree_id, scratch.get(), repo), N_("failed to write the tree: {}"),
          git_repository_workdir(repo));
    return tree_id;
}

IndexPtr load_index(git_repository* repo, const fs::path& workdir) {
    git_index* index = nullptr;
    check(git_repository_index(&index, repo), N_("failed to read the index: {}"), display(workdir));
    IndexPtr owned(index);
    // Without force, this reads the file again only when it changed since the repository loaded it.
    check(git_index_read(index, 0), N_("failed to read the index: {}"), git_index_path(index));
    return owned;
}

// Stages each path from the working tree, through the clean filters that .gitattributes
// and core.autocrlf select, or removes it from the index when the file no longer exists.
void stage_paths(git_index* index, const fs::path& workdir, const std::vector<ChangedPath>& paths) {
    git_repository* repo = git_index_owner(index);
    for (const ChangedPath& changed : paths) {
        // libgit2 runs only its built-in filters: a clean program from .gitattributes (git-crypt,
        // git-lfs, a redaction filter) would be skipped and the raw file committed.
        const char* filter = nullptr;
        if (git_attr_get(&filter, repo, GIT_ATTR_CHECK_FILE_THEN_INDEX, changed.path.c_str(), "filter") == 0 &&
            (GIT_ATTR_IS_TRUE(filter) || git_attr_value(filter) == GIT_ATTR_VALUE_STRING)) {
            std::string name = git_attr_value(filter) == GIT_ATTR_VALUE_STRING ? filter : "";
            throw Error(ErrorKind::invalid_input,
                        describe(N_("a Git filter from .gitattributes applies to {}, and dossier cannot run it"),
                                 changed.path + (name.empty() ? "" : " (filter=" + name + ")")),
                        tr("the change is kept in the working tree: commit it with git, which runs the filter"));
        }

        std::error_code error;
        bool present = fs::exists(fs::symlink_status(workdir / changed.path, error));
        int rc = present ? git_index_add_bypath(index, changed.path.c_str())
                         : git_index_remove_bypath(index, changed.path.c_str());
        check(rc, N_("failed to stage file: {}"), changed.path);
    }
}

// Writes the tree of `parent` with only `paths` replaced by their entries in `index`. With a
// parent, only the trees along those paths are rewritten, so the cost does not grow with the
// number of files in the repository.
git_oid write_commit_tree(git_repository* repo, git_index* index, const git_commit* parent,
                          const std::vector<ChangedPath>& paths) {
    if (parent == nullptr) return write_first_tree(repo, index, paths);

    TreePtr base = tree_of(parent);
    std::vector<git_tree_update> updates;
    for (const ChangedPath& changed : paths) {
        const git_index_entry* staged = git_index_get_bypath(index, changed.path.c_str(), 0);
        git_tree_update update{};
        update.path = changed.path.c_str();
        if (staged != nullptr) {
            update.action = GIT_TREE_UPDATE_UPSERT;
            update.id = staged->id;
            update.filemode = static_cast<git_filemode_t>(staged->mode);
        } else if (entry_at(base.get(), changed.path) != nullptr) {
            update.action = GIT_TREE_UPDATE_REMOVE;
        } else {
            continue;  // removed from the working tree and absent from the parent too
        }
        updates.push_back(update);
    }

    git_oid tree_id;
    check(git_tree_create_updated(&tree_id, repo, base.get(), updates.size(), updates.data()),
          N_("failed to write the tree: {}"), git_repository_workdir(repo));
    return tree_id;
}

bool tree_unchanged(const git_oid& tree_id, const git_commit* parent) {
    if (parent != nullptr) {
        return git_oid_equal(&tree_id, git_commit_tree_id(parent));
    }
    git_oid empty_tree;
    git_oid_fromstr(&empty_tree, "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
    return git_oid_equal(&tree_id, &empty_tree);
}

git_oid create_commit_object(git_repository* repo, const git_oid& tree_id, const git_commit* parent,
                             const std::string& message, const Signature& author) {
    git_signature* raw_signature = nullptr;
    check(git_signature_now(&raw_signature, author.name.c_str(), author.email.c_str()),
          N_("invalid author for the commit: {}"), author.name + " <" + author.email + ">");
    SignaturePtr signature(raw_signature);

    git_tree* raw_tree = nullptr;
    check(git_tree_lookup(&raw_tree, repo, &tree_id), N_("failed to write the tree: {}"), git_repository_workdir(repo));
    TreePtr tree(raw_tree);

    const git_commit* parents[] = {parent};
    git_oid commit_id;
    check(git_commit_create(&commit_id, repo, nullptr, signature.get(), signature.get(), nullptr, message.c_str(),
                            tree.get(), parent == nullptr ? 0 : 1, parents),
          N_("failed to create the commit: {}"), git_repository_workdir(repo));
    return commit_id;
}

// Turns a failed compare-and-swap of `ref_name` into Error(conflict) or Error(git).
[[noreturn]] void throw_ref_failure(int rc, const std::string& ref_name, const fs::path& lock) {
    if (rc == GIT_ELOCKED) {
        throw_locked(N_("Git reference is locked: {}"), lock);
    }
    if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ENOTFOUND) {
        throw Error(ErrorKind::conflict, describe(N_("branch moved since the command started: {}"), ref_name),
                    tr("the change is kept in the working tree; run the command again"));
    }
    throw_git(describe(N_("failed to update the branch: {}"), ref_name));
}

// Moves HEAD's branch, or a detached HEAD, from `expected` to `commit_id` only if it still
// points at `expected`. An absent `expected` means the branch must not exist yet.
void move_head(git_repository* repo, const git_oid& commit_id, const std::optional<git_oid>& expected,
               const std::string& reflog_message) {
    git_reference* raw_head = nullptr;
    check(git_reference_lookup(&raw_head, repo, "HEAD"), N_("failed to read HEAD: {}"), git_repository_path(repo));
    ReferencePtr head(raw_head);

    bool symbolic = git_reference_type(head.get()) == GIT_REFERENCE_SYMBOLIC;
    std::string ref_name = symbolic ? git_reference_symbolic_target(head.get()) : "HEAD";
    // Branches live in the common folder that linked worktrees share, HEAD in each worktree's own.
    fs::path lock = fs::path(symbolic ? git_repository_commondir(repo) : git_repository_path(repo)) /
                    (ref_name + ".lock");

    git_reference* moved = nullptr;
    int rc = 0;
    if (expected) {
        rc = git_reference_create_matching(&moved, repo, ref_name.c_str(), &commit_id, 1, &*expected,
                                           reflog_message.c_str());
    } else if (symbolic) {
        rc = git_reference_create(&moved, repo, ref_name.c_str(), &commit_id, 0, reflog_message.c_str());
    } else {
        rc = GIT_EMODIFIED;  // a detached HEAD always points at a commit, so it is not unborn
    }
    ReferencePtr owned(moved);
    if (rc < 0) {
        throw_ref_failure(rc, ref_name, lock);
    }
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

// --- Library and Repository ------------------------------------------------------------

Library::Library() {
    if (git_libgit2_init() < 0) {
        throw_git(tr("failed to initialize libgit2"));
    }
    // libgit2 then fsyncs the loose objects and references it writes, so a crash right after
    // a commit cannot leave a branch pointing at an object that never reached the disk.
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
}

Library::~Library() {
    git_libgit2_shutdown();
}

void Repository::Deleter::operator()(git_repository* repo) const noexcept {
    git_repository_free(repo);
}

Repository::Repository(std::unique_ptr<git_repository, Deleter> repo, std::filesystem::path workdir)
    : repo_(std::move(repo)), workdir_(std::move(workdir)) {}

Repository::Repository(Repository&&) noexcept = default;
Repository& Repository::operator=(Repository&&) noexcept = default;
Repository::~Repository() = default;

namespace {

// Initialises libgit2 once per process, on the first repository opened: the initialisation
// costs milliseconds (Debian's libgit2 parses the system's CA certificates), and commands
// that never touch Git, such as `show`, skip it.
void ensure_initialized() { static const Library library; }

}  // namespace

std::optional<Signature> global_signature() {
    ensure_initialized();
    git_config* raw_config = nullptr;
    if (git_config_open_default(&raw_config) < 0) {
        git_error_clear();
        return std::nullopt;
    }
    std::unique_ptr<git_config, decltype(&git_config_free)> config(raw_config, git_config_free);

    auto read = [&](const char* name) -> std::string {
        git_buf value = GIT_BUF_INIT;
        std::string text;
        if (git_config_get_string_buf(&value, config.get(), name) == 0 && value.ptr != nullptr) {
            text.assign(value.ptr, value.size);
        }
        git_buf_dispose(&value);
        git_error_clear();
        return text;
    };
    std::string name = read("user.name");
    std::string email = read("user.email");
    if (name.empty() || email.empty()) return std::nullopt;
    return Signature{name, email};
}

Repository Repository::open(const std::filesystem::path& workdir) {
    ensure_initialized();
    fs::path absolute = fs::absolute(workdir);
    git_repository* raw = nullptr;
    int rc = git_repository_open_ext(&raw, absolute.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
    std::unique_ptr<git_repository, Deleter> repo(raw);

    if (rc == GIT_EOWNER) {
        throw_git(describe(N_("repository is owned by another user: {}"), display(absolute)),
                  describe(N_("if you trust it, run `git config --global --add safe.directory {}`"),
                           display(absolute)));
    }
    check(rc, N_("failed to open repository: {}"), display(absolute));
    if (git_repository_is_bare(repo.get()) == 1) {
        throw Error(ErrorKind::git, describe(N_("repository has no working tree: {}"), display(absolute)),
                    tr("clone it with `git clone` and use the clone"));
    }
    return Repository(std::move(repo), absolute);
}

Repository Repository::init(const std::filesystem::path& workdir) {
    ensure_initialized();
    fs::path absolute = fs::absolute(workdir);
    git_repository_init_options options = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    options.flags = GIT_REPOSITORY_INIT_MKPATH;
    options.initial_head = "main";

    git_repository* raw = nullptr;
    int rc = git_repository_init_ext(&raw, absolute.c_str(), &options);
    std::unique_ptr<git_repository, Deleter> repo(raw);
    check(rc, N_("failed to create repository: {}"), display(absolute));
    return Repository(std::move(repo), absolute);
}

bool Repository::exists(const std::filesystem::path& workdir) {
    std::error_code error;
    return fs::exists(workdir / ".git", error);
}

std::optional<std::string> Repository::head_commit() const {
    CommitPtr commit = head_commit_of(raw(), workdir_);
    if (!commit) {
        return std::nullopt;
    }
    return to_hex(*git_commit_id(commit.get()));
}

bool Repository::head_detached() const {
    int rc = git_repository_head_detached(raw());
    check(rc, N_("failed to read HEAD: {}"), display(workdir_));
    return rc == 1;
}

bool Repository::is_shallow() const {
    return git_repository_is_shallow(raw()) == 1;
}

std::optional<Signature> Repository::configured_signature() const {
    git_config* raw_config = nullptr;
    check(git_repository_config_snapshot(&raw_config, raw()), N_("failed to read Git configuration: {}"),
          display(workdir_));
    ConfigPtr config(raw_config);

    auto read = [&](const char* name) -> std::optional<std::string> {
        Buffer value;
        int rc = git_config_get_string_buf(value.get(), config.get(), name);
        if (rc == GIT_ENOTFOUND) {
            git_error_clear();
            return std::nullopt;
        }
        check(rc, N_("failed to read Git configuration: {}"), name);
        if (value.str().empty()) {
            return std::nullopt;
        }
        return value.str();
    };

    std::optional<std::string> name = read("user.name");
    std::optional<std::string> email = read("user.email");
    if (!name || !email) {
        return std::nullopt;
    }
    return Signature{*name, *email};
}

std::optional<std::string> Repository::commit(const std::vector<ChangedPath>& paths, const std::string& message,
                                               const Signature& author,
                                               const std::optional<std::string>& expected_head) {
    std::string stored_message = prettify_message(message);
    std::optional<git_oid> expected;
    CommitPtr parent;
    if (expected_head) {
        expected = parse_oid(*expected_head);
        parent = lookup_commit(raw(), *expected);
    }

    IndexPtr index = load_index(raw(), workdir_);
    fs::path index_lock = fs::path(git_index_path(index.get())).concat(".lock");
    std::error_code lock_error;
    if (fs::exists(index_lock, lock_error)) {
        throw_locked(N_("index is locked: {}"), index_lock);
    }

    IndexRollback rollback(index.get());
    stage_paths(index.get(), workdir_, paths);
    git_oid tree_id = write_commit_tree(raw(), index.get(), parent.get(), paths);
    if (tree_unchanged(tree_id, parent.get())) {
        return std::nullopt;
    }

    git_oid commit_id = create_commit_object(raw(), tree_id, parent.get(), stored_message, author);
    const char* summary_prefix = parent ? "commit: " : "commit (initial): ";
    std::string first_line = stored_message.substr(0, stored_message.find('\n'));
    // The reflog entry names the same person as the commit rather than libgit2's fallback.
    check(git_repository_set_ident(raw(), author.name.c_str(), author.email.c_str()),
          N_("invalid author for the commit: {}"), author.name + " <" + author.email + ">");
    move_head(raw(), commit_id, expected, summary_prefix + first_line);

    // The index is written only once the branch has moved, so a failed commit leaves it as it was.
    rollback.dismiss();
    if (git_index_write(index.get()) < 0) {
        throw_git(describe(N_("failed to write the index: {}"), git_index_path(index.get())),
                  describe(N_("commit {} was made; run `git add` on its files to update the index"),
                           to_hex(commit_id)));
    }
    return to_hex(commit_id);
}

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
