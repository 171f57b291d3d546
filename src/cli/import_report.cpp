// The output of `import itglue` and `import hudu`: their report JSON, their dry-run plan and
// summary on standard output, and their problems on standard error.
#include "import_report.hpp"

#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "dossier/i18n.hpp"
#include "output.hpp"

namespace dossier::cli {
namespace {

using nlohmann::ordered_json;

const char* outcome_name(RecordOutcome outcome) {
    switch (outcome) {
        case RecordOutcome::created: return "created";
        case RecordOutcome::updated: return "updated";
        case RecordOutcome::unchanged: return "unchanged";
        case RecordOutcome::rejected: return "rejected";
    }
    return "";
}

const char* client_outcome_name(PlatformClientOutcome outcome) {
    switch (outcome) {
        case PlatformClientOutcome::created: return "created";
        case PlatformClientOutcome::found: return "found";
        case PlatformClientOutcome::to_create: return "to_create";
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

ordered_json record_json(const PlatformRecord& record) {
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

ordered_json clients_json(const PlatformImportSummary& summary) {
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
    return clients;
}

std::string client_heading(const PlatformClient& client) {
    std::string line;
    switch (client.outcome) {
        case PlatformClientOutcome::created:
            line = fmt::format(fmt::runtime(tr("{}: new client {}")), client.slug, client.name);
            break;
        case PlatformClientOutcome::found:
            line = fmt::format(fmt::runtime(tr("{}: client {}")), client.slug, client.name);
            break;
        case PlatformClientOutcome::to_create:
            line = fmt::format(fmt::runtime(tr("{}: client to create: {}")), client.slug, client.name);
            break;
    }
    if (client.commit) line += fmt::format(fmt::runtime(tr(" (commit {})")), client.commit->substr(0, 8));
    return line + "\n";
}

std::string counts_lines(const PlatformImportSummary& summary, const std::string& client) {
    std::string text;
    for (const auto& counts : summary.counts) {
        if (counts.client != client) continue;
        text += "  " + fmt::format(fmt::runtime(tr("{}: {} created, {} updated, {} unchanged, {} rejected")),
                                   counts.kind, counts.created, counts.updated, counts.unchanged, counts.rejected) +
                "\n";
    }
    return text;
}

}  // namespace

ordered_json platform_report_json(const PlatformImportSummary& summary, const std::string& kind,
                                  const std::string& path, bool dry_run) {
    ordered_json report;
    report["format"] = 1;
    report["source"] = {{"kind", kind}, {"path", path}};
    report["dry_run"] = dry_run;
    report["written"] = summary.written;
    report["summary"] = {{"records", summary.records.size()},
                         {"rejected", summary.rejected},
                         {"losses", summary.losses.size()}};
    report["clients"] = clients_json(summary);

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

void print_platform_plan(const PlatformImportSummary& summary) {
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

void print_platform_summary(const PlatformImportSummary& summary, bool dry_run) {
    std::string text;
    if (!summary.types_created.empty()) {
        const auto names = fmt::format("{}", fmt::join(summary.types_created, ", "));
        text += dry_run ? fmt::format(fmt::runtime(tr("workspace types to create: {}")), names)
                        : fmt::format(fmt::runtime(tr("workspace types created: {}")), names);
        if (summary.types_commit) text += fmt::format(fmt::runtime(tr(" (commit {})")), summary.types_commit->substr(0, 8));
        text += "\n";
    }
    for (const auto& client : summary.clients) text += client_heading(client) + counts_lines(summary, client.slug);

    // Clients that records name without an organization or company of the export's list.
    std::vector<std::string> others;
    for (const auto& counts : summary.counts) {
        if (counts.client.empty() || std::find(others.begin(), others.end(), counts.client) != others.end()) continue;
        if (std::any_of(summary.clients.begin(), summary.clients.end(),
                        [&](const PlatformClient& client) { return client.slug == counts.client; })) {
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

void print_platform_problems(const PlatformImportSummary& summary,
                             const std::function<std::filesystem::path(const std::string& file)>& display_path,
                             const std::filesystem::path& source) {
    for (const auto& record : summary.records) {
        if (record.result.outcome != RecordOutcome::rejected) continue;
        std::cerr << fmt::format(fmt::runtime(tr("{}:{}: rejected: {}")), display_path(record.file).string(),
                                 record.result.line, record.result.reason)
                  << '\n';
    }
    for (const auto& loss : summary.losses) {
        auto where = loss.file.empty() ? source.string() : display_path(loss.file).string();
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

}  // namespace dossier::cli
