// The engine of `dossier import itglue`.
//
// organizations.csv is read first: each organization is found among the clients by its
// `source` key in client.md (itglue:organization:<id>), else by slug or name, else created as
// `client add` creates one (platform_clients.cpp, shared with the Hudu import). Every other
// CSV file of the export then goes through the engine of `import csv` (record_import.cpp),
// with the client column "organization" and the natural key `source`. Its prepare hook (itglue_fields.cpp) turns IT Glue's columns into the fields of
// the document type: JSON cells expanded, HTML notes made Markdown, and names of other
// records made `related:` references. The files are imported in an order where each record's references
// point at records imported before it (sites, contacts, assets, then what refers to assets).
// All of a client's writes go through one Change, committed once at the end.
#include "dossier/itglue_import.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "dossier/atomic_file.hpp"
#include "dossier/change.hpp"
#include "dossier/document.hpp"
#include "dossier/document_template.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/reference.hpp"
#include "dossier/text.hpp"
#include "field_values.hpp"
#include "export_files.hpp"
#include "generated_types.hpp"
#include "itglue_documents.hpp"
#include "itglue_fields.hpp"
#include "itglue_flexible.hpp"
#include "platform_clients.hpp"
#include "record_source.hpp"

namespace dossier {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;
using importers::comparable_name;

// The document type and the column mappings of one CSV file of the export.
struct FileSpec {
    const char* file;
    importers::ItGlueKind kind;
    const char* type;
    std::vector<FieldMapping> mappings;
};

// The files in the order they are imported: a record can refer only to records of the files
// before its own.
const std::vector<FileSpec>& file_specs() {
    using importers::ItGlueKind;
    static const std::vector<FileSpec> specs = {
        {"locations.csv", ItGlueKind::location, "site",
         {{"name", "title"}, {"address_1", "address"}, {"notes", "body"}}},
        {"contacts.csv", ItGlueKind::contact, "contact",
         {{"name", "title"}, {"title", "job_title"}, {"notes", "body"}}},
        {"configurations.csv", ItGlueKind::configuration, "asset",
         {{"name", "title"},
          {"primary_ip", "ip_address"},
          {"operating_system", "os"},
          {"purchased_at", "purchased"},
          {"warranty_expires_at", "warranty_expires"},
          {"notes", "body"}}},
        {"domains.csv", ItGlueKind::domain, "domain",
         {{"name", "domain_name"}, {"expires_on", "expires"}, {"notes", "body"}}},
        {"ssl_certificates.csv", ItGlueKind::ssl_certificate, "certificate",
         {{"name", "common_name"},
          {"host", "installed_on"},
          {"issued_by", "issuer"},
          {"issued_on", "issued"},
          {"expires_on", "expires"},
          {"notes", "body"}}},
        {"passwords.csv", ItGlueKind::password, "credential", {{"name", "title"}, {"notes", "body"}}},
    };
    return specs;
}

std::string trimmed(std::string_view text) {
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    const auto end = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(begin, end - begin + 1));
}

std::string cell(const ordered_json& record, const char* column) {
    auto found = record.find(column);
    if (found == record.end() || !found->is_string()) return {};
    return trimmed(found->get_ref<const std::string&>());
}

using importers::reference_of;

// The documents of one client by source key, and the collision keys of its paths, for the
// documents of documents.csv, which the import writes without the engine.
struct DocumentIndex {
    std::map<std::string, std::string> by_source;
    std::set<std::string> taken;
};

// The context of the record being checked, which the prepare hook records for the on_record
// callback that follows it in the engine's first pass.
struct CurrentRecord {
    bool prepared = false;
    std::string client;
    bool new_client = false;
    std::string name;
    std::vector<std::string> losses;
};

class ItGlueImporter : public importers::ItGlueLinks {
public:
    ItGlueImporter(const Workspace& workspace, const ItGlueImportRequest& request)
        : workspace_(workspace),
          request_(request),
          clients_(workspace),
          changes_(workspace),
          access_(workspace, request.technician, request.dry_run) {}

    ItGlueImportSummary run() {
        if (!export_files().is_file("organizations.csv")) {
            throw Error(ErrorKind::not_found,
                        fmt::format(fmt::runtime(tr("no organizations.csv in {}")), export_files().source().string()),
                        tr("give the folder or the ZIP file of an IT Glue export, with organizations.csv at its top "
                           "or, in a ZIP file, in its one top-level folder"));
        }
        try {
            import_organizations();
            give_access();
            for (const auto& spec : file_specs()) import_file(spec);
            import_documents();
            import_flexible_assets();
            if (!request_.dry_run) commit_all();
        } catch (...) {
            roll_back();
            throw;
        }
        summary_.written = !request_.dry_run;
        return std::move(summary_);
    }

    // --- importers::ItGlueLinks ----------------------------------------------------------

    std::vector<std::string> references_named(importers::ItGlueKind kind, const std::string& client,
                                              const std::string& name) const override {
        auto by_client = names_.find({kind, client});
        if (by_client == names_.end()) return {};
        auto found = by_client->second.find(folded(name));
        return found == by_client->second.end() ? std::vector<std::string>{} : found->second;
    }

    std::optional<std::pair<std::string, std::string>> reference_of_source(const std::string& source) const override {
        auto found = references_.find(source);
        if (found == references_.end()) return std::nullopt;
        return found->second;
    }

    bool planned_only(const std::string& client) const override {
        return request_.dry_run && clients_.planned(client);
    }

private:
    static std::string folded(const std::string& name) { return comparable_name(name); }

    const importers::ExportFiles& export_files() const { return *request_.files; }

    // --- organizations -------------------------------------------------------------------

    void import_organizations() {
        ItGlueFile file{"organizations.csv", "organization", "client", true, 0, 0};
        auto source = export_files().open_csv(file.file, {});
        importers::SourceRecord record;
        while (source->next(record)) {
            ++file.records;
            auto rejected = import_organization(record);
            if (rejected.empty()) continue;
            ++file.rejected;
            ++summary_.rejected;
            ItGlueRecord entry{file.file, file.kind, file.type, {}, false};
            entry.result.number = record.number;
            entry.result.line = record.line;
            entry.result.reason = std::move(rejected);
            summary_.records.push_back(std::move(entry));
        }
        summary_.files.push_back(file);
    }

    // Finds or creates the client of one organization and sets its fields in client.md.
    // Returns why the organization was rejected, or an empty string.
    std::string import_organization(const importers::SourceRecord& record) {
        if (!record.problem.empty()) return record.problem;
        const auto id = cell(record.value, "id");
        const auto name = cell(record.value, "name");
        if (id.empty()) return tr("the organization has no id");
        if (name.empty()) return tr("the organization has no name");

        const importers::ClientCreation creation{request_.dry_run, request_.language, request_.today,
                                                 [this] { return request_.author(nullptr); }, "organization"};
        auto entry = clients_.resolve("itglue:organization:" + id, name, id, creation);
        entry.line = record.line;
        organizations_[folded(name)] = entry.slug;
        const std::vector<std::pair<std::string, ordered_json>> values = {
            {"source", entry.source},
            {"short_name", cell(record.value, "short_name")},
            {"organization_type", cell(record.value, "organization_type")},
            {"organization_status", cell(record.value, "organization_status")},
            {"description", cell(record.value, "description")},
            {"quick_notes", importers::notes_markdown(cell(record.value, "quick_notes"))},
            {"alert", cell(record.value, "alert")},
        };
        entry.changed_fields = importers::set_client_fields(entry, values, changes_, request_.dry_run);
        summary_.clients.push_back(std::move(entry));
        return {};
    }

    // --- recipients ----------------------------------------------------------------------

    // Gives the technician access to the secrets of each client that receives passwords and
    // has no recipients file yet, in the client's import commit.
    void give_access() {
        if (!export_files().is_file("passwords.csv")) return;
        std::set<std::string> slugs;
        auto source = export_files().open_csv("passwords.csv", {});
        importers::SourceRecord record;
        while (source->next(record)) {
            if (!record.problem.empty()) continue;
            if (auto slug = organization_slug(cell(record.value, "organization"))) slugs.insert(*slug);
        }

        for (auto& entry : summary_.clients) {
            if (!slugs.contains(entry.slug)) continue;
            if (auto loss = access_.give(entry, changes_)) {
                summary_.losses.push_back({"passwords.csv", 0, "", entry.slug, std::move(*loss)});
            }
        }
    }

    RecipientsFile recipients_for(const Client& client, const std::string& path) const {
        return access_.recipients_for(client, path, request_.recipients);
    }

    // --- the other files -----------------------------------------------------------------

    std::optional<std::string> organization_slug(const std::string& organization) const {
        auto found = organizations_.find(folded(organization));
        if (found == organizations_.end()) return std::nullopt;
        return found->second;
    }

    // Returns the request of the engine for one file of the export, without its hooks.
    RecordImportRequest engine_request(const DocumentType& type, const std::string& file_name) {
        RecordImportRequest request;
        request.source_kind = "itglue";
        request.source_name = file_name;
        request.type = &type;
        request.client_column = "organization";
        request.key_field = "source";
        request.date_order = DateOrder::year_month_day;  // IT Glue writes yyyy-mm-dd
        request.dry_run = request_.dry_run;
        request.today = request_.today;
        request.language = request_.language;
        request.owner = request_.owner;
        request.owner_name = request_.owner_name;
        request.identities = request_.identities;
        request.recipients = [this](const Client& client, const std::string& document) {
            return recipients_for(client, document);
        };
        request.author = [this](git::Repository& repository) { return request_.author(&repository); };
        request.shared_change = [this](const Client& client) -> Change& { return *work_for(client.slug).change; };
        return request;
    }

    const DocumentType& builtin_type(const char* name) const {
        const DocumentType* type = request_.types->find(name);
        if (type == nullptr) {
            throw Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("unknown type: {}")), name),
                        tr("run dossier types to list the types"));
        }
        return *type;
    }

    void import_file(const FileSpec& spec) {
        const auto kind = std::string(importers::kind_name(spec.kind));
        ItGlueFile file{spec.file, kind, spec.type, false, 0, 0};
        if (!export_files().is_file(spec.file)) {
            summary_.files.push_back(file);
            return;
        }
        file.present = true;
        const auto& type = builtin_type(spec.type);
        auto request = engine_request(type, spec.file);
        request.mappings = spec.mappings;
        request.prepare = [this, &spec, &type](ordered_json& record) { prepare(spec, type, record); };
        request.on_record = [this, &spec, &file](const RecordResult& result) {
            add_result(spec.file, spec.kind, spec.type, file, result);
        };
        auto source = export_files().open_csv(spec.file, {});
        import_records(workspace_, *source, request);
        summary_.files.push_back(file);
    }

    // Starts the context of a record: its client, found by the organization's name.
    void begin_record(ordered_json& record) {
        current_ = CurrentRecord{};
        current_.prepared = true;
        const auto organization = cell(record, "organization");
        if (auto slug = organization_slug(organization)) {
            // The engine finds the client by this slug, whatever the title of its client.md is.
            record["organization"] = *slug;
            current_.client = *slug;
            current_.new_client = clients_.planned(*slug);
        }
    }

    void prepare(const FileSpec& spec, const DocumentType& type, ordered_json& record) {
        begin_record(record);
        importers::PreparedRecord prepared{record, current_.client, current_.name, current_.losses};
        importers::prepare_itglue_record(spec.kind, type, *this, prepared);
    }

    void add_result(const std::string& file_name, std::optional<importers::ItGlueKind> kind, const std::string& type,
                    ItGlueFile& file, const RecordResult& result) {
        CurrentRecord current = current_.prepared ? std::move(current_) : CurrentRecord{};
        current_ = CurrentRecord{};

        ItGlueRecord entry{file_name, file.kind, type, result, false};
        ++file.records;
        if (result.outcome == RecordOutcome::rejected && result.client.empty() && current.new_client) {
            // A dry run cannot check the records of a client that does not exist yet.
            entry.with_new_client = true;
            entry.result.outcome = RecordOutcome::created;
            entry.result.client = current.client;
            entry.result.reason.clear();
        } else if (result.outcome == RecordOutcome::rejected) {
            ++file.rejected;
            ++summary_.rejected;
        }
        count(entry);

        if (!result.path.empty() && !result.key.empty()) {
            references_[result.key] = {result.client, reference_of(result.path)};
            if (kind && !current.name.empty()) {
                names_[{*kind, result.client}][folded(current.name)].push_back(reference_of(result.path));
            }
        }
        if (!request_.dry_run && !result.path.empty() &&
            (result.outcome == RecordOutcome::created || result.outcome == RecordOutcome::updated)) {
            auto& work = work_for(result.client);
            work.written.insert(result.path);
            ++(result.outcome == RecordOutcome::created ? work.created : work.updated);
        }
        for (auto& what : current.losses) {
            summary_.losses.push_back({file_name, result.line, result.key, entry.result.client, std::move(what)});
        }
        summary_.records.push_back(std::move(entry));
    }

    // --- flexible assets -----------------------------------------------------------------

    // Returns the catalog of types with the generated `types` added: written to types/ of the
    // workspace in one commit, or, in a dry run, to a copy of types/ in a temporary folder.
    TypeCatalog catalog_with(const std::vector<importers::FlexibleAssetType>& types) {
        std::vector<importers::GeneratedType> generated;
        for (const auto& type : types) generated.push_back({type.name, type.schema});
        auto added = importers::add_generated_types(workspace_, generated, request_.dry_run, "import itglue",
                                                    request_.author);
        summary_.types_created = std::move(added.created);
        summary_.types_commit = std::move(added.commit);
        return std::move(added.catalog);
    }

    // Imports each CSV file of the export that is not one of its built-in files as a flexible
    // asset: a workspace type generated from its columns, then its rows as documents.
    void import_flexible_assets() {
        std::vector<std::string> names;
        for (const auto& entry : export_files().entries()) {
            const bool at_top = entry.path.find('/') == std::string::npos;
            if (!entry.folder && at_top && importers::is_flexible_asset_file(entry.path)) names.push_back(entry.path);
        }
        std::sort(names.begin(), names.end());
        if (names.empty()) return;

        std::vector<importers::FlexibleAssetType> types;
        for (const auto& name : names) {
            auto source = export_files().open_csv(name, {});
            types.push_back(importers::flexible_asset_type(name, *source));
        }
        const auto catalog = catalog_with(types);
        for (std::size_t index = 0; index < names.size(); ++index) import_flexible_asset(catalog, names[index], types[index]);
    }

    void import_flexible_asset(const TypeCatalog& catalog, const std::string& name,
                               const importers::FlexibleAssetType& flexible) {
        const auto kind = slugify(name.substr(0, name.size() - 4));
        ItGlueFile file{name, kind, flexible.name, true, 0, 0};
        const DocumentType* type = catalog.find(flexible.name);
        if (type == nullptr) {
            const auto* problem = catalog.problem_for(flexible.name);
            throw Error(ErrorKind::invalid_input,
                        fmt::format(fmt::runtime(tr("the type {} cannot be used: {}")), flexible.name,
                                    problem != nullptr ? problem->reason : std::string()),
                        fmt::format(fmt::runtime(tr("correct or remove types/{}.schema.json in the workspace")),
                                    flexible.name));
        }
        summary_.losses.push_back(
            {name, 0, "", "",
             fmt::format(fmt::runtime(tr("the export does not say what kind of field each column is (text, date, tag, "
                                         "password...): the type {} guesses it from the values: {}")),
                         flexible.name, fmt::join(flexible.guessed_kinds, ", "))});

        auto request = engine_request(*type, name);
        request.mappings = flexible.mappings;
        request.prepare = [this, kind](ordered_json& record) {
            begin_record(record);
            const auto id = cell(record, "id");
            record.erase("id");
            if (!id.empty()) record["source"] = fmt::format("itglue:{}:{}", kind, id);
            if (record.contains("archived")) {
                auto archived = importers::parse_boolean(cell(record, "archived"));
                record.erase("archived");
                if (archived && *archived) record["status"] = "archived";
            }
        };
        request.on_record = [this, &name, &flexible, &file](const RecordResult& result) {
            add_result(name, std::nullopt, flexible.name, file, result);
        };
        auto source = export_files().open_csv(name, {});
        import_records(workspace_, *source, request);
        summary_.files.push_back(file);
    }

    // --- documents.csv -------------------------------------------------------------------

    // Returns the client of an organization: one of organizations.csv, else a client whose
    // slug or name it is.
    std::optional<std::string> client_of(const std::string& organization) const {
        if (auto slug = organization_slug(organization)) return slug;
        return clients_.slug_named(organization);
    }

    DocumentIndex& document_index(const std::string& slug) {
        if (auto found = document_indexes_.find(slug); found != document_indexes_.end()) return found->second;
        auto& index = document_indexes_[slug];
        auto client = workspace_.find_client(slug);
        if (!client) return index;
        for (const auto& path : list_documents(*client)) {
            index.taken.insert(collision_key(path));
            try {
                auto document = Document::parse(read_file(client->directory / path), path);
                auto source = document.field("source");
                if (!source.empty()) index.by_source.emplace(source, path);
            } catch (const Error&) {
                // A document that cannot be read is left to dossier check.
            }
        }
        return index;
    }

    // Returns a free path for a new document: kb/, the IT Glue folders it was in, its name.
    static std::string document_path(DocumentIndex& index, const std::string& folder, const std::string& name) {
        std::string base = "kb/";
        std::size_t offset = 0;
        while (offset < folder.size()) {
            auto end = folder.find('/', offset);
            if (end == std::string::npos) end = folder.size();
            auto part = slugify(folder.substr(offset, end - offset));
            if (!part.empty()) base += part + "/";
            offset = end + 1;
        }
        auto slug = slugify(name);
        if (slug.empty()) slug = "document";
        auto path = base + slug + ".md";
        for (int suffix = 2; index.taken.contains(collision_key(path)); ++suffix) {
            path = base + slug + "-" + std::to_string(suffix) + ".md";
        }
        index.taken.insert(collision_key(path));
        return path;
    }

    void import_documents() {
        ItGlueFile file{"documents.csv", "document", "kb", false, 0, 0};
        if (!export_files().is_file(file.file)) {
            summary_.files.push_back(file);
            return;
        }
        file.present = true;
        const DocumentType* type = &builtin_type("kb");
        const importers::ItGlueDocumentFolders folders(export_files());
        auto source = export_files().open_csv(file.file, {});
        importers::SourceRecord record;
        while (source->next(record)) {
            ItGlueRecord entry{file.file, file.kind, file.type, {}, false};
            entry.result.number = record.number;
            entry.result.line = record.line;
            std::vector<std::string> losses;
            try {
                import_document(*type, folders, record, entry, losses);
            } catch (const Error& error) {
                entry.result.outcome = RecordOutcome::rejected;
                entry.result.reason = error.what();
                entry.result.path.clear();
            }
            ++file.records;
            if (entry.result.outcome == RecordOutcome::rejected) {
                ++file.rejected;
                ++summary_.rejected;
            }
            count(entry);
            for (auto& what : losses) {
                summary_.losses.push_back({file.file, record.line, entry.result.key, entry.result.client, std::move(what)});
            }
            summary_.records.push_back(std::move(entry));
        }
        summary_.files.push_back(file);
    }

    // The front-matter fields that a row of documents.csv sets, null for those it leaves.
    static std::vector<std::pair<std::string, ordered_json>> document_fields(const ordered_json& row,
                                                                            const std::string& source) {
        auto text_or_null = [](const std::string& text) { return text.empty() ? ordered_json() : ordered_json(text); };
        auto flag = [&](const char* column) {
            auto value = importers::parse_boolean(cell(row, column));
            return value ? ordered_json(*value) : ordered_json();
        };
        auto expires = cell(row, "expires_on");
        if (auto date = importers::parse_date(expires, DateOrder::year_month_day)) expires = *date;
        auto archived = importers::parse_boolean(cell(row, "archived"));
        return {
            {"title", text_or_null(cell(row, "name"))},
            {"source", source},
            {"status", archived && *archived ? ordered_json("archived") : ordered_json()},
            {"expires", text_or_null(expires)},
            {"itglue_owner", text_or_null(cell(row, "owner"))},
            {"itglue_publisher", text_or_null(cell(row, "publisher"))},
            {"public", flag("public")},
            {"help_center", flag("help_center")},
        };
    }

    void import_document(const DocumentType& type, const importers::ItGlueDocumentFolders& folders,
                         const importers::SourceRecord& record, ItGlueRecord& entry, std::vector<std::string>& losses) {
        auto& result = entry.result;
        result.outcome = RecordOutcome::rejected;
        if (!record.problem.empty()) {
            result.reason = record.problem;
            return;
        }
        const auto& row = record.value;
        const auto id = cell(row, "id");
        const auto name = cell(row, "name");
        if (id.empty() || name.empty()) {
            result.reason = tr("the document has no id or no name");
            return;
        }
        result.key = "itglue:document:" + id;
        const auto organization = cell(row, "organization");
        auto slug = client_of(organization);
        if (!slug) {
            result.reason = fmt::format(fmt::runtime(tr("no client {} in the workspace")), organization);
            return;
        }
        result.client = *slug;
        if (planned_only(*slug)) {
            entry.with_new_client = true;
            result.outcome = RecordOutcome::created;
            return;
        }

        auto fields = document_fields(row, result.key);
        auto& index = document_index(*slug);
        if (auto existing = index.by_source.find(result.key); existing != index.by_source.end()) {
            update_document(type, *slug, existing->second, fields, result);
            return;
        }
        create_document(type, *slug, folders, cell(row, "locator"), name, fields, result, losses);
    }

    void create_document(const DocumentType& type, const std::string& slug,
                         const importers::ItGlueDocumentFolders& folders, const std::string& locator,
                         const std::string& name, const std::vector<std::pair<std::string, ordered_json>>& fields,
                         RecordResult& result, std::vector<std::string>& losses) {
        auto client = workspace_.find_client(slug);
        if (!client) throw Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("no client {} in the workspace")), slug));
        auto& index = document_index(slug);

        // The HTML, converted for the document's place.
        const auto folder = folders.find(locator);
        const auto path = document_path(index, folder ? folders.parent_of(locator) : std::string(), name);
        importers::ConvertedDocument converted;
        if (!folder) {
            losses.push_back(fmt::format(
                fmt::runtime(tr("no folder {} in documents/: the document is imported without its text")), locator));
        } else if (auto html = importers::document_html_file(*folder, locator, name)) {
            converted = importers::convert_document(export_files(), *html, path,
                                                    "attachments/itglue/documents/" + result.key.substr(16));
        } else {
            losses.push_back(fmt::format(
                fmt::runtime(tr("no HTML file in documents/{}: the document is imported without its text")),
                folder->path.substr(std::string_view("documents/").size())));
        }
        losses.insert(losses.end(), converted.losses.begin(), converted.losses.end());

        // The type's template, with the document's text in place of the template's body.
        const TemplateValues values{name, request_.today, request_.owner, request_.owner_name, client->name, slug};
        auto text = render_template(type.template_source(request_.language).value_or(generated_template(type)), values,
                                    type);
        auto rendered = Document::parse(text, path);
        text.resize(text.size() - rendered.body().size());
        if (!converted.markdown.starts_with("# ")) text += "# " + name + "\n\n";
        text += converted.markdown;
        if (!text.ends_with('\n')) text += '\n';
        auto document = Document::parse(text, path);
        if (document.front_matter().find("reviewed") != nullptr) document.set("reviewed", "");
        for (const auto& [field, value] : fields) {
            if (!value.is_null()) document.set(field, importers::yaml_line(value, field == "expires"));
        }
        auto violations = type.validate(document.front_matter());
        if (!violations.empty()) throw Error(ErrorKind::invalid_input, violations.front().message);

        result.path = path;
        result.outcome = RecordOutcome::created;
        index.by_source.emplace(result.key, path);
        if (request_.dry_run) return;
        auto& work = work_for(slug);
        work.change->write(path, document.to_bytes());
        work.written.insert(path);
        for (const auto& [from, to] : converted.attachments) {
            work.change->write(to, export_files().read(from));
            work.written.insert(to);
        }
        ++work.created;
    }

    // Sets the fields that changed; the body is left to technicians.
    void update_document(const DocumentType& type, const std::string& slug, const std::string& path,
                         const std::vector<std::pair<std::string, ordered_json>>& fields, RecordResult& result) {
        auto client = workspace_.find_client(slug);
        if (!client) throw Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("no client {} in the workspace")), slug));
        result.path = path;
        auto document = Document::parse(read_file(client->directory / path), path);
        for (const auto& [field, value] : fields) {
            if (value.is_null()) continue;
            const Value* current = document.front_matter().find(field);
            if (current != nullptr && current->to_json() == value) continue;
            document.set(field, importers::yaml_line(value, field == "expires"));
            result.changed_fields.push_back(field);
        }
        result.outcome = result.changed_fields.empty() ? RecordOutcome::unchanged : RecordOutcome::updated;
        if (result.changed_fields.empty()) return;
        for (const auto& violation : type.validate(document.front_matter())) {
            auto field = violation.field.substr(0, violation.field.find_first_of(".["));
            if (std::find(result.changed_fields.begin(), result.changed_fields.end(), field) !=
                result.changed_fields.end()) {
                throw Error(ErrorKind::invalid_input, violation.message);
            }
        }
        if (request_.dry_run) return;
        auto& work = work_for(slug);
        work.change->write(path, document.to_bytes());
        work.written.insert(path);
        ++work.updated;
    }

    void count(const ItGlueRecord& entry) { importers::count_record(summary_.counts, entry.kind, entry.result); }

    // --- writing -------------------------------------------------------------------------

    // Returns the work of a client, opening its repository and taking its write lock first.
    importers::ClientWork& work_for(const std::string& slug) { return changes_.work_for(slug); }

    void commit_all() {
        // The name of the export's folder or ZIP file.
        const auto& source = export_files().source();
        const auto folder = source.filename().empty() ? source.parent_path().filename() : source.filename();
        const auto slugs = changes_.slugs();
        for (auto& entry : summary_.clients) {
            if (std::find(slugs.begin(), slugs.end(), entry.slug) == slugs.end()) continue;
            entry.commit = commit(entry.slug, folder.string());
        }
        // Clients that the export names without an organization of their own.
        for (const auto& slug : slugs) commit(slug, folder.string());
    }

    // Commits the work of a client unless it is committed already.
    std::optional<std::string> commit(const std::string& slug, const std::string& folder) {
        const auto& work = work_for(slug);
        const auto message =
            fmt::format("import itglue {}: {} created, {} updated", folder, work.created, work.updated);
        return changes_.commit(slug, message, request_.author);
    }

    void roll_back() noexcept { changes_.roll_back(); }

    const Workspace& workspace_;
    const ItGlueImportRequest& request_;
    ItGlueImportSummary summary_;

    importers::PlatformClients clients_;
    importers::ClientChanges changes_;
    importers::SecretAccess access_;
    std::map<std::string, std::string> organizations_;     // comparable organization name → slug

    // The records imported so far: by source key, and by comparable name per kind and client.
    std::map<std::string, std::pair<std::string, std::string>> references_;
    std::map<std::pair<importers::ItGlueKind, std::string>, std::map<std::string, std::vector<std::string>>> names_;
    std::map<std::string, DocumentIndex> document_indexes_;
    CurrentRecord current_;
};

}  // namespace

ItGlueImportSummary import_itglue(const Workspace& workspace, const ItGlueImportRequest& request) {
    ItGlueImporter importer(workspace, request);
    return importer.run();
}

}  // namespace dossier
