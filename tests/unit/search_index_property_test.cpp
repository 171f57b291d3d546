// Property test of the incremental refresh: after random sequences of creates, edits, renames,
// deletes, commits, checkouts, merges and client changes, with refreshes at random points, the
// index contains exactly what an index built from scratch contains. The same sequences run
// again with a watcher (dossier/index_watcher.hpp), whose reports replace reading every folder.
//
// DOSSIER_PROPERTY_RUNS sets the number of random sequences and DOSSIER_PROPERTY_SEED the
// first seed (default: random). In a debug build on a two-core machine, 20 sequences took 9 to
// 15 s, and 40 took two minutes while other processes kept the disk busy: the index syncs its
// files to disk at every write. A failure prints the seed and the operations of its sequence.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "dossier/index_watcher.hpp"

#include "search_index_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::SearchIndex;
using dossier::SearchResult;
using dossier::Workspace;
using dossier::test::git_ok;
using dossier::test::mtime_of;
using dossier::test::read_bytes;
using dossier::test::reference_of;
using dossier::test::run_git;
using dossier::test::set_mtime;
using dossier::test::write_bytes;

// Words of five ASCII letters, so that swapping one for another keeps a file's size.
const std::vector<std::string> words = {"alpha", "bravo", "delta", "gamma", "kappa", "sigma", "omega",
                                        "tango", "hotel", "lemon", "mango", "peach", "grape", "melon",
                                        "olive", "pizza", "pasta", "bread", "honey", "sugar"};
const std::vector<std::string> folders = {"runbooks", "kb", "contacts", "assets/servers"};
const std::vector<std::string> names = {"a", "b", "c", "d", "e", "f", "g", "h"};
const std::vector<std::string> types = {"runbook", "contact", "kb", "asset"};
const std::vector<std::string> owners = {"alice", "carol", "bobby"};

// Queries whose results must be the same in both indexes: words, a prefix, a phrase, an
// exclusion, OR, and filters on every kind of field.
const std::vector<std::string> probes = {
    "alpha",
    "omega",
    "honey sugar",
    "mang*",
    "\"alpha bravo\"",
    "-alpha",
    "delta OR pizza",
    "type:runbook",
    "owner:alice",
    "tag:lemon",
    "owner:",
    "client:beta",
    "port:>50",
    "reviewed:<2024-03-15",
    "-tag:grape",
    "type:kb melon",
    "client:gamma olive",
    "title:",
    "broken",
};

std::size_t runs_from_environment() {
    const char* text = std::getenv("DOSSIER_PROPERTY_RUNS");
    if (text == nullptr || *text == '\0') return 20;
    return static_cast<std::size_t>(std::strtoul(text, nullptr, 10));
}

std::uint64_t seed_from_environment() {
    const char* text = std::getenv("DOSSIER_PROPERTY_SEED");
    if (text != nullptr && *text != '\0') return std::strtoull(text, nullptr, 10);
    return std::random_device{}();
}

// Writes every field that the comparison covers, one result a line, sorted so that the order
// of results with equal scores does not matter.
std::string describe(const std::vector<SearchResult>& results) {
    std::vector<std::string> lines;
    for (const auto& result : results) {
        std::string highlights;
        for (const auto& [begin, end] : result.highlights) highlights += fmt::format("{}-{},", begin, end);
        lines.push_back(fmt::format("{} | {} | {} | {} | {} | {:.9g} | {} | {}", reference_of(result), result.type,
                                    result.title, result.owner, result.problem, result.score, result.snippet,
                                    highlights));
    }
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out;
}

// One random sequence in its own workspace, with a log of what it did.
class RandomSequence : public dossier::test::SearchIndexFixture {
public:
    // With `watched`, a watcher runs in a thread of this process for the whole sequence.
    RandomSequence(std::uint64_t seed, bool watched) : random_(seed) {
        for (const auto& slug : {"acme", "beta"}) branches_[slug] = current_branch(slug);
        if (watched) {
            watcher_.emplace(workspace());
            watching_ = std::thread([this] { watcher_->run(false); });
        }
    }
    ~RandomSequence() {
        if (watching_.joinable()) {
            dossier::stop_index_watcher(workspace());
            watching_.join();
        }
    }
    RandomSequence(const RandomSequence&) = delete;
    RandomSequence& operator=(const RandomSequence&) = delete;

    std::string log;

    // Runs the sequence and compares the indexes halfway and at the end. Returns false when
    // they differed.
    bool run() {
        std::size_t operations = pick(10, 40);
        bool same = true;
        for (std::size_t i = 0; i < operations; ++i) {
            step();
            if (i + 1 == operations / 2) same = compare_with_copy("middle") && same;
        }
        refresh();
        same = compare_with_copy("end") && same;
        same = compare_with_rebuild() && same;
        return same;
    }

private:
    std::mt19937_64 random_;
    std::map<std::string, std::string> branches_;  // client slug to its branch
    int branch_count_ = 0;
    // An index kept open across refreshes, as a long-running program would keep it. It is
    // opened again when the clients change: an open index does not see a new client (see the
    // test "open index sees a client added later").
    std::optional<SearchIndex> open_index_;
    std::optional<dossier::IndexWatcher> watcher_;
    std::thread watching_;

    std::size_t pick(std::size_t low, std::size_t high) {
        return std::uniform_int_distribution<std::size_t>(low, high)(random_);
    }
    template <typename T>
    const T& pick_from(const std::vector<T>& items) {
        return items[pick(0, items.size() - 1)];
    }
    bool chance(int percent) { return pick(1, 100) <= static_cast<std::size_t>(percent); }

    std::vector<std::string> clients() const {
        std::vector<std::string> slugs;
        for (const auto& [slug, branch] : branches_) slugs.push_back(slug);
        return slugs;
    }

    std::string current_branch(const std::string& slug) {
        std::string name = git_ok(client_dir(slug), "symbolic-ref --short HEAD");
        return name.substr(0, name.find('\n'));
    }

    // Returns the documents of `slug` on disk as paths inside the client, client.md excepted.
    std::vector<std::string> documents_of(const std::string& slug) const {
        std::vector<std::string> paths;
        auto base = client_dir(slug);
        for (auto it = fs::recursive_directory_iterator(base); it != fs::recursive_directory_iterator(); ++it) {
            if (it->path().filename().string().starts_with('.')) {
                if (it->is_directory()) it.disable_recursion_pending();
                continue;
            }
            auto relative = fs::relative(it->path(), base).generic_string();
            if (it->is_regular_file() && relative.ends_with(".md") && relative != "client.md") {
                paths.push_back(relative);
            }
        }
        std::sort(paths.begin(), paths.end());
        return paths;
    }

    std::string random_path() { return pick_from(folders) + "/" + pick_from(names) + ".md"; }

    std::string random_words(std::size_t count) {
        std::string text;
        for (std::size_t i = 0; i < count; ++i) text += (i == 0 ? "" : " ") + pick_from(words);
        return text;
    }

    std::string random_document() {
        if (chance(5)) return "---\ntitle: [broken\n---\nbroken " + random_words(pick(1, 8)) + "\n";
        if (chance(5)) return "# " + random_words(2) + "\n\n" + random_words(pick(1, 20)) + "\n";
        std::string text = "---\ntype: " + pick_from(types) + "\ntitle: " + random_words(pick(1, 3)) + "\n";
        if (chance(70)) text += "owner: " + pick_from(owners) + "\n";
        if (chance(70)) text += "tags: [" + pick_from(words) + ", " + pick_from(words) + "]\n";
        text += fmt::format("reviewed: 2024-0{}-1{}\nport: {}\n", pick(1, 6), pick(0, 9), pick(10, 99));
        text += "---\n# " + random_words(2) + "\n\n" + random_words(pick(1, 40)) + "\n";
        return text;
    }

    void write_document(const std::string& slug, const std::string& path, const std::string& bytes) {
        write(slug, path, bytes);
        log += fmt::format("write {}/{} ({} bytes)\n", slug, path, bytes.size());
    }

    // Swaps one word for another of the same length, so that only the content changes.
    void edit_same_size(const std::string& slug, const std::string& path) {
        std::string text = read_bytes(client_dir(slug) / path);
        for (std::size_t attempt = 0; attempt < 20; ++attempt) {
            const std::string& old_word = pick_from(words);
            auto at = text.find(old_word);
            if (at == std::string::npos) continue;
            std::string new_word = pick_from(words);
            if (new_word == old_word) continue;
            text.replace(at, old_word.size(), new_word);
            write(slug, path, text);
            log += fmt::format("same-size edit {}/{}: {} to {}\n", slug, path, old_word, new_word);
            return;
        }
        log += fmt::format("same-size edit {}/{}: no word to swap\n", slug, path);
    }

    // Refreshes with a new index object, as a command does, or with the one kept open.
    void refresh() {
        bool reuse = chance(50);
        if (reuse && !open_index_) open_index_.emplace(workspace());
        auto summary = reuse ? open_index_->refresh() : SearchIndex(workspace()).refresh();
        log += fmt::format("refresh{}: {} documents, {} added, {} updated, {} removed\n",
                           reuse ? " of the open index" : "", summary.documents, summary.added, summary.updated,
                           summary.removed);
    }

    void commit(const std::string& slug, const std::string& message) {
        git_ok(client_dir(slug), "add -A");
        git_ok(client_dir(slug), "commit -q --allow-empty -m '" + message + "'");
        log += fmt::format("git commit in {}\n", slug);
    }

    // A few plain changes to the documents of one client.
    void plain_changes(const std::string& slug, std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) {
            auto documents = documents_of(slug);
            if (documents.empty() || chance(40)) {
                write_document(slug, random_path(), random_document());
            } else if (chance(50)) {
                edit_same_size(slug, pick_from(documents));
            } else {
                write_document(slug, pick_from(documents), random_document());
            }
        }
    }

    // Renames one folder of documents to another name that the sequence may use later.
    void rename_folder(const std::string& slug) {
        const std::string& from = pick_from(folders);
        const std::string& to = pick_from(folders);
        if (from == to || !fs::exists(client_dir(slug) / from) || fs::exists(client_dir(slug) / to)) return;
        fs::create_directories((client_dir(slug) / to).parent_path());
        fs::rename(client_dir(slug) / from, client_dir(slug) / to);
        log += fmt::format("rename folder {}/{} to {}/{}\n", slug, from, slug, to);
    }

    void checkout_older_and_back(const std::string& slug) {
        commit(slug, "Before checkout");
        int count = std::stoi(git_ok(client_dir(slug), "rev-list --count --first-parent HEAD"));
        if (count < 2) return;
        std::size_t back = pick(1, static_cast<std::size_t>(count - 1));
        git_ok(client_dir(slug), fmt::format("checkout -q HEAD~{}", back));
        log += fmt::format("git checkout HEAD~{} in {}\n", back, slug);
        if (chance(50)) refresh();
        plain_changes(slug, pick(0, 2));
        if (chance(50)) refresh();
        git_ok(client_dir(slug), "checkout -q -f " + branches_[slug]);
        log += fmt::format("git checkout -f {} in {}\n", branches_[slug], slug);
    }

    void merge_branch(const std::string& slug) {
        commit(slug, "Before branch");
        std::string branch = fmt::format("topic-{}", ++branch_count_);
        git_ok(client_dir(slug), "checkout -q -b " + branch);
        log += fmt::format("git checkout -b {} in {}\n", branch, slug);
        plain_changes(slug, pick(1, 3));
        commit(slug, "On the branch");
        if (chance(50)) refresh();
        git_ok(client_dir(slug), "checkout -q " + branches_[slug]);
        log += fmt::format("git checkout {} in {}\n", branches_[slug], slug);
        plain_changes(slug, pick(0, 2));
        commit(slug, "On the main branch");
        if (chance(50)) refresh();
        auto [status, output] = run_git(client_dir(slug), "merge -q --no-edit " + branch);
        if (status != 0) {
            run_git(client_dir(slug), "merge --abort");
            log += fmt::format("git merge {} in {}: conflict, aborted\n", branch, slug);
        } else {
            log += fmt::format("git merge {} in {}\n", branch, slug);
        }
    }

    void step() {
        auto slugs = clients();
        const std::string slug = pick_from(slugs);
        auto documents = documents_of(slug);
        std::size_t roll = pick(1, 100);

        if (roll <= 20 || documents.empty()) {
            write_document(slug, random_path(), random_document());
        } else if (roll <= 33) {
            write_document(slug, pick_from(documents), random_document());
        } else if (roll <= 48) {
            edit_same_size(slug, pick_from(documents));
        } else if (roll <= 56) {
            const std::string& from = pick_from(documents);
            const std::string to_client = pick_from(slugs);
            const std::string to = random_path();
            if (fs::exists(client_dir(to_client) / to)) return;
            fs::create_directories((client_dir(to_client) / to).parent_path());
            fs::rename(client_dir(slug) / from, client_dir(to_client) / to);
            log += fmt::format("rename {}/{} to {}/{}\n", slug, from, to_client, to);
        } else if (roll <= 63) {
            const std::string& path = pick_from(documents);
            fs::remove(client_dir(slug) / path);
            log += fmt::format("delete {}/{}\n", slug, path);
        } else if (roll <= 65) {
            rename_folder(slug);
        } else if (roll <= 67) {
            const std::string& path = pick_from(documents);
            auto time = mtime_of(client_dir(slug) / path);
            time.tv_sec += 1;
            set_mtime(client_dir(slug) / path, time);
            log += fmt::format("touch {}/{}\n", slug, path);
        } else if (roll <= 71) {
            commit(slug, "Change");
        } else if (roll <= 75) {
            checkout_older_and_back(slug);
        } else if (roll <= 79) {
            merge_branch(slug);
        } else if (roll <= 82) {
            open_index_.reset();
            if (branches_.contains("gamma")) {
                fs::remove_all(client_dir("gamma"));
                branches_.erase("gamma");
                log += "remove client gamma\n";
            } else {
                add_client("Gamma", "gamma");
                branches_["gamma"] = current_branch("gamma");
                log += "add client gamma\n";
            }
        } else {
            refresh();
        }
    }

    // Returns the list of all documents and the results of every probe in `index`.
    static std::string snapshot(SearchIndex& index) {
        std::string out = "all documents:\n" + describe(index.search({}, 0));
        for (const auto& probe : probes) out += probe + ":\n" + describe(index.search(parse(index, probe), 0));
        return out;
    }

    // Compares the refreshed index with one built from scratch in a copy of the workspace.
    bool compare_with_copy(const std::string& moment) {
        fs::path copy = root().parent_path() / "copy";
        fs::remove_all(copy);
        // Without .dossier, which contains the index and the watcher's socket.
        fs::create_directories(copy);
        for (const auto& entry : fs::directory_iterator(root())) {
            if (entry.path().filename() == ".dossier") continue;
            fs::copy(entry.path(), copy / entry.path().filename(),
                     fs::copy_options::recursive | fs::copy_options::copy_symlinks);
        }

        SearchIndex refreshed(workspace());
        refreshed.refresh();
        SearchIndex built(Workspace::open(copy));
        built.rebuild();

        std::string incremental = snapshot(refreshed);
        std::string from_scratch = snapshot(built);
        fs::remove_all(copy);
        log += "compare with a build of a copy\n";
        INFO("compared at the ", moment, " of the sequence");
        CHECK(incremental == from_scratch);
        return incremental == from_scratch;
    }

    bool compare_with_rebuild() {
        SearchIndex refreshed(workspace());
        refreshed.refresh();
        std::string incremental = snapshot(refreshed);
        SearchIndex built(workspace());
        built.rebuild();
        std::string from_scratch = snapshot(built);
        log += "compare with rebuild()\n";

        INFO("compared with rebuild()");
        CHECK(incremental == from_scratch);
        return incremental == from_scratch;
    }
};

}  // namespace

void run_sequences(bool watched) {
    std::size_t runs = runs_from_environment();
    std::uint64_t first_seed = seed_from_environment();
    for (std::size_t run = 0; run < runs; ++run) {
        std::uint64_t seed = first_seed + run;
        INFO("seed ", seed, ": DOSSIER_PROPERTY_SEED=", seed, " DOSSIER_PROPERTY_RUNS=1 repeats this sequence");
        RandomSequence sequence(seed, watched);
        INFO("operations:\n", sequence.log);
        // Stop at the first sequence that fails: its seed and log are what a reader needs.
        if (!sequence.run()) break;
    }
}

TEST_SUITE("property") {
    TEST_CASE("incremental refresh equals a fresh build after random changes") { run_sequences(false); }

    TEST_CASE("refresh with a watcher equals a fresh build after random changes") { run_sequences(true); }
}
