// Workspace types generated from Hudu's asset layouts.
#include "hudu_layouts.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "dossier/i18n.hpp"
#include "dossier/text.hpp"
#include "record_source.hpp"

namespace dossier::importers {
namespace {

using nlohmann::ordered_json;

// The fields that every type has: a layout's field of the same name gets "hudu_" before it,
// so that a Text field called Status is not read as the document's status.
const std::set<std::string>& common_fields() {
    static const std::set<std::string> names = {"type",   "title",   "owner",   "status",          "created", "reviewed",
                                                "review_every", "expires", "tags", "related", "confidentiality", "source",
                                                "recipients"};
    return names;
}

HuduFieldKind kind_of(const std::string& field_type) {
    static const std::map<std::string, HuduFieldKind> kinds = {
        {"text", HuduFieldKind::text},          {"website", HuduFieldKind::text},
        {"email", HuduFieldKind::text},         {"phone", HuduFieldKind::text},
        {"embed", HuduFieldKind::text},         {"dropdown", HuduFieldKind::text},
        {"copyabletext", HuduFieldKind::text},  {"richtext", HuduFieldKind::rich_text},
        {"number", HuduFieldKind::number},      {"date", HuduFieldKind::date},
        {"checkbox", HuduFieldKind::check_box}, {"password", HuduFieldKind::secret},
        {"confidentialtext", HuduFieldKind::secret}, {"assettag", HuduFieldKind::asset_tag},
        {"heading", HuduFieldKind::heading},    {"listselect", HuduFieldKind::other},
        {"addressdata", HuduFieldKind::other},  {"relation", HuduFieldKind::other},
    };
    auto found = kinds.find(comparable_name(field_type));
    return found == kinds.end() ? HuduFieldKind::other : found->second;
}

bool is_known_field_type(const std::string& field_type) {
    static const std::set<std::string> others = {"listselect", "addressdata", "relation"};
    return kind_of(field_type) != HuduFieldKind::other || others.contains(comparable_name(field_type));
}

// Returns the property of a field: its label as a front-matter key, or field_<id> for a
// label without letters or digits, made unique among `used_names`.
std::string unique_property(const std::string& label, const std::string& id, std::set<std::string>& used_names) {
    auto name = property_name(label);
    if (name.empty()) name = "field_" + (id.empty() ? std::to_string(used_names.size() + 1) : id);
    if (common_fields().contains(name) || name == "document") name = "hudu_" + name;
    // A secret field's name has at most 64 characters.
    if (name.size() > 60) name.resize(60);
    const auto base = name;
    for (int suffix = 2; used_names.contains(name); ++suffix) name = base + "_" + std::to_string(suffix);
    used_names.insert(name);
    return name;
}

ordered_json property_schema(const HuduLayoutField& field, const ordered_json& declared) {
    ordered_json property{{"title", field.label}};
    switch (field.kind) {
        case HuduFieldKind::text:
        case HuduFieldKind::rich_text: property["type"] = "string"; break;
        case HuduFieldKind::number:
            property["type"] = "number";
            if (declared.contains("min") && declared["min"].is_number()) property["minimum"] = declared["min"];
            if (declared.contains("max") && declared["max"].is_number()) property["maximum"] = declared["max"];
            break;
        case HuduFieldKind::date:
            property["type"] = "string";
            property["format"] = "date";
            break;
        case HuduFieldKind::check_box: property["type"] = "boolean"; break;
        case HuduFieldKind::asset_tag: property["type"] = "array"; property["items"] = {{"type", "string"}}; break;
        case HuduFieldKind::secret:
        case HuduFieldKind::heading:
        case HuduFieldKind::other: break;
    }
    std::string description = fmt::format("The Hudu field \"{}\", of type {}", field.label, field.field_type);
    if (field.kind == HuduFieldKind::rich_text) description += ", written as Markdown";
    if (field.kind == HuduFieldKind::asset_tag) description += ": references of the assets it links to";
    description += ".";
    const auto hint = hudu_text(declared.value("hint", ordered_json()));
    if (!hint.empty()) description += " Hint: " + hint;
    property["description"] = description;
    if (field.kind == HuduFieldKind::date && declared.value("expiration", false)) {
        property["x-dossier"] = {{"expiration", true}};
    }
    return property;
}

// Returns the layout's fields that are not destroyed, by position.
std::vector<ordered_json> live_fields(const ordered_json& layout) {
    std::vector<ordered_json> fields;
    auto found = layout.find("fields");
    if (found == layout.end() || !found->is_array()) return fields;
    for (const auto& field : *found) {
        if (field.is_object() && !field.value("is_destroyed", false)) fields.push_back(field);
    }
    std::stable_sort(fields.begin(), fields.end(), [](const ordered_json& a, const ordered_json& b) {
        auto position = [](const ordered_json& field) {
            auto value = field.find("position");
            return value != field.end() && value->is_number() ? value->get<double>() : 0.0;
        };
        return position(a) < position(b);
    });
    return fields;
}

HuduLayout layout_type(const ordered_json& layout, const std::string& type_name) {
    HuduLayout result;
    result.id = hudu_text(layout.value("id", ordered_json()));
    result.name = hudu_text(layout.value("name", ordered_json()));
    result.type_name = type_name;
    result.mappings.push_back({"name", "title"});

    ordered_json properties = ordered_json::object();
    std::set<std::string> used_names;
    for (const auto& declared : live_fields(layout)) {
        HuduLayoutField field;
        field.label = hudu_text(declared.value("label", ordered_json()));
        field.field_type = hudu_text(declared.value("field_type", ordered_json()));
        field.kind = kind_of(field.field_type);
        if (field.label.empty() || field.kind == HuduFieldKind::heading) continue;
        field.property = unique_property(field.label, hudu_text(declared.value("id", ordered_json())), used_names);
        if (!is_known_field_type(field.field_type)) {
            result.losses.push_back(fmt::format(
                fmt::runtime(tr("the field \"{}\" of the layout {} has the field type \"{}\", which the import does "
                                "not know: its values are kept as read in {}")),
                field.label, result.name, field.field_type, field.property));
        }
        if (field.kind != HuduFieldKind::secret) {
            properties[field.property] = property_schema(field, declared);
            result.mappings.push_back({field.property, field.property});
        }
        result.fields.push_back(std::move(field));
    }

    // The type's name without "hudu-", which is unique among the layouts.
    const auto folder = type_name.substr(type_name.find('-') + 1);
    auto description = fmt::format("Hudu asset layout \"{}\" (id {}), generated by dossier import hudu from "
                                   "asset_layouts.json.",
                                   result.name, result.id);
    if (result.has_secrets()) description += " The values of its Password fields are in a credential of each asset.";
    result.schema = {
        {"$schema", "http://json-schema.org/draft-07/schema#"},
        {"title", result.name},
        {"description", description},
        {"x-dossier", {{"folder", folder}, {"key", "source"}}},
        {"type", "object"},
        {"required", ordered_json::array()},
        {"properties", std::move(properties)},
        {"additionalProperties", true},
    };
    return result;
}

}  // namespace

std::string hudu_text(const ordered_json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number()) return value.dump();
    return {};
}

const HuduLayoutField* HuduLayout::field_labelled(const std::string& label) const {
    const auto expected = comparable_name(label);
    for (const auto& field : fields) {
        if (comparable_name(field.label) == expected) return &field;
    }
    return nullptr;
}

bool HuduLayout::has_secrets() const {
    return std::any_of(fields.begin(), fields.end(),
                       [](const HuduLayoutField& field) { return field.kind == HuduFieldKind::secret; });
}

std::vector<HuduLayout> hudu_layouts(const std::vector<ordered_json>& layouts) {
    std::vector<HuduLayout> result;
    std::set<std::string> names;
    for (const auto& layout : layouts) {
        if (!layout.is_object()) continue;
        const auto id = hudu_text(layout.value("id", ordered_json()));
        const auto name = hudu_text(layout.value("name", ordered_json()));
        if (id.empty() || name.empty()) continue;
        auto type_name = "hudu-" + (slugify(name).empty() ? "layout" : slugify(name));
        if (names.contains(type_name)) type_name += "-" + id;
        names.insert(type_name);
        result.push_back(layout_type(layout, type_name));
    }
    return result;
}

std::vector<GeneratedType> generated_types_of(const std::vector<HuduLayout>& layouts) {
    std::vector<GeneratedType> types;
    for (const auto& layout : layouts) types.push_back({layout.type_name, layout.schema});
    return types;
}

}  // namespace dossier::importers
