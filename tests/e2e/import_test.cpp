// End-to-end tests of `dossier import markdown`, on hand-made folders and on the runbook corpora.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sandbox.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ClientSandbox;
using dossier::e2e::vpn_reset_document;
using nlohmann::json;

const std::vector<std::string> review_maps = {"--map", "last_reviewed_on=reviewed", "--map", "review_in=review_every"};

// A workspace with the client acme, and an empty folder `source/` next to it to import from.
class ImportSandbox : public ClientSandbox {
public:
    fs::path source() const { return root() / "source"; }

    // Runs `dossier import markdown source --client acme` with `extra` arguments.
    dossier::e2e::ProcessResult run_import(const std::vector<std::string>& extra = {}) const {
        std::vector<std::string> arguments{"import", "markdown", source().string(), "--client", "acme"};
        arguments.insert(arguments.end(), extra.begin(), extra.end());
        return dossier(arguments);
    }
};

// Returns the report's file entries by source path.
std::map<std::string, json> report_files(const std::string& out) {
    auto report = json::parse(out);
    std::map<std::string, json> files;
    for (const auto& file : report["files"]) files[file["source"].get<std::string>()] = file;
    return files;
}

// Returns true when the top-level front matter of `text` has a line starting with `key:`.
bool has_top_level_key(const std::string& text, const std::string& key) {
    auto start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    if (text.compare(start, 3, "---") != 0) return false;
    auto end = text.find("\n---", start + 3);
    auto block = "\n" + text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    return block.find("\n" + key + ":") != std::string::npos;
}

// --- keys and bytes -------------------------------------------------------------------

TEST_CASE_FIXTURE(ImportSandbox, "import renames keys and keeps every other byte") {
    std::string unix_page =
        "---\n"
        "title: Resolving no logs   # from the wiki\n"
        "last_reviewed_on: 2025-07-15\n"
        "review_in: 6 months\n"
        "tags: [logs]\n"
        "---\n"
        "# Resolving no logs\n"
        "\n"
        "last_reviewed_on: body text stays.\n";
    std::string windows_page = "\xEF\xBB\xBF---\r\nreview_in: 1 year\r\n'last_reviewed_on': 2024-01-02\r\n---\r\nCorps";
    std::string plain_note = "# Une note\n\nSans front matter.\n";
    write_file(source() / "runbooks/logs.md", unix_page);
    write_file(source() / "runbooks/windows.md", windows_page);
    write_file(source() / "kb/note.md", plain_note);

    auto result = run_import(review_maps);

    INFO(result.err);
    CHECK(result.exit_status == 0);
    CHECK(result.out == "");
    CHECK(read_file(acme() / "runbooks/logs.md") ==
          "---\n"
          "title: Resolving no logs   # from the wiki\n"
          "reviewed: 2025-07-15\n"
          "review_every: 6 months\n"
          "tags: [logs]\n"
          "---\n"
          "# Resolving no logs\n"
          "\n"
          "last_reviewed_on: body text stays.\n");
    CHECK(read_file(acme() / "runbooks/windows.md") ==
          "\xEF\xBB\xBF---\r\nreview_every: 1 year\r\nreviewed: 2024-01-02\r\n---\r\nCorps");
    CHECK(read_file(acme() / "kb/note.md") == plain_note);
    CHECK(result.err.find("  renamed: last_reviewed_on to reviewed in 2 documents\n") != std::string::npos);
    CHECK(result.err.find("  renamed: review_in to review_every in 2 documents\n") != std::string::npos);
    CHECK(result.err.find("  adopted: 3 Markdown documents (2 changed)\n") != std::string::npos);
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ImportSandbox, "import adds type and title with --type") {
    write_file(source() / "a.md", "Intro\n\n```sh\n# comment\n```\n# VPN reset\n");
    write_file(source() / "b.md", "\xEF\xBB\xBF---\r\nowner: ops\r\n---\r\nNo heading\r\n");
    write_file(source() / "c.md", "---\ntype: kb\n---\n# Typed\n");

    auto result = run_import({"--type", "runbook"});

    INFO(result.err);
    CHECK(result.exit_status == 0);
    CHECK(read_file(acme() / "a.md") == "---\ntype: runbook\ntitle: VPN reset\n---\nIntro\n\n```sh\n# comment\n```\n# VPN reset\n");
    CHECK(read_file(acme() / "b.md") == "\xEF\xBB\xBF---\r\nowner: ops\r\ntype: runbook\r\ntitle: b\r\n---\r\nNo heading\r\n");
    CHECK(read_file(acme() / "c.md") == "---\ntype: kb\n---\n# Typed\n");
    CHECK(result.err.find("  added: type in 2 documents\n") != std::string::npos);
    CHECK(result.err.find("  added: title in 2 documents\n") != std::string::npos);
}

TEST_CASE_FIXTURE(ImportSandbox, "import copies attachments byte for byte") {
    std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    write_file(source() / "runbooks/index.md", "# Index\n![schema](../images/schema.png)\n");
    write_file(source() / "images/schema.png", png);
    write_file(source() / "LICENSE", "MIT License\r\n");
    write_file(source() / "scripts/fix.sh", "#!/bin/sh\necho fixed\n");
    fs::permissions(source() / "scripts/fix.sh", fs::perms::owner_all | fs::perms::group_read);

    auto result = run_import();

    INFO(result.err);
    CHECK(result.exit_status == 0);
    CHECK(read_file(acme() / "images/schema.png") == png);
    CHECK(read_file(acme() / "LICENSE") == "MIT License\r\n");
    CHECK(git_output(acme(), {"ls-files", "-s", "scripts/fix.sh"}).starts_with("100755 "));
    CHECK(result.err.find("  attachments: 3\n") != std::string::npos);
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ImportSandbox, "import keeps a file with broken front matter") {
    std::string broken = "---\ntitle: a\ntitle: b\nreview_in: 1 year\n---\nBody\n";
    write_file(source() / "kb/broken.md", broken);
    write_file(source() / "kb/good.md", "---\nreview_in: 1 year\n---\n");

    auto result = run_import(review_maps);

    CHECK(result.exit_status == 0);
    CHECK(read_file(acme() / "kb/broken.md") == broken);
    CHECK(read_file(acme() / "kb/good.md") == "---\nreview_every: 1 year\n---\n");
    CHECK(result.err.find("  kept as they are, front matter unreadable: 1\n    kb/broken.md:3:1: ") != std::string::npos);
}

// --- what is not imported -------------------------------------------------------------

TEST_CASE_FIXTURE(ImportSandbox, "import reports collisions and imports the rest") {
    write_file(source() / "runbooks/VPN-reset.md", "# other\n");
    write_file(source() / "kb/README.md", "# upper\n");
    write_file(source() / "kb/readme.md", "# lower\n");
    write_file(source() / "kb/ok.md", "# ok\n");

    auto result = run_import({"--json"});

    INFO(result.err);
    CHECK(result.exit_status == 0);
    auto files = report_files(result.out);
    CHECK(files["runbooks/VPN-reset.md"]["outcome"] == "skipped");
    CHECK(files["runbooks/VPN-reset.md"]["reason"] == "collision");
    CHECK(files["kb/readme.md"]["reason"] == "collision");
    CHECK(files["kb/README.md"]["outcome"] == "adopted");
    CHECK(files["kb/ok.md"]["outcome"] == "adopted");
    CHECK_FALSE(fs::exists(acme() / "runbooks/VPN-reset.md"));
    CHECK(read_file(acme() / "kb/README.md") == "# upper\n");
    CHECK(result.err.find("  skipped: 2\n") != std::string::npos);
    CHECK(result.err.find("    runbooks/VPN-reset.md: differs only in case or accents from runbooks/vpn-reset.md, "
                          "which is in the client repository\n") != std::string::npos);
    CHECK(result.err.find("    kb/readme.md: differs only in case or accents from kb/README.md, which this import "
                          "adopts\n") != std::string::npos);
}

TEST_CASE_FIXTURE(ImportSandbox, "import never overwrites an existing file") {
    write_file(source() / "runbooks/vpn-reset.md", "# Theirs\n");
    write_file(source() / "runbooks/new.md", "# New\n");

    auto result = run_import();

    CHECK(result.exit_status == 0);
    CHECK(read_file(acme() / "runbooks/vpn-reset.md") == vpn_reset_document);
    CHECK(read_file(acme() / "runbooks/new.md") == "# New\n");
    CHECK(result.err.find("    runbooks/vpn-reset.md: runbooks/vpn-reset.md already exists in the client repository\n") !=
          std::string::npos);
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ImportSandbox, "import skips symbolic links and hidden files") {
    write_file(source() / "a.md", "# A\n");
    write_file(root() / "outside.md", "# Outside\n");
    fs::create_symlink(root() / "outside.md", source() / "link.md");
    write_file(source() / ".obsidian/workspace.json", "{}");
    write_file(source() / ".gitignore", "*.tmp\n");
    write_file(source() / ".git/HEAD", "ref: refs/heads/main\n");

    auto result = run_import({"--json"});

    CHECK(result.exit_status == 0);
    auto files = report_files(result.out);
    CHECK(files.size() == 4);
    CHECK(files["link.md"]["reason"] == "symbolic_link");
    CHECK(files[".obsidian"]["reason"] == "hidden");
    CHECK(files[".obsidian"]["folder"] == true);
    CHECK(files[".gitignore"]["reason"] == "hidden");
    CHECK_FALSE(fs::exists(fs::symlink_status(acme() / "link.md")));
    CHECK_FALSE(fs::exists(acme() / ".obsidian"));
    CHECK_FALSE(fs::exists(acme() / ".gitignore"));
    CHECK(result.err.find("    link.md: symbolic link: not followed; import the file it points to instead\n") !=
          std::string::npos);
    CHECK(result.err.find("    .obsidian/: hidden folder: not imported\n") != std::string::npos);
}

TEST_CASE_FIXTURE(ImportSandbox, "unreadable file is reported without stopping the others") {
    if (::geteuid() == 0) {
        MESSAGE("skipped: running as root, where a file with mode 000 can still be read");
        return;
    }
    write_file(source() / "a.md", "# A\n");
    write_file(source() / "b-secret.md", "# Secret\n");
    write_file(source() / "c.md", "# C\n");
    fs::permissions(source() / "b-secret.md", fs::perms::none);

    auto result = run_import();

    CHECK(result.exit_status == 0);
    CHECK(fs::exists(acme() / "a.md"));
    CHECK(fs::exists(acme() / "c.md"));
    CHECK_FALSE(fs::exists(acme() / "b-secret.md"));
    CHECK(result.err.find("  failed: 1\n    b-secret.md: cannot be read: Permission denied\n") != std::string::npos);
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

// --- commits and dry runs -------------------------------------------------------------

TEST_CASE_FIXTURE(ImportSandbox, "import makes one commit") {
    write_file(source() / "a.md", "---\nreview_in: 1 year\n---\n");
    write_file(source() / "sub/b.md", "# B\n");
    write_file(source() / "sub/c.txt", "c\n");
    auto commits_before = commit_count(acme());

    auto result = run_import(review_maps);

    CHECK(result.exit_status == 0);
    CHECK(commit_count(acme()) == commits_before + 1);
    CHECK(result.err.starts_with("dossier: imported " + source().string() + " into acme (commit " +
                                 head(acme()).substr(0, 8) + ")\n"));
    CHECK(git_output(acme(), {"log", "-1", "--format=%s"}) == "import 2 Markdown documents and 1 attachment from source\n");
    CHECK(git_output(acme(), {"log", "-1", "--format=%an <%ae>"}) == "Alice Martin <alice@example.com>\n");
    CHECK(git_output(acme(), {"show", "--format=", "--name-only", "HEAD"}) == "a.md\nsub/b.md\nsub/c.txt\n");
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ImportSandbox, "import again adopts only what is new") {
    write_file(source() / "a.md", "# A\n");
    REQUIRE(run_import().exit_status == 0);
    write_file(source() / "b.md", "# B\n");
    auto commits_before = commit_count(acme());

    auto result = run_import();

    CHECK(result.exit_status == 0);
    CHECK(commit_count(acme()) == commits_before + 1);
    CHECK(git_output(acme(), {"show", "--format=", "--name-only", "HEAD"}) == "b.md\n");
    CHECK(result.err.find("    a.md: a.md already exists in the client repository\n") != std::string::npos);
}

TEST_CASE_FIXTURE(ImportSandbox, "import of nothing new makes no commit") {
    write_file(source() / "runbooks/vpn-reset.md", "# Theirs\n");
    auto head_before = head(acme());

    auto result = run_import();

    CHECK(result.exit_status == 0);
    CHECK(head(acme()) == head_before);
    CHECK(result.err.starts_with("dossier: nothing imported from " + source().string() +
                                 ": every file was skipped or failed\n"));
}

TEST_CASE_FIXTURE(ImportSandbox, "failed commit leaves no imported file") {
    commit_document("acme", ".gitattributes", "*.md filter=lfs diff=lfs merge=lfs -text\n");
    write_file(source() / "kb/a.md", "# A\n");
    write_file(source() / "b.png", "png");
    auto head_before = head(acme());

    auto result = run_import();

    CHECK(result.exit_status == 3);
    CHECK(result.err.find("dossier cannot run it") != std::string::npos);
    CHECK(result.err.find("hint: nothing was imported: the files written were removed") != std::string::npos);
    CHECK(head(acme()) == head_before);
    CHECK_FALSE(fs::exists(acme() / "kb"));
    CHECK_FALSE(fs::exists(acme() / "b.png"));
    CHECK(status(acme()) == "");
}

TEST_CASE_FIXTURE(ImportSandbox, "relative folder names its last segment") {
    write_file(source() / "a.md", "# A\n");

    auto result = dossier_in(root(), {"-C", workspace().string(), "import", "markdown", "source/.", "--client", "acme"});

    INFO(result.err);
    CHECK(result.exit_status == 0);
    CHECK(result.err.starts_with("dossier: imported " + source().string() + " into acme"));
    CHECK(git_output(acme(), {"log", "-1", "--format=%s"}) == "import 1 Markdown document and 0 attachments from source\n");
}

TEST_CASE_FIXTURE(ImportSandbox, "dry run writes nothing and makes no commit") {
    write_file(source() / "a.md", "---\nlast_reviewed_on: 2025-01-02\n---\n");
    write_file(source() / "img/x.png", "png");
    write_file(source() / ".hidden", "x");
    auto head_before = head(acme());

    auto result = run_import({"--dry-run", "--type", "runbook", "--map", "last_reviewed_on=reviewed", "--to", "wiki"});

    INFO(result.err);
    CHECK(result.exit_status == 0);
    CHECK(head(acme()) == head_before);
    CHECK(status(acme()) == "");
    CHECK_FALSE(fs::exists(acme() / "wiki"));
    CHECK(result.out ==
          "skip   .hidden  (hidden file: not imported)\n"
          "adopt  a.md → wiki/a.md  (renames last_reviewed_on → reviewed; adds type: runbook, title: a)\n"
          "copy   img/x.png → wiki/img/x.png\n");
    CHECK(result.err.starts_with("dossier: dry run: would import " + source().string() +
                                 " into acme; nothing was written\n"));
}

TEST_CASE_FIXTURE(ImportSandbox, "import --to puts the tree in a folder") {
    write_file(source() / "a.md", "# A\n");
    write_file(source() / "sub/b.png", "png");

    auto result = run_import({"--to", "kb/wiki/"});

    CHECK(result.exit_status == 0);
    CHECK(read_file(acme() / "kb/wiki/a.md") == "# A\n");
    CHECK(read_file(acme() / "kb/wiki/sub/b.png") == "png");
    CHECK(git_output(acme(), {"log", "-1", "--format=%b"}).find("Folder: kb/wiki\n") != std::string::npos);
}

TEST_CASE_FIXTURE(ImportSandbox, "import --json reports every file") {
    write_file(source() / "a.md", "---\nreview_in: 1 year\n---\n# A\n");
    write_file(source() / "b.png", "png");
    fs::create_symlink("a.md", source() / "c.md");

    auto result = run_import({"--json", "--type", "runbook", "--map", "review_in=review_every"});

    REQUIRE(result.exit_status == 0);
    auto report = json::parse(result.out);
    CHECK(report["client"] == "acme");
    CHECK(report["source"] == source().string());
    CHECK(report["folder"] == "");
    CHECK(report["dry_run"] == false);
    CHECK(report["commit"] == head(acme()));
    CHECK(report["summary"] == json::parse(R"({"adopted": 1, "changed": 1, "attachments": 1, "skipped": 1,
        "failed": 0, "front_matter_errors": 0,
        "renamed_keys": [{"from": "review_in", "to": "review_every", "documents": 1}],
        "added_keys": [{"key": "type", "documents": 1}, {"key": "title", "documents": 1}]})"));
    CHECK(report["files"][0] == json::parse(R"({"source": "a.md", "path": "a.md", "outcome": "adopted",
        "reason": null, "message": null, "folder": false, "changed": true,
        "renamed_keys": [{"from": "review_in", "to": "review_every"}],
        "added_keys": {"type": "runbook", "title": "A"}, "front_matter_error": null, "warnings": []})"));
    CHECK(report["files"][1]["outcome"] == "attachment");
    CHECK(report["files"][1]["changed"] == false);
    CHECK(report["files"][2]["outcome"] == "skipped");
    CHECK(report["files"][2]["path"].is_null());
    CHECK(report["files"][2]["reason"] == "symbolic_link");
}

// --- errors that stop the import ------------------------------------------------------

TEST_CASE_FIXTURE(ImportSandbox, "import errors write nothing") {
    write_file(source() / "a.md", "# A\n");
    auto head_before = head(acme());
    struct Case {
        std::vector<std::string> arguments;
        int exit_status;
        std::string message;
    };
    const std::vector<Case> cases = {
        {{"import", "markdown", source().string(), "--client", "acmee"}, 3, "dossier: error: client not found: acmee\n"
                                                                            "hint: did you mean acme?\n"},
        {{"import", "markdown", (root() / "nope").string(), "--client", "acme"}, 3,
         "dossier: error: folder to import not found: " + (root() / "nope").string() + "\n"},
        {{"import", "markdown", source().string(), "--client", "acme", "--map", "review_in"}, 2,
         "dossier: error: invalid key mapping: review_in\n"},
        {{"import", "markdown", source().string(), "--client", "acme", "--map", "a=b", "--map", "a=c"}, 2,
         "dossier: error: key mapped twice: a\n"},
        {{"import", "markdown", source().string(), "--client", "acme", "--map", "a=yes"}, 2,
         "dossier: error: invalid key mapping: a=yes\n"},
        {{"import", "markdown", source().string(), "--client", "acme", "--type", "Run Book"}, 2,
         "dossier: error: invalid type name: Run Book\n"},
        {{"import", "markdown", source().string(), "--client", "acme", "--type", "runbok"}, 3,
         "dossier: error: unknown type: runbok\nhint: did you mean runbook?\n"},
        {{"import", "markdown", source().string(), "--client", "acme", "--to", "../x"}, 2,
         "dossier: error: invalid target folder: ../x\n"},
        {{"import", "markdown", acme().string(), "--client", "acme"}, 3,
         "dossier: error: the folder to import overlaps the client repository: " + acme().string() + "\n"},
        {{"import", "markdown", source().string()}, 2, "dossier: error: --client is required\n"},
        {{"import"}, 2, "dossier: error: A subcommand is required\n"},
    };
    for (const auto& [arguments, exit_status, message] : cases) {
        CAPTURE(arguments.back());
        auto result = dossier(arguments);

        CHECK(result.exit_status == exit_status);
        CHECK(result.out == "");
        CHECK(result.err.starts_with(message));
    }
    CHECK(head(acme()) == head_before);
    CHECK(status(acme()) == "");
}

TEST_CASE_FIXTURE(ImportSandbox, "import reports in French") {
    write_file(source() / "a.md", "---\nreview_in: 1 year\n---\n");
    write_file(source() / ".cache", "x");

    auto result = run_import({"--lang", "fr", "--map", "review_in=review_every"});

    INFO(result.err);
    CHECK(result.exit_status == 0);
    CHECK(result.err.find("  renommage : review_in en review_every dans 1 document\n") != std::string::npos);
    CHECK(result.err.find("    .cache : fichier caché : non importé\n") != std::string::npos);
}

// --- runbook corpora ------------------------------------------------------------------

// Adopts the corpus `name` into a new client and checks that every file of the corpus is
// adopted, copied or reported, and that what was written matches the report.
json adopt_corpus(dossier::e2e::Sandbox& sandbox, const std::string& name) {
    auto corpus = (fs::path(DOSSIER_SHARED_DIR) / "corpora" / "runbooks" / name).lexically_normal();
    REQUIRE_MESSAGE(fs::is_directory(corpus), "corpus missing: ", corpus.string());
    sandbox.init_workspace();
    auto slug = sandbox.add_client("Corpus");
    auto client = sandbox.client_dir(slug);

    auto result = sandbox.dossier({"import", "markdown", corpus.string(), "--client", slug, "--type", "runbook",
                                   "--map", "last_reviewed_on=reviewed", "--map", "review_in=review_every", "--json"});

    INFO(result.err.substr(0, 4000));
    REQUIRE(result.exit_status == 0);
    auto report = json::parse(result.out);
    std::map<std::string, json> files;
    for (const auto& file : report["files"]) files[file["source"].get<std::string>()] = file;

    std::size_t corpus_files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
        if (!entry.is_regular_file()) continue;
        ++corpus_files;
        auto relative = entry.path().lexically_relative(corpus).generic_string();
        CAPTURE(relative);
        REQUIRE(files.count(relative) == 1);
        const auto& file = files[relative];
        auto outcome = file["outcome"].get<std::string>();
        if (outcome == "adopted" || outcome == "attachment") {
            auto written = dossier::e2e::Sandbox::read_file(client / file["path"].get<std::string>());
            if (!file["changed"].get<bool>()) CHECK(written == dossier::e2e::Sandbox::read_file(entry.path()));
        } else {
            CHECK(file["message"].is_string());
        }
    }
    CHECK(files.size() == corpus_files);
    const auto& summary = report["summary"];
    CHECK(summary["adopted"].get<std::size_t>() + summary["attachments"].get<std::size_t>() +
              summary["skipped"].get<std::size_t>() + summary["failed"].get<std::size_t>() ==
          corpus_files);
    CHECK_REPOSITORY_HEALTHY(sandbox, client);

    auto check = sandbox.dossier({"check", "--client", slug});
    INFO("dossier check: ", check.err.substr(0, 2000));
    CHECK((check.exit_status == 0 || check.exit_status == 1));
    MESSAGE(name, ": adopted ", summary["adopted"], " (changed ", summary["changed"], ", front matter errors ",
            summary["front_matter_errors"], "), attachments ", summary["attachments"], ", skipped ",
            summary["skipped"], ", failed ", summary["failed"]);
    return report;
}

TEST_CASE("corpus gitlab-com-runbooks is adopted") {
    dossier::e2e::Sandbox sandbox;
    adopt_corpus(sandbox, "gitlab-com-runbooks");
}

TEST_CASE("corpus govuk-developer-docs is adopted") {
    dossier::e2e::Sandbox sandbox;
    adopt_corpus(sandbox, "govuk-developer-docs");
}

TEST_CASE("corpus openshift-runbooks is adopted") {
    dossier::e2e::Sandbox sandbox;
    adopt_corpus(sandbox, "openshift-runbooks");
}

TEST_CASE("corpus prometheus-operator-runbooks is adopted") {
    dossier::e2e::Sandbox sandbox;
    adopt_corpus(sandbox, "prometheus-operator-runbooks");
}

TEST_CASE("corpus moj-cloud-platform is adopted with review keys mapped") {
    dossier::e2e::Sandbox sandbox;
    auto report = adopt_corpus(sandbox, "moj-cloud-platform");
    auto client = sandbox.client_dir("corpus");

    std::size_t with_review_keys = 0;
    for (const auto& file : report["files"]) {
        if (file["outcome"] != "adopted") continue;
        auto text = dossier::e2e::Sandbox::read_file(client / file["path"].get<std::string>());
        CAPTURE(file["path"]);
        CHECK_FALSE(has_top_level_key(text, "last_reviewed_on"));
        CHECK_FALSE(has_top_level_key(text, "review_in"));
        if (has_top_level_key(text, "reviewed") && has_top_level_key(text, "review_every")) ++with_review_keys;
    }
    CHECK(with_review_keys == 105);
    CHECK(report["summary"]["renamed_keys"][0]["documents"] == 105);
    CHECK(report["summary"]["renamed_keys"][1]["documents"] == 105);
}

}  // namespace
