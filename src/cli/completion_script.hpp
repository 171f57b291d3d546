// Shell completion scripts for bash, zsh and fish, generated from the CLI11 declarations.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace dossier::cli {

// The kind of value that an option or a positional argument takes, which decides what the
// completion scripts offer for it.
enum class ValueKind {
    text,       // free text: nothing to offer
    client,     // a client slug, from "dossier __complete clients"
    type,       // a document type, from "dossier __complete types"
    reference,  // a document reference, from "dossier __complete references"
    directory,  // a folder, completed by the shell
    path,       // a file or a folder, completed by the shell
    choice,     // one of a fixed list, from a CLI::IsMember validator
};

// An option or a positional argument of one command.
struct ArgumentSpec {
    std::vector<std::string> names;  // "-n", "--limit"; empty for a positional argument
    std::string description;         // one line
    bool takes_value = true;         // false for a flag
    ValueKind kind = ValueKind::text;
    std::vector<std::string> choices;  // the allowed values when `kind` is choice
    bool repeats = false;              // a positional argument that takes every remaining word
};

// A subcommand as its parent lists it.
struct SubcommandSpec {
    std::string name;
    std::string description;
};

// One command of the tree: the root or a subcommand at any depth.
struct CommandSpec {
    std::string path;  // the command names after the root's, joined by spaces: "", "list", "type show"
    std::vector<SubcommandSpec> subcommands;
    std::vector<ArgumentSpec> options;            // declared by this command, flags included
    std::vector<ArgumentSpec> inherited_options;  // options of the parents that this command accepts too
    std::vector<ArgumentSpec> positionals;
};

// Returns the root and every subcommand under it, depth first, in declaration order. Commands
// and options in the hidden group (CLI11's group("")) are left out. An option's kind comes from
// its type name (client_value, type_value… of context.hpp), then from its validators: IsMember
// gives a choice, ExistingDirectory a directory, ExistingFile and ExistingPath a path.
std::vector<CommandSpec> describe_commands(const CLI::App& root);

// Returns true when `word` has only letters, digits and -_.=:, so that every shell reads it
// as it is, without quotes.
bool is_plain_shell_word(const std::string& word);

// Returns `word` as bash and zsh read it: as it is when it is a plain shell word, else in
// single quotes.
std::string posix_shell_quoted(const std::string& word);

// Returns the kind as the scripts write it: "client", "directory", "one-of:fr,en"…
std::string kind_token(const ArgumentSpec& argument);

// Returns "OPTION=KIND" for each name of each option that takes a value, the inherited ones
// included: the scripts look them up to tell an option's value from a positional argument.
std::vector<std::string> value_entries(const CommandSpec& command);

// Returns the kind of each positional argument, with "..." after one that repeats.
std::vector<std::string> positional_tokens(const CommandSpec& command);

// Return the completion script of each shell for `commands` (from describe_commands). The
// scripts ask "PROGRAM __complete KIND PREFIX" for clients, types and references, passing on
// the -C option of the command line being completed.
std::string bash_script(const std::vector<CommandSpec>& commands);
std::string zsh_script(const std::vector<CommandSpec>& commands);
std::string fish_script(const std::vector<CommandSpec>& commands);

}  // namespace dossier::cli
