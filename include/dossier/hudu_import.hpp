// `dossier import hudu`: the JSON lists of a Hudu export turned into clients and their
// documents, with one import commit per client and passwords written straight into age
// blocks.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dossier/age.hpp"
#include "dossier/credential.hpp"
#include "dossier/git_repository.hpp"
#include "dossier/platform_import.hpp"
#include "dossier/type_catalog.hpp"
#include "dossier/workspace.hpp"

namespace dossier {

struct HuduImportRequest {
    // The folder that contains companies.json and the other lists: asset_layouts.json,
    // assets.json, asset_passwords.json and articles.json, each perhaps in several pages
    // (assets.json, assets-2.json...).
    std::filesystem::path export_dir;
    const TypeCatalog* types = nullptr;
    bool dry_run = false;
    std::string today;     // YYYY-MM-DD: the created date of new documents and clients
    std::string language;  // of the templates of new documents and clients
    std::string owner;     // the owner of new documents; may be empty
    std::string owner_name;
    // The technician running the import. When they have an age key in team/team.yaml, each
    // client that receives secrets and has no recipients file gets one naming that key (and
    // the workspace's recovery recipient), in the import's commit, as `access grant` writes it.
    // Without a key, the secrets of such clients are rejected and listed as losses.
    std::optional<Technician> technician;

    std::function<const std::vector<age::Identity>&()> identities;
    std::function<RecipientsFile(const Client& client, const std::string& path)> recipients;
    // The author of each commit; `repository` is null for the commit that creates a client.
    std::function<git::Signature(const git::Repository* repository)> author;
};

// Imports the Hudu export at `request.export_dir` into the workspace. Every list is read
// once before anything is written, so that invalid JSON stops the import with nothing
// written. companies.json gives the clients, found by their `source` (hudu:company:<id>),
// else by slug or name, else created as `client add` does. Each asset layout becomes a
// workspace type generated from its fields, and each asset a document of that type. The
// values of an asset's Password fields go into a credential of their own. Asset passwords
// become credentials and articles kb documents. Every document is keyed by `source:
// hudu:<kind>:<id>`, so that a second import updates it. An article that belongs to no
// company is not imported, since documents live in client repositories, and is listed as a
// loss. Each client gets one commit for the whole import; a client created by the import also
// has the commit that creates it, and new types one commit of the workspace repository.
// Throws Error(not_found) when the folder has no companies.json, Error(invalid_input) naming
// the file and line for invalid JSON, and the errors of Git; a failure while writing puts
// back the client files written so far.
PlatformImportSummary import_hudu(const Workspace& workspace, const HuduImportRequest& request);

}  // namespace dossier
