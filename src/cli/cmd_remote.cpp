// dossier remote set and list manage the Git server URL of each repository. dossier clone
// fetches a workspace and every client repository it lists.
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "context.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/change.hpp"
#include "dossier/error.hpp"
#include "dossier/git_sync.hpp"
#include "dossier/i18n.hpp"
#include "dossier/workspace_remotes.hpp"
#include "output.hpp"
#include "repository_jobs.hpp"

namespace fs = std::filesystem;

namespace dossier::cli {
namespace {

struct RemoteOptions {
    std::string client;
    std::string url;
    bool workspace = false;
    bool json = false;
};

// Records `url` for `slug` in `clients:` of dossier.yaml (empty when the pattern gives it) and
// commits it in the workspace repository, so that a clone of the workspace finds the client.
void record_client_remote(Context& context, const Workspace& workspace, const std::string& slug, const std::string& url) {
    if (!git::Repository::exists(workspace.root())) return;
    auto remotes = WorkspaceRemotes::read(workspace);
    WorkspaceRemotes pattern_only{remotes.pattern, {}};
    std::string recorded = pattern_only.url_for(slug) == url ? std::string() : url;

    std::vector<ListedClient> listed = remotes.clients;
    auto existing = std::find_if(listed.begin(), listed.end(), [&](const auto& client) { return client.slug == slug; });
    if (existing != listed.end()) {
        if (existing->url == recorded) return;
        existing->url = recorded;
    } else {
        listed.push_back({slug, recorded});
    }

    auto repository = git::Repository::open(workspace.root());
    if (repository.is_modified("dossier.yaml")) {
        print_notice(tr("dossier.yaml has changes not committed: the client's URL was not recorded in it, so dossier "
                        "clone will not find this client until dossier sync lists it"));
        return;
    }
    std::string text = read_file(workspace.settings_path());
    Change change(repository);
    change.write("dossier.yaml", with_listed_clients(text, listed));
    change.commit("Record the remote of client " + slug, context.author(&repository));
}

void run_remote_set(Context& context, const RemoteOptions& options) {
    const Workspace& workspace = context.workspace();
    if (options.workspace) {
        if (!options.url.empty()) {
            throw Error(ErrorKind::usage, tr("--workspace takes one URL, not a client and a URL"),
                        tr("run: dossier remote set --workspace URL"));
        }
        auto repository = git::Repository::open(workspace.root());
        git::set_remote_url(repository, options.client);
        print_notice(fmt::format(fmt::runtime(tr("workspace: remote set to {}")), options.client));
        return;
    }
    if (options.url.empty()) {
        throw Error(ErrorKind::usage, tr("missing URL"), tr("run: dossier remote set CLIENT URL"));
    }
    Client client = context.client(options.client);
    auto repository = git::Repository::open(client.directory);
    git::set_remote_url(repository, options.url);
    record_client_remote(context, workspace, client.slug, options.url);
    print_notice(fmt::format(fmt::runtime(tr("client {}: remote set to {}")), client.slug, options.url));
}

void run_remote_list(Context& context, const RemoteOptions& options) {
    const Workspace& workspace = context.workspace();
    std::vector<std::pair<std::string, std::optional<std::string>>> rows;
    if (git::Repository::exists(workspace.root())) {
        rows.emplace_back("workspace", git::remote_url(git::Repository::open(workspace.root())));
    }
    for (const auto& client : workspace.clients()) {
        rows.emplace_back(client.slug, git::remote_url(git::Repository::open(client.directory)));
    }

    if (options.json) {
        auto array = nlohmann::ordered_json::array();
        for (const auto& [name, url] : rows) {
            array.push_back({{"repository", name}, {"url", url ? nlohmann::ordered_json(*url) : nullptr}});
        }
        print_json(array);
        return;
    }
    std::size_t width = 0;
    for (const auto& row : rows) width = std::max(width, row.first.size());
    std::string text;
    for (const auto& [name, url] : rows) text += fmt::format("{:<{}}  {}\n", name, width, url ? *url : tr("(no remote)"));
    print_data(text);
}

struct CloneOptions {
    std::string url;
    std::string directory;
    int jobs = 0;
};

// Returns the folder a clone of `url` goes to by default: its last segment without ".git".
std::string default_folder(std::string url) {
    while (!url.empty() && (url.back() == '/' || url.back() == '\\')) url.pop_back();
    auto cut = url.find_last_of("/:");
    std::string name = cut == std::string::npos ? url : url.substr(cut + 1);
    if (name.ends_with(".git")) name.resize(name.size() - 4);
    return name.empty() ? std::string("workspace") : name;
}

void run_clone(Context& context, const CloneOptions& options) {
    fs::path target = options.directory.empty() ? fs::path(default_folder(options.url)) : fs::path(options.directory);
    if (target.is_relative()) target = context.current_dir / target;

    git::clone(options.url, target);
    if (!fs::exists(target / "dossier.yaml")) {
        std::error_code error;
        fs::remove_all(target, error);
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("{} is not a dossier workspace: its repository has no dossier.yaml")),
                                options.url),
                    tr("give the URL of the workspace repository, not of a client's"));
    }

    auto workspace = Workspace::open(target);
    auto remotes = WorkspaceRemotes::read(workspace);
    fs::create_directories(workspace.clients_dir());
    std::vector<std::string> names;
    for (const auto& listed : remotes.clients) names.push_back(listed.slug);
    std::vector<RepositoryOutcome> outcomes = pending_outcomes(names, true);
    bool interrupted = run_repository_jobs(remotes.clients.size(), job_count(options.jobs), N_("cloning {}/{} repositories"),
                        [&](std::size_t i) {
                            const auto& listed = remotes.clients[i];
                            auto url = remotes.url_for(listed.slug);
                            if (!url) {
                                outcomes[i].result.state = git::SyncState::failed;
                                outcomes[i].result.error =
                                    fmt::format(fmt::runtime(tr("no URL for client {}")), listed.slug);
                                outcomes[i].result.hint =
                                    tr("set remote: in dossier.yaml, or a URL for the client under clients:");
                                return;
                            }
                            outcomes[i].result = clone_result(*url, workspace.clients_dir() / listed.slug);
                        });
    bool succeeded = print_outcomes(outcomes, context.color_stdout());
    print_notice(fmt::format(fmt::runtime(trn("cloned the workspace into {} with {} client",
                                              "cloned the workspace into {} with {} clients", outcomes.size())),
                             target.string(), outcomes.size()));
    if (!succeeded) context.exit_status = ExitCode::failure;
    if (interrupted) context.exit_status = ExitCode::interrupted;
}

}  // namespace

void add_remote_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<RemoteOptions>();
    auto* remote = app.add_subcommand("remote", tr("Set and list the Git server URL of each repository"));
    remote->require_subcommand(1);

    auto* set = remote->add_subcommand("set", tr("Set the URL that sync fetches from and pushes to"));
    set->add_option("CLIENT", options->client, tr("The client, or with --workspace the URL"))
        ->required()
        ->type_name(client_value);
    set->add_option("URL", options->url, tr("The repository's URL: ssh://, git@host:path, https:// or a folder"));
    set->add_flag("--workspace", options->workspace, tr("Set the workspace repository's URL instead of a client's"));
    set->callback([&context, options] { run_remote_set(context, *options); });

    auto* list = remote->add_subcommand("list", tr("List each repository with its URL"));
    list->add_flag("--json", options->json, tr("Print a JSON array"));
    list->callback([&context, options] { run_remote_list(context, *options); });

    auto clone_options = std::make_shared<CloneOptions>();
    auto* clone = app.add_subcommand("clone", tr("Clone a workspace and every client repository it lists"));
    clone->add_option("URL", clone_options->url, tr("The workspace repository's URL"))->required();
    clone->add_option("DIR", clone_options->directory, tr("Folder to create (default: from the URL)"))
        ->type_name(directory_value);
    clone->add_option("--jobs,-j", clone_options->jobs, tr("Repositories cloned at once (default: 8)"))
        ->type_name("N")
        ->check(CLI::Range(1, 64).description(""));
    clone->callback([&context, clone_options] { run_clone(context, *clone_options); });
}

}  // namespace dossier::cli
