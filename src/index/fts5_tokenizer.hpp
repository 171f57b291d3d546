// Registers dossier's search tokenizer with SQLite's FTS5 under the name "dossier".
#pragma once

struct sqlite3;
struct fts5_api;

namespace dossier::index {

inline constexpr const char* tokenizer_name = "dossier";

// Makes `tokenize='dossier'` usable in FTS5 tables of `database`. Returns an SQLite result
// code: SQLITE_OK, or SQLITE_ERROR when the SQLite library has no FTS5.
int register_search_tokenizer(sqlite3* database);

// Returns the FTS5 interface of `database`, through which tokenizers and functions are
// registered, or nullptr when the SQLite library has no FTS5.
fts5_api* find_fts5_api(sqlite3* database);

}  // namespace dossier::index
