// Compiled twice: into the core library, linked to SQLite, and into the loadable extension of
// bench/search, where SQLite's functions come through the extension's API table.
#ifdef DOSSIER_SQLITE_EXTENSION
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#else
#include <sqlite3.h>
#endif

#include "fts5_tokenizer.hpp"

#include <new>

#include "dossier/search_tokenizer.hpp"

namespace dossier::index {
namespace {

// FTS5 requests a tokenizer object. The tokenizer keeps no state, so one static object serves all.
Fts5Tokenizer* the_tokenizer() {
    static char object = 0;
    return reinterpret_cast<Fts5Tokenizer*>(&object);
}

int create_tokenizer(void*, const char**, int argument_count, Fts5Tokenizer** out) {
    if (argument_count != 0) return SQLITE_ERROR;
    *out = the_tokenizer();
    return SQLITE_OK;
}

void delete_tokenizer(Fts5Tokenizer*) {}

int tokenize(Fts5Tokenizer*, void* context, int, const char* text, int length,
             int (*on_token)(void*, int, const char*, int, int, int)) {
    if (text == nullptr || length <= 0) return SQLITE_OK;
    int result = SQLITE_OK;
    try {
        tokenize_for_search(std::string_view(text, static_cast<std::size_t>(length)), [&](const SearchToken& token) {
            result = on_token(context, 0, token.folded.data(), static_cast<int>(token.folded.size()),
                              static_cast<int>(token.begin), static_cast<int>(token.end));
            return result == SQLITE_OK;
        });
    } catch (const std::bad_alloc&) {
        return SQLITE_NOMEM;
    }
    return result;
}

}  // namespace

fts5_api* find_fts5_api(sqlite3* database) {
    fts5_api* api = nullptr;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(database, "SELECT fts5(?1)", -1, &statement, nullptr) != SQLITE_OK) return nullptr;
    sqlite3_bind_pointer(statement, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(statement);
    sqlite3_finalize(statement);
    return api;
}

int register_search_tokenizer(sqlite3* database) {
    fts5_api* api = find_fts5_api(database);
    if (api == nullptr || api->iVersion < 2) return SQLITE_ERROR;
    static fts5_tokenizer methods{create_tokenizer, delete_tokenizer, tokenize};
    return api->xCreateTokenizer(api, tokenizer_name, nullptr, &methods, nullptr);
}

}  // namespace dossier::index
