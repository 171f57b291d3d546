// References to documents: "acme/runbooks/vpn-reset", or a path inside a client folder.
#pragma once

#include <filesystem>
#include <string>

#include "dossier/workspace.hpp"

namespace dossier {

struct Reference {
    Client client;
    std::string path;  // inside the client repository, '/' separated, NFC, ending in .md

    std::filesystem::path file() const { return client.directory / path; }
    std::string to_string() const;  // "acme/runbooks/vpn-reset"
};

// Resolves `text` to a document reference. Outside a client folder the first segment is
// the client slug; inside clients/<slug>/ a path relative to `current_dir` is tried first.
// ".md" is optional. Throws Error(usage) for a path that leaves the client repository
// (absolute, "..", ".git") and Error(not_found) with "did you mean" for unknown clients.
// When `must_exist`, throws Error(not_found) with close matches for a missing document.
Reference resolve_reference(const Workspace& workspace, const std::string& text,
                            const std::filesystem::path& current_dir, bool must_exist);

// Lists the Markdown documents of a client (paths relative to its folder, sorted),
// skipping .git and hidden folders.
std::vector<std::string> list_documents(const Client& client);

// Returns the existing document path of `client` that collides with `path` (same
// letters once case and Unicode normalisation are ignored), or an empty string.
std::string find_colliding_path(const Client& client, const std::string& path);

}  // namespace dossier
