// The prepare hook of `dossier import itglue`: IT Glue's columns renamed, expanded and linked
// before the engine of `import csv` maps them to fields. Columns that no rule here names go
// through unchanged, so the engine keeps them as extra front-matter keys.
#include "itglue_fields.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "country_codes.hpp"
#include "dossier/i18n.hpp"
#include "field_values.hpp"
#include "html_markdown.hpp"
#include "record_source.hpp"

namespace dossier::importers {
namespace {

using nlohmann::ordered_json;

std::string trimmed(std::string_view text) {
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    const auto end = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(begin, end - begin + 1));
}

std::string cell(const ordered_json& record, const char* column) {
    auto found = record.find(column);
    if (found == record.end() || !found->is_string()) return {};
    return trimmed(found->get_ref<const std::string&>());
}

// Removes `column` and returns its trimmed text.
std::string take(ordered_json& record, const char* column) {
    auto text = cell(record, column);
    record.erase(column);
    return text;
}

void add_related(ordered_json& record, const std::string& reference) {
    auto& related = record["related"];
    if (!related.is_array()) related = ordered_json::array();
    if (std::find(related.begin(), related.end(), reference) == related.end()) related.push_back(reference);
}

// Writes a Yes/No column as a boolean; other text stays as read.
void read_flag(ordered_json& record, const char* column) {
    auto text = cell(record, column);
    if (text.empty()) return;
    if (auto flag = parse_boolean(text)) record[column] = *flag;
}

// Points `field` (when given) and `related` at the one document of `kind` that `name` names.
// When no document or several carry that name, the name stays as text in `text_field`.
void link_by_name(PreparedRecord& prepared, const ItGlueLinks& links, ItGlueKind kind, const std::string& type,
                  const std::string& name, const char* field, const char* text_field) {
    if (name.empty()) return;
    auto references = links.references_named(kind, prepared.client, name);
    if (references.size() == 1) {
        if (field != nullptr) prepared.record[field] = references.front();
        add_related(prepared.record, references.front());
        return;
    }
    prepared.record[text_field] = name;
    if (links.planned_only(prepared.client)) return;
    if (references.empty()) {
        prepared.losses.push_back(fmt::format(fmt::runtime(tr("\"{}\" names no imported {}: kept as text in {}")),
                                              name, type, text_field));
    } else {
        prepared.losses.push_back(fmt::format(
            fmt::runtime(tr("\"{}\" names {} imported documents of type {} ({}): kept as text in {}, without a "
                            "reference")),
            name, references.size(), type, fmt::join(references, ", "), text_field));
    }
}

// Parses a cell that contains a JSON array, such as contacts' emails. Returns null for an empty
// cell, and adds a loss and returns null when the cell is not a JSON array.
ordered_json json_array_cell(PreparedRecord& prepared, const char* column) {
    auto text = cell(prepared.record, column);
    if (text.empty()) return nullptr;
    auto parsed = ordered_json::parse(text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_array()) {
        prepared.losses.push_back(
            fmt::format(fmt::runtime(tr("{} is not a JSON array: kept as text")), column));
        return nullptr;
    }
    return parsed;
}

std::string text_of(const ordered_json& object, const char* key) {
    auto found = object.find(key);
    if (found == object.end()) return {};
    if (found->is_string()) return trimmed(found->get_ref<const std::string&>());
    if (found->is_number()) return found->dump();
    return {};
}

// IT Glue's contact emails and phones, primary first, the others in their order.
ordered_json primary_first(const ordered_json& items) {
    ordered_json sorted = ordered_json::array();
    for (const auto& item : items) {
        if (item.is_object() && item.value("primary", false)) sorted.push_back(item);
    }
    for (const auto& item : items) {
        if (!item.is_object() || !item.value("primary", false)) sorted.push_back(item);
    }
    return sorted;
}

void expand_emails(PreparedRecord& prepared) {
    auto items = json_array_cell(prepared, "emails");
    if (items.is_null()) return;
    prepared.record.erase("emails");
    auto others = ordered_json::array();
    for (const auto& item : primary_first(items)) {
        auto address = item.is_object() ? text_of(item, "value") : std::string();
        if (address.empty()) continue;
        if (!prepared.record.contains("email")) {
            prepared.record["email"] = address;
            continue;
        }
        ordered_json other{{"email", address}};
        if (auto label = text_of(item, "label-name"); !label.empty()) other["label"] = label;
        others.push_back(std::move(other));
    }
    if (!others.empty()) prepared.record["other_emails"] = std::move(others);
}

// Phones labelled Mobile fill `mobile`, the others `phone`; an extension goes into
// phone_extension or mobile_extension, and the phones beyond those two into other_phones.
void expand_phones(PreparedRecord& prepared) {
    auto items = json_array_cell(prepared, "phones");
    if (items.is_null()) return;
    prepared.record.erase("phones");
    auto others = ordered_json::array();
    for (const auto& item : primary_first(items)) {
        auto number = item.is_object() ? text_of(item, "value") : std::string();
        if (number.empty()) continue;
        const auto label = text_of(item, "label-name");
        const auto extension = text_of(item, "extension");
        const auto label_name = comparable_name(label);
        const std::string field = label_name == "mobile" || label_name == "cell" || label_name == "portable"
                                      ? "mobile"
                                      : "phone";
        if (!prepared.record.contains(field)) {
            prepared.record[field] = number;
            if (!extension.empty()) prepared.record[field + "_extension"] = extension;
            continue;
        }
        ordered_json other{{"phone", number}};
        if (!extension.empty()) other["extension"] = extension;
        if (!label.empty()) other["label"] = label;
        others.push_back(std::move(other));
    }
    if (!others.empty()) prepared.record["other_phones"] = std::move(others);
}

void prepare_location(PreparedRecord& prepared) {
    auto& record = prepared.record;
    prepared.name = cell(record, "name");
    read_flag(record, "primary");
    auto country = cell(record, "country");
    if (country.empty()) return;
    if (auto code = country_code(country)) {
        record["country"] = *code;
        return;
    }
    record.erase("country");
    record["country_name"] = country;
    prepared.losses.push_back(fmt::format(
        fmt::runtime(tr("the country \"{}\" has no ISO 3166-1 code that the import knows: kept as text in "
                        "country_name")),
        country));
}

// IT Glue's contact types that are one of the contact schema's roles; contact_type itself is
// kept as it is.
std::optional<std::string> contact_role(const std::string& contact_type) {
    static const std::map<std::string, std::string> roles = {
        {"primarycontact", "primary"}, {"primary", "primary"},     {"billing", "billing"},
        {"technical", "technical"},    {"approver", "decision-maker"}, {"decisionmaker", "decision-maker"},
        {"emergency", "emergency"},    {"vip", "vip"},
    };
    auto found = roles.find(comparable_name(contact_type));
    if (found == roles.end()) return std::nullopt;
    return found->second;
}

void prepare_contact(PreparedRecord& prepared, const ItGlueLinks& links) {
    auto& record = prepared.record;
    const auto first = cell(record, "first_name");
    const auto last = cell(record, "last_name");
    prepared.name = trimmed(first + " " + last);
    if (!prepared.name.empty()) record["name"] = prepared.name;
    read_flag(record, "important");
    if (auto role = contact_role(cell(record, "contact_type"))) record["roles"] = ordered_json::array({*role});
    link_by_name(prepared, links, ItGlueKind::location, "site", take(record, "location"), "site", "location_name");
    expand_emails(prepared);
    expand_phones(prepared);
}

// Returns the value of the asset schema's asset_type that IT Glue's configuration type names,
// or nullopt.
std::optional<std::string> asset_type(const DocumentType& type, const std::string& configuration_type) {
    const auto wanted = comparable_name(configuration_type);
    for (const auto& field : type.fields("en")) {
        if (field.name != "asset_type") continue;
        for (const auto& allowed : field.allowed_values) {
            if (comparable_name(allowed) == wanted) return allowed;
        }
    }
    return std::nullopt;
}

void prepare_configuration(PreparedRecord& prepared, const DocumentType& type, const ItGlueLinks& links) {
    auto& record = prepared.record;
    prepared.name = cell(record, "name");
    const auto configuration_type = cell(record, "configuration_type");
    if (auto matched = asset_type(type, configuration_type)) {
        record["asset_type"] = *matched;
        record.erase("configuration_type");
    } else {
        // The IT Glue type stays in configuration_type.
        record["asset_type"] = "other";
    }
    link_by_name(prepared, links, ItGlueKind::location, "site", take(record, "location"), "site", "location_name");
    link_by_name(prepared, links, ItGlueKind::contact, "contact", take(record, "contact"), nullptr, "contact_name");

    auto interfaces = json_array_cell(prepared, "configuration_interfaces");
    if (!interfaces.is_null()) {
        record.erase("configuration_interfaces");
        if (!interfaces.empty()) record["interfaces"] = std::move(interfaces);
    }
}

void prepare_named_copy(PreparedRecord& prepared) {
    prepared.name = cell(prepared.record, "name");
    if (!prepared.name.empty()) prepared.record["title"] = prepared.name;
}

// IT Glue's resource types, by comparable name, and the kinds of their records.
std::optional<ItGlueKind> resource_kind(const std::string& resource_type) {
    static const std::map<std::string, ItGlueKind> kinds = {
        {"configuration", ItGlueKind::configuration}, {"contact", ItGlueKind::contact},
        {"location", ItGlueKind::location},           {"domain", ItGlueKind::domain},
        {"sslcertificate", ItGlueKind::ssl_certificate},
    };
    auto found = kinds.find(comparable_name(resource_type));
    if (found == kinds.end()) return std::nullopt;
    return found->second;
}

// Returns true for a password cell that replaces a password the export left out.
// NOTE: how an export writes a vaulted password is a guess here (a run of asterisks or
// bullets); the sample export has none.
bool is_placeholder(const std::string& password) {
    if (password.size() < 3) return false;
    std::string_view rest = password;
    while (!rest.empty()) {
        if (rest.front() == '*') {
            rest.remove_prefix(1);
        } else if (rest.starts_with("\u2022")) {  // •
            rest.remove_prefix(3);
        } else {
            return false;
        }
    }
    return true;
}

void prepare_password(PreparedRecord& prepared, const ItGlueLinks& links) {
    auto& record = prepared.record;
    prepared.name = cell(record, "name");
    // The engine takes a column whose name has "password" in it for a secret: the category
    // is no secret, so it goes to the front matter as `category`.
    if (auto category = take(record, "password_category"); !category.empty()) record["category"] = category;
    if (is_placeholder(cell(record, "password"))) {
        record.erase("password");
        prepared.losses.push_back(
            tr("the password cell contains a placeholder (a vaulted or hidden password), not the password: no "
               "password imported"));
    }
    const auto resource_type = cell(record, "resource_type");
    const auto resource_id = cell(record, "resource_id");
    if (resource_id.empty()) {
        if (resource_type.empty()) record.erase("resource_type");
        record.erase("resource_id");
        return;
    }
    if (auto kind = resource_kind(resource_type)) {
        const auto source = fmt::format("itglue:{}:{}", kind_name(*kind), resource_id);
        auto reference = links.reference_of_source(source);
        if (reference && reference->first == prepared.client) {
            record["target"] = reference->second;
            add_related(record, reference->second);
            record.erase("resource_type");
            record.erase("resource_id");
            return;
        }
    }
    if (links.planned_only(prepared.client)) return;
    prepared.losses.push_back(fmt::format(
        fmt::runtime(tr("the {} {} that the password belongs to was not imported for this client: kept as "
                        "resource_type and resource_id, without a reference")),
        resource_type, resource_id));
}

}  // namespace

std::string_view kind_name(ItGlueKind kind) {
    switch (kind) {
        case ItGlueKind::location: return "location";
        case ItGlueKind::contact: return "contact";
        case ItGlueKind::configuration: return "configuration";
        case ItGlueKind::domain: return "domain";
        case ItGlueKind::ssl_certificate: return "ssl_certificate";
        case ItGlueKind::password: return "password";
    }
    return "";
}

void prepare_itglue_record(ItGlueKind kind, const DocumentType& type, const ItGlueLinks& links,
                           PreparedRecord& prepared) {
    auto& record = prepared.record;
    const auto id = take(record, "id");
    if (!id.empty()) record["source"] = fmt::format("itglue:{}:{}", kind_name(kind), id);
    if (record.contains("archived")) {
        auto archived = parse_boolean(take(record, "archived"));
        if (archived && *archived) record["status"] = "archived";
    }
    if (auto notes = record.find("notes"); notes != record.end() && notes->is_string()) {
        *notes = notes_markdown(notes->get_ref<const std::string&>(), &prepared.losses);
    }

    switch (kind) {
        case ItGlueKind::location: prepare_location(prepared); break;
        case ItGlueKind::contact: prepare_contact(prepared, links); break;
        case ItGlueKind::configuration: prepare_configuration(prepared, type, links); break;
        case ItGlueKind::domain:
        case ItGlueKind::ssl_certificate: prepare_named_copy(prepared); break;
        case ItGlueKind::password: prepare_password(prepared, links); break;
    }
}

}  // namespace dossier::importers
