// The outcome of an import of a documentation platform's export (`import itglue`, `import
// hudu`): the clients found or created, each record of each file, and what was not carried
// over exactly.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "dossier/record_import.hpp"

namespace dossier {

// Something that the import could not carry over exactly, for the loss report.
struct PlatformLoss {
    std::string file;    // the export's file, such as "passwords.csv"; empty for the export itself
    std::size_t line = 0;
    std::string source;  // the record, such as "itglue:password:11200692"; empty for a whole file
    std::string client;  // slug, when known
    std::string what;    // a translated sentence
};

// One record of one file, as the import checked it.
struct PlatformRecord {
    std::string file;
    std::string kind;  // "location", "asset"... as in source keys
    std::string type;  // the document type
    RecordResult result;
    // True in a dry run for a record of a client that the import would create first: such a
    // record is counted as created, without a path, since its client does not exist yet.
    bool with_new_client = false;
};

enum class PlatformClientOutcome { created, found, to_create };

// The client of one organization (IT Glue) or company (Hudu).
struct PlatformClient {
    std::string slug;
    std::string name;
    std::string source;  // itglue:organization:<id>, hudu:company:<id>
    std::size_t line = 0;
    PlatformClientOutcome outcome = PlatformClientOutcome::found;
    std::vector<std::string> changed_fields;  // the fields of client.md set or changed
    bool access_granted = false;              // a recipients file naming the technician was added
    std::optional<std::string> commit;        // the import's commit
    std::optional<std::string> creation_commit;  // the commit that created the client, as client add does
};

// The counts of one kind of record for one client.
struct PlatformCounts {
    std::string client;
    std::string kind;
    std::size_t created = 0;
    std::size_t updated = 0;
    std::size_t unchanged = 0;
    std::size_t rejected = 0;
};

// One file of the export, or one kind of file when the export has several pages of it.
struct PlatformFile {
    std::string file;
    std::string kind;
    std::string type;
    bool present = false;
    std::size_t records = 0;
    std::size_t rejected = 0;
};

struct PlatformImportSummary {
    std::vector<PlatformClient> clients;  // in the order of the export's file of clients
    std::vector<PlatformFile> files;
    std::vector<PlatformCounts> counts;   // per client and kind, in the order first seen
    std::vector<PlatformRecord> records;
    std::vector<PlatformLoss> losses;
    // The workspace types generated for the export that the workspace did not have, and the
    // commit of the workspace repository that adds them (none in a dry run).
    std::vector<std::string> types_created;
    std::optional<std::string> types_commit;
    std::size_t rejected = 0;  // records of every file, clients included
    bool written = false;      // false for a dry run
};

}  // namespace dossier
