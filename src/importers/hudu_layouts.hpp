// Hudu's asset layouts turned into workspace types: one type per layout, with a property per
// field of the layout, typed from the field's declared field_type.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dossier/record_import.hpp"
#include "generated_types.hpp"

namespace dossier::importers {

// The treatment of the values of one kind of Hudu field.
enum class HuduFieldKind {
    text,       // Text, Website, Email, Phone, Embed, Dropdown, ListSelect: as read
    rich_text,  // RichText: HTML made Markdown
    number,     // Number
    date,       // Date, perhaps an expiry
    check_box,  // CheckBox: a boolean
    secret,     // Password, ConfidentialText: never in the asset, only in an age block
    asset_tag,  // AssetTag: links to other assets, made references
    heading,    // Heading: a section title with no value
    other,      // AddressData, Relation and unknown field types: kept as read
};

struct HuduLayoutField {
    std::string label;       // as the layout and the assets name it
    std::string property;    // the front-matter key, or the secret field for a secret
    std::string field_type;  // as Hudu names it
    HuduFieldKind kind = HuduFieldKind::text;
};

struct HuduLayout {
    std::string id;
    std::string name;
    std::string type_name;  // hudu-<name>
    nlohmann::ordered_json schema;
    std::vector<HuduLayoutField> fields;  // by position, without destroyed fields
    // Each property to itself, so that the engine keeps a property whose name looks like a
    // secret's, and `name` to `title`.
    std::vector<FieldMapping> mappings;
    // Translated sentences on what the type cannot describe exactly, for the loss report.
    std::vector<std::string> losses;

    // Returns the field labelled `label`, compared without case, accents or spaces, or nullptr.
    const HuduLayoutField* field_labelled(const std::string& label) const;
    bool has_secrets() const;
};

// Returns the type of each layout of asset_layouts.json, in the file's order. A type's name
// is hudu-<slug of the layout's name>, with the layout's id added when two layouts would get
// the same name. Every record must be an object with an id and a name; others are skipped.
std::vector<HuduLayout> hudu_layouts(const std::vector<nlohmann::ordered_json>& layouts);

// Returns the generated types of `layouts`, for add_generated_types.
std::vector<GeneratedType> generated_types_of(const std::vector<HuduLayout>& layouts);

// Returns a JSON value of an export as text: a string as it is, a number as JSON writes it,
// and "" for null and other values.
std::string hudu_text(const nlohmann::ordered_json& value);

}  // namespace dossier::importers
