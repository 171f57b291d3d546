#include <algorithm>

#include <fmt/format.h>

#include "context.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/terminal_renderer.hpp"
#include "dossier/reference.hpp"
#include "output.hpp"

namespace dossier::cli {
namespace {

struct ClientOptions {
    std::string name;
    std::string slug;
    bool json = false;
};

void run_client_add(Context& context, const ClientOptions& options) {
    const auto& workspace = context.workspace();
    bool has_control = std::any_of(options.name.begin(), options.name.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
    if (has_control || options.name.find_first_not_of(" ") == std::string::npos) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid client name: \"{}\"")), options.name),
                    tr("give the name on one line, without control characters"));
    }
    auto slug = client_slug(options.name, options.slug);
    if (std::filesystem::exists(workspace.clients_dir() / slug)) {
        throw Error(ErrorKind::already_exists, fmt::format(fmt::runtime(tr("client already exists: {}")), slug),
                    tr("choose another name, or give another slug with --slug"));
    }

    auto author = context.author(nullptr);
    auto language = context.options.language.empty() ? workspace.language() : context.options.language;
    auto client = workspace.add_client(options.name, slug, language, author, context.today());
    print_data(client.slug + "\n");
    print_notice(fmt::format(fmt::runtime(tr("added client {} in {}")), client.name, client.directory.string()));
}

void run_client_list(Context& context, const ClientOptions& options) {
    auto clients = context.workspace().clients();
    if (options.json) {
        auto array = nlohmann::ordered_json::array();
        for (const auto& client : clients) {
            array.push_back({{"slug", client.slug},
                             {"name", client.name},
                             {"path", client.directory.string()},
                             {"documents", list_documents(client).size()}});
        }
        print_json(array);
        return;
    }

    std::size_t width = 4;
    for (const auto& client : clients) width = std::max(width, client.slug.size());
    std::string text;
    for (const auto& client : clients) text += fmt::format("{:<{}}  {}\n", client.slug, width, terminal_safe_line(client.name));
    print_data(text);
    if (clients.empty()) print_notice(tr("no clients yet: add one with dossier client add \"Client name\""));
}

}  // namespace

void add_client_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<ClientOptions>();
    auto* client = app.add_subcommand("client", tr("Add and list clients"));
    client->require_subcommand(1);

    auto* add = client->add_subcommand("add", tr("Add a client: a Git repository in clients/<slug>/"));
    add->add_option("NAME", options->name, tr("The client's name, accents included"))->required();
    add->add_option("--slug", options->slug,
                    tr("Folder name: lowercase letters, digits and hyphens (default: made from NAME)"));
    add->callback([&context, options] { run_client_add(context, *options); });

    auto* list = client->add_subcommand("list", tr("List the clients"));
    list->add_flag("--json", options->json, tr("Print a JSON array (see docs/en/json-output.md)"));
    list->callback([&context, options] { run_client_list(context, *options); });
}

}  // namespace dossier::cli
