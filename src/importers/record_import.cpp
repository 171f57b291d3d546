// The engine of `dossier import csv` and `dossier import json`.
//
// The source is read once. Each record is checked: the client resolved, the columns mapped to
// fields, the values converted, the document with the same natural key found, and the result
// validated and reported. The documents to write go in batches to a second thread, which
// writes them and packs their blobs while the records that follow are worked out. Each client
// then gets one commit. A failure or Ctrl-C before the commits puts back every file written.
// A strict import, and one into the caller's change, keep the documents in a temporary file
// instead and write them only once every record has been checked. Memory thus stays bounded
// for a file of any length.
#include "dossier/record_import.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "dossier/atomic_file.hpp"
#include "dossier/change.hpp"
#include "dossier/deferred_signals.hpp"
#include "dossier/document.hpp"
#include "dossier/document_template.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/reference.hpp"
#include "dossier/text.hpp"
#include "document_batches.hpp"
#include "field_values.hpp"
#include "record_source.hpp"

namespace dossier {
namespace {

using nlohmann::ordered_json;
using importers::BatchWriter;
using importers::comparable_name;
using importers::FieldShape;
using importers::PendingDocuments;
using importers::RecordSource;
using importers::SourceRecord;

constexpr std::size_t write_batch_size = 512;
constexpr std::size_t max_waiting_batches = 4;
constexpr std::size_t progress_every = 500;
constexpr std::size_t max_reported_violations = 3;

// The --map target that makes a column the Markdown body of a new document.
constexpr std::string_view body_field = "body";

// Column names that hold secrets, by comparable name, and the secret field each one fills in a
// credential. In a document of any other type such a column is left out.
const std::map<std::string, std::string, std::less<>>& secret_columns() {
    static const std::map<std::string, std::string, std::less<>> columns = {
        {"password", "password"},        {"passwd", "password"},
        {"pass", "password"},            {"motdepasse", "password"},
        {"mdp", "password"},             {"otpsecret", "otp_secret"},
        {"onetimepassword", "otp_secret"}, {"totp", "otp_secret"},
        {"totpsecret", "otp_secret"},    {"otpseed", "otp_secret"},
        {"pin", "pin"},                  {"codepin", "pin"},
        {"recoverycodes", "recovery_codes"}, {"codesderecuperation", "recovery_codes"},
        {"privatekey", "private_key"},   {"cleprivee", "private_key"},
        {"apikey", "api_key"},           {"token", "token"},
        {"secret", "secret"},            {"passphrase", "passphrase"},
    };
    return columns;
}

std::string extra_key(std::string_view column);

// Words that make a column a secret wherever they appear in its comparable name: "Admin
// Password", "Password 2", "WiFi Key" and "Secret Key" all hold secrets.
constexpr std::string_view secret_words[] = {"password", "passwd", "passwort", "motdepasse", "passphrase",
                                             "secret", "token", "apikey", "privatekey", "wifikey",
                                             "recoverycode", "totp", "onetimepassword"};

// Returns the secret field a column fills in a credential: the canonical one for a known name
// (password, otp_secret, pin...), else one named after the column when a secret word appears in
// its name. Returns nullopt for a column that does not look like a secret.
std::optional<std::string> secret_field_for(std::string_view column) {
    const auto name = comparable_name(column);
    if (auto known = secret_columns().find(name); known != secret_columns().end()) return known->second;
    for (auto word : secret_words) {
        if (name.find(word) == std::string::npos) continue;
        auto field = extra_key(column);
        if (field.empty()) field = "secret";
        return field;
    }
    return std::nullopt;
}

// Returns true when `value` is an object, or an array of them, with a key named like a secret
// at any depth.
bool holds_secret_key(const ordered_json& value) {
    if (value.is_object()) {
        for (const auto& [key, item] : value.items()) {
            if (secret_field_for(key) || holds_secret_key(item)) return true;
        }
    } else if (value.is_array()) {
        for (const auto& item : value) {
            if (holds_secret_key(item)) return true;
        }
    }
    return false;
}

// The destination of one column of the source.
struct ColumnTarget {
    enum class Kind { field, secret, extra, client, dropped, body };
    Kind kind = Kind::dropped;
    std::string name;  // the field, secret field or extra key
    const char* why_dropped = "";  // msgid, for dropped columns
    bool maybe_otp_flag = false;   // a credential's "otp" column: a yes/no flag, or else the seed
};

// Returns a front-matter key for a column that matches no field: "Purchase Order" gives
// purchase_order. Returns "" when the name has no letter or digit.
std::string extra_key(std::string_view column) {
    auto slug = slugify(column);
    std::replace(slug.begin(), slug.end(), '-', '_');
    if (!slug.empty() && slug.front() >= '0' && slug.front() <= '9') slug = "column_" + slug;
    return slug;
}

std::string folded_key(std::string_view value) {
    std::string key = to_nfc(value);
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
    return key;
}

std::string key_text(const ordered_json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_null()) return {};
    return value.dump();
}

// A value on its way to a document, with the column it came from.
struct PendingValue {
    std::string column;
    ordered_json read;
    importers::ConvertedValue converted;
};

// The state of one client during the import.
struct ClientState {
    Client client;
    std::unique_ptr<git::Repository> repository;  // read by the records' thread
    // The change's own, because the writing thread uses it while the records' thread reads.
    std::unique_ptr<git::Repository> write_repository;
    std::unique_ptr<Change> change;  // holds the write lock from the first record to the commit
    std::optional<git::Signature> author;  // of the commit, known before anything is written
    std::unique_ptr<TitledTemplate> document_template;  // of new documents, made on first use
    Change* shared_change = nullptr;  // the caller's, when RecordImportRequest::shared_change is set
    // Documents of the type by folded natural key.
    std::unordered_map<std::string, std::vector<std::string>> by_key;
    // Collision keys of the paths of the client, and of those the import creates.
    std::unordered_set<std::string> taken;
    std::uint32_t number = 0;  // in the order first seen, for PendingDocuments
    // Folded keys seen so far, with the line of their first record.
    std::unordered_map<std::string, std::size_t> seen;
    ClientImportSummary summary;
    std::vector<std::pair<std::string, std::string>> batch;  // files to write
    std::vector<std::string> written;  // paths written, for a rollback; by the writing thread
    // Files that the import rewrites whose bytes on disk differed from the last commit: a
    // rollback puts these bytes back instead of the commit's.
    std::unordered_map<std::string, std::string> previous;

    Change& writer() { return shared_change != nullptr ? *shared_change : *change; }
};

class RecordImporter {
public:
    RecordImporter(const Workspace& workspace, RecordSource& source, const RecordImportRequest& request)
        : workspace_(workspace), source_(source), request_(request), type_(*request.type) {
        for (auto& field : type_.fields(request.language.empty() ? "en" : request.language)) {
            schema_fields_.emplace(comparable_name(field.name), field.name);
            shapes_.emplace(field.name, FieldShape{field.json_type, field.format, field.allowed_values});
        }
        for (const auto& client : workspace.clients()) {
            clients_by_name_.emplace(comparable_name(client.slug), client);
            clients_by_name_.emplace(comparable_name(client.name), client);
        }
        check_request();
    }

    RecordImportSummary run() {
        RecordImportSummary summary;
        if (request_.dry_run) {
            read_records(summary, 1, nullptr);
            sort_clients(summary);
            return summary;
        }
        if (request_.strict || request_.shared_change) {
            check_then_write(summary);
        } else {
            write_while_reading(summary);
        }
        return summary;
    }

private:
    // Writes each batch of documents while the records that follow are worked out, then
    // commits each client. Ctrl-C or a kill stops between two records and puts back every
    // file written. Once the commits have begun, the import finishes and reports them.
    void write_while_reading(RecordImportSummary& summary) {
        SignalWatch signals;
        try {
            BatchWriter writer(max_waiting_batches);
            writer_ = &writer;
            read_records(summary, 2, &signals);
            if (!signals.interrupted()) {
                for (auto& [slug, state] : clients_) hand_over(*state);
            }
            writer.finish();
            writer_ = nullptr;
        } catch (...) {
            writer_ = nullptr;  // the writer's destructor has dropped its batches and stopped
            roll_back();
            throw;
        }
        if (signals.interrupted()) {
            roll_back();
            signals.raise_again();
            throw Error(ErrorKind::io, tr("the import was interrupted: nothing was written"));
        }
        sort_clients(summary);
        commit_clients(summary);
    }

    // Checks every record first, keeping the documents in a temporary file, and writes them
    // only when a strict import found no rejected record. An import into the caller's change
    // goes this way too, because that change may be used by the caller's own thread.
    void check_then_write(RecordImportSummary& summary) {
        pending_.emplace();
        read_records(summary, 1, nullptr);
        sort_clients(summary);
        if (request_.strict && summary.rejected > 0) return;

        // Each commit's author is known before anything is written: a missing Git identity
        // then stops the import with nothing to put back.
        for (auto& [slug, state] : clients_) {
            if (state->shared_change == nullptr && state->summary.created + state->summary.updated > 0) {
                state->author = request_.author(*state->repository);
            }
        }
        // Ctrl-C and kill wait until every client is committed, or the files are put back.
        const DeferredSignals deferred;
        try {
            write_documents();
        } catch (...) {
            roll_back();
            throw;
        }
        commit_clients(summary);
    }

    void sort_clients(RecordImportSummary& summary) const {
        for (const auto& [slug, state] : clients_) summary.clients.push_back(state->summary);
        std::stable_sort(summary.clients.begin(), summary.clients.end(), [&](const auto& a, const auto& b) {
            return clients_.at(a.client)->number < clients_.at(b.client)->number;
        });
    }

    // Makes one commit in each client that has files written. A client whose commit fails
    // gets its files put back; those committed before it stay committed.
    void commit_clients(RecordImportSummary& summary) {
        for (auto& entry : summary.clients) {
            auto& state = *clients_.at(entry.client);
            if (state.written.empty() || state.shared_change != nullptr) continue;
            const auto message =
                fmt::format("import {} {}: {} created, {} updated", request_.source_kind, request_.source_name,
                            state.summary.created, state.summary.updated);
            try {
                if (!state.author) state.author = request_.author(*state.repository);
                entry.commit = state.change->commit(message, *state.author);
            } catch (...) {
                roll_back(state);
                throw;
            }
        }
        summary.written = true;
    }

    // Throws Error(usage) for mappings and a key that cannot apply to the type.
    void check_request() {
        for (const auto& mapping : request_.mappings) {
            const auto& field = mapping.field;
            if (field == "-") continue;
            if (field.starts_with("secret.")) {
                if (type_.name() != "credential") {
                    throw Error(ErrorKind::usage,
                                fmt::format(fmt::runtime(tr("--map {}={}: only a credential has secret fields")),
                                            mapping.source, field),
                                tr("import the secrets with --type credential, or leave the column out with --map "
                                   "COLUMN=-"));
                }
                check_secret_field_name(field.substr(7));
                continue;
            }
            if (field == "type") {
                throw Error(ErrorKind::usage, tr("--map cannot fill the type field: the type is --type"),
                            tr("remove that --map, or import each type with its own --type"));
            }
            if (!shapes_.contains(field) && !is_plain_key(field)) {
                throw Error(ErrorKind::usage,
                            fmt::format(fmt::runtime(tr("--map {}={}: {} cannot be a front-matter key")),
                                        mapping.source, field, field),
                            tr("use lower-case letters, digits and underscores, such as serial_number"));
            }
        }
        const bool key_mapped = std::any_of(request_.mappings.begin(), request_.mappings.end(),
                                            [&](const FieldMapping& mapping) { return mapping.field == request_.key_field; });
        if (request_.key_field.empty() || (!shapes_.contains(request_.key_field) && !key_mapped)) {
            throw Error(ErrorKind::usage,
                        fmt::format(fmt::runtime(tr("invalid --key: {}")), request_.key_field),
                        fmt::format(fmt::runtime(tr("give a field of type {}, such as {}")), type_.name(),
                                    default_import_key(type_)));
        }
        if (request_.require_mapped_columns) check_columns();
        if (!request_.client && !request_.client_column) {
            throw Error(ErrorKind::usage, tr("the records' client is not given"),
                        tr("give --client CLIENT, or --client-column COLUMN when a column names each record's client"));
        }
    }

    // Throws Error(usage) when --map or --client-column names a column that the CSV header
    // does not have, which would otherwise reject or empty every record.
    void check_columns() const {
        const auto& columns = source_.columns();
        if (columns.empty()) return;  // JSON: each record has its own keys
        const auto has_column = [&](const std::string& name) {
            const auto wanted = comparable_name(name);
            return std::any_of(columns.begin(), columns.end(),
                               [&](const std::string& column) { return comparable_name(column) == wanted; });
        };
        const auto missing = [&](const std::string& option, const std::string& name) {
            return Error(ErrorKind::usage,
                         fmt::format(fmt::runtime(tr("{}: the file has no column {}")), option, name),
                         fmt::format(fmt::runtime(tr("its columns are: {}")), fmt::join(columns, ", ")));
        };
        for (const auto& mapping : request_.mappings) {
            if (!mapping.source.starts_with('/') && !has_column(mapping.source)) {
                throw missing("--map " + mapping.source + "=" + mapping.field, mapping.source);
            }
        }
        if (request_.client_column && !has_column(*request_.client_column)) {
            throw missing("--client-column", *request_.client_column);
        }
    }

    // --- columns ----------------------------------------------------------------------

    const ColumnTarget& target_of(const std::string& column) {
        if (auto found = targets_.find(column); found != targets_.end()) return found->second;
        return targets_.emplace(column, resolve_column(column)).first->second;
    }

    ColumnTarget resolve_column(const std::string& column) const {
        using Kind = ColumnTarget::Kind;
        const auto name = comparable_name(column);
        for (const auto& mapping : request_.mappings) {
            if (mapping.source.starts_with('/') || comparable_name(mapping.source) != name) continue;
            if (mapping.field == "-") return {Kind::dropped, {}, N_("left out by --map")};
            if (mapping.field.starts_with("secret.")) return {Kind::secret, mapping.field.substr(7)};
            if (mapping.field == body_field) return {Kind::body, {}};
            return {shapes_.contains(mapping.field) ? Kind::field : Kind::extra, mapping.field};
        }
        if (request_.client_column && comparable_name(*request_.client_column) == name) return {Kind::client, {}};
        const bool credential = type_.name() == "credential";
        if (auto secret = secret_field_for(column)) {
            if (!credential) return {Kind::dropped, {}, N_("left out: it looks like a secret, which only a credential can hold")};
            return {Kind::secret, *secret};
        }
        if (auto field = schema_fields_.find(name); field != schema_fields_.end()) {
            if (mapped_fields().contains(field->second)) return {Kind::dropped, {}, N_("left out: --map fills its field from another column")};
            if (field->second == "type") return {Kind::dropped, {}, N_("left out: the type is --type")};
            ColumnTarget target{Kind::field, field->second};
            target.maybe_otp_flag = credential && field->second == "otp";
            return target;
        }
        auto key = extra_key(column);
        if (key.empty() || !is_plain_key(key) || shapes_.contains(key)) {
            return {Kind::dropped, {}, N_("left out: no front-matter key can be made from its name")};
        }
        return {Kind::extra, key};
    }

    // Returns the client a malformed record names: --client, else its client column when the
    // reader could read it, else "".
    std::string client_of_malformed(const SourceRecord& record) const {
        if (request_.client) return *request_.client;
        if (!request_.client_column || !record.value.is_object()) return {};
        const auto wanted = comparable_name(*request_.client_column);
        for (const auto& [column, cell] : record.value.items()) {
            if (comparable_name(column) == wanted) return key_text(cell);
        }
        return {};
    }

    // The first keys of the JSON pointers of --map: "login" for /login/password.
    const std::set<std::string>& pointer_roots() const {
        if (!pointer_roots_) {
            pointer_roots_.emplace();
            for (const auto& mapping : request_.mappings) {
                if (!mapping.source.starts_with('/')) continue;
                try {
                    const ordered_json::json_pointer pointer(mapping.source);
                    std::string root = mapping.source.substr(1, mapping.source.find('/', 1) - 1);
                    // Undo the pointer's escapes: ~1 is '/', ~0 is '~'.
                    for (auto at = root.find("~1"); at != std::string::npos; at = root.find("~1", at + 1)) {
                        root.replace(at, 2, "/");
                    }
                    for (auto at = root.find("~0"); at != std::string::npos; at = root.find("~0", at + 1)) {
                        root.replace(at, 2, "~");
                    }
                    pointer_roots_->insert(root);
                } catch (const nlohmann::json::exception&) {
                    // Reported on each record by process().
                }
            }
        }
        return *pointer_roots_;
    }

    bool mapped_by_name(const std::string& column) const {
        const auto name = comparable_name(column);
        return std::any_of(request_.mappings.begin(), request_.mappings.end(), [&](const FieldMapping& mapping) {
            return !mapping.source.starts_with('/') && comparable_name(mapping.source) == name;
        });
    }

    const std::set<std::string>& mapped_fields() const {
        if (!mapped_fields_) {
            mapped_fields_.emplace();
            for (const auto& mapping : request_.mappings) mapped_fields_->insert(mapping.field);
        }
        return *mapped_fields_;
    }

    // --- one record ---------------------------------------------------------------------

    // Reads every record once: checks it, reports it, and writes or keeps what it would
    // write. `pass` is the one that on_progress reports. Stops early once `signals` was interrupted.
    void read_records(RecordImportSummary& summary, int pass, const SignalWatch* signals) {
        SourceRecord record;
        std::size_t count = 0;
        while ((signals == nullptr || !signals->interrupted()) && source_.next(record)) {
            auto result = process(record, !request_.dry_run);
            // Outside process(), whose errors reject one record: a failed write stops the import.
            if (writer_ != nullptr && !result.client.empty()) {
                auto& state = *clients_.at(result.client);
                if (state.batch.size() >= write_batch_size) hand_over(state);
            }
            ++count;
            ++summary.records;
            if (result.outcome == RecordOutcome::rejected) ++summary.rejected;
            if (!result.client.empty()) {
                auto& entry = clients_.at(result.client)->summary;
                switch (result.outcome) {
                    case RecordOutcome::created: ++entry.created; break;
                    case RecordOutcome::updated: ++entry.updated; break;
                    case RecordOutcome::unchanged: ++entry.unchanged; break;
                    case RecordOutcome::rejected: ++entry.rejected; break;
                }
            }
            if (request_.on_record) request_.on_record(result);
            if (request_.on_progress && count % progress_every == 0) request_.on_progress(pass, count);
        }
        if (request_.on_progress) request_.on_progress(pass, count);
    }

    // Writes the documents kept by read_records, in batches per client.
    void write_documents() {
        std::vector<ClientState*> by_number(clients_.size());
        for (auto& [slug, state] : clients_) by_number.at(state->number) = state.get();
        std::size_t count = 0;
        pending_->replay([&](std::uint32_t client, const std::string& path, std::string& bytes) {
            auto& state = *by_number.at(client);
            state.batch.emplace_back(path, std::move(bytes));
            if (state.batch.size() >= write_batch_size) flush(state);
            ++count;
            if (request_.on_progress && count % progress_every == 0) request_.on_progress(2, count);
        });
        for (auto& [slug, state] : clients_) flush(*state);
        if (request_.on_progress) request_.on_progress(2, count);
    }

    RecordResult process(const SourceRecord& record, bool write) {
        RecordResult result;
        result.number = record.number;
        result.line = record.line;
        auto reject = [&](std::string reason) {
            result.outcome = RecordOutcome::rejected;
            result.reason = std::move(reason);
            return std::move(result);
        };
        if (!record.problem.empty()) {
            // Counted under its client when the record still names one.
            if (ClientState* state = client_state(client_of_malformed(record))) result.client = state->client.slug;
            return reject(record.problem);
        }
        if (!record.value.is_object()) return reject(tr("the record is not an object of fields"));
        const ordered_json* value = &record.value;
        ordered_json prepared;
        if (request_.prepare) {
            prepared = record.value;
            request_.prepare(prepared);
            value = &prepared;
        }

        // Columns to fields.
        std::map<std::string, PendingValue> fields;  // by field name
        std::vector<std::pair<std::string, std::string>> secrets;  // secret field, value
        std::string client_name = request_.client.value_or("");
        std::string body;
        for (const auto& [column, cell] : value->items()) {
            // A key that a JSON pointer of --map reads from is used through that pointer only, so
            // that {"login": {"password": ...}} never becomes a `login` field in clear.
            if (pointer_roots().contains(column) && !mapped_by_name(column)) continue;
            const auto& target = target_of(column);
            add_value(result, target, column, cell, fields, secrets, client_name, body);
        }
        for (const auto& mapping : request_.mappings) {
            if (!mapping.source.starts_with('/') || mapping.field == "-") continue;
            ordered_json cell;
            try {
                const ordered_json::json_pointer pointer(mapping.source);
                if (!value->contains(pointer)) continue;
                cell = value->at(pointer);
            } catch (const nlohmann::json::exception&) {
                return reject(fmt::format(fmt::runtime(tr("invalid JSON pointer in --map: {}")), mapping.source));
            }
            ColumnTarget target;
            if (mapping.field.starts_with("secret.")) {
                target = {ColumnTarget::Kind::secret, mapping.field.substr(7)};
            } else if (mapping.field == body_field) {
                target = {ColumnTarget::Kind::body, {}};
            } else {
                target = {shapes_.contains(mapping.field) ? ColumnTarget::Kind::field : ColumnTarget::Kind::extra,
                          mapping.field};
            }
            add_value(result, target, mapping.source, cell, fields, secrets, client_name, body);
        }

        // The client.
        ClientState* state = client_state(client_name);
        if (state == nullptr) {
            if (client_name.empty()) return reject(tr("the record names no client"));
            return reject(fmt::format(fmt::runtime(tr("no client {} in the workspace")), client_name));
        }
        result.client = state->client.slug;

        // The natural key.
        auto key_value = fields.find(request_.key_field);
        if (key_value == fields.end() || key_value->second.converted.value.is_null()) {
            return reject(fmt::format(fmt::runtime(tr("no value for the key field {}")), request_.key_field));
        }
        result.key = key_text(key_value->second.converted.value);
        const auto key = folded_key(result.key);
        if (auto seen = state->seen.find(key); seen != state->seen.end()) {
            return reject(fmt::format(fmt::runtime(tr("{} {} is also on line {}, which is imported instead")),
                                      request_.key_field, result.key, seen->second));
        }

        try {
            auto existing = state->by_key.find(key);
            if (existing != state->by_key.end() && existing->second.size() > 1) {
                return reject(fmt::format(fmt::runtime(tr("several documents have {} {}: {}")), request_.key_field,
                                          result.key, fmt::join(existing->second, ", ")));
            }
            if (existing != state->by_key.end()) {
                update(*state, existing->second.front(), fields, secrets, write, result);
            } else {
                create(*state, fields, secrets, body, write, result);
            }
        } catch (const Error& error) {  // also age::AgeError, which derives from it
            result.path.clear();
            return reject(error.what());
        }
        state->seen.emplace(key, record.line);
        return result;
    }

    void add_value(RecordResult& result, const ColumnTarget& target, const std::string& column, const ordered_json& value,
                   std::map<std::string, PendingValue>& fields, std::vector<std::pair<std::string, std::string>>& secrets,
                   std::string& client_name, std::string& body) {
        using Kind = ColumnTarget::Kind;
        switch (target.kind) {
            case Kind::dropped:
                if (!value.is_null() && !(value.is_string() && value.get_ref<const std::string&>().empty())) {
                    // A secret-looking column's value is never copied into the report.
                    const bool secret = secret_field_for(column).has_value();
                    result.notes.push_back({{}, column, secret ? ordered_json() : value, ordered_json(), tr(target.why_dropped)});
                }
                return;
            case Kind::client:
                client_name = key_text(value);
                return;
            case Kind::secret: {
                auto text = key_text(value);
                if (text.empty()) return;
                if (target.name == "otp_secret" && importers::parse_boolean(text)) {
                    // A yes or no in an OTP column (IT Glue's one_time_password of 2020) tells
                    // whether the account asks for a code. It is not a seed.
                    if (*importers::parse_boolean(text) && shapes_.contains("otp") && !fields.contains("otp")) {
                        fields["otp"] = PendingValue{column, value, {true, N_("read as true or false")}};
                    }
                    return;
                }
                secrets.emplace_back(target.name, std::move(text));
                return;
            }
            case Kind::body:
                body = key_text(value);
                return;
            case Kind::field:
            case Kind::extra: {
                if (holds_secret_key(value)) {
                    // {"login": {"password": ...}} left unmapped: never written in clear.
                    result.notes.push_back({{}, column, ordered_json(), ordered_json(),
                                            tr("left out: it holds a field that looks like a secret; map that field "
                                               "with --map /COLUMN/FIELD=secret.NAME")});
                    return;
                }
                if (target.maybe_otp_flag && value.is_string() && !value.get_ref<const std::string&>().empty() &&
                    !importers::parse_boolean(value.get_ref<const std::string&>())) {
                    // A credential's "otp" column that contains the seed rather than a yes or no.
                    secrets.emplace_back("otp_secret", value.get<std::string>());
                    return;
                }
                FieldShape shape;
                if (auto found = shapes_.find(target.name); found != shapes_.end()) shape = found->second;
                auto converted = importers::convert_value(value, shape, request_.date_order);
                if (*converted.how != '\0') {
                    result.notes.push_back({target.name, column, value, converted.value, tr(converted.how)});
                }
                if (auto earlier = fields.find(target.name); earlier != fields.end() && earlier->second.column != column) {
                    // Two columns fill one field. The later one wins, and the report notes the other.
                    result.notes.push_back({target.name, earlier->second.column, earlier->second.read, ordered_json(),
                                            fmt::format(fmt::runtime(tr("left out: column {} fills the same field")),
                                                        column)});
                }
                fields[target.name] = PendingValue{column, value, std::move(converted)};
                return;
            }
        }
    }

    // --- clients ------------------------------------------------------------------------

    ClientState* client_state(const std::string& name) {
        if (name.empty()) return nullptr;
        auto found = clients_by_name_.find(comparable_name(name));
        if (found == clients_by_name_.end()) return nullptr;
        const auto& client = found->second;
        if (auto state = clients_.find(client.slug); state != clients_.end()) return state->second.get();

        auto state = std::make_unique<ClientState>();
        state->client = client;
        state->summary.client = client.slug;
        state->repository = std::make_unique<git::Repository>(git::Repository::open(client.directory));
        if (!request_.dry_run && request_.shared_change) {
            state->shared_change = &request_.shared_change(client);
        } else if (!request_.dry_run) {
            state->write_repository = std::make_unique<git::Repository>(git::Repository::open(client.directory));
            state->change = std::make_unique<Change>(*state->write_repository);
        }
        index_client(*state);
        state->number = static_cast<std::uint32_t>(clients_.size());
        return clients_.emplace(client.slug, std::move(state)).first->second.get();
    }

    // Records the documents of the type by natural key, and every path as taken.
    void index_client(ClientState& state) {
        for (const auto& path : list_documents(state.client)) {
            state.taken.insert(collision_key(path));
            std::string bytes;
            if (!read_file(state.client.directory / path, bytes)) continue;
            try {
                auto document = Document::parse(bytes, path);
                if (document.type() != type_.name()) continue;
                const Value* value = document.front_matter().find(request_.key_field);
                if (value == nullptr) continue;
                auto text = key_text(value->to_json());
                if (!text.empty()) state.by_key[folded_key(text)].push_back(path);
            } catch (const Error&) {
                // A document that cannot be read is left to dossier check; it matches no record.
            }
        }
    }

    static bool read_file(const std::filesystem::path& path, std::string& bytes) {
        std::error_code error;
        const auto size = std::filesystem::file_size(path, error);
        if (error) return false;
        bytes.resize(size);
        std::FILE* file = std::fopen(path.c_str(), "rb");
        if (file == nullptr) return false;
        const auto count = std::fread(bytes.data(), 1, size, file);
        std::fclose(file);
        bytes.resize(count);
        return true;
    }

    // --- documents ----------------------------------------------------------------------

    bool is_date_field(const std::string& field) const {
        auto shape = shapes_.find(field);
        return shape != shapes_.end() && shape->second.format == "date";
    }

    std::string violations_text(const std::vector<SchemaViolation>& violations) const {
        std::vector<std::string> messages;
        for (std::size_t index = 0; index < violations.size() && index < max_reported_violations; ++index) {
            messages.push_back(violations[index].message);
        }
        if (violations.size() > max_reported_violations) {
            messages.push_back(fmt::format(fmt::runtime(trn("and {} more problem", "and {} more problems",
                                                            violations.size() - max_reported_violations)),
                                           violations.size() - max_reported_violations));
        }
        // TRANSLATORS: the separator between the schema problems of one imported record.
        return fmt::format("{}", fmt::join(messages, tr("; ")));
    }

    std::string new_path(ClientState& state, const std::string& title) {
        constexpr std::size_t max_length = 80;
        auto slug = slugify(title);
        if (slug.size() > max_length) {
            auto cut = slug.rfind('-', max_length);
            slug = slug.substr(0, cut == std::string::npos || cut == 0 ? max_length : cut);
        }
        if (slug.empty()) slug = type_.name();
        const auto folder = type_.folder().empty() ? std::string() : type_.folder() + "/";
        std::string path = folder + slug + ".md";
        for (int suffix = 2; state.taken.contains(collision_key(path)); ++suffix) {
            path = folder + slug + "-" + std::to_string(suffix) + ".md";
        }
        state.taken.insert(collision_key(path));
        return path;
    }

    // Returns the client's template, rendered once for every document the import creates there.
    const TitledTemplate& client_template(ClientState& state) {
        if (!state.document_template) {
            TemplateValues values{{}, request_.today, request_.owner, request_.owner_name, state.client.name,
                                  state.client.slug};
            // The generated template is built only for a type without one of its own.
            auto source = type_.template_source(request_.language);
            if (!source) source = generated_template(type_);
            state.document_template = std::make_unique<TitledTemplate>(*source, values, type_);
        }
        return *state.document_template;
    }

    // Creates the document of a record. `body`, when not empty, replaces the template's body
    // under a level-1 heading of the title. A later import leaves the body to technicians.
    void create(ClientState& state, const std::map<std::string, PendingValue>& fields,
                const std::vector<std::pair<std::string, std::string>>& secrets, const std::string& body, bool write,
                RecordResult& result) {
        std::string title = result.key;
        if (auto found = fields.find("title"); found != fields.end() && found->second.converted.value.is_string()) {
            title = found->second.converted.value.get<std::string>();
        }
        result.path = new_path(state, title);
        result.outcome = RecordOutcome::created;

        const auto& document_template = client_template(state);
        const auto& template_fields = document_template.front_matter();
        std::vector<std::pair<std::string, std::string>> values;
        // An import is not a review: the document is reviewed when someone reads it.
        if (template_fields.find("reviewed") != nullptr && !fields.contains("reviewed")) values.emplace_back("reviewed", "");
        // An empty cell leaves the template's value, if any.
        for (const auto& [field, pending] : fields) {
            if (!pending.converted.value.is_null()) {
                values.emplace_back(field, importers::yaml_line(pending.converted.value, is_date_field(field)));
            }
        }
        if (!secrets.empty() && template_fields.find("otp") != nullptr && !fields.contains("otp") &&
            std::any_of(secrets.begin(), secrets.end(), [](const auto& secret) { return secret.first == "otp_secret"; })) {
            values.emplace_back("otp", "true");
        }
        const Reference reference{state.client, result.path};
        std::optional<RecipientsFile> recipients;
        if (!secrets.empty()) {
            recipients = request_.recipients(state.client, result.path);
            values.emplace_back("recipients", recipients_digest(recipients->recipients));
        }
        auto document = document_template.render(title, std::move(values), result.path);
        if (!body.empty()) {
            std::string text = "# " + title + "\n\n" + body;
            if (!text.ends_with('\n')) text += '\n';
            document.replace_body(text);
        }
        auto violations = type_.validate(document.front_matter());
        if (!violations.empty()) throw Error(ErrorKind::invalid_input, violations_text(violations));
        if (!write) return;

        std::string bytes = document.to_bytes();
        if (!secrets.empty()) {
            SecretFields secret_fields;
            for (const auto& [name, value] : secrets) secret_fields.set(name, SecretBytes(value));
            auto block = seal_secret(secret_fields, reference.to_string(), recipients->recipients);
            bytes = replace_age_block(bytes, std::nullopt, block);
        }
        queue(state, result.path, std::move(bytes));
    }

    void update(ClientState& state, const std::string& path, const std::map<std::string, PendingValue>& fields,
                const std::vector<std::pair<std::string, std::string>>& secrets, bool write, RecordResult& result) {
        result.path = path;
        std::string bytes;
        if (!read_file(state.client.directory / path, bytes)) {
            throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot read {}")), path));
        }
        auto document = Document::parse(bytes, path);
        std::vector<std::string> changed;
        std::vector<std::pair<std::string, std::string>> values;
        for (const auto& [field, pending] : fields) {
            // An empty cell never erases a value: a blank in an export means unknown more
            // often than removed, and a technician clears a field with dossier set.
            if (pending.converted.value.is_null()) continue;
            const Value* current = document.front_matter().find(field);
            const ordered_json now = current == nullptr ? ordered_json() : current->to_json();
            if (now == pending.converted.value) continue;
            // The key matched without regard to case; its spelling in the document stays.
            if (field == request_.key_field && folded_key(key_text(now)) == folded_key(key_text(pending.converted.value))) {
                continue;
            }
            values.emplace_back(field, importers::yaml_line(pending.converted.value, is_date_field(field)));
            changed.push_back(field);
        }
        if (!changed.empty()) {
            document.set_all(values);
            // Problems with fields that the import did not change are left to dossier check.
            std::vector<SchemaViolation> relevant;
            for (auto& violation : type_.validate(document.front_matter())) {
                auto field = violation.field.substr(0, violation.field.find_first_of(".["));
                if (field.empty() || std::find(changed.begin(), changed.end(), field) != changed.end()) {
                    relevant.push_back(std::move(violation));
                }
            }
            if (!relevant.empty()) throw Error(ErrorKind::invalid_input, violations_text(relevant));
        }

        // Secrets: compared with the decrypted fields, and sealed again only when one differs.
        const Reference reference{state.client, path};
        std::optional<SecretFields> secret_fields;
        if (!secrets.empty()) {
            auto text = document.text();
            auto span = find_age_block(text, path);
            secret_fields.emplace();
            if (span) {
                const auto& identities = request_.identities();
                *secret_fields = open_secret(std::string_view(text).substr(span->begin, span->end - span->begin),
                                             identities, reference.to_string());
            }
            bool differs = false;
            for (const auto& [name, value] : secrets) {
                const SecretBytes* current = secret_fields->find(name);
                if (current != nullptr && current->view() == value) continue;
                secret_fields->set(name, SecretBytes(value));
                differs = true;
                changed.push_back("secret." + name);
            }
            if (!differs) secret_fields.reset();
        }

        result.changed_fields = changed;
        result.outcome = changed.empty() ? RecordOutcome::unchanged : RecordOutcome::updated;
        if (!write) {
            if (secret_fields) request_.recipients(state.client, path);  // its errors reject the record
            return;
        }
        // A rollback puts back what was on disk: the last commit's bytes, or the user's edits
        // that were not committed yet, kept here. Comparing with HEAD's bytes costs one blob
        // read, where a status of the path reads the whole folder.
        const bool committed = state.repository->read_at("HEAD", path) == bytes;
        if (!committed) state.previous.emplace(path, bytes);
        if (!secret_fields) {
            if (!changed.empty()) {
                queue(state, path, document.to_bytes());
            } else if (!committed) {
                // Equal to the record but not committed, as an import killed before its commit
                // leaves it, so this import commits it.
                queue(state, path, std::move(bytes));
            }
            return;
        }
        auto recipients = request_.recipients(state.client, path);
        auto block = seal_secret(*secret_fields, reference.to_string(), recipients.recipients);
        auto span = find_age_block(document.text(), path);
        // The text is UTF-8 without a BOM: a credential written in UTF-16 comes back as UTF-8.
        auto sealed = Document::parse(replace_age_block(document.text(), span, block), path);
        sealed.set("recipients", recipients_digest(recipients.recipients));
        queue(state, path, sealed.to_bytes());
    }

    // --- writing ------------------------------------------------------------------------

    void queue(ClientState& state, const std::string& path, std::string bytes) {
        if (writer_ == nullptr) {
            pending_->add(state.number, path, bytes);
            return;
        }
        state.batch.emplace_back(path, std::move(bytes));
    }

    // Gives the client's batch to the writing thread.
    void hand_over(ClientState& state) {
        if (state.batch.empty()) return;
        // A missing Git identity stops the import before anything of the client is written.
        if (!state.author && state.shared_change == nullptr) state.author = request_.author(*state.repository);
        writer_->submit([&state, batch = std::move(state.batch)] {
            for (const auto& [path, bytes] : batch) state.written.push_back(path);
            state.writer().write_all(batch);
        });
        state.batch.clear();
    }

    void flush(ClientState& state) {
        if (state.batch.empty()) return;
        for (const auto& [path, bytes] : state.batch) state.written.push_back(path);
        state.writer().write_all(state.batch);
        state.batch.clear();
    }

    // Puts back the files written so far: each with the bytes it had before the import (its
    // uncommitted edits, or the last commit's), or removed when it is new. A failure here is
    // ignored, so that the error that caused the rollback is reported.
    void roll_back() noexcept {
        for (auto& [slug, state] : clients_) roll_back(*state);
    }

    static void roll_back(ClientState& state) noexcept {
        for (const auto& path : state.written) {
            try {
                if (auto kept = state.previous.find(path); kept != state.previous.end()) {
                    write_file_atomically(state.client.directory / path, kept->second);
                    continue;
                }
                auto committed = state.repository->read_at("HEAD", path);
                if (committed) {
                    write_file_atomically(state.client.directory / path, *committed);
                } else {
                    std::error_code error;
                    std::filesystem::remove(state.client.directory / path, error);
                    // Folders that the import made for new files go too: remove() takes
                    // only an empty one.
                    for (auto folder = std::filesystem::path(path).parent_path();
                         !folder.empty() && std::filesystem::remove(state.client.directory / folder, error);
                         folder = folder.parent_path()) {
                    }
                }
            } catch (...) {
            }
        }
        state.written.clear();
    }

    const Workspace& workspace_;
    RecordSource& source_;
    const RecordImportRequest& request_;
    const DocumentType& type_;
    std::map<std::string, std::string> schema_fields_;  // comparable name → field
    std::map<std::string, FieldShape> shapes_;
    std::map<std::string, Client> clients_by_name_;      // comparable slug or name → client
    std::map<std::string, std::unique_ptr<ClientState>> clients_;
    std::optional<PendingDocuments> pending_;  // when the documents are written after the check
    BatchWriter* writer_ = nullptr;            // when they are written along the way
    std::unordered_map<std::string, ColumnTarget> targets_;
    mutable std::optional<std::set<std::string>> mapped_fields_;
    mutable std::optional<std::set<std::string>> pointer_roots_;
};

}  // namespace

std::string default_import_key(const DocumentType& type) {
    auto key = type.natural_key();
    return key.empty() ? "title" : key;
}

RecordImportSummary import_records(const Workspace& workspace, importers::RecordSource& source,
                                   const RecordImportRequest& request) {
    RecordImporter importer(workspace, source, request);
    return importer.run();
}

}  // namespace dossier
