#include <git2.h>
#include <cmark-gfm.h>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "context.hpp"
#include "dossier/i18n.hpp"
#include "dossier/search_index.hpp"
#include "output.hpp"

namespace dossier::cli {
namespace {

void run_version(Context& context, bool verbose) {
    print_data(fmt::format("dossier {}\n", DOSSIER_VERSION));
    if (!verbose) return;

    int major = 0, minor = 0, revision = 0;
    git_libgit2_version(&major, &minor, &revision);
    std::string text;
    text += fmt::format("libgit2 {}.{}.{}\n", major, minor, revision);
    text += fmt::format("cmark-gfm {}\n", cmark_version_string());
    text += fmt::format("fmt {}\n", FMT_VERSION);
    auto engine = search_engine_info();
    text += fmt::format("SQLite {} ({})\n", engine.sqlite_version, engine.fts5 ? tr("with FTS5") : tr("without FTS5: search cannot work"));
    text += fmt::format("{} {}\n", tr("language:"), current_language());
    std::string workspace = "-";
    try {
        workspace = context.workspace().root().string();
    } catch (const Error&) {
        // Outside a workspace the report is still useful, with "-" as the workspace.
    }
    text += fmt::format("{} {}\n", tr("workspace:"), workspace);
    if (workspace != "-") text += fmt::format("{} {}\n", tr("search index:"), search_index_path(workspace).string());
    print_data(text);
}

}  // namespace

void add_version_command(CLI::App& app, Context& context) {
    auto verbose = std::make_shared<bool>(false);
    auto* command = app.add_subcommand("version", tr("Print the version; with --verbose, also the library versions, for bug reports"));
    command->add_flag("--verbose", *verbose, tr("Also print library versions, the language and the workspace"));
    command->callback([&context, verbose] { run_version(context, *verbose); });
}

}  // namespace dossier::cli
