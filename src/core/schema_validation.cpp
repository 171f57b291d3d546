// Validation of front matter against a type's schema: valijson decides, and this file turns
// valijson's results into located messages in the user's language. Formats are checked here,
// because valijson 1.0 knows only date, time and date-time and checks them loosely.
#include <algorithm>
#include <charconv>
#include <map>
#include <regex>
#include <stdexcept>

#include <fmt/format.h>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "dossier/i18n.hpp"
#include "dossier/text.hpp"
#include "dossier/type_catalog.hpp"
#include "dossier/yaml_value.hpp"

namespace dossier {

struct DocumentType::Compiled {
    valijson::Schema schema;
    // Every "pattern" of the schema, compiled once. dossier checks patterns itself, so that an
    // invalid pattern is found when the type loads and a long value cannot overflow the stack.
    std::map<std::string, std::regex> patterns;
};

namespace {

using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

Json to_plain_json(const OrderedJson& value) {
    if (value.is_object()) {
        Json object = Json::object();
        for (const auto& [key, item] : value.items()) object[key] = to_plain_json(item);
        return object;
    }
    if (value.is_array()) {
        Json array = Json::array();
        for (const auto& item : value) array.push_back(to_plain_json(item));
        return array;
    }
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean()) return value.get<bool>();
    if (value.is_number_unsigned()) return value.get<std::uint64_t>();
    if (value.is_number_integer()) return value.get<std::int64_t>();
    if (value.is_number_float()) return value.get<double>();
    return nullptr;
}

// The longest string that dossier matches against a pattern. std::regex (libstdc++) recurses
// once per character, so a value of about 50,000 characters overflows an 8 MB stack.
constexpr std::size_t max_pattern_subject = 4096;

// Removes the string-valued "format" keywords of every subschema, and the "pattern" keywords of
// the subschemas that check_formats visits (the root, "properties" and an object "items"),
// since dossier checks those itself. Compiles every pattern into `patterns`. Throws
// std::runtime_error naming a pattern that std::regex rejects.
void strip_formats(Json& schema, std::map<std::string, std::regex>& patterns, bool visited = true) {
    if (!schema.is_object()) return;
    auto format = schema.find("format");
    if (format != schema.end() && format->is_string()) schema.erase(format);
    auto pattern = schema.find("pattern");
    if (pattern != schema.end() && pattern->is_string()) {
        auto text = pattern->get<std::string>();
        try {
            patterns.try_emplace(text, text, std::regex::ECMAScript);
        } catch (const std::regex_error& error) {
            throw std::runtime_error(fmt::format(fmt::runtime(tr("invalid pattern {}: {}")), text, error.what()));
        }
        if (visited) schema.erase(pattern);
    }
    auto pattern_properties = schema.find("patternProperties");
    if (pattern_properties != schema.end() && pattern_properties->is_object()) {
        for (const auto& [text, subschema] : pattern_properties->items()) {
            try {
                std::regex check(text, std::regex::ECMAScript);
            } catch (const std::regex_error& error) {
                throw std::runtime_error(fmt::format(fmt::runtime(tr("invalid pattern {}: {}")), text, error.what()));
            }
        }
    }

    for (std::string_view key : {"properties", "patternProperties", "definitions", "dependencies"}) {
        auto map = schema.find(std::string(key));
        if (map == schema.end() || !map->is_object()) continue;
        for (auto& [name, subschema] : map->items()) strip_formats(subschema, patterns, visited && key == "properties");
    }
    auto items = schema.find("items");
    if (items != schema.end() && items->is_object()) strip_formats(*items, patterns, visited);
    for (std::string_view key : {"additionalItems", "additionalProperties", "not", "if", "then", "else", "contains",
                                 "propertyNames"}) {
        auto subschema = schema.find(std::string(key));
        if (subschema != schema.end()) strip_formats(*subschema, patterns, false);
    }
    for (std::string_view key : {"items", "allOf", "anyOf", "oneOf"}) {
        auto list = schema.find(std::string(key));
        if (list == schema.end() || !list->is_array()) continue;
        for (auto& subschema : *list) strip_formats(subschema, patterns, false);
    }
}

// Returns the front matter as the JSON that the schema sees. A top-level key without a value
// counts as absent, so that templates can list optional fields empty.
Json front_matter_json(const Value& front_matter) {
    Json object = Json::object();
    for (const auto& [key, value] : front_matter.entries()) {
        if (value.is_scalar() && value.scalar_type() == ScalarType::null) continue;
        object[key] = to_plain_json(value.to_json());
    }
    return object;
}

// One step of a path into the front matter: a mapping key or a sequence index.
struct PathStep {
    std::string key;
    std::optional<std::size_t> index;
};

std::string path_text(const std::vector<PathStep>& path) {
    std::string text;
    for (const auto& step : path) {
        if (step.index) {
            text += fmt::format("[{}]", *step.index);
        } else {
            if (!text.empty()) text += '.';
            text += step.key;
        }
    }
    return text;
}

// Turns valijson's context ("<root>", "[hostname]", "[2]") into steps, using the document to
// tell array indexes from keys that look like numbers.
std::vector<PathStep> parse_context(const std::vector<std::string>& context, const Json& document) {
    std::vector<PathStep> path;
    const Json* node = &document;
    for (const auto& part : context) {
        if (part == "<root>" || part.size() < 2 || part.front() != '[' || part.back() != ']') continue;
        auto inner = part.substr(1, part.size() - 2);
        if (node != nullptr && node->is_array()) {
            std::size_t index = 0;
            std::from_chars(inner.data(), inner.data() + inner.size(), index);
            path.push_back({inner, index});
            node = index < node->size() ? &(*node)[index] : nullptr;
        } else {
            path.push_back({inner, std::nullopt});
            node = node != nullptr && node->is_object() && node->contains(inner) ? &(*node)[inner] : nullptr;
        }
    }
    return path;
}

const Json* json_at(const Json& document, const std::vector<PathStep>& path) {
    const Json* node = &document;
    for (const auto& step : path) {
        if (step.index) {
            if (!node->is_array() || *step.index >= node->size()) return nullptr;
            node = &(*node)[*step.index];
        } else {
            if (!node->is_object() || !node->contains(step.key)) return nullptr;
            node = &(*node)[step.key];
        }
    }
    return node;
}

const Value* value_at(const Value& front_matter, const std::vector<PathStep>& path) {
    const Value* node = &front_matter;
    for (const auto& step : path) {
        if (step.index) {
            if (!node->is_sequence() || *step.index >= node->items().size()) return nullptr;
            node = &node->items()[*step.index];
        } else {
            node = node->find(step.key);
            if (node == nullptr) return nullptr;
        }
    }
    return node;
}

const OrderedJson* schema_at(const OrderedJson& schema, const std::vector<PathStep>& path) {
    const OrderedJson* node = &schema;
    for (const auto& step : path) {
        if (!node->is_object()) return nullptr;
        if (step.index) {
            auto items = node->find("items");
            if (items == node->end() || !items->is_object()) return nullptr;
            node = &*items;
            continue;
        }
        auto properties = node->find("properties");
        if (properties != node->end() && properties->is_object() && properties->contains(step.key)) {
            node = &(*properties)[step.key];
            continue;
        }
        auto additional = node->find("additionalProperties");
        if (additional == node->end() || !additional->is_object()) return nullptr;
        node = &*additional;
    }
    return node;
}

// Returns how a value reads in a message: strings in double quotes, other scalars as written.
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

// Returns the text between the first pair of single quotes in `description`.
std::string quoted_name(std::string_view description) {
    auto open = description.find('\'');
    auto close = open == std::string_view::npos ? open : description.find('\'', open + 1);
    if (close == std::string_view::npos) return {};
    return std::string(description.substr(open + 1, close - open - 1));
}

bool is_aggregate(std::string_view description) {
    return description.starts_with("Failed to validate item #") ||
           description.starts_with("Failed to validate against schema associated with property name") ||
           description.starts_with("Failed to validate against additional properties schema") ||
           description.starts_with("Failed to validate against child schema") ||
           description.starts_with("Failed to validate against schema associated with pattern");
}

struct ValidationInput {
    const Value& front_matter;
    const Json& document;
    const OrderedJson& schema;
    std::string type_name;
};

void locate(SchemaViolation& violation, const Value* value, const Value& front_matter) {
    const Value* anchor = value != nullptr && value->line() > 0 ? value : &front_matter;
    violation.line = std::max(anchor->line(), 1);
    violation.column = std::max(anchor->column(), 1);
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

void check_pattern(const ValidationInput& input, const std::map<std::string, std::regex>& patterns,
                   const std::string& pattern, const std::string& text, const std::vector<PathStep>& path,
                   std::vector<SchemaViolation>& violations) {
    auto compiled = patterns.find(pattern);
    if (compiled == patterns.end()) return;
    const Value* value = value_at(input.front_matter, path);
    SchemaViolation violation;
    violation.field = path_text(path);
    locate(violation, value, input.front_matter);
    if (text.size() > max_pattern_subject) {
        violation.message = fmt::format(fmt::runtime(tr("{}: the value has {} bytes, too long to check against the "
                                                        "pattern {} (the limit is {})")),
                                        violation.field, text.size(), pattern, max_pattern_subject);
    } else if (!std::regex_search(text, compiled->second)) {
        // JSON Schema patterns are not anchored, hence regex_search.
        violation.message = fmt::format(fmt::runtime(tr("{}: {} does not match the pattern {}")), violation.field,
                                        shown_value(value, nullptr), pattern);
    } else {
        return;
    }
    violations.push_back(std::move(violation));
}

void check_formats(const ValidationInput& input, const std::map<std::string, std::regex>& patterns,
                   const OrderedJson& schema, const Json& node, std::vector<PathStep>& path,
                   std::vector<SchemaViolation>& violations) {
    if (!schema.is_object()) return;
    auto pattern = schema.find("pattern");
    if (pattern != schema.end() && pattern->is_string() && node.is_string()) {
        check_pattern(input, patterns, pattern->get<std::string>(), node.get<std::string>(), path, violations);
    }
    auto format = schema.find("format");
    if (format != schema.end() && format->is_string() && node.is_string() &&
        !matches_format(format->get<std::string>(), node.get<std::string>())) {
        const Value* value = value_at(input.front_matter, path);
        SchemaViolation violation;
        violation.field = path_text(path);
        violation.message = format_message(format->get<std::string>(), violation.field, shown_value(value, &node));
        locate(violation, value, input.front_matter);
        violations.push_back(std::move(violation));
    }

    auto properties = schema.find("properties");
    if (node.is_object() && properties != schema.end() && properties->is_object()) {
        for (const auto& [name, subschema] : properties->items()) {
            auto child = node.find(name);
            if (child == node.end()) continue;
            path.push_back({name, std::nullopt});
            check_formats(input, patterns, subschema, *child, path, violations);
            path.pop_back();
        }
    }
    auto items = schema.find("items");
    if (node.is_array() && items != schema.end() && items->is_object()) {
        for (std::size_t index = 0; index < node.size(); ++index) {
            path.push_back({std::to_string(index), index});
            check_formats(input, patterns, *items, node[index], path, violations);
            path.pop_back();
        }
    }
}

}  // namespace

DocumentType::DocumentType(std::string name, nlohmann::ordered_json effective_schema, TypeOrigin origin)
    : name_(std::move(name)), schema_(std::move(effective_schema)), origin_(origin),
      compiled_(std::make_unique<Compiled>()) {
    Json for_valijson = to_plain_json(schema_);
    strip_formats(for_valijson, compiled_->patterns);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(for_valijson);
    parser.populateSchema(adapter, compiled_->schema);
}

DocumentType::~DocumentType() = default;
DocumentType::DocumentType(DocumentType&&) noexcept = default;
DocumentType& DocumentType::operator=(DocumentType&&) noexcept = default;

std::vector<SchemaViolation> DocumentType::validate(const Value& front_matter) const {
    auto document = front_matter_json(front_matter);
    ValidationInput input{front_matter, document, schema_, name_};

    // valijson's validator only caches compiled patterns, so one per thread serves every type.
    thread_local valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter adapter(document);
    std::vector<SchemaViolation> violations;
    try {
        validator.validate(compiled_->schema, adapter, &results);
    } catch (const std::exception& error) {
        // A keyword valijson fails on (a patternProperties regex it rejects late, say) is a
        // finding on the whole front matter, not a crash of every check.
        SchemaViolation violation;
        violation.message = fmt::format(fmt::runtime(tr("cannot validate against the schema of type {}: {}")), name_,
                                        error.what());
        locate(violation, nullptr, front_matter);
        violations.push_back(std::move(violation));
    }

    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
        if (is_aggregate(error.description)) continue;
        violations.push_back(describe(input, parse_context(error.context, document), error.description));
    }
    std::vector<PathStep> path;
    check_formats(input, compiled_->patterns, schema_, document, path, violations);

    std::stable_sort(violations.begin(), violations.end(), [](const auto& a, const auto& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    auto same = [](const auto& a, const auto& b) { return a.line == b.line && a.message == b.message; };
    violations.erase(std::unique(violations.begin(), violations.end(), same), violations.end());
    return violations;
}

}  // namespace dossier
