// `dossier import itglue`: an IT Glue export, a folder or its ZIP file, into clients and
// documents, with one commit per client. The engine is in src/importers/itglue_import.cpp.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "context.hpp"
#include "credential_file.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/itglue_import.hpp"
#include "import_report.hpp"
#include "importers/export_files.hpp"
#include "output.hpp"
#include "secret_input.hpp"

namespace dossier::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

struct ItGlueOptions {
    std::string path;
    std::string report;
    bool dry_run = false;
};

void run_import_itglue(Context& context, const ItGlueOptions& options) {
    protect_process_memory();  // passwords pass through memory on their way to age blocks
    const auto& workspace = context.workspace();
    // A ZIP file is checked whole here, before anything is written, and then read in memory.
    const auto files = importers::open_export(options.path, "organizations.csv");

    ItGlueImportRequest request;
    request.files = files.get();
    request.types = &context.types();
    request.dry_run = options.dry_run;
    request.today = context.today();
    request.language = workspace.language().empty() ? current_language() : workspace.language();
    try {
        request.technician = context.technician(nullptr);
    } catch (const Error&) {
        // Without a technician, new documents have no owner and no access is given.
    }
    if (request.technician) {
        request.owner = request.technician->id;
        request.owner_name = request.technician->name;
    }
    request.identities = [&context]() -> const std::vector<age::Identity>& { return context.identities(); };
    request.recipients = [&context](const Client& client, const std::string& path) {
        return credential_recipients(context, Reference{client, path});
    };
    request.author = [&context](const git::Repository* repository) { return context.author(repository); };
    // A missing author stops the import before any client is created.
    context.author(nullptr);

    auto summary = import_itglue(workspace, request);

    if (!options.report.empty()) {
        write_file_atomically(options.report,
                              platform_report_json(summary, "itglue", options.path, options.dry_run).dump(2) + "\n");
    }
    if (options.dry_run) print_platform_plan(summary);
    print_platform_summary(summary, options.dry_run);
    print_platform_problems(
        summary, [&files](const std::string& file) { return files->display_path(file); }, files->source());
    if (options.dry_run) print_notice(tr("dry run: nothing was written"));
    if (summary.rejected > 0) context.exit_status = ExitCode::findings;
}

}  // namespace

void add_itglue_import_command(CLI::App& import_command, Context& context) {
    auto options = std::make_shared<ItGlueOptions>();
    auto* itglue = import_command.add_subcommand(
        "itglue", tr("Import an IT Glue export, a folder or its ZIP file: organizations become clients, and their "
                     "records documents, with one commit per client"));
    itglue->add_option("PATH", options->path,
                       tr("The export's folder, which contains organizations.csv, or its ZIP file, which is read in "
                          "memory without unpacking it"))
        ->type_name(path_value)
        ->required();
    itglue->add_flag("--dry-run", options->dry_run,
                     tr("Print what would be created, updated or left alone, and write nothing"));
    itglue->add_option("--report", options->report,
                       tr("Write a JSON report of every client, record and loss to FILE"))
        ->option_text("FILE");
    itglue->callback([&context, options] { run_import_itglue(context, *options); });
}

}  // namespace dossier::cli
