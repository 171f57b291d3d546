// Reading files and replacing them atomically.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/stat.h>

namespace dossier {

// Returns the bytes of `path`. Throws Error(not_found) when it does not exist and
// Error(io) when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// Replaces `path` with `bytes`: writes a temporary file in the same folder, flushes it to
// disk, renames it over `path` and flushes the folder, so a crash leaves either the old
// file or the new one. An existing file keeps its permissions; a new one gets 0666 less
// the umask. Creates missing parent folders. Throws Error(io) and removes the temporary
// file on failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// Replaces each file of `files` (path, bytes) as write_file_atomically does, flushing the file
// system once for all of them instead of once per file. A crash leaves each file either old or
// new. Throws Error(io) and removes the temporary files not yet renamed on failure; files
// renamed before the failure stay replaced. When `written` is given, it receives the lstat of
// each file as written, in the order of `files`.
void write_files_atomically(const std::vector<std::pair<std::filesystem::path, std::string_view>>& files,
                            std::vector<struct stat>* written = nullptr);

// Removes the temporary files that a killed process left in `folder` and its subfolders while
// it ran write_files_atomically, those modified at `since` or later. Skips folders whose name
// starts with a dot and folders of other Git repositories, and does not follow symbolic
// links. Files that cannot be removed, or read, stay.
void remove_temporary_files(const std::filesystem::path& folder, std::chrono::system_clock::time_point since);

}  // namespace dossier
