// Crash tests: dossier killed with SIGKILL at random moments of commits (set, new, mv), CSV
// imports, re-encryptions (access grant and revoke) and search index builds and refreshes,
// 200 kills in all. After each kill, the repository must pass `git fsck --strict` and each
// file must contain its old or its new bytes. The next command must then work without repair.
//
// Each case first times one run that is not killed, then draws each kill's delay uniformly
// from zero to that time, with a seed that the output prints. DOSSIER_CRASH_SEED=N replays one.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "sandbox.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ProcessResult;
using dossier::e2e::Sandbox;
using std::chrono::microseconds;

constexpr std::uint64_t default_seed = 20260315;

// Returns DOSSIER_CRASH_SEED when it is set, else default_seed.
std::uint64_t crash_seed() {
    const char* text = std::getenv("DOSSIER_CRASH_SEED");
    if (text == nullptr || *text == '\0') return default_seed;
    return std::stoull(text);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::optional<std::string> read_if_present(const fs::path& path) {
    std::error_code error;
    if (!fs::exists(path, error)) return std::nullopt;
    return Sandbox::read_file(path);
}

// Returns `text` with its first `from` replaced by `to`. Fails the test when `from` is absent.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    INFO("expected to find: ", from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

std::string describe(const std::optional<std::string>& bytes) {
    if (!bytes) return "(absent)";
    return std::to_string(bytes->size()) + " bytes:\n" + *bytes;
}

// The contents a file may have after a kill: its bytes before the command, or those that the
// command writes. nullopt is an absent file.
struct ExpectedFile {
    std::string path;  // relative to the client repository
    std::optional<std::string> before;
    std::optional<std::string> after;
};

std::string document(const std::string& type, const std::string& title, const std::string& body) {
    return "---\ntype: " + type + "\ntitle: " + title + "\nowner: o0\n---\n# " + title + "\n\n" + body;
}

// A workspace with the client acme and helpers to kill dossier and check what it left.
class CrashSandbox : public Sandbox {
public:
    CrashSandbox() : seed(crash_seed()), random(seed) {
        environment["DOSSIER_TEST_SCRYPT_WORK_FACTOR"] = "10";
        init_workspace();
        REQUIRE(add_client("Acme") == "acme");
        commit_document("acme", "runbooks/probe.md", document("runbook", "Probe", "Committed after each kill.\n"));
        MESSAGE("crash test seed " << seed << " (set DOSSIER_CRASH_SEED to replay another)");
    }

    fs::path acme() const { return client_dir("acme"); }

    // Runs dossier with `arguments` to the end, fails the test unless it succeeds, and returns
    // how long it took.
    microseconds timed_run(const std::vector<std::string>& arguments) {
        auto started = std::chrono::steady_clock::now();
        auto result = dossier(arguments);
        auto took = std::chrono::duration_cast<microseconds>(std::chrono::steady_clock::now() - started);
        INFO("dossier ", arguments.front(), ": ", result.err);
        REQUIRE(result.exit_status == 0);
        return took;
    }

    // Runs dossier with `arguments` and kills it after a delay drawn from [0, `longest`].
    ProcessResult run_killed(const std::vector<std::string>& arguments, microseconds longest) {
        std::uniform_int_distribution<std::int64_t> delays(0, longest.count());
        last_delay = microseconds(delays(random));
        ++kills;
        std::vector<std::string> command{DOSSIER_BINARY};
        command.insert(command.end(), arguments.begin(), arguments.end());
        return dossier::e2e::run_process_killed_after(command, environment, workspace(), last_delay);
    }

    // Checks that `repository` passes `git fsck --strict` without a word on standard error.
    void check_repository(const fs::path& repository) const {
        auto result = fsck(repository);
        INFO("git fsck: ", result.err);
        CHECK(result.exit_status == 0);
        CHECK(result.err == "");
    }

    // Checks that each file contains its old or its new bytes.
    static void check_files(const fs::path& repository, const std::vector<ExpectedFile>& files) {
        for (const auto& file : files) {
            auto now = read_if_present(repository / file.path);
            INFO(file.path, " holds ", describe(now));
            CHECK((now == file.before || now == file.after));
        }
    }

    // Checks that a commit works now: `set` on the probe runbook of `client` must succeed, and
    // leave the index as HEAD, since dossier stages nothing that it does not commit. Counts
    // before what the kill left for that command to clean up.
    void check_next_commit(const std::string& client) {
        auto repository = client_dir(client);
        std::error_code error;
        if (fs::exists(repository / ".git/index.lock", error) || fs::exists(repository / ".git/refs/heads/main.lock", error)) {
            ++left_lock_files;
        }
        if (!git_output(repository, {"diff", "--cached", "--name-only"}).empty()) ++left_stale_index;
        if (!temporary_files(repository).empty()) ++left_temporary_files;

        ++probe_count;
        auto result = dossier({"set", client + "/runbooks/probe", "owner=p" + std::to_string(probe_count)});
        INFO("dossier set after the kill: ", result.err);
        CHECK(result.exit_status == 0);
        CHECK(git_output(repository, {"diff", "--cached", "--name-only"}) == "");
        auto left = temporary_files(repository);
        INFO("first temporary file left: ", left.empty() ? std::string() : left.front());
        CHECK(left.size() == 0);
    }

    // Returns the paths of the working tree's files named like dossier's temporary files.
    static std::vector<std::string> temporary_files(const fs::path& repository) {
        std::vector<std::string> found;
        for (auto entry = fs::recursive_directory_iterator(repository); entry != fs::recursive_directory_iterator(); ++entry) {
            if (entry->path().filename() == ".git") {
                entry.disable_recursion_pending();
                continue;
            }
            if (contains(entry->path().filename().string(), ".tmp-")) found.push_back(entry->path().string());
        }
        return found;
    }

    // Prints how many kills left a Git lock file, an index behind HEAD or temporary files: the
    // cases that the next command had to clean up.
    void report_leftovers() const {
        MESSAGE(kills << " kills: " << left_lock_files << " left a Git lock file, " << left_stale_index
                      << " left the index behind HEAD, " << left_temporary_files << " left temporary files");
    }

    // Checks that `dossier check` runs on `paths` of `client`: findings are allowed, an error is not.
    void check_runs(const std::string& client, const std::vector<std::string>& paths) const {
        std::vector<std::string> arguments{"check"};
        for (const auto& path : paths) {
            std::error_code error;
            if (fs::exists(client_dir(client) / path, error)) arguments.push_back((client_dir(client) / path).string());
        }
        auto result = dossier(arguments);
        INFO("dossier check: ", result.out, result.err);
        CHECK((result.exit_status == 0 || result.exit_status == 1));
    }

    std::uint64_t seed;
    std::mt19937_64 random;
    microseconds last_delay{0};
    int kills = 0;
    int probe_count = 0;
    int left_lock_files = 0;
    int left_stale_index = 0;
    int left_temporary_files = 0;
};

// Prints the kill's place in the output of a failed check.
#define KILL_CONTEXT(sandbox, index, longest)                                                                  \
    INFO("seed ", (sandbox).seed, ", kill ", (index), " after ", (sandbox).last_delay.count(), " us of about ", \
         (longest).count(), " us")

}  // namespace

TEST_CASE_FIXTURE(CrashSandbox, "set killed mid-commit keeps old or new file") {
    constexpr int kill_count = 40;
    commit_document("acme", "runbooks/target.md", document("runbook", "Target", "Its owner changes.\n"));
    auto longest = timed_run({"set", "acme/runbooks/target", "owner=o1"});

    for (int index = 2; index < kill_count + 2; ++index) {
        auto before = Sandbox::read_file(acme() / "runbooks/target.md");
        auto owner_line = before.substr(before.find("\nowner: "));
        owner_line = owner_line.substr(0, owner_line.find('\n', 1) + 1);
        auto after = replaced(before, owner_line, "\nowner: o" + std::to_string(index) + "\n");

        auto result = run_killed({"set", "acme/runbooks/target", "owner=o" + std::to_string(index)}, longest);
        KILL_CONTEXT(*this, index, longest);
        INFO("dossier set: ", result.err);
        check_repository(acme());
        check_files(acme(), {{"runbooks/target.md", before, after}});
        check_next_commit("acme");
        check_runs("acme", {"runbooks/target.md"});
    }
    CHECK(kills == kill_count);
    check_repository(acme());
    report_leftovers();
}

TEST_CASE_FIXTURE(CrashSandbox, "new killed mid-commit leaves no file or whole file") {
    constexpr int kill_count = 30;
    auto longest = timed_run({"new", "runbook", "Crash page 0", "--client", "acme"});
    const auto reference = Sandbox::read_file(acme() / "runbooks/crash-page-0.md");

    for (int index = 1; index <= kill_count; ++index) {
        auto title = "Crash page " + std::to_string(index);
        auto path = "runbooks/crash-page-" + std::to_string(index) + ".md";
        auto after = reference;
        for (auto at = after.find("Crash page 0"); at != std::string::npos;
             at = after.find("Crash page 0", at + title.size())) {
            after.replace(at, 12, title);
        }

        auto result = run_killed({"new", "runbook", title, "--client", "acme"}, longest);
        KILL_CONTEXT(*this, index, longest);
        INFO("dossier new: ", result.err);
        check_repository(acme());
        check_files(acme(), {{path, std::nullopt, after}});
        check_next_commit("acme");
        check_runs("acme", {path});
    }
    CHECK(kills == kill_count);
    report_leftovers();
}

TEST_CASE_FIXTURE(CrashSandbox, "mv killed mid-commit keeps each file old or new") {
    constexpr int kill_count = 30;
    // Each round moves its own runbook, and the hub links to every one of them.
    std::string hub_body;
    for (int index = 0; index <= kill_count; ++index) {
        auto name = "move-" + std::to_string(index);
        write_file(acme() / "runbooks" / (name + ".md"),
                   document("runbook", "Move " + std::to_string(index), "To be moved.\n"));
        hub_body += "- [Move " + std::to_string(index) + "](" + name + ".md)\n";
    }
    write_file(acme() / "runbooks/hub.md", document("runbook", "Hub", hub_body));
    git_output(acme(), {"add", "."});
    git_output(acme(), {"commit", "-q", "-m", "Add the runbooks to move"});

    auto hub_before = Sandbox::read_file(acme() / "runbooks/hub.md");
    auto longest = timed_run({"mv", "acme/runbooks/move-0", "acme/runbooks/moved-0"});
    CHECK(Sandbox::read_file(acme() / "runbooks/hub.md") == replaced(hub_before, "](move-0.md)", "](moved-0.md)"));

    for (int index = 1; index <= kill_count; ++index) {
        auto name = "move-" + std::to_string(index);
        auto source = "runbooks/" + name + ".md";
        auto target = "runbooks/moved-" + std::to_string(index) + ".md";
        auto moved = Sandbox::read_file(acme() / source);
        auto hub = Sandbox::read_file(acme() / "runbooks/hub.md");
        auto hub_after = replaced(hub, "](" + name + ".md)", "](moved-" + std::to_string(index) + ".md)");

        auto result = run_killed({"mv", "acme/runbooks/" + name, "acme/runbooks/moved-" + std::to_string(index)},
                                 longest);
        KILL_CONTEXT(*this, index, longest);
        INFO("dossier mv: ", result.err);
        check_repository(acme());
        check_files(acme(), {{source, moved, std::nullopt}, {target, std::nullopt, moved}, {"runbooks/hub.md", hub, hub_after}});
        check_next_commit("acme");
        check_runs("acme", {source, target, "runbooks/hub.md"});
    }
    CHECK(kills == kill_count);
    report_leftovers();
}

TEST_CASE_FIXTURE(CrashSandbox, "CSV import killed keeps each document old or new") {
    constexpr int kill_count = 30;
    constexpr int row_count = 300;
    // The rows go to a client of their own, so that the probe commits stay small.
    REQUIRE(add_client("Globex") == "globex");
    auto globex = client_dir("globex");
    commit_document("globex", "runbooks/probe.md", document("runbook", "Probe", "Committed after each kill.\n"));
    auto write_rows = [&](int run) {
        std::string csv = "Hostname,Asset Type,IP Address,Notes\n";
        for (int row = 0; row < row_count; ++row) {
            csv += "srv-" + std::to_string(row) + ",server,10.0." + std::to_string(row / 200) + "." +
                   std::to_string(row % 200 + 1) + ",run " + std::to_string(run) + "\n";
        }
        write_file(root() / "input/assets.csv", csv);
    };
    const std::vector<std::string> import{"import", "csv", (root() / "input/assets.csv").string(), "--type", "asset",
                                          "--client", "globex"};
    write_rows(0);
    timed_run(import);
    // The timed run updates every document, as the killed ones do.
    write_rows(1);
    auto longest = timed_run(import);
    std::vector<std::string> references;
    for (int row = 0; row < row_count; ++row) {
        references.push_back(Sandbox::read_file(globex / ("assets/srv-" + std::to_string(row) + ".md")));
    }

    for (int index = 2; index < kill_count + 2; ++index) {
        write_rows(index);
        std::vector<ExpectedFile> files;
        for (int row = 0; row < row_count; ++row) {
            auto path = "assets/srv-" + std::to_string(row) + ".md";
            files.push_back({path, Sandbox::read_file(globex / path),
                             replaced(references[row], "\nnotes: run 1\n", "\nnotes: run " + std::to_string(index) + "\n")});
        }

        auto result = run_killed(import, longest);
        KILL_CONTEXT(*this, index, longest);
        INFO("dossier import: ", result.err);
        check_repository(globex);
        check_files(globex, files);
        check_next_commit("globex");
        check_runs("globex", {"assets/srv-0.md", "assets/srv-299.md"});
    }
    CHECK(kills == kill_count);

    // A run to the end commits every row of the last file.
    write_rows(99);
    timed_run(import);
    CHECK(contains(Sandbox::read_file(globex / "assets/srv-150.md"), "\nnotes: run 99\n"));
    check_repository(globex);
    report_leftovers();
}

TEST_CASE_FIXTURE(CrashSandbox, "access grant and revoke killed keep secrets readable") {
    constexpr int kill_count = 30;
    constexpr int credential_count = 3;
    auto make_identity = [&](const std::string& id) {
        auto path = root() / "keys" / (id + ".age");
        auto env = environment;
        environment["DOSSIER_IDENTITY"] = path.string();
        auto created = dossier({"key", "init", "--no-passphrase"});
        environment = env;
        INFO(created.err);
        REQUIRE(created.exit_status == 0);
        auto key = created.out.substr(0, created.out.find('\n'));
        auto added = dossier({"team", "add", id, "--key", key});
        INFO(added.err);
        REQUIRE(added.exit_status == 0);
        return std::make_pair(path, key);
    };
    auto [alice_identity, alice_key] = make_identity("alice");
    auto [bob_identity, bob_key] = make_identity("bob");
    REQUIRE(dossier({"access", "grant", "alice", "--client", "acme"}).exit_status == 0);
    environment["DOSSIER_IDENTITY"] = alice_identity.string();
    auto env = environment;
    env["DOSSIER"] = DOSSIER_BINARY;
    std::vector<std::string> credentials;
    for (int index = 0; index < credential_count; ++index) {
        auto name = "cred-" + std::to_string(index);
        commit_document("acme", "credentials/" + name + ".md",
                        "---\ntype: credential\ntitle: Account " + std::to_string(index) + "\nusername: admin\n---\n");
        auto stored = dossier::e2e::run_process(
            {"sh", "-c", "printf '%s' 'secret-" + std::to_string(index) + "' | \"$DOSSIER\" secret set acme/credentials/" + name + " password"},
            env, workspace());
        INFO(stored.err);
        REQUIRE(stored.exit_status == 0);
        credentials.push_back("credentials/" + name + ".md");
    }

    // A grant then a revoke to the end give both recipients files, and the time of each.
    auto recipients_path = acme() / ".age-recipients";
    auto without_bob = Sandbox::read_file(recipients_path);
    auto longest = timed_run({"access", "grant", "bob", "--client", "acme"});
    auto with_bob = Sandbox::read_file(recipients_path);
    longest = std::max(longest, timed_run({"access", "revoke", "bob", "--client", "acme"}));
    CHECK(Sandbox::read_file(recipients_path) == without_bob);

    // Returns the text of a credential outside its armored block, without its recipients line.
    auto plain_part = [](const std::string& bytes) {
        auto text = bytes.substr(0, bytes.find("-----BEGIN AGE ENCRYPTED FILE-----"));
        auto at = text.find("\nrecipients: ");
        if (at != std::string::npos) text.erase(at + 1, text.find('\n', at + 1) - at);
        return text;
    };

    for (int index = 1; index <= kill_count; ++index) {
        // The working tree's recipients file decides, so that a killed grant that wrote it is
    // followed by a revoke rather than by a grant with nothing to do.
        bool bob_present = contains(Sandbox::read_file(recipients_path), bob_key);
        auto recipients_before = Sandbox::read_file(recipients_path);
        std::vector<std::string> credentials_before;
        for (const auto& path : credentials) credentials_before.push_back(Sandbox::read_file(acme() / path));

        auto result = run_killed({"access", bob_present ? "revoke" : "grant", "bob", "--client", "acme"}, longest);
        KILL_CONTEXT(*this, index, longest);
        INFO("dossier access: ", result.err);
        check_repository(acme());
        check_files(acme(), {{".age-recipients", recipients_before, bob_present ? without_bob : with_bob}});
        for (int credential = 0; credential < credential_count; ++credential) {
            auto bytes = Sandbox::read_file(acme() / credentials[credential]);
            INFO(credentials[credential], " holds:\n", bytes);
            CHECK(plain_part(bytes) == plain_part(credentials_before[credential]));
            auto secret = dossier({"secret", "get", "acme/" + credentials[credential].substr(0, credentials[credential].size() - 3)});
            INFO("dossier secret get: ", secret.err);
            CHECK(secret.out == "secret-" + std::to_string(credential) + "\n");
        }
        check_next_commit("acme");
        check_runs("acme", credentials);
    }
    CHECK(kills == kill_count);
    report_leftovers();
}

TEST_CASE_FIXTURE(CrashSandbox, "index killed mid-build or mid-refresh stays usable") {
    constexpr int rebuild_kill_count = 20;
    constexpr int refresh_kill_count = 20;
    constexpr int edited_count = 40;
    // Documents whose body the refreshes index again, each time with a new word.
    auto edited_path = [](int document) { return "runbooks/indexed-" + std::to_string(document) + ".md"; };
    auto write_edited = [&](int round) {
        for (int document = 0; document < edited_count; ++document) {
            write_file(acme() / edited_path(document),
                       ::document("runbook", "Indexed " + std::to_string(document),
                                  "Password rotation, round zebra" + std::to_string(round) + ".\n"));
        }
    };
    write_edited(0);
    git_output(acme(), {"add", "."});
    git_output(acme(), {"commit", "-q", "-m", "Add the indexed runbooks"});

    // Returns the references that `dossier search --json --limit 0 QUERY` finds, sorted and
    // one a line; fails the test when the search fails.
    auto search = [&](const std::string& query) {
        auto result = dossier({"search", "--json", "--limit", "0", query});
        INFO("dossier search ", query, ": ", result.err);
        CHECK(result.exit_status == 0);
        std::string found;
        if (result.exit_status != 0) return found;
        std::set<std::string> references;
        for (const auto& item : nlohmann::json::parse(result.out)) references.insert(item["ref"].get<std::string>());
        for (const auto& reference : references) found += reference + "\n";
        return found;
    };
    std::set<std::string> edited_references;
    for (int document = 0; document < edited_count; ++document) {
        edited_references.insert("acme/" + edited_path(document).substr(0, edited_path(document).size() - 3));
    }
    std::string all_edited;
    for (const auto& reference : edited_references) all_edited += reference + "\n";

    auto longest = timed_run({"index", "--rebuild"});
    for (int index = 1; index <= rebuild_kill_count; ++index) {
        auto result = run_killed({"index", "--rebuild"}, longest);
        KILL_CONTEXT(*this, index, longest);
        INFO("dossier index --rebuild: ", result.err);
        CHECK(search("zebra0") == all_edited);
        CHECK(search("probe") == "acme/runbooks/probe\n");
    }

    write_edited(1);
    longest = timed_run({"index"});
    for (int round = 2; round < refresh_kill_count + 2; ++round) {
        write_edited(round);
        auto result = run_killed({"index"}, longest);
        KILL_CONTEXT(*this, round, longest);
        INFO("dossier index: ", result.err);
        CHECK(search("zebra" + std::to_string(round)) == all_edited);
        CHECK(search("zebra" + std::to_string(round - 1)) == "");
    }
    CHECK(kills == rebuild_kill_count + refresh_kill_count);
}
