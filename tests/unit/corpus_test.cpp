// Reads real Markdown files published by other projects: edge cases, runbooks and a large corpus.
// Every file must read, or fail with a dossier::Error located at path:line, and an unchanged
// read must write back the same bytes.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "temporary_folder.hpp"
#include "dossier/document.hpp"
#include "dossier/error.hpp"

using namespace dossier;
namespace fs = std::filesystem;

namespace {

const fs::path corpora_dir = fs::path(DOSSIER_SHARED_DIR) / "corpora";

std::string read_bytes(const fs::path& path) {
    std::ifstream stream(path, std::ios::binary);
    REQUIRE_MESSAGE(stream, "cannot open " << path);
    return std::string(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
}

bool is_markdown(const fs::path& path) {
    auto name = path.filename().string();
    return name.ends_with(".md") || name.ends_with(".markdown") || name.ends_with(".md.erb");
}

// Returns the Markdown files under `root`, sorted so failures are reported in a stable order.
std::vector<fs::path> markdown_files(const fs::path& root) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.is_regular_file() && is_markdown(entry.path())) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// The outcome of reading one file.
struct Outcome {
    std::optional<Document> document;
    std::optional<Error> error;
    std::string other_exception;  // what() of any exception that is not a dossier::Error
};

Outcome read_document(const std::string& bytes, const std::string& display_path) {
    Outcome outcome;
    try {
        outcome.document = Document::parse(bytes, display_path);
    } catch (const Error& error) {
        outcome.error = error;
    } catch (const std::exception& error) {
        outcome.other_exception = error.what();
    }
    return outcome;
}

bool is_located(const Error& error, const std::string& display_path) {
    const auto& location = error.location();
    return location && location->path == display_path && location->line >= 1 && location->column >= 1;
}

// Counts over a set of files, filled by check_corpus_file.
struct Tally {
    int read = 0;
    int located_failures = 0;
    int unlocated_failures = 0;
    int other_exceptions = 0;
    int changed_on_write = 0;
    std::vector<std::string> located_messages;  // "path:line:column: message" of each located failure
};

// Reads one file, checks that it reads or fails located, and that to_bytes gives its bytes back.
void check_corpus_file(const fs::path& path, const fs::path& root, Tally& tally) {
    auto display_path = fs::relative(path, root).string();
    auto bytes = read_bytes(path);
    auto outcome = read_document(bytes, display_path);
    if (!outcome.other_exception.empty()) {
        ++tally.other_exceptions;
        FAIL_CHECK(display_path << ": exception other than dossier::Error: " << outcome.other_exception);
        return;
    }
    if (outcome.error) {
        if (is_located(*outcome.error, display_path)) {
            ++tally.located_failures;
            const auto& location = *outcome.error->location();
            tally.located_messages.push_back(display_path + ":" + std::to_string(location.line) + ":" +
                                             std::to_string(location.column) + ": " + outcome.error->what());
        } else {
            ++tally.unlocated_failures;
            FAIL_CHECK(display_path << ": error without path:line:column: " << outcome.error->what());
        }
        return;
    }
    ++tally.read;
    if (outcome.document->to_bytes() != bytes) {
        ++tally.changed_on_write;
        FAIL_CHECK(display_path << ": to_bytes differs from the bytes read");
    }
}

// Expected outcome of one edge-case folder; `check` looks at each file's result.
struct EdgeCase {
    const char* folder;
    bool reads;
    void (*check)(const Outcome& outcome, const std::string& name);
};

const Value& front_matter_of(const Outcome& outcome) { return outcome.document->front_matter(); }

const EdgeCase edge_cases[] = {
    {"anchors-aliases", true,
     [](const Outcome& outcome, const std::string&) {
         const auto& front_matter = front_matter_of(outcome);
         REQUIRE(front_matter.find("title"));
         CHECK(front_matter.find("title")->text() == "Welcome! and Why?");
         REQUIRE(front_matter.find("navigation"));
         REQUIRE(front_matter.find("navigation")->find("description"));
         CHECK(front_matter.find("navigation")->find("description")->text() ==
               front_matter.find("description")->text());
     }},
    {"bom-utf16-nul", true,
     [](const Outcome& outcome, const std::string&) {
         CHECK(outcome.document->has_front_matter());
         CHECK(outcome.document->field("title") == "Unicode16CRLFandBOM");
         CHECK(outcome.document->field("layout") == "post");
         CHECK(outcome.document->field("date") == "2017-04-05 16:08:01 -0800");
         CHECK(outcome.document->front_matter().find("date")->scalar_type() == ScalarType::timestamp);
         CHECK(outcome.document->body_first_line() == 7);
     }},
    {"bom-utf8", true,
     [](const Outcome& outcome, const std::string&) {
         CHECK(outcome.document->has_front_matter());
         CHECK_FALSE(front_matter_of(outcome).entries().empty());
     }},
    {"comment-only-frontmatter", true,
     [](const Outcome& outcome, const std::string&) {
         CHECK(outcome.document->has_front_matter());
         CHECK(front_matter_of(outcome).is_mapping());
         CHECK(front_matter_of(outcome).entries().empty());
         CHECK(outcome.document->body_first_line() == 4);
     }},
    {"crlf", false,
     [](const Outcome& outcome, const std::string&) {
         // The second line is a sentence without a key.
         CHECK(outcome.error->location()->line == 3);
     }},
    {"dashes-in-fence", true,
     [](const Outcome& outcome, const std::string&) {
         CHECK(outcome.document->has_front_matter());
         CHECK(outcome.document->body().find("\n---") != std::string_view::npos);
     }},
    {"duplicate-key", false,
     [](const Outcome& outcome, const std::string&) {
         CHECK(outcome.error->location()->line == 7);
         std::string message = outcome.error->what();
         CHECK(message.find("section") != std::string::npos);
         CHECK(message.find("4") != std::string::npos);
         CHECK(message.find("7") != std::string::npos);
     }},
    {"empty-file", true,
     [](const Outcome& outcome, const std::string&) {
         CHECK_FALSE(outcome.document->has_front_matter());
         CHECK(outcome.document->type() == "note");
     }},
    {"empty-frontmatter", true,
     [](const Outcome& outcome, const std::string&) {
         CHECK(outcome.document->has_front_matter());
         CHECK(front_matter_of(outcome).entries().empty());
         CHECK(outcome.document->body_first_line() == 3);
     }},
    {"erb-in-markdown", true,
     [](const Outcome& outcome, const std::string&) {
         const Value* reviewed = front_matter_of(outcome).find("last_reviewed_on");
         REQUIRE(reviewed);
         CHECK(reviewed->scalar_type() == ScalarType::date);
         CHECK(reviewed->text() == "2025-11-24");
         CHECK(outcome.document->field("review_in") == "12 months");
     }},
    {"html-comment-first", true,
     [](const Outcome& outcome, const std::string&) {
         CHECK_FALSE(outcome.document->has_front_matter());
         CHECK(outcome.document->type() == "note");
     }},
    {"key-with-space", true,
     [](const Outcome& outcome, const std::string&) {
         CHECK(outcome.document->field("Module Name") == "ActiveDirectory");
         CHECK(outcome.document->field("external help file") == "Microsoft.ActiveDirectory.Management.dll-Help.xml");
     }},
    {"null-values", true,
     [](const Outcome& outcome, const std::string&) {
         const Value* link = front_matter_of(outcome).find("Download Help Link");
         REQUIRE(link);
         CHECK(link->scalar_type() == ScalarType::null);
         CHECK(outcome.document->field("Module Name") == "WindowsDiagnosticData");
     }},
    {"toml-frontmatter", true,
     [](const Outcome& outcome, const std::string&) {
         CHECK(outcome.document->front_matter_format() == FrontMatterFormat::toml);
         CHECK_FALSE(outcome.document->has_front_matter());
     }},
    {"unterminated-frontmatter", false,
     [](const Outcome& outcome, const std::string&) {
         CHECK(outcome.error->location()->line == 1);
         CHECK(outcome.error->location()->column == 1);
     }},
    {"very-long-line", true,
     [](const Outcome& outcome, const std::string&) {
         std::istringstream lines{std::string(outcome.document->body())};
         std::size_t longest = 0;
         for (std::string line; std::getline(lines, line);) longest = std::max(longest, line.size());
         CHECK(longest > 10'000);
         CHECK(outcome.document->field("title") == "Opus: A Lament");
     }},
    {"yaml-blocks-in-body", true,
     [](const Outcome& outcome, const std::string&) {
         CHECK(outcome.document->has_front_matter());
         CHECK(outcome.document->body().find("\n---") != std::string_view::npos);
         CHECK(front_matter_of(outcome).find("head"));
     }},
    {"yaml-parse-error", false,
     [](const Outcome& outcome, const std::string& name) {
         int line = outcome.error->location()->line;
         if (name.starts_with("jekyll")) CHECK(line == 3);  // the unclosed "[" is reported where the block ends
         if (name.starts_with("hugo")) CHECK(line == 2);
         if (name.starts_with("psdocs")) CHECK(line == 9);
     }},
};

using TemporaryFolder = dossier::test::TemporaryFolder;

}  // namespace

TEST_CASE("corpus folder is present") {
    REQUIRE_MESSAGE(fs::is_directory(corpora_dir),
                    "the shared test corpora are missing: expected " << corpora_dir.string());
    CHECK(fs::is_directory(corpora_dir / "edge-cases"));
    CHECK(fs::is_directory(corpora_dir / "runbooks"));
    CHECK(fs::is_regular_file(corpora_dir / "large-windows-powershell-docs.tar.zst"));
}

TEST_CASE("corpus edge cases read or fail located") {
    auto root = corpora_dir / "edge-cases";
    REQUIRE_MESSAGE(fs::is_directory(root), "the edge-case corpus is missing: expected " << root.string());

    std::map<std::string, const EdgeCase*> expectations;
    for (const auto& edge_case : edge_cases) expectations[edge_case.folder] = &edge_case;

    int folders = 0;
    for (const auto& folder : fs::directory_iterator(root)) {
        if (!folder.is_directory()) continue;
        auto name = folder.path().filename().string();
        CAPTURE(name);
        auto found = expectations.find(name);
        REQUIRE_MESSAGE(found != expectations.end(), "no expected outcome for edge-case folder " << name);
        ++folders;

        int files = 0;
        for (const auto& file : fs::directory_iterator(folder.path())) {
            if (!file.is_regular_file()) continue;
            ++files;
            auto display_path = fs::relative(file.path(), root).string();
            CAPTURE(display_path);
            auto bytes = read_bytes(file.path());
            auto outcome = read_document(bytes, display_path);
            REQUIRE_MESSAGE(outcome.other_exception.empty(), "exception other than dossier::Error: "
                                                                 << outcome.other_exception);
            if (found->second->reads) {
                REQUIRE_MESSAGE(outcome.document, "expected to read, failed: " << outcome.error->what());
                CHECK(outcome.document->to_bytes() == bytes);
            } else {
                REQUIRE_MESSAGE(outcome.error, "expected a located error, but the file read");
                CHECK(outcome.error->kind() == ErrorKind::invalid_input);
                REQUIRE(is_located(*outcome.error, display_path));
                CHECK(!outcome.error->location()->line_text.empty());
            }
            found->second->check(outcome, file.path().filename().string());
        }
        CHECK(files > 0);
    }
    CHECK(folders == static_cast<int>(std::size(edge_cases)));
}

TEST_CASE("corpus runbooks read or fail located") {
    auto root = corpora_dir / "runbooks";
    REQUIRE_MESSAGE(fs::is_directory(root), "the runbook corpus is missing: expected " << root.string());

    Tally tally;
    auto files = markdown_files(root);
    for (const auto& file : files) check_corpus_file(file, root, tally);

    MESSAGE("runbooks: " << files.size() << " files, " << tally.read << " read, " << tally.located_failures
                         << " located failures");
    for (const auto& message : tally.located_messages) MESSAGE(message);
    CHECK(files.size() > 1000);
    CHECK(tally.other_exceptions == 0);
    CHECK(tally.unlocated_failures == 0);
    CHECK(tally.changed_on_write == 0);
    CHECK(tally.read + tally.located_failures == static_cast<int>(files.size()));
}

TEST_CASE("corpus large PowerShell docs read or fail located" * doctest::skip(false)) {
    auto archive = corpora_dir / "large-windows-powershell-docs.tar.zst";
    REQUIRE_MESSAGE(fs::is_regular_file(archive), "the large corpus is missing: expected " << archive.string());

    TemporaryFolder folder("corpus");
    auto command = "tar --zstd -xf '" + archive.string() + "' -C '" + folder.path().string() + "'";
    REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "unpacking failed (are tar and zstd installed?): " << command);

    Tally tally;
    auto files = markdown_files(folder.path());
    for (const auto& file : files) check_corpus_file(file, folder.path(), tally);

    MESSAGE("large corpus: " << files.size() << " files, " << tally.read << " read, " << tally.located_failures
                             << " located failures");
    for (const auto& message : tally.located_messages) MESSAGE(message);
    CHECK(files.size() == 14'142);
    CHECK(tally.other_exceptions == 0);
    CHECK(tally.unlocated_failures == 0);
    CHECK(tally.changed_on_write == 0);
    CHECK(tally.read + tally.located_failures == static_cast<int>(files.size()));
    CHECK(tally.located_failures == 1);
}
