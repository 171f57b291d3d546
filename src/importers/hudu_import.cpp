// The engine of `dossier import hudu`.
//
// Every list of the export is read once first, so that invalid JSON stops the import before
// anything is written. That reading also keeps the companies and layouts, and notes which
// companies receive secrets. companies.json then gives the clients (platform_clients.cpp).
// Each asset layout becomes a generated workspace type (hudu_layouts.cpp), and the other lists
// go through the engine of `import json` (record_import.cpp) with the client column "company"
// and the natural key `source`. Its prepare hooks (hudu_records.cpp) turn Hudu's keys into the
// fields of the types and links between records into `related:` references. A dry run of the
// assets first gives the path of every asset, so that an asset can link to one after it. All
// of a client's writes go through one Change, committed once at the end.
#include "dossier/hudu_import.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "dossier/atomic_file.hpp"
#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/reference.hpp"
#include "generated_types.hpp"
#include "hudu_layouts.hpp"
#include "hudu_records.hpp"
#include "hudu_source.hpp"
#include "platform_clients.hpp"

namespace dossier {
namespace {

using nlohmann::ordered_json;
using importers::HuduLayout;
using importers::HuduRecords;
using importers::hudu_text;
using importers::SourceRecord;

// A record of companies.json or asset_layouts.json, kept from the first reading.
struct KeptRecord {
    std::string file;
    SourceRecord record;
};

// A document that references can point at: one that the client has, or that the import
// writes.
struct KnownDocument {
    std::string client;
    std::string reference;
};

// The context of the record being checked, which the prepare hook records for the on_record
// callback that follows it in the engine's first pass.
struct CurrentRecord {
    bool prepared = false;
    std::string company_id;
    std::string client;
    bool new_client = false;
    bool unknown_company = false;
    std::vector<std::string> losses;
};

std::string field_text(const ordered_json& record, const char* key) {
    if (!record.is_object()) return {};
    auto found = record.find(key);
    return found == record.end() ? std::string() : hudu_text(*found);
}

class HuduImporter : public importers::HuduLinks {
public:
    HuduImporter(const Workspace& workspace, const HuduImportRequest& request)
        : workspace_(workspace),
          request_(request),
          clients_(workspace),
          changes_(workspace),
          access_(workspace, request.technician, request.dry_run) {}

    PlatformImportSummary run() {
        for (const char* key : {"companies", "asset_layouts", "assets", "asset_passwords", "articles"}) {
            lists_[key] = importers::find_hudu_list(request_.export_dir, key);
        }
        if (lists_["companies"].pages.empty()) {
            throw Error(ErrorKind::not_found,
                        fmt::format(fmt::runtime(tr("no companies.json in {}")), request_.export_dir.string()),
                        tr("give the folder that contains the lists of a Hudu export: companies.json, "
                           "asset_layouts.json, assets.json, asset_passwords.json and articles.json"));
        }
        read_export();
        try {
            import_companies();
            give_access();
            import_layouts();
            import_assets();
            import_asset_secrets();
            import_passwords();
            import_articles();
            if (!request_.dry_run) commit_all();
        } catch (...) {
            changes_.roll_back();
            throw;
        }
        summary_.written = !request_.dry_run;
        return std::move(summary_);
    }

    // --- importers::HuduLinks ------------------------------------------------------------

    std::optional<std::pair<std::string, std::string>> reference_of_source(const std::string& source) const override {
        auto found = documents_.find(source);
        if (found == documents_.end()) return std::nullopt;
        return std::make_pair(found->second.client, found->second.reference);
    }

    bool planned_only(const std::string& client) const override {
        return request_.dry_run && clients_.planned(client);
    }

private:
    // The links of plan_asset_paths, which only learns where each asset goes: they find no
    // document and report no loss.
    class NoLinks final : public importers::HuduLinks {
    public:
        std::optional<std::pair<std::string, std::string>> reference_of_source(const std::string&) const override {
            return std::nullopt;
        }
        bool planned_only(const std::string&) const override { return true; }
    };

    // --- reading the export --------------------------------------------------------------

    // Reads every list to its end, which checks its JSON, and keeps what the import needs
    // before the records are imported.
    void read_export() {
        read_list("companies", [&](const std::string& file, const SourceRecord& record) {
            companies_.push_back({file, record});
        });
        read_list("asset_layouts", [&](const std::string& file, const SourceRecord& record) {
            layout_records_.push_back({file, record});
            if (record.problem.empty()) layout_values_.push_back(record.value);
        });
        layouts_ = importers::hudu_layouts(layout_values_);
        read_list("assets", [&](const std::string&, const SourceRecord& record) {
            const auto* layout = layout_with_id(field_text(record.value, "asset_layout_id"));
            if (layout != nullptr && importers::hudu_asset_has_secrets(*layout, record.value)) {
                secret_companies_.insert(field_text(record.value, "company_id"));
            }
        });
        read_list("asset_passwords", [&](const std::string&, const SourceRecord& record) {
            if (!field_text(record.value, "password").empty() || !field_text(record.value, "otp_secret").empty()) {
                secret_companies_.insert(field_text(record.value, "company_id"));
            }
        });
        read_list("articles", [](const std::string&, const SourceRecord&) {});
    }

    void read_list(const std::string& key, const std::function<void(const std::string&, const SourceRecord&)>& keep) {
        HuduRecords records(lists_[key]);
        SourceRecord record;
        while (records.next(record)) keep(records.current_file_name(), record);
    }

    const HuduLayout* layout_with_id(const std::string& id) const {
        auto found = std::find_if(layouts_.begin(), layouts_.end(), [&](const HuduLayout& layout) { return layout.id == id; });
        return found == layouts_.end() ? nullptr : &*found;
    }

    // --- companies -----------------------------------------------------------------------

    void import_companies() {
        PlatformFile file{"companies.json", "company", "client", true, 0, 0};
        const auto& client_type = builtin_type("client");
        importers::ClientCreation creation{request_.dry_run, request_.language, request_.today,
                                           [this] { return request_.author(nullptr); }, "company"};
        for (const auto& [file_name, record] : companies_) {
            ++file.records;
            auto rejected = import_company(file_name, record, client_type, creation);
            if (rejected.empty()) continue;
            ++file.rejected;
            ++summary_.rejected;
            PlatformRecord entry{file_name, file.kind, file.type, {}, false};
            entry.result.number = record.number;
            entry.result.line = record.line;
            entry.result.reason = std::move(rejected);
            summary_.records.push_back(std::move(entry));
        }
        summary_.files.push_back(file);
    }

    // Finds or creates the client of one company and sets its fields in client.md. Returns why
    // the company was rejected, or an empty string.
    std::string import_company(const std::string& file_name, const SourceRecord& record, const DocumentType& client_type,
                               const importers::ClientCreation& creation) {
        if (!record.problem.empty()) return record.problem;
        if (!record.value.is_object()) return tr("the record is not an object of fields");
        const auto id = field_text(record.value, "id");
        auto name = field_text(record.value, "name");
        name.erase(0, name.find_first_not_of(" \t\r\n"));
        name.erase(name.find_last_not_of(" \t\r\n") + 1);
        if (id.empty()) return tr("the company has no id");
        if (name.empty()) return tr("the company has no name");

        auto entry = clients_.resolve("hudu:company:" + id, name, id, creation);
        entry.line = record.line;
        companies_by_id_[id] = entry.slug;
        std::vector<std::string> losses;
        const auto fields = importers::hudu_company_fields(record.value, client_type, losses);
        entry.changed_fields = importers::set_client_fields(entry, fields, changes_, request_.dry_run);
        for (auto& what : losses) {
            summary_.losses.push_back({file_name, record.line, entry.source, entry.slug, std::move(what)});
        }
        summary_.clients.push_back(std::move(entry));
        return {};
    }

    // Returns the client of a company: the one of companies.json, else the client whose
    // client.md has the company's source.
    std::optional<std::string> slug_for_company(const std::string& id) const {
        if (id.empty()) return std::nullopt;
        if (auto found = companies_by_id_.find(id); found != companies_by_id_.end()) return found->second;
        return clients_.slug_of_source("hudu:company:" + id);
    }

    // --- recipients ----------------------------------------------------------------------

    void give_access() {
        for (auto& entry : summary_.clients) {
            const auto id = entry.source.substr(entry.source.rfind(':') + 1);
            if (!secret_companies_.contains(id)) continue;
            if (auto loss = access_.give(entry, changes_)) {
                summary_.losses.push_back({"", 0, "", entry.slug, std::move(*loss)});
            }
        }
    }

    // --- the documents of each client ----------------------------------------------------

    // Records the documents that a client already has from Hudu, by source, so that a record
    // can refer to one that comes later in the export.
    void index_client(const std::string& slug) {
        if (!indexed_.insert(slug).second || clients_.planned(slug)) return;
        auto client = workspace_.find_client(slug);
        if (!client) return;
        for (const auto& path : list_documents(*client)) {
            try {
                auto document = Document::parse(read_file(client->directory / path), path);
                auto source = document.field("source");
                if (source.starts_with("hudu:")) {
                    documents_.emplace(source, KnownDocument{slug, importers::reference_of(path)});
                }
            } catch (const Error&) {
                // A document that cannot be read is left to dossier check.
            }
        }
    }

    // --- the engine ----------------------------------------------------------------------

    const DocumentType& builtin_type(const char* name) const {
        const DocumentType* type = request_.types->find(name);
        if (type == nullptr) {
            throw Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("unknown type: {}")), name),
                        tr("run dossier types to list the types"));
        }
        return *type;
    }

    // Returns the request of the engine for one list of the export, without its hooks.
    RecordImportRequest engine_request(const DocumentType& type, const std::string& file_name) {
        RecordImportRequest request;
        request.source_kind = "hudu";
        request.source_name = file_name;
        request.type = &type;
        request.client_column = "company";
        request.key_field = "source";
        request.date_order = DateOrder::year_month_day;  // Hudu writes yyyy-mm-dd
        request.dry_run = request_.dry_run;
        request.today = request_.today;
        request.language = request_.language;
        request.owner = request_.owner;
        request.owner_name = request_.owner_name;
        request.mappings = {{"created_at", "created"}};
        request.identities = request_.identities;
        request.recipients = [this](const Client& client, const std::string& document) {
            return access_.recipients_for(client, document, request_.recipients);
        };
        request.author = [this](git::Repository& repository) { return request_.author(&repository); };
        request.shared_change = [this](const Client& client) -> Change& {
            return *changes_.work_for(client.slug).change;
        };
        return request;
    }

    // Imports the records of `records` through the engine: `prepare` rewrites each one, and
    // each outcome is added to the summary under `file`.
    void run_engine(RecordImportRequest request, HuduRecords& records, PlatformFile& file, const std::string& kind,
                    const std::function<void(importers::HuduPrepared&)>& prepare) {
        request.prepare = [this, &prepare](ordered_json& record) {
            begin_record(record);
            importers::HuduPrepared prepared{record, current_.client, current_.losses};
            prepare(prepared);
        };
        request.on_record = [this, &records, &file, kind, type = request.type->name()](const RecordResult& result) {
            add_result(records.current_file_name(), kind, type, file, result);
        };
        import_records(workspace_, records, request);
    }

    // Starts the context of a record: its client, found by its company.
    void begin_record(ordered_json& record) {
        current_ = CurrentRecord{};
        current_.prepared = true;
        current_.company_id = field_text(record, "company_id");
        record.erase("company_id");
        if (current_.company_id.empty()) return;
        if (auto slug = slug_for_company(current_.company_id)) {
            // The engine finds the client by this slug, whatever the title of its client.md is.
            record["company"] = *slug;
            current_.client = *slug;
            current_.new_client = clients_.planned(*slug);
            index_client(*slug);
        } else {
            current_.unknown_company = true;
        }
    }

    void add_result(const std::string& file_name, const std::string& kind, const std::string& type, PlatformFile& file,
                    const RecordResult& result) {
        CurrentRecord current = current_.prepared ? std::move(current_) : CurrentRecord{};
        current_ = CurrentRecord{};

        PlatformRecord entry{file_name, kind, type, result, false};
        ++file.records;
        if (result.outcome == RecordOutcome::rejected && result.client.empty() && current.new_client) {
            // A dry run cannot check the records of a client that does not exist yet.
            entry.with_new_client = true;
            entry.result.outcome = RecordOutcome::created;
            entry.result.client = current.client;
            entry.result.reason.clear();
        } else if (result.outcome == RecordOutcome::rejected) {
            if (current.unknown_company) {
                entry.result.reason = fmt::format(
                    fmt::runtime(tr("company_id {} is not in companies.json, and no client has source hudu:company:{}")),
                    current.company_id, current.company_id);
            }
            ++file.rejected;
            ++summary_.rejected;
        }
        importers::count_record(summary_.counts, kind, entry.result);

        if (!result.path.empty() && !result.key.empty()) {
            documents_[result.key] = KnownDocument{result.client, importers::reference_of(result.path)};
        }
        if (!request_.dry_run && !result.path.empty() &&
            (result.outcome == RecordOutcome::created || result.outcome == RecordOutcome::updated)) {
            auto& work = changes_.work_for(result.client);
            work.written.insert(result.path);
            ++(result.outcome == RecordOutcome::created ? work.created : work.updated);
        }
        for (auto& what : current.losses) {
            summary_.losses.push_back({file_name, result.line, result.key, entry.result.client, std::move(what)});
        }
        summary_.records.push_back(std::move(entry));
    }

    // --- assets --------------------------------------------------------------------------

    // Generates a workspace type from each layout, with one commit of the workspace repository.
    void import_layouts() {
        std::vector<std::string> type_names;
        for (const auto& layout : layouts_) type_names.push_back(layout.type_name);
        PlatformFile file{"asset_layouts.json", "asset_layout", fmt::format("{}", fmt::join(type_names, ", ")),
                          !lists_["asset_layouts"].pages.empty(), layout_records_.size(), 0};
        for (const auto& record : layout_records_) {
            const auto& value = record.record.value;
            if (record.record.problem.empty() && layout_with_id(field_text(value, "id")) != nullptr) continue;
            ++file.rejected;
            reject_directly(record.file, file.kind, "", record.record,
                            record.record.problem.empty() ? tr("the asset layout has no id or no name")
                                                          : record.record.problem);
        }
        for (const auto& layout : layouts_) {
            for (const auto& what : layout.losses) {
                summary_.losses.push_back({file.file, 0, "hudu:asset_layout:" + layout.id, "", what});
            }
        }
        summary_.files.push_back(file);
        if (layouts_.empty()) return;

        auto generated = importers::add_generated_types(workspace_, importers::generated_types_of(layouts_),
                                                        request_.dry_run, "import hudu", request_.author);
        catalog_ = std::make_unique<TypeCatalog>(std::move(generated.catalog));
        summary_.types_created = std::move(generated.created);
        summary_.types_commit = std::move(generated.commit);
    }

    void import_assets() {
        PlatformFile file{"assets.json", "asset", "", !lists_["assets"].pages.empty(), 0, 0};
        std::vector<std::string> type_names;
        for (const auto& layout : layouts_) type_names.push_back(layout.type_name);
        file.type = fmt::format("{}", fmt::join(type_names, ", "));
        if (file.present && catalog_) {
            plan_asset_paths();
            for (const auto& layout : layouts_) import_layout_assets(layout, file);
        }
        reject_assets_without_layout(file);
        summary_.files.push_back(file);
    }

    // Learns the document of every asset before any is written, so that an asset can refer to
    // one that comes after it in the export. The engine runs over the assets of each layout as
    // a dry run, which gives the path of each new document. The import then writes the same
    // records in the same order to the same paths.
    void plan_asset_paths() {
        const bool links = std::any_of(layouts_.begin(), layouts_.end(), [](const HuduLayout& layout) {
            return std::any_of(layout.fields.begin(), layout.fields.end(), [](const importers::HuduLayoutField& field) {
                return field.kind == importers::HuduFieldKind::asset_tag;
            });
        });
        if (!links) return;
        const NoLinks no_links;
        for (const auto& layout : layouts_) {
            HuduRecords records(lists_["assets"], layout_filter(layout));
            auto request = engine_request(generated_type(layout), "assets.json");
            request.dry_run = true;
            request.mappings.insert(request.mappings.end(), layout.mappings.begin(), layout.mappings.end());
            request.prepare = [this, &layout, &no_links](ordered_json& record) {
                begin_record(record);
                std::vector<std::string> ignored;
                importers::HuduPrepared prepared{record, current_.client, ignored};
                importers::prepare_hudu_asset(layout, no_links, prepared);
            };
            request.on_record = [this](const RecordResult& result) {
                current_ = CurrentRecord{};
                if (!result.path.empty() && !result.key.empty()) {
                    documents_[result.key] = KnownDocument{result.client, importers::reference_of(result.path)};
                }
            };
            import_records(workspace_, records, request);
        }
    }

    HuduRecords::Filter layout_filter(const HuduLayout& layout) const {
        return [&layout](const SourceRecord& record) {
            return record.problem.empty() && field_text(record.value, "asset_layout_id") == layout.id;
        };
    }

    const DocumentType& generated_type(const HuduLayout& layout) const {
        const DocumentType* type = catalog_->find(layout.type_name);
        if (type != nullptr) return *type;
        const auto* problem = catalog_->problem_for(layout.type_name);
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("the type {} cannot be used: {}")), layout.type_name,
                                problem != nullptr ? problem->reason : std::string()),
                    fmt::format(fmt::runtime(tr("correct or remove types/{}.schema.json in the workspace")),
                                layout.type_name));
    }

    void import_layout_assets(const HuduLayout& layout, PlatformFile& file) {
        HuduRecords records(lists_["assets"], layout_filter(layout));
        auto request = engine_request(generated_type(layout), "assets.json");
        request.mappings.insert(request.mappings.end(), layout.mappings.begin(), layout.mappings.end());
        run_engine(std::move(request), records, file, "asset", [this, &layout](importers::HuduPrepared& prepared) {
            importers::prepare_hudu_asset(layout, *this, prepared);
        });
    }

    // Rejects, without the engine, the assets that no layout of asset_layouts.json describes.
    void reject_assets_without_layout(PlatformFile& file) {
        HuduRecords records(lists_["assets"], [this](const SourceRecord& record) {
            return !record.problem.empty() || !record.value.is_object() ||
                   layout_with_id(field_text(record.value, "asset_layout_id")) == nullptr;
        });
        SourceRecord record;
        while (records.next(record)) {
            ++file.records;
            ++file.rejected;
            auto reason = !record.problem.empty() ? record.problem
                          : !record.value.is_object()
                              ? tr("the record is not an object of fields")
                              : fmt::format(fmt::runtime(tr("the asset layout {} is not in asset_layouts.json")),
                                            field_text(record.value, "asset_layout_id"));
            reject_directly(records.current_file_name(), file.kind, "", record, std::move(reason));
        }
    }

    // Adds a record rejected before the engine saw it, counted under its client when known.
    void reject_directly(const std::string& file_name, const std::string& kind, const std::string& type,
                         const SourceRecord& record, std::string reason) {
        PlatformRecord entry{file_name, kind, type, {}, false};
        entry.result.number = record.number;
        entry.result.line = record.line;
        entry.result.reason = std::move(reason);
        const auto id = field_text(record.value, "id");
        if (!id.empty()) entry.result.key = fmt::format("hudu:{}:{}", kind, id);
        if (auto slug = slug_for_company(field_text(record.value, "company_id"))) {
            entry.result.client = *slug;
            importers::count_record(summary_.counts, kind, entry.result);
        }
        ++summary_.rejected;
        summary_.records.push_back(std::move(entry));
    }

    // --- the credentials of assets' Password fields --------------------------------------

    void import_asset_secrets() {
        if (!catalog_ || lists_["assets"].pages.empty()) return;
        PlatformFile file{"assets.json", "asset_secrets", "credential", true, 0, 0};
        const auto& credential = builtin_type("credential");
        bool any = false;
        for (const auto& layout : layouts_) {
            if (!layout.has_secrets()) continue;
            any = true;
            HuduRecords records(lists_["assets"], [this, &layout](const SourceRecord& record) {
                return record.problem.empty() && field_text(record.value, "asset_layout_id") == layout.id &&
                       slug_for_company(field_text(record.value, "company_id")) &&
                       importers::hudu_asset_has_secrets(layout, record.value);
            });
            auto request = engine_request(credential, "assets.json");
            for (const auto& field : layout.fields) {
                if (field.kind == importers::HuduFieldKind::secret) {
                    request.mappings.push_back({field.property, "secret." + field.property});
                }
            }
            run_engine(std::move(request), records, file, file.kind,
                       [this, &layout](importers::HuduPrepared& prepared) {
                           importers::prepare_hudu_asset_secrets(layout, *this, prepared);
                       });
        }
        if (any) summary_.files.push_back(file);
    }

    // --- asset passwords and articles ----------------------------------------------------

    void import_passwords() {
        PlatformFile file{"asset_passwords.json", "asset_password", "credential", false, 0, 0};
        if (lists_["asset_passwords"].pages.empty()) {
            summary_.files.push_back(file);
            return;
        }
        file.present = true;
        HuduRecords records(lists_["asset_passwords"]);
        auto request = engine_request(builtin_type("credential"), "asset_passwords.json");
        request.mappings.push_back({"name", "title"});
        request.mappings.push_back({"description", "body"});
        run_engine(std::move(request), records, file, file.kind,
                   [this](importers::HuduPrepared& prepared) { importers::prepare_hudu_password(*this, prepared); });
        summary_.files.push_back(file);
    }

    void import_articles() {
        PlatformFile file{"articles.json", "article", "kb", false, 0, 0};
        if (lists_["articles"].pages.empty()) {
            summary_.files.push_back(file);
            return;
        }
        file.present = true;
        report_global_articles();
        HuduRecords records(lists_["articles"], [](const SourceRecord& record) {
            return !record.value.is_object() || !record.value.value("company_id", ordered_json()).is_null();
        });
        auto request = engine_request(builtin_type("kb"), "articles.json");
        request.mappings.push_back({"name", "title"});
        request.mappings.push_back({"content", "body"});
        run_engine(std::move(request), records, file, file.kind,
                   [](importers::HuduPrepared& prepared) { importers::prepare_hudu_article(prepared); });
        summary_.files.push_back(file);
    }

    // Lists as losses the articles of Hudu's global knowledge base, which belong to no company.
    // NOTE: dossier keeps documents only in client repositories, and the workspace has no
    // place for documents shared by every client, so these articles are not imported.
    void report_global_articles() {
        HuduRecords records(lists_["articles"], [](const SourceRecord& record) {
            return record.problem.empty() && record.value.is_object() &&
                   record.value.value("company_id", ordered_json()).is_null();
        });
        SourceRecord record;
        while (records.next(record)) {
            summary_.losses.push_back(
                {records.current_file_name(), record.line, "hudu:article:" + field_text(record.value, "id"), "",
                 fmt::format(fmt::runtime(tr("the article \"{}\" belongs to no company (the global knowledge base), "
                                             "and documents live in client repositories: not imported")),
                             field_text(record.value, "name"))});
        }
    }

    // --- writing -------------------------------------------------------------------------

    void commit_all() {
        const auto folder = request_.export_dir.filename().empty() ? request_.export_dir.parent_path().filename()
                                                                   : request_.export_dir.filename();
        auto commit = [&](const std::string& slug) {
            auto& work = changes_.work_for(slug);
            const auto message = fmt::format("import hudu {}: {} created, {} updated", folder.string(), work.created,
                                             work.updated);
            return changes_.commit(slug, message, request_.author);
        };
        const auto slugs = changes_.slugs();
        for (auto& entry : summary_.clients) {
            if (std::find(slugs.begin(), slugs.end(), entry.slug) != slugs.end()) entry.commit = commit(entry.slug);
        }
        // Clients that records name by a source of an earlier import, without a company of
        // companies.json.
        for (const auto& slug : slugs) commit(slug);
    }

    const Workspace& workspace_;
    const HuduImportRequest& request_;
    PlatformImportSummary summary_;
    importers::PlatformClients clients_;
    importers::ClientChanges changes_;
    importers::SecretAccess access_;

    std::map<std::string, importers::HuduList> lists_;
    std::vector<KeptRecord> companies_;
    std::vector<KeptRecord> layout_records_;
    std::vector<ordered_json> layout_values_;
    std::vector<HuduLayout> layouts_;
    std::unique_ptr<TypeCatalog> catalog_;
    std::set<std::string> secret_companies_;           // ids of companies that receive secrets
    std::map<std::string, std::string> companies_by_id_;  // Hudu id → client slug

    std::map<std::string, KnownDocument> documents_;   // by source
    std::set<std::string> indexed_;                    // clients whose documents are in documents_
    CurrentRecord current_;
};

}  // namespace

PlatformImportSummary import_hudu(const Workspace& workspace, const HuduImportRequest& request) {
    HuduImporter importer(workspace, request);
    return importer.run();
}

}  // namespace dossier
