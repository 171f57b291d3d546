// End-to-end tests of history (log, diff, show --rev) and of unusual repository shapes.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <future>
#include <regex>
#include <set>
#include <string>

#include "sandbox.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ClientSandbox;
using dossier::e2e::vpn_reset_document;
using nlohmann::json;

// Returns how many lines of `text` match `pattern` in full, and sets `total` to the number of lines.
int count_matching_lines(const std::string& text, const std::regex& pattern, int& total) {
    int matching = 0;
    total = 0;
    std::size_t offset = 0;
    while (offset < text.size()) {
        auto end = text.find('\n', offset);
        if (end == std::string::npos) end = text.size();
        ++total;
        if (std::regex_match(text.substr(offset, end - offset), pattern)) ++matching;
        offset = end + 1;
    }
    return matching;
}

// --- log -------------------------------------------------------------------------------

TEST_CASE_FIXTURE(ClientSandbox, "log of a client prints one line per commit") {
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"}).exit_status == 0);

    auto result = dossier({"log", "--client", "acme"});

    CHECK(result.exit_status == 0);
    CHECK(result.err == "");
    // short id, date and time in UTC (TZ is UTC and commits carry the +00:00 offset), client, author, summary
    std::regex line(R"([0-9a-f]{8}  \d{4}-\d{2}-\d{2} \d{2}:\d{2}  acme  .+  .+)");
    int total = 0;
    CHECK(count_matching_lines(result.out, line, total) == 3);
    CHECK(total == 3);
    CHECK(result.out.find("  Alice Martin  set owner on runbooks/vpn-reset\n") != std::string::npos);
    CHECK(result.out.find("  Test Harness  Add the first documents\n") != std::string::npos);
    CHECK(result.out.find("  Alice Martin  Add client acme\n") != std::string::npos);
    CHECK(result.out.starts_with(head(acme()).substr(0, 8)));
}

TEST_CASE_FIXTURE(ClientSandbox, "log --json gives the documented fields") {
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"}).exit_status == 0);

    auto result = dossier({"log", "--json", "acme/runbooks/vpn-reset"});

    REQUIRE(result.exit_status == 0);
    CHECK(result.err == "");
    auto entries = nlohmann::ordered_json::parse(result.out);
    REQUIRE(entries.size() == 2);
    auto newest = entries[0];
    std::vector<std::string> keys;
    for (const auto& item : newest.items()) keys.push_back(item.key());
    CHECK(keys ==
          std::vector<std::string>{"client", "commit", "author", "email", "date", "summary", "message", "paths"});
    CHECK(newest["client"] == "acme");
    CHECK(newest["commit"] == head(acme()));
    CHECK(newest["author"] == "Alice Martin");
    CHECK(newest["email"] == "alice@example.com");
    CHECK(std::regex_match(newest["date"].get<std::string>(),
                           std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00)")));
    CHECK(newest["summary"] == "set owner on runbooks/vpn-reset");
    CHECK(newest["message"] == "set owner on runbooks/vpn-reset\n");
    CHECK(newest["paths"] == nlohmann::ordered_json::array({"runbooks/vpn-reset.md"}));
    CHECK(entries[1]["summary"] == "Add the first documents");
    CHECK(entries[1]["author"] == "Test Harness");
    CHECK(entries[1]["paths"] ==
          nlohmann::ordered_json::array({"assets/fw01.md", "contacts/jeanne-dupont.md", "runbooks/vpn-reset.md"}));
}

TEST_CASE_FIXTURE(ClientSandbox, "log -n limits the commits across every client") {
    REQUIRE(dossier({"client", "add", "Beta"}).exit_status == 0);

    auto all = json::parse(dossier({"log", "--json"}).out);
    auto limited = dossier({"log", "--json", "-n", "1"});

    CHECK(all.size() == 3);
    std::set<std::string> clients;
    for (const auto& entry : all) clients.insert(entry["client"].get<std::string>());
    CHECK(clients == std::set<std::string>{"acme", "beta"});
    REQUIRE(limited.exit_status == 0);
    CHECK(json::parse(limited.out).size() == 1);
}

TEST_CASE_FIXTURE(ClientSandbox, "log of a removed document still shows its history") {
    REQUIRE(dossier({"rm", "acme/contacts/jeanne-dupont"}).exit_status == 0);

    auto result = dossier({"log", "--json", "acme/contacts/jeanne-dupont"});

    REQUIRE(result.exit_status == 0);
    auto entries = json::parse(result.out);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0]["summary"] == "remove contacts/jeanne-dupont");
}

// --- diff ------------------------------------------------------------------------------

TEST_CASE_FIXTURE(ClientSandbox, "diff without revision shows working tree changes") {
    write_file(acme() / "runbooks/vpn-reset.md",
               std::string(vpn_reset_document).replace(vpn_reset_document.find("jdupont"), 7, "mlefevre"));

    auto result = dossier({"diff", "acme/runbooks/vpn-reset"});

    CHECK(result.exit_status == 0);
    CHECK(result.err == "");
    CHECK(result.out.starts_with("diff --git a/runbooks/vpn-reset.md b/runbooks/vpn-reset.md\n"));
    CHECK(result.out.find("\n-owner: jdupont\n+owner: mlefevre\n") != std::string::npos);
    CHECK(result.out.find('\x1b') == std::string::npos);
}

TEST_CASE_FIXTURE(ClientSandbox, "diff without changes says so on stderr") {
    auto result = dossier({"diff", "acme/runbooks/vpn-reset"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: no differences for acme/runbooks/vpn-reset\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "diff with one or two revisions compares commits") {
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"}).exit_status == 0);
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "status=review"}).exit_status == 0);

    auto one = dossier({"diff", "acme/runbooks/vpn-reset", "HEAD~2"});
    auto two = dossier({"diff", "acme/runbooks/vpn-reset", "HEAD~2", "HEAD~1"});

    CHECK(one.exit_status == 0);
    CHECK(one.out.find("\n-owner: jdupont\n") != std::string::npos);
    CHECK(one.out.find("\n+owner: mlefevre\n") != std::string::npos);
    CHECK(one.out.find("\n-status: approved\n") != std::string::npos);
    CHECK(one.out.find("\n+status: review\n") != std::string::npos);
    CHECK(two.exit_status == 0);
    CHECK(two.out.find("\n-owner: jdupont\n+owner: mlefevre\n") != std::string::npos);
    CHECK(two.out.find("status: review") == std::string::npos);
}

TEST_CASE_FIXTURE(ClientSandbox, "diff of a removed document between two revisions") {
    REQUIRE(dossier({"rm", "acme/contacts/jeanne-dupont"}).exit_status == 0);

    auto result = dossier({"diff", "acme/contacts/jeanne-dupont", "HEAD~1", "HEAD"});

    CHECK(result.exit_status == 0);
    CHECK(result.out.find("deleted file mode") != std::string::npos);
    CHECK(result.out.find("\n-title: Jeanne Dupont\n") != std::string::npos);
}

TEST_CASE_FIXTURE(ClientSandbox, "diff with three revisions is a usage error") {
    auto result = dossier({"diff", "acme/runbooks/vpn-reset", "HEAD", "HEAD", "HEAD"});

    CHECK(result.exit_status == 2);
    CHECK(result.out == "");
    CHECK(result.err.starts_with("dossier: error: too many revisions: give at most two\n"));
}

// --- show --rev ------------------------------------------------------------------------

TEST_CASE_FIXTURE(ClientSandbox, "show --rev prints an earlier version") {
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"}).exit_status == 0);

    auto raw = dossier({"show", "--raw", "--rev", "HEAD~1", "acme/runbooks/vpn-reset"});
    auto as_json = dossier({"show", "--json", "--rev", "HEAD~1", "acme/runbooks/vpn-reset"});

    CHECK(raw.exit_status == 0);
    CHECK(raw.out == vpn_reset_document);
    REQUIRE(as_json.exit_status == 0);
    auto document = json::parse(as_json.out);
    CHECK(document["revision"] == "HEAD~1");
    CHECK(document["front_matter"]["owner"] == "jdupont");
}

TEST_CASE_FIXTURE(ClientSandbox, "show --rev reads a removed document") {
    REQUIRE(dossier({"rm", "acme/contacts/jeanne-dupont"}).exit_status == 0);

    auto result = dossier({"show", "--raw", "--rev", "HEAD~1", "acme/contacts/jeanne-dupont"});

    CHECK(result.exit_status == 0);
    CHECK(result.out.find("title: Jeanne Dupont\n") != std::string::npos);
}

TEST_CASE_FIXTURE(ClientSandbox, "show --rev of an unknown revision fails") {
    auto result = dossier({"show", "--rev", "v9.9", "acme/runbooks/vpn-reset"});

    CHECK(result.exit_status == 3);
    CHECK(result.out == "");
    CHECK(result.err.starts_with("dossier: error: revision not found: v9.9\n"));
}

// --- repository shapes -----------------------------------------------------------------

TEST_CASE_FIXTURE(ClientSandbox, "set on a detached HEAD moves the detached HEAD") {
    git_output(acme(), {"checkout", "-q", "--detach", "HEAD"});
    auto head_before = head(acme());
    auto branch_before = git_output(acme(), {"rev-parse", "main"});

    auto result = dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"});

    CHECK(result.exit_status == 0);
    CHECK(git_output(acme(), {"rev-parse", "HEAD~1"}) == head_before + "\n");
    CHECK(git(acme(), {"symbolic-ref", "-q", "HEAD"}).exit_status != 0);
    CHECK(git_output(acme(), {"rev-parse", "main"}) == branch_before);
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "shallow clone supports log and set") {
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"}).exit_status == 0);
    auto cloned = git(workspace(), {"clone", "-q", "--depth", "1", "file://" + acme().string(), "clients/shallow"});
    REQUIRE(cloned.exit_status == 0);
    auto shallow = client_dir("shallow");

    auto log = dossier({"log", "--json", "--client", "shallow"});
    auto earlier = dossier({"show", "--rev", "HEAD~1", "shallow/runbooks/vpn-reset"});
    auto set = dossier({"set", "shallow/runbooks/vpn-reset", "status=review"});
    auto log_after = dossier({"log", "--json", "shallow/runbooks/vpn-reset"});

    REQUIRE(log.exit_status == 0);
    CHECK(json::parse(log.out).size() == 1);
    CHECK(earlier.exit_status == 3);
    CHECK(earlier.err ==
          "dossier: error: revision not found: HEAD~1\n"
          "hint: this is a shallow clone, so older commits are missing; run `git fetch --unshallow` to get them\n");
    CHECK(set.exit_status == 0);
    REQUIRE(log_after.exit_status == 0);
    auto entries = json::parse(log_after.out);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0]["summary"] == "set status on runbooks/vpn-reset");
    CHECK_REPOSITORY_HEALTHY(*this, shallow);
}

TEST_CASE_FIXTURE(ClientSandbox, "set in an empty repository makes the first commit") {
    git_output(workspace(), {"init", "-q", "clients/fresh"});
    write_file(client_dir("fresh") / "client.md", "---\ntype: client\ntitle: Fresh\n---\n");

    auto result = dossier({"set", "fresh/client", "status=draft"});

    CHECK(result.exit_status == 0);
    CHECK(commit_count(client_dir("fresh")) == 1);
    CHECK(git_output(client_dir("fresh"), {"ls-files"}) == "client.md\n");
    CHECK(git_output(client_dir("fresh"), {"branch", "--show-current"}) == "main\n");
    CHECK_REPOSITORY_HEALTHY(*this, client_dir("fresh"));
}

TEST_CASE_FIXTURE(ClientSandbox, "log of an empty repository is empty") {
    git_output(workspace(), {"init", "-q", "clients/fresh"});

    auto result = dossier({"log", "--json", "--client", "fresh"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "[]\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "set leaves a clean status with core.autocrlf") {
    git_output(acme(), {"config", "core.autocrlf", "true"});
    std::string windows = "---\r\ntype: runbook\r\ntitle: Windows\r\nowner: jdupont\r\n---\r\n# Windows\r\n";
    commit_document("acme", "runbooks/windows.md", windows);
    REQUIRE(status(acme()) == "");

    auto result = dossier({"set", "acme/runbooks/windows", "owner=mlefevre"});

    CHECK(result.exit_status == 0);
    CHECK(read_file(acme() / "runbooks/windows.md") ==
          "---\r\ntype: runbook\r\ntitle: Windows\r\nowner: mlefevre\r\n---\r\n# Windows\r\n");
    CHECK(git_output(acme(), {"show", "HEAD:runbooks/windows.md"}) ==
          "---\ntype: runbook\ntitle: Windows\nowner: mlefevre\n---\n# Windows\n");
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "set leaves a clean status with eol=crlf in .gitattributes") {
    write_file(acme() / ".gitattributes", "*.md text eol=crlf\n");
    git_output(acme(), {"add", ".gitattributes"});
    git_output(acme(), {"commit", "-q", "-m", "Check out Markdown with CRLF"});
    fs::remove(acme() / "runbooks/vpn-reset.md");
    git_output(acme(), {"checkout", "--", "runbooks/vpn-reset.md"});
    REQUIRE(status(acme()) == "");

    auto result = dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"});

    CHECK(result.exit_status == 0);
    auto text = read_file(acme() / "runbooks/vpn-reset.md");
    CHECK(text.find("\r\nowner: mlefevre\r\n") != std::string::npos);
    CHECK(git_output(acme(), {"show", "HEAD:runbooks/vpn-reset.md"}).find('\r') == std::string::npos);
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "set in a linked worktree commits on its branch") {
    git_output(acme(), {"worktree", "add", "-q", "-b", "review", (workspace() / "clients" / "acme-review").string()});
    auto main_before = git_output(acme(), {"rev-parse", "main"});

    auto result = dossier({"set", "acme-review/runbooks/vpn-reset", "status=review"});

    CHECK(result.exit_status == 0);
    CHECK(git_output(acme(), {"rev-parse", "main"}) == main_before);
    CHECK(git_output(acme(), {"log", "-1", "--format=%s", "review"}) == "set status on runbooks/vpn-reset\n");
    CHECK_REPOSITORY_HEALTHY(*this, client_dir("acme-review"));
}

TEST_CASE_FIXTURE(ClientSandbox, "concurrent sets serialise or fail cleanly") {
    for (int round = 0; round < 8; ++round) {
        CAPTURE(round);
        auto commits_before = commit_count(acme());
        std::string value = "round" + std::to_string(round);

        auto first = std::async(std::launch::async, [&] {
            return dossier({"set", "acme/runbooks/vpn-reset", "ticket=" + value});
        });
        auto second = std::async(std::launch::async, [&] {
            return dossier({"set", "acme/contacts/jeanne-dupont", "ticket=" + value});
        });
        std::vector<dossier::e2e::ProcessResult> results{first.get(), second.get()};

        int successes = 0;
        for (const auto& result : results) {
            CAPTURE(result.err);
            CHECK((result.exit_status == 0 || result.exit_status == 3));
            if (result.exit_status == 0) ++successes;
            if (result.exit_status == 3) {
                bool retryable = result.err.find("branch moved") != std::string::npos ||
                                 result.err.find("is locked") != std::string::npos;
                CHECK(retryable);
            }
        }
        CHECK(successes >= 1);
        CHECK(commit_count(acme()) == commits_before + successes);
        CHECK(read_file(acme() / "runbooks/vpn-reset.md").find("\nticket: " + value + "\n") != std::string::npos);
        CHECK(read_file(acme() / "contacts/jeanne-dupont.md").find("\nticket: " + value + "\n") != std::string::npos);

        // A failed command leaves its edit in the working tree. Committing it makes the next round start clean.
        if (status(acme()) != "") git_output(acme(), {"commit", "-q", "-a", "-m", "Commit the edit of a failed set"});
        CHECK(status(acme()) == "");
    }
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "folder without Git repository is not a client") {
    fs::create_directories(workspace() / "clients" / "draft");
    write_file(workspace() / "clients" / "draft" / "client.md", "---\ntype: client\ntitle: Draft\n---\n");

    auto list = dossier({"client", "list"});
    auto show = dossier({"show", "draft/client"});

    CHECK(list.out == "acme  Acme\n");
    CHECK(show.exit_status == 3);
    CHECK(show.err.starts_with("dossier: error: client not found: draft\n"));
}

}  // namespace
