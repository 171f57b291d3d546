// The search index: .dossier/index.sqlite, a rebuildable cache of every client's documents.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dossier/search_query.hpp"
#include "dossier/workspace.hpp"

namespace dossier {

// The version of the index's tables and tokenizer. An index of another version is rebuilt.
inline constexpr int search_index_format = 4;

// One document found by a search or a listing.
struct SearchResult {
    std::string client;
    std::string path;     // inside the client repository, with .md
    std::string type;
    std::string title;    // the front matter's title; may be empty
    std::string owner;
    std::string problem;  // why the document could not be read, when it could not
    std::string snippet;  // text around the matching words, on one line; empty for listings
    // Byte ranges [begin, end) of `snippet` that contain matching words.
    std::vector<std::pair<std::size_t, std::size_t>> highlights;
    double score = 0;     // BM25 relevance, higher is better; 0 for listings

    // Returns the document's reference: client/path without .md.
    std::string reference() const { return client + "/" + path.substr(0, path.size() - 3); }
};

// The reason a command built the index from scratch, if it did.
enum class RebuildReason { none, created, requested, format_changed, damaged };

struct RefreshSummary {
    std::size_t documents = 0;  // documents in the index after the refresh
    std::size_t added = 0;
    std::size_t updated = 0;
    std::size_t removed = 0;
    RebuildReason rebuilt = RebuildReason::none;
    std::string damage;  // what was wrong with the old index, for RebuildReason::damaged
};

// Called while documents are read, with the number read and the number to read.
using IndexProgress = std::function<void(std::size_t done, std::size_t total)>;

class SearchIndex {
public:
    // Opens the index of `workspace` at .dossier/index.sqlite without reading it yet. Each
    // refresh lists the workspace's clients again.
    explicit SearchIndex(const Workspace& workspace);
    ~SearchIndex();
    SearchIndex(SearchIndex&&) noexcept;
    SearchIndex& operator=(SearchIndex&&) noexcept;

    // Brings the index up to date with the files of every client: reads again only the files
    // whose size, times or inode changed (and whose Git blob id then differs), removes the
    // documents of deleted files and clients. Builds the index from scratch when it is missing,
    // of another format, changed outside dossier or damaged, and records the reason in the summary.
    // Throws Error(io) when .dossier/ cannot be written.
    RefreshSummary refresh(const IndexProgress& progress = {});

    // Opens the index as it is, without looking at the files: fast, but it misses changes made
    // outside dossier since the last refresh. Builds it when it is missing or cannot be trusted,
    // as refresh() does.
    RefreshSummary open_cached(const IndexProgress& progress = {});

    // Builds the index from scratch into a new file that replaces the old one when complete.
    RefreshSummary rebuild(const IndexProgress& progress = {});

    // Returns up to `limit` documents (0: all) that match `query`, best first, or sorted by
    // client and path when the query has no words. Uses the index as it is: call refresh()
    // first for current results. A damaged index is rebuilt and the search run again; the
    // returned summary records it.
    std::vector<SearchResult> search(const SearchQuery& query, std::size_t limit, RefreshSummary* rebuilt = nullptr);

    // Returns true when some indexed document has the top-level front-matter key `name`.
    bool has_field(std::string_view name);

    const std::filesystem::path& path() const noexcept;

private:
    struct State;
    RefreshSummary update(const IndexProgress& progress);
    RefreshSummary build_locked(const IndexProgress& progress);
    std::optional<RefreshSummary> open_verified(const IndexProgress& progress);
    std::unique_ptr<State> state_;
};

// The SQLite library in use and whether it has FTS5, for `dossier version --verbose`.
struct SearchEngineInfo {
    std::string sqlite_version;
    bool fts5 = false;
};
SearchEngineInfo search_engine_info();

// Path of the index file of the workspace at `root`.
std::filesystem::path search_index_path(const std::filesystem::path& workspace_root);

}  // namespace dossier
