// The engine of `dossier import itglue`.
//
// organizations.csv is read first: each organization is found among the clients by its
// `source` key in client.md (itglue:organization:<id>), else by slug or name, else created as
// `client add` creates one. Every other CSV file of the export then goes through the engine of
// `import csv` (record_import.cpp), with the client column "organization" and the natural key
// `source`. Its prepare hook (itglue_fields.cpp) turns IT Glue's columns into the fields of
// the document type: JSON cells expanded, HTML notes made Markdown, and names of other
// records made `related:` references. The files are imported in an order where each record's references
// point at records imported before it (sites, contacts, assets, then what refers to assets).
// All of a client's writes go through one Change, committed once at the end.
#include "dossier/itglue_import.hpp"

#include <stdlib.h>

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
#include "itglue_documents.hpp"
#include "itglue_fields.hpp"
#include "itglue_flexible.hpp"
#include "record_source.hpp"

namespace dossier {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;
using importers::comparable_name;

constexpr std::string_view client_file = "client.md";

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

std::string reference_of(const std::string& path) {
    return path.ends_with(".md") ? path.substr(0, path.size() - 3) : path;
}

// A client's part of the import: its repository and the Change that all its writes go
// through, committed once at the end.
struct ClientWork {
    Client client;
    std::unique_ptr<git::Repository> repository;
    std::unique_ptr<Change> change;
    std::set<std::string> written;  // paths, for a rollback
    std::size_t created = 0;
    std::size_t updated = 0;
    bool committed = false;
};

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
        : workspace_(workspace), request_(request) {}

    ItGlueImportSummary run() {
        const auto organizations = request_.export_dir / "organizations.csv";
        if (!fs::is_regular_file(organizations)) {
            throw Error(ErrorKind::not_found,
                        fmt::format(fmt::runtime(tr("no organizations.csv in {}")), request_.export_dir.string()),
                        tr("give the folder of an IT Glue export, which contains organizations.csv; unpack a ZIP "
                           "export first"));
        }
        try {
            import_organizations(organizations);
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
        return request_.dry_run && new_clients_.contains(client);
    }

private:
    static std::string folded(const std::string& name) { return comparable_name(name); }

    // --- organizations -------------------------------------------------------------------

    void index_clients() {
        for (const auto& client : workspace_.clients()) {
            remember_client(client, client_source(client));
        }
    }

    static std::string client_source(const Client& client) {
        try {
            auto document = Document::parse(read_file(client.directory / client_file), std::string(client_file));
            return document.field("source");
        } catch (const Error&) {
            return {};  // left to dossier check; the client is matched by slug or name
        }
    }

    void remember_client(const Client& client, const std::string& source) {
        if (!source.empty()) clients_by_source_.emplace(source, client);
        clients_by_name_.emplace(folded(client.slug), client);
        clients_by_name_.emplace(folded(client.name), client);
        client_sources_[client.slug] = source;
    }

    // Returns the client that an organization is, or nullopt when the import must create it.
    std::optional<Client> find_client(const std::string& source, const std::string& name, const std::string& slug) {
        if (auto found = clients_by_source_.find(source); found != clients_by_source_.end()) return found->second;
        for (const auto& key : {folded(slug), folded(name)}) {
            auto found = clients_by_name_.find(key);
            if (found == clients_by_name_.end()) continue;
            // A client that came from another organization of IT Glue is not this one.
            const auto& other = client_sources_[found->second.slug];
            if (other.empty() || other == source) return found->second;
        }
        return std::nullopt;
    }

    // Returns a slug for a new client that no client and no planned client has.
    std::string free_slug(const std::string& name, const std::string& id) {
        std::string slug;
        try {
            slug = client_slug(name, "");
        } catch (const Error&) {
            slug = "organization-" + id;
        }
        auto is_taken = [&](const std::string& candidate) {
            return fs::exists(workspace_.clients_dir() / candidate) || new_clients_.contains(candidate) ||
                   clients_by_name_.contains(folded(candidate));
        };
        if (is_taken(slug)) slug += "-" + id;
        const auto base = slug;
        for (int suffix = 2; is_taken(slug); ++suffix) slug = base + "-" + std::to_string(suffix);
        return slug;
    }

    void import_organizations(const fs::path& path) {
        index_clients();
        ItGlueFile file{"organizations.csv", "organization", "client", true, 0, 0};
        auto source = importers::open_csv(path, {}, nullptr);
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

        ItGlueClient entry;
        entry.name = name;
        entry.source = "itglue:organization:" + id;
        entry.line = record.line;
        const auto slug = slugify(name);
        if (auto client = find_client(entry.source, name, slug)) {
            entry.slug = client->slug;
            entry.outcome = ItGlueClientOutcome::found;
        } else if (request_.dry_run) {
            entry.slug = free_slug(name, id);
            entry.outcome = ItGlueClientOutcome::to_create;
            new_clients_.insert(entry.slug);
        } else {
            entry.slug = free_slug(name, id);
            // NOTE: a client is created with its own commit, as client add does, so a failure
            // later in the import leaves the clients created so far, without their records.
            auto created = workspace_.add_client(name, entry.slug, request_.language, request_.author(nullptr),
                                                 request_.today);
            entry.outcome = ItGlueClientOutcome::created;
            auto repository = git::Repository::open(created.directory);
            entry.creation_commit = repository.head_commit();
        }
        organizations_[folded(name)] = entry.slug;
        clients_by_source_.erase(entry.source);
        if (entry.outcome != ItGlueClientOutcome::to_create) {
            auto client = workspace_.find_client(entry.slug);
            if (!client) return fmt::format(fmt::runtime(tr("no client {} in the workspace")), entry.slug);
            remember_client(*client, entry.source);
        }
        entry.changed_fields = set_client_fields(entry, record.value);
        summary_.clients.push_back(std::move(entry));
        return {};
    }

    // Returns the fields of client.md that the organization sets or changes, and writes them
    // unless it is a dry run.
    std::vector<std::string> set_client_fields(const ItGlueClient& entry, const ordered_json& record) {
        const std::vector<std::pair<std::string, std::string>> values = {
            {"source", entry.source},
            {"short_name", cell(record, "short_name")},
            {"organization_type", cell(record, "organization_type")},
            {"organization_status", cell(record, "organization_status")},
            {"description", cell(record, "description")},
            {"quick_notes", importers::notes_markdown(cell(record, "quick_notes"))},
            {"alert", cell(record, "alert")},
        };
        std::vector<std::string> changed;
        if (entry.outcome == ItGlueClientOutcome::to_create) {
            for (const auto& [key, value] : values) {
                if (!value.empty()) changed.push_back(key);
            }
            return changed;
        }
        auto& work = work_for(entry.slug);
        auto document = Document::parse(read_file(work.client.directory / client_file), std::string(client_file));
        for (const auto& [key, value] : values) {
            if (value.empty()) continue;
            const Value* current = document.front_matter().find(key);
            if (current != nullptr && current->to_json() == ordered_json(value)) continue;
            document.set(key, importers::yaml_line(value, false));
            changed.push_back(key);
        }
        if (!changed.empty() && !request_.dry_run) {
            work.change->write(std::string(client_file), document.to_bytes());
            work.written.insert(std::string(client_file));
        }
        return changed;
    }

    // --- recipients ----------------------------------------------------------------------

    // Gives the technician access to the secrets of each client that receives passwords and
    // has no recipients file yet, in the client's import commit.
    void give_access() {
        const auto path = request_.export_dir / "passwords.csv";
        if (!fs::is_regular_file(path)) return;
        std::set<std::string> slugs;
        auto source = importers::open_csv(path, {}, nullptr);
        importers::SourceRecord record;
        while (source->next(record)) {
            if (!record.problem.empty()) continue;
            if (auto slug = organization_slug(cell(record.value, "organization"))) slugs.insert(*slug);
        }

        for (auto& entry : summary_.clients) {
            if (!slugs.contains(entry.slug)) continue;
            if (entry.outcome != ItGlueClientOutcome::to_create &&
                find_recipients_file(workspace_.clients_dir() / entry.slug, "credentials/credential.md")) {
                continue;
            }
            const bool has_key = request_.technician && !request_.technician->key.empty();
            if (!has_key) {
                summary_.losses.push_back(
                    {"passwords.csv", 0, "", entry.slug,
                     tr("the client has no recipients file and the technician running the import has no age key in "
                        "team/team.yaml, so its passwords are not imported: run dossier access grant, then import "
                        "again")});
                continue;
            }
            std::vector<age::X25519Recipient> recipients{age::X25519Recipient::parse(request_.technician->key)};
            std::string text =
                fmt::format(fmt::runtime(tr("# Who may read the secrets of {}: one age public key per line.\n"
                                            "# Change it with dossier access grant and revoke.\n")),
                            entry.slug);
            text += fmt::format("# {}\n{}\n", request_.technician->id, request_.technician->key);
            const auto& recovery = workspace_.recovery_recipient();
            if (!recovery.empty()) {
                recipients.push_back(age::X25519Recipient::parse(recovery));
                text += fmt::format("# recovery\n{}\n", recovery);
            }
            entry.access_granted = true;
            if (request_.dry_run) {
                planned_recipients_[entry.slug] = std::move(recipients);
                continue;
            }
            auto& work = work_for(entry.slug);
            work.change->write(std::string(recipients_file_name), text);
            work.written.insert(std::string(recipients_file_name));
        }
    }

    RecipientsFile recipients_for(const Client& client, const std::string& path) const {
        if (auto planned = planned_recipients_.find(client.slug); planned != planned_recipients_.end()) {
            return RecipientsFile{client.directory / recipients_file_name, planned->second};
        }
        return request_.recipients(client, path);
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
        const auto path = request_.export_dir / spec.file;
        if (!fs::is_regular_file(path)) {
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
        auto source = importers::open_csv(path, {}, nullptr);
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
            current_.new_client = new_clients_.contains(*slug);
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
        const auto types_dir = workspace_.root() / "types";
        std::vector<std::pair<std::string, std::string>> files;
        for (const auto& type : types) {
            const auto path = "types/" + type.name + ".schema.json";
            // A type that the workspace has already, perhaps edited since, stays as it is.
            if (fs::exists(workspace_.root() / path)) continue;
            files.emplace_back(path, type.schema.dump(2) + "\n");
            summary_.types_created.push_back(type.name);
        }
        if (files.empty()) return TypeCatalog::load(types_dir);
        if (!request_.dry_run) {
            auto repository = git::Repository::open(workspace_.root());
            Change change(repository);
            for (const auto& [path, bytes] : files) change.write(path, bytes);
            summary_.types_commit =
                change.commit(fmt::format("import itglue: add the types {}", fmt::join(summary_.types_created, ", ")),
                              request_.author(&repository));
            return TypeCatalog::load(types_dir);
        }

        std::string scratch = (fs::temp_directory_path() / "dossier-itglue-types-XXXXXX").string();
        if (::mkdtemp(scratch.data()) == nullptr) {
            throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot create a temporary folder in {}")),
                                                   fs::temp_directory_path().string()));
        }
        std::error_code error;
        if (fs::is_directory(types_dir)) fs::copy(types_dir, scratch, fs::copy_options::recursive, error);
        for (const auto& [path, bytes] : files) write_file_atomically(fs::path(scratch) / fs::path(path).filename(), bytes);
        auto catalog = TypeCatalog::load(scratch);
        fs::remove_all(scratch, error);
        return catalog;
    }

    // Imports each CSV file of the export that is not one of its built-in files as a flexible
    // asset: a workspace type generated from its columns, then its rows as documents.
    void import_flexible_assets() {
        std::vector<std::string> names;
        std::error_code error;
        for (fs::directory_iterator it(request_.export_dir, error); !error && it != fs::directory_iterator();
             it.increment(error)) {
            auto name = it->path().filename().string();
            if (it->is_regular_file() && importers::is_flexible_asset_file(name)) names.push_back(name);
        }
        std::sort(names.begin(), names.end());
        if (names.empty()) return;

        std::vector<importers::FlexibleAssetType> types;
        for (const auto& name : names) {
            auto source = importers::open_csv(request_.export_dir / name, {}, nullptr);
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
        auto source = importers::open_csv(request_.export_dir / name, {}, nullptr);
        import_records(workspace_, *source, request);
        summary_.files.push_back(file);
    }

    // --- documents.csv -------------------------------------------------------------------

    // Returns the client of an organization: one of organizations.csv, else a client whose
    // slug or name it is.
    std::optional<std::string> client_of(const std::string& organization) const {
        if (auto slug = organization_slug(organization)) return slug;
        auto found = clients_by_name_.find(folded(organization));
        if (found == clients_by_name_.end()) return std::nullopt;
        return found->second.slug;
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
        const auto path = request_.export_dir / "documents.csv";
        if (!fs::is_regular_file(path)) {
            summary_.files.push_back(file);
            return;
        }
        file.present = true;
        const DocumentType* type = &builtin_type("kb");
        const importers::ItGlueDocumentFolders folders(request_.export_dir / "documents");
        auto source = importers::open_csv(path, {}, nullptr);
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
            converted = importers::convert_document(*html, request_.export_dir, path,
                                                    "attachments/itglue/documents/" + result.key.substr(16));
        } else {
            losses.push_back(fmt::format(
                fmt::runtime(tr("no HTML file in documents/{}: the document is imported without its text")),
                fs::path(*folder).lexically_relative(request_.export_dir / "documents").generic_string()));
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
            work.change->write(to, read_file(from));
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

    void count(const ItGlueRecord& entry) {
        const auto& result = entry.result;
        auto found = std::find_if(summary_.counts.begin(), summary_.counts.end(), [&](const ItGlueCounts& counts) {
            return counts.client == result.client && counts.kind == entry.kind;
        });
        if (found == summary_.counts.end()) {
            summary_.counts.push_back({result.client, entry.kind, 0, 0, 0, 0});
            found = summary_.counts.end() - 1;
        }
        switch (result.outcome) {
            case RecordOutcome::created: ++found->created; break;
            case RecordOutcome::updated: ++found->updated; break;
            case RecordOutcome::unchanged: ++found->unchanged; break;
            case RecordOutcome::rejected: ++found->rejected; break;
        }
    }

    // --- writing -------------------------------------------------------------------------

    // Returns the work of a client, opening its repository and taking its write lock first.
    ClientWork& work_for(const std::string& slug) {
        if (auto found = work_.find(slug); found != work_.end()) return *found->second;
        auto client = workspace_.find_client(slug);
        if (!client) throw Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("no client {} in the workspace")), slug));
        auto work = std::make_unique<ClientWork>();
        work->client = *client;
        work->repository = std::make_unique<git::Repository>(git::Repository::open(client->directory));
        work->change = std::make_unique<Change>(*work->repository);
        return *work_.emplace(slug, std::move(work)).first->second;
    }

    void commit_all() {
        const auto folder = request_.export_dir.filename().empty() ? request_.export_dir.parent_path().filename()
                                                                   : request_.export_dir.filename();
        for (auto& entry : summary_.clients) {
            auto found = work_.find(entry.slug);
            if (found == work_.end()) continue;
            commit(*found->second, folder.string(), &entry);
        }
        // Clients that the export names without an organization of their own.
        for (auto& [slug, work] : work_) {
            if (!work->committed) commit(*work, folder.string(), nullptr);
        }
    }

    void commit(ClientWork& work, const std::string& folder, ItGlueClient* entry) {
        const auto message =
            fmt::format("import itglue {}: {} created, {} updated", folder, work.created, work.updated);
        auto id = work.change->commit(message, request_.author(work.repository.get()));
        work.committed = true;
        if (entry != nullptr) entry->commit = id;
    }

    // Puts back the files written and not committed: each as the last commit has it, or
    // removed when it is new. A failure here is ignored, so that the error that caused the
    // rollback is reported.
    void roll_back() noexcept {
        for (auto& [slug, work] : work_) {
            if (work->committed) continue;
            for (const auto& path : work->written) {
                try {
                    auto committed = work->repository->read_at("HEAD", path);
                    if (committed) {
                        write_file_atomically(work->client.directory / path, *committed);
                    } else {
                        std::error_code error;
                        fs::remove(work->client.directory / path, error);
                    }
                } catch (...) {
                }
            }
        }
    }

    const Workspace& workspace_;
    const ItGlueImportRequest& request_;
    ItGlueImportSummary summary_;

    std::map<std::string, Client> clients_by_source_;
    std::map<std::string, Client> clients_by_name_;        // comparable slug or name
    std::map<std::string, std::string> client_sources_;    // slug → source in client.md
    std::map<std::string, std::string> organizations_;     // comparable organization name → slug
    std::set<std::string> new_clients_;                    // in a dry run, the clients to create
    std::map<std::string, std::vector<age::X25519Recipient>> planned_recipients_;
    std::map<std::string, std::unique_ptr<ClientWork>> work_;

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
