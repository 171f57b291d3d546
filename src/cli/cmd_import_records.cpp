// `dossier import csv` and `dossier import json`: one document per record, created or updated
// by its natural key. The engine is in src/importers/record_import.cpp.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "context.hpp"
#include "credential_file.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/record_import.hpp"
#include "importers/record_source.hpp"
#include "output.hpp"

namespace dossier::cli {
namespace {

struct RecordImportOptions {
    std::string kind;  // "csv" or "json"
    std::string file;
    std::string type;
    std::string client;
    std::string client_column;
    std::vector<std::string> mappings;
    std::string key;
    std::string date_order = "dmy";
    std::string encoding;
    std::string delimiter;
    std::string records;
    std::string report;
    bool dry_run = false;
    bool strict = false;
};

FieldMapping parse_field_mapping(const std::string& text) {
    // The column may itself hold '=', so the field is what follows the last one.
    const auto equals = text.rfind('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == text.size()) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid --map: {}")), text),
                    tr("write COLUMN=FIELD, such as \"Serial Number=serial_number\", or COLUMN=- to leave a column out"));
    }
    return {text.substr(0, equals), text.substr(equals + 1)};
}

DateOrder parse_date_order(const std::string& text) {
    if (text == "dmy") return DateOrder::day_month_year;
    if (text == "mdy") return DateOrder::month_day_year;
    return DateOrder::year_month_day;
}

std::optional<char> parse_delimiter(const std::string& text) {
    if (text.empty()) return std::nullopt;
    if (text == "tab" || text == "\\t" || text == "\t") return '\t';
    if (text == "," || text == ";" || text == "|") return text.front();
    throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid --delimiter: {}")), text),
                tr("give one of , ; | or tab"));
}

const char* outcome_name(RecordOutcome outcome) {
    switch (outcome) {
        case RecordOutcome::created: return "created";
        case RecordOutcome::updated: return "updated";
        case RecordOutcome::unchanged: return "unchanged";
        case RecordOutcome::rejected: return "rejected";
    }
    return "";
}

std::string reference_text(const RecordResult& result) {
    auto path = result.path.ends_with(".md") ? result.path.substr(0, result.path.size() - 3) : result.path;
    return result.client + "/" + path;
}

nlohmann::ordered_json result_json(const RecordResult& result) {
    nlohmann::ordered_json row;
    row["number"] = result.number;
    row["line"] = result.line;
    row["outcome"] = outcome_name(result.outcome);
    row["client"] = result.client.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(result.client);
    row["document"] = result.path.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(reference_text(result));
    row["key"] = result.key;
    if (result.outcome == RecordOutcome::updated) row["changed"] = result.changed_fields;
    if (result.outcome == RecordOutcome::rejected) row["reason"] = result.reason;
    auto notes = nlohmann::ordered_json::array();
    for (const auto& note : result.notes) {
        notes.push_back({{"column", note.column},
                         {"field", note.field.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(note.field)},
                         {"read", note.read},
                         {"written", note.written},
                         {"how", note.how}});
    }
    row["values"] = std::move(notes);
    return row;
}

// The --report file: the records as they are checked go to a temporary file, one JSON object
// per line, and finish() writes the whole report in place of FILE.
class ReportWriter {
public:
    explicit ReportWriter(const std::string& path) : path_(path) {
        if (path_.empty()) return;
        auto folder = std::filesystem::absolute(path_).parent_path();
        rows_path_ = (folder / ("." + std::filesystem::path(path_).filename().string() + ".rows-XXXXXX")).string();
        const int fd = ::mkstemp(rows_path_.data());
        if (fd < 0) {
            throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot write the report {}: {}")), path_,
                                                   std::strerror(errno)),
                        tr("choose a folder you can write to for --report"));
        }
        ::close(fd);
        rows_.open(rows_path_, std::ios::trunc);
    }
    ~ReportWriter() {
        if (!rows_path_.empty()) std::remove(rows_path_.c_str());
    }
    ReportWriter(const ReportWriter&) = delete;
    ReportWriter& operator=(const ReportWriter&) = delete;

    void add(const RecordResult& result) {
        if (path_.empty()) return;
        rows_ << result_json(result).dump() << '\n';
    }

    void finish(nlohmann::ordered_json head) {
        if (path_.empty()) return;
        rows_.close();
        std::ifstream rows(rows_path_);
        std::string text = head.dump(2);
        text.pop_back();  // the closing brace: the records follow
        while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
        text += ",\n  \"records\": [";
        std::string line;
        bool first = true;
        while (std::getline(rows, line)) {
            text += first ? "\n    " : ",\n    ";
            text += line;
            first = false;
        }
        text += first ? "]\n}\n" : "\n  ]\n}\n";
        write_file_atomically(path_, text);
    }

private:
    std::string path_;
    std::string rows_path_;
    std::ofstream rows_;
};

void print_plan_line(const RecordResult& result) {
    std::string line;
    switch (result.outcome) {
        case RecordOutcome::created:
            line = fmt::format(fmt::runtime(tr("create    {} (line {})")), reference_text(result), result.line);
            break;
        case RecordOutcome::updated:
            line = fmt::format(fmt::runtime(tr("update    {} (line {}): {}")), reference_text(result), result.line,
                               fmt::join(result.changed_fields, ", "));
            break;
        case RecordOutcome::unchanged:
            line = fmt::format(fmt::runtime(tr("unchanged {} (line {})")), reference_text(result), result.line);
            break;
        case RecordOutcome::rejected:
            return;  // on standard error, as in a real import
    }
    print_data(line + "\n");
}

void run_import_records(Context& context, const RecordImportOptions& options) {
    const auto& workspace = context.workspace();
    const auto& type = context.type(options.type);
    if (!options.client.empty()) context.client(options.client);  // "did you mean" for a typo

    RecordImportRequest request;
    request.source_kind = options.kind;
    request.source_name = std::filesystem::path(options.file).filename().string();
    request.type = &type;
    if (!options.client.empty()) request.client = options.client;
    if (!options.client_column.empty()) request.client_column = options.client_column;
    for (const auto& mapping : options.mappings) request.mappings.push_back(parse_field_mapping(mapping));
    request.key_field = options.key.empty() ? default_import_key(type) : options.key;
    request.date_order = parse_date_order(options.date_order);
    request.dry_run = options.dry_run;
    request.strict = options.strict;
    request.require_mapped_columns = true;
    request.today = context.today();
    request.language = workspace.language().empty() ? current_language() : workspace.language();
    std::optional<Technician> technician;
    try {
        technician = context.technician(nullptr);
    } catch (const Error&) {
    }
    if (technician) {
        request.owner = technician->id;
        request.owner_name = technician->name;
    }
    request.identities = [&context]() -> const std::vector<age::Identity>& { return context.identities(); };
    request.recipients = [&context](const Client& client, const std::string& path) {
        return credential_recipients(context, Reference{client, path});
    };
    request.author = [&context](git::Repository& repository) { return context.author(&repository); };

    ReportWriter report(options.report);
    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    bool progress_shown = false;
    request.on_progress = [&](int pass, std::size_t records) {
        if (!terminal || records < 1000) return;
        progress_shown = true;
        std::cerr << "\rdossier: "
                  << fmt::format(fmt::runtime(pass == 1 ? tr("checking {} records") : tr("writing {} records")), records)
                  << std::flush;
    };
    const auto end_progress = [&] {
        if (progress_shown) std::cerr << "\r\033[K" << std::flush;
        progress_shown = false;
    };
    request.on_record = [&](const RecordResult& result) {
        report.add(result);
        if (result.outcome == RecordOutcome::rejected) {
            end_progress();
            std::cerr << fmt::format(fmt::runtime(tr("{}:{}: rejected: {}")), options.file, result.line, result.reason)
                      << '\n';
        } else if (options.dry_run) {
            end_progress();
            print_plan_line(result);
        }
    };

    importers::CsvDialect dialect;
    std::unique_ptr<importers::RecordSource> source;
    if (options.kind == "csv") {
        importers::CsvOptions csv;
        if (!options.encoding.empty()) csv.encoding = options.encoding;
        csv.delimiter = parse_delimiter(options.delimiter);
        source = importers::open_csv(options.file, csv, &dialect);
    } else {
        source = importers::open_json(options.file, importers::JsonOptions{options.records});
    }

    auto summary = import_records(workspace, *source, request);
    end_progress();

    nlohmann::ordered_json head;
    head["format"] = 1;
    head["source"] = {{"kind", options.kind}, {"file", options.file}};
    if (options.kind == "csv") {
        head["source"]["encoding"] = dialect.encoding;
        head["source"]["delimiter"] = std::string(1, dialect.delimiter);
    }
    head["type"] = type.name();
    head["key"] = request.key_field;
    head["dry_run"] = options.dry_run;
    head["written"] = summary.written;
    head["summary"] = {{"records", summary.records}, {"rejected", summary.rejected}};
    auto clients = nlohmann::ordered_json::array();
    for (const auto& client : summary.clients) {
        clients.push_back({{"client", client.client},
                           {"created", client.created},
                           {"updated", client.updated},
                           {"unchanged", client.unchanged},
                           {"rejected", client.rejected},
                           {"commit", client.commit ? nlohmann::ordered_json(*client.commit) : nlohmann::ordered_json()}});
    }
    head["clients"] = std::move(clients);
    report.finish(std::move(head));

    if (summary.records == 0) {
        print_notice(fmt::format(fmt::runtime(tr("no records in {}: nothing to import")), options.file));
        return;
    }
    if (!options.dry_run && !summary.written) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(trn("{} record was rejected, so nothing was imported (--strict)",
                                                 "{} records were rejected, so nothing was imported (--strict)",
                                                 summary.rejected)),
                                summary.rejected),
                    tr("correct the records listed above, or import without --strict to skip them"));
    }
    std::size_t rejected_with_client = 0;
    for (const auto& client : summary.clients) {
        rejected_with_client += client.rejected;
        std::string line = fmt::format(fmt::runtime(tr("{}: {} created, {} updated, {} unchanged, {} rejected")),
                                       client.client, client.created, client.updated, client.unchanged,
                                       client.rejected);
        if (client.commit) line += fmt::format(fmt::runtime(tr(" (commit {})")), client.commit->substr(0, 8));
        print_data(line + "\n");
    }
    if (summary.rejected > rejected_with_client) {
        print_data(fmt::format(fmt::runtime(trn("{} record names no known client", "{} records name no known client",
                                                summary.rejected - rejected_with_client)),
                               summary.rejected - rejected_with_client) +
                   "\n");
    }
    if (options.dry_run) print_notice(tr("dry run: nothing was written"));
    if (summary.rejected > 0) context.exit_status = ExitCode::findings;
}

void add_common_options(CLI::App& command, RecordImportOptions& options) {
    command.add_option("--type", options.type, tr("The type of the documents, such as asset"))
        ->type_name(type_value)
        ->required();
    auto* client = command.add_option("--client", options.client, tr("The client that receives every record"))
                       ->type_name(client_value);
    auto* column = command.add_option("--client-column", options.client_column,
                                      tr("The column that names each record's client, by slug or name"))
                       ->option_text("COLUMN");
    client->excludes(column);
    command.add_option("--map", options.mappings,
                       tr("Fill FIELD from COLUMN; FIELD - leaves the column out and secret.NAME puts it in a "
                          "credential's encrypted block (repeat for several columns)"))
        ->option_text("COLUMN=FIELD")
        ->allow_extra_args(false);
    command.add_option("--key", options.key,
                       tr("The field that finds the document to update (default: the type's, such as hostname "
                          "for assets)"))
        ->option_text("FIELD");
    command.add_option("--date-order", options.date_order,
                       tr("How to read dates such as 03/12/2024: dmy (default), mdy or ymd"))
        ->check(CLI::IsMember({"dmy", "mdy", "ymd"}));
    command.add_flag("--dry-run", options.dry_run,
                     tr("Print what would be created, updated or left alone, and write nothing"));
    command.add_flag("--strict", options.strict, tr("Import nothing when a record is rejected"));
    command.add_option("--report", options.report,
                       tr("Write a JSON report of every record and every value changed on the way to FILE"))
        ->option_text("FILE");
}

}  // namespace

void add_record_import_commands(CLI::App& import_command, Context& context) {
    auto csv_options = std::make_shared<RecordImportOptions>();
    csv_options->kind = "csv";
    auto* csv = import_command.add_subcommand(
        "csv", tr("Create or update one document per row of a CSV file, with one commit per client"));
    csv->add_option("FILE", csv_options->file, tr("The CSV file"))->type_name(path_value)->required();
    add_common_options(*csv, *csv_options);
    csv->add_option("--encoding", csv_options->encoding,
                    tr("The file's encoding: utf-8, utf-16 or windows-1252 (default: detected)"))
        ->option_text("ENCODING");
    csv->add_option("--delimiter", csv_options->delimiter,
                    tr("The field separator: , ; | or tab (default: detected)"))
        ->option_text("CHAR");
    csv->callback([&context, csv_options] { run_import_records(context, *csv_options); });

    auto json_options = std::make_shared<RecordImportOptions>();
    json_options->kind = "json";
    auto* json = import_command.add_subcommand(
        "json", tr("Create or update one document per record of a JSON or JSON Lines file, with one commit per client"));
    json->add_option("FILE", json_options->file, tr("The JSON file: an array of records, or one record per line"))
        ->type_name(path_value)
        ->required();
    add_common_options(*json, *json_options);
    json->add_option("--records", json_options->records,
                     tr("A JSON pointer to the array of records inside the file, such as /data"))
        ->option_text("POINTER");
    json->callback([&context, json_options] { run_import_records(context, *json_options); });
}

}  // namespace dossier::cli
