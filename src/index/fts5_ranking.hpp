// Registers dossier_bm25(), the ranking of searches, with SQLite's FTS5.
//
// dossier_bm25(text, WEIGHT...) computes what FTS5's bm25() computes, with the same formula
// and constants, but takes each document's length in tokens from the table doc_tokens, read
// once per query, instead of looking up FTS5's docsize table once per row. Ranking the 20,000
// matches of a phrase in 100,000 documents spent 14 of its 16 ms in those lookups. A row that
// doc_tokens does not cover falls back to FTS5's own length.
#pragma once

#include <cstddef>
#include <cstdint>

struct sqlite3;

namespace dossier::index {

inline constexpr const char* ranking_function_name = "dossier_bm25";

// Makes dossier_bm25() usable in queries of FTS5 tables of `database`. Returns an SQLite
// result code: SQLITE_OK, or SQLITE_ERROR when the SQLite library has no FTS5.
int register_search_ranking(sqlite3* database);

// Returns the length in tokens of a document from its row of FTS5's docsize table, where
// `sizes` contains one varint per column.
std::uint32_t total_tokens(const unsigned char* sizes, std::size_t size);

}  // namespace dossier::index
