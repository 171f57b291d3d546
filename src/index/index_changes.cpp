#include "index_changes.hpp"

#include <unordered_map>

namespace dossier::index {

StoredFiles load_stored(Database& database) {
    StoredFiles stored;
    auto statement = database.prepare(
        "SELECT client, path, size, mtime, ctime, inode FROM documents INDEXED BY documents_by_path "
        "ORDER BY client, path");
    while (statement.step()) {
        std::string_view client = statement.text(0);
        std::string_view path = statement.text(1);
        StoredFiles::Entry entry{stored.text.size(), client.size(), stored.text.size() + client.size(), path.size(),
                                 FileStat{statement.integer(2), statement.integer(3), statement.integer(4),
                                          statement.integer(5)}};
        stored.text.append(client).append(path);
        stored.entries.push_back(entry);
    }
    return stored;
}

// Hashing the paths of each client costs less than sorting 100,000 paths.
void compare_with_index(const StoredFiles& stored, const std::vector<ScannedFile>& files,
                        std::vector<const ScannedFile*>& changed,
                        std::vector<std::pair<std::string, std::string>>& removed) {
    std::unordered_map<std::string_view, const StoredFiles::Entry*> by_path;
    std::vector<bool> seen(stored.entries.size(), false);
    // The stored entries are in (client, path) order: each client's are one range.
    std::unordered_map<std::string_view, std::pair<std::size_t, std::size_t>> client_ranges;
    for (std::size_t i = 0; i < stored.entries.size();) {
        std::size_t end = i;
        while (end < stored.entries.size() && stored.client(stored.entries[end]) == stored.client(stored.entries[i])) ++end;
        client_ranges.emplace(stored.client(stored.entries[i]), std::make_pair(i, end));
        i = end;
    }
    std::size_t next_file = 0;
    while (next_file < files.size()) {
        std::string_view client = files[next_file].client;
        std::size_t end_file = next_file;
        while (end_file < files.size() && files[end_file].client == client) ++end_file;

        by_path.clear();
        auto range = client_ranges.find(client);
        if (range != client_ranges.end()) {
            by_path.reserve(range->second.second - range->second.first);
            for (std::size_t i = range->second.first; i < range->second.second; ++i) {
                by_path.emplace(stored.path(stored.entries[i]), &stored.entries[i]);
            }
        }
        for (std::size_t i = next_file; i < end_file; ++i) {
            auto found = by_path.find(files[i].path);
            if (found == by_path.end()) {
                changed.push_back(&files[i]);
                continue;
            }
            seen[static_cast<std::size_t>(found->second - stored.entries.data())] = true;
            if (found->second->stat != files[i].stat) changed.push_back(&files[i]);
        }
        next_file = end_file;
    }
    for (std::size_t i = 0; i < stored.entries.size(); ++i) {
        if (!seen[i]) removed.emplace_back(stored.client(stored.entries[i]), stored.path(stored.entries[i]));
    }
}

}  // namespace dossier::index
