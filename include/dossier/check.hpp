// Checks of documents: the rules, their severities from dossier.yaml, and running them on files.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/type_catalog.hpp"
#include "dossier/workspace.hpp"
#include "dossier/yaml_value.hpp"

namespace dossier {

class Document;

enum class Severity { error, warning, info };

// Returns "error", "warning" or "info": the word printed in findings, never translated, so
// that editors and CI tools can read it.
std::string_view severity_name(Severity severity);

// Returns the severity named `name` ("error", "warning", "info"), or nullopt.
std::optional<Severity> parse_severity(std::string_view name);

// One problem found in one file.
struct Finding {
    std::string path;  // as shown to the user
    int line = 0;      // 1-based; 0 when the finding is about the whole file
    int column = 0;
    Severity severity = Severity::error;
    std::string rule;     // a rule id of check_rules()
    std::string field;    // the front-matter field, when the finding is about one
    std::string message;  // in the current language
};

// A rule of `dossier check`: its id, the severity it has unless dossier.yaml changes it, and a
// one-line description (an English msgid, translated with tr() where shown).
struct CheckRule {
    std::string_view id;
    Severity severity;
    const char* description;
};

// Returns every rule, in the order of the user guide.
std::span<const CheckRule> check_rules();

// Returns the rule with `id`, or nullptr.
const CheckRule* find_check_rule(std::string_view id);

// A document that the workspace's policy requires in every client, such as a contract, or a
// contact whose `emergency` is true.
struct RequiredDocument {
    std::string type;
    std::vector<std::pair<std::string, std::string>> fields;  // field = value conditions, all must hold
    std::string description;                                   // as written in dossier.yaml, for messages
};

// The settings of `check:` in dossier.yaml:
//
//   check:
//     expiring_within: 30 days
//     rules: {review-overdue: error, file-name: off}
//     clients:
//       acme: {rules: {personal-data: warning}}
//     required:
//       - contract
//       - {type: contact, emergency: true}
struct CheckSettings {
    // Severity per rule id; nullopt turns the rule off.
    std::map<std::string, std::optional<Severity>, std::less<>> rules;
    // The same per client slug, applied over `rules`.
    std::map<std::string, std::map<std::string, std::optional<Severity>, std::less<>>, std::less<>> client_rules;
    int expiring_days = 30;
    std::string review_every = "1 year";  // the workspace's review period (dossier.yaml `review_every`)
    std::vector<RequiredDocument> required;

    // Reads the settings from dossier.yaml's mapping. Throws Error(invalid_input) located in
    // `path` for an unknown rule id, an unknown severity or a malformed value.
    static CheckSettings from_workspace(const Value& settings, const std::filesystem::path& path);

    // Returns the severity of `rule` for `client` (empty outside a client), or nullopt when off.
    std::optional<Severity> severity_for(std::string_view rule, std::string_view client, Severity fallback) const;
};

// The front-matter key that silences rules for one document: a mapping of rule id to the
// reason, as in `check_ignore: {file-name: "the vendor's name"}`.
inline constexpr std::string_view ignore_key = "check_ignore";

// What the rules read besides the document: the types, the settings, today and the team.
struct CheckEnvironment {
    const TypeCatalog& catalog;
    CheckSettings settings;
    std::string today;                          // YYYY-MM-DD, in the workspace's time zone
    std::vector<Technician> team;
    std::optional<std::filesystem::path> workspace_root;  // for links and related entries
};

// A document as the rules see it.
struct CheckedDocument {
    std::string display_path;
    std::filesystem::path file;        // where it is on disk
    std::string client;                // the client's slug, empty outside a client folder
    std::filesystem::path client_dir;  // clients/<slug>, empty outside one
    std::string path;                  // in the client repository, '/' separated; empty outside
    std::string_view bytes;            // the file as read
    const Document* document = nullptr;     // null when the front matter cannot be read
    const DocumentType* type = nullptr;     // null for notes and unknown types
};

// Checks one document's bytes against its type only: syntax, schema and unknown types. A
// document without front matter is a note and has no finding.
std::vector<Finding> check_document(const TypeCatalog& catalog, std::string_view bytes, const std::string& display_path);

// A file to check: where to read it and how to name it in findings.
struct CheckFile {
    std::filesystem::path file;
    std::string display_path;
};

// Reads and checks `files` on `threads` threads (0: one per core) against their types only.
// Findings come back in the order of `files`, then by line. A file that cannot be read gives a
// "syntax" finding.
std::vector<Finding> check_files(const TypeCatalog& catalog, const std::vector<CheckFile>& files, unsigned threads = 0);

// Reads and checks `files` with every rule, applies the severities of the settings and the
// documents' check_ignore entries, and adds the findings of the rules about whole clients
// (required documents) for `whole_clients`. Findings come back in the order of `files`.
std::vector<Finding> check_files(const CheckEnvironment& environment, const std::vector<CheckFile>& files,
                                 const std::vector<Client>& whole_clients, unsigned threads = 0);

// Returns the findings for the workspace's unusable type files, shown with `display` paths.
std::vector<Finding> type_definition_findings(const TypeCatalog& catalog,
                                              const std::filesystem::path& display_base);

}  // namespace dossier
