// Flexible assets of an IT Glue export: one CSV file per flexible asset type, whose columns
// are the display names of its fields. Each becomes a workspace type generated from the
// columns, in types/ of the workspace repository.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dossier/record_import.hpp"
#include "record_source.hpp"

namespace dossier::importers {

struct FlexibleAssetType {
    std::string name;  // the type's name, such as itglue-licensing
    nlohmann::ordered_json schema;
    std::string title_column;            // the column that gives each document its title
    std::vector<FieldMapping> mappings;  // each column to its field, the title column to `title`
    // One line per field: its name and the kind guessed from its values, for the loss report.
    std::vector<std::string> guessed_kinds;
};

// Returns the type of the flexible asset exported as `file_name` (licensing.csv), with a
// property per column except id and organization, typed from the values of every row of
// `rows`: a date when each value is one, an integer when each is a whole number, else text.
// The column "Name" gives the title, else the first column. Reads `rows` to the end and
// rewinds it.
FlexibleAssetType flexible_asset_type(const std::string& file_name, RecordSource& rows);

// Returns true for the CSV files of an export that are no built-in part of it, and so are
// taken for flexible assets.
bool is_flexible_asset_file(const std::string& file_name);

}  // namespace dossier::importers
