// RAII owners of SQLite connections and statements, with SQLite failures turned into Error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "dossier/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace dossier::index {

// An SQLite failure, keeping SQLite's result code so that callers can tell a damaged
// database (SQLITE_CORRUPT, SQLITE_NOTADB) from other failures.
class SqliteError : public Error {
public:
    SqliteError(int code, std::string message, std::string hint = {});
    int code() const noexcept { return code_; }
    // True for the codes of a file that is not a sound SQLite database.
    bool is_damage() const noexcept;

private:
    int code_;
};

class Statement;

class Database {
public:
    // Opens or creates the database at `path` with dossier's tokenizer registered, waiting up
    // to `busy_timeout_ms` for another process's lock. Throws SqliteError.
    static Database open(const std::filesystem::path& path, bool read_only, int busy_timeout_ms);

    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    // Runs one or more statements without results. Throws SqliteError.
    void execute(std::string_view sql);
    Statement prepare(std::string_view sql);
    std::int64_t last_insert_rowid() const;

    // Throws SqliteError for `code` with SQLite's message for this connection, unless `code`
    // is one of the success codes.
    void check(int code) const;

private:
    explicit Database(sqlite3* handle) : handle_(handle) {}
    sqlite3* handle_ = nullptr;
};

// A prepared statement. Parameters are 1-based; columns 0-based.
class Statement {
public:
    Statement(Database& database, sqlite3_stmt* statement) : database_(&database), statement_(statement) {}
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::int64_t number);
    Statement& bind(int index, double number);
    Statement& bind_blob(int index, std::string_view bytes);

    // Steps once; returns true when a row is available. Throws SqliteError.
    bool step();
    // Steps to completion, then resets for the next use.
    void run();
    void reset();

    std::string_view text(int column) const;
    std::string_view blob(int column) const;
    std::int64_t integer(int column) const;
    double real(int column) const;

private:
    Database* database_;
    sqlite3_stmt* statement_;
};

}  // namespace dossier::index
