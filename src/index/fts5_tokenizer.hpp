// Registers dossier's search tokenizer with SQLite's FTS5 under the name "dossier".
#pragma once

struct sqlite3;

namespace dossier::index {

inline constexpr const char* tokenizer_name = "dossier";

// Makes `tokenize='dossier'` usable in FTS5 tables of `database`. Returns an SQLite result
// code: SQLITE_OK, or SQLITE_ERROR when the SQLite library has no FTS5.
int register_search_tokenizer(sqlite3* database);

}  // namespace dossier::index
