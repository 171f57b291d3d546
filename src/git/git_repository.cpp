// libgit2 wrapper: every libgit2 handle lives in a unique_ptr, every failure becomes a dossier::Error.
// This file opens, creates and commits to repositories, and git_history.cpp reads their history.
#include "dossier/git_repository.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/odb_backend.h>
#include <mbedtls/sha1.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include <algorithm>
#include <system_error>
#include <unordered_set>
#include <utility>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "git_internal.hpp"

namespace dossier::git {

namespace {

git_oid parse_oid(const std::string& hex) {
    git_oid id;
    if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstr(&id, hex.c_str()) < 0) {
        throw Error(ErrorKind::invalid_input, describe(N_("invalid commit id: {}"), hex));
    }
    return id;
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
// Returns the index entry of a file written with a known blob, as `git add` would make it.
// The entry points into `path`, which must outlive it.
git_index_entry index_entry(const std::string& path, const StagedFile& file) {
    git_index_entry entry{};
    entry.ctime.seconds = static_cast<int32_t>(file.ctime_seconds);
    entry.ctime.nanoseconds = file.ctime_nanoseconds;
    entry.mtime.seconds = static_cast<int32_t>(file.mtime_seconds);
    entry.mtime.nanoseconds = file.mtime_nanoseconds;
    entry.dev = file.device;
    entry.ino = file.inode;
    entry.mode = (file.mode & S_IXUSR) != 0 ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
    entry.uid = file.user;
    entry.gid = file.group;
    entry.file_size = file.size;
    std::memcpy(entry.id.id, file.blob.data(), GIT_OID_RAWSZ);
    entry.path = path.c_str();
    return entry;
}

void stage_paths(git_index* index, const fs::path& workdir, const std::vector<ChangedPath>& paths) {
    git_repository* repo = git_index_owner(index);
    for (const ChangedPath& changed : paths) {
        if (changed.staged) {
            // Staged from bytes only when no filter applies (Repository::stores_as_is).
            const auto entry = index_entry(changed.path, *changed.staged);
            check(git_index_add(index, &entry), N_("failed to stage file: {}"), changed.path);
            continue;
        }
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
    fs::path lock = head_lock_path(repo, head.get());

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

}  // namespace

// Turns libgit2's flush of each loose object off while it exists, when `active`, so that the
// objects of a large commit reach the disk with one syncfs in flush(). The destructor turns the
// per-object flush back on, for the references written next.
class ObjectSyncBatch {
public:
    ObjectSyncBatch(git_repository* repository, bool active) : repository_(repository), active_(active) {
        if (active_) git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
    }
    ~ObjectSyncBatch() {
        if (active_) git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
    }
    ObjectSyncBatch(const ObjectSyncBatch&) = delete;
    ObjectSyncBatch& operator=(const ObjectSyncBatch&) = delete;

    // Flushes the file system that holds the repository's objects. Throws Error(io) on failure.
    void flush() {
        if (!active_) return;
        int fd = ::open(git_repository_path(repository_), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        bool ok = fd >= 0 && ::syncfs(fd) == 0;
        int saved = errno;
        if (fd >= 0) ::close(fd);
        if (!ok) {
            throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("failed to flush the Git objects of {}: {}")),
                                                   git_repository_path(repository_), std::strerror(saved)));
        }
    }

private:
    git_repository* repository_;
    bool active_;
};

StagedFile::StagedFile(const ObjectId& blob, const struct stat& status)
    : blob(blob),
      ctime_seconds(static_cast<std::uint32_t>(status.st_ctim.tv_sec)),
      ctime_nanoseconds(static_cast<std::uint32_t>(status.st_ctim.tv_nsec)),
      mtime_seconds(static_cast<std::uint32_t>(status.st_mtim.tv_sec)),
      mtime_nanoseconds(static_cast<std::uint32_t>(status.st_mtim.tv_nsec)),
      device(static_cast<std::uint32_t>(status.st_dev)),
      inode(static_cast<std::uint32_t>(status.st_ino)),
      mode(status.st_mode),
      user(status.st_uid),
      group(status.st_gid),
      size(static_cast<std::uint32_t>(status.st_size)) {}

// --- BlobPack ----------------------------------------------------------------------------

// The pack being built: its objects, each a header and a zlib stream, in the format of Git's
// pack files (version 2), without deltas.
struct BlobPack::Objects {
    std::string packed;
    std::uint32_t count = 0;
};

BlobPack::BlobPack(Repository& repository) : repository_(repository), objects_(std::make_unique<Objects>()) {}

BlobPack::~BlobPack() = default;

ObjectId BlobPack::add(std::string_view content, const std::string& path) {
    git_oid id;
    check(git_odb_hash(&id, content.data(), content.size(), GIT_OBJECT_BLOB), N_("failed to store the content of {}"),
          path);

    // The object's header: its type and size, 4 bits then 7 bits a byte, the high bit saying
    // that another byte follows.
    auto& packed = objects_->packed;
    std::size_t size = content.size();
    auto byte = static_cast<unsigned char>((GIT_OBJECT_BLOB << 4) | (size & 0x0F));
    size >>= 4;
    while (size != 0) {
        packed.push_back(static_cast<char>(byte | 0x80));
        byte = static_cast<unsigned char>(size & 0x7F);
        size >>= 7;
    }
    packed.push_back(static_cast<char>(byte));

    // The content, compressed. The fastest level: packs are for speed here, and `git gc`
    // compresses them again later with deltas.
    auto bound = compressBound(static_cast<uLong>(content.size()));
    const auto at = packed.size();
    packed.resize(at + bound);
    if (compress2(reinterpret_cast<Bytef*>(packed.data() + at), &bound, reinterpret_cast<const Bytef*>(content.data()),
                  static_cast<uLong>(content.size()), Z_BEST_SPEED) != Z_OK) {
        throw Error(ErrorKind::io, describe(N_("failed to store the content of {}"), path));
    }
    packed.resize(at + bound);
    ++objects_->count;
    pending_bytes_ += content.size();
    ObjectId blob;
    std::memcpy(blob.data(), id.id, blob.size());
    return blob;
}

void BlobPack::write() {
    if (objects_->count == 0) return;
    const auto failed = [&] {
        throw_git(describe(N_("failed to write a pack of Git objects in {}"), display(repository_.workdir())));
    };
    unsigned char header[12] = {'P', 'A', 'C', 'K', 0, 0, 0, 2};
    for (int index = 0; index < 4; ++index) {
        header[8 + index] = static_cast<unsigned char>(objects_->count >> (8 * (3 - index)));
    }
    // The pack ends with the SHA-1 of all that comes before.
    unsigned char trailer[20];
    mbedtls_sha1_context sha1;
    mbedtls_sha1_init(&sha1);
    const bool hashed = mbedtls_sha1_starts_ret(&sha1) == 0 && mbedtls_sha1_update_ret(&sha1, header, sizeof header) == 0 &&
                        mbedtls_sha1_update_ret(&sha1, reinterpret_cast<const unsigned char*>(objects_->packed.data()),
                                                objects_->packed.size()) == 0 &&
                        mbedtls_sha1_finish_ret(&sha1, trailer) == 0;
    mbedtls_sha1_free(&sha1);
    if (!hashed) failed();

    // The repository's own pack backend checks and indexes the pack, and moves it into
    // objects/pack.
    git_odb* odb = nullptr;
    if (git_repository_odb(&odb, repository_.raw()) < 0) failed();
    std::unique_ptr<git_odb, GitDeleter<git_odb, git_odb_free>> owned_odb(odb);
    git_odb_writepack* writer = nullptr;
    if (git_odb_write_pack(&writer, odb, nullptr, nullptr) < 0) failed();
    git_indexer_progress progress{};
    const int rc = writer->append(writer, header, sizeof header, &progress) < 0 ||
                           writer->append(writer, objects_->packed.data(), objects_->packed.size(), &progress) < 0 ||
                           writer->append(writer, trailer, sizeof trailer, &progress) < 0
                       ? -1
                       : writer->commit(writer, &progress);
    writer->free(writer);
    if (rc < 0) failed();

    objects_->packed.clear();
    objects_->packed.shrink_to_fit();
    objects_->count = 0;
    pending_bytes_ = 0;
}

// --- Library and Repository ------------------------------------------------------------

Library::Library() {
    if (git_libgit2_init() < 0) {
        throw_git(tr("failed to initialize libgit2"));
    }
    // libgit2 then fsyncs the loose objects and references it writes, so a crash right after
    // a commit cannot leave a branch pointing at an object that never reached the disk.
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
    // A folder of 5,000 documents is a tree of about 200 KB, above libgit2's default cache limit
    // of 4 KB for trees: each lookup of a path in it would read and inflate it again.
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, static_cast<std::size_t>(16) << 20);
}

Library::~Library() {
    git_libgit2_shutdown();
}

std::string blob_id(std::string_view content) {
    git_oid id;
    check(git_odb_hash(&id, content.data(), content.size(), GIT_OBJECT_BLOB), N_("failed to compute the Git blob id of a file of {} bytes"),
          std::to_string(content.size()));
    return std::string(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ);
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
                                               const std::optional<std::string>& expected_head,
                                               const CommitStepCallback& before_step) {
    // A path written twice in one change is committed once, as last written.
    std::vector<ChangedPath> unique_paths;
    {
        std::unordered_set<std::string_view> seen;
        for (auto changed = paths.rbegin(); changed != paths.rend(); ++changed) {
            if (seen.insert(changed->path).second) unique_paths.push_back(*changed);
        }
        std::reverse(unique_paths.begin(), unique_paths.end());
    }
    return commit_unique(unique_paths, message, author, expected_head, before_step);
}

std::optional<std::string> Repository::commit_unique(const std::vector<ChangedPath>& paths, const std::string& message,
                                                      const Signature& author,
                                                      const std::optional<std::string>& expected_head,
                                                      const CommitStepCallback& before_step) {
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
    git_oid tree_id{};
    git_oid commit_id{};
    {
        // Many objects are flushed to disk together, once, before the branch moves: a flush per
        // loose object costs a disk round trip each.
        ObjectSyncBatch batch(raw(), paths.size() > 4);
        stage_paths(index.get(), workdir_, paths);
        tree_id = write_commit_tree(raw(), index.get(), parent.get(), paths);
        if (tree_unchanged(tree_id, parent.get())) {
            return std::nullopt;
        }
        commit_id = create_commit_object(raw(), tree_id, parent.get(), stored_message, author);
        batch.flush();
    }
    const char* summary_prefix = parent ? "commit: " : "commit (initial): ";
    std::string first_line = stored_message.substr(0, stored_message.find('\n'));
    // The reflog entry names the same person as the commit rather than libgit2's fallback.
    check(git_repository_set_ident(raw(), author.name.c_str(), author.email.c_str()),
          N_("invalid author for the commit: {}"), author.name + " <" + author.email + ">");
    if (before_step) before_step(CommitStep::move_branch, to_hex(commit_id));
    move_head(raw(), commit_id, expected, summary_prefix + first_line);

    // The index is written only once the branch has moved, so a failed commit leaves it as it was.
    rollback.dismiss();
    if (before_step) before_step(CommitStep::write_index, to_hex(commit_id));
    if (git_index_write(index.get()) < 0) {
        throw_git(describe(N_("failed to write the index: {}"), git_index_path(index.get())),
                  describe(N_("commit {} was made; run `git add` on its files to update the index"),
                           to_hex(commit_id)));
    }
    return to_hex(commit_id);
}

bool Repository::may_filter(const std::string& path) const {
    if (!attributes_outside_tree_) {
        const auto exists = [](const fs::path& file) {
            std::error_code error;
            return fs::exists(file, error);
        };
        bool found = exists(fs::path(git_repository_path(raw())) / "info" / "attributes");
        // The system and user attribute files, in libgit2's own search paths.
        const std::pair<git_config_level_t, const char*> searched[] = {{GIT_CONFIG_LEVEL_SYSTEM, "gitattributes"},
                                                                       {GIT_CONFIG_LEVEL_XDG, "attributes"}};
        for (const auto& [level, name] : searched) {
            Buffer folders;
            if (git_libgit2_opts(GIT_OPT_GET_SEARCH_PATH, level, folders.get()) < 0) {
                found = true;  // unknown: assume there is one
                continue;
            }
            const auto list = folders.str();
            for (std::size_t start = 0; start <= list.size();) {
                auto end = std::min(list.find(GIT_PATH_LIST_SEPARATOR, start), list.size());
                if (end > start && exists(fs::path(list.substr(start, end - start)) / name)) found = true;
                start = end + 1;
            }
        }
        git_config* raw_config = nullptr;
        if (git_repository_config_snapshot(&raw_config, raw()) < 0) {
            found = true;
        } else {
            ConfigPtr config(raw_config);
            Buffer value;
            if (git_config_get_path(value.get(), config.get(), "core.attributesFile") == 0) found = true;
            int autocrlf = 0;
            if (git_config_get_bool(&autocrlf, config.get(), "core.autocrlf") == 0) {
                found = found || autocrlf != 0;
            } else {
                git_error_clear();
                Buffer text;
                // "input" is not a boolean, and converts too.
                if (git_config_get_string_buf(text.get(), config.get(), "core.autocrlf") == 0) found = true;
            }
            git_error_clear();
        }
        attributes_outside_tree_ = found;
    }
    if (*attributes_outside_tree_) return true;

    // A .gitattributes file in the file's folder or any folder above it, up to the working directory.
    std::string folder = path;
    do {
        const auto slash = folder.rfind('/');
        folder = slash == std::string::npos ? std::string() : folder.substr(0, slash);
        auto [entry, inserted] = folder_has_attributes_.try_emplace(folder, false);
        if (inserted) {
            std::error_code error;
            entry->second = fs::exists(workdir_ / folder / ".gitattributes", error);
        }
        if (entry->second) return true;
    } while (!folder.empty());
    return false;
}

void Repository::attributes_changed() noexcept {
    attributes_outside_tree_.reset();
    folder_has_attributes_.clear();
}

bool Repository::stores_as_is(const std::string& path) const {
    if (!may_filter(path)) return true;
    // A clean program from .gitattributes counts as a filter even though libgit2 cannot run it.
    const char* filter = nullptr;
    if (git_attr_get(&filter, raw(), GIT_ATTR_CHECK_FILE_THEN_INDEX, path.c_str(), "filter") < 0 ||
        GIT_ATTR_IS_TRUE(filter) || git_attr_value(filter) == GIT_ATTR_VALUE_STRING) {
        git_error_clear();
        return false;
    }
    git_filter_list* filters = nullptr;
    check(git_filter_list_load(&filters, raw(), nullptr, path.c_str(), GIT_FILTER_TO_ODB, GIT_FILTER_DEFAULT),
          N_("failed to read the Git attributes of {}"), path);
    // libgit2 gives no list at all when no filter applies to the path.
    const bool as_is = filters == nullptr;
    git_filter_list_free(filters);
    return as_is;
}

}  // namespace dossier::git
