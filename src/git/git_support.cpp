// Helpers shared by the libgit2 wrapper's source files: error conversion and reading objects.
#include <fmt/format.h>

#include <utility>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "git_internal.hpp"

namespace dossier::git {

namespace {

std::string last_git_message() {
    const git_error* error = git_error_last();
    if (error == nullptr || error->message == nullptr) {
        return {};
    }
    return error->message;
}

}  // namespace

std::string describe(const char* msgid, const std::string& value) {
    return fmt::format(fmt::runtime(tr(msgid)), value);
}

[[noreturn]] void throw_git(const std::string& message, std::string hint) {
    std::string detail = last_git_message();
    std::string text = detail.empty() ? message : message + ": " + detail;
    throw Error(ErrorKind::git, std::move(text), std::move(hint));
}

void check(int rc, const char* msgid, const std::string& value) {
    if (rc < 0) {
        throw_git(describe(msgid, value));
    }
}

[[noreturn]] void throw_locked(const char* msgid, const fs::path& lock) {
    throw Error(ErrorKind::conflict, describe(msgid, display(lock)),
                describe(N_("if no other git or dossier process is running, remove {}"), display(lock)));
}

fs::path head_lock_path(git_repository* repo, const git_reference* head) {
    if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) return fs::path(git_repository_path(repo)) / "HEAD.lock";
    // Branches live in the common folder that linked worktrees share, HEAD in each worktree's own.
    return fs::path(git_repository_commondir(repo)) / (std::string(git_reference_symbolic_target(head)) + ".lock");
}

std::string to_hex(const git_oid& id) {
    char text[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(text, sizeof text, &id);
    return text;
}

std::string display(const fs::path& path) {
    return path.string();
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

}  // namespace dossier::git
