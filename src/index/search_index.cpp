#include "dossier/search_index.hpp"

#include <algorithm>
#include <cstdlib>
#include <future>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/git_repository.hpp"
#include "dossier/i18n.hpp"
#include "index_changes.hpp"
#include "index_lock.hpp"
#include "index_scan.hpp"
#include "index_search.hpp"
#include "index_writer.hpp"
#include "watch_protocol.hpp"
#include "sqlite.hpp"

namespace fs = std::filesystem;

namespace dossier {
namespace {

using index::Database;
using index::IndexLock;
using index::IndexWriter;
using index::ScannedFile;
using index::SqliteError;

constexpr int busy_timeout_ms = 10'000;

constexpr const char* schema_sql = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE documents(
  id INTEGER PRIMARY KEY,
  client TEXT NOT NULL,
  path TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime INTEGER NOT NULL,
  ctime INTEGER NOT NULL,
  inode INTEGER NOT NULL,
  blob BLOB NOT NULL,
  type TEXT NOT NULL,
  title TEXT NOT NULL,
  owner TEXT NOT NULL,
  problem TEXT NOT NULL);
CREATE TABLE fields(doc INTEGER NOT NULL, seq INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                    folded TEXT NOT NULL, date TEXT, number REAL, PRIMARY KEY(doc, seq)) WITHOUT ROWID;
CREATE VIRTUAL TABLE text USING fts5(title, headings, body, fields, tags, tokenize='dossier');
CREATE TABLE doc_tokens(id INTEGER PRIMARY KEY, data BLOB NOT NULL);
INSERT INTO text(text, rank) VALUES('rank', 'bm25(10.0, 5.0, 1.0, 2.0, 3.0)');
)sql";

// Created after a full build's inserts, which run faster without them. documents_by_path
// covers the refresh's comparison; dossier keeps (client, path) unique itself.
constexpr const char* field_indexes_sql = R"sql(
CREATE INDEX IF NOT EXISTS fields_by_key ON fields(key, folded);
CREATE INDEX IF NOT EXISTS documents_by_path ON documents(client, path, size, mtime, ctime, inode);
)sql";

}  // namespace

struct SearchIndex::State {
    fs::path clients_dir;
    fs::path state_dir;
    fs::path file;
    fs::path stamp;
    fs::path lock;
    Workspace workspace;  // its clients are listed again at each refresh
    std::optional<git::Library> git_library;  // for blob ids; started only when files are read
    std::optional<Database> database;
    std::int64_t opened_inode = 0;
    bool verified = false;

    // Opens the database when its file and format can be trusted, and returns why it cannot
    // otherwise, with what is wrong in `damage`. Defined below check_index_file.
    RebuildReason open_if_sound(std::string& damage);

    void open_database() {
        database = Database::open(file, false, busy_timeout_ms);
        // Deleted text is overwritten rather than left in free pages of the file.
        database->execute("PRAGMA secure_delete = ON");
        opened_inode = index::stat_file(file).inode;
    }
};

fs::path search_index_path(const fs::path& workspace_root) { return workspace_root / ".dossier" / "index.sqlite"; }

SearchIndex::SearchIndex(const Workspace& workspace) : state_(std::make_unique<State>()) {
    state_->clients_dir = workspace.clients_dir();
    state_->state_dir = workspace.root() / ".dossier";
    state_->file = search_index_path(workspace.root());
    state_->stamp = state_->state_dir / "index.stamp";
    state_->lock = state_->state_dir / "index.lock";
    state_->workspace = workspace;
}

SearchIndex::~SearchIndex() = default;
SearchIndex::SearchIndex(SearchIndex&&) noexcept = default;
SearchIndex& SearchIndex::operator=(SearchIndex&&) noexcept = default;

const fs::path& SearchIndex::path() const noexcept { return state_->file; }

namespace {

void create_state_dir(const fs::path& directory) {
    std::error_code error;
    fs::create_directories(directory, error);
    if (error) {
        throw Error(ErrorKind::io,
                    fmt::format(fmt::runtime(tr("cannot create the folder of the search index: {}: {}")),
                                directory.string(), error.message()),
                    tr("check that the workspace folder can be written"));
    }
}

// Checks the index file before it is used. Returns the reason to rebuild it, if any.
RebuildReason check_index_file(const fs::path& file, const fs::path& stamp, std::string& damage) {
    std::error_code error;
    if (!fs::exists(file, error)) return RebuildReason::created;
    std::string recorded = index::read_stamp(stamp);
    // The stamp begins with the format of its index, a number.
    auto space = recorded.find(' ');
    std::string_view format = std::string_view(recorded).substr(0, space == std::string::npos ? 0 : space);
    bool is_number = !format.empty() && format.size() < 6 &&
                     format.find_first_not_of("0123456789") == std::string_view::npos;
    if (is_number && format != std::to_string(search_index_format)) return RebuildReason::format_changed;
    if (recorded != index::stamp_text(file)) {
        damage = tr("the file was changed outside dossier or left incomplete");
        return RebuildReason::damaged;
    }
    return RebuildReason::none;
}

RebuildReason check_format(Database& database, std::string& damage) {
    try {
        auto statement = database.prepare("SELECT value FROM meta WHERE key = 'format'");
        if (!statement.step()) {
            damage = tr("its format version is missing");
            return RebuildReason::damaged;
        }
        if (statement.text(0) != std::to_string(search_index_format)) return RebuildReason::format_changed;
    } catch (const SqliteError& error) {
        damage = error.what();
        return RebuildReason::damaged;
    }
    return RebuildReason::none;
}

// The slugs of `clients`, as the watcher's token records them.
std::string client_list(const std::vector<Client>& clients) {
    std::string list;
    for (const auto& client : clients) list += client.slug + "/";
    return list;
}

// The token of the watcher (see index/watch_protocol.hpp) that the index is up to date with,
// and the clients it was for.
struct StoredToken {
    index::WatchToken token;
    std::string clients;
};

std::optional<StoredToken> read_token(Database& database) {
    auto statement = database.prepare("SELECT value FROM meta WHERE key = 'watch'");
    if (!statement.step()) return std::nullopt;
    const std::string value(statement.text(0));
    auto first = value.find(' ');
    auto second = value.find(' ', first == std::string::npos ? first : first + 1);
    if (second == std::string::npos) return std::nullopt;
    StoredToken stored;
    stored.token.instance = value.substr(0, first);
    stored.token.sequence = std::strtoull(value.c_str() + first + 1, nullptr, 10);
    stored.clients = value.substr(second + 1);
    return stored;
}

void write_token(Database& database, const index::WatchToken& token, const std::string& clients) {
    database.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('watch', ?1)")
        .bind(1, fmt::format("{} {} {}", token.instance, token.sequence, clients))
        .run();
}

void sort_by_path(std::vector<const ScannedFile*>& files) {
    std::sort(files.begin(), files.end(), [](const ScannedFile* a, const ScannedFile* b) {
        return std::tie(a->client, a->path) < std::tie(b->client, b->path);
    });
}

}  // namespace

RebuildReason SearchIndex::State::open_if_sound(std::string& damage) {
    RebuildReason reason = check_index_file(file, stamp, damage);
    if (reason != RebuildReason::none) return reason;
    open_database();
    reason = check_format(*database, damage);
    verified = reason == RebuildReason::none;
    return reason;
}

RefreshSummary SearchIndex::rebuild(const IndexProgress& progress) {
    create_state_dir(state_->state_dir);
    IndexLock lock(state_->lock, true);
    return build_locked(progress);
}

RefreshSummary SearchIndex::build_locked(const IndexProgress& progress) {
    state_->database.reset();
    if (!state_->git_library) state_->git_library.emplace();

    fs::path building = state_->file;
    building += ".new";
    std::error_code ignored;
    fs::remove(building, ignored);
    // The new file replaces the index only once complete; a failure leaves the old one.
    struct RemoveOnFailure {
        const fs::path& path;
        bool done = false;
        ~RemoveOnFailure() {
            std::error_code error;
            if (!done) fs::remove(path, error);
        }
    } cleanup{building};
    RefreshSummary summary;
    {
        auto database = Database::open(building, false, busy_timeout_ms);
        database.execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;");
        database.execute(schema_sql);
        database.execute("BEGIN");
        // Asked before the folders are read: what changes while they are read is after it.
        auto answer = index::ask_watcher(state_->state_dir, std::nullopt);
        auto clients = state_->workspace.clients();
        if (answer) write_token(database, answer->token, client_list(clients));
        auto files = index::scan_documents(clients);
        std::vector<const ScannedFile*> pointers;
        pointers.reserve(files.size());
        for (const auto& file : files) pointers.push_back(&file);
        // In path order, so that a build gives the same rows whatever order the threads read in.
        sort_by_path(pointers);
        IndexWriter writer(database, true);
        index::write_files(writer, pointers, state_->clients_dir, index::now_ns(), summary, progress);
        writer.finish();
        database.execute(field_indexes_sql);
        database.prepare("INSERT INTO meta(key, value) VALUES('format', ?1)").bind(1, std::to_string(search_index_format)).run();
        database.execute("COMMIT");
        summary.documents = files.size();
    }
    index::flush_to_disk(building);
    // A rollback journal left by a process killed while it wrote the old file contains pages
    // of the old file, and SQLite would copy them into the new one when it next opens it. No
    // live dossier process writes the old file, since this one has the exclusive lock.
    fs::path old_journal = state_->file;
    old_journal += "-journal";
    std::error_code error;
    fs::remove(old_journal, error);
    if (error) {
        throw Error(ErrorKind::io,
                    fmt::format(fmt::runtime(tr("cannot remove the journal of the old search index {}: {}")),
                                old_journal.string(), error.message()),
                    tr("check that the workspace's .dossier folder can be written"));
    }
    fs::rename(building, state_->file, error);
    if (error) {
        throw Error(ErrorKind::io,
                    fmt::format(fmt::runtime(tr("cannot replace the search index {}: {}")), state_->file.string(),
                                error.message()),
                    tr("check that the workspace's .dossier folder can be written"));
    }
    cleanup.done = true;
    write_file_atomically(state_->stamp, index::stamp_text(state_->file));
    state_->open_database();
    state_->verified = true;
    summary.rebuilt = RebuildReason::requested;
    return summary;
}

std::optional<RefreshSummary> SearchIndex::open_verified(const IndexProgress& progress) {
    create_state_dir(state_->state_dir);
    if (state_->verified && state_->database) return std::nullopt;
    std::string damage;
    RebuildReason reason = RebuildReason::none;
    {
        IndexLock lock(state_->lock, false);
        reason = state_->open_if_sound(damage);
    }
    if (reason == RebuildReason::none) return std::nullopt;

    // Another process may be building it now: wait for it, then look again.
    IndexLock lock(state_->lock, true);
    std::string damage_now;
    if (state_->open_if_sound(damage_now) == RebuildReason::none) return std::nullopt;
    auto summary = build_locked(progress);
    summary.rebuilt = reason;
    summary.damage = damage;
    return summary;
}

RefreshSummary SearchIndex::open_cached(const IndexProgress& progress) {
    if (auto rebuilt = open_verified(progress)) return *rebuilt;
    return {};
}

RefreshSummary SearchIndex::refresh(const IndexProgress& progress) {
    if (auto rebuilt = open_verified(progress)) return *rebuilt;
    try {
        return update(progress);
    } catch (const SqliteError& error) {
        if (!error.is_damage()) throw;
        auto summary = rebuild(progress);
        summary.rebuilt = RebuildReason::damaged;
        summary.damage = error.what();
        return summary;
    }
}

RefreshSummary SearchIndex::update(const IndexProgress& progress) {
    Database& database = *state_->database;
    std::int64_t refresh_start = index::now_ns();
    auto clients = state_->workspace.clients();
    const auto listed = client_list(clients);
    // A watcher that recorded what changed since the index's token spares reading every folder.
    const auto stored_token = read_token(database);
    const auto answer =
        index::ask_watcher(state_->state_dir, stored_token ? std::optional(stored_token->token) : std::nullopt);
    // The watcher does not follow a client folder that is a symbolic link, so such a
    // workspace is read whole.
    const bool watched = answer && answer->complete && stored_token && stored_token->clients == listed &&
                         std::none_of(clients.begin(), clients.end(), [](const Client& client) {
                             std::error_code error;
                             return fs::is_symlink(client.directory, error);
                         });

    std::vector<ScannedFile> files;
    std::vector<const ScannedFile*> changed;
    std::vector<std::pair<std::string, std::string>> removed;
    RefreshSummary summary;
    if (watched) {
        index::compare_reported(database, clients, answer->paths, files, changed, removed);
    } else {
        // Read the folders while the index's list of documents is read.
        auto scanning = std::async(std::launch::async, [&clients] { return index::scan_documents(clients); });
        index::StoredFiles stored = index::load_stored(database);
        files = scanning.get();
        index::compare_with_index(stored, files, changed, removed);
        summary.documents = files.size();
    }
    const bool new_token = answer && !(stored_token && stored_token->token == answer->token && stored_token->clients == listed);
    auto count_documents = [&] {
        if (!watched) return;
        auto statement = database.prepare("SELECT count(*) FROM documents");
        if (statement.step()) summary.documents = static_cast<std::size_t>(statement.integer(0));
    };
    // An unchanged workspace takes no write lock.
    if (changed.empty() && removed.empty() && !new_token) {
        count_documents();
        return summary;
    }
    sort_by_path(changed);

    std::optional<IndexLock> lock;
    lock.emplace(state_->lock, true);
    if (index::stat_file(state_->file).inode != state_->opened_inode) {
        // Another process rebuilt the index since this one opened it: write to the new file.
        lock.reset();
        state_->open_database();
        return update(progress);
    }
    if (!state_->git_library) state_->git_library.emplace();
    database.execute("BEGIN IMMEDIATE");
    try {
        IndexWriter writer(database, false);
        for (const auto& [client, path] : removed) {
            if (writer.remove(client, path)) ++summary.removed;
        }
        index::write_files(writer, changed, state_->clients_dir, refresh_start, summary, progress);
        writer.finish();
        if (answer) write_token(database, answer->token, listed);
        database.execute("COMMIT");
    } catch (...) {
        database.execute("ROLLBACK");
        throw;
    }
    write_file_atomically(state_->stamp, index::stamp_text(state_->file));
    count_documents();
    return summary;
}

std::vector<SearchResult> SearchIndex::search(const SearchQuery& query, std::size_t limit, RefreshSummary* rebuilt) {
    if (!state_->verified || !state_->database) {
        auto summary = open_cached();
        if (rebuilt != nullptr && summary.rebuilt != RebuildReason::none) *rebuilt = summary;
    }
    try {
        return index::run_search(*state_->database, query, limit);
    } catch (const SqliteError& error) {
        if (!error.is_damage()) throw;
        auto summary = rebuild();
        summary.rebuilt = RebuildReason::damaged;
        summary.damage = error.what();
        if (rebuilt != nullptr) *rebuilt = summary;
        return index::run_search(*state_->database, query, limit);
    }
}

bool SearchIndex::has_field(std::string_view name) {
    if (!state_->verified || !state_->database) open_cached();
    try {
        return index::has_field(*state_->database, name);
    } catch (const SqliteError& error) {
        if (!error.is_damage()) throw;
        return false;  // the search that follows finds the damage and rebuilds
    }
}

}  // namespace dossier
