// Reading the command tree that the completion scripts describe from the CLI11 declarations.
#include <algorithm>

#include "completion_script.hpp"
#include "context.hpp"

namespace dossier::cli {
namespace {

bool is_hidden(const CLI::Option& option) { return option.get_group().empty(); }

// Returns `text` on one line, with runs of white space as single spaces.
std::string one_line(const std::string& text) {
    std::string line;
    for (char c : text) {
        bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (space && (line.empty() || line.back() == ' ')) continue;
        line += space ? ' ' : c;
    }
    if (!line.empty() && line.back() == ' ') line.pop_back();
    return line;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (auto end = text.find(separator); end != std::string::npos; end = text.find(separator, start)) {
        parts.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    parts.push_back(text.substr(start));
    return parts;
}

// Returns true when a choice can be written in every script without quoting.
bool is_plain_word(const std::string& word) {
    return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.' || c == '+';
    });
}

// Returns the values of a validator description such as "{fr,en}" (CLI::IsMember) or
// "{json->1,text->2}" (CLI::CheckedTransformer), or nothing for another description.
std::vector<std::string> choices_of(const std::string& description) {
    if (description.size() < 3 || description.front() != '{' || description.back() != '}') return {};
    std::vector<std::string> choices;
    for (auto& item : split(description.substr(1, description.size() - 2), ',')) {
        auto value = item.substr(0, item.find("->"));
        if (!is_plain_word(value)) return {};
        choices.push_back(value);
    }
    return choices;
}

// Sets the kind of `argument` from the option's full type name: "CLIENT", or "TEXT:{fr,en}"
// where CLI11 appends the description of each validator after a colon.
void set_kind(ArgumentSpec& argument, const CLI::Option& option) {
    auto parts = split(option.get_type_name(), ':');
    const auto& type_name = parts.front();
    if (type_name == client_value) argument.kind = ValueKind::client;
    if (type_name == type_value) argument.kind = ValueKind::type;
    if (type_name == reference_value) argument.kind = ValueKind::reference;
    if (type_name == directory_value) argument.kind = ValueKind::directory;
    if (type_name == path_value) argument.kind = ValueKind::path;
    if (argument.kind != ValueKind::text) return;

    for (std::size_t i = 1; i < parts.size(); ++i) {
        if (parts[i] == "DIR") argument.kind = ValueKind::directory;
        if (parts[i] == "FILE" || parts[i].starts_with("PATH")) argument.kind = ValueKind::path;
        if (auto choices = choices_of(parts[i]); !choices.empty()) {
            argument.kind = ValueKind::choice;
            argument.choices = std::move(choices);
        }
        if (argument.kind != ValueKind::text) return;
    }
}

ArgumentSpec describe_argument(const CLI::Option& option) {
    ArgumentSpec argument;
    for (const auto& name : option.get_snames()) argument.names.push_back("-" + name);
    for (const auto& name : option.get_lnames()) argument.names.push_back("--" + name);
    argument.description = one_line(option.get_description());
    argument.takes_value = option.get_expected_max() > 0;
    argument.repeats = option.get_expected_max() > 1;
    if (argument.takes_value) set_kind(argument, option);
    return argument;
}

// Adds the options and positional arguments of `app` to `command`. An option group is a
// nameless subcommand whose options belong to its parent, so they are added too.
void add_arguments(const CLI::App& app, CommandSpec& command) {
    for (const auto* option : app.get_options()) {
        if (is_hidden(*option)) continue;
        auto& list = option->nonpositional() ? command.options : command.positionals;
        list.push_back(describe_argument(*option));
    }
    for (const auto* group : app.get_subcommands([](const CLI::App* sub) { return sub->get_name().empty(); })) {
        add_arguments(*group, command);
    }
}

void describe_tree(const CLI::App& app, const std::string& path, const std::vector<ArgumentSpec>& inherited,
                   std::vector<CommandSpec>& commands) {
    CommandSpec command;
    command.path = path;
    command.inherited_options = inherited;
    add_arguments(app, command);

    auto visible = [](const CLI::App* sub) { return !sub->get_name().empty() && !sub->get_group().empty(); };
    auto subcommands = app.get_subcommands(visible);
    for (const auto* sub : subcommands) {
        // NOTE: aliases (CLI::App::alias) are not offered, because no dossier command declares one.
        command.subcommands.push_back({sub->get_name(), one_line(sub->get_description())});
    }
    auto own_options = command.options;
    commands.push_back(std::move(command));

    for (const auto* sub : subcommands) {
        // A subcommand with fallthrough passes the options it does not know to its parent.
        std::vector<ArgumentSpec> passed_down;
        if (sub->get_fallthrough()) {
            passed_down = inherited;
            passed_down.insert(passed_down.end(), own_options.begin(), own_options.end());
        }
        describe_tree(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), passed_down, commands);
    }
}

}  // namespace

std::vector<CommandSpec> describe_commands(const CLI::App& root) {
    std::vector<CommandSpec> commands;
    describe_tree(root, "", {}, commands);
    return commands;
}

std::vector<std::string> value_entries(const CommandSpec& command) {
    std::vector<std::string> entries;
    std::vector<std::string> own_names;
    for (const auto& option : command.options) {
        own_names.insert(own_names.end(), option.names.begin(), option.names.end());
        if (!option.takes_value) continue;
        for (const auto& name : option.names) entries.push_back(name + "=" + kind_token(option));
    }
    for (const auto& option : command.inherited_options) {
        if (!option.takes_value) continue;
        for (const auto& name : option.names) {
            bool shadowed = std::find(own_names.begin(), own_names.end(), name) != own_names.end();
            if (!shadowed) entries.push_back(name + "=" + kind_token(option));
        }
    }
    return entries;
}

std::vector<std::string> positional_tokens(const CommandSpec& command) {
    std::vector<std::string> tokens;
    for (const auto& positional : command.positionals) {
        tokens.push_back(kind_token(positional) + (positional.repeats ? "..." : ""));
    }
    return tokens;
}

bool is_plain_shell_word(const std::string& word) {
    return !word.empty() && word.find_first_not_of(
                                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "0123456789-_.=:,") == std::string::npos;
}

std::string posix_shell_quoted(const std::string& word) {
    if (is_plain_shell_word(word)) return word;

    std::string text = "'";
    for (char c : word) text += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return text + "'";
}

std::string kind_token(const ArgumentSpec& argument) {
    switch (argument.kind) {
        case ValueKind::text:
            return "text";
        case ValueKind::client:
            return "client";
        case ValueKind::type:
            return "type";
        case ValueKind::reference:
            return "reference";
        case ValueKind::directory:
            return "directory";
        case ValueKind::path:
            return "path";
        case ValueKind::choice: {
            std::string token = "one-of:";
            for (const auto& choice : argument.choices) token += (token.back() == ':' ? "" : ",") + choice;
            return token;
        }
    }
    return "text";
}

}  // namespace dossier::cli
