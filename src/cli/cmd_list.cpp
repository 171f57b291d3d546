#include <fmt/format.h>

#include "context.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/terminal_renderer.hpp"
#include "output.hpp"

namespace dossier::cli {
namespace {

struct ListOptions {
    std::string client;
    std::string type;
    bool json = false;
};

struct Row {
    std::string client;
    std::string path;
    std::string type;
    std::string title;
    std::string owner;
    std::string problem;  // why the document could not be read, when it could not
};

Row read_row(const Client& client, const std::string& path) {
    Row row{client.slug, path, {}, {}, {}, {}};
    try {
        auto document = Document::parse(read_file(client.directory / path), (client.directory / path).string());
        row.type = document.type();
        row.title = document.field("title");
        row.owner = document.field("owner");
    } catch (const Error& error) {
        row.problem = error.what();
    }
    return row;
}

std::string reference_of(const Row& row) { return row.client + "/" + row.path.substr(0, row.path.size() - 3); }

void run_list(Context& context, const ListOptions& options) {
    std::vector<Client> clients;
    if (options.client.empty()) {
        clients = context.workspace().clients();
    } else {
        clients.push_back(context.client(options.client));
    }

    std::vector<Row> rows;
    for (const auto& client : clients) {
        for (const auto& path : list_documents(client)) {
            auto row = read_row(client, path);
            if (options.type.empty() || row.type == options.type) rows.push_back(std::move(row));
        }
    }

    if (options.json) {
        auto array = nlohmann::ordered_json::array();
        for (const auto& row : rows) {
            nlohmann::ordered_json item = {{"client", row.client}, {"path", row.path}, {"ref", reference_of(row)},
                                           {"type", row.type},     {"title", row.title}, {"owner", row.owner}};
            if (!row.problem.empty()) item["error"] = row.problem;
            array.push_back(item);
        }
        print_json(array);
        return;
    }

    std::size_t type_width = 4;
    for (const auto& row : rows) type_width = std::max(type_width, row.type.size());
    std::string text;
    for (const auto& row : rows) {
        std::string title = row.problem.empty() ? row.title : fmt::format(fmt::runtime(tr("(unreadable: {})")), row.problem);
        text += fmt::format("{:<{}}  {}  {}  {}\n", terminal_safe_line(row.type.empty() ? "?" : row.type), type_width,
                            terminal_safe_line(reference_of(row)), terminal_safe_line(title),
                            row.owner.empty() ? "-" : terminal_safe_line(row.owner));
    }
    print_data(text);
}

}  // namespace

void add_list_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<ListOptions>();
    auto* command = app.add_subcommand("list", tr("List documents with their type, reference, title and owner"));
    command->add_option("--client", options->client, tr("Only the documents of this client (its slug)"))
        ->type_name(client_value);
    command->add_option("--type", options->type, tr("Only the documents of this type, such as runbook"))
        ->type_name(type_value);
    command->add_flag("--json", options->json, tr("Print a JSON array (see docs/en/json-output.md)"));
    command->callback([&context, options] { run_list(context, *options); });
}

}  // namespace dossier::cli
