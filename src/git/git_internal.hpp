// Declarations shared by the source files of the libgit2 wrapper: owners for libgit2 handles,
// conversion of libgit2 failures into dossier::Error, and reading commits and trees.
#pragma once

#include <git2.h>

#include <filesystem>
#include <memory>
#include <string>

namespace dossier::git {

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

// Formats a translated "what failed: {}" message with `value`.
std::string describe(const char* msgid, const std::string& value);

// Throws Error(git) with `message` followed by libgit2's own explanation.
[[noreturn]] void throw_git(const std::string& message, std::string hint = {});

void check(int rc, const char* msgid, const std::string& value);

// Throws Error(conflict) for a lock file held by another process, or left by one that died.
[[noreturn]] void throw_locked(const char* msgid, const fs::path& lock);

// Returns the lock file that moving `head` takes: its branch's when it is symbolic, else its own.
fs::path head_lock_path(git_repository* repo, const git_reference* head);

std::string to_hex(const git_oid& id);

std::string display(const fs::path& path);

CommitPtr lookup_commit(git_repository* repo, const git_oid& id);

TreePtr tree_of(const git_commit* commit);

// Returns the commit HEAD points to, or null on an unborn branch.
CommitPtr head_commit_of(git_repository* repo, const fs::path& workdir);

// Returns the tree entry at `path` (a file or a folder), or null when `path` is absent.
TreeEntryPtr entry_at(const git_tree* tree, const std::string& path);

}  // namespace dossier::git
