// Tabular imports: one document per record of a CSV or JSON file, created or updated by a
// natural key, validated against the type's schema, with one commit per client.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dossier/age.hpp"
#include "dossier/credential.hpp"
#include "dossier/git_repository.hpp"
#include "dossier/type_catalog.hpp"
#include "dossier/workspace.hpp"

namespace dossier {

class Change;

namespace importers {
class RecordSource;
}

// A --map option: the column (a CSV column name, a JSON key, or a JSON pointer starting with
// '/') and the field it fills. The field "-" leaves the column out. "secret.NAME" puts it in
// the encrypted block of a credential, and "body" makes it the Markdown body of a new document.
struct FieldMapping {
    std::string source;
    std::string field;
};

// The order in which dates such as 03/12/2024 are read: day first (the French way), month
// first, or year first.
enum class DateOrder { day_month_year, month_day_year, year_month_day };

enum class RecordOutcome { created, updated, unchanged, rejected };

// A value that the import changed on its way from the file to the document.
struct ValueNote {
    std::string field;   // the document's field, "secret.NAME", or "" for a column left out
    std::string column;  // the column or JSON key it came from
    nlohmann::ordered_json read;     // the value as the file had it (secret values are never kept)
    nlohmann::ordered_json written;  // the value written, null when dropped
    std::string how;     // a translated sentence: "trimmed", "read as a date"...
};

// The outcome of one record: what the import did with it, or would do in a dry run.
struct RecordResult {
    std::size_t number = 0;
    std::size_t line = 0;
    std::string client;  // slug; empty when the record names no known client
    std::string path;    // in the client repository; empty when rejected before one was chosen
    std::string key;     // the natural key's value
    RecordOutcome outcome = RecordOutcome::rejected;
    std::vector<std::string> changed_fields;  // for updated: the fields whose value changed
    std::string reason;                        // for rejected: why, translated
    std::vector<ValueNote> notes;
};

struct RecordImportRequest {
    std::string source_kind;  // "csv" or "json", for commit messages and the report
    std::string source_name;  // the file's name, for commit messages
    const DocumentType* type = nullptr;
    std::optional<std::string> client;         // --client: every record goes to this client
    std::optional<std::string> client_column;  // --client-column: the client's slug or name per record
    std::vector<FieldMapping> mappings;
    std::string key_field;  // the natural key: --key, else the type's, else "title"
    DateOrder date_order = DateOrder::day_month_year;
    bool dry_run = false;
    bool strict = false;  // any rejected record stops the import before it writes
    // Whether a CSV header must have every column that --map and --client-column name (a usage
    // error otherwise). An importer of a platform's export, whose columns vary, leaves it off.
    bool require_mapped_columns = false;
    std::string today;    // YYYY-MM-DD, the created date of new documents
    std::string language;  // of the template of new documents
    std::string owner;     // the owner of new documents when no column gives one; may be empty
    std::string owner_name;

    // The technician's identities, asked for only when a credential's existing secret must be
    // read to compare it.
    std::function<const std::vector<age::Identity>&()> identities;
    // The recipients that a new or changed credential at `path` of `client` is encrypted to.
    std::function<RecipientsFile(const Client& client, const std::string& path)> recipients;
    // The author of each client's commit.
    std::function<git::Signature(git::Repository&)> author;
    // Called on each record as read, before its columns are mapped: an importer of a platform's
    // export adds computed columns there (a `source` key, Markdown converted from HTML). May be
    // empty.
    std::function<void(nlohmann::ordered_json& record)> prepare;
    // When set, the records of each client are written through the Change this returns for
    // it, and the import commits nothing (ClientImportSummary::commit stays empty). A caller
    // that imports several sources into the same clients then commits each Change once at the
    // end. The Change must outlive the import. May be empty.
    std::function<Change&(const Client& client)> shared_change;
    // Called once per record, as it is checked.
    std::function<void(const RecordResult&)> on_record;
    // Called every few hundred records with the stage (1 checking records, 2 writing documents)
    // and the count so far.
    std::function<void(int pass, std::size_t records)> on_progress;
};

struct ClientImportSummary {
    std::string client;
    std::size_t created = 0;
    std::size_t updated = 0;
    std::size_t unchanged = 0;
    std::size_t rejected = 0;
    std::optional<std::string> commit;
};

struct RecordImportSummary {
    std::size_t records = 0;
    std::size_t rejected = 0;  // including records that name no known client
    std::vector<ClientImportSummary> clients;  // in the order they first appear
    bool written = false;  // false for a dry run and for a strict import that rejected a record
};

// Imports the records of `source` into the workspace. Reads the source once: checks every
// record and reports it through on_record, keeping the documents to write in an unnamed
// temporary file (under TMPDIR, secrets already sealed). Then, unless it is a dry run or a
// strict import with a rejected record, writes the documents and commits once per client. Nothing is written when the source turns out to be unreadable, and a failure while
// writing puts back the files written so far. Throws Error(usage) for options that cannot
// apply (an unknown field in --map, a key the type does not have), and Error as the source
// does for unreadable input.
RecordImportSummary import_records(const Workspace& workspace, importers::RecordSource& source,
                                   const RecordImportRequest& request);

// Returns the natural key a type's imports use by default: the type's own, else "title".
std::string default_import_key(const DocumentType& type);

}  // namespace dossier
