// The Git server URLs of a workspace's repositories: the URL pattern of dossier.yaml and the
// clients it lists, so that `dossier clone` finds every client repository.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/workspace.hpp"

namespace dossier {

// A client of dossier.yaml's `clients:` mapping, with its own URL or none.
struct ListedClient {
    std::string slug;
    std::string url;  // empty: the URL comes from the pattern of `remote:`
};

struct WorkspaceRemotes {
    // `remote:` of dossier.yaml, such as git@server:msp/{client}.git; empty when unset.
    std::string pattern;
    // `clients:` of dossier.yaml, in the file's order.
    std::vector<ListedClient> clients;

    // Reads `remote:` and `clients:` of the workspace's dossier.yaml. Throws
    // Error(invalid_input) located in dossier.yaml when either has the wrong shape, a listed
    // slug is invalid, or the pattern lacks {client}.
    static WorkspaceRemotes read(const Workspace& workspace);

    // Returns the URL for the client `slug`: the one listed for it, else the pattern's, else nullopt.
    std::optional<std::string> url_for(const std::string& slug) const;

    // Returns the listed client `slug`, or nullptr.
    const ListedClient* find(const std::string& slug) const;
};

// Returns `text`, the content of dossier.yaml, with its `clients:` mapping replaced by
// `clients` (or added at the end), every other line unchanged. Throws Error(invalid_input)
// when the result would change another setting, for a `clients:` written in a form that this
// cannot replace.
std::string with_listed_clients(std::string_view text, const std::vector<ListedClient>& clients);

}  // namespace dossier
