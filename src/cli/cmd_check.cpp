#include <algorithm>

#include <fmt/format.h>

#include "context.hpp"
#include "dossier/check.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/terminal_renderer.hpp"
#include "dossier/markdown_import.hpp"
#include "output.hpp"
#include "validation_report.hpp"

namespace fs = std::filesystem;

namespace dossier::cli {
namespace {

struct CheckOptions {
    std::vector<std::string> paths;
    std::string client;
    bool json = false;
    unsigned jobs = 0;
};

// Adds the Markdown files under `folder`, skipping hidden folders such as .git and symbolic links.
void add_folder(const fs::path& folder, std::vector<fs::path>& files) {
    auto first = files.size();
    std::error_code error;
    fs::recursive_directory_iterator walker(folder, error);
    if (error) {
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot read the folder {}: {}")), folder.string(),
                                               error.message()));
    }
    for (auto entry = walker; entry != fs::recursive_directory_iterator(); entry.increment(error)) {
        if (error) break;
        const auto& path = entry->path();
        if (path.filename().string().starts_with('.')) {
            if (entry->is_directory()) entry.disable_recursion_pending();
            continue;
        }
        if (entry->is_symlink()) continue;
        if (entry->is_regular_file() && is_markdown_file_name(path.filename().string())) files.push_back(path);
    }
    // Directory order differs between machines; findings must not.
    std::sort(files.begin() + static_cast<std::ptrdiff_t>(first), files.end());
}

std::vector<CheckFile> files_to_check(Context& context, const CheckOptions& options) {
    if (!options.paths.empty() && !options.client.empty()) {
        throw Error(ErrorKind::usage, tr("give paths or --client, not both"),
                    tr("for example: dossier check --client acme, or dossier check clients/acme/runbooks"));
    }

    std::vector<fs::path> files;
    if (!options.paths.empty()) {
        for (const auto& text : options.paths) {
            fs::path path = fs::path(text).is_absolute() ? fs::path(text) : context.current_dir / text;
            std::error_code error;
            auto status = fs::status(path, error);
            if (fs::is_directory(status)) {
                add_folder(path, files);
            } else if (fs::is_regular_file(status)) {
                files.push_back(path);
            } else {
                throw Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("no such file or folder: {}")), text),
                            tr("give the path of a document or a folder of documents"));
            }
        }
    } else {
        std::vector<Client> clients;
        if (options.client.empty()) {
            clients = context.workspace().clients();
        } else {
            clients.push_back(context.client(options.client));
        }
        for (const auto& client : clients) {
            for (const auto& path : list_documents(client)) files.push_back(client.directory / path);
        }
    }

    std::vector<CheckFile> result;
    result.reserve(files.size());
    for (auto& file : files) {
        auto shown = file.lexically_normal().lexically_proximate(context.current_dir).generic_string();
        result.push_back({std::move(file), std::move(shown)});
    }
    return result;
}

nlohmann::ordered_json finding_json(const Finding& finding) {
    return {{"path", finding.path},   {"line", finding.line},       {"column", finding.column},
            {"severity", severity_name(finding.severity)}, {"rule", finding.rule}, {"field", finding.field},
            {"message", finding.message}};
}

void run_check(Context& context, const CheckOptions& options) {
    auto files = files_to_check(context, options);
    const auto& catalog = context.types();
    context.debug(fmt::format("checking {} files", files.size()));

    std::vector<Finding> findings;
    if (context.find_workspace() != nullptr) findings = type_definition_findings(catalog, context.current_dir);
    auto document_findings = check_files(catalog, files, options.jobs);
    findings.insert(findings.end(), std::make_move_iterator(document_findings.begin()),
                    std::make_move_iterator(document_findings.end()));
    context.debug("checked");

    std::size_t errors = 0;
    std::size_t warnings = 0;
    for (const auto& finding : findings) {
        if (finding.severity == Severity::error) ++errors;
        if (finding.severity == Severity::warning) ++warnings;
    }

    if (options.json) {
        auto list = nlohmann::ordered_json::array();
        for (const auto& finding : findings) list.push_back(finding_json(finding));
        print_json({{"findings", list},
                    {"summary", {{"documents", files.size()}, {"errors", errors}, {"warnings", warnings}}}});
    } else {
        std::string text;
        for (const auto& finding : findings) text += finding_line(finding, context.color_stdout());
        print_data(text);
        print_notice(fmt::format(fmt::runtime(tr("{}: {}, {}")),
                                 fmt::format(fmt::runtime(trn("{} document checked", "{} documents checked", files.size())),
                                             files.size()),
                                 fmt::format(fmt::runtime(trn("{} error", "{} errors", errors)), errors),
                                 fmt::format(fmt::runtime(trn("{} warning", "{} warnings", warnings)), warnings)));
    }
    if (errors > 0) context.exit_status = ExitCode::findings;
}

}  // namespace

void add_check_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<CheckOptions>();
    auto* command = app.add_subcommand(
        "check", tr("Check documents: front-matter syntax, schema of their type, unknown types"));
    command->add_option("PATH", options->paths,
                        tr("Documents or folders to check (default: every document of every client)"))
        ->type_name(path_value);
    command->add_option("--client", options->client, tr("Check only the documents of this client (its slug)"))
        ->type_name(client_value);
    command->add_flag("--json", options->json, tr("Print the findings as JSON (see docs/en/json-output.md)"));
    command->add_option("--jobs", options->jobs, tr("Number of threads (default: one per processor core)"))
        ->check(CLI::Range(1U, 256U));
    command->callback([&context, options] { run_check(context, *options); });
}

}  // namespace dossier::cli
