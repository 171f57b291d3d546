// `dossier import`: bringing existing documentation into a client. Its `markdown` subcommand
// adopts a folder of Markdown files, and other sources are added as sibling subcommands.
#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "context.hpp"
#include "dossier/change.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/markdown_import.hpp"
#include "dossier/terminal_renderer.hpp"
#include "output.hpp"

namespace dossier::cli {
namespace {

struct MarkdownImportOptions {
    std::string source_dir;
    std::string client;
    std::string type;
    std::string target_folder;
    std::vector<std::string> mappings;
    bool dry_run = false;
    bool json = false;
};

KeyMapping parse_mapping(const std::string& text) {
    auto equals = text.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == text.size()) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid key mapping: {}")), text),
                    tr("write OLD=NEW, such as last_reviewed_on=reviewed"));
    }
    return {text.substr(0, equals), text.substr(equals + 1)};
}

bool is_written(const ImportedFile& file) {
    return file.outcome == ImportOutcome::adopted || file.outcome == ImportOutcome::attachment;
}

// --- text report ----------------------------------------------------------------------

// Returns what the import does to an adopted document, for the dry run's plan.
std::string describe_edits(const ImportedFile& file) {
    std::vector<std::string> parts;
    if (!file.renamed_keys.empty()) {
        std::vector<std::string> renamed;
        for (const auto& mapping : file.renamed_keys) renamed.push_back(mapping.from + " → " + mapping.to);
        parts.push_back(fmt::format(fmt::runtime(tr("renames {}")), fmt::join(renamed, ", ")));
    }
    if (!file.added_keys.empty()) {
        std::vector<std::string> added;
        for (const auto& [key, value] : file.added_keys) added.push_back(key + ": " + value);
        parts.push_back(fmt::format(fmt::runtime(tr("adds {}")), fmt::join(added, ", ")));
    }
    if (!file.front_matter_error.empty()) parts.push_back(tr("kept as it is: its front matter cannot be read"));
    for (const auto& warning : file.warnings) parts.push_back(warning);
    // TRANSLATORS: the separator between the edits listed for one file.
    return fmt::format("{}", fmt::join(parts, tr("; ")));
}

// Prints one line per file on standard output: what the import would do with it.
void print_plan(const MarkdownImportPlan& plan) {
    auto action_of = [](const ImportedFile& file) -> std::string {
        switch (file.outcome) {
            case ImportOutcome::adopted: return tr("adopt");
            case ImportOutcome::attachment: return tr("copy");
            case ImportOutcome::skipped: return tr("skip");
            case ImportOutcome::failed: return tr("fail");
        }
        return {};
    };
    std::size_t width = 0;
    for (const auto& file : plan.files) width = std::max(width, action_of(file).size());

    std::string text;
    for (const auto& file : plan.files) {
        std::string line =
            fmt::format("{:<{}}  {}{}", action_of(file), width, file.source_path, file.folder ? "/" : "");
        if (is_written(file) && file.target_path != file.source_path) line += " → " + file.target_path;
        std::string details = is_written(file) ? describe_edits(file) : file.message;
        if (!details.empty()) line += "  (" + details + ")";
        text += terminal_safe_line(line) + "\n";
    }
    print_data(text);
}

void print_file_lines(const std::vector<std::string>& lines) {
    for (const auto& line : lines) std::cerr << "    " << terminal_safe_line(line) << '\n';
}

// Prints the counts, then every file that was not imported as it is, with the reason.
void print_summary(const MarkdownImportPlan& plan, const MarkdownImportSummary& summary) {
    std::cerr << "  "
              << fmt::format(fmt::runtime(trn("adopted: {} Markdown document ({} changed)",
                                              "adopted: {} Markdown documents ({} changed)", summary.adopted)),
                             summary.adopted, summary.changed)
              << '\n';
    std::cerr << "  " << fmt::format(fmt::runtime(tr("attachments: {}")), summary.attachments) << '\n';
    for (const auto& [mapping, count] : summary.renamed) {
        std::cerr << "  "
                  << fmt::format(fmt::runtime(trn("renamed: {} to {} in {} document", "renamed: {} to {} in {} documents",
                                                  count)),
                                 mapping.from, mapping.to, count)
                  << '\n';
    }
    for (const auto& [key, count] : summary.added) {
        std::cerr << "  "
                  << fmt::format(fmt::runtime(trn("added: {} in {} document", "added: {} in {} documents", count)), key,
                                 count)
                  << '\n';
    }

    std::vector<std::string> unread, warnings, skipped, failed;
    for (const auto& file : plan.files) {
        if (!file.front_matter_error.empty()) unread.push_back(file.front_matter_error);
        for (const auto& warning : file.warnings) {
            warnings.push_back(fmt::format(fmt::runtime(tr("{}: {}")), file.source_path, warning));
        }
        std::string problem_line =
            fmt::format(fmt::runtime(tr("{}: {}")), file.source_path + (file.folder ? "/" : ""), file.message);
        if (file.outcome == ImportOutcome::skipped) skipped.push_back(problem_line);
        if (file.outcome == ImportOutcome::failed) failed.push_back(problem_line);
    }
    if (!unread.empty()) {
        std::cerr << "  " << fmt::format(fmt::runtime(tr("kept as they are, front matter unreadable: {}")), unread.size())
                  << '\n';
        print_file_lines(unread);
    }
    if (!warnings.empty()) {
        std::cerr << "  " << fmt::format(fmt::runtime(tr("keys not renamed or added: {}")), warnings.size()) << '\n';
        print_file_lines(warnings);
    }
    std::cerr << "  " << fmt::format(fmt::runtime(tr("skipped: {}")), skipped.size()) << '\n';
    print_file_lines(skipped);
    std::cerr << "  " << fmt::format(fmt::runtime(tr("failed: {}")), failed.size()) << '\n';
    print_file_lines(failed);

    if (summary.not_named_md > 0) {
        print_notice(fmt::format(
            fmt::runtime(trn("{} adopted document has a name that does not end in .md: dossier list and check read "
                             "only .md files",
                             "{} adopted documents have names that do not end in .md: dossier list and check read "
                             "only .md files",
                             summary.not_named_md)),
            summary.not_named_md));
    }
    if (!unread.empty()) {
        std::cerr << tr("hint:") << ' ' << tr("fix the front matter with an editor; dossier check lists these documents")
                  << '\n';
    }
    if (!skipped.empty() || !failed.empty()) {
        std::cerr << tr("hint:") << ' '
                  << tr("fix or rename the files listed, then run the same command again: files already imported "
                        "are kept and reported as existing")
                  << '\n';
    }
}

// --- JSON report ----------------------------------------------------------------------

nlohmann::ordered_json optional_text(const std::string& text) {
    return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}

nlohmann::ordered_json file_json(const ImportedFile& file) {
    auto renamed = nlohmann::ordered_json::array();
    for (const auto& mapping : file.renamed_keys) renamed.push_back({{"from", mapping.from}, {"to", mapping.to}});
    auto added = nlohmann::ordered_json::object();
    for (const auto& [key, value] : file.added_keys) added[key] = value;

    return {{"source", file.source_path},
            {"path", optional_text(file.target_path)},
            {"outcome", import_outcome_name(file.outcome)},
            {"reason", optional_text(std::string(import_reason_name(file.reason)))},
            {"message", optional_text(file.message)},
            {"folder", file.folder},
            {"changed", file.changed()},
            {"renamed_keys", renamed},
            {"added_keys", added},
            {"front_matter_error", optional_text(file.front_matter_error)},
            {"warnings", file.warnings}};
}

nlohmann::ordered_json report_json(const MarkdownImportPlan& plan, const MarkdownImportSummary& summary,
                                   const Client& client, const std::optional<std::string>& commit, bool dry_run) {
    auto renamed = nlohmann::ordered_json::array();
    for (const auto& [mapping, count] : summary.renamed) {
        renamed.push_back({{"from", mapping.from}, {"to", mapping.to}, {"documents", count}});
    }
    auto added = nlohmann::ordered_json::array();
    for (const auto& [key, count] : summary.added) added.push_back({{"key", key}, {"documents", count}});
    auto files = nlohmann::ordered_json::array();
    for (const auto& file : plan.files) files.push_back(file_json(file));

    return {{"client", client.slug},
            {"source", plan.source_dir.string()},
            {"folder", plan.target_folder},
            {"dry_run", dry_run},
            {"commit", commit ? nlohmann::ordered_json(*commit) : nlohmann::ordered_json(nullptr)},
            {"summary",
             {{"adopted", summary.adopted},
              {"changed", summary.changed},
              {"attachments", summary.attachments},
              {"skipped", summary.skipped},
              {"failed", summary.failed},
              {"front_matter_errors", summary.unreadable_front_matter},
              {"renamed_keys", renamed},
              {"added_keys", added}}},
            {"files", files}};
}

// --- running --------------------------------------------------------------------------

// Rejects a --type that the catalogue does not know, with "did you mean", before anything is read.
void check_type_name(Context& context, const std::string& type) {
    if (!type.empty()) context.type(type);
}

// Shows "writing N/M files" on a terminal, overwritten in place.
ImportProgress terminal_progress() {
    if (::isatty(STDERR_FILENO) != 1) return {};
    return [](std::size_t written, std::size_t total) {
        if (written % 50 != 0 && written != total) return;
        std::cerr << "\rdossier: " << fmt::format(fmt::runtime(tr("writing {}/{} files")), written, total)
                  << (written == total ? "\n" : "") << std::flush;
    };
}

void run_import_markdown(Context& context, const MarkdownImportOptions& options) {
    MarkdownImportRequest request;
    std::filesystem::path source(options.source_dir);
    request.source_dir = source.is_absolute() ? source : context.current_dir / source;
    request.target_folder = options.target_folder;
    request.default_type = options.type;
    for (const auto& mapping : options.mappings) request.mappings.push_back(parse_mapping(mapping));
    validate_markdown_import_request(request);
    check_type_name(context, options.type);

    auto client = context.client(options.client);
    request.client_dir = client.directory;
    auto repository = git::Repository::open(client.directory);

    MarkdownImportPlan plan;
    std::optional<std::string> commit;
    if (options.dry_run) {
        plan = plan_markdown_import(request);
        context.debug(fmt::format("planned {} entries", plan.files.size()));
    } else {
        Change change(repository);  // holds the write lock from planning to the commit
        auto author = context.author(&repository);
        plan = plan_markdown_import(request);
        context.debug(fmt::format("planned {} entries", plan.files.size()));
        commit = commit_markdown_import(plan, change, author, terminal_progress());
        context.debug("committed the import");
    }
    auto summary = summarize(plan);

    if (options.json) {
        print_json(report_json(plan, summary, client, commit, options.dry_run));
    } else if (options.dry_run) {
        print_plan(plan);
    }

    if (options.dry_run) {
        print_notice(fmt::format(fmt::runtime(tr("dry run: would import {} into {}; nothing was written")),
                                 plan.source_dir.string(), client.slug));
    } else if (commit) {
        print_notice(fmt::format(fmt::runtime(tr("imported {} into {} (commit {})")), plan.source_dir.string(),
                                 client.slug, commit->substr(0, 8)));
    } else if (plan.files.empty()) {
        print_notice(fmt::format(fmt::runtime(tr("nothing to import: {} contains no files")), plan.source_dir.string()));
    } else {
        print_notice(fmt::format(fmt::runtime(tr("nothing imported from {}: every file was skipped or failed")),
                                 plan.source_dir.string()));
    }
    print_summary(plan, summary);
}

}  // namespace

void add_import_command(CLI::App& app, Context& context) {
    auto* import_command = app.add_subcommand("import", tr("Bring existing documentation into a client"));
    import_command->require_subcommand(1);

    auto options = std::make_shared<MarkdownImportOptions>();
    auto* markdown = import_command->add_subcommand(
        "markdown", tr("Adopt a folder of Markdown files and their attachments into a client, in one commit"));
    markdown->add_option("DIR", options->source_dir, tr("The folder to import"))
        ->type_name(directory_value)->required();
    markdown->add_option("--client", options->client, tr("The client's slug, such as acme"))
        ->type_name(client_value)->required();
    markdown->add_option("--type", options->type,
                         tr("Type added to Markdown files whose front matter has no type, such as runbook"))
        ->type_name(type_value);
    markdown->add_option("--map", options->mappings,
                         tr("Rename the front-matter key OLD to NEW, such as last_reviewed_on=reviewed (repeat for "
                            "several keys)"))
        ->option_text("OLD=NEW")
        ->allow_extra_args(false);
    markdown->add_option("--to", options->target_folder,
                         tr("Folder of the client repository that receives the files (default: its root)"))
        ->option_text("FOLDER");
    markdown->add_flag("--dry-run", options->dry_run, tr("Print the plan, one line per file, and write nothing"));
    markdown->add_flag("--json", options->json, tr("Print the report as JSON (see docs/en/json-output.md)"));
    markdown->callback([&context, options] { run_import_markdown(context, *options); });

    add_record_import_commands(*import_command, context);
    add_itglue_import_command(*import_command, context);
    add_hudu_import_command(*import_command, context);
}

}  // namespace dossier::cli
