// Tests of the link rules of dossier check: broken-link, broken-anchor and broken-related.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "rule_fixture.hpp"

namespace {

using dossier::test::RuleFixture;

// --- broken-link -----------------------------------------------------------------------

TEST_CASE("link to an existing file is not reported") {
    RuleFixture fixture;
    fixture.write("clients/acme/runbooks/vpn-reset.md", "# VPN\n");
    fixture.write("clients/acme/assets/fw01.md", "# FW01\n");
    fixture.write("clients/acme/runbooks/index.md",
                  "[a](vpn-reset.md) [b](./vpn-reset.md) [c](../assets/fw01.md) [d](../runbooks/)\n"
                  "[e](vpn-reset.md?plain=1) [f](../client.md) [g](.)\n");
    fixture.write("clients/acme/client.md", "# Acme\n");

    CHECK(fixture.check("clients/acme/runbooks/index.md", "broken-link").empty());
}

TEST_CASE("link to a missing file is located") {
    RuleFixture fixture;
    fixture.write("clients/acme/runbooks/index.md",
                  "---\ntype: note\ntitle: Index\n---\n# Index\n\nVoir la procédure : [VPN](vpn-rest.md)\n");

    auto findings = fixture.check("clients/acme/runbooks/index.md", "broken-link");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].line == 7);
    CHECK(findings[0].column == 21);  // in code points: "procédure" has one two-byte letter
    CHECK(findings[0].message == "link target not found: vpn-rest.md");
    CHECK(findings[0].severity == dossier::Severity::error);
}

TEST_CASE("link with other letter case suggests the file") {
    RuleFixture fixture;
    fixture.write("clients/acme/ad/ActiveDirectory.md", "# AD\n");
    fixture.write("clients/acme/ad/index.md", "[AD](activedirectory.md)\n[AD](./ACTIVEDIRECTORY.md#setup)\n");

    auto findings = fixture.check("clients/acme/ad/index.md", "broken-link");
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].message == "link target not found: activedirectory.md: did you mean ActiveDirectory.md?");
    CHECK(findings[1].message == "link target not found: ./ACTIVEDIRECTORY.md#setup: did you mean ActiveDirectory.md?");
    CHECK(fixture.check("clients/acme/ad/index.md", "broken-anchor").empty());
}

TEST_CASE("folder with other letter case is reported") {
    RuleFixture fixture;
    fixture.write("clients/acme/runbooks/vpn.md", "# VPN\n");
    fixture.write("clients/acme/client.md", "[VPN](Runbooks/vpn.md)\n");

    auto findings = fixture.check("clients/acme/client.md", "broken-link");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message == "link target not found: Runbooks/vpn.md: did you mean runbooks/vpn.md?");
}

TEST_CASE("misspelt link suggests the closest name") {
    RuleFixture fixture;
    fixture.write("clients/acme/runbooks/vpn-reset.md", "# VPN\n");
    fixture.write("clients/acme/runbooks/index.md", "[VPN](vpn-rest.md) [x](nothing-like-it.md)\n");

    auto findings = fixture.check("clients/acme/runbooks/index.md", "broken-link");
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].message == "link target not found: vpn-rest.md: did you mean vpn-reset.md?");
    CHECK(findings[1].message == "link target not found: nothing-like-it.md");
}

TEST_CASE("percent-encoded and angle-bracket links find accented names") {
    RuleFixture fixture;
    fixture.write("clients/acme/network/Paramètres réseau.md", "# Paramètres réseau\n");
    fixture.write("clients/acme/network/index.md",
                  "[a](Param%C3%A8tres%20r%C3%A9seau.md)\n"
                  "[b](<Paramètres réseau.md>)\n"
                  "[c](Parame\xcc\x80tres%20re\xcc\x81seau.md)\n"  // NFD spelling
                  "[d](Param%C3%A8tres%20reseau.md)\n");

    auto findings = fixture.check("clients/acme/network/index.md", "broken-link");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].line == 4);
}

TEST_CASE("links with a scheme or an absolute path are not checked") {
    RuleFixture fixture;
    fixture.write("clients/acme/client.md",
                  "[a](https://example.com/missing.md) [b](mailto:ops@example.com) [c](xref:Foo.Bar)\n"
                  "[d](/powershell/module/missing) [e](//cdn.example.com/x.png) <https://example.com>\n"
                  "www.example.com/missing.md [f](ftp://example.com/x) [g](C:\\missing.md)\n");

    CHECK(fixture.check("clients/acme/client.md", "broken-link").empty());
}

TEST_CASE("links in code are not checked") {
    RuleFixture fixture;
    fixture.write("clients/acme/client.md",
                  "`[a](missing.md)`\n\n```markdown\n[b](missing.md)\n```\n\n    [c](missing.md)\n");

    CHECK(fixture.check("clients/acme/client.md", "broken-link").empty());
}

TEST_CASE("images and reference links are checked") {
    RuleFixture fixture;
    fixture.write("clients/acme/logo.png", "png");
    fixture.write("clients/acme/client.md",
                  "![logo](logo.png) ![plan](plan.png)\n\n"
                  "See [the runbook][vpn] and [again][vpn].\n\n"
                  "[vpn]: runbooks/vpn.md\n");

    auto findings = fixture.check("clients/acme/client.md", "broken-link");
    REQUIRE(findings.size() == 3);
    CHECK(findings[0].message == "link target not found: plan.png");
    CHECK(findings[0].column == 19);
    CHECK(findings[1].line == 3);
    CHECK(findings[1].message == "link target not found: runbooks/vpn.md");
    CHECK(findings[2].line == 3);
}

TEST_CASE("link that leaves the client repository is broken") {
    RuleFixture fixture;
    fixture.write("clients/globex/client.md", "# Globex\n");
    fixture.write("clients/acme/client.md", "[Globex](../globex/client.md) [up](../../dossier.yaml)\n");
    fixture.write("dossier.yaml", "name: test\n");

    auto findings = fixture.check("clients/acme/client.md", "broken-link");
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].message == "link target leaves the client repository: ../globex/client.md");
    CHECK(findings[1].message == "link target leaves the client repository: ../../dossier.yaml");
}

TEST_CASE("documents outside clients have their links checked") {
    RuleFixture fixture;
    fixture.write("notes/other/page.md", "# Page\n");
    fixture.write("notes/index.md", "[a](other/page.md) [b](../notes/other/page.md) [c](other/Page.md)\n");

    auto findings = fixture.check("notes/index.md", "broken-link");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message == "link target not found: other/Page.md: did you mean other/page.md?");
}

TEST_CASE("new file is found by a later check") {
    RuleFixture fixture;
    fixture.write("clients/acme/client.md", "[VPN](runbooks/vpn.md)\n");
    REQUIRE(fixture.check("clients/acme/client.md", "broken-link").size() == 1);

    fixture.write("clients/acme/runbooks/vpn.md", "# VPN\n");
    CHECK(fixture.check("clients/acme/client.md", "broken-link").empty());
}

// --- broken-anchor ---------------------------------------------------------------------

TEST_CASE("anchors of French headings keep their letters") {
    RuleFixture fixture;
    fixture.write("clients/acme/network/index.md",
                  "# Paramètres réseau\n\n## Accès à distance\n\n"
                  "[a](#paramètres-réseau) [b](#Param%C3%A8tres-R%C3%A9seau) [c](#accès-à-distance)\n"
                  "[d](#parametres-reseau)\n");

    auto findings = fixture.check("clients/acme/network/index.md", "broken-anchor");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].line == 6);
    CHECK(findings[0].message == "heading not found: #parametres-reseau: did you mean #paramètres-réseau?");
    CHECK(findings[0].severity == dossier::Severity::warning);
}

TEST_CASE("repeated headings are numbered") {
    RuleFixture fixture;
    fixture.write("clients/acme/kb.md",
                  "# Setup\n\n# Setup\n\n# Setup\n\n[a](#setup) [b](#setup-1) [c](#setup-2) [d](#setup-3)\n");

    auto findings = fixture.check("clients/acme/kb.md", "broken-anchor");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message.starts_with("heading not found: #setup-3"));
}

TEST_CASE("anchor text comes from the rendered heading") {
    RuleFixture fixture;
    fixture.write("clients/acme/kb.md",
                  "## Use `Get-ADUser` *now*\n\n## What's new? (v1.2)\n\n## Logo ![logo](logo.png) here\n\n"
                  "<a id=\"Custom-Anchor\"></a>\n\n"
                  "[a](#use-get-aduser-now) [b](#whats-new-v12) [c](#logo--here) [d](#custom-anchor) [e](#top)\n");

    CHECK(fixture.check("clients/acme/kb.md", "broken-anchor").empty());
}

TEST_CASE("anchors in other files are checked") {
    RuleFixture fixture;
    fixture.write("clients/acme/runbooks/vpn.md", "---\ntype: note\ntitle: VPN\n---\n# Réinitialiser le VPN\n");
    fixture.write("clients/acme/runbooks/README.md", "# Runbooks\n\n## Liste\n");
    fixture.write("clients/acme/logo.png", "png");
    fixture.write("clients/acme/client.md",
                  "[a](runbooks/vpn.md#réinitialiser-le-vpn) [b](runbooks/vpn.md#reset)\n"
                  "[c](runbooks/#liste) [d](runbooks#absent) [e](logo.png#anything) ![f](logo.png#x)\n");

    auto findings = fixture.check("clients/acme/client.md", "broken-anchor");
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].message == "heading not found: runbooks/vpn.md#reset");
    CHECK(findings[0].column == 43);
    CHECK(findings[1].message == "heading not found: runbooks#absent");
}

TEST_CASE("changed target headings are read again") {
    RuleFixture fixture;
    fixture.write("clients/acme/kb.md", "# Old\n");
    fixture.write("clients/acme/client.md", "[a](kb.md#new)\n");
    REQUIRE(fixture.check("clients/acme/client.md", "broken-anchor").size() == 1);

    fixture.write("clients/acme/kb.md", "# New\n");
    CHECK(fixture.check("clients/acme/client.md", "broken-anchor").empty());
}

TEST_CASE("anchor links are checked on several threads") {
    RuleFixture fixture;
    fixture.write("clients/acme/target.md", "# Target\n");
    std::vector<std::string> documents;
    for (int i = 0; i < 40; ++i) {
        auto path = "clients/acme/doc" + std::to_string(i) + ".md";
        fixture.write(path, "[ok](target.md#target) [bad](target.md#missing)\n");
        documents.push_back(path);
    }
    auto findings = fixture.check(documents, "broken-anchor", 4);
    CHECK(findings.size() == 40);
}

// --- broken-related --------------------------------------------------------------------

TEST_CASE("related entries that name documents are not reported") {
    RuleFixture fixture;
    fixture.write("clients/acme/assets/fw01.md", "# FW01\n");
    fixture.write("clients/globex/assets/srv.md", "# SRV\n");
    fixture.write("clients/acme/runbooks/vpn.md",
                  "---\ntype: runbook\ntitle: VPN\n"
                  "related: [assets/fw01, assets/fw01.md, acme/assets/fw01, globex/assets/srv]\n---\n");

    CHECK(fixture.check("clients/acme/runbooks/vpn.md", "broken-related").empty());
}

TEST_CASE("related entry naming no document is located") {
    RuleFixture fixture;
    fixture.write("clients/acme/assets/fw01.md", "# FW01\n");
    fixture.write("clients/acme/runbooks/vpn.md",
                  "---\ntype: runbook\ntitle: VPN\nrelated:\n  - assets/fw02\n  - Assets/FW01\n  - assets\n"
                  "  - ../globex/x\n---\n");

    auto findings = fixture.check("clients/acme/runbooks/vpn.md", "broken-related");
    REQUIRE(findings.size() == 4);
    CHECK(findings[0].line == 5);
    CHECK(findings[0].column == 5);
    CHECK(findings[0].field == "related");
    CHECK(findings[0].message == "related: document not found: assets/fw02");
    CHECK(findings[1].message == "related: document not found: Assets/FW01: did you mean assets/fw01?");
    CHECK(findings[2].message == "related: document not found: assets");
    CHECK(findings[3].message == "related: reference leaves the client repository: ../globex/x");
}

}  // namespace
