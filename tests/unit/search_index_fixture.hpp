// A workspace with two clients for tests of the search index, and helpers that search it the
// way a command does: refresh, then parse the query with the index's fields, then search.
#pragma once

#include <doctest/doctest.h>
#include <fcntl.h>
#include <git2.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/git_repository.hpp"
#include "dossier/search_index.hpp"
#include "dossier/search_query.hpp"
#include "dossier/workspace.hpp"
#include "temporary_folder.hpp"

namespace dossier::test {

namespace fs = std::filesystem;

inline const git::Signature index_test_author{"Alice Martin", "alice@example.com"};

inline void write_bytes(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
    REQUIRE(out.good());
}

inline std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

// Returns "client/path" without ".md", as users write references.
inline std::string reference_of(const SearchResult& result) {
    return result.client + "/" + result.path.substr(0, result.path.size() - 3);
}

// Returns the references of `results` sorted and joined by spaces.
inline std::string sorted_references(const std::vector<SearchResult>& results) {
    std::vector<std::string> references;
    for (const auto& result : results) references.push_back(reference_of(result));
    std::sort(references.begin(), references.end());
    std::string out;
    for (const auto& reference : references) out += (out.empty() ? "" : " ") + reference;
    return out;
}

// Returns the references of `results` in their order, joined by spaces.
inline std::string ordered_references(const std::vector<SearchResult>& results) {
    std::string out;
    for (const auto& result : results) out += (out.empty() ? "" : " ") + reference_of(result);
    return out;
}

// Runs `git -C directory arguments` with a fixed identity, no system or global configuration
// and `main` as the first branch. Returns the exit status and standard output.
inline std::pair<int, std::string> run_git(const fs::path& directory, const std::string& arguments) {
    std::string quoted = "'";
    for (char c : directory.string()) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    quoted += "'";
    std::string command = "GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git -C " + quoted +
                          " -c user.name='Bob Durand' -c user.email=bob@example.com -c init.defaultBranch=main "
                          "-c advice.detachedHead=false " +
                          arguments + " 2>/dev/null";
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string output;
    char buffer[4096];
    std::size_t count = 0;
    while ((count = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, count);
    int status = pclose(pipe);
    return {status, output};
}

// Runs a git command that must succeed.
inline std::string git_ok(const fs::path& directory, const std::string& arguments) {
    auto [status, output] = run_git(directory, arguments);
    INFO("git " << arguments << " in " << directory.string());
    REQUIRE(status == 0);
    return output;
}

// Sets the modification time of `path`, leaving its access time.
inline void set_mtime(const fs::path& path, const struct timespec& mtime) {
    struct timespec times[2] = {{0, UTIME_OMIT}, mtime};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

inline struct timespec mtime_of(const fs::path& path) {
    struct stat info {};
    REQUIRE(::lstat(path.c_str(), &info) == 0);
    return info.st_mtim;
}

// Points libgit2's global and system configuration at an empty folder, so that the tester's
// ~/.gitconfig changes nothing, and creates the workspace msp/ with the clients acme and beta.
// Their client.md files are replaced by a short one, so that only the documents a test writes
// hold words.
class SearchIndexFixture {
public:
    SearchIndexFixture() {
        fs::create_directories(config_home_.path() / "empty");
        std::string empty = (config_home_.path() / "empty").string();
        for (int level :
             {GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_PROGRAMDATA}) {
            git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, empty.c_str());
        }
        REQUIRE(Workspace::init(root(), "en", index_test_author) == InitOutcome::created);
        add_client("Acme", "acme");
        add_client("Beta", "beta");
    }
    ~SearchIndexFixture() {
        for (int level :
             {GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_PROGRAMDATA}) {
            git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, nullptr);
        }
    }
    SearchIndexFixture(const SearchIndexFixture&) = delete;
    SearchIndexFixture& operator=(const SearchIndexFixture&) = delete;

protected:
    git::Library library_;
    TemporaryFolder config_home_{"index-config"};
    TemporaryFolder sandbox_{"index"};

    fs::path root() const { return sandbox_.path() / "msp"; }
    fs::path client_dir(const std::string& slug) const { return root() / "clients" / slug; }
    fs::path index_file() const { return search_index_path(root()); }
    fs::path stamp_file() const { return root() / ".dossier" / "index.stamp"; }
    Workspace workspace() const { return Workspace::open(root()); }

    // Creates the client with libgit2, as `dossier client add` does, with a short client.md.
    void add_client(const std::string& name, const std::string& slug) {
        workspace().add_client(name, slug, "en", index_test_author, "2026-03-15");
        write(slug, "client.md", "---\ntype: client\ntitle: " + name + "\n---\n");
    }

    void write(const std::string& slug, const std::string& path, const std::string& bytes) const {
        write_bytes(client_dir(slug) / path, bytes);
    }

    void remove(const std::string& slug, const std::string& path) const {
        REQUIRE(fs::remove(client_dir(slug) / path));
    }

    // Parses `text` with the fields of `index`, as the search command does.
    static SearchQuery parse(SearchIndex& index, std::string_view text) {
        return parse_search_query(text, [&index](std::string_view name) { return index.has_field(name); });
    }

    // Refreshes the index with a new SearchIndex, as a command does, and searches it.
    std::vector<SearchResult> search(std::string_view text, std::size_t limit = 0) const {
        SearchIndex index(workspace());
        index.refresh();
        return index.search(parse(index, text), limit);
    }

    // Returns the sorted references of the documents that `text` finds.
    std::string found(std::string_view text) const { return sorted_references(search(text)); }

    // Returns the references of the documents that `text` finds, best first.
    std::string ranked(std::string_view text) const { return ordered_references(search(text)); }

    // Returns every document of the index: a search with no words and no filters.
    std::string all_documents() const { return sorted_references(search("")); }
};

}  // namespace dossier::test
