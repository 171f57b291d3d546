// A per-thread cache of what the rules derive from files and folders, revalidated by their stat data.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <utility>

#include "../index/index_scan.hpp"

namespace dossier::rules {

// Values derived from files or folders, such as a Markdown file's heading anchors or a folder's
// entries, kept while the stat data of the file (index::stat_file: size, times, inode) stays
// the same. A folder's modification time changes when an entry is added, removed or renamed.
//
// Each thread of `dossier check` owns its caches (thread_local), so the caller's thread keeps
// its entries from one run to the next in the same process. The stat comparison keeps those
// entries from going stale. A file changed twice within one timestamp tick keeps its stat
// data, so an entry whose file changed less than `racy_window` before it was read is read
// again at each lookup, as the search index and Git do with such "racy" entries.
// NOTE: index::stat_file does not follow symbolic links, so a change behind a link to a file
// goes unnoticed by a later run in the same process.
template <typename T>
class StampedCache {
public:
    static constexpr std::int64_t racy_window_ns = 2'000'000'000;

    // Returns the value for `path`, whose current stat data is `stat`, calling `load()` when no
    // entry can be trusted. The reference stays valid until the next call for the same path.
    template <typename Load>
    const T& get(const std::string& path, const index::FileStat& stat, Load&& load) {
        auto found = entries_.find(path);
        if (found != entries_.end() && found->second.stat == stat && !found->second.racy) return found->second.value;

        auto now =
            std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        bool racy = stat.mtime_ns >= now - racy_window_ns || stat.ctime_ns >= now - racy_window_ns;
        Entry entry{stat, racy, load()};
        if (found != entries_.end()) {
            found->second = std::move(entry);
            return found->second.value;
        }
        return entries_.emplace(path, std::move(entry)).first->second.value;
    }

private:
    struct Entry {
        index::FileStat stat;
        bool racy = false;
        T value;
    };
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace dossier::rules
