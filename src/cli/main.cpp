// The dossier command: parses the command line, runs one command, maps errors to exit codes.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "context.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "output.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::Error;
using dossier::ErrorKind;
using dossier::ExitCode;
using dossier::tr;

// Returns the folder of compiled catalogues: the build tree when run from it, else the
// installed share/locale next to the binary's prefix.
std::string locale_directory() {
    std::error_code error;
    auto executable = fs::read_symlink("/proc/self/exe", error);
    if (!error) {
        auto installed = executable.parent_path().parent_path() / "share" / "locale";
        if (fs::exists(installed / "fr" / "LC_MESSAGES" / "dossier.mo")) return installed.string();
    }
    if (fs::exists(fs::path(DOSSIER_BUILD_LOCALEDIR) / "fr" / "LC_MESSAGES" / "dossier.mo")) {
        return DOSSIER_BUILD_LOCALEDIR;
    }
    return DOSSIER_INSTALL_LOCALEDIR;
}

// Returns --lang's value from argv before CLI11 runs, so that help text is translated too.
std::string language_argument(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view argument = argv[i];
        if (argument == "--lang" && i + 1 < argc) return argv[i + 1];
        if (argument.starts_with("--lang=")) return std::string(argument.substr(7));
    }
    return {};
}

// Throws a usage error with "did you mean" when the first word is not a command.
void check_command_name(const CLI::App& app, int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view argument = argv[i];
        if (argument == "-C" || argument == "--lang") {
            ++i;
            continue;
        }
        if (argument.starts_with('-')) continue;

        std::vector<std::string> names;
        for (const auto* command : app.get_subcommands({})) {
            if (command->get_name() == argument) return;
            if (!command->get_group().empty()) names.push_back(command->get_name());  // hidden ones are not suggested
        }

        auto matches = dossier::closest_matches(std::string(argument), names);
        std::string hint = matches.empty()
                               ? std::string(tr("run \"dossier --help\" to see the commands"))
                               : fmt::format(fmt::runtime(tr("did you mean {}?")), fmt::join(matches, ", "));
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("unknown command: {}")), argument), hint);
    }
}

// CLI11's help with two changes: a positional argument whose type name is its own name shows
// it once ("REF REQUIRED", not "REF REF REQUIRED"), and the labels are translated.
class HelpFormatter : public CLI::Formatter {
public:
    HelpFormatter() {
        label("REQUIRED", tr("REQUIRED"));
        label("Positionals", tr("Positionals"));
        label("Options", tr("Options"));
        label("Subcommands", tr("Subcommands"));
        label("Usage", tr("Usage"));
    }

    std::string make_option_opts(const CLI::Option* option) const override {
        bool named_by_type = option->get_option_text().empty() && !option->nonpositional() &&
                             option->get_type_name() == option->get_name();
        if (!named_by_type) return CLI::Formatter::make_option_opts(option);
        std::string text;
        if (option->get_expected_max() == CLI::detail::expected_max_vector_size) text += " ...";
        if (option->get_required()) text += " " + get_label("REQUIRED");
        return text;
    }
};

int run(int argc, char** argv) {
    std::string language = language_argument(argc, argv);
    if (!language.empty() && language != "fr" && language != "en") {
        std::cerr << fmt::format("dossier: error: invalid language: {}\nhint: use --lang fr or --lang en\n", language);
        return static_cast<int>(ExitCode::usage);
    }
    dossier::set_up_translations(language, locale_directory());

    dossier::cli::Context context;
    CLI::App app{tr("dossier keeps an MSP's client documentation in Git: typed Markdown documents, "
                    "history, checks and search."),
                 "dossier"};
    app.formatter(std::make_shared<HelpFormatter>());
    app.set_version_flag("--version", std::string("dossier ") + DOSSIER_VERSION, tr("Print the version and exit"));
    app.set_help_flag("-h,--help", tr("Print this help and exit"));
    app.set_help_all_flag("--help-all", tr("Print the help of every command and exit"));
    app.require_subcommand(1);
    app.fallthrough();
    app.add_option("-C", context.options.workspace_dir, tr("Use the workspace in DIR instead of searching for it"))
        ->option_text("DIR")
        ->type_name(dossier::cli::directory_value);
    app.add_option("--lang", context.options.language, tr("Language of messages: fr or en (default: the locale)"))
        ->check(CLI::IsMember({"fr", "en"}));
    app.add_flag("--debug", context.options.debug, tr("Print timings and details on standard error"));

    dossier::cli::add_init_command(app, context);
    dossier::cli::add_client_command(app, context);
    dossier::cli::add_show_command(app, context);
    dossier::cli::add_list_command(app, context);
    dossier::cli::add_search_command(app, context);
    dossier::cli::add_index_command(app, context);
    dossier::cli::add_set_command(app, context);
    dossier::cli::add_mv_command(app, context);
    dossier::cli::add_rm_command(app, context);
    dossier::cli::add_log_command(app, context);
    dossier::cli::add_diff_command(app, context);
    dossier::cli::add_restore_command(app, context);
    dossier::cli::add_import_command(app, context);
    dossier::cli::add_version_command(app, context);
    dossier::cli::add_types_command(app, context);
    dossier::cli::add_check_command(app, context);
    dossier::cli::add_hook_command(app, context);
    dossier::cli::add_review_command(app, context);
    dossier::cli::add_expiring_command(app, context);
    dossier::cli::add_new_command(app, context);
    dossier::cli::add_edit_command(app, context);
    dossier::cli::add_secret_command(app, context);
    dossier::cli::add_otp_command(app, context);
    dossier::cli::add_key_command(app, context);
    dossier::cli::add_team_command(app, context);
    dossier::cli::add_access_command(app, context);
    dossier::cli::add_remote_command(app, context);
    dossier::cli::add_sync_command(app, context);
    dossier::cli::add_completion_command(app, context);
    dossier::cli::add_merge_driver_command(app, context);

    try {
        check_command_name(app, argc, argv);
        app.parse(argc, argv);
        context.debug("command finished");
        return static_cast<int>(context.exit_status);
    } catch (const CLI::ParseError& error) {
        if (error.get_exit_code() == 0) return app.exit(error);  // --help, --help-all and --version
        std::cerr << fmt::format("dossier: {} {}\n", tr("error:"), error.what());
        std::string command = "dossier";
        for (const CLI::App* selected = &app; !selected->get_subcommands().empty();) {
            selected = selected->get_subcommands().front();
            command += " " + selected->get_name();
        }
        std::string hint = fmt::format(fmt::runtime(tr("run \"{} --help\" for its usage")), command);
        // "dossier search -vpn": CLI11 reads the excluded word as an option.
        if ((command == "dossier search" || command == "dossier list") &&
            dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
            hint = tr("to exclude a word with -word, put -- before the query: dossier search -- vpn -test");
        }
        std::cerr << fmt::format("{} {}\n", tr("hint:"), hint);
        return static_cast<int>(ExitCode::usage);
    } catch (const Error& error) {
        dossier::cli::print_error(error, context.color_stderr());
        return static_cast<int>(error.exit_code());
    }
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& error) {
        // A fault of dossier itself, not of the input: report it as such rather than abort.
        std::cerr << fmt::format("dossier: internal error: {}\n", error.what());
        return static_cast<int>(ExitCode::failure);
    }
}
