// The context every command receives: global options, the workspace, the author and output streams.
#pragma once

#include <chrono>
#include <filesystem>
#include <string_view>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "dossier/git_repository.hpp"
#include "dossier/reference.hpp"
#include "dossier/workspace.hpp"

namespace dossier::cli {

struct GlobalOptions {
    std::string workspace_dir;  // -C
    std::string language;       // --lang
    bool debug = false;
};

class Context {
public:
    GlobalOptions options;
    std::filesystem::path current_dir = std::filesystem::current_path();

    // Returns the workspace found from -C, the current folder or DOSSIER_WORKSPACE, opened
    // on first use. Throws Error(not_found) saying how to create one.
    const Workspace& workspace();

    // Returns the client with `slug`, or throws Error(not_found) with "did you mean".
    Client client(const std::string& slug);

    // Resolves a document reference given on the command line.
    Reference reference(const std::string& text, bool must_exist);

    // Returns the author for commits in `repository` (team/team.yaml, then Git's configuration).
    git::Signature author(const git::Repository* repository);

    // Returns today's date as YYYY-MM-DD in the local time zone (DOSSIER_TODAY overrides it for tests).
    std::string today() const;

    // Writes `message` with the milliseconds since start to standard error when --debug is set.
    void debug(std::string_view message) const;

    bool stdout_is_terminal() const;
    bool color_stdout() const;  // a terminal and NO_COLOR unset
    bool color_stderr() const;

private:
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::optional<Workspace> workspace_;
};

// Adds a command's subcommand to `app`; the command runs from its CLI11 callback.
void add_init_command(CLI::App& app, Context& context);
void add_client_command(CLI::App& app, Context& context);
void add_show_command(CLI::App& app, Context& context);
void add_list_command(CLI::App& app, Context& context);
void add_set_command(CLI::App& app, Context& context);
void add_mv_command(CLI::App& app, Context& context);
void add_rm_command(CLI::App& app, Context& context);
void add_log_command(CLI::App& app, Context& context);
void add_diff_command(CLI::App& app, Context& context);
void add_restore_command(CLI::App& app, Context& context);
void add_version_command(CLI::App& app, Context& context);

}  // namespace dossier::cli
