#include <fmt/format.h>

#include "context.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "output.hpp"

namespace dossier::cli {
namespace {

struct InitOptions {
    std::string directory;  // empty: the folder named by -C, else the current folder
};

void run_init(Context& context, const InitOptions& options) {
    std::string directory = options.directory;
    if (directory.empty()) directory = context.options.workspace_dir;
    if (directory.empty()) directory = ".";
    std::filesystem::path root = std::filesystem::absolute(directory).lexically_normal();
    if (!root.has_filename()) root = root.parent_path();  // "ws/." normalises to "ws/"
    if (Workspace::find_root({root, root, std::nullopt})) {
        print_notice(fmt::format(fmt::runtime(tr("a workspace already exists at {}: nothing changed")), root.string()));
        return;
    }
    if (auto outer = Workspace::find_root({std::nullopt, root.parent_path(), std::nullopt})) {
        auto relative = root.lexically_relative(*outer / "clients");
        if (!relative.empty() && *relative.begin() != "..") {
            throw Error(ErrorKind::usage,
                        fmt::format(fmt::runtime(tr("cannot create a workspace inside a client: {}")), root.string()),
                        fmt::format(fmt::runtime(tr("run dossier init in a folder outside {}")), outer->string()));
        }
    }

    std::unique_ptr<git::Repository> existing;
    if (git::Repository::exists(root)) existing = std::make_unique<git::Repository>(git::Repository::open(root));
    auto author = resolve_author({}, "", existing.get());
    auto language = context.options.language.empty() ? current_language() : context.options.language;

    Workspace::init(root, language, author);
    print_notice(fmt::format(fmt::runtime(tr("created a workspace at {}")), root.string()));
    print_notice(tr("next: dossier client add \"Client name\""));
}

}  // namespace

void add_init_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<InitOptions>();
    auto* command = app.add_subcommand("init", tr("Create a workspace (a Git repository) in DIR"));
    command->add_option("DIR", options->directory,
                        tr("Folder of the new workspace (default: the folder given with -C, else the current folder)"))
        ->type_name(directory_value);
    command->callback([&context, options] { run_init(context, *options); });
}

}  // namespace dossier::cli
