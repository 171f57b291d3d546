#include "dossier/type_catalog.hpp"

#include <algorithm>
#include <exception>

#include <fmt/format.h>

#include "builtin_files.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/text.hpp"

namespace dossier {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view schema_suffix = ".schema.json";
constexpr std::array<std::string_view, 2> languages = {"en", "fr"};

// Returns the x-dossier text `key` ("title", "description") of `node` in `language`, falling
// back to the schema's own English keyword.
std::string localized(const Json& node, std::string_view key, std::string_view language) {
    auto extension = node.find("x-dossier");
    if (extension != node.end() && extension->is_object()) {
        auto translation = extension->find(std::string(language));
        if (translation != extension->end() && translation->is_object()) {
            auto text = translation->find(std::string(key));
            if (text != translation->end() && text->is_string()) return text->get<std::string>();
        }
    }
    auto text = node.find(std::string(key));
    return text != node.end() && text->is_string() ? text->get<std::string>() : std::string();
}

std::string extension_string(const Json& node, std::string_view key) {
    auto extension = node.find("x-dossier");
    if (extension == node.end() || !extension->is_object()) return {};
    auto value = extension->find(std::string(key));
    return value != extension->end() && value->is_string() ? value->get<std::string>() : std::string();
}

std::string scalar_text(const Json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

// Returns the schema of a type with the shared fields merged in, as docs/formats/types.md specifies.
Json merge_common_fields(const Json& type_schema, const Json& common) {
    Json merged = type_schema;
    Json properties = Json::object();
    const Json own = type_schema.value("properties", Json::object());
    const Json shared = common.value("properties", Json::object());
    for (std::string_view first : {"type", "title"}) {
        if (own.contains(first)) {
            properties[std::string(first)] = own.at(std::string(first));
        } else if (shared.contains(first)) {
            properties[std::string(first)] = shared.at(std::string(first));
        }
    }
    for (const auto& [name, property] : own.items()) {
        if (!properties.contains(name)) properties[name] = property;
    }
    for (const auto& [name, property] : shared.items()) {
        if (!properties.contains(name)) properties[name] = property;
    }
    merged["properties"] = std::move(properties);

    Json required = Json::array({"type", "title"});
    for (const auto& name : type_schema.value("required", Json::array())) {
        if (std::find(required.begin(), required.end(), name) == required.end()) required.push_back(name);
    }
    merged["required"] = std::move(required);
    return merged;
}

// Returns why `schema` cannot be a document type, or an empty string. valijson checks the rest.
std::string check_type_schema(const Json& schema) {
    if (!schema.is_object()) return tr("the schema is not a JSON object");
    if (schema.value("type", Json()) != "object") return tr("the schema's root must say \"type\": \"object\"");
    if (schema.contains("properties") && !schema["properties"].is_object()) return tr("\"properties\" is not an object");
    if (schema.contains("required") && !schema["required"].is_array()) return tr("\"required\" is not an array");
    auto extension = schema.find("x-dossier");
    if (extension == schema.end()) return {};
    if (!extension->is_object()) return tr("\"x-dossier\" is not an object");
    auto folder = extension->find("folder");
    if (folder != extension->end()) {
        if (!folder->is_string()) return tr("\"x-dossier\".\"folder\" is not a string");
        auto text = folder->get<std::string>();
        std::filesystem::path path(text);
        bool escapes = path.is_absolute() || std::any_of(path.begin(), path.end(), [](const auto& part) {
                           return part == "..";
                       });
        if (escapes) {
            return fmt::format(fmt::runtime(tr("\"x-dossier\".\"folder\" must stay inside the client repository: {}")),
                               text);
        }
    }
    return {};
}

Json parse_json(std::string_view text, const std::string& origin) {
    try {
        return Json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
        // nlohmann's message names the line and column: "parse error at line 3, column 5: …".
        throw Error(ErrorKind::invalid_input, fmt::format(fmt::runtime(tr("invalid JSON in {}: {}")), origin, error.what()));
    }
}

// Returns the schema of the fields that every type shares.
Json common_schema() {
    constexpr std::string_view path = "schemas/common.schema.json";
    for (const auto& file : builtin_files()) {
        if (file.path == path) return parse_json(file.content, std::string(path));
    }
    return Json::object();
}

void sort_by_name(std::vector<DocumentType>& types) {
    std::sort(types.begin(), types.end(), [](const DocumentType& a, const DocumentType& b) { return a.name() < b.name(); });
}

}  // namespace

std::string DocumentType::title(std::string_view language) const { return localized(schema_, "title", language); }

std::string DocumentType::description(std::string_view language) const {
    return localized(schema_, "description", language);
}

std::string DocumentType::folder() const { return extension_string(schema_, "folder"); }

std::string DocumentType::natural_key() const { return extension_string(schema_, "key"); }

std::vector<FieldDescription> DocumentType::fields(std::string_view language) const {
    std::vector<FieldDescription> fields;
    const Json required = schema_.value("required", Json::array());
    const Json properties = schema_.value("properties", Json::object());
    for (const auto& [name, property] : properties.items()) {
        FieldDescription field;
        field.name = name;
        field.required = std::find(required.begin(), required.end(), name) != required.end();
        if (!property.is_object()) {
            fields.push_back(std::move(field));
            continue;
        }
        auto type = property.value("type", Json());
        if (type.is_string()) {
            field.json_type = type.get<std::string>();
        } else if (type.is_array()) {
            std::vector<std::string> names;
            for (const auto& item : type) names.push_back(scalar_text(item));
            field.json_type = fmt::format("{}", fmt::join(names, " | "));
        }
        field.format = property.value("format", "");
        auto extension = property.value("x-dossier", Json::object());
        field.expiration = extension.is_object() && extension.value("expiration", false);
        for (const auto& value : property.value("enum", Json::array())) field.allowed_values.push_back(scalar_text(value));
        if (property.contains("const")) field.allowed_values.push_back(scalar_text(property["const"]));
        field.title = localized(property, "title", language);
        field.description = localized(property, "description", language);
        auto examples = property.value("examples", Json::array());
        if (examples.is_array() && !examples.empty()) field.example = scalar_text(examples.front());
        fields.push_back(std::move(field));
    }
    return fields;
}

std::string DocumentType::field_json_type(std::string_view field) const {
    auto properties = schema_.find("properties");
    if (properties == schema_.end() || !properties->is_object()) return {};
    auto property = properties->find(std::string(field));
    if (property == properties->end() || !property->is_object()) return {};
    auto type = property->find("type");
    return type != property->end() && type->is_string() ? type->get<std::string>() : std::string();
}

std::vector<std::string> DocumentType::expiration_fields() const {
    // Read from the schema directly, because fields() also builds every description, and check
    // calls this once per document.
    std::vector<std::string> names;
    auto properties = schema_.find("properties");
    if (properties == schema_.end() || !properties->is_object()) return names;
    for (const auto& [name, property] : properties->items()) {
        if (!property.is_object()) continue;
        auto extension = property.find("x-dossier");
        if (extension == property.end() || !extension->is_object()) continue;
        auto expiration = extension->find("expiration");
        if (expiration != extension->end() && expiration->is_boolean() && expiration->get<bool>()) names.push_back(name);
    }
    return names;
}

std::optional<TemplateSource> DocumentType::template_source(std::string_view language) const {
    for (std::string_view wanted : {language, std::string_view("en"), std::string_view("fr")}) {
        for (const auto& source : templates_) {
            if (source.language == wanted) return source;
        }
    }
    return std::nullopt;
}

void DocumentType::set_template(TemplateSource source) {
    auto same_language = [&](const TemplateSource& existing) { return existing.language == source.language; };
    templates_.erase(std::remove_if(templates_.begin(), templates_.end(), same_language), templates_.end());
    templates_.push_back(std::move(source));
}

TypeCatalog TypeCatalog::built_in() {
    auto common = common_schema();
    TypeCatalog catalog;
    for (const auto& file : builtin_files()) {
        std::string_view path = file.path;
        if (!path.starts_with("schemas/") || !path.ends_with(schema_suffix) || path == "schemas/common.schema.json") {
            continue;
        }
        auto name = path.substr(8, path.size() - 8 - schema_suffix.size());
        auto schema = parse_json(file.content, std::string(path));
        catalog.types_.emplace_back(std::string(name), merge_common_fields(schema, common), TypeOrigin::built_in);
    }
    for (const auto& file : builtin_files()) {
        std::string_view path = file.path;
        if (!path.starts_with("templates/")) continue;
        auto language = path.substr(10, 2);
        auto name = path.substr(13, path.size() - 13 - 3);
        for (auto& type : catalog.types_) {
            if (type.name() == name) {
                type.set_template({std::string(file.content), fmt::format("{} (built-in)", path), std::string(language)});
            }
        }
    }
    sort_by_name(catalog.types_);
    return catalog;
}

TypeCatalog TypeCatalog::load(const std::filesystem::path& types_dir) {
    auto catalog = built_in();
    std::error_code error;
    if (!std::filesystem::is_directory(types_dir, error)) return catalog;

    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(types_dir, error)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());

    auto common = common_schema();

    // Schemas first, so that a template can name a type that the workspace defines.
    std::vector<std::filesystem::path> templates;
    for (const auto& path : files) {
        auto file_name = path.filename().string();
        if (file_name.starts_with('.') || file_name == "README.md" || file_name == "LISEZMOI.md") continue;
        if (file_name.ends_with(".md")) {
            templates.push_back(path);
            continue;
        }
        if (!file_name.ends_with(schema_suffix)) {
            catalog.problems_.push_back(
                {path, tr("not a type file: name it <type>.schema.json, <type>.en.md or <type>.fr.md")});
            continue;
        }
        auto name = file_name.substr(0, file_name.size() - schema_suffix.size());
        catalog.add_workspace_schema(path, name, common);
    }
    for (const auto& path : templates) catalog.add_workspace_template(path);

    sort_by_name(catalog.types_);
    return catalog;
}

void TypeCatalog::add_workspace_schema(const std::filesystem::path& path, const std::string& name,
                                       const nlohmann::ordered_json& common) {
    auto existing = std::find_if(types_.begin(), types_.end(), [&](const auto& type) { return type.name() == name; });
    auto record_problem = [&](std::string reason) {
        problems_.push_back({path, std::move(reason)});
        broken_names_.push_back(name);
        // A broken override must not validate silently against the built-in schema.
        if (existing != types_.end()) types_.erase(existing);
    };

    if (!is_valid_slug(name)) {
        problems_.push_back({path, fmt::format(fmt::runtime(tr("invalid type name: {}: use lowercase letters, digits "
                                                                "and hyphens")),
                                               name)});
        return;
    }
    try {
        auto schema = parse_json(read_file(path), path.string());
        auto reason = check_type_schema(schema);
        if (!reason.empty()) return record_problem(reason);

        auto origin = existing == types_.end() ? TypeOrigin::workspace : TypeOrigin::overridden;
        DocumentType type(name, merge_common_fields(schema, common), origin);
        if (existing != types_.end()) {
            // The built-in templates stay until the workspace gives its own.
            for (std::string_view language : languages) {
                auto source = existing->template_source(language);
                if (source && source->language == language) type.set_template(*source);
            }
            *existing = std::move(type);
        } else {
            types_.push_back(std::move(type));
        }
    } catch (const Error& failure) {
        record_problem(failure.what());
    } catch (const std::exception& failure) {
        // valijson throws std::runtime_error (or logic_error) with an English description.
        record_problem(fmt::format(fmt::runtime(tr("not a schema that valijson accepts: {}")), failure.what()));
    }
}

void TypeCatalog::add_workspace_template(const std::filesystem::path& path) {
    auto file_name = path.filename().string();
    auto stem = file_name.substr(0, file_name.size() - 3);
    auto dot = stem.rfind('.');
    std::string language = dot == std::string::npos ? std::string() : stem.substr(dot + 1);
    if (std::find(languages.begin(), languages.end(), language) == languages.end()) {
        problems_.push_back({path, tr("not a template name: name it <type>.en.md or <type>.fr.md")});
        return;
    }
    auto name = stem.substr(0, dot);
    auto type = std::find_if(types_.begin(), types_.end(), [&](const auto& candidate) { return candidate.name() == name; });
    if (type == types_.end()) {
        if (std::find(broken_names_.begin(), broken_names_.end(), name) != broken_names_.end()) return;
        problems_.push_back({path, fmt::format(fmt::runtime(tr("template of an unknown type: {}: add {}.schema.json")),
                                               name, name)});
        return;
    }
    try {
        type->set_template({read_file(path), path.string(), language});
    } catch (const Error& failure) {
        problems_.push_back({path, failure.what()});
    }
}

const DocumentType* TypeCatalog::find(std::string_view name) const {
    auto type = std::find_if(types_.begin(), types_.end(), [&](const auto& candidate) { return candidate.name() == name; });
    return type == types_.end() ? nullptr : &*type;
}

std::vector<const DocumentType*> TypeCatalog::types() const {
    std::vector<const DocumentType*> result;
    for (const auto& type : types_) result.push_back(&type);
    return result;
}

std::vector<std::string> TypeCatalog::names() const {
    std::vector<std::string> result;
    for (const auto& type : types_) result.push_back(type.name());
    return result;
}

const TypeProblem* TypeCatalog::problem_for(std::string_view name) const {
    for (const auto& problem : problems_) {
        auto file_name = problem.path.filename().string();
        if (file_name == std::string(name) + std::string(schema_suffix)) return &problem;
    }
    return nullptr;
}

}  // namespace dossier
