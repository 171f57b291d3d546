#include <chrono>

#include <fmt/format.h>

#include "context.hpp"
#include "dossier/i18n.hpp"
#include "dossier/search_index.hpp"
#include "output.hpp"

namespace dossier::cli {
namespace {

struct IndexOptions {
    bool rebuild = false;
    bool json = false;
};

void run_index(Context& context, const IndexOptions& options) {
    auto start = std::chrono::steady_clock::now();
    SearchIndex index(context.workspace());
    auto progress = context.index_progress();
    auto summary = options.rebuild ? index.rebuild(progress) : index.refresh(progress);
    context.report_rebuild(summary);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    if (options.json) {
        static constexpr const char* reasons[] = {"none", "created", "requested", "format_changed", "damaged"};
        print_json({{"documents", summary.documents},
                    {"added", summary.added},
                    {"updated", summary.updated},
                    {"removed", summary.removed},
                    {"rebuilt", reasons[static_cast<int>(summary.rebuilt)]},
                    {"seconds", seconds},
                    {"path", index.path().string()}});
        return;
    }
    if (summary.rebuilt != RebuildReason::none) {
        print_data(fmt::format(fmt::runtime(trn("built the search index of {} document in {} ms\n",
                                                 "built the search index of {} documents in {} ms\n",
                                                 summary.documents)),
                               summary.documents, static_cast<long long>(seconds * 1000)));
        return;
    }
    print_data(fmt::format(fmt::runtime(trn("{} document indexed: {} added, {} updated, {} removed\n",
                                             "{} documents indexed: {} added, {} updated, {} removed\n",
                                             summary.documents)),
                           summary.documents, summary.added, summary.updated, summary.removed));
}

}  // namespace

void add_index_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<IndexOptions>();
    auto* command = app.add_subcommand(
        "index", tr("Bring the search index up to date with the files now (search and list do it by themselves)"));
    command->add_flag("--rebuild", options->rebuild, tr("Build the index again from scratch"));
    command->add_flag("--json", options->json, tr("Print the summary as JSON (see docs/en/json-output.md)"));
    command->callback([&context, options] { run_index(context, *options); });
}

}  // namespace dossier::cli
