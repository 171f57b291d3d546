#include <cctype>

#include <algorithm>

#include <fmt/format.h>

#include "context.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/change.hpp"
#include "dossier/document.hpp"
#include "dossier/document_template.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "assignment.hpp"
#include "validation_report.hpp"
#include "output.hpp"

namespace dossier::cli {
namespace {

struct SetOptions {
    std::string reference;
    std::vector<std::string> assignments;
    std::vector<std::string> removals;
    bool as_string = false;
};

void run_set(Context& context, const SetOptions& options) {
    if (options.assignments.empty() && options.removals.empty()) {
        throw Error(ErrorKind::usage, tr("nothing to set: give KEY=VALUE or --unset KEY"),
                    tr("for example: dossier set acme/runbooks/vpn-reset owner=jdupont"));
    }
    auto reference = context.reference(options.reference, true);
    auto repository = git::Repository::open(reference.client.directory);
    Change change(repository);
    auto document = Document::parse(read_file(reference.file()), reference.file().string());
    const DocumentType* type = document.has_front_matter() ? context.types().find(document.type()) : nullptr;
    auto violations_before = type != nullptr ? violation_messages(*type, document) : std::vector<std::string>();

    std::vector<std::string> keys;
    for (const auto& assignment : options.assignments) {
        auto [key, value] = split_assignment(assignment);
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
            throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("key given twice: {}")), key),
                        tr("give each key once"));
        }
        document.set(key, options.as_string ? yaml_quote_string(value) : yaml_for_field(type, key, value));
        keys.push_back(key);
    }
    for (const auto& key : options.removals) {
        if (!document.remove(key)) {
            throw Error(ErrorKind::not_found,
                        fmt::format(fmt::runtime(tr("key not found in {}: {}")), reference.to_string(), key));
        }
        keys.push_back(key);
    }

    // The keys may have changed the type. Only violations that the change adds are rejected, so
    // that a document that was already invalid can still be corrected one key at a time.
    type = document.has_front_matter() ? context.types().find(document.type()) : nullptr;
    if (type != nullptr) {
        throw_if_invalid(*type, document,
                         fmt::format(fmt::runtime(tr("the change would make the document invalid for its type {}")),
                                     type->name()),
                         fmt::format(fmt::runtime(tr("nothing was written; dossier type show {} describes the fields")),
                                     type->name()),
                         violations_before);
    }

    auto author = context.author(&repository);
    change.write(reference.path, document.to_bytes());
    auto shown_path = reference.path.substr(0, reference.path.size() - 3);
    auto commit = change.commit(fmt::format("set {} on {}", fmt::join(keys, ", "), shown_path), author);
    if (!commit) {
        print_notice(fmt::format(fmt::runtime(tr("{} already had these values: nothing changed")), reference.to_string()));
        return;
    }
    print_notice(fmt::format(fmt::runtime(tr("updated {} (commit {})")), reference.to_string(), commit->substr(0, 8)));
}

}  // namespace

void add_set_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<SetOptions>();
    auto* command = app.add_subcommand("set", tr("Change front-matter keys of a document and commit"));
    command->add_option("REF", options->reference, tr("The document, such as acme/runbooks/vpn-reset"))
        ->type_name(reference_value)->required();
    command->add_option("KEY=VALUE", options->assignments,
                        tr("A key and its value, read as YAML reads it (true, 2026-11-02, 12 are typed)"));
    command->add_option("--unset", options->removals, tr("Remove KEY from the front matter (repeat for several keys)"))
        ->option_text("KEY")
        ->allow_extra_args(false);
    command->add_flag("--string", options->as_string, tr("Store every VALUE as text, quoted when needed"));
    command->callback([&context, options] { run_set(context, *options); });
}

}  // namespace dossier::cli
