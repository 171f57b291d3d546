// The completion command, which prints a shell's completion script, and the hidden __complete
// command that those scripts run to list clients, types and references.
#include <algorithm>

#include <fmt/format.h>

#include "completion_script.hpp"
#include "context.hpp"
#include "dossier/i18n.hpp"
#include "output.hpp"

namespace fs = std::filesystem;

namespace dossier::cli {
namespace {

std::string script_for(const CLI::App& root, const std::string& shell) {
    auto commands = describe_commands(root);
    if (shell == "zsh") return zsh_script(commands);
    if (shell == "fish") return fish_script(commands);
    return bash_script(commands);
}

// Returns a document's reference text without its ".md" extension.
std::string without_extension(const std::string& path) {
    return path.ends_with(".md") ? path.substr(0, path.size() - 3) : path;
}

void add_client_references(const Client& client, std::vector<std::string>& candidates) {
    for (const auto& path : list_documents(client)) candidates.push_back(client.slug + "/" + without_extension(path));
}

// Adds the documents of the client folder that contains `current_dir`, relative to it, as
// references typed inside a client folder are read.
void add_relative_references(const Workspace& workspace, const fs::path& current_dir,
                             std::vector<std::string>& candidates) {
    auto relative = current_dir.lexically_normal().lexically_relative(workspace.clients_dir());
    if (relative.empty() || *relative.begin() == ".." || *relative.begin() == ".") return;
    auto client = workspace.find_client(relative.begin()->string());
    if (!client) return;

    fs::path inside;
    for (auto part = std::next(relative.begin()); part != relative.end(); ++part) inside /= *part;
    for (const auto& path : list_documents(*client)) {
        auto relative_path = inside.empty() ? fs::path(path) : fs::path(path).lexically_relative(inside);
        if (!relative_path.empty() && *relative_path.begin() != "..") {
            candidates.push_back(without_extension(relative_path.generic_string()));
        }
    }
}

// Returns the references that complete `prefix`. Without a "/" in `prefix`, a single matching
// client gives its documents and several give their slugs followed by "/". A call so lists the
// documents of one client at most, which keeps large workspaces fast.
std::vector<std::string> reference_candidates(const Workspace& workspace, const std::string& prefix,
                                              const fs::path& current_dir) {
    std::vector<std::string> candidates;
    auto slash = prefix.find('/');
    if (slash != std::string::npos) {
        if (auto client = workspace.find_client(prefix.substr(0, slash))) add_client_references(*client, candidates);
    } else {
        std::vector<Client> matching;
        for (auto& client : workspace.clients()) {
            if (client.slug.starts_with(prefix)) matching.push_back(std::move(client));
        }
        if (matching.size() == 1) add_client_references(matching.front(), candidates);
        if (matching.size() > 1) {
            for (const auto& client : matching) candidates.push_back(client.slug + "/");
        }
    }
    add_relative_references(workspace, current_dir, candidates);
    return candidates;
}

void print_candidates(Context& context, const std::string& kind, const std::string& prefix) {
    std::vector<std::string> candidates;
    if (kind == "types") {
        // Types exist outside a workspace too: the built-in ones, which "type show" describes there.
        candidates = context.types().names();
    } else if (const auto* workspace = context.find_workspace()) {
        if (kind == "clients") {
            for (const auto& client : workspace->clients()) candidates.push_back(client.slug);
        } else {
            candidates = reference_candidates(*workspace, prefix, context.current_dir);
        }
    }

    std::erase_if(candidates, [&prefix](const std::string& candidate) { return !candidate.starts_with(prefix); });
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    std::string text;
    for (const auto& candidate : candidates) text += candidate + "\n";
    print_data(text);
}

}  // namespace

void add_completion_command(CLI::App& app, Context& context) {
    auto shell = std::make_shared<std::string>();
    auto* command = app.add_subcommand("completion", tr("Print the shell completion script for bash, zsh or fish"));
    command->add_option("SHELL", *shell, tr("The shell: bash, zsh or fish"))
        ->required()
        ->check(CLI::IsMember({"bash", "zsh", "fish"}));
    command->callback([&app, shell] { print_data(script_for(app, *shell)); });

    struct CandidateOptions {
        std::string kind;
        std::string prefix;
    };
    auto options = std::make_shared<CandidateOptions>();
    auto* candidates = app.add_subcommand(
        "__complete", tr("Print the clients, types or references that start with PREFIX, one per line"));
    candidates->group("");  // run by the completion scripts, not by people
    candidates->add_option("KIND", options->kind, tr("What to list: clients, types or references"))
        ->required()
        ->check(CLI::IsMember({"clients", "types", "references"}));
    candidates->add_option("PREFIX", options->prefix, tr("The text typed so far"));
    candidates->callback([&context, options] { print_candidates(context, options->kind, options->prefix); });
}

}  // namespace dossier::cli
