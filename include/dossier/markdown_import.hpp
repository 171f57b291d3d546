// Adopting a folder of Markdown into a client repository: the plan, then one commit.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/change.hpp"
#include "dossier/git_repository.hpp"

namespace dossier {

// A front-matter key to rename in every imported document, such as last_reviewed_on to reviewed.
struct KeyMapping {
    std::string from;
    std::string to;
};

struct MarkdownImportRequest {
    std::filesystem::path source_dir;   // the folder to import
    std::filesystem::path client_dir;   // the client repository's working directory
    std::string target_folder;          // folder inside the client repository, '/' separated; empty for its root
    std::vector<KeyMapping> mappings;
    std::string default_type;           // added as `type` where a document has none; empty for none
};

// What happens to one file or folder found under the source folder.
enum class ImportOutcome {
    adopted,     // a Markdown file, written with its renamed and added keys
    attachment,  // another file, copied byte for byte
    skipped,     // left out on purpose: a link, a special or hidden file, a name or path that cannot be used
    failed,      // could not be read
};

// Why a file was skipped or failed. The names in import_reason_name() are part of the JSON report.
enum class ImportReason {
    none,
    symbolic_link,
    special_file,      // a FIFO, socket or device
    hidden,            // a name starting with "."
    invalid_name,      // not UTF-8, or with a control character
    already_exists,    // the target path is taken in the client repository
    collision,         // the target differs from another path only in case or Unicode normalisation
    blocked_path,      // a folder of the target path is a file, a symbolic link or another repository
    unreadable,        // open or read failed
};

struct ImportedFile {
    std::filesystem::path source_file;  // absolute
    std::string source_path;  // relative to the source folder, '/' separated; invalid UTF-8 bytes shown as \xNN
    std::string target_path;  // relative to the client repository, NFC; empty when skipped before a target was known
    bool folder = false;      // a folder that was skipped or failed as a whole, with everything in it
    ImportOutcome outcome = ImportOutcome::adopted;
    ImportReason reason = ImportReason::none;
    std::string message;      // for skipped and failed: what happened, in the current language

    std::vector<KeyMapping> renamed_keys;
    std::vector<std::pair<std::string, std::string>> added_keys;  // key and value as text, in the order added
    std::string front_matter_error;  // `path:line:column: message` when the front matter could not be read
    std::vector<std::string> warnings;  // an edit that was not made, and why

    // The bytes to write when the import changes the file; otherwise it is copied from the source.
    std::optional<std::string> content;
    bool executable = false;

    bool changed() const noexcept { return content.has_value(); }
};

struct MarkdownImportPlan {
    std::filesystem::path source_dir;  // absolute
    std::filesystem::path client_dir;
    std::string target_folder;
    std::vector<KeyMapping> mappings;
    std::vector<ImportedFile> files;   // sorted by source path, byte order
};

// Counts of a plan, for the summary.
struct MarkdownImportSummary {
    std::size_t adopted = 0;
    std::size_t changed = 0;                  // adopted documents whose bytes the import changed
    std::size_t unreadable_front_matter = 0;  // adopted unchanged because their front matter could not be read
    std::size_t attachments = 0;
    std::size_t skipped = 0;
    std::size_t failed = 0;
    std::vector<std::pair<KeyMapping, std::size_t>> renamed;        // per mapping, in request order
    std::vector<std::pair<std::string, std::size_t>> added;         // per added key: type, then title
    std::size_t not_named_md = 0;  // adopted documents whose name does not end in .md
};

// Returns true when `file_name` names a Markdown file: it ends in .md or .markdown, or in
// .md.erb or .markdown.erb (the Markdown templates of Middleman and GOV.UK's tech docs), in
// any case.
bool is_markdown_file_name(std::string_view file_name);

// Checks the options of an import before anything is read. Throws Error(usage) for a
// mapping whose keys are not plain keys, a key mapped twice, two mappings to one key, a
// chain (a=b and b=c), a default type that is not a slug, and a target folder that is
// absolute, leaves the repository, or names .git or a hidden folder.
void validate_markdown_import_request(const MarkdownImportRequest& request);

// Plans the import: walks the source folder, reads every Markdown file and applies the key
// mappings and default type in memory, and checks every target path against the client
// repository. Writes nothing. A file that cannot be used is recorded in the plan with its
// reason, never thrown. Throws Error(usage) as validate_markdown_import_request does,
// Error(not_found) when the source folder is missing, Error(invalid_input) when it is not a
// folder or overlaps the client repository, and Error(io) when it cannot be listed.
MarkdownImportPlan plan_markdown_import(const MarkdownImportRequest& request);

// Returns the counts of `plan`.
MarkdownImportSummary summarize(const MarkdownImportPlan& plan);

// Called after each file written, with the number written so far and the number to write.
using ImportProgress = std::function<void(std::size_t written, std::size_t total)>;

// Writes the adopted documents and attachments of `plan` through `change`, then commits
// them as one commit by `author`, with a message that names the source folder and the counts.
// A file that can no longer be read is marked failed in `plan` and left out. Returns the
// commit id, or nullopt when there was nothing to write. When writing or committing throws,
// the files written so far and the folders created for them are removed, and the Error is
// thrown again with a hint that the import can be run again.
std::optional<std::string> commit_markdown_import(MarkdownImportPlan& plan, Change& change,
                                                  const git::Signature& author, const ImportProgress& progress = {});

// Returns the stable name of `outcome` or `reason` for the JSON report: "adopted", "symbolic_link"…
std::string_view import_outcome_name(ImportOutcome outcome);
std::string_view import_reason_name(ImportReason reason);

}  // namespace dossier
