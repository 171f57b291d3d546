// The context every command receives: global options, the workspace, the author and output streams.
#pragma once

#include <chrono>
#include <filesystem>
#include <string_view>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "dossier/age.hpp"
#include "dossier/error.hpp"
#include "dossier/git_repository.hpp"
#include "dossier/reference.hpp"
#include "dossier/search_index.hpp"
#include "dossier/type_catalog.hpp"
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
    // The exit status of a command that succeeds with a result other than success (check's findings).
    ExitCode exit_status = ExitCode::success;
    std::filesystem::path current_dir = std::filesystem::current_path();

    // Returns the workspace found from -C, the current folder or DOSSIER_WORKSPACE, opened
    // on first use. Throws Error(not_found) saying how to create one.
    const Workspace& workspace();

    // Returns the workspace as workspace() finds it, or nullptr when there is none.
    const Workspace* find_workspace();

    // Returns the types: the built-in ones with the workspace's types/ applied when there is a
    // workspace. Loaded on first use; unusable type files are in problems().
    const TypeCatalog& types();

    // Returns the client with `slug`, or throws Error(not_found) with "did you mean".
    Client client(const std::string& slug);

    // Resolves a document reference given on the command line.
    Reference reference(const std::string& text, bool must_exist);

    // Returns the type named `name`, or throws Error(not_found) with "did you mean", or
    // Error(invalid_input) when the workspace's schema of that type is unusable.
    const DocumentType& type(const std::string& name);

    // Returns the workspace's search index, brought up to date with the files first unless
    // `cached`. Says on standard error why the index was rebuilt, if it was, and shows progress
    // on a terminal while many documents are read.
    SearchIndex& search_index(bool cached = false);

    // Returns a callback that shows "indexing N/M documents" on a terminal when there are many.
    IndexProgress index_progress() const;

    // Prints on standard error the reason the index was rebuilt, when `summary` records a rebuild.
    void report_rebuild(const RefreshSummary& summary) const;

    // Returns the technician running the command: DOSSIER_TECHNICIAN, else the member of
    // team/team.yaml whose e-mail is the commit author's. Returns nullopt when neither matches.
    std::optional<Technician> technician(const git::Repository* repository);

    // Returns the author for commits in `repository` (team/team.yaml, then Git's configuration).
    git::Signature author(const git::Repository* repository);

    // Returns today's date as YYYY-MM-DD in the workspace's time zone (`time_zone:` of
    // dossier.yaml), else the machine's. DOSSIER_TODAY overrides it, and DOSSIER_NOW (Unix
    // seconds) sets the instant, for tests.
    std::string today();

    // Returns the Unix time: DOSSIER_NOW when set, else the clock's.
    std::int64_t now() const;

    // Writes `message` with the milliseconds since start to standard error when --debug is set.
    void debug(std::string_view message) const;

    bool stdout_is_terminal() const;
    bool color_stdout() const;  // a terminal and NO_COLOR unset
    bool color_stderr() const;

    // Returns the technician's age identities, read from the identity file on first use; a
    // passphrase-protected file asks for its passphrase once per command.
    const std::vector<age::Identity>& identities();

private:
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    WorkspaceSearch workspace_search() const;

    std::optional<Workspace> workspace_;
    std::optional<TypeCatalog> types_;
    std::optional<SearchIndex> index_;
    std::optional<std::vector<age::Identity>> identities_;
};

// Type names that tag what an option or a positional argument takes. Help shows them in place
// of TEXT, and the shell completion scripts offer the matching values. A command declares one
// with ->type_name(client_value).
inline constexpr const char* client_value = "CLIENT";  // a client slug
inline constexpr const char* type_value = "TYPE";      // a document type
inline constexpr const char* reference_value = "REF";  // a document reference
inline constexpr const char* directory_value = "DIR";  // a folder
inline constexpr const char* path_value = "PATH";      // a file or a folder

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
void add_import_command(CLI::App& app, Context& context);
// Adds `csv` and `json` to the `import` command.
void add_record_import_commands(CLI::App& import_command, Context& context);
// Adds `itglue` to the `import` command.
void add_itglue_import_command(CLI::App& import_command, Context& context);
// Adds `hudu` to the `import` command.
void add_hudu_import_command(CLI::App& import_command, Context& context);
void add_version_command(CLI::App& app, Context& context);
void add_types_command(CLI::App& app, Context& context);
void add_check_command(CLI::App& app, Context& context);
void add_hook_command(CLI::App& app, Context& context);
void add_review_command(CLI::App& app, Context& context);  // also adds review done
void add_expiring_command(CLI::App& app, Context& context);
void add_completion_command(CLI::App& app, Context& context);  // also adds the hidden __complete
void add_search_command(CLI::App& app, Context& context);
void add_index_command(CLI::App& app, Context& context);
void add_new_command(CLI::App& app, Context& context);
void add_edit_command(CLI::App& app, Context& context);
void add_sync_command(CLI::App& app, Context& context);  // also adds resolve
void add_remote_command(CLI::App& app, Context& context);  // also adds clone
void add_key_command(CLI::App& app, Context& context);
void add_secret_command(CLI::App& app, Context& context);
void add_otp_command(CLI::App& app, Context& context);
void add_team_command(CLI::App& app, Context& context);
void add_access_command(CLI::App& app, Context& context);
void add_merge_driver_command(CLI::App& app, Context& context);  // hidden: run by git merge

}  // namespace dossier::cli
