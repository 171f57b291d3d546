// dossier sync fetches, merges and pushes every client repository and the workspace repository.
// dossier resolve finishes a merge that sync left in conflict, one document at a time.
#include <git2.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <optional>

#include <fmt/format.h>

#include "conflict_resolver.hpp"
#include "context.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/change.hpp"
#include "dossier/credential.hpp"
#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/git_sync.hpp"
#include "dossier/i18n.hpp"
#include "dossier/workspace_remotes.hpp"
#include "editor.hpp"
#include "output.hpp"
#include "repository_jobs.hpp"

namespace fs = std::filesystem;

namespace dossier::cli {
namespace {

struct SyncCommandOptions {
    std::string client;
    int jobs = 0;
    bool json = false;
};

// Gives each client without a remote the URL that `remote:` of dossier.yaml makes for it.
void apply_remote_pattern(const std::vector<Client>& clients, const WorkspaceRemotes& remotes) {
    for (const auto& client : clients) {
        auto repository = git::Repository::open(client.directory);
        if (git::remote_url(repository)) continue;
        if (auto url = remotes.url_for(client.slug)) {
            git::set_remote_url(repository, *url);
            print_notice(fmt::format(fmt::runtime(tr("client {}: remote set to {}")), client.slug, *url));
        }
    }
}

// Adds to `clients:` of dossier.yaml the local clients that have a remote but are not listed
// yet, and commits it, so that `dossier clone` of the workspace finds them. Returns true when
// it made a commit.
bool list_new_clients(Context& context, const Workspace& workspace, const WorkspaceRemotes& remotes,
                      const std::vector<Client>& clients, git::Repository& workspace_repository) {
    std::vector<ListedClient> listed = remotes.clients;
    std::vector<std::string> added;
    for (const auto& client : clients) {
        if (remotes.find(client.slug) != nullptr) continue;
        auto repository = git::Repository::open(client.directory);
        auto url = git::remote_url(repository);
        if (!url) continue;
        bool from_pattern = remotes.url_for(client.slug) == url;
        listed.push_back({client.slug, from_pattern ? std::string() : *url});
        added.push_back(client.slug);
    }
    if (added.empty()) return false;
    if (workspace_repository.is_modified("dossier.yaml")) {
        print_notice(tr("dossier.yaml has changes not committed: the clients it does not list yet were not added to "
                        "it, so dossier clone will not find them"));
        return false;
    }

    std::string text = read_file(workspace.settings_path());
    Change change(workspace_repository);
    change.write("dossier.yaml", with_listed_clients(text, listed));
    std::string names;
    for (const auto& slug : added) names += (names.empty() ? "" : ", ") + slug;
    return change.commit("List clients for dossier clone: " + names, context.author(&workspace_repository)).has_value();
}

// Returns the resolver that sync offers each conflicting file of `client`: a merge of the
// documents, and of a credential's secret fields when the technician can read them. Calls go
// through `serial` one at a time, because loading the identity may ask for its passphrase.
git::ConflictResolver resolver_for(Context& context, const Client& client, std::mutex& serial) {
    auto resolver = std::make_shared<ConflictResolver>(context, client);
    return [resolver, &serial](const std::string& path, const std::optional<std::string>& base,
                               const std::string& ours, const std::string& theirs, std::string& reason) {
        std::lock_guard lock(serial);
        try {
            return resolver->resolve(path, base, ours, theirs, reason);
        } catch (const Error& error) {
            reason = error.what();
            return std::optional<std::string>();
        }
    };
}

void run_sync(Context& context, const SyncCommandOptions& options) {
    const Workspace& workspace = context.workspace();
    std::vector<Client> clients;
    if (options.client.empty()) {
        clients = workspace.clients();
    } else {
        clients.push_back(context.client(options.client));
    }

    git::SyncOptions base_options;
    base_options.author = context.author(nullptr);
    git::SyncOptions workspace_options = base_options;
    workspace_options.abort_on_conflict = true;
    std::vector<RepositoryOutcome> outcomes;
    bool interrupted = false;

    // The workspace repository goes first, so that a teammate's fix of dossier.yaml arrives
    // before the clients' remotes are read from it.
    bool whole = options.client.empty() && git::Repository::exists(workspace.root());
    std::optional<git::Repository> workspace_repository;
    if (whole) {
        workspace_repository.emplace(git::Repository::open(workspace.root()));
        outcomes.push_back({"workspace", git::sync(*workspace_repository, workspace_options)});
    }

    WorkspaceRemotes remotes;
    bool remotes_read = true;
    try {
        remotes = WorkspaceRemotes::read(Workspace::open(workspace.root()));
    } catch (const Error& error) {
        if (!whole) throw;
        remotes_read = false;
        // The clients with a remote of their own still sync.
        auto& result = outcomes.front().result;
        result.state = git::SyncState::failed;
        result.error = error.location() ? fmt::format("{}:{}: {}", error.location()->path.filename().string(),
                                                      error.location()->line, error.what())
                                        : std::string(error.what());
        result.hint = error.hint();
    }
    apply_remote_pattern(clients, remotes);

    if (whole && remotes_read && list_new_clients(context, workspace, remotes, clients, *workspace_repository)) {
        auto again = git::sync(*workspace_repository, workspace_options);
        auto& result = outcomes.front().result;
        if (again.state == git::SyncState::failed || again.state == git::SyncState::conflict) {
            result = again;
        } else if (result.state != git::SyncState::failed) {
            result.pulled += again.pulled;
            result.pushed += again.pushed;
            result.state = git::SyncState::changed;
        }
    }

    if (whole && remotes_read) {
        // Clients that a teammate listed are cloned, now that the workspace repository brought the list.
        std::vector<std::pair<std::string, std::string>> missing;  // slug, URL
        for (const auto& client : remotes.clients) {
            if (git::Repository::exists(workspace.clients_dir() / client.slug)) continue;
            if (auto url = remotes.url_for(client.slug)) missing.emplace_back(client.slug, *url);
        }
        std::vector<std::string> names;
        for (const auto& [slug, url] : missing) names.push_back(slug);
        std::vector<RepositoryOutcome> cloned = pending_outcomes(names, true);
        interrupted = run_repository_jobs(missing.size(), job_count(options.jobs), N_("cloning {}/{} repositories"),
                                          [&](std::size_t i) {
            cloned[i].result = clone_result(missing[i].second, workspace.clients_dir() / missing[i].first);
        });
        outcomes.insert(outcomes.end(), cloned.begin(), cloned.end());
    }

    std::mutex serial;
    std::vector<std::string> names;
    for (const auto& client : clients) names.push_back(client.slug);
    std::vector<RepositoryOutcome> synced = pending_outcomes(names, false);
    auto sync_one = [&](std::size_t i) {
        try {
            auto repository = git::Repository::open(clients[i].directory);
            git::SyncOptions sync_options = base_options;
            sync_options.resolve = resolver_for(context, clients[i], serial);
            synced[i].result = git::sync(repository, sync_options);
        } catch (const Error& error) {
            synced[i].result = failed_result(error);
        }
    };
    if (!interrupted) {
        interrupted = run_repository_jobs(clients.size(), job_count(options.jobs), N_("syncing {}/{} repositories"),
                                          sync_one);
    }
    outcomes.insert(outcomes.end(), synced.begin(), synced.end());

    bool succeeded = true;
    if (options.json) {
        print_json(outcomes_json(outcomes));
        for (const auto& outcome : outcomes) {
            succeeded = succeeded && (outcome.result.state == git::SyncState::up_to_date ||
                                      outcome.result.state == git::SyncState::changed);
        }
    } else {
        succeeded = print_outcomes(outcomes, context.color_stdout());
    }

    // The search index reads the merged files now rather than at the next search.
    bool changed = std::any_of(outcomes.begin(), outcomes.end(),
                               [](const auto& outcome) { return outcome.result.state != git::SyncState::up_to_date; });
    if (changed && fs::exists(workspace.root() / ".dossier" / "index.sqlite")) context.search_index();

    if (!succeeded) context.exit_status = ExitCode::failure;
    if (interrupted) context.exit_status = ExitCode::interrupted;
}

struct ResolveOptions {
    std::string reference;
    bool ours = false;
    bool theirs = false;
    bool edit = false;
};

bool has_conflict_markers(std::string_view text) {
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (line.starts_with("<<<<<<< ") || line.starts_with(">>>>>>> ") || line == "=======" || line == "=======\r") {
            return true;
        }
        start = end + 1;
    }
    return false;
}

bool is_credential(const git::ConflictEntry& entry) {
    for (const auto* version : {&entry.base, &entry.ours, &entry.theirs}) {
        if (*version && version->value().find("-----BEGIN AGE ENCRYPTED FILE-----") != std::string::npos) return true;
    }
    return false;
}

// Lets the user edit the file with its conflict markers, then returns its content once no
// marker is left and it reads as a document. The file stays as edited when it does not.
std::string edited_version(const Reference& reference, const git::ConflictEntry& entry) {
    if (is_credential(entry)) {
        throw Error(ErrorKind::usage,
                    fmt::format(fmt::runtime(tr("{} is a credential: its encrypted block cannot be merged in an "
                                                "editor")),
                                reference.to_string()),
                    tr("keep one version with --ours or --theirs, then change the secret with dossier secret edit"));
    }
    fs::path file = reference.file();
    if (!fs::exists(file)) {
        // Deleted on one side: the editor starts from the version that still exists.
        write_file_atomically(file, entry.ours.value_or(entry.theirs.value_or(std::string())));
    }
    std::string editor = editor_command();
    if (int status = run_editor(editor, file); status != 0) {
        throw Error(ErrorKind::io,
                    fmt::format(fmt::runtime(tr("the editor {} exited with status {}: {} stays in conflict")), editor,
                                status, reference.to_string()),
                    tr("run dossier resolve again when the editor works"));
    }
    std::string content = read_file(file);
    if (has_conflict_markers(content)) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("conflict markers are left in {}")), file.string()),
                    tr("remove the lines <<<<<<<, ======= and >>>>>>> with the text you do not keep, then run dossier "
                       "resolve again; your edits are kept in the file"));
    }
    (void)Document::parse(content, reference.to_string());
    return content;
}

void run_resolve(Context& context, const ResolveOptions& options) {
    if (int(options.ours) + int(options.theirs) + int(options.edit) != 1) {
        throw Error(ErrorKind::usage, tr("choose one of --ours, --theirs and --edit"),
                    tr("--ours keeps your version, --theirs the remote's, --edit opens the file with both"));
    }
    Reference reference = context.reference(options.reference, false);
    auto repository = git::Repository::open(reference.client.directory);
    if (!git::merge_in_progress(repository)) {
        throw Error(ErrorKind::not_found,
                    fmt::format(fmt::runtime(tr("client {} has no merge in progress: nothing to resolve")),
                                reference.client.slug),
                    tr("dossier sync lists the documents in conflict when a merge needs you"));
    }
    auto conflicts = git::index_conflicts(repository);
    auto entry = std::find_if(conflicts.begin(), conflicts.end(),
                              [&](const auto& conflict) { return conflict.path == reference.path; });
    if (entry == conflicts.end()) {
        std::string listed;
        for (const auto& conflict : conflicts) listed += "\n  " + reference.client.slug + "/" + conflict.path;
        throw Error(ErrorKind::not_found,
                    fmt::format(fmt::runtime(tr("{} is not in conflict")), reference.to_string()),
                    conflicts.empty() ? tr("every conflict is resolved: run dossier sync to finish the merge")
                                      : tr("the documents in conflict are:") + listed);
    }

    WriteLock lock(fs::path(git_repository_path(repository.raw())), write_lock_timeout());
    std::optional<std::string> chosen;
    if (options.ours) chosen = entry->ours;
    if (options.theirs) chosen = entry->theirs;
    if (options.edit) chosen = edited_version(reference, *entry);
    git::resolve_conflict(repository, reference.path, chosen);
    if (!options.edit) {
        print_notice(fmt::format(
            fmt::runtime(options.ours ? tr("kept your whole version of {}: the remote's changes to it are not in it")
                                      : tr("kept the remote's whole version of {}: your changes to it are not in it")),
            reference.to_string()));
    }

    std::size_t left = conflicts.size() - 1;
    print_notice(fmt::format(fmt::runtime(tr("resolved {}")), reference.to_string()));
    if (left == 0) {
        print_notice(fmt::format(fmt::runtime(tr("every conflict of client {} is resolved: run dossier sync to commit "
                                                 "the merge and push it")),
                                 reference.client.slug));
    } else {
        print_notice(fmt::format(fmt::runtime(trn("{} document is still in conflict", "{} documents are still in conflict",
                                                  left)),
                                 left));
    }
}

}  // namespace

void add_sync_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<SyncCommandOptions>();
    auto* command = app.add_subcommand(
        "sync", tr("Fetch, merge and push every client repository and the workspace repository"));
    command->add_option("--client", options->client, tr("Sync only this client"))->type_name(client_value);
    command->add_option("--jobs,-j", options->jobs, tr("Repositories synced at once (default: 8)"))
        ->type_name("N")
        ->check(CLI::Range(1, 64).description(""));
    command->add_flag("--json", options->json, tr("Print a JSON array, one object per repository"));
    command->callback([&context, options] { run_sync(context, *options); });

    auto resolve = std::make_shared<ResolveOptions>();
    auto* resolve_command =
        app.add_subcommand("resolve", tr("Choose the version of a document that a merge left in conflict"));
    resolve_command->add_option("REF", resolve->reference, tr("The document in conflict"))
        ->required()
        ->type_name(reference_value);
    resolve_command->add_flag("--ours", resolve->ours, tr("Keep your version"));
    resolve_command->add_flag("--theirs", resolve->theirs, tr("Keep the remote's version"));
    resolve_command->add_flag("--edit", resolve->edit, tr("Open the file with both versions in $VISUAL or $EDITOR"));
    resolve_command->callback([&context, resolve] { run_resolve(context, *resolve); });
}

}  // namespace dossier::cli
