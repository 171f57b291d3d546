// Comparing the files on disk with the documents of the index.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "index_scan.hpp"
#include "sqlite.hpp"
#include "watch_protocol.hpp"

namespace dossier::index {

// The documents of the index with their stat data, in (client, path) order. Their text lives
// in one buffer, which makes reading 100,000 of them cheap.
struct StoredFiles {
    struct Entry {
        std::size_t client_begin, client_size, path_begin, path_size;
        FileStat stat;
    };
    std::string text;
    std::vector<Entry> entries;

    std::string_view client(const Entry& entry) const { return {text.data() + entry.client_begin, entry.client_size}; }
    std::string_view path(const Entry& entry) const { return {text.data() + entry.path_begin, entry.path_size}; }
};

// Reads the documents of the index with their stat data. Throws SqliteError.
StoredFiles load_stored(Database& database);

// Compares `files` (grouped by client, as scan_documents returns them) with `stored`, and
// adds the files to read again to `changed` and the (client, path) of documents whose file is
// gone to `removed`.
void compare_with_index(const StoredFiles& stored, const std::vector<ScannedFile>& files,
                        std::vector<const ScannedFile*>& changed,
                        std::vector<std::pair<std::string, std::string>>& removed);

// Compares the paths that the watcher reported with the index, as compare_with_index does
// for every file: a file reported is looked at, and a folder reported is read whole. Puts the
// files looked at in `files`, and pointers to those to read again in `changed`. Paths outside
// `clients` or hidden are not documents and are left out.
void compare_reported(Database& database, const std::vector<Client>& clients, const std::vector<WatchedPath>& paths,
                      std::vector<ScannedFile>& files, std::vector<const ScannedFile*>& changed,
                      std::vector<std::pair<std::string, std::string>>& removed);

}  // namespace dossier::index
