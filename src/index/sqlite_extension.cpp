// A loadable SQLite extension with dossier's search tokenizer, so that the sqlite3 command can
// build the same FTS5 table as dossier (bench/search measures the cost of the database itself).
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "fts5_ranking.hpp"
#include "fts5_tokenizer.hpp"

extern "C" __attribute__((visibility("default"))) int sqlite3_dossierfts_init(sqlite3* database, char** error,
                                                                               const sqlite3_api_routines* api) {
    SQLITE_EXTENSION_INIT2(api);
    int result = dossier::index::register_search_tokenizer(database);
    if (result == SQLITE_OK) result = dossier::index::register_search_ranking(database);
    if (result != SQLITE_OK && error != nullptr) *error = sqlite3_mprintf("FTS5 is not available");
    return result;
}
