#include <fmt/format.h>

#include "context.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/terminal_renderer.hpp"
#include "output.hpp"

namespace dossier::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string_view origin_name(TypeOrigin origin) {
    switch (origin) {
        case TypeOrigin::built_in: return "built-in";
        case TypeOrigin::workspace: return "workspace";
        case TypeOrigin::overridden: return "overridden";
    }
    return "built-in";
}

std::string origin_text(TypeOrigin origin) {
    switch (origin) {
        case TypeOrigin::built_in: return tr("built-in");
        case TypeOrigin::workspace: return tr("workspace");
        case TypeOrigin::overridden: return tr("built-in, changed by the workspace");
    }
    return {};
}

void report_problems(const TypeCatalog& catalog) {
    for (const auto& problem : catalog.problems()) {
        print_notice(fmt::format(fmt::runtime(tr("unusable type file {}: {}")), problem.path.string(), problem.reason));
    }
}

Json field_json(const FieldDescription& field) {
    Json item = {{"name", field.name},         {"type", field.json_type},         {"format", field.format},
                 {"required", field.required}, {"expiration", field.expiration}, {"allowed_values", field.allowed_values},
                 {"title", field.title},       {"description", field.description}, {"example", field.example}};
    return item;
}

void run_types(Context& context, bool json) {
    const auto& catalog = context.types();
    auto language = current_language();
    report_problems(catalog);

    if (json) {
        auto array = Json::array();
        for (const auto* type : catalog.types()) {
            Json templates = Json::array();
            for (std::string_view wanted : {"en", "fr"}) {
                auto source = type->template_source(wanted);
                if (source && source->language == wanted) templates.push_back(wanted);
            }
            array.push_back({{"name", type->name()},
                             {"title", type->title(language)},
                             {"description", type->description(language)},
                             {"folder", type->folder()},
                             {"key", type->natural_key()},
                             {"origin", origin_name(type->origin())},
                             {"templates", templates}});
        }
        print_json(array);
        return;
    }

    std::size_t width = 4;
    for (const auto* type : catalog.types()) width = std::max(width, type->name().size());
    std::string text;
    for (const auto* type : catalog.types()) {
        auto folder = type->folder().empty() ? std::string("/") : type->folder() + "/";
        auto origin = type->origin() == TypeOrigin::built_in ? std::string() : " (" + origin_text(type->origin()) + ")";
        text += fmt::format("{:<{}}  {:<14}  {}{}\n", type->name(), width, folder, terminal_safe_line(type->title(language)),
                            origin);
    }
    print_data(text);
}

std::string field_line(const FieldDescription& field) {
    std::string kind = field.json_type.empty() ? std::string("any") : field.json_type;
    if (!field.format.empty()) kind += " (" + field.format + ")";
    std::vector<std::string> marks;
    if (field.required) marks.push_back(tr("required"));
    if (field.expiration) marks.push_back(tr("expiration"));
    std::string line = fmt::format("  {:<20} {:<18} {}", field.name, kind, fmt::join(marks, ", "));
    while (!line.empty() && line.back() == ' ') line.pop_back();
    line += "\n";
    std::string about = field.title;
    if (!field.description.empty()) {
        about = about.empty() ? field.description : fmt::format(fmt::runtime(tr("{}: {}")), about, field.description);
    }
    if (!about.empty()) line += "      " + terminal_safe_line(about) + "\n";
    if (!field.allowed_values.empty()) {
        line += "      " + fmt::format(fmt::runtime(tr("values: {}")), fmt::join(field.allowed_values, ", ")) + "\n";
    }
    if (!field.example.empty()) {
        line += "      " + fmt::format(fmt::runtime(tr("example: {}")), terminal_safe_line(field.example)) + "\n";
    }
    return line;
}

void run_type_show(Context& context, const std::string& name, bool json, bool schema) {
    const auto& type = context.type(name);
    auto language = current_language();
    if (schema) {
        print_json(type.schema());
        return;
    }
    auto fields = type.fields(language);
    if (json) {
        Json list = Json::array();
        for (const auto& field : fields) list.push_back(field_json(field));
        print_json({{"name", type.name()},
                    {"title", type.title(language)},
                    {"description", type.description(language)},
                    {"folder", type.folder()},
                    {"key", type.natural_key()},
                    {"origin", origin_name(type.origin())},
                    {"fields", list}});
        return;
    }

    std::string text = fmt::format("{}: {} ({})\n", type.name(), terminal_safe_line(type.title(language)),
                                   origin_text(type.origin()));
    if (!type.description(language).empty()) text += terminal_safe_line(type.description(language)) + "\n";
    text += fmt::format(fmt::runtime(tr("folder: {}")), type.folder().empty() ? "/" : type.folder() + "/") + "\n";
    if (!type.natural_key().empty()) {
        text += fmt::format(fmt::runtime(tr("identified in imports by: {}")), type.natural_key()) + "\n";
    }
    text += fmt::format("\n{}\n", tr("Fields:"));
    for (const auto& field : fields) text += field_line(field);
    page(text, context.stdout_is_terminal());
}

}  // namespace

void add_types_command(CLI::App& app, Context& context) {
    auto json = std::make_shared<bool>(false);
    auto* types = app.add_subcommand("types", tr("List the document types: built-in and the workspace's types/"));
    types->add_flag("--json", *json, tr("Print a JSON array (see docs/en/json-output.md)"));
    types->callback([&context, json] { run_types(context, *json); });

    struct ShowOptions {
        std::string name;
        bool json = false;
        bool schema = false;
    };
    auto options = std::make_shared<ShowOptions>();
    auto* type = app.add_subcommand("type", tr("Describe one document type"));
    type->require_subcommand(1);
    auto* show = type->add_subcommand("show", tr("Show a type's fields, with their formats and descriptions"));
    show->add_option("TYPE", options->name, tr("The type, such as asset"))->type_name(type_value)->required();
    show->add_flag("--json", options->json, tr("Print the description as JSON (see docs/en/json-output.md)"));
    show->add_flag("--schema", options->schema, tr("Print the effective JSON Schema, shared fields included"));
    show->callback([&context, options] { run_type_show(context, options->name, options->json, options->schema); });
}

}  // namespace dossier::cli
