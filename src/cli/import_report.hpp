// The output of the imports of a platform's export (`import itglue`, `import hudu`): the plan
// of a dry run and the summary on standard output, rejected records and losses on standard
// error, and the JSON of --report.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "dossier/platform_import.hpp"

namespace dossier::cli {

// Returns the --report JSON of an import of `kind` ("itglue", "hudu") from `path`, as
// docs/en/user-guide.md describes it.
nlohmann::ordered_json platform_report_json(const PlatformImportSummary& summary, const std::string& kind,
                                            const std::string& path, bool dry_run);

// Prints one line per record that a dry run would create, update or leave alone.
void print_platform_plan(const PlatformImportSummary& summary);

// Prints the types created, then each client with its counts per kind.
void print_platform_summary(const PlatformImportSummary& summary, bool dry_run);

// Prints each rejected record and each loss on standard error, with the file of the export
// as `display_path` names it (`source`, the export itself, for a loss of no one file), then
// the count of losses.
void print_platform_problems(const PlatformImportSummary& summary,
                             const std::function<std::filesystem::path(const std::string& file)>& display_path,
                             const std::filesystem::path& source);

}  // namespace dossier::cli
