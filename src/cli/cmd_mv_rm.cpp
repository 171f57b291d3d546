#include <fmt/format.h>

#include "context.hpp"
#include "credential_file.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/change.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/links.hpp"
#include "output.hpp"

namespace dossier::cli {
namespace {

struct MoveOptions {
    std::string from;
    std::string to;
};

std::string without_extension(const std::string& path) { return path.substr(0, path.size() - 3); }

// Checks that `target` can receive the document: same client, free, no case or Unicode twin.
void check_move_target(const Reference& source, const Reference& target) {
    if (target.client.slug != source.client.slug) {
        throw Error(ErrorKind::usage,
                    fmt::format(fmt::runtime(tr("cannot move {} to another client: {}")), source.to_string(),
                                target.client.slug),
                    tr("a move stays inside one client repository; copy the document and remove the old one"));
    }
    if (target.path == source.path) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("the new reference is the same as the old one: {}")), source.to_string()));
    }
    if (std::filesystem::exists(target.file())) {
        throw Error(ErrorKind::already_exists,
                    fmt::format(fmt::runtime(tr("document already exists: {}")), target.to_string()),
                    tr("choose another name, or remove that document first with dossier rm"));
    }
    auto colliding = find_colliding_path(target.client, target.path);
    if (!colliding.empty() && colliding != source.path) {
        throw Error(ErrorKind::conflict,
                    fmt::format(fmt::runtime(tr("{} differs from {} only in case or accents")), target.to_string(),
                                target.client.slug + "/" + without_extension(colliding)),
                    tr("choose a name that differs in more than case or accent encoding"));
    }
}

// Resolves the new reference. Like mv(1), a folder ("acme/procedures/", or an existing
// folder) receives the document under its current file name.
Reference resolve_move_target(Context& context, const Reference& source, const std::string& text) {
    auto target = context.reference(text, false);
    bool into_folder =
        text.ends_with('/') || std::filesystem::is_directory(target.client.directory / without_extension(target.path));
    if (!into_folder) return target;
    return context.reference(text + "/" + std::filesystem::path(source.path).filename().string(), false);
}

void run_mv(Context& context, const MoveOptions& options) {
    auto source = context.reference(options.from, true);
    auto target = resolve_move_target(context, source, options.to);
    check_move_target(source, target);

    auto repository = git::Repository::open(source.client.directory);
    Change change(repository);
    auto author = context.author(&repository);

    std::vector<std::pair<std::string, std::string>> rewritten;
    for (const auto& path : list_documents(source.client)) {
        if (path == source.path) continue;
        auto text = read_file(source.client.directory / path);
        auto updated = rewrite_links_to(text, path, source.path, target.path);
        if (auto related = rewrite_related(updated, path, source.client.slug, source.path, target.path)) {
            updated = std::move(*related);
        }
        if (updated != text) rewritten.emplace_back(path, std::move(updated));
    }

    auto moved = rebase_relative_links(read_file(source.file()), source.path, target.path);
    moved = rewrite_links_to(moved, target.path, source.path, target.path);  // links to itself
    moved = rebind_moved_secret(context, source, target, moved);
    change.write(target.path, moved);
    std::filesystem::permissions(target.file(), std::filesystem::status(source.file()).permissions());  // keep 600 or 755
    change.remove(source.path);
    for (const auto& [path, text] : rewritten) change.write(path, text);
    auto commit = change.commit(
        fmt::format("move {} to {}", without_extension(source.path), without_extension(target.path)), author);

    print_notice(fmt::format(fmt::runtime(tr("moved {} to {} (commit {})")), source.to_string(), target.to_string(),
                             commit ? commit->substr(0, 8) : std::string("-")));
    if (!rewritten.empty()) {
        print_notice(fmt::format(fmt::runtime(trn("updated links or related entries in {} document",
                                                  "updated links or related entries in {} documents",
                                                  rewritten.size())),
                                 rewritten.size()));
    }
}

void run_rm(Context& context, const std::string& text) {
    auto reference = context.reference(text, true);
    auto repository = git::Repository::open(reference.client.directory);
    Change change(repository);
    auto author = context.author(&repository);

    // History can only bring back what a commit contains, so uncommitted bytes would be lost.
    if (repository.is_modified(reference.path)) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("{} has uncommitted changes: removing it would lose them")),
                                reference.to_string()),
                    fmt::format(fmt::runtime(tr("commit them first (git -C {} commit), or delete the file yourself")),
                                reference.client.directory.string()));
    }

    change.remove(reference.path);
    auto commit = change.commit(fmt::format("remove {}", without_extension(reference.path)), author);
    print_notice(fmt::format(fmt::runtime(tr("removed {} (commit {}); dossier restore {} --to {}~1 brings it back")),
                             reference.to_string(), commit ? commit->substr(0, 8) : std::string("-"),
                             reference.to_string(), commit ? commit->substr(0, 8) : std::string("HEAD")));
}

}  // namespace

void add_mv_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<MoveOptions>();
    auto* command = app.add_subcommand("mv", tr("Rename or move a document and update links to it"));
    command->add_option("REF", options->from, tr("The document to move"))->type_name(reference_value)->required();
    command->add_option("NEWREF", options->to, tr("Its new reference, in the same client"))
        ->type_name(reference_value)->required();
    command->callback([&context, options] { run_mv(context, *options); });
}

void add_rm_command(CLI::App& app, Context& context) {
    auto reference = std::make_shared<std::string>();
    auto* command = app.add_subcommand("rm", tr("Remove a document (history keeps it)"));
    command->add_option("REF", *reference, tr("The document to remove"))->type_name(reference_value)->required();
    command->callback([&context, reference] { run_rm(context, *reference); });
}

}  // namespace dossier::cli
