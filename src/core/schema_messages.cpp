#include <algorithm>

#include <fmt/format.h>

#include "dossier/i18n.hpp"
#include "dossier/text.hpp"
#include "schema_detail.hpp"

namespace dossier::schema_detail {
namespace {

std::string json_kind(const Json& value) {
    if (value.is_string()) return tr("text");
    if (value.is_number_integer() || value.is_number_unsigned()) return tr("a whole number");
    if (value.is_number()) return tr("a number");
    if (value.is_boolean()) return tr("true or false");
    if (value.is_array()) return tr("a list");
    if (value.is_object()) return tr("a mapping");
    return tr("empty");
}

std::string schema_kind(std::string_view name) {
    if (name == "string") return tr("text");
    if (name == "integer") return tr("a whole number");
    if (name == "number") return tr("a number");
    if (name == "boolean") return tr("true or false");
    if (name == "array") return tr("a list");
    if (name == "object") return tr("a mapping");
    if (name == "null") return tr("empty");
    return std::string(name);
}

std::vector<std::string> schema_types(const OrderedJson* schema) {
    std::vector<std::string> names;
    if (schema == nullptr || !schema->is_object() || !schema->contains("type")) return names;
    const auto& type = (*schema)["type"];
    if (type.is_string()) names.push_back(type.get<std::string>());
    if (type.is_array()) {
        for (const auto& item : type) {
            if (item.is_string()) names.push_back(item.get<std::string>());
        }
    }
    return names;
}

std::string keyword_text(const OrderedJson* schema, std::string_view keyword) {
    if (schema == nullptr || !schema->is_object() || !schema->contains(keyword)) return {};
    const auto& value = (*schema)[std::string(keyword)];
    return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string type_message(const std::string& field, const Value* value, const Json* json, const OrderedJson* schema) {
    auto expected = schema_types(schema);
    bool expects_text = std::find(expected.begin(), expected.end(), "string") != expected.end();
    if (expects_text && value != nullptr && value->is_scalar() && json != nullptr && !json->is_string()) {
        return fmt::format(fmt::runtime(tr("{}: {} is read as {}, but the field holds text: write it in quotes, "
                                           "as \"{}\"")),
                           field, value->text(), json_kind(*json), value->text());
    }
    std::vector<std::string> kinds;
    for (const auto& name : expected) kinds.push_back(schema_kind(name));
    return fmt::format(fmt::runtime(tr("{}: {} is {}, but the schema expects {}")), field, shown_value(value, json),
                       json != nullptr ? json_kind(*json) : tr("empty"), fmt::join(kinds, tr(" or ")));
}

std::string allowed_values_text(const OrderedJson* schema) {
    std::vector<std::string> values;
    if (schema != nullptr && schema->is_object() && schema->contains("enum") && schema->at("enum").is_array()) {
        for (const auto& item : schema->at("enum")) values.push_back(item.is_string() ? item.get<std::string>() : item.dump());
    }
    return fmt::format("{}", fmt::join(values, ", "));
}


// Returns the text between the first pair of single quotes in `description`.
std::string quoted_name(std::string_view description) {
    auto open = description.find('\'');
    auto close = open == std::string_view::npos ? open : description.find('\'', open + 1);
    if (close == std::string_view::npos) return {};
    return std::string(description.substr(open + 1, close - open - 1));
}

}  // namespace

std::string shown_value(const Value* value, const Json* json) {
    if (value != nullptr && value->is_scalar()) {
        // A long value is cut, so that a finding stays one readable line.
        constexpr std::size_t max_shown = 120;
        std::string text = value->text();
        if (text.size() > max_shown) {
            std::size_t cut = max_shown;
            while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
            text = text.substr(0, cut) + "…";
        }
        if (value->scalar_type() == ScalarType::string) return Json(text).dump();
        return text;
    }
    if (value != nullptr && !value->is_scalar()) return tr("the value");
    return json != nullptr ? json->dump() : std::string();
}

std::string format_message(std::string_view format, const std::string& field, const std::string& shown) {
    auto say = [&](const char* message) { return fmt::format(fmt::runtime(tr(message)), field, shown); };
    if (format == "date") return say(N_("{}: {} is not a valid date: write YYYY-MM-DD, such as 2026-11-02"));
    if (format == "date-time") {
        return say(N_("{}: {} is not a valid date and time: write it as 2026-11-02T09:30:00+01:00"));
    }
    if (format == "email") return say(N_("{}: {} is not a valid e-mail address"));
    if (format == "hostname") return say(N_("{}: {} is not a valid host name"));
    if (format == "ipv4") return say(N_("{}: {} is not a valid IPv4 address"));
    if (format == "ipv6") return say(N_("{}: {} is not a valid IPv6 address"));
    if (format == "ip") return say(N_("{}: {} is not a valid IP address"));
    if (format == "cidr") return say(N_("{}: {} is not a valid network in CIDR notation, such as 10.0.0.0/24"));
    if (format == "mac-address") return say(N_("{}: {} is not a valid MAC address, such as 00:1a:2b:3c:4d:5e"));
    if (format == "uri") return say(N_("{}: {} is not a valid URI: it needs a scheme, as in https://"));
    if (format == "period") return say(N_("{}: {} is not a valid period: write 90 days, 6 months or 1 year"));
    return fmt::format(fmt::runtime(tr("{}: {} does not have the format {}")), field, shown, format);
}

bool is_aggregate(std::string_view description) {
    return description.starts_with("Failed to validate item #") ||
           description.starts_with("Failed to validate against schema associated with property name") ||
           description.starts_with("Failed to validate against additional properties schema") ||
           description.starts_with("Failed to validate against child schema") ||
           description.starts_with("Failed to validate against schema associated with pattern");
}

SchemaViolation describe(const ValidationInput& input, const std::vector<PathStep>& path, std::string_view description) {
    const Json* json = json_at(input.document, path);
    const Value* value = value_at(input.front_matter, path);
    const OrderedJson* schema = schema_at(input.schema, path);
    auto field = path_text(path);
    auto shown = shown_value(value, json);
    SchemaViolation violation;
    violation.field = field;
    locate(violation, value, input.front_matter);

    auto say = [&](const char* message, const auto&... arguments) {
        return fmt::format(fmt::runtime(tr(message)), arguments...);
    };
    std::size_t count = json != nullptr && (json->is_array() || json->is_string()) ? json->size() : 0;
    if (json != nullptr && json->is_string()) count = static_cast<std::size_t>(count_code_points(json->get<std::string>(), json->get<std::string>().size()));

    if (description.starts_with("Missing required property")) {
        auto missing = path;
        missing.push_back({quoted_name(description), std::nullopt});
        violation.field = path_text(missing);
        violation.message = say(N_("{}: required field is missing"), violation.field);
    } else if (description.starts_with("Value type not permitted")) {
        violation.message = type_message(field, value, json, schema);
    } else if (description.starts_with("Failed to match against any enum values")) {
        violation.message = say(N_("{}: {} is not one of the allowed values: {}"), field, shown, allowed_values_text(schema));
    } else if (description.starts_with("Failed to match expected value set by 'const'")) {
        violation.message = say(N_("{}: {} must be {}"), field, shown, keyword_text(schema, "const"));
    } else if (description.starts_with("Failed to match regex")) {
        violation.message = say(N_("{}: {} does not match the pattern {}"), field, shown, keyword_text(schema, "pattern"));
    } else if (description.starts_with("String should be no fewer than")) {
        auto minimum = keyword_text(schema, "minLength");
        violation.message = minimum == "1" ? say(N_("{}: must not be empty"), field)
                                           : say(N_("{}: {} has {} characters, fewer than the minimum of {}"), field,
                                                 shown, count, minimum);
    } else if (description.starts_with("String should be no more than")) {
        violation.message = say(N_("{}: {} has {} characters, more than the maximum of {}"), field, shown, count,
                                keyword_text(schema, "maxLength"));
    } else if (description.starts_with("Expected number greater than or equal to")) {
        violation.message = say(N_("{}: {} is less than the minimum of {}"), field, shown, keyword_text(schema, "minimum"));
    } else if (description.starts_with("Expected number greater than")) {
        violation.message = say(N_("{}: {} must be greater than {}"), field, shown,
                                keyword_text(schema, schema && schema->contains("exclusiveMinimum") ? "exclusiveMinimum" : "minimum"));
    } else if (description.starts_with("Expected number less than or equal to")) {
        violation.message = say(N_("{}: {} is more than the maximum of {}"), field, shown, keyword_text(schema, "maximum"));
    } else if (description.starts_with("Expected number less than")) {
        violation.message = say(N_("{}: {} must be less than {}"), field, shown,
                                keyword_text(schema, schema && schema->contains("exclusiveMaximum") ? "exclusiveMaximum" : "maximum"));
    } else if (description.starts_with("Array should contain no fewer than")) {
        violation.message = say(N_("{}: the list has {} items, fewer than the minimum of {}"), field, count,
                                keyword_text(schema, "minItems"));
    } else if (description.starts_with("Array should contain no more than")) {
        violation.message = say(N_("{}: the list has {} items, more than the maximum of {}"), field, count,
                                keyword_text(schema, "maxItems"));
    } else if (description.starts_with("Elements at indexes")) {
        violation.message = say(N_("{}: the list has the same item more than once"), field);
    } else if (description.starts_with("Object contains a property that could not be validated")) {
        auto unknown = path;
        unknown.push_back({quoted_name(description), std::nullopt});
        violation.field = path_text(unknown);
        locate(violation, value_at(input.front_matter, unknown), input.front_matter);
        violation.message = say(N_("{}: field not allowed by the schema of type {}"), violation.field, input.type_name);
    } else {
        // A keyword without a message of dossier's own: valijson's English description.
        violation.message = field.empty() ? std::string(description) : fmt::format("{}: {}", field, description);
    }
    return violation;
}

}  // namespace dossier::schema_detail
