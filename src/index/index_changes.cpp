#include "index_changes.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <set>
#include <string_view>
#include <tuple>
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

namespace {

// Splits "client/inside/path" into its client and the rest. Returns false when a part of the
// path is hidden or it is deeper than a scan reads: a file in a folder 64 levels below the
// client's folder is the deepest that scan_documents finds.
bool split_reported(std::string_view path, std::string_view& client, std::string_view& rest) {
    auto slash = path.find('/');
    client = path.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    int parts = 0;
    for (std::string_view left = path; !left.empty(); ++parts) {
        auto end = left.find('/');
        if (left.front() == '.' || parts > 1 + 64) return false;
        left = end == std::string_view::npos ? std::string_view() : left.substr(end + 1);
    }
    return !client.empty();
}

}  // namespace

void compare_reported(Database& database, const std::vector<Client>& clients, const std::vector<WatchedPath>& paths,
                      std::vector<ScannedFile>& files, std::vector<const ScannedFile*>& changed,
                      std::vector<std::pair<std::string, std::string>>& removed) {
    std::unordered_map<std::string_view, std::size_t> client_index;
    for (std::size_t i = 0; i < clients.size(); ++i) client_index.emplace(clients[i].slug, i);

    std::set<std::pair<std::size_t, std::string>> folders;  // client, prefix "" or ending in '/'
    std::set<std::pair<std::size_t, std::string>> missing;     // files reported that are not documents now
    for (const auto& reported : paths) {
        std::string_view slug;
        std::string_view rest;
        if (!split_reported(reported.path, slug, rest)) continue;
        auto client = client_index.find(slug);
        if (client == client_index.end()) continue;
        if (rest.empty()) {
            folders.emplace(client->second, std::string());
            continue;
        }
        if (reported.folder) folders.emplace(client->second, std::string(rest) + "/");
        // A folder reported may be a file by now, and the reverse: a path is looked at as both.
        if (rest.size() > 3 && rest.ends_with(".md")) {
            struct stat info {};
            const auto file = clients[client->second].directory / rest;
            if (::lstat(file.c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
                files.push_back(ScannedFile{clients[client->second].slug, std::string(rest), to_file_stat(info)});
            } else {
                missing.emplace(client->second, std::string(rest));
            }
        }
    }

    // A folder's documents now, and those the index has under it: the ones not found are missing.
    auto stored_under = database.prepare(
        "SELECT path FROM documents INDEXED BY documents_by_path WHERE client = ?1 AND path >= ?2 AND path < ?3");
    for (const auto& [client, prefix] : folders) {
        auto found = scan_folder(clients, client, prefix);
        std::set<std::string_view> on_disk;
        for (const auto& file : found) on_disk.insert(file.path);
        // Paths under "a/b/" sort from "a/b/" up to "a/b0", '0' following '/'.
        // For a whole client, "\xff" follows every path: UTF-8 has no such byte.
        std::string end = prefix.empty() ? std::string("\xff") : prefix.substr(0, prefix.size() - 1) + "0";
        stored_under.reset();
        stored_under.bind(1, std::string_view(clients[client].slug)).bind(2, std::string_view(prefix)).bind(3, std::string_view(end));
        while (stored_under.step()) {
            if (!on_disk.contains(stored_under.text(0))) missing.emplace(client, std::string(stored_under.text(0)));
        }
        files.insert(files.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    }

    // Each file once, compared with its stored stat data.
    std::sort(files.begin(), files.end(), [](const ScannedFile& a, const ScannedFile& b) {
        return std::tie(a.client, a.path) < std::tie(b.client, b.path);
    });
    files.erase(std::unique(files.begin(), files.end(),
                            [](const ScannedFile& a, const ScannedFile& b) { return a.client == b.client && a.path == b.path; }),
                files.end());
    auto stored = database.prepare(
        "SELECT size, mtime, ctime, inode FROM documents INDEXED BY documents_by_path WHERE client = ?1 AND path = ?2");
    for (const auto& file : files) {
        stored.reset();
        stored.bind(1, file.client).bind(2, std::string_view(file.path));
        if (!stored.step() ||
            FileStat{stored.integer(0), stored.integer(1), stored.integer(2), stored.integer(3)} != file.stat) {
            changed.push_back(&file);
        }
    }
    auto present = database.prepare("SELECT 1 FROM documents INDEXED BY documents_by_path WHERE client = ?1 AND path = ?2");
    for (const auto& [client, path] : missing) {
        if (std::binary_search(files.begin(), files.end(), ScannedFile{clients[client].slug, path, {}},
                               [](const ScannedFile& a, const ScannedFile& b) {
                                   return std::tie(a.client, a.path) < std::tie(b.client, b.path);
                               })) {
            continue;  // reported missing, then found again under a folder read whole
        }
        present.reset();
        present.bind(1, std::string_view(clients[client].slug)).bind(2, std::string_view(path));
        if (present.step()) removed.emplace_back(clients[client].slug, path);
    }
}

}  // namespace dossier::index
