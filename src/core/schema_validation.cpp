// Validation of front matter against a type's schema: valijson decides, and this file turns
// valijson's results into located messages in the user's language. Formats are checked here,
// because valijson 1.0 checks only date, time and date-time, and those loosely.
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
#include "schema_detail.hpp"

namespace dossier {

struct DocumentType::Compiled {
    valijson::Schema schema;
    // Every "pattern" of the schema, compiled once. dossier checks patterns itself, so that an
    // invalid pattern is found when the type loads and a long value cannot overflow the stack.
    std::map<std::string, std::regex> patterns;
};

namespace {

using namespace schema_detail;

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

// Returns the front matter as the JSON that is validated against the schema. A top-level key without a value
// counts as absent, so that templates can list optional fields empty.
Json front_matter_json(const Value& front_matter) {
    Json object = Json::object();
    for (const auto& [key, value] : front_matter.entries()) {
        if (value.is_scalar() && value.scalar_type() == ScalarType::null) continue;
        object[key] = to_plain_json(value.to_json());
    }
    return object;
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
        // NOTE: std::regex has no step limit, so a workspace pattern with nested repetition such
        // as (a+)+$ can take seconds on a short value that fails to match.
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
