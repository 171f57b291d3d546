// Tests of the Markdown importer: the plan for each kind of file, the checks of the request,
// and the commit with its rollback.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "dossier/change.hpp"
#include "dossier/error.hpp"
#include "dossier/git_repository.hpp"
#include "dossier/markdown_import.hpp"
#include "temporary_folder.hpp"

namespace fs = std::filesystem;
using namespace dossier;

namespace {

void write(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
    REQUIRE(out.good());
}

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

// A source folder and a client folder side by side in one temporary folder.
struct ImportFolders {
    test::TemporaryFolder root{"import"};
    fs::path source = root.path() / "source";
    fs::path client = root.path() / "client";

    ImportFolders() {
        fs::create_directories(source);
        fs::create_directories(client);
    }

    MarkdownImportRequest request() const {
        MarkdownImportRequest request;
        request.source_dir = source;
        request.client_dir = client;
        return request;
    }
};

// Returns the plan's entries by source path.
std::map<std::string, ImportedFile> by_source(const MarkdownImportPlan& plan) {
    std::map<std::string, ImportedFile> files;
    for (const auto& file : plan.files) files.emplace(file.source_path, file);
    return files;
}

template <typename Action>
Error error_from(Action&& action) {
    try {
        action();
    } catch (const Error& error) {
        return error;
    }
    FAIL("no dossier::Error was thrown");
    return Error(ErrorKind::io, "");
}

bool running_as_root() { return ::geteuid() == 0; }

const git::Signature author{"Alice Martin", "alice@example.com"};

}  // namespace

// --- names and requests ---------------------------------------------------------------

TEST_CASE("Markdown file names") {
    for (const char* name : {"a.md", "A.MD", "notes.markdown", "x.Markdown", "page.html.md", "page.html.md.erb",
                             "page.markdown.erb"}) {
        CAPTURE(name);
        CHECK(is_markdown_file_name(name));
    }
    for (const char* name : {"md", ".md", "a.mdx", "a.txt", "a.erb", "page.html.erb", "a.md.bak", "a.rmd"}) {
        CAPTURE(name);
        CHECK_FALSE(is_markdown_file_name(name));
    }
}

TEST_CASE("request with invalid mappings is a usage error") {
    ImportFolders folders;
    const std::vector<std::vector<KeyMapping>> cases = {
        {{"a", "yes"}},
        {{"a", "b: c"}},
        {{"", "b"}},
        {{"a", "a"}},
        {{"a", "b"}, {"a", "c"}},
        {{"a", "c"}, {"b", "c"}},
        {{"a", "b"}, {"b", "c"}},
    };
    for (const auto& mappings : cases) {
        CAPTURE(mappings.size());
        CAPTURE(mappings.front().to);
        auto request = folders.request();
        request.mappings = mappings;

        auto error = error_from([&] { validate_markdown_import_request(request); });

        CHECK(error.kind() == ErrorKind::usage);
        CHECK_FALSE(error.hint().empty());
    }
}

TEST_CASE("request with an invalid type or folder is a usage error") {
    ImportFolders folders;
    for (const char* type : {"Runbook", "run book", "-x", "é"}) {
        CAPTURE(type);
        auto request = folders.request();
        request.default_type = type;
        CHECK(error_from([&] { validate_markdown_import_request(request); }).kind() == ErrorKind::usage);
    }
    for (const char* folder : {"/abs", "../up", "a/../../b", ".git", "kb/.hidden", "a\\b"}) {
        CAPTURE(folder);
        auto request = folders.request();
        request.target_folder = folder;
        CHECK(error_from([&] { validate_markdown_import_request(request); }).kind() == ErrorKind::usage);
    }
}

TEST_CASE("missing source folder is not found") {
    ImportFolders folders;
    auto request = folders.request();
    request.source_dir = folders.root.path() / "nope";

    auto error = error_from([&] { plan_markdown_import(request); });

    CHECK(error.kind() == ErrorKind::not_found);
    CHECK(std::string(error.what()).find("nope") != std::string::npos);
}

TEST_CASE("source that is a file or overlaps the client is rejected") {
    ImportFolders folders;
    write(folders.root.path() / "file.md", "# x\n");
    fs::create_directories(folders.client / "inside");

    for (const auto& source : {folders.root.path() / "file.md", folders.client, folders.client / "inside",
                               folders.root.path()}) {
        CAPTURE(source);
        auto request = folders.request();
        request.source_dir = source;
        CHECK(error_from([&] { plan_markdown_import(request); }).kind() == ErrorKind::invalid_input);
    }
}

TEST_CASE("target folder that is a file is rejected") {
    ImportFolders folders;
    write(folders.client / "kb", "not a folder");
    write(folders.source / "a.md", "# A\n");
    auto request = folders.request();
    request.target_folder = "kb/imported";

    auto error = error_from([&] { plan_markdown_import(request); });

    CHECK(error.kind() == ErrorKind::invalid_input);
    CHECK(std::string(error.what()).starts_with("cannot import into kb/imported: "));
}

// --- the plan -------------------------------------------------------------------------

TEST_CASE("plan renames keys and keeps other bytes") {
    ImportFolders folders;
    std::string bytes = "---\r\ntitle: Logs\r\nlast_reviewed_on: 2025-07-15 # ok\r\nreview_in: 6 months\r\n---\r\n# Logs\r\n";
    write(folders.source / "runbooks/logs.md", bytes);
    auto request = folders.request();
    request.mappings = {{"last_reviewed_on", "reviewed"}, {"review_in", "review_every"}};

    auto plan = plan_markdown_import(request);

    REQUIRE(plan.files.size() == 1);
    const auto& file = plan.files.front();
    CHECK(file.outcome == ImportOutcome::adopted);
    CHECK(file.target_path == "runbooks/logs.md");
    REQUIRE(file.renamed_keys.size() == 2);
    CHECK(file.renamed_keys[0].to == "reviewed");
    CHECK(file.added_keys.empty());
    REQUIRE(file.content);
    CHECK(*file.content == "---\r\ntitle: Logs\r\nreviewed: 2025-07-15 # ok\r\nreview_every: 6 months\r\n---\r\n# Logs\r\n");
}

TEST_CASE("plan adds type and title from the first level-1 heading") {
    ImportFolders folders;
    write(folders.source / "a.md", "Intro\n\n```sh\n# not a heading\n```\n\n## Two\n# The  real title ##\n");
    write(folders.source / "b.md", "---\nowner: ops\n---\n~~~~\n# fenced\n~~~~\n#\n# Second: part\n");
    write(folders.source / "c-d_e.html.md.erb", "No heading here.\n");
    write(folders.source / "typed.md", "---\ntype: kb\n---\n# Typed\n");
    write(folders.source / "titled.md", "---\ntitle: Kept\n---\n# Other\n");
    write(folders.source / "empty-title.md", "---\ntitle:\n---\n# Filled\n");
    auto request = folders.request();
    request.default_type = "runbook";

    auto files = by_source(plan_markdown_import(request));

    CHECK(*files["a.md"].content == "---\ntype: runbook\ntitle: The  real title\n---\nIntro\n\n```sh\n# not a heading\n"
                                    "```\n\n## Two\n# The  real title ##\n");
    CHECK(*files["b.md"].content ==
          "---\nowner: ops\ntype: runbook\ntitle: \"Second: part\"\n---\n~~~~\n# fenced\n~~~~\n#\n# Second: part\n");
    CHECK(*files["c-d_e.html.md.erb"].content == "---\ntype: runbook\ntitle: c d e\n---\nNo heading here.\n");
    CHECK_FALSE(files["typed.md"].changed());
    CHECK(*files["titled.md"].content == "---\ntitle: Kept\ntype: runbook\n---\n# Other\n");
    CHECK(*files["empty-title.md"].content == "---\ntitle: Filled\ntype: runbook\n---\n# Filled\n");
    CHECK(files["a.md"].added_keys ==
          std::vector<std::pair<std::string, std::string>>{{"type", "runbook"}, {"title", "The  real title"}});
    CHECK(files["titled.md"].added_keys == std::vector<std::pair<std::string, std::string>>{{"type", "runbook"}});
}

TEST_CASE("plan adds a block with BOM and CRLF kept") {
    ImportFolders folders;
    write(folders.source / "win.md", "\xEF\xBB\xBF# Poste\r\nCorps\r\n");
    auto request = folders.request();
    request.default_type = "kb";

    auto plan = plan_markdown_import(request);

    REQUIRE(plan.files.front().content);
    CHECK(*plan.files.front().content == "\xEF\xBB\xBF---\r\ntype: kb\r\ntitle: Poste\r\n---\r\n# Poste\r\nCorps\r\n");
}

TEST_CASE("plan without type keeps files without front matter") {
    ImportFolders folders;
    write(folders.source / "note.md", "# Just a note\n");

    auto plan = plan_markdown_import(folders.request());

    CHECK(plan.files.front().outcome == ImportOutcome::adopted);
    CHECK_FALSE(plan.files.front().changed());
}

TEST_CASE("plan keeps a file whose front matter cannot be read") {
    ImportFolders folders;
    write(folders.source / "kb/broken.md", "---\ntitle: a\ntitle: b\nreview_in: 1 year\n---\n");
    write(folders.source / "kb/latin1.md", "---\ntitle: caf\xE9\n---\n");
    write(folders.source / "kb/open.md", "---\ntitle: never closed\n");
    auto request = folders.request();
    request.mappings = {{"review_in", "review_every"}};
    request.default_type = "kb";

    auto files = by_source(plan_markdown_import(request));

    for (const char* path : {"kb/broken.md", "kb/latin1.md", "kb/open.md"}) {
        CAPTURE(path);
        CHECK(files[path].outcome == ImportOutcome::adopted);
        CHECK_FALSE(files[path].changed());
        CHECK(files[path].front_matter_error.starts_with(std::string(path) + ":"));
    }
    CHECK(files["kb/broken.md"].front_matter_error.starts_with("kb/broken.md:3:1: "));
}

TEST_CASE("plan warns when a mapping cannot be applied") {
    ImportFolders folders;
    write(folders.source / "both.md", "---\nreview_in: 1 year\nreview_every: 6 months\nlast_reviewed_on: 2025-01-02\n---\n");
    write(folders.source / "toml.md", "+++\nreview_in = \"1 year\"\n+++\n");
    auto request = folders.request();
    request.mappings = {{"review_in", "review_every"}, {"last_reviewed_on", "reviewed"}};

    auto files = by_source(plan_markdown_import(request));

    REQUIRE(files["both.md"].warnings.size() == 1);
    CHECK(files["both.md"].warnings.front().find("\"review_every\" already exists") != std::string::npos);
    REQUIRE(files["both.md"].renamed_keys.size() == 1);
    CHECK(files["both.md"].renamed_keys.front().from == "last_reviewed_on");
    CHECK(*files["both.md"].content ==
          "---\nreview_in: 1 year\nreview_every: 6 months\nreviewed: 2025-01-02\n---\n");
    REQUIRE(files["toml.md"].warnings.size() == 1);
    CHECK_FALSE(files["toml.md"].changed());
}

TEST_CASE("plan lists attachments and skips what it cannot copy") {
    ImportFolders folders;
    write(folders.source / "a.md", "# A\n");
    write(folders.source / "images/diagram.png", "\x89PNG\r\n\x1a\n");
    write(folders.source / ".hidden.md", "# hidden\n");
    write(folders.source / ".obsidian/config", "{}");
    write(folders.source / ".git/HEAD", "ref: refs/heads/main\n");
    write(folders.source / "bad\xFFname.md", "# bad\n");
    write(folders.source / "line\nbreak.md", "# bad\n");
    fs::create_symlink("a.md", folders.source / "link.md");
    fs::create_directory_symlink(folders.source / "images", folders.source / "linked-images");
    REQUIRE(::mkfifo((folders.source / "pipe").c_str(), 0600) == 0);

    auto plan = plan_markdown_import(folders.request());
    auto files = by_source(plan);

    CHECK(files.size() == 9);
    CHECK(files.count(".git") == 0);
    CHECK(files["a.md"].outcome == ImportOutcome::adopted);
    CHECK(files["images/diagram.png"].outcome == ImportOutcome::attachment);
    CHECK(files[".hidden.md"].reason == ImportReason::hidden);
    CHECK(files[".obsidian"].reason == ImportReason::hidden);
    CHECK(files[".obsidian"].folder);
    CHECK(files["bad\\xFFname.md"].reason == ImportReason::invalid_name);
    CHECK(files["line\nbreak.md"].reason == ImportReason::invalid_name);
    CHECK(files["link.md"].reason == ImportReason::symbolic_link);
    CHECK(files["linked-images"].reason == ImportReason::symbolic_link);
    CHECK(files["pipe"].reason == ImportReason::special_file);
    for (const auto& file : plan.files) {
        CAPTURE(file.source_path);
        if (file.outcome == ImportOutcome::skipped) CHECK_FALSE(file.message.empty());
    }

    auto summary = summarize(plan);
    CHECK(summary.adopted == 1);
    CHECK(summary.attachments == 1);
    CHECK(summary.skipped == 7);
    CHECK(summary.failed == 0);
}

TEST_CASE("plan reports an unreadable file and goes on") {
    if (running_as_root()) {
        MESSAGE("skipped: running as root, where a file with mode 000 can still be read");
        return;
    }
    ImportFolders folders;
    write(folders.source / "a-secret.md", "# Secret\n");
    write(folders.source / "b.md", "# B\n");
    write(folders.source / "locked/c.md", "# C\n");
    fs::permissions(folders.source / "a-secret.md", fs::perms::none);
    fs::permissions(folders.source / "locked", fs::perms::none);

    auto files = by_source(plan_markdown_import(folders.request()));
    fs::permissions(folders.source / "locked", fs::perms::owner_all);

    CHECK(files["a-secret.md"].outcome == ImportOutcome::failed);
    CHECK(files["a-secret.md"].reason == ImportReason::unreadable);
    CHECK(files["a-secret.md"].message.find("Permission denied") != std::string::npos);
    CHECK(files["locked"].outcome == ImportOutcome::failed);
    CHECK(files["locked"].folder);
    CHECK(files["b.md"].outcome == ImportOutcome::adopted);
}

TEST_CASE("plan never takes an existing path") {
    ImportFolders folders;
    write(folders.client / "runbooks/vpn.md", "mine\n");
    write(folders.client / "kb/Backup.md", "mine\n");
    write(folders.client / "notes", "a file\n");
    fs::create_directories(folders.client / "vendor/lib");
    write(folders.client / "vendor/lib/.git", "gitdir: elsewhere\n");
    fs::create_directory_symlink(folders.root.path(), folders.client / "outside");
    write(folders.source / "runbooks/vpn.md", "theirs\n");
    write(folders.source / "kb/backup.md", "theirs\n");
    write(folders.source / "notes/a.md", "theirs\n");
    write(folders.source / "vendor/lib/a.md", "theirs\n");
    write(folders.source / "outside/a.md", "theirs\n");
    write(folders.source / "Runbooks/other.md", "theirs\n");

    auto files = by_source(plan_markdown_import(folders.request()));

    CHECK(files["runbooks/vpn.md"].reason == ImportReason::already_exists);
    CHECK(files["kb/backup.md"].reason == ImportReason::collision);
    CHECK(files["kb/backup.md"].message.find("kb/Backup.md") != std::string::npos);
    CHECK(files["notes/a.md"].reason == ImportReason::blocked_path);
    CHECK(files["vendor/lib/a.md"].reason == ImportReason::blocked_path);
    CHECK(files["outside/a.md"].reason == ImportReason::blocked_path);
    CHECK(files["Runbooks/other.md"].reason == ImportReason::collision);
    for (const auto& [path, file] : files) {
        CAPTURE(path);
        CHECK(file.outcome == ImportOutcome::skipped);
    }
}

TEST_CASE("plan keeps the first of two colliding source paths") {
    ImportFolders folders;
    write(folders.source / "README.md", "# Upper\n");
    write(folders.source / "readme.md", "# Lower\n");
    write(folders.source / "caf\xC3\xA9.md", "# NFC\n");
    write(folders.source / "cafe\xCC\x81.md", "# NFD\n");

    auto files = by_source(plan_markdown_import(folders.request()));

    CHECK(files["README.md"].outcome == ImportOutcome::adopted);
    CHECK(files["readme.md"].reason == ImportReason::collision);
    CHECK(files["readme.md"].message.find("README.md") != std::string::npos);
    CHECK(files["cafe\xCC\x81.md"].outcome == ImportOutcome::adopted);
    CHECK(files["cafe\xCC\x81.md"].target_path == "caf\xC3\xA9.md");
    CHECK(files["caf\xC3\xA9.md"].reason == ImportReason::collision);
}

TEST_CASE("plan puts files under the target folder") {
    ImportFolders folders;
    write(folders.source / "a.md", "# A\n");
    write(folders.source / "sub/b.png", "png");
    auto request = folders.request();
    request.target_folder = "./kb//imported/";

    auto plan = plan_markdown_import(request);

    CHECK(plan.target_folder == "kb/imported");
    auto files = by_source(plan);
    CHECK(files["a.md"].target_path == "kb/imported/a.md");
    CHECK(files["sub/b.png"].target_path == "kb/imported/sub/b.png");
}

TEST_CASE("summary counts renamed and added keys") {
    ImportFolders folders;
    write(folders.source / "a.md", "---\nreview_in: 1 year\n---\n# A\n");
    write(folders.source / "b.md", "---\nreview_in: 1 year\ntype: kb\n---\n");
    write(folders.source / "c.md", "# C\n");
    write(folders.source / "d.html.md.erb", "# D\n");
    auto request = folders.request();
    request.mappings = {{"review_in", "review_every"}, {"absent", "present"}};
    request.default_type = "runbook";

    auto summary = summarize(plan_markdown_import(request));

    CHECK(summary.adopted == 4);
    CHECK(summary.changed == 4);
    REQUIRE(summary.renamed.size() == 2);
    CHECK(summary.renamed[0].second == 2);
    CHECK(summary.renamed[1].second == 0);
    REQUIRE(summary.added.size() == 2);
    CHECK(summary.added[0] == std::pair<std::string, std::size_t>{"type", 3});
    CHECK(summary.added[1] == std::pair<std::string, std::size_t>{"title", 3});
    CHECK(summary.not_named_md == 1);
}

// --- the commit -----------------------------------------------------------------------

TEST_CASE("commit writes every file in one commit") {
    ImportFolders folders;
    auto repository = git::Repository::init(folders.client);
    write(folders.source / "a.md", "---\nreview_in: 1 year\n---\n");
    write(folders.source / "tools/fix.sh", "#!/bin/sh\n");
    fs::permissions(folders.source / "tools/fix.sh", fs::perms::owner_all);
    auto request = folders.request();
    request.mappings = {{"review_in", "review_every"}};

    Change change(repository);
    auto plan = plan_markdown_import(request);
    auto commit = commit_markdown_import(plan, change, author);

    REQUIRE(commit);
    CHECK(repository.head_commit() == commit);
    CHECK(read(folders.client / "a.md") == "---\nreview_every: 1 year\n---\n");
    CHECK(read(folders.client / "tools/fix.sh") == "#!/bin/sh\n");
    CHECK((fs::status(folders.client / "tools/fix.sh").permissions() & fs::perms::owner_exec) != fs::perms::none);
    auto log = repository.log("", 0);
    REQUIRE(log.size() == 1);
    CHECK(log.front().summary == "import 1 Markdown document and 1 attachment from source");
    CHECK(log.front().message.find("Renamed keys: review_in to review_every (1)") != std::string::npos);
    CHECK(log.front().paths == std::vector<std::string>{"a.md", "tools/fix.sh"});
}

TEST_CASE("commit with nothing to write makes no commit") {
    ImportFolders folders;
    auto repository = git::Repository::init(folders.client);
    write(folders.source / ".hidden", "x");

    Change change(repository);
    auto plan = plan_markdown_import(folders.request());
    auto commit = commit_markdown_import(plan, change, author);

    CHECK_FALSE(commit);
    CHECK_FALSE(repository.head_commit());
}

TEST_CASE("failed commit removes the files it wrote") {
    ImportFolders folders;
    auto repository = git::Repository::init(folders.client);
    write(folders.client / "client.md", "---\ntype: client\n---\n");
    repository.commit({{"client.md"}}, "first", author, std::nullopt);
    write(folders.source / "deep/new/a.md", "# A\n");

    Change change(repository);
    auto plan = plan_markdown_import(folders.request());
    // Another writer moves the branch between the plan and the commit.
    write(folders.client / "other.md", "x\n");
    repository.commit({{"other.md"}}, "second", author, repository.head_commit());
    auto error = error_from([&] { commit_markdown_import(plan, change, author); });

    CHECK(error.kind() == ErrorKind::conflict);
    CHECK(error.hint().find("run again") != std::string::npos);
    CHECK_FALSE(fs::exists(folders.client / "deep"));
}
