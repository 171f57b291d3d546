// The records of a Hudu export turned into the fields of dossier's types: the prepare hooks
// that `dossier import hudu` gives to the engine of `import json`, and the fields of a
// company's client.md. Keys that no rule here names go through unchanged, so the engine keeps
// them as extra front-matter keys.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "dossier/type_catalog.hpp"
#include "hudu_layouts.hpp"

namespace dossier::importers {

// The documents that the current record's references can point at.
class HuduLinks {
public:
    virtual ~HuduLinks() = default;

    // Returns the client slug and the reference of the document imported from `source`, such
    // as hudu:asset:4001, or nullopt.
    virtual std::optional<std::pair<std::string, std::string>> reference_of_source(const std::string& source) const = 0;

    // Returns true in a dry run for a client that the import would create: its documents do
    // not exist, so references to them cannot be checked.
    virtual bool planned_only(const std::string& client) const = 0;
};

// One record on its way to the engine.
struct HuduPrepared {
    nlohmann::ordered_json& record;    // as read, company_id already replaced by `company`
    const std::string& client;         // the client's slug, empty when unknown
    std::vector<std::string>& losses;  // translated sentences on what is not carried over exactly
};

// Rewrites an asset for its layout's type: `id` becomes `source` (hudu:asset:<id>), the
// values of `fields` become properties by label, RichText made Markdown and AssetTag links
// made references (also in `related`). Password values are removed: they go only into the
// credential that prepare_hudu_asset_secrets makes.
void prepare_hudu_asset(const HuduLayout& layout, const HuduLinks& links, HuduPrepared& prepared);

// Returns true when the asset has a value in a Password field of its layout.
bool hudu_asset_has_secrets(const HuduLayout& layout, const nlohmann::ordered_json& asset);

// Replaces an asset with the credential that contains its Password values, one secret field per
// field (named as the field's property), keyed by hudu:asset_secrets:<id>, with the asset as
// its target.
void prepare_hudu_asset_secrets(const HuduLayout& layout, const HuduLinks& links, HuduPrepared& prepared);

// Rewrites an asset password for the credential type: password and otp_secret stay for the
// engine to seal, the description becomes Markdown for the body, and the asset it belongs to
// its target.
void prepare_hudu_password(const HuduLinks& links, HuduPrepared& prepared);

// Rewrites an article for the kb type: its HTML content made Markdown for the body, and
// `draft` made `status: draft`, or `status: approved` for a published article.
void prepare_hudu_article(HuduPrepared& prepared);

// Returns the fields that a company sets in its client.md, in order, null for those it leaves;
// `source` first. A value that the client type would reject (a website that is not a URI) is
// kept under another key, and `losses` reports it.
std::vector<std::pair<std::string, nlohmann::ordered_json>> hudu_company_fields(const nlohmann::ordered_json& company,
                                                                               const DocumentType& client_type,
                                                                               std::vector<std::string>& losses);

}  // namespace dossier::importers
