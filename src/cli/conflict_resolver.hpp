// Merging the versions of a conflicting file of a client, the secret fields of credentials included.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "context.hpp"
#include "dossier/age.hpp"
#include "dossier/workspace.hpp"

namespace dossier::cli {

// Merges the versions of a conflicting file of `client` at the level of documents and, for a
// credential the technician can read, of its decrypted secret fields.
class ConflictResolver {
public:
    ConflictResolver(Context& context, const Client& client);

    // The outcome of merge().
    struct Outcome {
        std::optional<std::string> merged;  // the merged file, when the versions merge
        std::string reason;                 // otherwise, a translated sentence on what conflicts
        // A document without a secret that conflicts: the file with conflict markers, for a
        // person to resolve. Never set for a credential, because markers could cut its block.
        std::optional<std::string> marked;
    };

    // Merges the versions of the file at `path` (in the client repository, '/' separated).
    // `base` is nullopt when both sides added the file. A file without an age block is merged
    // by merge_document. For a credential whose secret changed on one side only, or alike on
    // both, the blocks merge as lines and nothing is decrypted.
    //
    // When both sides changed the secret, the identity is loaded once per resolver, and never
    // prompts for a passphrase unless standard input is a terminal. The three blocks are decrypted
    // in memory and their fields merged key by key, as front matter is. The merged fields are
    // sealed again for the nearest recipients file, and the `recipients` digest is updated.
    //
    // Never resolves a conflict by taking one side's bytes. Throws only Error(git), when
    // libgit2 cannot merge lines.
    Outcome merge(const std::string& path, const std::optional<std::string>& base, const std::string& ours,
                  const std::string& theirs);

    // Returns the merged bytes, or nullopt with `reason` set (a translated sentence) when the
    // versions conflict or cannot be read.
    std::optional<std::string> resolve(const std::string& path, const std::optional<std::string>& base,
                                       const std::string& ours, const std::string& theirs, std::string& reason);

private:
    // Returns the technician's identities, or nullptr with `reason` set when they cannot be read.
    const std::vector<age::Identity>* identities(std::string& reason);

    Outcome merge_secret(const std::string& path, const std::optional<std::string>& base, const std::string& ours,
                         const std::string& theirs);

    Context& context_;
    Client client_;
    std::optional<std::string> identity_failure_;  // why the identity could not be read, once tried
};

}  // namespace dossier::cli
