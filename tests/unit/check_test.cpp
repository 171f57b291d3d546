// Tests of check_document and check_files: syntax, unknown types and schema findings.
#include <doctest/doctest.h>

#include <string>

#include "dossier/atomic_file.hpp"
#include "dossier/check.hpp"
#include "temporary_folder.hpp"

namespace {

using dossier::check_document;
using dossier::TypeCatalog;

}  // namespace

TEST_CASE("document without front matter has no finding") {
    auto catalog = TypeCatalog::built_in();
    CHECK(check_document(catalog, "# Notes\n\nfree text\n", "notes.md").empty());
}

TEST_CASE("front-matter syntax error is located") {
    auto catalog = TypeCatalog::built_in();
    auto findings = check_document(catalog, "---\ntype: kb\ntitle: [unclosed\n---\n", "kb.md");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].rule == "syntax");
    CHECK(findings[0].path == "kb.md");
    CHECK(findings[0].line >= 3);
    CHECK(findings[0].severity == dossier::Severity::error);
}

TEST_CASE("unknown type suggests the closest one") {
    auto catalog = TypeCatalog::built_in();
    auto findings = check_document(catalog, "---\ntype: runbok\ntitle: x\n---\n", "r.md");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].rule == "unknown-type");
    CHECK(findings[0].message == "type: unknown type runbok: did you mean runbook?");
    CHECK(findings[0].line == 2);
    CHECK(findings[0].column == 7);
}

TEST_CASE("front matter without type is reported") {
    auto catalog = TypeCatalog::built_in();
    auto findings = check_document(catalog, "---\ntitle: x\n---\n", "r.md");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].rule == "unknown-type");
    CHECK(findings[0].message.starts_with("type: missing: add a type key, one of application, asset"));
}

TEST_CASE("schema findings carry the field") {
    auto catalog = TypeCatalog::built_in();
    auto findings = check_document(catalog, "---\ntype: domain\ntitle: x\nexpires: 2027-01-01\n---\n", "d.md");
    REQUIRE_FALSE(findings.empty());
    CHECK(findings[0].rule == "schema");
    CHECK(findings[0].field == "domain_name");
}

TEST_CASE("check_files keeps the order of files on several threads") {
    dossier::test::TemporaryFolder folder("dossier-check");
    std::vector<dossier::CheckFile> files;
    for (int i = 0; i < 200; ++i) {
        auto path = folder.path() / ("doc" + std::to_string(i) + ".md");
        bool invalid = i % 3 == 0;
        dossier::write_file_atomically(path, invalid ? "---\ntype: kb\n---\n" : "---\ntype: kb\ntitle: ok\n---\n");
        files.push_back({path, "doc" + std::to_string(i) + ".md"});
    }
    files.push_back({folder.path() / "missing.md", "missing.md"});

    auto catalog = TypeCatalog::built_in();
    auto findings = dossier::check_files(catalog, files, 4);
    REQUIRE(findings.size() == 68);
    for (std::size_t i = 0; i + 1 < findings.size(); ++i) {
        CHECK(findings[i].path == "doc" + std::to_string(i * 3) + ".md");
        CHECK(findings[i].message == "title: required field is missing");
    }
    CHECK(findings.back().path == "missing.md");
    CHECK(findings.back().rule == "syntax");
}
