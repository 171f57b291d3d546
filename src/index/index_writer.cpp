#include "index_writer.hpp"

#include <chrono>
#include <cstring>
#include <deque>
#include <future>
#include <optional>

#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/git_repository.hpp"
#include "fts5_ranking.hpp"

namespace fs = std::filesystem;

namespace dossier::index {
namespace {

// A file changed this close to a refresh may change again within the same timestamp tick.
// Its stat data is not trusted, so the next refresh reads it again, as Git does with the
// entries it calls racy.
constexpr std::int64_t racy_window_ns = 2'000'000'000;
constexpr std::size_t chunk_size = 128;

std::string stem_of(std::string_view path) {
    auto slash = path.rfind('/');
    std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    return std::string(name.substr(0, name.size() - 3));
}

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

// The stat data to record for a file read at `refresh_start`: a file changed within the
// racy window gets an impossible time, so the next refresh reads it again.
FileStat recorded_stat(const FileStat& stat, std::int64_t refresh_start) {
    FileStat recorded = stat;
    if (stat.mtime_ns >= refresh_start - racy_window_ns || stat.ctime_ns >= refresh_start - racy_window_ns) {
        recorded.mtime_ns = -1;
    }
    return recorded;
}

// Binds the four stat values from parameter `first` on.
Statement& bind_stat(Statement& statement, int first, const FileStat& stat) {
    return statement.bind(first, stat.size).bind(first + 1, stat.mtime_ns).bind(first + 2, stat.ctime_ns).bind(
        first + 3, stat.inode);
}

}  // namespace

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

IndexWriter::IndexWriter(Database& database, bool empty_index)
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
      delete_fields_(database.prepare("DELETE FROM fields WHERE doc = ?1")),
      read_sizes_(database.prepare("SELECT sz FROM text_docsize WHERE id = ?1")) {}

WriteOutcome IndexWriter::write(const PreparedFile& prepared, const FileStat& stat) {
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
    read_sizes_.bind(1, *id);
    if (read_sizes_.step()) {
        const auto sizes = read_sizes_.blob(0);
        lengths_.emplace_back(*id, total_tokens(reinterpret_cast<const unsigned char*>(sizes.data()), sizes.size()));
    }
    read_sizes_.reset();
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

bool IndexWriter::remove(std::string_view client, std::string_view path) {
    find_.bind(1, client).bind(2, path);
    std::optional<std::int64_t> id;
    if (find_.step()) id = find_.integer(0);
    find_.reset();
    if (!id) return false;
    delete_text_.bind(1, *id).run();
    delete_fields_.bind(1, *id).run();
    delete_document_.bind(1, *id).run();
    lengths_.emplace_back(*id, 0);
    return true;
}

void IndexWriter::finish() {
    if (lengths_.empty()) return;
    // One blob of 32-bit counts in the machine's byte order, indexed by rowid, which a query
    // reads whole. The index is a cache of this machine's files, never copied elsewhere.
    std::vector<std::uint32_t> lengths;
    auto read = database_.prepare("SELECT data FROM doc_tokens WHERE id = 0");
    if (read.step()) {
        const auto bytes = read.blob(0);
        lengths.resize(bytes.size() / sizeof(std::uint32_t));
        std::memcpy(lengths.data(), bytes.data(), lengths.size() * sizeof(std::uint32_t));
    }
    read.reset();
    for (const auto& [id, tokens] : lengths_) {
        if (id < 0) continue;
        const auto index = static_cast<std::size_t>(id);
        if (index >= lengths.size()) lengths.resize(index + 1, 0);
        lengths[index] = tokens;
    }
    while (!lengths.empty() && lengths.back() == 0) lengths.pop_back();
    database_.prepare("INSERT OR REPLACE INTO doc_tokens(id, data) VALUES(0, ?1)")
        .bind_blob(1, std::string_view(reinterpret_cast<const char*>(lengths.data()), lengths.size() * sizeof(std::uint32_t)))
        .run();
    lengths_.clear();
}

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

}  // namespace dossier::index
