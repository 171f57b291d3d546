// `dossier import itglue`: an IT Glue export folder into clients and documents, with one
// commit per client. The engine is in src/importers/itglue_import.cpp.
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

const char* outcome_name(RecordOutcome outcome) {
    switch (outcome) {
        case RecordOutcome::created: return "created";
        case RecordOutcome::updated: return "updated";
        case RecordOutcome::unchanged: return "unchanged";
        case RecordOutcome::rejected: return "rejected";
    }
    return "";
}

const char* client_outcome_name(ItGlueClientOutcome outcome) {
    switch (outcome) {
        case ItGlueClientOutcome::created: return "created";
        case ItGlueClientOutcome::found: return "found";
        case ItGlueClientOutcome::to_create: return "to_create";
    }
    return "";
}

std::string reference_text(const RecordResult& result) {
    auto path = result.path.ends_with(".md") ? result.path.substr(0, result.path.size() - 3) : result.path;
    return result.client + "/" + path;
}

ordered_json optional_text(const std::optional<std::string>& text) {
    return text ? ordered_json(*text) : ordered_json();
}

ordered_json text_or_null(const std::string& text) { return text.empty() ? ordered_json() : ordered_json(text); }

ordered_json record_json(const ItGlueRecord& record) {
    const auto& result = record.result;
    ordered_json row;
    row["file"] = record.file;
    row["kind"] = record.kind;
    row["type"] = record.type;
    row["number"] = result.number;
    row["line"] = result.line;
    row["outcome"] = outcome_name(result.outcome);
    row["client"] = text_or_null(result.client);
    row["document"] = result.path.empty() ? ordered_json() : ordered_json(reference_text(result));
    row["key"] = result.key;
    if (record.with_new_client) row["with_new_client"] = true;
    if (result.outcome == RecordOutcome::updated) row["changed"] = result.changed_fields;
    if (result.outcome == RecordOutcome::rejected) row["reason"] = result.reason;
    auto notes = ordered_json::array();
    for (const auto& note : result.notes) {
        notes.push_back({{"column", note.column},
                         {"field", text_or_null(note.field)},
                         {"read", note.read},
                         {"written", note.written},
                         {"how", note.how}});
    }
    row["values"] = std::move(notes);
    return row;
}

ordered_json report_json(const ItGlueImportSummary& summary, const ItGlueOptions& options) {
    ordered_json report;
    report["format"] = 1;
    report["source"] = {{"kind", "itglue"}, {"path", options.path}};
    report["dry_run"] = options.dry_run;
    report["written"] = summary.written;
    report["summary"] = {{"records", summary.records.size()},
                         {"rejected", summary.rejected},
                         {"losses", summary.losses.size()}};

    auto clients = ordered_json::array();
    for (const auto& client : summary.clients) {
        auto kinds = ordered_json::array();
        for (const auto& counts : summary.counts) {
            if (counts.client != client.slug) continue;
            kinds.push_back({{"kind", counts.kind},
                             {"created", counts.created},
                             {"updated", counts.updated},
                             {"unchanged", counts.unchanged},
                             {"rejected", counts.rejected}});
        }
        clients.push_back({{"client", client.slug},
                           {"name", client.name},
                           {"source", client.source},
                           {"line", client.line},
                           {"outcome", client_outcome_name(client.outcome)},
                           {"fields", client.changed_fields},
                           {"access_granted", client.access_granted},
                           {"creation_commit", optional_text(client.creation_commit)},
                           {"commit", optional_text(client.commit)},
                           {"kinds", std::move(kinds)}});
    }
    report["clients"] = std::move(clients);

    auto files = ordered_json::array();
    for (const auto& file : summary.files) {
        files.push_back({{"file", file.file},
                         {"kind", file.kind},
                         {"type", file.type},
                         {"present", file.present},
                         {"records", file.records},
                         {"rejected", file.rejected}});
    }
    report["files"] = std::move(files);

    auto records = ordered_json::array();
    for (const auto& record : summary.records) records.push_back(record_json(record));
    report["records"] = std::move(records);

    auto losses = ordered_json::array();
    for (const auto& loss : summary.losses) {
        losses.push_back({{"file", text_or_null(loss.file)},
                          {"line", loss.line == 0 ? ordered_json() : ordered_json(loss.line)},
                          {"source", text_or_null(loss.source)},
                          {"client", text_or_null(loss.client)},
                          {"what", loss.what}});
    }
    report["losses"] = std::move(losses);
    report["types"] = {{"created", summary.types_created}, {"commit", optional_text(summary.types_commit)}};
    return report;
}

void print_plan(const ItGlueImportSummary& summary) {
    std::string text;
    for (const auto& record : summary.records) {
        const auto& result = record.result;
        std::string line;
        if (record.with_new_client) {
            line = fmt::format(fmt::runtime(tr("create    a {} for the new client {} (line {})")), record.type,
                               result.client, result.line);
        } else if (result.outcome == RecordOutcome::created) {
            line = fmt::format(fmt::runtime(tr("create    {} (line {})")), reference_text(result), result.line);
        } else if (result.outcome == RecordOutcome::updated) {
            line = fmt::format(fmt::runtime(tr("update    {} (line {}): {}")), reference_text(result), result.line,
                               fmt::join(result.changed_fields, ", "));
        } else if (result.outcome == RecordOutcome::unchanged) {
            line = fmt::format(fmt::runtime(tr("unchanged {} (line {})")), reference_text(result), result.line);
        } else {
            continue;  // on standard error, as in a real import
        }
        text += record.file + ": " + line + "\n";
    }
    print_data(text);
}

std::string client_heading(const ItGlueClient& client) {
    std::string line;
    switch (client.outcome) {
        case ItGlueClientOutcome::created:
            line = fmt::format(fmt::runtime(tr("{}: new client {}")), client.slug, client.name);
            break;
        case ItGlueClientOutcome::found:
            line = fmt::format(fmt::runtime(tr("{}: client {}")), client.slug, client.name);
            break;
        case ItGlueClientOutcome::to_create:
            line = fmt::format(fmt::runtime(tr("{}: client to create: {}")), client.slug, client.name);
            break;
    }
    if (client.commit) line += fmt::format(fmt::runtime(tr(" (commit {})")), client.commit->substr(0, 8));
    return line + "\n";
}

std::string counts_lines(const ItGlueImportSummary& summary, const std::string& client) {
    std::string text;
    for (const auto& counts : summary.counts) {
        if (counts.client != client) continue;
        text += "  " + fmt::format(fmt::runtime(tr("{}: {} created, {} updated, {} unchanged, {} rejected")),
                                   counts.kind, counts.created, counts.updated, counts.unchanged, counts.rejected) +
                "\n";
    }
    return text;
}

void print_summary(const ItGlueImportSummary& summary, bool dry_run) {
    std::string text;
    if (!summary.types_created.empty()) {
        const auto names = fmt::format("{}", fmt::join(summary.types_created, ", "));
        text += dry_run ? fmt::format(fmt::runtime(tr("workspace types to create: {}")), names)
                        : fmt::format(fmt::runtime(tr("workspace types created: {}")), names);
        if (summary.types_commit) text += fmt::format(fmt::runtime(tr(" (commit {})")), summary.types_commit->substr(0, 8));
        text += "\n";
    }
    for (const auto& client : summary.clients) text += client_heading(client) + counts_lines(summary, client.slug);

    // Clients that records name without an organization of organizations.csv.
    std::vector<std::string> others;
    for (const auto& counts : summary.counts) {
        if (counts.client.empty() || std::find(others.begin(), others.end(), counts.client) != others.end()) continue;
        if (std::any_of(summary.clients.begin(), summary.clients.end(),
                        [&](const ItGlueClient& client) { return client.slug == counts.client; })) {
            continue;
        }
        others.push_back(counts.client);
    }
    for (const auto& slug : others) text += slug + ":\n" + counts_lines(summary, slug);

    std::size_t without_client = 0;
    for (const auto& counts : summary.counts) {
        if (counts.client.empty()) without_client += counts.rejected;
    }
    if (without_client > 0) {
        text += fmt::format(fmt::runtime(trn("{} record names no known client", "{} records name no known client",
                                             without_client)),
                            without_client) +
                "\n";
    }
    print_data(text);
}

void print_problems(const ItGlueImportSummary& summary, const fs::path& folder) {
    for (const auto& record : summary.records) {
        if (record.result.outcome != RecordOutcome::rejected) continue;
        std::cerr << fmt::format(fmt::runtime(tr("{}:{}: rejected: {}")), (folder / record.file).string(),
                                 record.result.line, record.result.reason)
                  << '\n';
    }
    for (const auto& loss : summary.losses) {
        auto where = loss.file.empty() ? folder.string() : (folder / loss.file).string();
        if (loss.line > 0) where += ":" + std::to_string(loss.line);
        if (!loss.client.empty() && loss.line == 0) where += fmt::format(" ({})", loss.client);
        std::cerr << fmt::format(fmt::runtime(tr("{}: not carried over exactly: {}")), where, loss.what) << '\n';
    }
    if (!summary.losses.empty()) {
        print_notice(fmt::format(fmt::runtime(trn("{} value was not carried over exactly (listed above, and in "
                                                  "--report)",
                                                  "{} values were not carried over exactly (listed above, and in "
                                                  "--report)",
                                                  summary.losses.size())),
                                 summary.losses.size()));
    }
}

void run_import_itglue(Context& context, const ItGlueOptions& options) {
    protect_process_memory();  // passwords pass through memory on their way to age blocks
    const auto& workspace = context.workspace();
    const fs::path folder(options.path);
    if (!fs::is_directory(folder)) {
        throw Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("not a folder: {}")), options.path),
                    tr("give the folder of an IT Glue export; unpack a ZIP export first"));
    }

    ItGlueImportRequest request;
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

    auto summary = import_itglue(workspace, request);

    if (!options.report.empty()) write_file_atomically(options.report, report_json(summary, options).dump(2) + "\n");
    if (options.dry_run) print_plan(summary);
    print_summary(summary, options.dry_run);
    print_problems(summary, folder);
    if (options.dry_run) print_notice(tr("dry run: nothing was written"));
    if (summary.rejected > 0) context.exit_status = ExitCode::findings;
}

}  // namespace

void add_itglue_import_command(CLI::App& import_command, Context& context) {
    auto options = std::make_shared<ItGlueOptions>();
    auto* itglue = import_command.add_subcommand(
        "itglue", tr("Import an IT Glue export folder: organizations become clients, and their records documents, "
                     "with one commit per client"));
    itglue->add_option("PATH", options->path, tr("The export folder, which contains organizations.csv"))
        ->type_name(directory_value)
        ->required();
    itglue->add_flag("--dry-run", options->dry_run,
                     tr("Print what would be created, updated or left alone, and write nothing"));
    itglue->add_option("--report", options->report,
                       tr("Write a JSON report of every client, record and loss to FILE"))
        ->option_text("FILE");
    itglue->callback([&context, options] { run_import_itglue(context, *options); });
}

}  // namespace dossier::cli
