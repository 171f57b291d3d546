#include <algorithm>

#include <fmt/format.h>

#include "assignment.hpp"
#include "context.hpp"
#include "dossier/change.hpp"
#include "dossier/document.hpp"
#include "dossier/document_template.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/text.hpp"
#include "output.hpp"
#include "prompt.hpp"
#include "validation_report.hpp"

namespace dossier::cli {
namespace {

struct NewOptions {
    std::string type;
    std::string title;
    std::string client;
    std::string path;
    std::vector<std::string> assignments;
};

std::string trimmed(std::string_view text) {
    auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    auto end = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(begin, end - begin + 1));
}

// Returns where the new document goes: --path, or the type's folder and the title's slug.
// Throws when a document is already there, or one whose name differs only in case or accents.
// Returns the slug of `title`, cut at a hyphen to at most 80 characters so that the file name
// stays well under the 255 bytes that file systems allow.
std::string title_slug(const std::string& title) {
    constexpr std::size_t max_length = 80;
    auto slug = slugify(title);
    if (slug.size() <= max_length) return slug;
    auto cut = slug.rfind('-', max_length);
    return slug.substr(0, cut == std::string::npos || cut == 0 ? max_length : cut);
}

// Throws Error(usage) when --path is absolute, goes up, or names a hidden or space-edged part,
// which list and check would not show or a reference could not name.
void check_path_option(const std::string& path) {
    bool invalid = path.empty() || path.front() == '/';
    std::size_t start = 0;
    while (!invalid && start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        auto part = std::string_view(path).substr(start, end - start);
        invalid = part.empty() || part.front() == '.' || part.front() == ' ' || part.back() == ' ';
        start = end + 1;
    }
    if (invalid) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid --path: {}")), path),
                    tr("give a relative path inside the client repository without hidden folders or edge "
                       "spaces, such as runbooks/vpn.md"));
    }
}

Reference target_reference(Context& context, const Client& client, const DocumentType& type, const NewOptions& options) {
    std::string path = options.path;
    if (!path.empty()) check_path_option(path);
    if (path.empty()) {
        auto slug = title_slug(options.title);
        if (slug.empty()) {
            throw Error(ErrorKind::usage,
                        fmt::format(fmt::runtime(tr("cannot make a file name from the title: {}")), options.title),
                        tr("give the document's path with --path, such as --path runbooks/vpn.md"));
        }
        path = type.folder().empty() ? slug : type.folder() + "/" + slug;
    }
    auto reference = context.reference(client.slug + "/" + path, false);
    if (std::filesystem::exists(reference.file())) {
        throw Error(ErrorKind::already_exists,
                    fmt::format(fmt::runtime(tr("document already exists: {}")), reference.to_string()),
                    tr("choose another title or --path, or change that document with dossier edit"));
    }
    auto colliding = find_colliding_path(client, reference.path);
    if (!colliding.empty()) {
        throw Error(ErrorKind::conflict,
                    fmt::format(fmt::runtime(tr("{} differs from {} only in case or accents")), reference.to_string(),
                                client.slug + "/" + colliding),
                    tr("choose a name that differs in more than case or accent encoding"));
    }
    return reference;
}

bool has_value(const Document& document, const std::string& field) {
    const Value* value = document.front_matter().find(field);
    return value != nullptr && !(value->is_scalar() && value->scalar_type() == ScalarType::null);
}

std::vector<FieldDescription> missing_required_fields(const Document& document, const DocumentType& type) {
    std::vector<FieldDescription> missing;
    for (auto& field : type.fields(current_language())) {
        if (field.required && !has_value(document, field.name)) missing.push_back(std::move(field));
    }
    return missing;
}

// Prompts for `field` until the technician types a valid value. Throws Error(usage) at end of input.
void prompt_for(Document& document, const DocumentType& type, const FieldDescription& field) {
    std::string about = field.title.empty() ? field.name : fmt::format("{} ({})", field.name, field.title);
    if (!field.description.empty()) about += ": " + field.description;
    print_notice(about);
    if (!field.example.empty()) print_notice(fmt::format(fmt::runtime(tr("example: {}")), field.example));

    while (true) {
        auto answer = ask(field.name + ": ");
        if (!answer) {
            throw Error(ErrorKind::usage, tr("cancelled: no document was created"),
                        tr("give the missing fields with --set KEY=VALUE"));
        }
        auto value = trimmed(*answer);
        if (value.empty()) {
            print_notice(tr("a value is required (Ctrl-D cancels)"));
            continue;
        }
        document.set(field.name, yaml_for_field(&type, field.name, value));
        auto violations = type.validate(document.front_matter());
        auto about_field = std::find_if(violations.begin(), violations.end(),
                                        [&](const auto& violation) { return violation.field == field.name; });
        if (about_field == violations.end()) return;
        print_notice(about_field->message);
    }
}

void run_new(Context& context, const NewOptions& options) {
    const auto& type = context.type(options.type);
    auto client = context.client(options.client);
    if (trimmed(options.title).empty()) {
        throw Error(ErrorKind::usage, tr("the title is empty"), tr("give a title, such as \"Reset the office VPN\""));
    }
    if (type.name() == "note" && !options.assignments.empty()) {
        throw Error(ErrorKind::usage, tr("a note has no front matter, so --set does not apply"),
                    tr("choose a type with fields, such as kb, or remove --set"));
    }

    auto repository = git::Repository::open(client.directory);
    auto technician = context.technician(&repository);
    TemplateValues values{trimmed(options.title), context.today(), technician ? technician->id : std::string(),
                          technician ? technician->name : std::string(), client.name, client.slug};
    auto source = type.template_source(current_language()).value_or(generated_template(type));
    auto reference = target_reference(context, client, type, options);
    auto document = Document::parse(render_template(source, values, type), reference.file().string());

    std::vector<std::string> keys;
    for (const auto& assignment : options.assignments) {
        auto [key, value] = split_assignment(assignment);
        if (key == "type") {
            throw Error(ErrorKind::usage, tr("the type is the TYPE argument, so --set type= is not allowed"),
                        fmt::format(fmt::runtime(tr("for a document of type {}, run dossier new {} TITLE --client CLIENT")), value, value));
        }
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
            throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("key given twice: {}")), key), tr("give each key once"));
        }
        document.set(key, yaml_for_field(&type, key, value));
        keys.push_back(key);
    }

    // A note has no front matter, so there is nothing to ask for or validate.
    auto missing = document.has_front_matter() ? missing_required_fields(document, type)
                                               : std::vector<FieldDescription>();
    if (!missing.empty() && !can_prompt()) {
        std::vector<std::string> names;
        for (const auto& field : missing) names.push_back(field.name);
        throw Error(ErrorKind::usage,
                    fmt::format(fmt::runtime(tr("missing required fields of type {}: {}")), type.name(),
                                fmt::join(names, ", ")),
                    fmt::format(fmt::runtime(tr("give them with --set, such as --set {}={}")), missing.front().name,
                                missing.front().example.empty() ? "…" : missing.front().example));
    }
    for (const auto& field : missing) prompt_for(document, type, field);

    if (document.has_front_matter()) {
        throw_if_invalid(type, document, tr("the new document would not be valid"),
                         tr("correct the values with --set KEY=VALUE; dossier type show TYPE describes the fields"));
    }

    Change change(repository);
    change.write(reference.path, document.to_bytes());
    auto commit = change.commit(fmt::format("new {}: {}", type.name(), reference.path), context.author(&repository));
    print_data(reference.to_string() + "\n");
    print_notice(fmt::format(fmt::runtime(tr("created {} (commit {})")), reference.to_string(),
                             commit ? commit->substr(0, 8) : std::string("-")));
}

}  // namespace

void add_new_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<NewOptions>();
    auto* command = app.add_subcommand("new", tr("Create a document from its type's template, validate it and commit"));
    command->add_option("TYPE", options->type, tr("The document's type, such as runbook (dossier types lists them)"))
        ->type_name(type_value)
        ->required();
    command->add_option("TITLE", options->title, tr("The document's title; its slug names the file"))->required();
    command->add_option("--client", options->client, tr("The client (its slug)"))->type_name(client_value)->required();
    command->add_option("--set", options->assignments,
                        tr("A field and its value, such as --set hostname=srv-01 (repeat for several fields)"))
        ->option_text("KEY=VALUE")
        ->allow_extra_args(false);
    command->add_option("--path", options->path,
                        tr("Where to write the document in the client repository, in place of <folder of the "
                           "type>/<slug of the title>.md"));
    command->callback([&context, options] { run_new(context, *options); });
}

}  // namespace dossier::cli
