// Reading changed documents on worker threads and writing them to the index.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "document_extract.hpp"
#include "dossier/search_index.hpp"
#include "index_scan.hpp"
#include "sqlite.hpp"

namespace dossier::index {

// A document read and prepared by a worker thread, ready to be written to the index.
struct PreparedFile {
    const ScannedFile* file = nullptr;
    std::string blob;  // the Git blob id; empty when the file could not be read
    ExtractedDocument document;
};

enum class WriteOutcome { added, updated, unchanged };

// The statements of one write transaction.
class IndexWriter {
public:
    // `empty_index`: the index contains no document yet, so none is looked up before a write.
    IndexWriter(Database& database, bool empty_index);

    // Writes `prepared` with `stat`, and returns whether the document is new, changed or
    // unchanged (the same blob id: only its stat data is written).
    WriteOutcome write(const PreparedFile& prepared, const FileStat& stat);

    // Removes the document at `path` of `client`; returns true when it was there.
    bool remove(std::string_view client, std::string_view path);

    // Records in doc_tokens the length of every document written or removed, for the ranking
    // function dossier_bm25(). Call it before the transaction is committed.
    void finish();

private:
    Database& database_;
    bool empty_index_;
    Statement find_, insert_document_, update_document_, update_stat_, delete_document_, insert_text_, delete_text_,
        insert_field_, delete_fields_, read_sizes_;
    std::vector<std::pair<std::int64_t, std::uint32_t>> lengths_;  // rowid, tokens (0 when removed)
};

// Returns the current time in nanoseconds since the Unix epoch, as file times count it.
std::int64_t now_ns();

// Reads `files` (inside the client folders of `clients_dir`) on worker threads, a chunk at a
// time, and writes them in order through `writer`. A file changed less than 2 s before
// `refresh_start` is recorded so that the next refresh reads it again. Counts the documents
// added and updated in `summary` and reports progress. Needs a live git::Library.
void write_files(IndexWriter& writer, const std::vector<const ScannedFile*>& files,
                 const std::filesystem::path& clients_dir, std::int64_t refresh_start, RefreshSummary& summary,
                 const IndexProgress& progress);

}  // namespace dossier::index
