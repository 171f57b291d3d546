// dossier check: runs the rules on documents and reports the findings in the chosen format.
#include <stdlib.h>

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "changed_documents.hpp"
#include "context.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/check.hpp"
#include "dossier/check_report.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/markdown_import.hpp"
#include "dossier/terminal_renderer.hpp"
#include "dossier/yaml_value.hpp"
#include "output.hpp"
#include "validation_report.hpp"

namespace fs = std::filesystem;

namespace dossier::cli {
namespace {

struct CheckOptions {
    std::vector<std::string> paths;
    std::string client;
    std::string format;
    bool json = false;
    std::string fail_on = "error";
    std::string changed_since;
    bool staged = false;
    std::string today;
    std::string output;
    unsigned jobs = 0;
};

// The files to check, and the clients checked in full for the rules about whole clients.
struct Selection {
    std::vector<CheckFile> files;
    std::vector<Client> whole_clients;
    bool type_definitions = true;  // whether to report the workspace's unusable type files
};

// A folder in the system's temporary folder, removed with everything in it.
class TemporaryFolder {
public:
    TemporaryFolder() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = (fs::path(base != nullptr && *base != '\0' ? base : "/tmp") / "dossier-check-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            throw Error(ErrorKind::io,
                        fmt::format(fmt::runtime(tr("cannot create a temporary folder: {}")), pattern),
                        tr("check that TMPDIR names a folder you can write to"));
        }
        path_ = pattern;
    }
    ~TemporaryFolder() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    TemporaryFolder(const TemporaryFolder&) = delete;
    TemporaryFolder& operator=(const TemporaryFolder&) = delete;

    const fs::path& path() const noexcept { return path_; }

private:
    fs::path path_;
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

CheckFile check_file(const Context& context, fs::path file) {
    auto shown = file.lexically_normal().lexically_proximate(context.current_dir).generic_string();
    return {std::move(file), std::move(shown)};
}

void check_usage(const CheckOptions& options) {
    if (!options.paths.empty() && !options.client.empty()) {
        throw Error(ErrorKind::usage, tr("give paths or --client, not both"),
                    tr("for example: dossier check --client acme, or dossier check clients/acme/runbooks"));
    }
    if (!options.changed_since.empty() && !options.paths.empty()) {
        throw Error(ErrorKind::usage, tr("--changed-since does not take paths"),
                    tr("give --changed-since alone or with --client: dossier check --client acme --changed-since main"));
    }
    if (options.staged && (!options.paths.empty() || !options.client.empty() || !options.changed_since.empty())) {
        throw Error(ErrorKind::usage, tr("--staged takes no paths, --client or --changed-since"),
                    tr("run dossier check --staged in the folder of a client repository"));
    }
    if (options.json && !options.format.empty() && options.format != "json") {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("--json conflicts with --format {}")), options.format),
                    tr("--json is the same as --format json: give one of them"));
    }
    if (!options.today.empty() && !is_calendar_date(options.today)) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid --today: {}")), options.today),
                    tr("give a calendar date as YYYY-MM-DD, such as 2025-03-31"));
    }
}

std::vector<Client> selected_clients(Context& context, const CheckOptions& options) {
    if (!options.client.empty()) return {context.client(options.client)};
    return context.workspace().clients();
}

Selection select_paths(Context& context, const CheckOptions& options) {
    std::vector<fs::path> files;
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
    Selection selection;
    for (auto& file : files) selection.files.push_back(check_file(context, std::move(file)));
    return selection;
}

Selection select_changed(Context& context, const CheckOptions& options) {
    Selection selection;
    selection.type_definitions = false;
    auto clients = selected_clients(context, options);
    auto documents = documents_changed_since(clients, options.changed_since, options.jobs);
    for (std::size_t i = 0; i < clients.size(); ++i) {
        for (const auto& path : documents[i]) selection.files.push_back(check_file(context, clients[i].directory / path));
    }
    context.debug(fmt::format("listed the documents changed since {}", options.changed_since));
    return selection;
}

Selection select_clients(Context& context, const CheckOptions& options) {
    Selection selection;
    selection.whole_clients = selected_clients(context, options);
    for (const auto& client : selection.whole_clients) {
        for (const auto& path : list_documents(client)) selection.files.push_back(check_file(context, client.directory / path));
    }
    return selection;
}

// Returns the client whose repository contains the current folder.
Client current_client(Context& context) {
    auto here = fs::weakly_canonical(context.current_dir);
    for (const auto& client : context.workspace().clients()) {
        auto relative = here.lexically_relative(fs::weakly_canonical(client.directory));
        if (!relative.empty() && *relative.begin() != "..") return client;
    }
    throw Error(ErrorKind::not_found,
                fmt::format(fmt::runtime(tr("not in a client repository: {}")), context.current_dir.string()),
                tr("run dossier check --staged in clients/SLUG of the workspace, as the pre-commit hook does"));
}

// Selects the staged documents of the current client repository. The whole index is written to
// `staged_root`/clients/SLUG so that the rules read the staged content, and the links resolve
// against the staged files, not against the working tree.
Selection select_staged(Context& context, const fs::path& staged_root) {
    Client client = current_client(context);
    auto repository = git::Repository::open(client.directory);
    // git sets GIT_INDEX_FILE for hooks during `git commit -a` and `git commit PATH`, whose
    // commit is built in another index than .git/index.
    std::optional<fs::path> index_file;
    if (const char* index = std::getenv("GIT_INDEX_FILE"); index != nullptr && *index != '\0') {
        index_file = fs::path(index).is_absolute() ? fs::path(index) : context.current_dir / index;
    }

    auto exported = staged_root / "clients" / client.slug;
    fs::create_directories(exported);
    repository.export_index(exported, index_file);

    Selection selection;
    selection.type_definitions = false;
    auto shown_base = fs::weakly_canonical(client.directory);
    for (const auto& path : repository.staged_paths(index_file)) {
        bool hidden = path.starts_with('.') || path.find("/.") != std::string::npos;
        if (hidden || !is_markdown_file_name(fs::path(path).filename().string())) continue;
        auto shown = (shown_base / path).lexically_proximate(fs::weakly_canonical(context.current_dir)).generic_string();
        selection.files.push_back({exported / path, shown});
    }
    return selection;
}

CheckEnvironment make_environment(Context& context, const CheckOptions& options,
                                  const std::optional<fs::path>& root_override) {
    std::string today = options.today.empty() ? context.today() : options.today;
    const Workspace* workspace = context.find_workspace();
    if (workspace == nullptr) return CheckEnvironment{context.types(), CheckSettings{}, today, {}, std::nullopt};

    auto settings = CheckSettings::from_workspace(workspace->settings(), workspace->settings_path());
    return CheckEnvironment{context.types(), std::move(settings), today, workspace->technicians(),
                            root_override ? *root_override : workspace->root()};
}

std::string summary_line(const CheckSummary& summary) {
    return fmt::format(fmt::runtime(tr("{}: {}, {}")),
                       fmt::format(fmt::runtime(trn("{} document checked", "{} documents checked", summary.documents)),
                                   summary.documents),
                       fmt::format(fmt::runtime(trn("{} error", "{} errors", summary.errors)), summary.errors),
                       fmt::format(fmt::runtime(trn("{} warning", "{} warnings", summary.warnings)), summary.warnings));
}

std::string render_report(ReportFormat format, const std::vector<Finding>& findings, const Selection& selection,
                          const CheckSummary& summary, bool color) {
    switch (format) {
        case ReportFormat::json: return json_report(findings, summary);
        case ReportFormat::sarif: return sarif_report(findings, check_rules());
        case ReportFormat::github: return github_report(findings);
        case ReportFormat::junit: {
            std::vector<std::string> checked;
            for (const auto& file : selection.files) checked.push_back(file.display_path);
            return junit_report(findings, checked, summary);
        }
        case ReportFormat::text: break;
    }
    std::string text;
    for (const auto& finding : findings) text += finding_line(finding, color);
    return text;
}

bool fails(const std::string& fail_on, const CheckSummary& summary) {
    if (fail_on == "never") return false;
    if (fail_on == "warning") return summary.errors + summary.warnings > 0;
    return summary.errors > 0;
}

void run_check(Context& context, const CheckOptions& options) {
    check_usage(options);
    ReportFormat format = options.json ? ReportFormat::json : parse_report_format(options.format).value_or(ReportFormat::text);

    std::optional<TemporaryFolder> staged_root;
    Selection selection;
    if (options.staged) {
        staged_root.emplace();
        selection = select_staged(context, staged_root->path());
    } else if (!options.changed_since.empty()) {
        selection = select_changed(context, options);
    } else if (!options.paths.empty()) {
        selection = select_paths(context, options);
    } else {
        selection = select_clients(context, options);
    }
    context.debug(fmt::format("checking {} files", selection.files.size()));

    std::optional<fs::path> root_override;
    if (staged_root) root_override = staged_root->path();
    auto environment = make_environment(context, options, root_override);

    std::vector<Finding> findings;
    if (selection.type_definitions && context.find_workspace() != nullptr) {
        findings = type_definition_findings(environment.catalog, context.current_dir);
    }
    auto document_findings = check_files(environment, selection.files, selection.whole_clients, options.jobs);
    findings.insert(findings.end(), std::make_move_iterator(document_findings.begin()),
                    std::make_move_iterator(document_findings.end()));
    context.debug("checked");

    auto summary = summarize(findings, selection.files.size());
    if (options.output.empty()) {
        print_data(render_report(format, findings, selection, summary, context.color_stdout()));
    } else {
        fs::path output = fs::path(options.output).is_absolute() ? fs::path(options.output)
                                                                 : context.current_dir / options.output;
        write_file_atomically(output, render_report(format, findings, selection, summary, false));
    }
    print_notice(summary_line(summary));
    if (fails(options.fail_on, summary)) context.exit_status = ExitCode::findings;
}

std::string rule_list() {
    std::string list;
    for (const auto& rule : check_rules()) {
        list += fmt::format("\n  {:<22} {:<8} {}", rule.id, severity_name(rule.severity), tr(rule.description));
    }
    return list;
}

}  // namespace

void add_check_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<CheckOptions>();
    auto* command = app.add_subcommand("check", tr("Check documents with the rules and report the findings"));
    command->footer(tr("Rules, with their default severity:") + rule_list());
    command->add_option("PATH", options->paths,
                        tr("Documents or folders to check (default: every document of every client)"))
        ->type_name(path_value);
    command->add_option("--client", options->client, tr("Check only the documents of this client (its slug)"))
        ->type_name(client_value);
    command->add_option("--format", options->format,
                        tr("Report format: text (default), json, sarif (SARIF 2.1.0), junit (JUnit XML) or github "
                           "(GitHub Actions annotations)"))
        ->check(CLI::IsMember({"text", "json", "sarif", "junit", "github"}));
    command->add_flag("--json", options->json, tr("Same as --format json (see docs/en/json-output.md)"));
    command->add_option("--fail-on", options->fail_on,
                        tr("Exit with status 1 when a finding has this severity or a higher one: error (default), "
                           "warning, or never"))
        ->check(CLI::IsMember({"error", "warning", "never"}));
    command->add_option("--changed-since", options->changed_since,
                        tr("Check only the documents changed since this commit, branch or tag of each client "
                           "repository, and the documents that link to them"))
        ->type_name("REV");
    command->add_flag("--staged", options->staged,
                      tr("Check the staged content of the staged documents of the client repository in the current "
                         "folder (the pre-commit hook runs this)"));
    command->add_option("--today", options->today, tr("Take this date (YYYY-MM-DD) as today for reviews and expirations"))
        ->type_name("DATE");
    command->add_option("--output", options->output,
                        tr("Write the report to this file, replaced atomically, and print only the summary"))
        ->type_name("FILE");
    command->add_option("--jobs", options->jobs, tr("Number of threads (default: one per processor core)"))
        ->check(CLI::Range(1U, 256U));
    command->callback([&context, options] { run_check(context, *options); });
}

}  // namespace dossier::cli
