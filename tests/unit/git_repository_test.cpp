// Tests of the libgit2 wrapper against real repositories, checked with the git command.
#include "dossier/git_repository.hpp"

#include <doctest/doctest.h>
#include <git2.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "dossier/change.hpp"
#include "dossier/error.hpp"
#include "temporary_folder.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::Error;
using dossier::ErrorKind;
using dossier::git::ChangedPath;
using dossier::git::Repository;
using dossier::git::Signature;

const Signature author{"Alice Martin", "alice@example.com"};

using dossier::test::TemporaryFolder;

// Initialises libgit2 and points its global and system configuration at an empty folder,
// so that the tester's ~/.gitconfig changes nothing.
class GitFixture {
public:
    GitFixture() {
        fs::create_directories(config_home_.path() / "empty");
        std::string empty = (config_home_.path() / "empty").string();
        for (int level : {GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL,
                          GIT_CONFIG_LEVEL_PROGRAMDATA}) {
            git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, empty.c_str());
        }
    }
    ~GitFixture() {
        for (int level : {GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL,
                          GIT_CONFIG_LEVEL_PROGRAMDATA}) {
            git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, nullptr);
        }
    }
    GitFixture(const GitFixture&) = delete;
    GitFixture& operator=(const GitFixture&) = delete;

protected:
    dossier::git::Library library_;
    TemporaryFolder config_home_;
    TemporaryFolder sandbox_;

    fs::path dir() const { return sandbox_.path() / "client"; }
};

std::string shell_quote(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) {
        if (c == '\'') {
            quoted += "'\\''";
        } else {
            quoted += c;
        }
    }
    return quoted + "'";
}

struct CommandResult {
    int status = -1;
    std::string output;  // standard output only
};

CommandResult run(const std::string& command) {
    CommandResult result;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    std::size_t count = 0;
    while ((count = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        result.output.append(buffer, count);
    }
    result.status = pclose(pipe);
    return result;
}

// Runs the git command in `dir` with a fixed identity and no global or system configuration.
CommandResult run_git(const fs::path& dir, const std::string& arguments) {
    return run("GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git -C " + shell_quote(dir.string()) +
               " -c user.name='Bob Durand' -c user.email=bob@example.com " + arguments);
}

// Returns the output of a git command that must succeed, without its final newline.
std::string git_output(const fs::path& dir, const std::string& arguments) {
    CommandResult result = run_git(dir, arguments);
    REQUIRE_MESSAGE(result.status == 0, "git " << arguments);
    std::string output = result.output;
    if (!output.empty() && output.back() == '\n') {
        output.pop_back();
    }
    return output;
}

void write_file(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    REQUIRE(out.good());
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

// Writes `content` to `path` in the repository and commits it on top of HEAD.
std::string commit_file(Repository& repo, const std::string& path, const std::string& content,
                        const std::string& message) {
    write_file(repo.workdir() / path, content);
    std::optional<std::string> id = repo.commit({ChangedPath{path}}, message, author, repo.head_commit());
    REQUIRE(id.has_value());
    return *id;
}

}  // namespace

TEST_SUITE("git repository") {

TEST_CASE_FIXTURE(GitFixture, "init creates an unborn main branch") {
    Repository repo = Repository::init(dir());

    CHECK(Repository::exists(dir()));
    CHECK_FALSE(repo.head_commit().has_value());
    CHECK(git_output(dir(), "symbolic-ref HEAD") == "refs/heads/main");
    CHECK(repo.log("", 0).empty());
}

TEST_CASE_FIXTURE(GitFixture, "open rejects a folder that is not a repository") {
    fs::create_directories(dir());

    CHECK_FALSE(Repository::exists(dir()));
    try {
        Repository::open(dir());
        FAIL("open succeeded");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::git);
        CHECK(std::string(error.what()).find(dir().string()) != std::string::npos);
    }
}

TEST_CASE_FIXTURE(GitFixture, "open ignores a parent repository") {
    Repository::init(dir());
    fs::create_directories(dir() / "sub");

    CHECK_THROWS_AS(Repository::open(dir() / "sub"), Error);
    CHECK_NOTHROW(Repository::open(dir()));
}

TEST_CASE_FIXTURE(GitFixture, "first commit on an unborn branch") {
    Repository repo = Repository::init(dir());
    write_file(dir() / "index.md", "# Client\n");

    std::optional<std::string> id = repo.commit({{"index.md"}}, "Create client", author, std::nullopt);

    REQUIRE(id.has_value());
    CHECK(id->size() == 40);
    CHECK(repo.head_commit() == id);
    CHECK(git_output(dir(), "rev-parse HEAD") == *id);
    CHECK(git_output(dir(), "rev-list --count HEAD") == "1");
    CHECK(git_output(dir(), "status --porcelain").empty());
    CHECK(run_git(dir(), "fsck --strict").status == 0);
    CHECK(git_output(dir(), "log -1 --format=%an%n%ae%n%cn%n%ce%n%s") ==
          "Alice Martin\nalice@example.com\nAlice Martin\nalice@example.com\nCreate client");
    CHECK(git_output(dir(), "reflog -1 --format=%gs") == "commit (initial): Create client");
}

TEST_CASE_FIXTURE(GitFixture, "commit leaves git status clean") {
    Repository repo = Repository::init(dir());
    commit_file(repo, "index.md", "# Client\n", "Create client");
    const std::string spaced = "sites/Main office/Salle réseau.md";
    write_file(dir() / spaced, "Rack A\n");
    write_file(dir() / "contacts/alice.md", "Alice\n");

    std::optional<std::string> id =
        repo.commit({{spaced}, {"contacts/alice.md"}}, "Add site and contact\n\nTwo documents.", author,
                    repo.head_commit());

    REQUIRE(id.has_value());
    CHECK(git_output(dir(), "status --porcelain").empty());
    CHECK(run_git(dir(), "fsck --strict").status == 0);
    CHECK(git_output(dir(), "rev-list --count HEAD") == "2");
    CHECK(git_output(dir(), "log -1 --format=%an%n%ae") == "Alice Martin\nalice@example.com");
    CHECK(git_output(dir(), "log -1 --format=%B") == "Add site and contact\n\nTwo documents.\n");
    CHECK(git_output(dir(), "-c core.quotepath=false show --format= --name-only HEAD") ==
          "contacts/alice.md\n" + spaced);
    CHECK(git_output(dir(), "show " + shell_quote("HEAD:" + spaced)) == "Rack A");
    CHECK(repo.read_at("HEAD", spaced) == "Rack A\n");
    CHECK(repo.log(spaced, 0).size() == 1);
    CHECK(repo.log("sites/Main office", 0).size() == 1);
}

TEST_CASE_FIXTURE(GitFixture, "commit with nothing changed returns nullopt") {
    Repository repo = Repository::init(dir());
    std::string first = commit_file(repo, "index.md", "# Client\n", "Create client");

    std::optional<std::string> id = repo.commit({{"index.md"}}, "Again", author, repo.head_commit());

    CHECK_FALSE(id.has_value());
    CHECK(repo.head_commit() == first);
    CHECK(git_output(dir(), "rev-list --count HEAD") == "1");
    CHECK(git_output(dir(), "status --porcelain").empty());
}

TEST_CASE_FIXTURE(GitFixture, "commit with no file on an unborn branch returns nullopt") {
    Repository repo = Repository::init(dir());

    CHECK_FALSE(repo.commit({{"missing.md"}}, "Nothing", author, std::nullopt).has_value());
    CHECK_FALSE(repo.head_commit().has_value());
}

TEST_CASE_FIXTURE(GitFixture, "commit removes a deleted file") {
    Repository repo = Repository::init(dir());
    commit_file(repo, "index.md", "# Client\n", "Create client");
    commit_file(repo, "old/note.md", "Old\n", "Add note");
    fs::remove_all(dir() / "old");

    std::optional<std::string> id = repo.commit({{"old/note.md"}}, "Remove note", author, repo.head_commit());

    REQUIRE(id.has_value());
    CHECK(git_output(dir(), "ls-tree -r --name-only HEAD") == "index.md");
    CHECK(git_output(dir(), "status --porcelain").empty());
}

TEST_CASE_FIXTURE(GitFixture, "commit rejects an empty message") {
    Repository repo = Repository::init(dir());
    write_file(dir() / "index.md", "# Client\n");

    try {
        repo.commit({{"index.md"}}, "  \n\n", author, std::nullopt);
        FAIL("commit succeeded");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::invalid_input);
    }
    CHECK_FALSE(repo.head_commit().has_value());
}

TEST_CASE_FIXTURE(GitFixture, "commit fails when the branch moved") {
    Repository repo = Repository::init(dir());
    std::string first = commit_file(repo, "index.md", "# Client\n", "Create client");

    std::optional<std::string> expected = repo.head_commit();
    write_file(dir() / "index.md", "# Client\n\nEdited by dossier.\n");
    write_file(dir() / "other.md", "Other\n");
    REQUIRE(run_git(dir(), "add other.md").status == 0);
    REQUIRE(run_git(dir(), "commit -q -m 'Commit from git'").status == 0);
    std::string moved = git_output(dir(), "rev-parse HEAD");

    try {
        repo.commit({{"index.md"}}, "Edit index", author, expected);
        FAIL("commit succeeded");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::conflict);
        CHECK(std::string(error.what()).find("moved") != std::string::npos);
        CHECK(std::string(error.what()).find("refs/heads/main") != std::string::npos);
        CHECK(error.hint().find("working tree") != std::string::npos);
    }

    CHECK(git_output(dir(), "rev-parse HEAD") == moved);
    CHECK(git_output(dir(), "log -1 --format=%s") == "Commit from git");
    CHECK(read_file(dir() / "index.md") == "# Client\n\nEdited by dossier.\n");
    CHECK(git_output(dir(), "diff --cached --name-only").empty());
    CHECK(git_output(dir(), "status --porcelain") == " M index.md");
    CHECK(repo.is_modified("index.md"));

    // The repository's cached index, which libgit2 reuses for status, contains HEAD's blob again.
    git_index* index = nullptr;
    REQUIRE(git_repository_index(&index, repo.raw()) == 0);
    const git_index_entry* entry = git_index_get_bypath(index, "index.md", 0);
    REQUIRE(entry != nullptr);
    CHECK(std::string(git_oid_tostr_s(&entry->id)) == git_output(dir(), "rev-parse HEAD:index.md"));
    git_index_free(index);

    std::optional<std::string> retried = repo.commit({{"index.md"}}, "Edit index", author, repo.head_commit());
    REQUIRE(retried.has_value());
    CHECK(git_output(dir(), "rev-parse HEAD~1") == moved);
    CHECK(git_output(dir(), "status --porcelain").empty());
    CHECK(first != *retried);
}

TEST_CASE_FIXTURE(GitFixture, "commit fails when an unborn branch was created meanwhile") {
    Repository repo = Repository::init(dir());
    write_file(dir() / "other.md", "Other\n");
    REQUIRE(run_git(dir(), "add other.md").status == 0);
    REQUIRE(run_git(dir(), "commit -q -m 'Commit from git'").status == 0);
    write_file(dir() / "index.md", "# Client\n");

    try {
        repo.commit({{"index.md"}}, "Create client", author, std::nullopt);
        FAIL("commit succeeded");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::conflict);
    }
    CHECK(git_output(dir(), "rev-list --count HEAD") == "1");
    CHECK(git_output(dir(), "status --porcelain") == "?? index.md");
}

TEST_CASE_FIXTURE(GitFixture, "commit fails when the index is locked") {
    Repository repo = Repository::init(dir());
    std::string first = commit_file(repo, "index.md", "# Client\n", "Create client");
    fs::path lock = dir() / ".git" / "index.lock";
    write_file(lock, "");
    write_file(dir() / "index.md", "# Client\n\nEdited.\n");

    try {
        repo.commit({{"index.md"}}, "Edit index", author, repo.head_commit());
        FAIL("commit succeeded");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::conflict);
        CHECK(std::string(error.what()).find(lock.string()) != std::string::npos);
        CHECK(error.hint().find(lock.string()) != std::string::npos);
        CHECK(error.hint().find("remove") != std::string::npos);
    }
    CHECK(repo.head_commit() == first);
    CHECK(fs::exists(lock));
    CHECK(read_file(dir() / "index.md") == "# Client\n\nEdited.\n");

    fs::remove(lock);
    CHECK(repo.commit({{"index.md"}}, "Edit index", author, repo.head_commit()).has_value());
    CHECK(git_output(dir(), "status --porcelain").empty());
}

TEST_CASE_FIXTURE(GitFixture, "commit fails when the branch reference is locked") {
    Repository repo = Repository::init(dir());
    commit_file(repo, "index.md", "# Client\n", "Create client");
    fs::path lock = dir() / ".git" / "refs" / "heads" / "main.lock";
    write_file(lock, "");
    write_file(dir() / "index.md", "# Client\n\nEdited.\n");

    try {
        repo.commit({{"index.md"}}, "Edit index", author, repo.head_commit());
        FAIL("commit succeeded");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::conflict);
        CHECK(error.hint().find(lock.string()) != std::string::npos);
    }
    CHECK(git_output(dir(), "diff --cached --name-only").empty());
}

TEST_CASE_FIXTURE(GitFixture, "commit moves a detached HEAD") {
    Repository repo = Repository::init(dir());
    commit_file(repo, "index.md", "# Client\n", "Create client");
    std::string branch_tip = commit_file(repo, "index.md", "# Client\n\nSecond.\n", "Second");
    REQUIRE(run_git(dir(), "checkout -q --detach HEAD~1").status == 0);
    CHECK(repo.head_detached());

    std::string id = commit_file(repo, "notes.md", "Detached work\n", "Work on detached HEAD");

    CHECK(repo.head_detached());
    CHECK(git_output(dir(), "rev-parse HEAD") == id);
    CHECK(git_output(dir(), "rev-parse main") == branch_tip);
    CHECK(git_output(dir(), "status --porcelain").empty());
}

TEST_CASE_FIXTURE(GitFixture, "commit keeps other staged changes out") {
    Repository repo = Repository::init(dir());
    commit_file(repo, "index.md", "# Client\n", "Create client");
    write_file(dir() / "staged.md", "Staged by hand\n");
    REQUIRE(run_git(dir(), "add staged.md").status == 0);

    commit_file(repo, "index.md", "# Client\n\nEdited.\n", "Edit index");

    CHECK(git_output(dir(), "show --format= --name-only HEAD") == "index.md");
    CHECK(git_output(dir(), "diff --cached --name-only") == "staged.md");
    CHECK(git_output(dir(), "status --porcelain") == "A  staged.md");
}

TEST_CASE_FIXTURE(GitFixture, "CRLF file under text=auto stays clean") {
    Repository repo = Repository::init(dir());
    write_file(dir() / ".gitattributes", "* text=auto\n");
    write_file(dir() / "windows.md", "line one\r\nline two\r\n");

    std::optional<std::string> id =
        repo.commit({{".gitattributes"}, {"windows.md"}}, "Add a CRLF file", author, std::nullopt);

    REQUIRE(id.has_value());
    CHECK(git_output(dir(), "status --porcelain").empty());
    CHECK(git_output(dir(), "cat-file -p HEAD:windows.md") == "line one\nline two");
    CHECK(repo.read_at("HEAD", "windows.md") == "line one\nline two\n");
    CHECK(read_file(dir() / "windows.md") == "line one\r\nline two\r\n");
    CHECK_FALSE(repo.is_modified("windows.md"));
}

TEST_CASE_FIXTURE(GitFixture, "a change of many files stores them as one pack that git reads") {
    Repository repo = Repository::init(dir());
    std::vector<std::pair<std::string, std::string>> files;
    for (int number = 0; number < 600; ++number) {
        files.emplace_back("assets/host-" + std::to_string(number) + ".md",
                           "---\ntitle: host " + std::to_string(number) + "\n---\n# Host\n");
    }
    {
        dossier::Change change(repo);
        change.write_all(files);
        REQUIRE(change.commit("Import 600 assets", author).has_value());
    }
    CHECK(git_output(dir(), "status --porcelain").empty());
    CHECK(run_git(dir(), "fsck --strict --no-progress").status == 0);
    const auto objects = git_output(dir(), "count-objects -v");
    CHECK(objects.find("in-pack: 600\n") != std::string::npos);
    CHECK(objects.find("count: 3\n") != std::string::npos);  // loose: the two trees and the commit
    CHECK(git_output(dir(), "cat-file -p HEAD:assets/host-599.md") == "---\ntitle: host 599\n---\n# Host");
    // The index has each file's stat data: git finds the tree clean without reading the files.
    CHECK(git_output(dir(), "diff-files --name-only").empty());
}

TEST_CASE_FIXTURE(GitFixture, "a change under a line-ending attribute stores what git add would") {
    Repository repo = Repository::init(dir());
    {
        dossier::Change change(repo);
        change.write_all({{".gitattributes", "*.md text eol=crlf\n"}, {"a.md", "one\r\ntwo\r\n"}});
        REQUIRE(change.commit("Add attributes", author).has_value());
    }
    {
        dossier::Change change(repo);
        change.write_all({{"b.md", "three\r\nfour\r\n"}});
        REQUIRE(change.commit("Add b", author).has_value());
    }
    CHECK(git_output(dir(), "cat-file -p HEAD:a.md") == "one\ntwo");
    CHECK(git_output(dir(), "cat-file -p HEAD:b.md") == "three\nfour");
    CHECK(git_output(dir(), "status --porcelain").empty());
}

TEST_CASE_FIXTURE(GitFixture, "a path written twice in one change is committed once, as last written") {
    Repository repo = Repository::init(dir());
    dossier::Change change(repo);
    change.write_all({{"a.md", "first\n"}});
    change.write("a.md", "second\n");
    change.write_all({{"a.md", "third\n"}, {"b.md", "b\n"}});
    REQUIRE(change.commit("Write a twice", author).has_value());
    CHECK(git_output(dir(), "cat-file -p HEAD:a.md") == "third");
    CHECK(git_output(dir(), "status --porcelain").empty());
    CHECK(run_git(dir(), "fsck --strict --no-progress").status == 0);
}

TEST_CASE_FIXTURE(GitFixture, "read_at returns an old revision") {
    Repository repo = Repository::init(dir());
    std::string first = commit_file(repo, "docs/server.md", "version 1\n", "First");
    commit_file(repo, "docs/server.md", "version 2\n", "Second");

    CHECK(repo.read_at(first, "docs/server.md") == "version 1\n");
    CHECK(repo.read_at(first.substr(0, 10), "docs/server.md") == "version 1\n");
    CHECK(repo.read_at("HEAD", "docs/server.md") == "version 2\n");
    CHECK_FALSE(repo.read_at("HEAD", "docs/missing.md").has_value());
    CHECK_FALSE(repo.read_at("HEAD", "docs").has_value());
}

TEST_CASE_FIXTURE(GitFixture, "resolve follows revision expressions") {
    Repository repo = Repository::init(dir());
    std::string first = commit_file(repo, "index.md", "one\n", "First");
    std::string second = commit_file(repo, "index.md", "two\n", "Second");
    REQUIRE(run_git(dir(), "tag v1 " + first).status == 0);

    CHECK(repo.resolve("HEAD~1") == first);
    CHECK(repo.resolve("HEAD") == second);
    CHECK(repo.resolve("v1") == first);
    CHECK(repo.resolve(second.substr(0, 8)) == second);
}

TEST_CASE_FIXTURE(GitFixture, "resolve of an unknown revision is not_found") {
    Repository repo = Repository::init(dir());
    commit_file(repo, "index.md", "one\n", "First");

    for (const std::string rev : {"no-such-branch", "HEAD~5", "0123456789abcdef0123456789abcdef01234567"}) {
        CAPTURE(rev);
        try {
            repo.resolve(rev);
            FAIL("resolve succeeded");
        } catch (const Error& error) {
            CHECK(error.kind() == ErrorKind::not_found);
            CHECK(std::string(error.what()).find(rev) != std::string::npos);
            CHECK_FALSE(error.hint().empty());
        }
    }
}

TEST_CASE_FIXTURE(GitFixture, "resolve on an unborn branch is not_found") {
    Repository repo = Repository::init(dir());

    CHECK_THROWS_AS(repo.resolve("HEAD"), Error);
    try {
        repo.read_at("HEAD", "index.md");
        FAIL("read_at succeeded");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::not_found);
        CHECK(std::string(error.what()).find("HEAD") != std::string::npos);
    }
}

TEST_CASE_FIXTURE(GitFixture, "log lists changes of a path newest first") {
    Repository repo = Repository::init(dir());
    std::string first = commit_file(repo, "a.md", "a1\n", "Add a");
    std::string second = commit_file(repo, "sub/b.md", "b1\n", "Add b");
    std::string third = commit_file(repo, "a.md", "a2\n", "Edit a\n\nWith a body.");

    std::vector<dossier::git::LogEntry> a_entries = repo.log("a.md", 0);
    REQUIRE(a_entries.size() == 2);
    CHECK(a_entries[0].commit == third);
    CHECK(a_entries[1].commit == first);
    CHECK(a_entries[0].short_commit == third.substr(0, 8));
    CHECK(a_entries[0].summary == "Edit a");
    CHECK(a_entries[0].message == "Edit a\n\nWith a body.\n");
    CHECK(a_entries[0].author_name == "Alice Martin");
    CHECK(a_entries[0].author_email == "alice@example.com");
    CHECK(a_entries[0].time > 0);
    CHECK(a_entries[0].paths == std::vector<std::string>{"a.md"});
    CHECK(a_entries[1].paths == std::vector<std::string>{"a.md"});

    std::vector<dossier::git::LogEntry> all = repo.log("", 0);
    REQUIRE(all.size() == 3);
    CHECK(all[0].commit == third);
    CHECK(all[1].commit == second);
    CHECK(all[2].commit == first);

    std::vector<dossier::git::LogEntry> folder = repo.log("sub/", 0);
    REQUIRE(folder.size() == 1);
    CHECK(folder[0].commit == second);
    CHECK(folder[0].paths == std::vector<std::string>{"sub/b.md"});

    CHECK(repo.log("", 1).size() == 1);
    CHECK(repo.log("missing.md", 0).empty());
}

TEST_CASE_FIXTURE(GitFixture, "log of a shallow clone stops at the boundary") {
    Repository source = Repository::init(dir());
    commit_file(source, "a.md", "a1\n", "Add a");
    commit_file(source, "b.md", "b1\n", "Add b");
    std::string tip = commit_file(source, "b.md", "b2\n", "Edit b");
    fs::path clone = sandbox_.path() / "shallow clone";
    REQUIRE(run("GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git clone -q --depth 1 " +
                shell_quote("file://" + dir().string()) + " " + shell_quote(clone.string()))
                .status == 0);

    Repository repo = Repository::open(clone);

    CHECK(repo.is_shallow());
    std::vector<dossier::git::LogEntry> all = repo.log("", 0);
    REQUIRE(all.size() == 1);
    CHECK(all[0].commit == tip);
    CHECK(all[0].paths == std::vector<std::string>{"a.md", "b.md"});
    CHECK(repo.log("a.md", 0).size() == 1);
    try {
        repo.resolve("HEAD~1");
        FAIL("resolve succeeded");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::not_found);
        CHECK(error.hint().find("shallow") != std::string::npos);
    }

    std::string id = commit_file(repo, "c.md", "c1\n", "Add c in the clone");
    CHECK(git_output(clone, "rev-parse HEAD~1") == tip);
    CHECK(git_output(clone, "status --porcelain").empty());
    CHECK(repo.log("", 0).size() == 2);
    CHECK(repo.log("", 0)[0].commit == id);
}

TEST_CASE_FIXTURE(GitFixture, "diff shows removed and added lines") {
    Repository repo = Repository::init(dir());
    std::string first = commit_file(repo, "doc.md", "title\nold line\n", "First");
    std::string second = commit_file(repo, "doc.md", "title\nnew line\n", "Second");

    std::string between = repo.diff("doc.md", first, second);
    CHECK(between.find("diff --git a/doc.md b/doc.md") != std::string::npos);
    CHECK(between.find("--- a/doc.md") != std::string::npos);
    CHECK(between.find("+++ b/doc.md") != std::string::npos);
    CHECK(between.find("\n-old line\n") != std::string::npos);
    CHECK(between.find("\n+new line\n") != std::string::npos);
    CHECK(between == git_output(dir(), "diff " + first + " " + second + " -- doc.md") + "\n");

    CHECK(repo.diff("doc.md", std::nullopt, std::nullopt).empty());
    CHECK(repo.diff("doc.md", second, second).empty());

    write_file(dir() / "doc.md", "title\nedited line\n");
    std::string to_workdir = repo.diff("doc.md", std::nullopt, std::nullopt);
    CHECK(to_workdir.find("\n-new line\n") != std::string::npos);
    CHECK(to_workdir.find("\n+edited line\n") != std::string::npos);
    CHECK(to_workdir == git_output(dir(), "diff HEAD -- doc.md") + "\n");

    std::string from_first = repo.diff("doc.md", first, std::nullopt);
    CHECK(from_first.find("\n-old line\n") != std::string::npos);
    CHECK(from_first.find("\n+edited line\n") != std::string::npos);
}

TEST_CASE_FIXTURE(GitFixture, "diff limits output to the path") {
    Repository repo = Repository::init(dir());
    std::string first = commit_file(repo, "dir [x]/a.md", "a1\n", "Add a");
    commit_file(repo, "b.md", "b1\n", "Add b");
    std::string third = commit_file(repo, "dir [x]/a.md", "a2\n", "Edit a");

    std::string diff = repo.diff("dir [x]/a.md", first, third);
    CHECK(diff.find("+a2") != std::string::npos);
    CHECK(diff.find("b.md") == std::string::npos);
    CHECK(repo.diff("dir [x]", first, third) == diff);
    CHECK(repo.diff("dir *", first, third).empty());
}

TEST_CASE_FIXTURE(GitFixture, "diff on an unborn branch shows new files") {
    Repository repo = Repository::init(dir());
    write_file(dir() / "new.md", "fresh\n");

    std::string diff = repo.diff("new.md", std::nullopt, std::nullopt);

    CHECK(diff.find("new file mode 100644") != std::string::npos);
    CHECK(diff.find("+fresh") != std::string::npos);
}

TEST_CASE_FIXTURE(GitFixture, "is_modified follows the working tree") {
    Repository repo = Repository::init(dir());
    commit_file(repo, "index.md", "# Client\n", "Create client");

    CHECK_FALSE(repo.is_modified("index.md"));
    write_file(dir() / "index.md", "# Client\n\nEdited.\n");
    CHECK(repo.is_modified("index.md"));
    write_file(dir() / "new.md", "New\n");
    CHECK(repo.is_modified("new.md"));
    CHECK_FALSE(repo.is_modified("absent.md"));
}

TEST_CASE_FIXTURE(GitFixture, "configured_signature reads the repository configuration") {
    Repository repo = Repository::init(dir());
    CHECK_FALSE(repo.configured_signature().has_value());

    REQUIRE(run_git(dir(), "config user.name 'Claire Petit'").status == 0);
    CHECK_FALSE(repo.configured_signature().has_value());

    REQUIRE(run_git(dir(), "config user.email claire@example.com").status == 0);
    std::optional<Signature> signature = repo.configured_signature();
    REQUIRE(signature.has_value());
    CHECK(signature->name == "Claire Petit");
    CHECK(signature->email == "claire@example.com");
}

// --- Cleaning up after a killed commit ---------------------------------------------------

namespace {

using dossier::Change;
using dossier::WriteLock;
using dossier::git::CommitStep;
using namespace std::chrono_literals;

// Runs `work` with the write lock of `repo` held in a child process, which then exits at once
// as a killed process would, without releasing anything.
void hold_lock_and_die(const Repository& repo, const std::function<void(WriteLock&)>& work) {
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // The child exits with the lock held, and never returns into the test runner.
        try {
            WriteLock lock(repo.workdir() / ".git", 1s);
            work(lock);
            ::_exit(0);
        } catch (...) {
            ::_exit(1);
        }
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
}

// Leaves the write lock's records of `step` of making `commit`, as a process killed during
// that step does.
void leave_record(const Repository& repo, CommitStep step, const std::string& commit) {
    hold_lock_and_die(repo, [&](WriteLock& lock) { lock.record(std::pair(step, commit)); });
}

}  // namespace

TEST_CASE_FIXTURE(GitFixture, "change removes index.lock of a killed commit") {
    Repository repo = Repository::init(dir());
    std::string head = commit_file(repo, "index.md", "# Client\n", "Create client");
    leave_record(repo, CommitStep::write_index, head);
    fs::path lock = dir() / ".git" / "index.lock";
    write_file(lock, "");

    Change change(repo);

    CHECK_FALSE(fs::exists(lock));
    change.write("index.md", "# Client\n\nEdited.\n");
    CHECK(change.commit("Edit index", author).has_value());
    CHECK(git_output(dir(), "status --porcelain").empty());
}

TEST_CASE_FIXTURE(GitFixture, "change removes the branch lock of a killed commit") {
    Repository repo = Repository::init(dir());
    std::string head = commit_file(repo, "index.md", "# Client\n", "Create client");
    leave_record(repo, CommitStep::move_branch, std::string(40, 'a'));
    fs::path branch_lock = dir() / ".git" / "refs" / "heads" / "main.lock";
    fs::path index_lock = dir() / ".git" / "index.lock";
    write_file(branch_lock, "");
    write_file(index_lock, "");

    Change change(repo);

    CHECK_FALSE(fs::exists(branch_lock));
    // The killed process was moving the branch, so index.lock is someone else's.
    CHECK(fs::exists(index_lock));
    CHECK(repo.head_commit() == head);
}

TEST_CASE_FIXTURE(GitFixture, "change keeps a lock file older than the killed step") {
    Repository repo = Repository::init(dir());
    std::string head = commit_file(repo, "index.md", "# Client\n", "Create client");
    fs::path lock = dir() / ".git" / "index.lock";
    write_file(lock, "");
    fs::last_write_time(lock, fs::last_write_time(lock) - 1h);
    leave_record(repo, CommitStep::write_index, head);

    Change change(repo);
    write_file(dir() / "index.md", "# Client\n\nEdited.\n");
    change.write("index.md", "# Client\n\nEdited.\n");

    CHECK(fs::exists(lock));
    try {
        change.commit("Edit index", author);
        FAIL("commit succeeded");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::conflict);
        CHECK(std::string(error.what()).find(lock.string()) != std::string::npos);
    }
    CHECK(repo.head_commit() == head);
}

TEST_CASE_FIXTURE(GitFixture, "change keeps a lock file without a killed commit") {
    Repository repo = Repository::init(dir());
    commit_file(repo, "index.md", "# Client\n", "Create client");
    fs::path lock = dir() / ".git" / "index.lock";
    write_file(lock, "");

    Change change(repo);

    CHECK(fs::exists(lock));
}

TEST_CASE_FIXTURE(GitFixture, "change stages the paths of a commit whose index was not written") {
    Repository repo = Repository::init(dir());
    commit_file(repo, "index.md", "# Client\n", "Create client");
    commit_file(repo, "gone.md", "# Gone\n", "Add a file to remove");
    write_file(dir() / "index.md", "# Client\n\nEdited.\n");
    write_file(dir() / "new.md", "# New\n");
    fs::remove(dir() / "gone.md");
    // The killed process moved the branch, then died before it wrote the index.
    std::vector<ChangedPath> paths{{"index.md", std::nullopt}, {"new.md", std::nullopt}, {"gone.md", std::nullopt}};
    std::string killed = *repo.commit(paths, "Edit", author, repo.head_commit());
    REQUIRE(run_git(dir(), "read-tree HEAD~1").status == 0);
    write_file(dir() / "staged.md", "# Staged by hand\n");
    REQUIRE(run_git(dir(), "add staged.md").status == 0);
    auto stale = git_output(dir(), "status --porcelain");
    CHECK(stale.find("index.md") != std::string::npos);
    CHECK(stale.find("new.md") != std::string::npos);
    CHECK(stale.find("gone.md") != std::string::npos);
    leave_record(repo, CommitStep::write_index, killed);

    Change change(repo);

    CHECK(git_output(dir(), "status --porcelain") == "A  staged.md");
}

TEST_CASE_FIXTURE(GitFixture, "change leaves the index alone when the killed commit did not land") {
    Repository repo = Repository::init(dir());
    commit_file(repo, "index.md", "# Client\n", "Create client");
    write_file(dir() / "index.md", "# Client\n\nStaged by hand.\n");
    REQUIRE(run_git(dir(), "add index.md").status == 0);
    leave_record(repo, CommitStep::move_branch, std::string(40, 'b'));

    Change change(repo);

    CHECK(git_output(dir(), "status --porcelain") == "M  index.md");
}

TEST_CASE_FIXTURE(GitFixture, "write lock timeout names only the holder's process id") {
    Repository repo = Repository::init(dir());
    std::string head = commit_file(repo, "index.md", "# Client\n", "Create client");
    WriteLock holder(dir() / ".git", 1s);
    holder.record(std::pair(CommitStep::write_index, head));

    try {
        WriteLock waiter(dir() / ".git", 50ms);
        FAIL("the second lock was granted while the first was held");
    } catch (const Error& error) {
        CHECK(std::string(error.what()).find("(process id " + std::to_string(::getpid()) + ")") != std::string::npos);
        CHECK(std::string(error.what()).find(head) == std::string::npos);
    }
}

TEST_CASE_FIXTURE(GitFixture, "change removes temporary files of a killed change") {
    Repository repo = Repository::init(dir());
    commit_file(repo, "index.md", "# Client\n", "Create client");
    fs::path older = dir() / "notes" / ".old.md.tmp-Older1";
    write_file(older, "from before the killed change");
    fs::last_write_time(older, fs::last_write_time(older) - 1h);
    fs::path temporary = dir() / "notes" / ".plan.md.tmp-Ab12Cd";
    fs::path similar = dir() / "notes" / ".plan.md.tmp-1";
    fs::path in_git = dir() / ".git" / ".config.tmp-Ab12Cd";
    fs::path in_state = dir() / ".dossier" / ".index.stamp.tmp-Ab12Cd";
    fs::create_directories(dir() / "clients" / "other" / ".git");
    fs::path in_other_repository = dir() / "clients" / "other" / ".plan.md.tmp-Ab12Cd";
    hold_lock_and_die(repo, [&](WriteLock&) {
        write_file(temporary, "half written");
        write_file(similar, "a user's file");
        write_file(in_git, "not a working tree file");
        write_file(in_state, "written under another lock");
        write_file(in_other_repository, "written under another lock");
    });

    Change change(repo);

    CHECK_FALSE(fs::exists(temporary));
    CHECK(fs::exists(older));
    CHECK(fs::exists(similar));
    CHECK(fs::exists(in_git));
    CHECK(fs::exists(in_state));
    CHECK(fs::exists(in_other_repository));
}

TEST_CASE_FIXTURE(GitFixture, "change keeps temporary files after a clean release") {
    Repository repo = Repository::init(dir());
    commit_file(repo, "index.md", "# Client\n", "Create client");
    fs::path temporary = dir() / ".plan.md.tmp-Ab12Cd";
    {
        WriteLock lock(dir() / ".git", 1s);
        write_file(temporary, "written by hand");
    }

    Change change(repo);

    CHECK(fs::exists(temporary));
}

TEST_CASE_FIXTURE(GitFixture, "records of a killed holder survive a failed cleanup") {
    Repository repo = Repository::init(dir());
    std::string head = commit_file(repo, "index.md", "# Client\n", "Create client");
    leave_record(repo, CommitStep::write_index, head);
    {
        WriteLock lock(dir() / ".git", 1s);
        REQUIRE(lock.interrupted_commit().has_value());
        // Released without clear_interrupted(), as when the cleanup throws.
    }

    WriteLock lock(dir() / ".git", 1s);

    REQUIRE(lock.interrupted_commit().has_value());
    CHECK(lock.interrupted_commit()->commit == head);
    CHECK(lock.interrupted_commit()->step == CommitStep::write_index);
    CHECK(lock.interrupted_change().has_value());
}

TEST_CASE_FIXTURE(GitFixture, "clean release leaves no records") {
    Repository repo = Repository::init(dir());
    std::string head = commit_file(repo, "index.md", "# Client\n", "Create client");
    {
        WriteLock lock(dir() / ".git", 1s);
        lock.record(std::pair(CommitStep::move_branch, head));
    }

    WriteLock lock(dir() / ".git", 1s);

    CHECK_FALSE(lock.interrupted_commit().has_value());
    CHECK_FALSE(lock.interrupted_change().has_value());
}

}  // TEST_SUITE
