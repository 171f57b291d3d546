#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "context.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/change.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/terminal_renderer.hpp"
#include "output.hpp"

namespace dossier::cli {
namespace {

struct LogOptions {
    std::string reference;
    std::string client;
    std::size_t limit = 0;
    bool json = false;
};

struct ClientLogEntry {
    std::string client;
    git::LogEntry entry;
};

// Formats a commit time in the author's own offset, as ISO 8601 ("2026-11-02T14:03:00+01:00").
std::string format_time(const git::LogEntry& entry) {
    std::time_t shifted = static_cast<std::time_t>(entry.time + entry.offset_minutes * 60);
    std::tm parts{};
    gmtime_r(&shifted, &parts);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &parts);
    int offset = std::abs(entry.offset_minutes);
    return fmt::format("{}{}{:02}:{:02}", buffer, entry.offset_minutes < 0 ? '-' : '+', offset / 60, offset % 60);
}

std::vector<ClientLogEntry> collect_log(Context& context, const LogOptions& options) {
    std::vector<ClientLogEntry> entries;
    auto add_client = [&](const Client& client, const std::string& path) {
        auto repository = git::Repository::open(client.directory);
        for (auto& entry : repository.log(path, options.limit)) entries.push_back({client.slug, std::move(entry)});
    };

    if (!options.reference.empty()) {
        auto reference = context.reference(options.reference, false);
        add_client(reference.client, reference.path);
    } else if (!options.client.empty()) {
        add_client(context.client(options.client), "");
    } else {
        for (const auto& client : context.workspace().clients()) add_client(client, "");
    }

    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return a.entry.time > b.entry.time; });
    if (options.limit > 0 && entries.size() > options.limit) entries.resize(options.limit);
    return entries;
}

void run_log(Context& context, const LogOptions& options) {
    auto entries = collect_log(context, options);
    if (options.json) {
        auto array = nlohmann::ordered_json::array();
        for (const auto& [client, entry] : entries) {
            array.push_back({{"client", client},
                             {"commit", entry.commit},
                             {"author", entry.author_name},
                             {"email", entry.author_email},
                             {"date", format_time(entry)},
                             {"summary", entry.summary},
                             {"message", entry.message},
                             {"paths", entry.paths}});
        }
        print_json(array);
        return;
    }

    bool color = context.color_stdout();
    std::size_t client_width = 0;
    for (const auto& logged : entries) client_width = std::max(client_width, logged.client.size());
    std::string text;
    for (const auto& [client, entry] : entries) {
        text += fmt::format("{}  {}  {:<{}}  {}  {}\n", styled(entry.short_commit, "33", color),
                            format_time(entry).substr(0, 16).replace(10, 1, " "), client, client_width,
                            terminal_safe_line(entry.author_name), terminal_safe_line(entry.summary));
    }
    page(text, context.stdout_is_terminal());
}

struct DiffOptions {
    std::string reference;
    std::vector<std::string> revisions;
};

std::string colorize_diff(const std::string& diff) {
    std::string out;
    std::size_t offset = 0;
    while (offset < diff.size()) {
        auto end = diff.find('\n', offset);
        std::size_t next = end == std::string::npos ? diff.size() : end + 1;
        std::string line = diff.substr(offset, next - offset - (end == std::string::npos ? 0 : 1));
        offset = next;
        const char* sgr = line.starts_with("+++") || line.starts_with("---") ? "1"
                          : line.starts_with('+')                            ? "32"
                          : line.starts_with('-')                            ? "31"
                          : line.starts_with("@@")                           ? "36"
                                                                             : nullptr;
        out += (sgr != nullptr ? styled(line, sgr, true) : line) + "\n";
    }
    return out;
}

void run_diff(Context& context, const DiffOptions& options) {
    if (options.revisions.size() > 2) {
        throw Error(ErrorKind::usage, tr("too many revisions: give at most two"),
                    tr("give REF, REF REV or REF REV1 REV2"));
    }
    auto reference = context.reference(options.reference, options.revisions.size() < 2);
    auto repository = git::Repository::open(reference.client.directory);

    std::optional<std::string> from;
    std::optional<std::string> to;
    if (!options.revisions.empty()) from = repository.resolve(options.revisions[0]);
    if (options.revisions.size() == 2) to = repository.resolve(options.revisions[1]);

    auto diff = repository.diff(reference.path, from, to);
    if (diff.empty()) {
        print_notice(fmt::format(fmt::runtime(tr("no differences for {}")), reference.to_string()));
        return;
    }
    page(context.color_stdout() ? colorize_diff(diff) : diff, context.stdout_is_terminal());
}

struct RestoreOptions {
    std::string reference;
    std::string revision;
};

void run_restore(Context& context, const RestoreOptions& options) {
    auto reference = context.reference(options.reference, false);
    auto repository = git::Repository::open(reference.client.directory);
    Change change(repository);
    auto commit = repository.resolve(options.revision);
    auto bytes = repository.read_at(commit, reference.path);
    if (!bytes) {
        throw Error(ErrorKind::not_found,
                    fmt::format(fmt::runtime(tr("{} does not exist in revision {}")), reference.to_string(),
                                options.revision),
                    fmt::format(fmt::runtime(tr("run \"dossier log {}\" to see its revisions")), reference.to_string()));
    }

    // Restoring over uncommitted edits would lose them: history does not hold them.
    if (repository.is_modified(reference.path)) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("{} has uncommitted changes: restoring it would lose them")),
                                reference.to_string()),
                    fmt::format(fmt::runtime(tr("commit them first (git -C {} commit), or undo them with git checkout")),
                                reference.client.directory.string()));
    }

    auto author = context.author(&repository);
    auto path_without_extension = reference.path.substr(0, reference.path.size() - 3);
    change.write(reference.path, *bytes);
    auto restored = change.commit(fmt::format("restore {} from {}", path_without_extension, commit.substr(0, 8)), author);
    if (!restored) {
        print_notice(fmt::format(fmt::runtime(tr("{} is already as in {}: nothing changed")), reference.to_string(),
                                 options.revision));
        return;
    }
    print_notice(fmt::format(fmt::runtime(tr("restored {} as in {} (commit {})")), reference.to_string(), commit.substr(0, 8),
                             restored->substr(0, 8)));
}

}  // namespace

void add_log_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<LogOptions>();
    auto* command = app.add_subcommand("log", tr("Show the history of a document, a client or every client"));
    command->add_option("REF", options->reference, tr("Only the commits that changed this document"))
        ->type_name(reference_value);
    command->add_option("--client", options->client, tr("Only the commits of this client (its slug)"))
        ->type_name(client_value);
    command->add_option("-n,--limit", options->limit, tr("Show at most N commits (0: all)"))
        ->option_text("N")
        ->check(CLI::NonNegativeNumber);
    command->add_flag("--json", options->json, tr("Print a JSON array (see docs/en/json-output.md)"));
    command->callback([&context, options] { run_log(context, *options); });
}

void add_diff_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<DiffOptions>();
    auto* command = app.add_subcommand("diff", tr("Show the changes of a document between revisions"));
    command->add_option("REF", options->reference, tr("The document"))->type_name(reference_value)->required();
    command->add_option("REV", options->revisions,
                        tr("No revision: last commit to the working tree; one: REV to the working tree; two: REV1 to REV2"));
    command->callback([&context, options] { run_diff(context, *options); });
}

void add_restore_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<RestoreOptions>();
    auto* command = app.add_subcommand("restore", tr("Bring back a document as it was in a revision, as a new commit"));
    command->add_option("REF", options->reference, tr("The document"))->type_name(reference_value)->required();
    command->add_option("--to", options->revision, tr("The revision to restore from (a commit, HEAD~2)"))->required();
    command->callback([&context, options] { run_restore(context, *options); });
}

}  // namespace dossier::cli
