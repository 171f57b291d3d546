// `dossier import itglue`: an IT Glue export folder turned into clients and their documents,
// with one import commit per client and passwords written straight into age blocks.
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
#include "dossier/record_import.hpp"
#include "dossier/type_catalog.hpp"
#include "dossier/workspace.hpp"

namespace dossier {

struct ItGlueImportRequest {
    std::filesystem::path export_dir;  // the folder that contains organizations.csv
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

// Something that the import could not carry over exactly, for the loss report.
struct ItGlueLoss {
    std::string file;    // the export's file, such as "passwords.csv"; empty for the export itself
    std::size_t line = 0;
    std::string source;  // the record, such as "itglue:password:11200692"; empty for a whole file
    std::string client;  // slug, when known
    std::string what;    // a translated sentence
};

// One record of one CSV file, as the import checked it.
struct ItGlueRecord {
    std::string file;
    std::string kind;  // "location", "contact"... as in source keys
    std::string type;  // the document type
    RecordResult result;
    // True in a dry run for a record of a client that the import would create first: such a
    // record is counted as created, without a path, since its client does not exist yet.
    bool with_new_client = false;
};

enum class ItGlueClientOutcome { created, found, to_create };

struct ItGlueClient {
    std::string slug;
    std::string name;
    std::string source;  // itglue:organization:<id>
    std::size_t line = 0;
    ItGlueClientOutcome outcome = ItGlueClientOutcome::found;
    std::vector<std::string> changed_fields;  // the fields of client.md set or changed
    bool access_granted = false;              // a recipients file naming the technician was added
    std::optional<std::string> commit;        // the import's commit
    std::optional<std::string> creation_commit;  // the commit that created the client, as client add does
};

// The counts of one CSV file for one client.
struct ItGlueCounts {
    std::string client;
    std::string kind;
    std::size_t created = 0;
    std::size_t updated = 0;
    std::size_t unchanged = 0;
    std::size_t rejected = 0;
};

struct ItGlueFile {
    std::string file;
    std::string kind;
    std::string type;
    bool present = false;
    std::size_t records = 0;
    std::size_t rejected = 0;
};

struct ItGlueImportSummary {
    std::vector<ItGlueClient> clients;  // in the order of organizations.csv
    std::vector<ItGlueFile> files;
    std::vector<ItGlueCounts> counts;   // per client and kind, in the order first seen
    std::vector<ItGlueRecord> records;
    std::vector<ItGlueLoss> losses;
    // The workspace types generated for flexible assets that the workspace did not have, and
    // the commit of the workspace repository that adds them (none in a dry run).
    std::vector<std::string> types_created;
    std::optional<std::string> types_commit;
    std::size_t rejected = 0;  // records of every file, organizations included
    bool written = false;      // false for a dry run
};

// Imports the IT Glue export at `request.export_dir` into the workspace. organizations.csv
// gives the clients, found by their `source`, else by slug or name, else created as
// `client add` does. Locations, contacts, configurations, domains, SSL certificates and
// passwords become documents keyed by `source: itglue:<kind>:<id>`, so that a second import
// updates them. documents.csv and its HTML files become kb documents. Each other CSV file (a
// flexible asset) becomes a workspace type generated from its columns, then documents of that
// type. Each client gets one commit for the whole import; a client created by the import also
// has the commit that creates it, and new types one commit of the workspace repository.
// Throws Error(not_found) when the folder has no organizations.csv, and the errors of the CSV
// reader and of Git; a failure while writing puts back the client files written so far.
ItGlueImportSummary import_itglue(const Workspace& workspace, const ItGlueImportRequest& request);

}  // namespace dossier
