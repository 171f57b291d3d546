// Workspace types that an import generates from a platform's own kinds of records (IT Glue's
// flexible assets, Hudu's asset layouts), written to types/ of the workspace repository.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dossier/git_repository.hpp"
#include "dossier/type_catalog.hpp"
#include "dossier/workspace.hpp"

namespace dossier::importers {

// A type to add to the workspace: its name and its JSON Schema.
struct GeneratedType {
    std::string name;
    nlohmann::ordered_json schema;
};

// The catalog of types once the generated ones are added.
struct GeneratedTypes {
    TypeCatalog catalog;
    std::vector<std::string> created;   // the types written, in order; none that types/ had
    std::optional<std::string> commit;  // of the workspace repository; none in a dry run
};

// Returns a front-matter key made from a field's display name: "License Key(s)" gives
// license_key_s, as the CSV import names an extra column. A name that starts with a digit gets
// "column_" before it; a name without letters or digits gives "".
std::string property_name(std::string_view label);

// Writes the schema of each of `types` that the workspace does not have yet to
// types/<name>.schema.json, in one commit of the workspace repository by `author`, whose
// message starts with `importer` ("import itglue"), and returns the catalog with them. A type
// that the workspace has already, perhaps edited since, stays as it is. In a dry run nothing
// is written: the catalog is loaded from a copy of types/ in a temporary folder. Throws
// Error(io) when that folder cannot be made, and the errors of Git.
GeneratedTypes add_generated_types(const Workspace& workspace, const std::vector<GeneratedType>& types, bool dry_run,
                                   const std::string& importer,
                                   const std::function<git::Signature(const git::Repository*)>& author);

}  // namespace dossier::importers
