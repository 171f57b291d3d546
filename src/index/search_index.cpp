#include "dossier/search_index.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <fstream>
#include <future>
#include <sstream>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "document_extract.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/git_repository.hpp"
#include "dossier/i18n.hpp"
#include "index_scan.hpp"
#include "index_search.hpp"
#include "sqlite.hpp"

namespace fs = std::filesystem;

namespace dossier {
namespace {

using index::Database;
using index::FileStat;
using index::ScannedFile;
using index::SqliteError;

constexpr int busy_timeout_ms = 10'000;
// A file changed this close to a refresh may change again within the same timestamp tick; its
// stat data is not trusted, so the next refresh reads it again (Git calls such entries racy).
constexpr std::int64_t racy_window_ns = 2'000'000'000;
constexpr std::size_t chunk_size = 128;

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
INSERT INTO text(text, rank) VALUES('rank', 'bm25(10.0, 5.0, 1.0, 2.0, 3.0)');
)sql";

// Created after a full build's inserts, which run faster without them. documents_by_path
// covers the refresh's comparison; dossier keeps (client, path) unique itself.
constexpr const char* field_indexes_sql = R"sql(
CREATE INDEX IF NOT EXISTS fields_by_key ON fields(key, folded);
CREATE INDEX IF NOT EXISTS documents_by_path ON documents(client, path, size, mtime, ctime, inode);
)sql";

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string stem_of(std::string_view path) {
    auto slash = path.rfind('/');
    std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    return std::string(name.substr(0, name.size() - 3));
}

// An advisory lock on .dossier/index.lock: shared while the index file is checked against its
// stamp, exclusive from a write's start until the stamp records its result.
class IndexLock {
public:
    IndexLock(const fs::path& path, bool exclusive) {
        fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) {
            throw Error(ErrorKind::io,
                        fmt::format(fmt::runtime(tr("cannot create the lock file of the search index: {}: {}")),
                                    path.string(), std::strerror(errno)),
                        tr("check that the workspace's .dossier folder can be written"));
        }
        while (flock(fd_, exclusive ? LOCK_EX : LOCK_SH) != 0) {
            if (errno != EINTR) break;
        }
    }
    ~IndexLock() {
        if (fd_ >= 0) close(fd_);
    }
    IndexLock(const IndexLock&) = delete;
    IndexLock& operator=(const IndexLock&) = delete;

private:
    int fd_ = -1;
};

// The stamp records the index file's stat data as dossier last left it. A file that differs
// was changed by something else (a crash mid-write, a copy, a disk fault) and is not trusted.
std::string stamp_text(const fs::path& index_file) {
    FileStat stat = index::stat_file(index_file);
    return fmt::format("{} {} {} {}\n", search_index_format, stat.size, stat.mtime_ns, stat.inode);
}

void flush_to_disk(const fs::path& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    fsync(fd);
    close(fd);
}

std::string read_small_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// A document read and prepared by a worker thread, ready to be written to the index.
struct PreparedFile {
    const ScannedFile* file = nullptr;
    std::string blob;
    index::ExtractedDocument document;
};

PreparedFile prepare_file(const ScannedFile& file, const fs::path& clients_dir) {
    PreparedFile prepared;
    prepared.file = &file;
    fs::path path = clients_dir / std::string(file.client) / file.path;
    std::string display = "clients/" + std::string(file.client) + "/" + file.path;
    std::string bytes;
    try {
        bytes = read_file(path);
    } catch (const Error& error) {
        prepared.document.problem = error.what();
        prepared.document.title_text = stem_of(file.path);
        return prepared;
    }
    prepared.blob = git::blob_id(bytes);
    prepared.document = index::extract_document(bytes, display, stem_of(file.path));
    return prepared;
}

}  // namespace

struct SearchIndex::State {
    fs::path root;
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

    void open_database() {
        database = Database::open(file, false, busy_timeout_ms);
        // Deleted text is overwritten rather than left in free pages of the file.
        database->execute("PRAGMA secure_delete = ON");
        opened_inode = index::stat_file(file).inode;
    }
};

namespace {

enum class WriteOutcome { added, updated, unchanged };

// Statements of one write transaction.
class IndexWriter {
public:
    // `empty_index`: the index contains no document yet, so none is looked up before a write.
    IndexWriter(Database& database, bool empty_index)
        : database_(database),
          empty_index_(empty_index),
          find_(database.prepare("SELECT id, blob FROM documents WHERE client = ?1 AND path = ?2")),
          insert_document_(database.prepare(
              "INSERT INTO documents(client, path, size, mtime, ctime, inode, blob, type, title, owner, problem) "
              "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")),
          update_document_(database.prepare(
              "UPDATE documents SET size = ?2, mtime = ?3, ctime = ?4, inode = ?5, blob = ?6, type = ?7, title = ?8, "
              "owner = ?9, problem = ?10 WHERE id = ?1")),
          update_stat_(database.prepare("UPDATE documents SET size = ?2, mtime = ?3, ctime = ?4, inode = ?5 WHERE id = ?1")),
          delete_document_(database.prepare("DELETE FROM documents WHERE id = ?1")),
          insert_text_(database.prepare(
              "INSERT INTO text(rowid, title, headings, body, fields, tags) VALUES(?1, ?2, ?3, ?4, ?5, ?6)")),
          delete_text_(database.prepare("DELETE FROM text WHERE rowid = ?1")),
          insert_field_(database.prepare(
              "INSERT INTO fields(doc, seq, key, value, folded, date, number) VALUES(?1, ?7, ?2, ?3, ?4, ?5, ?6)")),
          delete_fields_(database.prepare("DELETE FROM fields WHERE doc = ?1")) {}

    // Writes `prepared` and returns whether the document is new, changed or unchanged.
    WriteOutcome write(const PreparedFile& prepared, const FileStat& stat) {
        const ScannedFile& file = *prepared.file;
        std::optional<std::int64_t> id;
        std::string old_blob;
        if (!empty_index_) {
            find_.bind(1, file.client).bind(2, file.path);
            if (find_.step()) {
                id = find_.integer(0);
                old_blob = std::string(find_.text(1));
            }
            find_.reset();
        }

        if (id && !prepared.blob.empty() && old_blob == prepared.blob) {
            bind_stat(update_stat_, 2, stat).bind(1, *id).run();
            return WriteOutcome::unchanged;
        }
        const auto& document = prepared.document;
        WriteOutcome outcome = id ? WriteOutcome::updated : WriteOutcome::added;
        if (id) {
            delete_text_.bind(1, *id).run();
            delete_fields_.bind(1, *id).run();
            bind_stat(update_document_, 2, stat).bind(1, *id).bind_blob(6, prepared.blob);
            update_document_.bind(7, document.type).bind(8, document.title).bind(9, document.owner);
            update_document_.bind(10, document.problem).run();
        } else {
            insert_document_.bind(1, file.client).bind(2, file.path);
            bind_stat(insert_document_, 3, stat).bind_blob(7, prepared.blob).bind(8, document.type);
            insert_document_.bind(9, document.title).bind(10, document.owner).bind(11, document.problem).run();
            id = database_.last_insert_rowid();
        }
        insert_text_.bind(1, *id).bind(2, document.title_text).bind(3, document.headings).bind(4, document.body);
        insert_text_.bind(5, document.field_text).bind(6, document.tags).run();
        std::int64_t seq = 0;
        for (const auto& field : document.fields) {
            insert_field_.bind(7, seq++);
            insert_field_.bind(1, *id).bind(2, field.key).bind(3, field.value).bind(4, field.folded);
            if (field.date) insert_field_.bind(5, *field.date);
            if (field.number) insert_field_.bind(6, *field.number);
            insert_field_.run();
        }
        return outcome;
    }

    // Removes the document at `path` of `client`; returns true when it was there.
    bool remove(std::string_view client, std::string_view path) {
        find_.bind(1, client).bind(2, path);
        std::optional<std::int64_t> id;
        if (find_.step()) id = find_.integer(0);
        find_.reset();
        if (!id) return false;
        delete_text_.bind(1, *id).run();
        delete_fields_.bind(1, *id).run();
        delete_document_.bind(1, *id).run();
        return true;
    }

private:
    static index::Statement& bind_stat(index::Statement& statement, int first, const FileStat& stat) {
        return statement.bind(first, stat.size).bind(first + 1, stat.mtime_ns).bind(first + 2, stat.ctime_ns).bind(
            first + 3, stat.inode);
    }

    Database& database_;
    bool empty_index_;
    index::Statement find_, insert_document_, update_document_, update_stat_, delete_document_, insert_text_,
        delete_text_, insert_field_, delete_fields_;
};

// The documents of the index with their stat data, in (client, path) order. Their text lives
// in one buffer, which makes reading 100,000 of them cheap.
struct StoredFiles {
    struct Entry {
        std::size_t client_begin, client_size, path_begin, path_size;
        FileStat stat;
    };
    std::string text;
    std::vector<Entry> entries;

    std::string_view client(const Entry& entry) const { return {text.data() + entry.client_begin, entry.client_size}; }
    std::string_view path(const Entry& entry) const { return {text.data() + entry.path_begin, entry.path_size}; }
};

StoredFiles load_stored(Database& database) {
    StoredFiles stored;
    auto statement = database.prepare(
        "SELECT client, path, size, mtime, ctime, inode FROM documents INDEXED BY documents_by_path "
        "ORDER BY client, path");
    while (statement.step()) {
        std::string_view client = statement.text(0);
        std::string_view path = statement.text(1);
        StoredFiles::Entry entry{stored.text.size(), client.size(), stored.text.size() + client.size(), path.size(),
                                 FileStat{statement.integer(2), statement.integer(3), statement.integer(4),
                                          statement.integer(5)}};
        stored.text.append(client).append(path);
        stored.entries.push_back(entry);
    }
    return stored;
}

// Compares the files on disk with the files in the index and collects the files to read
// again and the documents to remove. Hashing beats sorting 100,000 paths here.
void compare_with_index(const StoredFiles& stored, const std::vector<ScannedFile>& files,
                        std::vector<const ScannedFile*>& changed,
                        std::vector<std::pair<std::string, std::string>>& removed) {
    std::unordered_map<std::string_view, const StoredFiles::Entry*> by_path;
    std::vector<bool> seen(stored.entries.size(), false);
    // The stored entries are in (client, path) order: each client's are one range.
    std::unordered_map<std::string_view, std::pair<std::size_t, std::size_t>> client_ranges;
    for (std::size_t i = 0; i < stored.entries.size();) {
        std::size_t end = i;
        while (end < stored.entries.size() && stored.client(stored.entries[end]) == stored.client(stored.entries[i])) ++end;
        client_ranges.emplace(stored.client(stored.entries[i]), std::make_pair(i, end));
        i = end;
    }
    std::size_t next_file = 0;
    while (next_file < files.size()) {
        std::string_view client = files[next_file].client;
        std::size_t end_file = next_file;
        while (end_file < files.size() && files[end_file].client == client) ++end_file;

        by_path.clear();
        auto range = client_ranges.find(client);
        if (range != client_ranges.end()) {
            by_path.reserve(range->second.second - range->second.first);
            for (std::size_t i = range->second.first; i < range->second.second; ++i) {
                by_path.emplace(stored.path(stored.entries[i]), &stored.entries[i]);
            }
        }
        for (std::size_t i = next_file; i < end_file; ++i) {
            auto found = by_path.find(files[i].path);
            if (found == by_path.end()) {
                changed.push_back(&files[i]);
                continue;
            }
            seen[static_cast<std::size_t>(found->second - stored.entries.data())] = true;
            if (found->second->stat != files[i].stat) changed.push_back(&files[i]);
        }
        next_file = end_file;
    }
    for (std::size_t i = 0; i < stored.entries.size(); ++i) {
        if (!seen[i]) removed.emplace_back(stored.client(stored.entries[i]), stored.path(stored.entries[i]));
    }
}

// The stat data to record for a file read at `refresh_start`: a file changed within the
// racy window gets an impossible time, so the next refresh reads it again.
FileStat recorded_stat(const FileStat& stat, std::int64_t refresh_start) {
    FileStat recorded = stat;
    if (stat.mtime_ns >= refresh_start - racy_window_ns || stat.ctime_ns >= refresh_start - racy_window_ns) {
        recorded.mtime_ns = -1;
    }
    return recorded;
}

// Reads `files` on worker threads, a chunk at a time, and writes them in order.
// Counts the documents added and updated in `summary`.
void write_files(IndexWriter& writer, const std::vector<const ScannedFile*>& files, const fs::path& clients_dir,
                 std::int64_t refresh_start, RefreshSummary& summary, const IndexProgress& progress) {
    auto prepare_chunk = [&files, &clients_dir](std::size_t first) {
        std::vector<PreparedFile> chunk;
        for (std::size_t i = first; i < std::min(first + chunk_size, files.size()); ++i) {
            chunk.push_back(prepare_file(*files[i], clients_dir));
        }
        return chunk;
    };
    std::deque<std::future<std::vector<PreparedFile>>> pending;
    std::size_t next_chunk = 0;
    auto launch = [&] {
        while (pending.size() < 3 && next_chunk < files.size()) {
            pending.push_back(std::async(std::launch::async, prepare_chunk, next_chunk));
            next_chunk += chunk_size;
        }
    };
    launch();
    std::size_t done = 0;
    while (!pending.empty()) {
        auto chunk = pending.front().get();
        pending.pop_front();
        launch();
        for (const auto& prepared : chunk) {
            switch (writer.write(prepared, recorded_stat(prepared.file->stat, refresh_start))) {
            case WriteOutcome::added: ++summary.added; break;
            case WriteOutcome::updated: ++summary.updated; break;
            case WriteOutcome::unchanged: break;
            }
            ++done;
        }
        if (progress) progress(done, files.size());
    }
}

}  // namespace

fs::path search_index_path(const fs::path& workspace_root) { return workspace_root / ".dossier" / "index.sqlite"; }

SearchIndex::SearchIndex(const Workspace& workspace) : state_(std::make_unique<State>()) {
    state_->root = workspace.root();
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
    std::string recorded = read_small_file(stamp);
    // The stamp begins with the format of its index, a number.
    auto space = recorded.find(' ');
    std::string_view format = std::string_view(recorded).substr(0, space == std::string::npos ? 0 : space);
    bool is_number = !format.empty() && format.size() < 6 &&
                     format.find_first_not_of("0123456789") == std::string_view::npos;
    if (is_number && format != std::to_string(search_index_format)) return RebuildReason::format_changed;
    if (recorded != stamp_text(file)) {
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

}  // namespace

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
        auto clients = state_->workspace.clients();
        auto files = index::scan_documents(clients);
        std::vector<const ScannedFile*> pointers;
        pointers.reserve(files.size());
        for (const auto& file : files) pointers.push_back(&file);
        IndexWriter writer(database, true);
        write_files(writer, pointers, state_->clients_dir, now_ns(), summary, progress);
        database.execute(field_indexes_sql);
        database.prepare("INSERT INTO meta(key, value) VALUES('format', ?1)").bind(1, std::to_string(search_index_format)).run();
        database.execute("COMMIT");
        summary.documents = files.size();
    }
    flush_to_disk(building);
    std::error_code error;
    fs::rename(building, state_->file, error);
    if (error) {
        throw Error(ErrorKind::io,
                    fmt::format(fmt::runtime(tr("cannot replace the search index {}: {}")), state_->file.string(),
                                error.message()),
                    tr("check that the workspace's .dossier folder can be written"));
    }
    cleanup.done = true;
    write_file_atomically(state_->stamp, stamp_text(state_->file));
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
        reason = check_index_file(state_->file, state_->stamp, damage);
        if (reason == RebuildReason::none) {
            state_->open_database();
            reason = check_format(*state_->database, damage);
        }
    }
    if (reason == RebuildReason::none) {
        state_->verified = true;
        return std::nullopt;
    }

    // Another process may be building it now: wait for it, then look again.
    create_state_dir(state_->state_dir);
    IndexLock lock(state_->lock, true);
    std::string damage_now;
    if (check_index_file(state_->file, state_->stamp, damage_now) == RebuildReason::none) {
        state_->open_database();
        if (check_format(*state_->database, damage_now) == RebuildReason::none) {
            state_->verified = true;
            return std::nullopt;
        }
    }
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
    std::int64_t refresh_start = now_ns();
    // Read the folders while the index's list of documents is read.
    auto clients = state_->workspace.clients();
    auto scanning = std::async(std::launch::async, [&clients] { return index::scan_documents(clients); });
    StoredFiles stored = load_stored(database);
    auto files = scanning.get();

    // An unchanged workspace takes no write lock.
    std::vector<const ScannedFile*> changed;
    std::vector<std::pair<std::string, std::string>> removed;
    compare_with_index(stored, files, changed, removed);
    RefreshSummary summary;
    summary.documents = files.size();
    if (changed.empty() && removed.empty()) return summary;

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
        write_files(writer, changed, state_->clients_dir, refresh_start, summary, progress);
        database.execute("COMMIT");
    } catch (...) {
        database.execute("ROLLBACK");
        throw;
    }
    write_file_atomically(state_->stamp, stamp_text(state_->file));
    return summary;
}

}  // namespace dossier

namespace dossier {

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
