#include "dossier/workspace.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "dossier/atomic_file.hpp"
#include "dossier/calendar.hpp"
#include "dossier/change.hpp"
#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/text.hpp"

namespace fs = std::filesystem;

namespace dossier {
namespace {

constexpr const char* config_file = "dossier.yaml";

// Returns `dir` absolute and lexically normal, without the trailing separator that
// lexically_normal leaves after "." or ".." ("ws/." gives "ws/").
fs::path normal_directory(const fs::path& dir) {
    auto normal = fs::absolute(dir).lexically_normal();
    if (!normal.has_filename() && normal.has_relative_path()) normal = normal.parent_path();
    return normal;
}

bool is_workspace_root(const fs::path& dir) {
    std::error_code error;
    return fs::is_regular_file(dir / config_file, error);
}

Document read_document(const fs::path& path, const std::string& display_path) {
    return Document::parse(read_file(path), display_path);
}

std::string default_config(const std::string& name, const std::string& language) {
    return fmt::format(
        "# dossier workspace settings\n"
        "name: {}\n"
        "# Language of templates and messages: fr or en.\n"
        "language: {}\n"
        "# Review period for documents that set no review_every of their own.\n"
        "review_every: 1 year\n",
        yaml_quote_string(name), language);
}

// Returns `gitignore` with the lines that keep clients/ and .dossier/ out of the workspace
// repository, added at the end when missing.
std::string with_ignored_folders(std::string gitignore) {
    bool has_clients = gitignore.find("/clients/") != std::string::npos;
    bool has_state = gitignore.find("/.dossier/") != std::string::npos;
    if (has_clients && has_state) return gitignore;

    if (!gitignore.empty() && gitignore.back() != '\n') gitignore += '\n';
    gitignore += "# Client repositories and local state are not part of the workspace repository.\n";
    if (!has_clients) gitignore += "/clients/\n";
    if (!has_state) gitignore += "/.dossier/\n";
    return gitignore;
}

std::string default_team() {
    return "# Technicians of the MSP: id, name, email, age public key and role.\n"
           "# Example:\n"
           "# - id: jdupont\n"
           "#   name: Jeanne Dupont\n"
           "#   email: jeanne.dupont@example.fr\n"
           "#   role: technician\n"
           "[]\n";
}

std::string client_document(const std::string& name, const std::string& language, const std::string& today) {
    std::string title = yaml_quote_string(name);
    std::string intro = language == "fr"
                            ? "Fiche du client : activité, interlocuteurs principaux, sites et contrat en cours."
                            : "Client summary: business, main contacts, sites and current contract.";
    return fmt::format("---\ntype: client\ntitle: {}\nstatus: draft\nreviewed: {}\n---\n# {}\n\n{}\n", title, today,
                       name, intro);
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

std::optional<fs::path> Workspace::find_root(const WorkspaceSearch& search) {
    if (search.explicit_dir) {
        if (is_workspace_root(*search.explicit_dir)) return normal_directory(*search.explicit_dir);
        return std::nullopt;
    }
    for (fs::path dir = normal_directory(search.current_dir); ; dir = dir.parent_path()) {
        if (is_workspace_root(dir)) return dir;
        if (dir == dir.root_path() || dir.parent_path() == dir) break;
    }
    if (search.environment_dir && is_workspace_root(*search.environment_dir)) {
        return normal_directory(*search.environment_dir);
    }
    return std::nullopt;
}

Workspace Workspace::open(const fs::path& root) {
    Workspace workspace;
    workspace.root_ = root;
    auto path = root / config_file;
    DecodedText decoded = decode_text(read_file(path), path.string());
    Value settings = parse_yaml_mapping(decoded.utf8, 1, decoded.utf8, path.string());

    workspace.name_ = settings.find("name") ? settings.find("name")->scalar_or_empty() : root.filename().string();
    if (const Value* language = settings.find("language")) {
        workspace.language_ = language->scalar_or_empty() == "fr" ? "fr" : "en";
    }
    if (const Value* recovery = settings.find("recovery_recipient")) {
        workspace.recovery_recipient_ = recovery->scalar_or_empty();
    }
    if (const Value* zone = settings.find("time_zone")) {
        workspace.time_zone_ = zone->is_scalar() ? zone->scalar_or_empty() : std::string("?");
        if (!workspace.time_zone_.empty() && !is_known_time_zone(workspace.time_zone_)) {
            throw Error(ErrorKind::invalid_input,
                        SourceLocation{path, zone->line(), zone->column(), {}},
                        fmt::format(fmt::runtime(tr("unknown time zone in dossier.yaml: {}")), workspace.time_zone_),
                        tr("give a zone of the tz database, such as Europe/Paris or UTC (install the tzdata package "
                           "if none is known)"));
        }
    }
    workspace.settings_ = std::move(settings);
    return workspace;
}

InitOutcome Workspace::init(const fs::path& root, const std::string& language, const git::Signature& author) {
    if (is_workspace_root(root)) return InitOutcome::already_exists;

    fs::create_directories(root);
    auto name = normal_directory(root).filename().string();
    auto repository = git::Repository::exists(root) ? git::Repository::open(root) : git::Repository::init(root);
    Change change(repository);
    change.write(config_file, default_config(name.empty() ? "dossier" : name, language));

    // An existing repository keeps its own files: only what is missing is added.
    auto write_if_absent = [&](const std::string& path, const std::string& content) {
        if (!fs::exists(root / path)) change.write(path, content);
    };
    write_if_absent("team/team.yaml", default_team());
    write_if_absent("types/README.md", language == "fr"
                                           ? "Types propres à cet espace : <type>.schema.json et <type>.<langue>.md.\n"
                                           : "This workspace's own types: <type>.schema.json and <type>.<lang>.md.\n");
    change.write(".gitignore", with_ignored_folders(fs::exists(root / ".gitignore") ? read_file(root / ".gitignore") : ""));
    fs::create_directories(root / "clients");
    change.commit("Create the dossier workspace", author);
    return InitOutcome::created;
}

namespace {

// Reads the client in `directory`, whose name is the title of its client.md.
Client read_client(const fs::path& directory) {
    Client client{directory.filename().string(), directory.filename().string(), directory};
    try {
        auto document = read_document(directory / "client.md", "client.md");
        client.name = document.field("title", client.slug);
    } catch (const Error&) {
        // A missing or broken client.md still leaves a usable client, named by its slug.
    }
    return client;
}

}  // namespace

std::vector<Client> Workspace::clients() const {
    std::vector<Client> result;
    std::error_code error;
    if (!fs::is_directory(clients_dir(), error)) return result;

    for (const auto& entry : fs::directory_iterator(clients_dir(), error)) {
        if (!entry.is_directory() || entry.path().filename().string().starts_with('.')) continue;
        if (!git::Repository::exists(entry.path())) continue;
        result.push_back(read_client(entry.path()));
    }
    std::sort(result.begin(), result.end(), [](const Client& a, const Client& b) { return a.slug < b.slug; });
    return result;
}

std::optional<Client> Workspace::find_client(const std::string& slug) const {
    if (!is_valid_slug(slug)) return std::nullopt;
    auto directory = clients_dir() / slug;
    std::error_code error;
    if (!fs::is_directory(directory, error) || !git::Repository::exists(directory)) return std::nullopt;
    return read_client(directory);
}

std::vector<Technician> Workspace::technicians() const {
    std::vector<Technician> team;
    auto path = root_ / "team" / "team.yaml";
    if (!fs::exists(path)) return team;

    YAML::Node root;
    try {
        root = YAML::Load(decode_text(read_file(path), path.string()).utf8);
    } catch (const YAML::Exception& error) {
        throw Error(ErrorKind::invalid_input,
                    SourceLocation{path, error.mark.line + 1, error.mark.column + 1, {}},
                    fmt::format(fmt::runtime(tr("invalid YAML in {}: {}")), path.string(), error.msg));
    }
    if (!root.IsSequence()) return team;
    for (const auto& member : root) {
        if (!member.IsMap()) continue;
        auto text = [&](const char* key) { return member[key] && member[key].IsScalar() ? member[key].Scalar() : ""; };
        team.push_back({text("id"), text("name"), text("email"), text("key"), text("role")});
    }
    return team;
}

Client Workspace::add_client(const std::string& name, const std::string& slug, const std::string& language,
                             const git::Signature& author, const std::string& today) const {
    auto directory = clients_dir() / slug;
    if (fs::exists(directory)) {
        throw Error(ErrorKind::already_exists,
                    fmt::format(fmt::runtime(tr("client already exists: {}")), slug),
                    tr("choose another name, or give another slug with --slug"));
    }

    fs::create_directories(directory);
    auto repository = git::Repository::init(directory);
    Change change(repository);
    change.write("client.md", client_document(name, language, today));
    change.commit(fmt::format("Add client {}", slug), author);
    return Client{slug, name, directory};
}

git::Signature resolve_author(const std::vector<Technician>& team, const std::string& technician_id,
                              const git::Repository* repository) {
    if (!technician_id.empty()) {
        for (const auto& member : team) {
            if (member.id == technician_id && !member.name.empty() && !member.email.empty()) {
                return {member.name, member.email};
            }
        }
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("technician not found in team/team.yaml: {}")), technician_id),
                    tr("add an entry with id, name and email to team/team.yaml, or unset DOSSIER_TECHNICIAN"));
    }

    const char* name = std::getenv("GIT_AUTHOR_NAME");
    const char* email = std::getenv("GIT_AUTHOR_EMAIL");
    if (name != nullptr && *name != '\0' && email != nullptr && *email != '\0') return {name, email};

    if (repository != nullptr) {
        if (auto signature = repository->configured_signature()) return *signature;
    } else if (auto signature = git::global_signature()) {
        return *signature;
    }
    throw Error(ErrorKind::invalid_input, tr("no author for the commit: Git's user.name and user.email are not set"),
                tr("run: git config --global user.name \"Your Name\" && git config --global user.email you@example.com"
                   " (or set DOSSIER_TECHNICIAN to your id in team/team.yaml)"));
}

std::string client_slug(const std::string& name, const std::string& requested_slug) {
    std::string slug = requested_slug.empty() ? slugify(name) : requested_slug;
    if (!is_valid_slug(slug)) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid client slug: \"{}\"")), slug),
                    tr("a slug is made of lowercase letters, digits and single hyphens, such as acme-sarl;"
                       " give one with --slug"));
    }
    return slug;
}

std::vector<std::string> closest_matches(const std::string& word, const std::vector<std::string>& candidates) {
    std::vector<std::pair<std::size_t, std::string>> scored;
    for (const auto& candidate : candidates) {
        auto distance = edit_distance(word, candidate);
        bool prefix = !word.empty() && (candidate.starts_with(word) || word.starts_with(candidate));
        if (distance <= std::max<std::size_t>(2, word.size() / 3) || prefix) scored.emplace_back(distance, candidate);
    }
    std::sort(scored.begin(), scored.end());
    std::vector<std::string> result;
    for (std::size_t i = 0; i < scored.size() && i < 3; ++i) result.push_back(scored[i].second);
    return result;
}

}  // namespace dossier
