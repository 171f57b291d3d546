// dossier merge-driver: the Git merge driver that `hook install` registers for Markdown files.
#include <filesystem>

#include <fmt/format.h>

#include "conflict_resolver.hpp"
#include "context.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/reference.hpp"
#include "output.hpp"

namespace fs = std::filesystem;

namespace dossier::cli {
namespace {

struct MergeDriverOptions {
    std::string base;    // %O: a temporary file with the common ancestor's version
    std::string ours;    // %A: our version, which receives the result
    std::string theirs;  // %B: their version
    std::string path;    // %P: the path of the merged file in the repository
};

// Returns the client whose repository is the current folder, where Git runs merge drivers.
Client current_client(Context& context) {
    const auto& workspace = context.workspace();
    std::error_code error;
    for (auto& client : workspace.clients()) {
        if (fs::equivalent(client.directory, context.current_dir, error)) return client;
    }
    throw Error(ErrorKind::not_found,
                fmt::format(fmt::runtime(tr("{} is not the repository of a client of the workspace {}")),
                            context.current_dir.string(), workspace.root().string()),
                tr("the merge driver runs in the client repositories of a workspace; run dossier hook install there"));
}

void run_merge_driver(Context& context, const MergeDriverOptions& options) {
    auto base = read_file(options.base);
    auto ours = read_file(options.ours);
    auto theirs = read_file(options.theirs);

    const Reference reference{current_client(context), options.path};
    ConflictResolver resolver(context, reference.client);
    auto outcome = resolver.merge(options.path, base, ours, theirs);
    if (outcome.merged) {
        write_file_atomically(options.ours, *outcome.merged);
        return;
    }

    print_notice(outcome.reason);
    if (outcome.marked) {
        write_file_atomically(options.ours, *outcome.marked);
    } else {
        print_notice(fmt::format(fmt::runtime(tr("{} keeps our version, without conflict markers that would cut its "
                                                 "secret: add the other side's changes by hand (dossier secret edit {} "
                                                 "for the secret fields), then run git add {}")),
                                 options.path, reference.to_string(), options.path));
    }
    context.exit_status = ExitCode::findings;
}

}  // namespace

void add_merge_driver_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<MergeDriverOptions>();
    auto* driver = app.add_subcommand(
        "merge-driver", tr("Merge three versions of a document for git merge; exit status 1 leaves a conflict"));
    driver->group("");  // run by Git through the merge.dossier.driver setting, not by people
    driver->add_option("BASE", options->base, tr("The common ancestor's version (Git's %O)"))->required();
    driver->add_option("OURS", options->ours, tr("Our version, replaced by the merged file (Git's %A)"))->required();
    driver->add_option("THEIRS", options->theirs, tr("Their version (Git's %B)"))->required();
    driver->add_option("PATH", options->path, tr("The path of the file in the repository (Git's %P)"))->required();
    driver->callback([&context, options] { run_merge_driver(context, *options); });
}

}  // namespace dossier::cli
