// Running a parsed query against the index's tables.
#pragma once

#include <string_view>
#include <vector>

#include "dossier/search_index.hpp"
#include "dossier/search_query.hpp"
#include "sqlite.hpp"

namespace dossier::index {

// Returns the FTS5 expression of the query's required and excluded terms, each term quoted as
// an FTS5 string so that nothing a user types is read as FTS5 syntax. `excluded_only` gives
// the expression of the excluded terms alone (a OR b).
std::string fts5_expression(const SearchQuery& query);
std::string fts5_excluded_expression(const SearchQuery& query);

// Runs `query`; see SearchIndex::search. Throws SqliteError.
std::vector<SearchResult> run_search(Database& database, const SearchQuery& query, std::size_t limit);

bool has_field(Database& database, std::string_view name);

}  // namespace dossier::index
