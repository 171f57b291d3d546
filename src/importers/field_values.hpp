// Values read from a CSV cell or a JSON record, turned into what a field's schema expects.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dossier/record_import.hpp"

namespace dossier::importers {

// The constraints of a field's schema on its values.
struct FieldShape {
    std::string json_type;  // "string", "integer", "number", "boolean", "array"; "" when unknown or several
    std::string format;     // "date" and the like
    std::vector<std::string> allowed;  // enum values
};

// A value as the import writes it, and how it differs from what was read: a msgid (N_) such
// as "trimmed", or "" when it was written as read.
struct ConvertedValue {
    nlohmann::ordered_json value;  // null when the cell was empty
    const char* how = "";
};

// Converts `read` for a field of `shape`: strings are trimmed and empty ones become null; a
// date field reads 03/12/2024, 3.12.2024, 2024/12/03 and timestamps as YYYY-MM-DD; numbers
// read "1 234,56" and "1,234.56"; booleans read yes/no, oui/non, true/false, 1/0; an array
// field splits text on ';' (or ',' when there is no ';'), or reads a JSON array; an enum
// value matches an allowed one that differs only in case, accents or spacing. A value that
// cannot be converted is returned as read, trimmed, for the schema to reject with its reason.
ConvertedValue convert_value(const nlohmann::ordered_json& read, const FieldShape& shape, DateOrder order);

// Returns `text` as YYYY-MM-DD when it is a date in one of the forms above, else nullopt.
std::optional<std::string> parse_date(std::string_view text, DateOrder order);

// Returns the number `text` writes ("1 234,56", "-12", "1.5e3"), or nullopt.
std::optional<double> parse_number(std::string_view text);

// Returns true for a number such as 1,234, which parse_number reads as 1.234 (a French
// decimal comma) while English writes it for 1234.
bool ambiguous_comma(std::string_view text);

// Returns the boolean `text` writes, in English or French, or nullopt.
std::optional<bool> parse_boolean(std::string_view text);

// The deepest nesting of arrays and objects that an import reads; deeper values are rejected.
inline constexpr std::size_t max_json_depth = 100;

// Returns how deep the arrays and objects of the JSON `text` nest, outside strings.
std::size_t nesting_depth(std::string_view text);

// Returns one line of YAML that reads back as `value`: strings as plain or double-quoted
// scalars (a YYYY-MM-DD date plain when `date_field`), arrays and objects as flow
// collections, null as an empty string.
std::string yaml_line(const nlohmann::ordered_json& value, bool date_field);

}  // namespace dossier::importers
