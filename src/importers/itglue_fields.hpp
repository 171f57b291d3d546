// The columns of an IT Glue export's CSV files turned into the fields of dossier's types: the
// prepare hook that `dossier import itglue` gives to the engine of `import csv`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "dossier/type_catalog.hpp"
#include "html_markdown.hpp"  // notes_markdown, for the notes cells of every file

namespace dossier::importers {

// The kinds of IT Glue records, named in source keys as kind_name() returns them.
enum class ItGlueKind { location, contact, configuration, domain, ssl_certificate, password };

// Returns "location", "contact", "configuration", "domain", "ssl_certificate" or "password".
std::string_view kind_name(ItGlueKind kind);

// The records imported before the current one, which its references can point at.
class ItGlueLinks {
public:
    virtual ~ItGlueLinks() = default;

    // Returns the references (such as sites/hq) of the documents of `kind` that `client`
    // received from records named `name`, compared without case or accents.
    virtual std::vector<std::string> references_named(ItGlueKind kind, const std::string& client,
                                                      const std::string& name) const = 0;

    // Returns the client slug and the reference of the document imported from `source`, such
    // as itglue:configuration:9800395, or nullopt.
    virtual std::optional<std::pair<std::string, std::string>> reference_of_source(const std::string& source) const = 0;

    // Returns true in a dry run for a client that the import would create: its documents do
    // not exist, so references to them cannot be checked.
    virtual bool planned_only(const std::string& client) const = 0;
};

// One record on its way to the engine.
struct PreparedRecord {
    nlohmann::ordered_json& record;  // the CSV row: column name to text
    const std::string& client;       // the client's slug, empty when unknown
    std::string& name;               // set to the name by which other records refer to this one
    std::vector<std::string>& losses;  // translated sentences on what is not carried over exactly
};

// Rewrites a row of the file of `kind` for the engine: `id` becomes `source`
// (itglue:<kind>:<id>), `archived` becomes `status: archived`, notes become Markdown, JSON
// cells become lists, and names of other records become references, in the fields of `type`.
void prepare_itglue_record(ItGlueKind kind, const DocumentType& type, const ItGlueLinks& links,
                           PreparedRecord& prepared);

}  // namespace dossier::importers
