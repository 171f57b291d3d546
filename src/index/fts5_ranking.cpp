// Compiled twice, as fts5_tokenizer.cpp is: into the core library and into the loadable
// extension of bench/search.
#ifdef DOSSIER_SQLITE_EXTENSION
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#else
#include <sqlite3.h>
#endif

#include "fts5_ranking.hpp"
#include "fts5_tokenizer.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

namespace dossier::index {
namespace {

// BM25's constants, as FTS5's bm25() sets them.
constexpr double k1 = 1.2;
constexpr double b = 0.75;

// The values that the ranking of one query computes once: each phrase's inverse document
// frequency, the average length of a document, and the length of every document.
struct RankData {
    std::vector<double> idf;
    double average_length = 0;
    std::vector<std::uint32_t> lengths;  // tokens, by rowid; 0 when unknown
    std::vector<double> frequency;       // of each phrase in the current row, weighted by column
};

int count_hit(const Fts5ExtensionApi*, Fts5Context*, void* hits) {
    ++*static_cast<sqlite3_int64*>(hits);
    return SQLITE_OK;
}

void delete_rank_data(void* data) { delete static_cast<RankData*>(data); }

// Reads the lengths that IndexWriter stores in doc_tokens. A database without that table
// (the sqlite3 command's copy in bench/search) leaves them empty.
std::vector<std::uint32_t> read_lengths(sqlite3* database) {
    std::vector<std::uint32_t> lengths;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(database, "SELECT data FROM doc_tokens WHERE id = 0", -1, &statement, nullptr) != SQLITE_OK) {
        return lengths;
    }
    if (sqlite3_step(statement) == SQLITE_ROW) {
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, 0));
        const void* bytes = sqlite3_column_blob(statement, 0);
        lengths.resize(size / sizeof(std::uint32_t));
        if (bytes != nullptr) std::memcpy(lengths.data(), bytes, lengths.size() * sizeof(std::uint32_t));
    }
    sqlite3_finalize(statement);
    return lengths;
}

// Returns the data of the current query, computed on its first row.
RankData* rank_data(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* context, int& result) {
    if (auto* data = static_cast<RankData*>(api->xGetAuxdata(fts, 0))) return data;
    auto data = std::make_unique<RankData>();
    sqlite3_int64 rows = 0;
    sqlite3_int64 tokens = 0;
    result = api->xRowCount(fts, &rows);
    if (result == SQLITE_OK) result = api->xColumnTotalSize(fts, -1, &tokens);
    if (result != SQLITE_OK) return nullptr;
    data->average_length = rows > 0 ? static_cast<double>(tokens) / static_cast<double>(rows) : 1.0;
    const int phrases = api->xPhraseCount(fts);
    for (int phrase = 0; phrase < phrases; ++phrase) {
        sqlite3_int64 hits = 0;
        result = api->xQueryPhrase(fts, phrase, &hits, count_hit);
        if (result != SQLITE_OK) return nullptr;
        // A phrase in more than half of the documents would get a negative weight: FTS5 uses a
        // tiny positive one instead.
        double idf = std::log((static_cast<double>(rows - hits) + 0.5) / (static_cast<double>(hits) + 0.5));
        data->idf.push_back(idf <= 0.0 ? 1e-6 : idf);
    }
    data->frequency.resize(static_cast<std::size_t>(phrases));
    data->lengths = read_lengths(sqlite3_context_db_handle(context));
    result = api->xSetAuxdata(fts, data.get(), delete_rank_data);
    if (result != SQLITE_OK) return nullptr;
    return data.release();
}

void rank(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* context, int weight_count,
          sqlite3_value** weights) {
    int result = SQLITE_OK;
    RankData* data = nullptr;
    try {
        data = rank_data(api, fts, context, result);
    } catch (const std::bad_alloc&) {
        result = SQLITE_NOMEM;
    }
    if (data == nullptr) {
        sqlite3_result_error_code(context, result == SQLITE_OK ? SQLITE_ERROR : result);
        return;
    }

    std::fill(data->frequency.begin(), data->frequency.end(), 0.0);
    int instances = 0;
    result = api->xInstCount(fts, &instances);
    for (int index = 0; result == SQLITE_OK && index < instances; ++index) {
        int phrase = 0;
        int column = 0;
        int offset = 0;
        result = api->xInst(fts, index, &phrase, &column, &offset);
        if (result == SQLITE_OK) {
            data->frequency[static_cast<std::size_t>(phrase)] +=
                weight_count > column ? sqlite3_value_double(weights[column]) : 1.0;
        }
    }

    double length = 0;
    const auto row = api->xRowid(fts);
    if (row >= 0 && static_cast<std::uint64_t>(row) < data->lengths.size() &&
        data->lengths[static_cast<std::size_t>(row)] != 0) {
        length = data->lengths[static_cast<std::size_t>(row)];
    } else if (result == SQLITE_OK) {
        int tokens = 0;
        result = api->xColumnSize(fts, -1, &tokens);
        length = tokens;
    }
    if (result != SQLITE_OK) {
        sqlite3_result_error_code(context, result);
        return;
    }

    double score = 0;
    for (std::size_t phrase = 0; phrase < data->idf.size(); ++phrase) {
        const double frequency = data->frequency[phrase];
        score += data->idf[phrase] * (frequency * (k1 + 1.0)) /
                 (frequency + k1 * (1.0 - b + b * length / data->average_length));
    }
    sqlite3_result_double(context, -score);
}

}  // namespace

int register_search_ranking(sqlite3* database) {
    fts5_api* api = find_fts5_api(database);
    if (api == nullptr || api->iVersion < 2) return SQLITE_ERROR;
    return api->xCreateFunction(api, ranking_function_name, nullptr, rank, nullptr);
}

std::uint32_t total_tokens(const unsigned char* sizes, std::size_t size) {
    // One SQLite varint per column: 7 bits a byte, most significant first, the high bit set on
    // every byte but the last.
    std::uint64_t total = 0;
    std::uint64_t value = 0;
    for (std::size_t index = 0; index < size; ++index) {
        value = (value << 7) | (sizes[index] & 0x7f);
        if ((sizes[index] & 0x80) == 0) {
            total += value;
            value = 0;
        }
    }
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(total, UINT32_MAX));
}

}  // namespace dossier::index
