// One change to a client repository: files written atomically, then exactly one commit.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/git_repository.hpp"

namespace dossier {

class Change {
public:
    // Records where HEAD points now: the commit only lands if it still points there.
    explicit Change(git::Repository& repository);

    // Writes `bytes` to `path` (relative to the repository) through a temporary file.
    void write(const std::string& path, std::string_view bytes);

    // Deletes `path` from the working tree.
    void remove(const std::string& path);

    // Commits the written and removed paths as one commit. Returns the commit id, or
    // nullopt when the files were already as written. Throws Error(conflict) when the
    // branch moved since construction; the working tree then keeps the new files.
    std::optional<std::string> commit(const std::string& message, const git::Signature& author);

private:
    git::Repository& repository_;
    std::optional<std::string> start_head_;
    std::vector<git::ChangedPath> paths_;
};

}  // namespace dossier
