#include <algorithm>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "context.hpp"
#include "dossier/age.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/change.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/yaml_value.hpp"
#include "output.hpp"

namespace fs = std::filesystem;

namespace dossier::cli {
namespace {

constexpr const char* team_path = "team/team.yaml";

struct TeamAddOptions {
    std::string id;
    std::string key;
    std::string name;
    std::string email;
    std::string role;
};

void check_id(const std::string& id) {
    bool valid = !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    });
    if (!valid) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid technician id: {}")), id),
                    tr("use lower-case letters, digits, '.', '-' and '_', such as jdupont"));
    }
}

// Returns team.yaml with the member appended. The empty list "[]" of a new workspace gives way
// to the first item; comments and other members stay as they are.
std::string with_member(std::string text, const TeamAddOptions& options) {
    std::string item = "- id: " + yaml_quote_string(options.id) + "\n";
    auto add = [&](const char* key, const std::string& value) {
        if (!value.empty()) item += fmt::format("  {}: {}\n", key, yaml_quote_string(value));
    };
    add("name", options.name);
    add("email", options.email);
    add("key", options.key);
    add("role", options.role);

    std::string kept;
    for (std::size_t offset = 0; offset < text.size();) {
        auto end = text.find('\n', offset);
        auto line = text.substr(offset, end == std::string::npos ? std::string::npos : end - offset + 1);
        offset = end == std::string::npos ? text.size() : end + 1;
        auto trimmed = line;
        while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r' || trimmed.back() == ' ')) trimmed.pop_back();
        if (trimmed == "[]") continue;
        kept += line;
    }
    if (!kept.empty() && kept.back() != '\n') kept += '\n';
    return kept + item;
}

// Returns team.yaml with `key: KEY` added to the entry of `id`, right after its id line and
// indented as the entry's next line is. Returns `text` unchanged when no line reads "- id: ID".
std::string with_key(const std::string& text, const std::string& id, const std::string& key) {
    std::vector<std::string> lines;
    for (std::size_t offset = 0; offset < text.size();) {
        auto end = text.find('\n', offset);
        lines.push_back(text.substr(offset, end == std::string::npos ? std::string::npos : end - offset + 1));
        offset = end == std::string::npos ? text.size() : end + 1;
    }
    std::string result;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        result += lines[i];
        auto trimmed = lines[i];
        while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r' || trimmed.back() == ' ')) trimmed.pop_back();
        auto dash = trimmed.find_first_not_of(' ');
        if (dash == std::string::npos || trimmed.compare(dash, 2, "- ") != 0) continue;
        auto entry = trimmed.substr(dash + 2);
        if (entry != "id: " + id && entry != "id: " + yaml_quote_string(id) && entry != "id: '" + id + "'") continue;
        if (!result.empty() && result.back() != '\n') result += '\n';
        std::string indent(dash + 2, ' ');
        if (i + 1 < lines.size()) {
            auto next = lines[i + 1].find_first_not_of(' ');
            if (next != std::string::npos && next > dash && lines[i + 1][next] != '-') indent = std::string(next, ' ');
        }
        result += indent + "key: " + key + "\n";
    }
    return result;
}

void run_team_add(Context& context, const TeamAddOptions& options) {
    check_id(options.id);
    auto key = age::X25519Recipient::parse(options.key);
    const auto& workspace = context.workspace();
    auto team = workspace.technicians();
    bool keyless_member = false;
    for (const auto& member : team) {
        if (member.id == options.id && member.key.empty()) {
            keyless_member = true;
        } else if (member.id == options.id) {
            throw Error(ErrorKind::already_exists,
                        fmt::format(fmt::runtime(tr("technician already in team/team.yaml: {}")), options.id),
                        tr("edit team/team.yaml to change a member, such as to replace a key"));
        }
        if (!member.key.empty() && member.key == key.to_string()) {
            throw Error(ErrorKind::already_exists,
                        fmt::format(fmt::runtime(tr("this key already belongs to {}")), member.id),
                        tr("each technician has an identity of their own: dossier key init"));
        }
    }

    auto path = workspace.root() / team_path;
    std::string current = fs::exists(path) ? read_file(path) : std::string();
    auto repository = git::Repository::open(workspace.root());
    Change change(repository);
    auto author = context.author(&repository);  // before writing, so a missing author changes no file
    change.write(team_path, keyless_member ? with_key(current, options.id, key.to_string()) : with_member(current, options));
    auto updated = Workspace::open(workspace.root()).technicians();
    bool found = std::any_of(updated.begin(), updated.end(), [&](const Technician& member) {
        return member.id == options.id && member.key == key.to_string();
    });
    if (!found) {
        write_file_atomically(path, current);
        throw Error(ErrorKind::invalid_input, tr("team/team.yaml could not take the new member: it was left as it was"),
                    tr("team/team.yaml must be a YAML list of members; fix its layout and try again"));
    }
    auto message = keyless_member ? fmt::format("record the age key of {}", options.id)
                                  : fmt::format("add {} to the team", options.id);
    auto commit = change.commit(message, author);
    print_notice(fmt::format(fmt::runtime(keyless_member ? tr("recorded the key of {} in team/team.yaml (commit {})")
                                                         : tr("added {} to team/team.yaml (commit {})")),
                             options.id, commit ? commit->substr(0, 8) : std::string("-")));
}

void run_team_list(Context& context, bool json) {
    auto team = context.workspace().technicians();
    if (json) {
        auto list = nlohmann::ordered_json::array();
        for (const auto& member : team) {
            list.push_back({{"id", member.id}, {"name", member.name}, {"email", member.email},
                            {"key", member.key}, {"role", member.role}});
        }
        print_json(list);
        return;
    }
    if (team.empty()) {
        print_notice(tr("team/team.yaml lists nobody yet: add technicians with dossier team add"));
        return;
    }
    std::string text;
    for (const auto& member : team) {
        text += fmt::format("{}\t{}\t{}\t{}\n", member.id, member.name, member.email,
                            member.key.empty() ? std::string(tr("(no key)")) : member.key);
    }
    print_data(text);
}

}  // namespace

void add_team_command(CLI::App& app, Context& context) {
    auto* team = app.add_subcommand("team", tr("List the technicians of team/team.yaml and add one with their age key"));
    team->require_subcommand(1);

    auto add_options = std::make_shared<TeamAddOptions>();
    auto* add = team->add_subcommand("add", tr("Add a technician to team/team.yaml and commit"));
    add->add_option("ID", add_options->id, tr("The technician's id, such as jdupont"))->required();
    add->add_option("--key", add_options->key, tr("The technician's age public key (age1...), from dossier key init"))
        ->option_text("KEY")
        ->required();
    add->add_option("--name", add_options->name, tr("The technician's full name"))->option_text("NAME");
    add->add_option("--email", add_options->email, tr("The technician's e-mail address"))->option_text("EMAIL");
    add->add_option("--role", add_options->role, tr("The technician's role, such as network technician"))->option_text("ROLE");
    add->callback([&context, add_options] { run_team_add(context, *add_options); });

    auto json = std::make_shared<bool>(false);
    auto* list = team->add_subcommand("list", tr("List the technicians: id, name, e-mail and key"));
    list->add_flag("--json", *json, tr("Print a JSON array of {id, name, email, key, role}"));
    list->callback([&context, json] { run_team_list(context, *json); });
}

}  // namespace dossier::cli
