// End-to-end test of dossier processes that change one client repository at the same time:
// the write lock makes them take turns, so every change lands as its own commit and none is
// lost or left outside the branch.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sandbox.hpp"

namespace {

using dossier::e2e::ProcessResult;
using dossier::e2e::Sandbox;

// 1,000 commits in all: about a minute on a 2-core VM with a Debug build, under a load of 4
// (57 s measured), because each commit holds the lock for tens of milliseconds.
constexpr int writer_count = 4;
constexpr int changes_per_writer = 250;

const std::string shared_runbook =
    "---\n"
    "type: runbook\n"
    "title: Shared runbook\n"
    "---\n"
    "# Shared runbook\n";

// The value that writer `writer` gives to its key at `step`, such as w2-0048.
std::string value_at(int writer, int step) {
    std::string number = std::to_string(step);
    return "w" + std::to_string(writer) + "-" + std::string(4 - number.size(), '0') + number;
}

std::string title_at(int writer, int step) {
    return "Writer " + std::to_string(writer) + " page " + std::to_string(step);
}

std::string slug_at(int writer, int step) {
    return "writer-" + std::to_string(writer) + "-page-" + std::to_string(step);
}

// Runs the changes of one writer: even steps set its key on the shared runbook, odd steps
// create a runbook. Returns a line for each command that failed.
std::vector<std::string> run_writer(const Sandbox& sandbox, int writer) {
    std::vector<std::string> failures;
    for (int step = 0; step < changes_per_writer; ++step) {
        ProcessResult result;
        if (step % 2 == 0) {
            auto assignment = "writer" + std::to_string(writer) + "=" + value_at(writer, step);
            result = sandbox.dossier({"set", "acme/runbooks/shared", assignment});
        } else {
            result = sandbox.dossier({"new", "runbook", title_at(writer, step), "--client", "acme"});
        }
        if (result.exit_status != 0) {
            failures.push_back("writer " + std::to_string(writer) + ", step " + std::to_string(step) + ": exit " +
                               std::to_string(result.exit_status) + ": " + result.err);
        }
    }
    return failures;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_CASE("four concurrent writers lose no change") {
    Sandbox sandbox;
    // Far above the time that the other writers' turns take, so that a timeout means a hung process.
    sandbox.environment["DOSSIER_LOCK_TIMEOUT"] = "600";
    sandbox.init_workspace();
    REQUIRE(sandbox.add_client("Acme") == "acme");
    auto acme = sandbox.client_dir("acme");
    sandbox.commit_document("acme", "runbooks/shared.md", shared_runbook);
    const int commits_before = sandbox.commit_count(acme);

    const auto started = std::chrono::steady_clock::now();
    std::vector<std::vector<std::string>> failures(writer_count);
    {
        std::vector<std::thread> writers;
        for (int writer = 0; writer < writer_count; ++writer) {
            writers.emplace_back([&sandbox, &failures, writer] { failures[writer] = run_writer(sandbox, writer + 1); });
        }
        for (auto& thread : writers) thread.join();
    }
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    MESSAGE((writer_count * changes_per_writer) << " changes from " << writer_count << " processes took " << seconds
                                              << " s in " << sandbox.root().string());

    for (const auto& writer_failures : failures) {
        INFO("first failure: ", writer_failures.empty() ? std::string() : writer_failures.front());
        CHECK(writer_failures.size() == 0);
    }

    // One commit per change, all on the branch: none replaced another or was left dangling.
    CHECK(sandbox.commit_count(acme) == commits_before + writer_count * changes_per_writer);
    auto subjects = lines_of(sandbox.git_output(acme, {"log", "--format=%s"}));
    int set_commits = 0;
    int new_commits = 0;
    for (const auto& subject : subjects) {
        if (subject.starts_with("set writer")) ++set_commits;
        if (subject.starts_with("new runbook: ")) ++new_commits;
    }
    CHECK(set_commits == writer_count * changes_per_writer / 2);
    CHECK(new_commits == writer_count * changes_per_writer / 2);
    auto unreachable = sandbox.git(acme, {"fsck", "--unreachable", "--no-reflogs"});
    CHECK(unreachable.exit_status == 0);
    CHECK(unreachable.out.find("commit") == std::string::npos);

    // Every value that a writer set is in the history of the shared runbook, and its last
    // value is in the file: no writer overwrote another's key with an old copy.
    auto history = sandbox.git_output(acme, {"log", "-p", "--format=%H", "--", "runbooks/shared.md"});
    std::set<std::string> added;
    for (const auto& line : lines_of(history)) {
        if (line.starts_with("+writer")) added.insert(line.substr(1));
    }
    auto shared = Sandbox::read_file(acme / "runbooks/shared.md");
    std::vector<std::string> missing_values;
    for (int writer = 1; writer <= writer_count; ++writer) {
        for (int step = 0; step < changes_per_writer; step += 2) {
            auto line = "writer" + std::to_string(writer) + ": " + value_at(writer, step);
            if (added.count(line) == 0) missing_values.push_back(line);
        }
        auto last = "\nwriter" + std::to_string(writer) + ": " + value_at(writer, changes_per_writer - 2) + "\n";
        INFO("runbooks/shared.md:\n", shared);
        CHECK(shared.find(last) != std::string::npos);
    }
    INFO("first missing value: ", missing_values.empty() ? std::string() : missing_values.front());
    CHECK(missing_values.size() == 0);

    // Every runbook that a writer created is committed.
    auto tracked_lines = lines_of(sandbox.git_output(acme, {"ls-tree", "-r", "--name-only", "HEAD", "runbooks/"}));
    std::set<std::string> tracked(tracked_lines.begin(), tracked_lines.end());
    std::vector<std::string> missing_runbooks;
    for (int writer = 1; writer <= writer_count; ++writer) {
        for (int step = 1; step < changes_per_writer; step += 2) {
            auto path = "runbooks/" + slug_at(writer, step) + ".md";
            if (tracked.count(path) == 0) missing_runbooks.push_back(path);
        }
    }
    INFO("first missing runbook: ", missing_runbooks.empty() ? std::string() : missing_runbooks.front());
    CHECK(missing_runbooks.size() == 0);

    CHECK_REPOSITORY_HEALTHY(sandbox, acme);
}
