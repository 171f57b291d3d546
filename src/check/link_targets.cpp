#include "link_targets.hpp"

#include <algorithm>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "dossier/markdown_import.hpp"
#include "dossier/text.hpp"
#include "dossier/workspace.hpp"
#include "file_cache.hpp"

namespace fs = std::filesystem;

namespace dossier::rules {
namespace {

// The entries of a folder, by name in NFC and by name regardless of case and normalisation.
struct FolderListing {
    struct Entry {
        std::string name;  // as on disk
        bool directory = false;
    };
    std::unordered_map<std::string, Entry> by_name;
    std::unordered_map<std::string, std::string> by_folded_name;  // collision_key → NFC name
    bool readable = false;
};

FolderListing read_listing(const fs::path& folder) {
    FolderListing listing;
    std::error_code error;
    fs::directory_iterator entries(folder, error);
    if (error) return listing;
    listing.readable = true;
    for (; entries != fs::directory_iterator(); entries.increment(error)) {
        if (error) break;
        std::string name = entries->path().filename().string();
        std::string key = nfc_or_bytes(name);
        std::error_code type_error;
        bool directory = entries->is_directory(type_error);
        if (find_invalid_utf8(key) == std::string::npos) {
            // When several names fold to the same key, the smallest is kept, whatever the
            // order in which the system lists them.
            auto [folded, inserted] = listing.by_folded_name.emplace(collision_key(key), key);
            if (!inserted && key < folded->second) folded->second = key;
        }
        listing.by_name.emplace(std::move(key), FolderListing::Entry{std::move(name), directory});
    }
    return listing;
}

// Returns the entries of `folder` from this thread's cache, or nullptr when it is no folder.
const FolderListing* listing_of(const fs::path& folder) {
    thread_local StampedCache<FolderListing> cache;
    auto stat = index::stat_file(folder);
    if (stat.inode == 0) return nullptr;
    const auto& listing = cache.get(folder.string(), stat, [&] { return read_listing(folder); });
    return listing.readable ? &listing : nullptr;
}

}  // namespace

std::string nfc_or_bytes(std::string text) {
    bool ascii =
        std::all_of(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0x80) == 0; });
    return ascii || find_invalid_utf8(text) != std::string::npos ? text : to_nfc(text);
}

DiskMatch match_on_disk(const fs::path& base, const fs::path& relative) {
    DiskMatch match{DiskMatch::Outcome::exact, base, true, {}};
    std::vector<std::string> names;
    for (const auto& part : relative) {
        auto name = part.string();
        if (!name.empty() && name != ".") names.push_back(std::move(name));
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == "..") {
            match.path = match.path.parent_path();
            continue;
        }
        const FolderListing* listing = match.directory ? listing_of(match.path) : nullptr;
        if (listing == nullptr) return {DiskMatch::Outcome::missing, match.path, false, {}};

        auto key = nfc_or_bytes(names[i]);
        auto entry = listing->by_name.find(key);
        if (entry == listing->by_name.end()) {
            auto folded = find_invalid_utf8(key) == std::string::npos ? listing->by_folded_name.find(collision_key(key))
                                                                      : listing->by_folded_name.end();
            if (folded == listing->by_folded_name.end()) {
                bool last = i + 1 == names.size();
                return {DiskMatch::Outcome::missing, match.path, false, last ? key : std::string()};
            }
            entry = listing->by_name.find(folded->second);
            match.outcome = DiskMatch::Outcome::other_case;
        }
        match.path /= entry->second.name;
        match.directory = entry->second.directory;
    }
    return match;
}

std::optional<std::string> closest_name(const fs::path& folder, const std::string& name) {
    const FolderListing* listing = listing_of(folder);
    if (listing == nullptr) return std::nullopt;
    auto extension = fs::path(name).extension().string();
    std::vector<std::string> candidates;
    for (const auto& [key, entry] : listing->by_name) {
        if (fs::path(key).extension().string() == extension) candidates.push_back(key);
    }
    std::sort(candidates.begin(), candidates.end());
    auto matches = closest_matches(name, candidates);
    if (matches.empty()) return std::nullopt;
    return matches.front();
}

std::optional<fs::path> readme_of(const fs::path& folder) {
    const FolderListing* listing = listing_of(folder);
    if (listing == nullptr) return std::nullopt;
    std::optional<std::string> first;
    for (const auto& [key, entry] : listing->by_name) {
        auto stem = fs::path(key).stem().string();
        bool readme = collision_key(stem) == "readme" && is_markdown_file_name(key) && !entry.directory;
        if (readme && (!first || entry.name < *first)) first = entry.name;
    }
    if (!first) return std::nullopt;
    return folder / *first;
}

std::pair<fs::path, fs::path> split_at_common_folder(const fs::path& path, const fs::path& folder) {
    fs::path common;
    auto path_part = path.begin();
    for (auto folder_part = folder.begin(); path_part != path.end() && folder_part != folder.end();
         ++path_part, ++folder_part) {
        if (*path_part != *folder_part) break;
        common /= *path_part;
    }
    fs::path rest;
    for (; path_part != path.end(); ++path_part) rest /= *path_part;
    return {common, rest};
}

bool is_within(const fs::path& path, const fs::path& folder) {
    auto relative = path.lexically_relative(folder);
    return !relative.empty() && *relative.begin() != "..";
}

}  // namespace dossier::rules
