// Listing the documents of every client on disk, with the file data that shows a change.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/workspace.hpp"

struct stat;

namespace dossier::index {

// The file data that the index compares to find whether a file changed since it was read.
struct FileStat {
    std::int64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::int64_t ctime_ns = 0;
    std::int64_t inode = 0;

    bool operator==(const FileStat&) const = default;
};

struct ScannedFile {
    std::string_view client;  // the slug of one of the clients given to scan_documents
    std::string path;  // inside the client repository, '/' separated
    FileStat stat;
};

// Returns every document of `clients`, grouped by client in the order of `clients`, in no
// particular order inside a client: files ending in .md, neither hidden nor under a hidden
// folder (.git), not symbolic links, as `list_documents` finds them. Two threads share the
// folders of every client. Folders that cannot be read are skipped.
std::vector<ScannedFile> scan_documents(const std::vector<Client>& clients);

// Returns the documents under the folder `prefix` ("" or ending in '/') of `clients[client]`,
// found as scan_documents finds them, with one thread. Returns none when it is not a folder.
std::vector<ScannedFile> scan_folder(const std::vector<Client>& clients, std::size_t client, const std::string& prefix);

// Returns the part of `info` that the index compares.
FileStat to_file_stat(const struct stat& info);

// Returns the stat data of the file at `path`, or a zero FileStat when it cannot be read.
FileStat stat_file(const std::filesystem::path& path);

}  // namespace dossier::index
