// `dossier import itglue`: an IT Glue export, a folder or its ZIP file, turned into clients and
// their documents, with one import commit per client and passwords written straight into age
// blocks.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dossier/age.hpp"
#include "dossier/credential.hpp"
#include "dossier/git_repository.hpp"
#include "dossier/platform_import.hpp"
#include "dossier/record_import.hpp"
#include "dossier/type_catalog.hpp"
#include "dossier/workspace.hpp"

namespace dossier {

namespace importers {
class ExportFiles;
}

struct ItGlueImportRequest {
    // The export's files, which importers::open_export opens from the folder or the ZIP file
    // that contains organizations.csv. It must outlive the import.
    const importers::ExportFiles* files = nullptr;
    const TypeCatalog* types = nullptr;
    bool dry_run = false;
    std::string today;     // YYYY-MM-DD: the created date of new documents and clients
    std::string language;  // of the templates of new documents and clients
    std::string owner;     // the owner of new documents; may be empty
    std::string owner_name;
    // The technician running the import. When they have an age key in team/team.yaml, each
    // client that receives passwords and has no recipients file gets one naming that key (and
    // the workspace's recovery recipient), in the import's commit, as `access grant` writes it.
    // Without a key, the passwords of such clients are rejected and listed as losses.
    std::optional<Technician> technician;

    std::function<const std::vector<age::Identity>&()> identities;
    std::function<RecipientsFile(const Client& client, const std::string& path)> recipients;
    // The author of each commit; `repository` is null for the commit that creates a client.
    std::function<git::Signature(const git::Repository* repository)> author;
};

// The IT Glue names of the outcome types that the platform imports share. A client's source
// is itglue:organization:<id>, and a record's file one CSV file of the export.
using ItGlueLoss = PlatformLoss;
using ItGlueRecord = PlatformRecord;
using ItGlueClientOutcome = PlatformClientOutcome;
using ItGlueClient = PlatformClient;
using ItGlueCounts = PlatformCounts;
using ItGlueFile = PlatformFile;
using ItGlueImportSummary = PlatformImportSummary;

// Imports the IT Glue export of `request.files` into the workspace. organizations.csv
// gives the clients, found by their `source`, else by slug or name, else created as
// `client add` does. Locations, contacts, configurations, domains, SSL certificates and
// passwords become documents keyed by `source: itglue:<kind>:<id>`, so that a second import
// updates them. documents.csv and its HTML files become kb documents. Each other CSV file (a
// flexible asset) becomes a workspace type generated from its columns, then documents of that
// type. Each client gets one commit for the whole import; a client created by the import also
// has the commit that creates it, and new types one commit of the workspace repository.
// Throws Error(not_found) when the export has no organizations.csv, and the errors of the CSV
// reader, of the export's files and of Git. A failure while writing puts back the client files
// written so far.
ItGlueImportSummary import_itglue(const Workspace& workspace, const ItGlueImportRequest& request);

}  // namespace dossier
