// Paths into front matter and schemas, and the wording of schema violations: the parts of
// validation that schema_validation.cpp shares with schema_messages.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dossier/type_catalog.hpp"
#include "dossier/yaml_value.hpp"

namespace dossier::schema_detail {

using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

// One step of a path into the front matter: a mapping key or a sequence index.
struct PathStep {
    std::string key;
    std::optional<std::size_t> index;
};

// The inputs of one validation: the front matter as parsed, as JSON, and the effective schema.
struct ValidationInput {
    const Value& front_matter;
    const Json& document;
    const OrderedJson& schema;
    std::string type_name;
};

// Returns the path as messages show it: "tags[2]", "contact.email".
std::string path_text(const std::vector<PathStep>& path);

// Turns valijson's context ("<root>", "[hostname]", "[2]") into steps, using the document to
// tell array indexes from keys that look like numbers.
std::vector<PathStep> parse_context(const std::vector<std::string>& context, const Json& document);

// Return the node at `path`, or nullptr when the path leads nowhere.
const Json* json_at(const Json& document, const std::vector<PathStep>& path);
const Value* value_at(const Value& front_matter, const std::vector<PathStep>& path);
const OrderedJson* schema_at(const OrderedJson& schema, const std::vector<PathStep>& path);

// Sets the violation's line and column to those of `value`, or of the front matter when the
// value is absent.
void locate(SchemaViolation& violation, const Value* value, const Value& front_matter);

// Returns how a value reads in a message: strings in double quotes, other scalars as written.
std::string shown_value(const Value* value, const Json* json);

// Returns the message for a value of `field`, shown as `shown`, that fails `format`.
std::string format_message(std::string_view format, const std::string& field, const std::string& shown);

// Returns true for valijson's descriptions that only repeat a failure reported deeper down.
bool is_aggregate(std::string_view description);

// Returns the violation for valijson's `description` at `path`, worded in the user's language.
SchemaViolation describe(const ValidationInput& input, const std::vector<PathStep>& path, std::string_view description);

}  // namespace dossier::schema_detail
