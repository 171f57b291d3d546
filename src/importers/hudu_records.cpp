// The prepare hooks of `dossier import hudu`: Hudu's keys renamed, expanded and linked before
// the engine of `import json` maps them to fields.
#include "hudu_records.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "country_codes.hpp"
#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "field_values.hpp"
#include "html_markdown.hpp"
#include "record_source.hpp"

namespace dossier::importers {
namespace {

using nlohmann::ordered_json;

// Keys of Hudu's records that only Hudu uses: its API type name, its own slugs, the time of
// the last edit, and the company's name, which the client has. `url` is the address of the
// record's page in Hudu, except in a password, where it is the address the password opens.
constexpr const char* bookkeeping_keys[] = {"object_type", "full_url", "slug", "updated_at", "company_name"};

std::string trimmed(std::string_view text) {
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    const auto end = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(begin, end - begin + 1));
}

std::string text_of(const ordered_json& record, const char* key) {
    auto found = record.find(key);
    return found == record.end() ? std::string() : trimmed(hudu_text(*found));
}

// Removes `key` and returns its text.
std::string take(ordered_json& record, const char* key) {
    auto text = text_of(record, key);
    record.erase(key);
    return text;
}

bool is_true(const ordered_json& record, const char* key) {
    auto found = record.find(key);
    if (found == record.end()) return false;
    if (found->is_boolean()) return found->get<bool>();
    auto flag = parse_boolean(hudu_text(*found));
    return flag && *flag;
}

void add_related(ordered_json& record, const std::string& reference) {
    auto& related = record["related"];
    if (!related.is_array()) related = ordered_json::array();
    if (std::find(related.begin(), related.end(), reference) == related.end()) related.push_back(reference);
}

// The keys that every kind of record shares: `id` becomes `source`, and `archived` becomes
// `status: archived`. `created_at` stays for the engine's mapping to `created`, which reads
// the day of the timestamp and reports it.
void prepare_common(ordered_json& record, const char* kind) {
    const auto id = take(record, "id");
    if (!id.empty()) record["source"] = fmt::format("hudu:{}:{}", kind, id);
    if (record.contains("archived")) {
        if (is_true(record, "archived")) record["status"] = "archived";
        record.erase("archived");
    }
    for (const char* key : bookkeeping_keys) record.erase(key);
    if (std::string_view(kind) != "asset_password") record.erase("url");
}

// Returns the reference of the document of `source` when the current client has it.
std::optional<std::string> same_client_reference(const HuduLinks& links, const std::string& client,
                                                 const std::string& source) {
    auto found = links.reference_of_source(source);
    if (!found || found->first != client) return std::nullopt;
    return found->second;
}

// The links of an AssetTag value: a JSON array of {"id", "name"} objects, or its text.
ordered_json asset_tag_links(const ordered_json& value) {
    if (value.is_array()) return value;
    if (!value.is_string()) return ordered_json::array();
    auto parsed = ordered_json::parse(value.get_ref<const std::string&>(), nullptr, false);
    return parsed.is_array() ? parsed : ordered_json::array();
}

void link_assets(const HuduLayoutField& field, const ordered_json& value, const HuduLinks& links,
                 HuduPrepared& prepared) {
    auto references = ordered_json::array();
    auto names = ordered_json::array();
    for (const auto& link : asset_tag_links(value)) {
        if (!link.is_object()) continue;
        const auto id = text_of(link, "id");
        const auto name = text_of(link, "name");
        if (id.empty()) continue;
        if (auto reference = same_client_reference(links, prepared.client, "hudu:asset:" + id)) {
            references.push_back(*reference);
            add_related(prepared.record, *reference);
            continue;
        }
        names.push_back(name.empty() ? id : name);
        if (links.planned_only(prepared.client)) continue;
        prepared.losses.push_back(fmt::format(
            fmt::runtime(tr("the asset {} ({}) that the field \"{}\" links to was not imported for this client: kept "
                            "as a name in {}_names, without a reference")),
            id, name, field.label, field.property));
    }
    if (!references.empty()) prepared.record[field.property] = std::move(references);
    if (!names.empty()) prepared.record[field.property + "_names"] = std::move(names);
}

bool is_blank(const ordered_json& value) {
    return value.is_null() || (value.is_string() && trimmed(value.get_ref<const std::string&>()).empty());
}

// Sets the property of one value of an asset's `fields`.
void add_field_value(const HuduLayout& layout, const ordered_json& item, const HuduLinks& links,
                     HuduPrepared& prepared) {
    const auto label = text_of(item, "label");
    const auto value = item.value("value", ordered_json());
    if (is_blank(value)) return;
    const auto* field = layout.field_labelled(label);
    if (field == nullptr) {
        // Its kind is unknown, so it might be a secret: it is not written anywhere.
        prepared.losses.push_back(fmt::format(
            fmt::runtime(tr("the field \"{}\" is not in the layout {}, so its kind is unknown: its value is not "
                            "imported")),
            label, layout.name));
        return;
    }
    switch (field->kind) {
        case HuduFieldKind::secret:
        case HuduFieldKind::heading: return;
        case HuduFieldKind::rich_text:
            prepared.record[field->property] = notes_markdown(hudu_text(value), &prepared.losses);
            return;
        case HuduFieldKind::asset_tag: link_assets(*field, value, links, prepared); return;
        case HuduFieldKind::other:
            if (value.is_string()) {
                // AddressData arrives as a JSON object, perhaps written as text.
                auto parsed = ordered_json::parse(value.get_ref<const std::string&>(), nullptr, false);
                if (parsed.is_object()) {
                    prepared.record[field->property] = std::move(parsed);
                    return;
                }
            }
            prepared.record[field->property] = value;
            return;
        case HuduFieldKind::text:
        case HuduFieldKind::number:
        case HuduFieldKind::date:
        case HuduFieldKind::check_box: prepared.record[field->property] = value; return;
    }
}

// Removes Hudu's primary_* keys, which repeat the value of one of the asset's fields, and
// keeps those that repeat none.
void drop_primary_copies(ordered_json& record, const ordered_json& fields) {
    for (const char* key : {"primary_serial", "primary_mail", "primary_model", "primary_manufacturer"}) {
        auto found = record.find(key);
        if (found == record.end()) continue;
        const auto text = trimmed(hudu_text(*found));
        const bool repeated = fields.is_array() && std::any_of(fields.begin(), fields.end(), [&](const ordered_json& item) {
                                  return item.is_object() && trimmed(hudu_text(item.value("value", ordered_json()))) == text;
                              });
        if (text.empty() || repeated) record.erase(key);
    }
}

void note_unimported_list(ordered_json& record, const char* key, std::vector<std::string>& losses) {
    auto found = record.find(key);
    if (found == record.end()) return;
    if (found->is_array() && !found->empty()) {
        losses.push_back(fmt::format(fmt::runtime(trn("{} item of {} is not imported", "{} items of {} are not imported",
                                                      found->size())),
                                     found->size(), key));
    }
    record.erase(key);
}

// Keeps a URL in `field` when it is an absolute URI, as the types' `url` fields want, else
// under `<field>_text`.
void keep_url(HuduPrepared& prepared, const char* field) {
    const auto url = text_of(prepared.record, field);
    if (url.empty()) {
        prepared.record.erase(field);
        return;
    }
    if (matches_format("uri", url)) return;
    prepared.record.erase(field);
    prepared.record[std::string(field) + "_text"] = url;
    prepared.losses.push_back(fmt::format(
        fmt::runtime(tr("\"{}\" is not an absolute URI such as https://example.com: kept as text in {}_text")), url,
        field));
}

}  // namespace

void prepare_hudu_asset(const HuduLayout& layout, const HuduLinks& links, HuduPrepared& prepared) {
    auto& record = prepared.record;
    prepare_common(record, "asset");
    record.erase("asset_layout_id");
    record.erase("asset_type");  // the layout's name, which the document's type gives
    note_unimported_list(record, "cards", prepared.losses);
    const auto fields = record.value("fields", ordered_json::array());
    record.erase("fields");
    drop_primary_copies(record, fields);
    if (!fields.is_array()) return;
    for (const auto& item : fields) {
        if (item.is_object()) add_field_value(layout, item, links, prepared);
    }
}

bool hudu_asset_has_secrets(const HuduLayout& layout, const ordered_json& asset) {
    if (!asset.is_object()) return false;
    auto fields = asset.find("fields");
    if (fields == asset.end() || !fields->is_array()) return false;
    return std::any_of(fields->begin(), fields->end(), [&](const ordered_json& item) {
        if (!item.is_object() || is_blank(item.value("value", ordered_json()))) return false;
        const auto* field = layout.field_labelled(text_of(item, "label"));
        return field != nullptr && field->kind == HuduFieldKind::secret;
    });
}

void prepare_hudu_asset_secrets(const HuduLayout& layout, const HuduLinks& links, HuduPrepared& prepared) {
    const auto& asset = prepared.record;
    const auto id = text_of(asset, "id");
    const auto name = text_of(asset, "name");
    ordered_json credential = ordered_json::object();
    if (!id.empty()) credential["source"] = "hudu:asset_secrets:" + id;
    if (asset.contains("company")) credential["company"] = asset["company"];
    if (is_true(asset, "archived")) credential["status"] = "archived";

    std::vector<std::string> labels;
    for (const auto& item : asset.value("fields", ordered_json::array())) {
        if (!item.is_object() || is_blank(item.value("value", ordered_json()))) continue;
        const auto* field = layout.field_labelled(text_of(item, "label"));
        if (field == nullptr || field->kind != HuduFieldKind::secret) continue;
        credential[field->property] = hudu_text(item["value"]);
        labels.push_back(field->label);
    }
    credential["title"] = fmt::format("{}: {}", name.empty() ? id : name, fmt::join(labels, ", "));

    if (auto reference = same_client_reference(links, prepared.client, "hudu:asset:" + id)) {
        credential["target"] = *reference;
        add_related(credential, *reference);
    } else if (!links.planned_only(prepared.client)) {
        prepared.losses.push_back(
            tr("the asset of these Password fields was not imported: the credential has no target"));
    }
    prepared.record = std::move(credential);
}

void prepare_hudu_password(const HuduLinks& links, HuduPrepared& prepared) {
    auto& record = prepared.record;
    prepare_common(record, "asset_password");
    // The engine takes a key whose name has "password" in it for a secret: these are not.
    if (auto type = take(record, "password_type"); !type.empty()) record["category"] = type;
    if (auto folder = take(record, "password_folder_name"); !folder.empty()) record["folder_name"] = folder;
    record.erase("password_folder_id");
    if (record.contains("description")) {
        record["description"] = notes_markdown(hudu_text(record["description"]), &prepared.losses);
    }
    keep_url(prepared, "url");

    const auto linked_type = take(record, "passwordable_type");
    const auto linked_id = take(record, "passwordable_id");
    if (linked_id.empty()) return;
    if (comparable_name(linked_type) == "asset") {
        if (auto reference = same_client_reference(links, prepared.client, "hudu:asset:" + linked_id)) {
            record["target"] = *reference;
            add_related(record, *reference);
            return;
        }
    }
    record["linked_type"] = linked_type;
    record["linked_id"] = linked_id;
    if (links.planned_only(prepared.client)) return;
    prepared.losses.push_back(fmt::format(
        fmt::runtime(tr("the {} {} that the password belongs to was not imported for this client: kept as "
                        "linked_type and linked_id, without a reference")),
        linked_type.empty() ? "record" : linked_type, linked_id));
}

void prepare_hudu_article(HuduPrepared& prepared) {
    auto& record = prepared.record;
    prepare_common(record, "article");
    if (record.contains("draft")) {
        // A published article is in use, which dossier calls approved.
        record["status"] = is_true(record, "draft") ? "draft" : "approved";
        record.erase("draft");
    }
    if (record.contains("content")) {
        auto markdown = notes_markdown(hudu_text(record["content"]), &prepared.losses);
        // The engine writes the title as the first heading.
        const auto heading = "# " + text_of(record, "name");
        if (markdown == heading || markdown.starts_with(heading + "\n")) {
            markdown = trimmed(std::string_view(markdown).substr(heading.size()));
        }
        record["content"] = std::move(markdown);
    }
    if (is_blank(record.value("share_url", ordered_json()))) record.erase("share_url");
    note_unimported_list(record, "public_photos", prepared.losses);
}

std::vector<std::pair<std::string, ordered_json>> hudu_company_fields(const ordered_json& company,
                                                                     const DocumentType& client_type,
                                                                     std::vector<std::string>& losses) {
    auto text_or_null = [&](const char* key) {
        auto text = text_of(company, key);
        return text.empty() ? ordered_json() : ordered_json(text);
    };
    std::vector<std::string> address_lines;
    for (const char* key : {"address_line_1", "address_line_2"}) {
        if (auto line = text_of(company, key); !line.empty()) address_lines.push_back(line);
    }
    ordered_json address = address_lines.empty() ? ordered_json() : ordered_json(fmt::format("{}", fmt::join(address_lines, "\n")));

    ordered_json country;
    ordered_json country_name;
    if (auto name = text_of(company, "country_name"); !name.empty()) {
        if (auto code = country_code(name)) {
            country = *code;
        } else {
            country_name = name;
            losses.push_back(fmt::format(
                fmt::runtime(tr("the country \"{}\" has no ISO 3166-1 code that the import knows: kept as text in "
                                "country_name")),
                name));
        }
    }

    ordered_json integrations;
    if (auto found = company.find("integrations"); found != company.end() && found->is_array() && !found->empty()) {
        integrations = ordered_json::array();
        for (const auto& item : *found) {
            if (!item.is_object()) continue;
            ordered_json integration = ordered_json::object();
            for (const auto& [key, value] : item.items()) {
                // The company's id and name repeat the client's, and a null value is no information.
                if (key != "company_id" && key != "company_name" && !value.is_null()) integration[key] = value;
            }
            integrations.push_back(std::move(integration));
        }
    }

    std::vector<std::pair<std::string, ordered_json>> fields = {
        {"source", "hudu:company:" + text_of(company, "id")},
        {"nickname", text_or_null("nickname")},
        {"company_type", text_or_null("company_type")},
        {"id_number", text_or_null("id_number")},
        {"parent_company", text_or_null("parent_company_name")},
        {"address", address},
        {"postal_code", text_or_null("zip")},
        {"city", text_or_null("city")},
        {"state", text_or_null("state")},
        {"country", country},
        {"country_name", country_name},
        {"phone", text_or_null("phone_number")},
        {"fax", text_or_null("fax_number")},
        {"website", text_or_null("website")},
        {"notes", ordered_json(notes_markdown(text_of(company, "notes"), &losses))},
        {"integrations", integrations},
        {"status", is_true(company, "archived") ? ordered_json("archived") : ordered_json()},
    };

    // A value that the client type rejects moves to hudu_<field>, whose type is free.
    std::vector<std::pair<std::string, ordered_json>> moved;
    for (auto& [field, value] : fields) {
        if (value.is_null() || client_type.field_json_type(field).empty()) continue;
        const auto text = "---\ntype: client\ntitle: x\n" + field + ": " + yaml_line(value, false) + "\n---\n";
        std::vector<SchemaViolation> violations;
        try {
            violations = client_type.validate(Document::parse(text, "client.md").front_matter());
        } catch (const Error&) {
            continue;  // a value that YAML cannot hold on one line is left to set() to report
        }
        auto wrong = std::find_if(violations.begin(), violations.end(),
                                  [&](const SchemaViolation& violation) { return violation.field == field; });
        if (wrong == violations.end()) continue;
        losses.push_back(fmt::format(fmt::runtime(tr("{}: kept as hudu_{}")), wrong->message, field));
        moved.emplace_back("hudu_" + field, std::move(value));
        value = nullptr;
    }
    fields.insert(fields.end(), moved.begin(), moved.end());
    return fields;
}

}  // namespace dossier::importers
