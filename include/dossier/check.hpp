// Checks of documents against their types: front-matter syntax, schema and unknown types.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/type_catalog.hpp"

namespace dossier {

enum class Severity { error, warning, info };

// Returns "error", "warning" or "info": the word printed in findings, never translated, so
// that editors and CI tools can read it.
std::string_view severity_name(Severity severity);

// One problem found in one file.
struct Finding {
    std::string path;  // as shown to the user
    int line = 0;      // 1-based; 0 when the finding is about the whole file
    int column = 0;
    Severity severity = Severity::error;
    std::string rule;     // "syntax", "schema", "unknown-type", "type-definition"
    std::string field;    // the front-matter field, for schema findings
    std::string message;  // in the current language
};

// A file to check: where to read it and how to name it in findings.
struct CheckFile {
    std::filesystem::path file;
    std::string display_path;
};

// Checks one document's bytes. A document without front matter is a note and has no finding.
std::vector<Finding> check_document(const TypeCatalog& catalog, std::string_view bytes, const std::string& display_path);

// Reads and checks `files` on `threads` threads (0: one per core). Findings come back in the
// order of `files`, then by line. A file that cannot be read gives a "syntax" finding.
std::vector<Finding> check_files(const TypeCatalog& catalog, const std::vector<CheckFile>& files, unsigned threads = 0);

// Returns the findings for the workspace's unusable type files, shown with `display` paths.
std::vector<Finding> type_definition_findings(const TypeCatalog& catalog,
                                              const std::filesystem::path& display_base);

}  // namespace dossier
