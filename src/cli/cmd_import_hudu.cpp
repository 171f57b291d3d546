// `dossier import hudu`: the JSON lists of a Hudu export into clients and documents, with one
// commit per client. The engine is in src/importers/hudu_import.cpp.
#include <filesystem>

#include <fmt/format.h>

#include "context.hpp"
#include "credential_file.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/hudu_import.hpp"
#include "dossier/i18n.hpp"
#include "import_report.hpp"
#include "output.hpp"
#include "secret_input.hpp"

namespace dossier::cli {
namespace {

namespace fs = std::filesystem;

struct HuduOptions {
    std::string path;
    std::string report;
    bool dry_run = false;
};

void run_import_hudu(Context& context, const HuduOptions& options) {
    protect_process_memory();  // passwords pass through memory on their way to age blocks
    const auto& workspace = context.workspace();
    const fs::path folder(options.path);
    if (!fs::is_directory(folder)) {
        throw Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("not a folder: {}")), options.path),
                    tr("give the folder that contains the JSON files of a Hudu export, such as companies.json"));
    }

    HuduImportRequest request;
    request.export_dir = folder;
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

    auto summary = import_hudu(workspace, request);

    if (!options.report.empty()) {
        write_file_atomically(options.report,
                              platform_report_json(summary, "hudu", options.path, options.dry_run).dump(2) + "\n");
    }
    if (options.dry_run) print_platform_plan(summary);
    print_platform_summary(summary, options.dry_run);
    print_platform_problems(
        summary, [&folder](const std::string& file) { return folder / file; }, folder);
    if (options.dry_run) print_notice(tr("dry run: nothing was written"));
    if (summary.rejected > 0) context.exit_status = ExitCode::findings;
}

}  // namespace

void add_hudu_import_command(CLI::App& import_command, Context& context) {
    auto options = std::make_shared<HuduOptions>();
    auto* hudu = import_command.add_subcommand(
        "hudu", tr("Import a Hudu export: companies become clients, and their assets, passwords and articles "
                   "documents, with one commit per client"));
    hudu->add_option("PATH", options->path,
                     tr("The folder of the export's JSON files: companies.json, asset_layouts.json, assets.json, "
                        "asset_passwords.json, articles.json"))
        ->type_name(directory_value)
        ->required();
    hudu->add_flag("--dry-run", options->dry_run,
                   tr("Print what would be created, updated or left alone, and write nothing"));
    hudu->add_option("--report", options->report, tr("Write a JSON report of every client, record and loss to FILE"))
        ->option_text("FILE");
    hudu->callback([&context, options] { run_import_hudu(context, *options); });
}

}  // namespace dossier::cli
