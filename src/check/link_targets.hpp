// Matching link targets and related entries to files on disk, with their exact letter case.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>

namespace dossier::rules {

// Returns `text` in NFC, or as it is when it is ASCII (the common case, already in NFC) or
// not UTF-8.
std::string nfc_or_bytes(std::string text);

// The outcome of matching a path on disk.
struct DiskMatch {
    enum class Outcome { exact, other_case, missing };
    Outcome outcome = Outcome::missing;
    std::filesystem::path path;  // on disk, as far as it was found; for a missing name, its folder
    bool directory = false;
    std::string missing_name;  // the name not found in `path`, when it is the last one
};

// Follows `relative` from the existing folder `base`, one name at a time: each name must
// match an entry of its folder exactly (in NFC), else regardless of case, which gives
// other_case. Reading the folders, rather than asking the file system for the path, gives
// the same outcome on case-insensitive file systems. Folders are read through a per-thread
// cache (file_cache.hpp).
DiskMatch match_on_disk(const std::filesystem::path& base, const std::filesystem::path& relative);

// Returns the name in `folder` closest to `name` with the same extension, for "did you mean",
// or nullopt.
std::optional<std::string> closest_name(const std::filesystem::path& folder, const std::string& name);

// Returns the README of `folder` (README.md, readme.markdown…), whose headings a link to the
// folder with a fragment points at, as on a Git host, or nullopt.
std::optional<std::filesystem::path> readme_of(const std::filesystem::path& folder);

// Splits `path` into the longest prefix that is also a prefix of `folder` and the rest, so
// that a target is matched on disk from the nearest folder known to exist.
std::pair<std::filesystem::path, std::filesystem::path> split_at_common_folder(const std::filesystem::path& path,
                                                                               const std::filesystem::path& folder);

// Returns true when the normalised `path` is `folder` or inside it.
bool is_within(const std::filesystem::path& path, const std::filesystem::path& folder);

}  // namespace dossier::rules
