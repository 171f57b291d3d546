#include "sqlite.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

#include "dossier/i18n.hpp"
#include "dossier/search_index.hpp"
#include "fts5_ranking.hpp"
#include "fts5_tokenizer.hpp"

namespace dossier::index {

SqliteError::SqliteError(int code, std::string message, std::string hint)
    : Error(ErrorKind::io, std::move(message), std::move(hint)), code_(code) {}

bool SqliteError::is_damage() const noexcept {
    int primary = code_ & 0xFF;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB || primary == SQLITE_FORMAT ||
           code_ == SQLITE_IOERR_SHORT_READ;
}

Database Database::open(const std::filesystem::path& path, bool read_only, int busy_timeout_ms) {
    sqlite3* handle = nullptr;
    int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int code = sqlite3_open_v2(path.c_str(), &handle, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    Database database(handle);
    if (code != SQLITE_OK) {
        std::string detail = handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(code);
        throw SqliteError(code, fmt::format(fmt::runtime(tr("cannot open the search index {}: {}")), path.string(), detail));
    }
    sqlite3_extended_result_codes(handle, 1);
    sqlite3_busy_timeout(handle, busy_timeout_ms);
    if (register_search_tokenizer(handle) != SQLITE_OK || register_search_ranking(handle) != SQLITE_OK) {
        throw SqliteError(SQLITE_ERROR, tr("this SQLite library has no FTS5 full-text search"),
                          tr("install Debian's libsqlite3-0, which includes FTS5"));
    }
    return database;
}

Database::Database(Database&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        if (handle_ != nullptr) sqlite3_close_v2(handle_);
        handle_ = other.handle_;
        other.handle_ = nullptr;
    }
    return *this;
}

Database::~Database() {
    if (handle_ != nullptr) sqlite3_close_v2(handle_);
}

void Database::check(int code) const {
    if (code == SQLITE_OK || code == SQLITE_ROW || code == SQLITE_DONE) return;
    std::string detail = handle_ != nullptr ? sqlite3_errmsg(handle_) : sqlite3_errstr(code);
    throw SqliteError(code, fmt::format(fmt::runtime(tr("the search index failed: {}")), detail),
                      tr("run \"dossier index --rebuild\"; if that fails too, delete .dossier/index.sqlite"));
}

void Database::execute(std::string_view sql) {
    char* message = nullptr;
    std::string text(sql);
    int code = sqlite3_exec(handle_, text.c_str(), nullptr, nullptr, &message);
    if (message != nullptr) sqlite3_free(message);
    check(code);
}

Statement Database::prepare(std::string_view sql) {
    sqlite3_stmt* statement = nullptr;
    int code = sqlite3_prepare_v2(handle_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
    check(code);
    return Statement(*this, statement);
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(handle_); }

Statement::Statement(Statement&& other) noexcept : database_(other.database_), statement_(other.statement_) {
    other.statement_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        if (statement_ != nullptr) sqlite3_finalize(statement_);
        database_ = other.database_;
        statement_ = other.statement_;
        other.statement_ = nullptr;
    }
    return *this;
}

Statement::~Statement() {
    if (statement_ != nullptr) sqlite3_finalize(statement_);
}

Statement& Statement::bind(int index, std::string_view text) {
    database_->check(sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
    return *this;
}

Statement& Statement::bind(int index, std::int64_t number) {
    database_->check(sqlite3_bind_int64(statement_, index, number));
    return *this;
}

Statement& Statement::bind(int index, double number) {
    database_->check(sqlite3_bind_double(statement_, index, number));
    return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
    database_->check(sqlite3_bind_blob(statement_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT));
    return *this;
}

bool Statement::step() {
    int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) return false;
    sqlite3_reset(statement_);
    database_->check(code);
    return false;
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
}

std::string_view Statement::text(int column) const {
    const auto* data = sqlite3_column_text(statement_, column);
    int size = sqlite3_column_bytes(statement_, column);
    if (data == nullptr) return {};
    return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::string_view Statement::blob(int column) const {
    const void* data = sqlite3_column_blob(statement_, column);
    int size = sqlite3_column_bytes(statement_, column);
    if (data == nullptr) return {};
    return {static_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(statement_, column); }
double Statement::real(int column) const { return sqlite3_column_double(statement_, column); }

}  // namespace dossier::index

namespace dossier {

SearchEngineInfo search_engine_info() {
    SearchEngineInfo info;
    info.sqlite_version = sqlite3_libversion();
    sqlite3* handle = nullptr;
    if (sqlite3_open_v2(":memory:", &handle, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
        info.fts5 = index::register_search_tokenizer(handle) == SQLITE_OK;
    }
    sqlite3_close_v2(handle);
    return info;
}

}  // namespace dossier
