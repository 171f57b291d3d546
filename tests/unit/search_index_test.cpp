// Tests of the search index against real workspaces: words, phrases, prefixes and filters,
// ranking and snippets, age blocks, incremental refresh and damaged index files.
#include "dossier/search_index.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dossier/search_tokenizer.hpp"
#include "index/sqlite.hpp"
#include "search_index_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::RebuildReason;
using dossier::RefreshSummary;
using dossier::SearchIndex;
using dossier::SearchQuery;
using dossier::SearchResult;
using dossier::test::mtime_of;
using dossier::test::read_bytes;
using dossier::test::reference_of;
using dossier::test::SearchIndexFixture;
using dossier::test::set_mtime;
using dossier::test::sorted_references;
using dossier::test::write_bytes;

// Sample documents of both clients, with accents, technical tokens, dates, numbers and tags.
const std::string vpn_reset =
    "---\n"
    "type: runbook\n"
    "title: Réinitialiser le VPN du siège\n"
    "owner: alice\n"
    "status: approved\n"
    "reviewed: 2023-12-31\n"
    "tags: [vpn, fortigate]\n"
    "vendor: Fortinet\n"
    "port: 10\n"
    "network:\n"
    "  vlan: 42\n"
    "---\n"
    "# Réinitialiser le VPN du siège\n"
    "\n"
    "## Étapes\n"
    "\n"
    "Ouvrir la console du pare-feu SRV-01 à l'adresse 10.0.0.1 et saisir le mot de passe.\n"
    "Écrire à support@example.com en cas de souci.\n";

const std::string jeanne =
    "---\n"
    "type: contact\n"
    "title: Jeanne Dupont\n"
    "owner: bob\n"
    "status: draft\n"
    "reviewed: 2024-01-01\n"
    "tags: [direction]\n"
    "port: 9\n"
    "---\n"
    "Joignable au siège. Le passe de mot est inversé ici. Dossier C:\\Users\\jeanne.\n";

const std::string ticket =
    "---\n"
    "type: kb\n"
    "title: Incident INC-2024-0042\n"
    "reviewed: 2024-01-01T00:30:00+02:00\n"
    "tags: [incident, vpn]\n"
    "---\n"
    "Tunnel IPsec tombé sur 10.0.0.10. Société Générale prévenue.\n";

const std::string old_note =
    "---\n"
    "type: kb\n"
    "title: Ancienne procédure\n"
    "reviewed: 2023-06-01 08:00:00\n"
    "---\n"
    "Remplacée depuis longtemps.\n";

const std::string backup =
    "---\n"
    "type: runbook\n"
    "title: Sauvegarde quotidienne\n"
    "owner: Alice\n"
    "status: approved\n"
    "reviewed: 2024-06-15\n"
    "expires: 2025-06-30\n"
    "tags: [backup]\n"
    "vendor: \"Palo Alto\"\n"
    "port: 8080\n"
    "---\n"
    "La sauvegarde part à 22 h vers le NAS. Pas de VPN ici.\n";

const std::string free_note = "# Notes libres\n\nœuvre de l'équipe, cœur du réseau.\n";

const std::string broken = "---\ntitle: [unclosed\n---\nDocument cassé avec firewall.\n";

class SampleFixture : public SearchIndexFixture {
public:
    SampleFixture() {
        write("acme", "runbooks/vpn-reset.md", vpn_reset);
        write("acme", "contacts/jeanne.md", jeanne);
        write("acme", "kb/ticket.md", ticket);
        write("acme", "kb/old.md", old_note);
        write("beta", "runbooks/backup.md", backup);
        write("beta", "notes/free.md", free_note);
        write("beta", "kb/broken.md", broken);
    }
};

// Returns the result for `reference` among `results`; fails the test when it is absent.
const SearchResult& result_for(const std::vector<SearchResult>& results, const std::string& reference) {
    auto found = std::find_if(results.begin(), results.end(),
                              [&](const SearchResult& result) { return reference_of(result) == reference; });
    REQUIRE_MESSAGE(found != results.end(), reference << " is not among the results");
    return *found;
}

// Checks that each highlight of `result` is a range of its snippet whose words fold to words
// of `expected` (folded).
void check_highlights(const SearchResult& result, const std::set<std::string>& expected) {
    CAPTURE(result.snippet);
    CHECK_FALSE(result.highlights.empty());
    for (const auto& [begin, end] : result.highlights) {
        REQUIRE(begin < end);
        REQUIRE(end <= result.snippet.size());
        std::string words = dossier::fold_for_search(std::string_view(result.snippet).substr(begin, end - begin));
        CAPTURE(words);
        CHECK_FALSE(words.empty());
        std::istringstream stream(words);
        for (std::string word; stream >> word;) CHECK(expected.contains(word));
    }
}

}  // namespace

// --- words, phrases, prefixes ----------------------------------------------------------

TEST_CASE_FIXTURE(SampleFixture, "search finds a word in title body fields and tags") {
    CHECK(found("vpn") == "acme/kb/ticket acme/runbooks/vpn-reset beta/runbooks/backup");
    CHECK(found("fortinet") == "acme/runbooks/vpn-reset");  // a front-matter value
    CHECK(found("direction") == "acme/contacts/jeanne");    // a tag
    CHECK(found("etapes") == "acme/runbooks/vpn-reset");    // a heading
    CHECK(found("quotidienne") == "beta/runbooks/backup");  // the title
}

TEST_CASE_FIXTURE(SampleFixture, "search with an accent-free word finds the accented one") {
    CHECK(found("societe") == "acme/kb/ticket");
    CHECK(found("SOCIÉTÉ") == "acme/kb/ticket");
    CHECK(found("siege") == "acme/contacts/jeanne acme/runbooks/vpn-reset");
    CHECK(found("oeuvre") == "beta/notes/free");
    CHECK(found("cœur") == "beta/notes/free");
    CHECK(found("Socie\u0301te\u0301") == "acme/kb/ticket");
}

TEST_CASE_FIXTURE(SampleFixture, "search finds technical tokens as typed") {
    CHECK(found("SRV-01") == "acme/runbooks/vpn-reset");
    CHECK(found("srv-01") == "acme/runbooks/vpn-reset");
    CHECK(found("10.0.0.1") == "acme/runbooks/vpn-reset");
    CHECK(found("10.0.0.10") == "acme/kb/ticket");
    CHECK(found("support@example.com") == "acme/runbooks/vpn-reset");
    CHECK(found("C:\\Users") == "acme/contacts/jeanne");
    CHECK(found("INC-2024-0042") == "acme/kb/ticket");
    CHECK(found("INC-2024-0043") == "");
}

TEST_CASE_FIXTURE(SampleFixture, "search with an elided word finds the word") {
    CHECK(found("l'adresse") == "acme/runbooks/vpn-reset");
    CHECK(found("adresse") == "acme/runbooks/vpn-reset");
    CHECK(found("d\u2019adresse") == "acme/runbooks/vpn-reset");
    CHECK(found("equipe") == "beta/notes/free");
}

TEST_CASE_FIXTURE(SampleFixture, "search phrase keeps word order") {
    CHECK(found("\"mot de passe\"") == "acme/runbooks/vpn-reset");
    CHECK(found("\"passe de mot\"") == "acme/contacts/jeanne");
    CHECK(found("mot passe") == "acme/contacts/jeanne acme/runbooks/vpn-reset");
    CHECK(found("\"mot de passe") == "acme/runbooks/vpn-reset");  // unbalanced quote
}

TEST_CASE_FIXTURE(SampleFixture, "search prefix matches word beginnings") {
    CHECK(found("sauvegard*") == "beta/runbooks/backup");
    CHECK(found("sauvegard") == "");
    CHECK(found("fortig*") == "acme/runbooks/vpn-reset");
    CHECK(found("\"mot de pas\"*") == "acme/runbooks/vpn-reset");
}

TEST_CASE_FIXTURE(SampleFixture, "search excludes words") {
    CHECK(found("vpn -ipsec") == "acme/runbooks/vpn-reset beta/runbooks/backup");
    CHECK(found("vpn -ipsec -nas") == "acme/runbooks/vpn-reset");
    CHECK(found("-vpn type:runbook") == "");
    CHECK(found("-vpn") == "acme/client acme/contacts/jeanne acme/kb/old beta/client beta/kb/broken beta/notes/free");
}

TEST_CASE_FIXTURE(SampleFixture, "search OR matches either term") {
    CHECK(found("ipsec OR sauvegarde") == "acme/kb/ticket beta/runbooks/backup");
    CHECK(found("ipsec OR sauvegarde OR jeanne") == "acme/contacts/jeanne acme/kb/ticket beta/runbooks/backup");
    CHECK(found("vpn ipsec OR nas") == "acme/kb/ticket beta/runbooks/backup");
}

TEST_CASE_FIXTURE(SampleFixture, "search finds a document whose front matter is invalid") {
    auto results = search("firewall");

    REQUIRE(results.size() == 1);
    CHECK(reference_of(results[0]) == "beta/kb/broken");
    CHECK_FALSE(results[0].problem.empty());
    CHECK(results[0].type == "");
}

TEST_CASE_FIXTURE(SearchIndexFixture, "search reads documents with a BOM CRLF or UTF-16") {
    write("acme", "kb/bom.md",
          "\xEF\xBB\xBF---\r\ntype: kb\r\ntitle: Avec BOM\r\nowner: alice\r\n---\r\nPremier mot.\r\n");
    write("acme", "kb/cr.md", "---\rtype: kb\rtitle: Retour chariot\r---\rDeuxième mot.\r");
    std::string utf16 = "\xFF\xFE";
    for (char c : std::string("---\ntype: kb\ntitle: Seize\n---\nTroisieme mot.\n")) {
        utf16 += c;
        utf16 += '\0';
    }
    write("acme", "kb/utf16.md", utf16);

    CHECK(found("premier") == "acme/kb/bom");
    CHECK(found("owner:alice") == "acme/kb/bom");
    CHECK(found("deuxieme") == "acme/kb/cr");
    CHECK(found("troisieme") == "acme/kb/utf16");
    CHECK(found("type:kb") == "acme/kb/bom acme/kb/cr acme/kb/utf16");
    auto results = search("seize");
    REQUIRE(results.size() == 1);
    CHECK(results[0].title == "Seize");
    CHECK(results[0].problem == "");
}

TEST_CASE_FIXTURE(SearchIndexFixture, "search finds a binary document by file name") {
    write("acme", "kb/binaire.md", std::string("\0\x01\x02\xFF\xFE\0garbage", 13));

    auto results = search("binaire");

    REQUIRE(results.size() == 1);
    CHECK(reference_of(results[0]) == "acme/kb/binaire");
    CHECK_FALSE(results[0].problem.empty());
}

TEST_CASE_FIXTURE(SampleFixture, "search result has client path type title and owner") {
    auto results = search("fortinet");

    REQUIRE(results.size() == 1);
    CHECK(results[0].client == "acme");
    CHECK(results[0].path == "runbooks/vpn-reset.md");
    CHECK(results[0].type == "runbook");
    CHECK(results[0].title == "Réinitialiser le VPN du siège");
    CHECK(results[0].owner == "alice");
    CHECK(results[0].problem == "");
    CHECK(results[0].score > 0);
}

TEST_CASE_FIXTURE(SampleFixture, "search limit keeps the best results") {
    CHECK(search("vpn", 1).size() == 1);
    CHECK(search("vpn", 2).size() == 2);
    CHECK(search("vpn", 0).size() == 3);
    CHECK(search("", 0).size() == 9);
}

TEST_CASE_FIXTURE(SampleFixture, "search of hostile text never throws") {
    for (const char* text : {"\"vpn",
                             "-",
                             ":",
                             "*",
                             "(",
                             ")",
                             "\"",
                             "AND",
                             "OR",
                             "NOT",
                             "NEAR",
                             "NEAR(a b)",
                             "a OR",
                             "OR b",
                             "a OR OR b",
                             "--",
                             "-\"",
                             "*vpn",
                             "vpn**",
                             "^vpn",
                             "title:",
                             ":value",
                             "client:",
                             "type:\"run book\"",
                             "reviewed:<2024-01-01",
                             "x:<=5",
                             "foo:bar",
                             "C:\\Users",
                             "https://example.com/a?b=c",
                             "'; DROP TABLE documents; --",
                             "\" OR 1=1 --",
                             "vpn\" OR \"1\"=\"1",
                             "text MATCH 'x'",
                             "rank:1",
                             "rowid:1",
                             "{title}:vpn",
                             "title : vpn",
                             "vpn NOT",
                             "NOT vpn",
                             "vpn AND",
                             "\x01\x02"}) {
        CAPTURE(text);
        CHECK_NOTHROW(search(text));
    }
}

TEST_CASE_FIXTURE(SampleFixture, "search words with NUL bytes never throw") {
    std::string text("vpn\0\"x", 6);

    CHECK_NOTHROW(search(text));
}

TEST_CASE_FIXTURE(SampleFixture, "search words of query syntax are plain words") {
    write("acme", "kb/logic.md", "---\ntype: kb\ntitle: Logique\n---\nNOT this AND that OR NEAR the end.\n");

    CHECK(found("NOT") == "acme/kb/logic");
    CHECK(found("AND") == "acme/kb/logic");
    CHECK(found("NEAR") == "acme/kb/logic");
    CHECK(found("OR") == "acme/kb/logic");
}

// --- filters ---------------------------------------------------------------------------

TEST_CASE_FIXTURE(SampleFixture, "filter by client and type") {
    CHECK(found("client:beta vpn") == "beta/runbooks/backup");
    CHECK(found("client:BETA vpn") == "beta/runbooks/backup");
    CHECK(found("type:runbook") == "acme/runbooks/vpn-reset beta/runbooks/backup");
    CHECK(found("type:Runbook client:acme") == "acme/runbooks/vpn-reset");
    CHECK(found("type:note") == "beta/notes/free");
    CHECK(found("-type:runbook vpn") == "acme/kb/ticket");
    CHECK(found("type:!=runbook vpn") == "acme/kb/ticket");
    CHECK(found("type:runbook client:acme vpn") == "acme/runbooks/vpn-reset");
    CHECK(found("client:nobody") == "");
}

TEST_CASE_FIXTURE(SampleFixture, "filter by owner tag and status") {
    CHECK(found("owner:alice") == "acme/runbooks/vpn-reset beta/runbooks/backup");
    CHECK(found("owner:ALICE") == "acme/runbooks/vpn-reset beta/runbooks/backup");
    CHECK(found("owner:bob") == "acme/contacts/jeanne");
    CHECK(found("tag:vpn") == "acme/kb/ticket acme/runbooks/vpn-reset");
    CHECK(found("tag:VPN tag:fortigate") == "acme/runbooks/vpn-reset");
    CHECK(found("tags:backup") == "beta/runbooks/backup");
    CHECK(found("-tag:vpn type:runbook") == "beta/runbooks/backup");
    CHECK(found("status:approved") == "acme/runbooks/vpn-reset beta/runbooks/backup");
    CHECK(found("status:draft") == "acme/contacts/jeanne");
}

TEST_CASE_FIXTURE(SampleFixture, "filter orders text values after folding") {
    CHECK(found("owner:<bob") == "acme/runbooks/vpn-reset beta/runbooks/backup");
    CHECK(found("owner:>=bob") == "acme/contacts/jeanne");
    CHECK(found("status:>approved") == "acme/contacts/jeanne");
}

TEST_CASE_FIXTURE(SampleFixture, "filter by any front-matter field") {
    CHECK(found("vendor:fortinet") == "acme/runbooks/vpn-reset");
    CHECK(found("vendor:\"palo alto\"") == "beta/runbooks/backup");
    CHECK(found("vendor:palo") == "");
    CHECK(found("network.vlan:42") == "acme/runbooks/vpn-reset");
    CHECK(found("vendor:!=fortinet type:runbook") == "beta/runbooks/backup");
}

TEST_CASE_FIXTURE(SampleFixture, "filter field names only documents that have them") {
    SearchIndex index(workspace());
    index.refresh();

    CHECK(index.has_field("vendor"));
    CHECK(index.has_field("network.vlan"));
    CHECK(index.has_field("tags"));
    CHECK_FALSE(index.has_field("nothing"));
    CHECK_FALSE(index.has_field("network"));
}

TEST_CASE_FIXTURE(SampleFixture, "filter compares dates as dates") {
    CHECK(found("reviewed:<2024-01-01") == "acme/kb/old acme/runbooks/vpn-reset");
    CHECK(found("reviewed:<=2024-01-01") == "acme/contacts/jeanne acme/kb/old acme/kb/ticket acme/runbooks/vpn-reset");
    CHECK(found("reviewed:2024-01-01") == "acme/contacts/jeanne acme/kb/ticket");
    CHECK(found("reviewed:=2024-01-01") == "acme/contacts/jeanne acme/kb/ticket");
    CHECK(found("reviewed:>2024-01-01") == "beta/runbooks/backup");
    CHECK(found("reviewed:>=2024-01-01") == "acme/contacts/jeanne acme/kb/ticket beta/runbooks/backup");
    CHECK(found("reviewed:!=2024-01-01 type:kb") == "acme/kb/old");
    CHECK(found("expires:<=2025-06-30") == "beta/runbooks/backup");
    CHECK(found("expires:<2025-06-30") == "");
}

TEST_CASE_FIXTURE(SampleFixture, "filter compares the date of a date-time") {
    // 2024-01-01T00:30:00+02:00 is on 2024-01-01 in its own offset: never shifted to UTC.
    CHECK(found("reviewed:2024-01-01 type:kb") == "acme/kb/ticket");
    CHECK(found("reviewed:<2024-01-01 type:kb") == "acme/kb/old");
    CHECK(found("reviewed:>2024-01-01 type:kb") == "");
}

TEST_CASE_FIXTURE(SearchIndexFixture, "filter compares date-times with a date-time") {
    write("acme", "kb/early.md", "---\ntype: kb\ntitle: Tôt\nreviewed: 2024-03-01T08:00:00\n---\n");
    write("acme", "kb/late.md", "---\ntype: kb\ntitle: Tard\nreviewed: 2024-03-01T10:00:00\n---\n");
    write("acme", "kb/next-day.md", "---\ntype: kb\ntitle: Lendemain\nreviewed: 2024-03-02\n---\n");

    CHECK(found("reviewed:>2024-03-01T09:00:00") == "acme/kb/late acme/kb/next-day");
    CHECK(found("reviewed:<2024-03-01T09:00:00") == "acme/kb/early");
}

TEST_CASE_FIXTURE(SearchIndexFixture, "filter compares space-separated date-times") {
    // The index reads "2024-03-01 10:00:00" as a date-time on 2024-03-01, as it reads the T form.
    write("acme", "kb/late.md", "---\ntype: kb\ntitle: Tard\nreviewed: 2024-03-01 10:00:00\n---\n");
    write("acme", "kb/early.md", "---\ntype: kb\ntitle: Tôt\nreviewed: 2024-03-01 08:00:00\n---\n");

    CHECK(found("reviewed:>2024-03-01T09:00:00") == "acme/kb/late");
    CHECK(found("reviewed:<2024-03-01T09:00:00") == "acme/kb/early");
}

TEST_CASE_FIXTURE(SampleFixture, "filter compares numbers as numbers") {
    CHECK(found("port:>9") == "acme/runbooks/vpn-reset beta/runbooks/backup");
    CHECK(found("port:<=10") == "acme/contacts/jeanne acme/runbooks/vpn-reset");
    CHECK(found("port:9") == "acme/contacts/jeanne");
    CHECK(found("port:9.0") == "acme/contacts/jeanne");
    CHECK(found("port:>=8080") == "beta/runbooks/backup");
    CHECK(found("port:!=9 type:runbook") == "acme/runbooks/vpn-reset beta/runbooks/backup");
    CHECK(found("port:<0") == "");
}

TEST_CASE_FIXTURE(SampleFixture, "filter with an empty value means absent") {
    CHECK(found("expires:") ==
          "acme/client acme/contacts/jeanne acme/kb/old acme/kb/ticket acme/runbooks/vpn-reset beta/client "
          "beta/kb/broken beta/notes/free");
    CHECK(found("-expires:") == "beta/runbooks/backup");
    CHECK(found("owner: type:kb") == "acme/kb/old acme/kb/ticket");
    CHECK(found("tag: type:runbook") == "");
    CHECK(found("-owner:") == "acme/contacts/jeanne acme/runbooks/vpn-reset beta/runbooks/backup");
}

TEST_CASE_FIXTURE(SampleFixture, "filter treats an empty string value as absent") {
    write("acme", "kb/empty-owner.md", "---\ntype: kb\ntitle: Sans responsable\nowner: \"\"\n---\n");
    write("acme", "kb/null-owner.md", "---\ntype: kb\ntitle: Responsable nul\nowner: ~\n---\n");

    CHECK(found("owner: type:kb") == "acme/kb/empty-owner acme/kb/null-owner acme/kb/old acme/kb/ticket");
}

TEST_CASE_FIXTURE(SampleFixture, "filter options combine with words") {
    SearchIndex index(workspace());
    index.refresh();
    SearchQuery query = parse(index, "vpn");
    query.filters.push_back({"client", dossier::CompareOp::equal, "acme"});
    query.filters.push_back({"tags", dossier::CompareOp::equal, "fortigate"});

    CHECK(sorted_references(index.search(query, 0)) == "acme/runbooks/vpn-reset");
}

TEST_CASE_FIXTURE(SampleFixture, "filter-only listing is sorted by client and path") {
    SearchIndex index(workspace());
    index.refresh();

    auto results = index.search(parse(index, "type:runbook"), 0);

    REQUIRE(results.size() == 2);
    CHECK(reference_of(results[0]) == "acme/runbooks/vpn-reset");
    CHECK(reference_of(results[1]) == "beta/runbooks/backup");
    CHECK(results[0].snippet == "");
    CHECK(results[0].score == 0);
}

// --- ranking and snippets --------------------------------------------------------------

TEST_CASE_FIXTURE(SearchIndexFixture, "ranking puts a title word above a body word") {
    std::string filler = "Texte de remplissage sans rapport avec le sujet du document. ";
    write("acme", "kb/in-body.md", "---\ntype: kb\ntitle: Autre sujet\n---\n" + filler + "sauvegarde " + filler + "\n");
    write("acme", "kb/in-title.md", "---\ntype: kb\ntitle: Sauvegarde\n---\n" + filler + "rien " + filler + "\n");

    auto results = search("sauvegarde");

    REQUIRE(results.size() == 2);
    CHECK(reference_of(results[0]) == "acme/kb/in-title");
    CHECK(reference_of(results[1]) == "acme/kb/in-body");
    CHECK(results[0].score > results[1].score);
    CHECK(results[1].score > 0);
}

TEST_CASE_FIXTURE(SearchIndexFixture, "ranking puts a heading word above a body word") {
    std::string filler = "Texte de remplissage sans rapport avec le sujet du document. ";
    write("acme", "kb/in-body.md", "---\ntype: kb\ntitle: Premier\n---\n## Autre\n\n" + filler + "pare-feu\n");
    write("acme", "kb/in-heading.md", "---\ntype: kb\ntitle: Second\n---\n## Pare-feu\n\n" + filler + "autre\n");

    CHECK(ranked("pare-feu") == "acme/kb/in-heading acme/kb/in-body");
}

TEST_CASE_FIXTURE(SearchIndexFixture, "ranking puts more matches above fewer") {
    std::string filler = "Texte de remplissage sans rapport avec le sujet. ";
    write("acme", "kb/once.md", "---\ntype: kb\ntitle: Un\n---\n" + filler + "tunnel " + filler + filler + "\n");
    write("acme", "kb/thrice.md",
          "---\ntype: kb\ntitle: Deux\n---\n" + filler + "tunnel tunnel tunnel " + filler + "\n");

    CHECK(ranked("tunnel") == "acme/kb/thrice acme/kb/once");
}

TEST_CASE_FIXTURE(SampleFixture, "snippet highlights point at the matching words") {
    auto results = search("fortigate siege");

    const auto& result = result_for(results, "acme/runbooks/vpn-reset");
    CHECK(result.snippet.find('\n') == std::string::npos);
    check_highlights(result, {"fortigate", "siege"});
}

TEST_CASE_FIXTURE(SampleFixture, "snippet highlights cover accented and elided words") {
    auto accented = search("societe");
    auto elided = search("l'adresse");
    auto phrase = search("\"mot de passe\"");

    check_highlights(result_for(accented, "acme/kb/ticket"), {"societe"});
    check_highlights(result_for(elided, "acme/runbooks/vpn-reset"), {"adresse"});
    check_highlights(result_for(phrase, "acme/runbooks/vpn-reset"), {"mot", "de", "passe"});
    const auto& result = result_for(accented, "acme/kb/ticket");
    auto [begin, end] = result.highlights.front();
    CHECK(result.snippet.substr(begin, end - begin) == "Société");
}

TEST_CASE_FIXTURE(SearchIndexFixture, "snippet of a long body surrounds the match") {
    std::string words;
    for (int i = 0; i < 300; ++i) words += "mot" + std::to_string(i) + " ";
    write("acme", "kb/long.md", "---\ntype: kb\ntitle: Long\n---\n" + words + "aiguille " + words + "\n");

    auto results = search("aiguille");

    REQUIRE(results.size() == 1);
    CHECK(results[0].snippet.size() < 400);
    CHECK(results[0].snippet.find("aiguille") != std::string::npos);
    check_highlights(results[0], {"aiguille"});
}

TEST_CASE_FIXTURE(SearchIndexFixture, "snippet highlights ignore control bytes of the document") {
    write("acme", "kb/control.md", "---\ntype: kb\ntitle: Contrôle\n---\nalpha \x01 beta \x02 gamma tunnel delta\n");

    auto results = search("tunnel");

    REQUIRE(results.size() == 1);
    check_highlights(results[0], {"tunnel"});
}

// --- age blocks ------------------------------------------------------------------------

namespace {

// Base64 lines that stand for encrypted content. Each begins with its own letters, so that
// FTS5's prefix compression of terms cannot hide one in the file.
const std::vector<std::string> canaries = {
    "Q2FuYXJ5Qm9keUxpbmVPbmU", "R2FuYXJ5Qm9keUxpbmVUd28", "S2FuYXJ5RmllbGRMaW5l",   "T2FuYXJ5Q3JsZkxpbmU",
    "U2FuYXJ5Tm9FbmRMaW5l",    "V2FuYXJ5RmVuY2VkTGluZQ",  "W2FuYXJ5TmVzdGVkTGluZQ", "X2FuYXJ5QnJva2VuTGluZQ",
    "Y2FuYXJ5UXVvdGVkTGluZQ",  "Z2FuYXJ5TGlzdEl0ZW0",
};

std::string age_block(const std::string& line, const std::string& indent = "", const std::string& eol = "\n") {
    return indent + "-----BEGIN AGE ENCRYPTED FILE-----" + eol + indent + line + eol + indent +
           "YWdlLWVuY3J5cHRpb24ub3JnL3YxCg" + eol + indent + "-----END AGE ENCRYPTED FILE-----" + eol;
}

std::string lowercase(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// Returns every value of every column of every ordinary table of the SQLite database at
// `path`, FTS5's own tables included, as bytes.
std::vector<std::string> every_stored_value(const fs::path& path) {
    std::vector<std::string> values;
    sqlite3* database = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &database, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    std::vector<std::string> tables;
    sqlite3_stmt* statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(database,
                               "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'",
                               -1, &statement, nullptr) == SQLITE_OK);
    while (sqlite3_step(statement) == SQLITE_ROW) {
        tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
    }
    sqlite3_finalize(statement);
    CHECK(tables.size() >= 5);
    for (const auto& table : tables) {
        std::string sql = "SELECT * FROM \"" + table + "\"";
        REQUIRE(sqlite3_prepare_v2(database, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
        while (sqlite3_step(statement) == SQLITE_ROW) {
            for (int column = 0; column < sqlite3_column_count(statement); ++column) {
                const void* bytes = sqlite3_column_blob(statement, column);
                int size = sqlite3_column_bytes(statement, column);
                if (bytes != nullptr)
                    values.emplace_back(static_cast<const char*>(bytes), static_cast<std::size_t>(size));
            }
        }
        sqlite3_finalize(statement);
    }
    sqlite3_close(database);
    return values;
}

// Checks that no canary can be found through the index, is in any stored value, or is
// anywhere in the bytes of any file of .dossier/, in any case.
void check_no_canary_stored(const fs::path& root, const std::vector<std::string>& lines) {
    auto values = every_stored_value(dossier::search_index_path(root));
    std::vector<std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(root / ".dossier")) {
        if (entry.is_regular_file()) files.push_back(lowercase(read_bytes(entry.path())));
    }
    for (const auto& line : lines) {
        CAPTURE(line);
        std::string folded = lowercase(line);
        for (const auto& value : values) CHECK(lowercase(value).find(folded) == std::string::npos);
        for (const auto& file : files) CHECK(file.find(folded) == std::string::npos);
    }
}

}  // namespace

class AgeFixture : public SearchIndexFixture {
public:
    // Runs every check that the canaries are nowhere in the index.
    void check_canaries_absent(const std::vector<std::string>& lines) {
        for (const auto& line : lines) {
            CAPTURE(line);
            CHECK(found(line) == "");
            CHECK(found(line.substr(0, 8) + "*") == "");
        }
        check_no_canary_stored(root(), lines);
    }
};

TEST_CASE_FIXTURE(AgeFixture, "age block in the body is never indexed") {
    write("acme", "credentials/fw.md",
          "---\ntype: credential\ntitle: Compte admin du pare-feu\nusername: admin\n---\n# Compte admin\n\n"
          "Le secret est chiffré ci-dessous.\n\n" +
              age_block(canaries[0]) + "\nAprès le bloc : visible.\n\n" + age_block(canaries[1]) + "Fin lisible.\n");

    CHECK(found("visible") == "acme/credentials/fw");
    CHECK(found("lisible") == "acme/credentials/fw");
    check_canaries_absent({canaries[0], canaries[1]});
}

TEST_CASE_FIXTURE(AgeFixture, "age block in a front-matter value is never indexed") {
    write("acme", "credentials/vpn.md",
          "---\ntype: credential\ntitle: Compte VPN\npassword: |\n" + age_block(canaries[2], "  ") +
              "nested:\n  secret: |\n" + age_block(canaries[6], "    ") + "list:\n  - |\n" +
              age_block(canaries[9], "    ") + "quoted: \"-----BEGIN AGE ENCRYPTED FILE-----\\n" + canaries[8] +
              "\\n-----END AGE ENCRYPTED FILE-----\\n\"\n---\nCorps visible.\n");

    CHECK(found("visible") == "acme/credentials/vpn");
    check_canaries_absent({canaries[2], canaries[6], canaries[8], canaries[9]});
}

TEST_CASE_FIXTURE(AgeFixture, "age block with CRLF line endings is never indexed") {
    write("acme", "credentials/crlf.md",
          "---\r\ntype: credential\r\ntitle: Windows\r\n---\r\nAvant.\r\n" + age_block(canaries[3], "", "\r\n") +
              "Après visible.\r\n");

    CHECK(found("visible") == "acme/credentials/crlf");
    check_canaries_absent({canaries[3]});
}

TEST_CASE_FIXTURE(AgeFixture, "age block without an end line hides the rest") {
    write("acme", "credentials/cut.md",
          "---\ntype: credential\ntitle: Coupé\n---\nAvant visible.\n-----BEGIN AGE ENCRYPTED FILE-----\n" +
              canaries[4] + "\nsuite cachée\n");

    CHECK(found("visible") == "acme/credentials/cut");
    CHECK(found("cachee") == "");
    check_canaries_absent({canaries[4]});
}

TEST_CASE_FIXTURE(AgeFixture, "fenced or indented age block is never indexed") {
    write("acme", "credentials/fenced.md",
          "---\ntype: credential\ntitle: Bloc\n---\n```\n" + age_block(canaries[5]) + "```\n\n- item\n" +
              age_block(canaries[7], "  ") + "\nvisible\n");

    CHECK(found("visible") == "acme/credentials/fenced");
    check_canaries_absent({canaries[5], canaries[7]});
}

TEST_CASE_FIXTURE(AgeFixture, "age block of unreadable document is never indexed") {
    write("acme", "credentials/broken.md",
          "---\ntype: credential\ntype: credential\ntitle: Doublon\npassword: |\n" + age_block(canaries[2], "  ") +
              "---\nCorps visible.\n" + age_block(canaries[0]));

    auto results = search("visible");
    REQUIRE(results.size() == 1);
    CHECK_FALSE(results[0].problem.empty());
    check_canaries_absent({canaries[2], canaries[0]});
}

TEST_CASE_FIXTURE(AgeFixture, "one-line age block of unreadable document is never indexed") {
    write("acme", "credentials/broken-quoted.md",
          "---\ntype: credential\ntype: credential\ntitle: Doublon\nsecret: \"-----BEGIN AGE ENCRYPTED FILE-----\\n" +
              canaries[8] + "\\n-----END AGE ENCRYPTED FILE-----\\n\"\n---\nCorps visible.\n");

    REQUIRE(found("visible") == "acme/credentials/broken-quoted");
    check_canaries_absent({canaries[8]});
}

TEST_CASE_FIXTURE(AgeFixture, "age block in the title or owner is never stored") {
    write("acme", "credentials/title.md",
          "---\ntype: credential\ntitle: |\n" + age_block(canaries[1], "  ") + "owner: |\n" +
              age_block(canaries[3], "  ") + "---\nCorps visible.\n");

    REQUIRE(found("visible") == "acme/credentials/title");
    check_canaries_absent({canaries[1], canaries[3]});
}

TEST_CASE_FIXTURE(AgeFixture, "age block added by an edit is never indexed") {
    write("acme", "credentials/later.md", "---\ntype: credential\ntitle: Plus tard\n---\nvisible\n");
    REQUIRE(found("visible") == "acme/credentials/later");

    write("acme", "credentials/later.md",
          "---\ntype: credential\ntitle: Plus tard\n---\nvisible\n" + age_block(canaries[0]));

    check_canaries_absent({canaries[0]});
}

TEST_CASE_FIXTURE(AgeFixture, "plaintext later encrypted is no longer found, and a rebuild removes it from the file") {
    // A secret first written in clear, then encrypted. NOTE: FTS5 keeps the old words in its
    // segments until they are merged, so only a rebuild guarantees that the bytes are gone.
    const std::string secret = "Zq7PlainSecretCanary";
    write("acme", "credentials/db.md", "---\ntype: credential\ntitle: Base\n---\nmot de passe " + secret + "\n");
    REQUIRE(found(secret) == "acme/credentials/db");

    write("acme", "credentials/db.md",
          "---\ntype: credential\ntitle: Base\n---\nmot de passe\n" + age_block(canaries[0]));

    CHECK(found(secret) == "");
    SearchIndex(workspace()).rebuild();
    check_canaries_absent({secret});
}

// --- incremental refresh ---------------------------------------------------------------

TEST_CASE_FIXTURE(SampleFixture, "refresh builds a missing index then reads nothing") {
    SearchIndex index(workspace());

    auto first = index.refresh();
    auto second = index.refresh();
    auto third = SearchIndex(workspace()).refresh();

    CHECK(first.rebuilt == RebuildReason::created);
    CHECK(first.documents == 9);
    CHECK(second.rebuilt == RebuildReason::none);
    CHECK(second.documents == 9);
    CHECK(third.rebuilt == RebuildReason::none);
    CHECK(third.added + third.updated + third.removed == 0);
}

TEST_CASE_FIXTURE(SampleFixture, "refresh reads an edited document again") {
    REQUIRE(found("ipsec") == "acme/kb/ticket");

    write("acme", "kb/ticket.md",
          "---\ntype: runbook\ntitle: Incident clos\nowner: carol\n---\nTunnel WireGuard rétabli.\n");
    SearchIndex index(workspace());
    auto summary = index.refresh();

    CHECK(summary.rebuilt == RebuildReason::none);
    CHECK(summary.updated == 1);
    CHECK(summary.added == 0);
    CHECK(found("ipsec") == "");
    CHECK(found("wireguard") == "acme/kb/ticket");
    CHECK(found("owner:carol type:runbook") == "acme/kb/ticket");
    CHECK(found("tag:incident") == "");
}

TEST_CASE_FIXTURE(SampleFixture, "refresh removes a deleted document") {
    REQUIRE(found("ipsec") == "acme/kb/ticket");

    remove("acme", "kb/ticket.md");
    auto summary = SearchIndex(workspace()).refresh();

    CHECK(summary.removed == 1);
    CHECK(summary.documents == 8);
    CHECK(found("ipsec") == "");
    CHECK(found("tag:incident") == "");
    CHECK(found("reviewed:2024-01-01") == "acme/contacts/jeanne");
}

TEST_CASE_FIXTURE(SampleFixture, "refresh follows a renamed document") {
    REQUIRE(found("ipsec") == "acme/kb/ticket");

    fs::create_directories(client_dir("acme") / "incidents");
    fs::rename(client_dir("acme") / "kb/ticket.md", client_dir("acme") / "incidents/inc-2024-0042.md");
    auto summary = SearchIndex(workspace()).refresh();

    CHECK(summary.removed == 1);
    CHECK(summary.added == 1);
    CHECK(found("ipsec") == "acme/incidents/inc-2024-0042");
    CHECK(found("tag:incident") == "acme/incidents/inc-2024-0042");
}

TEST_CASE_FIXTURE(SampleFixture, "refresh follows a rename into another client") {
    REQUIRE(found("ipsec") == "acme/kb/ticket");

    fs::rename(client_dir("acme") / "kb/ticket.md", client_dir("beta") / "kb/ticket.md");

    CHECK(found("ipsec") == "beta/kb/ticket");
    CHECK(found("client:acme ipsec") == "");
}

TEST_CASE_FIXTURE(SampleFixture, "refresh adds the documents of a new client") {
    REQUIRE(found("gamma") == "");

    add_client("Gamma", "gamma");
    write("gamma", "kb/intro.md", "---\ntype: kb\ntitle: Introduction\n---\nVPN de Gamma.\n");

    CHECK(found("introduction") == "gamma/kb/intro");
    CHECK(found("client:gamma") == "gamma/client gamma/kb/intro");
    CHECK(found("vpn") == "acme/kb/ticket acme/runbooks/vpn-reset beta/runbooks/backup gamma/kb/intro");
}

TEST_CASE_FIXTURE(SampleFixture, "refresh removes the documents of a removed client folder") {
    REQUIRE(found("sauvegarde") == "beta/runbooks/backup");

    fs::remove_all(client_dir("beta"));
    auto summary = SearchIndex(workspace()).refresh();

    CHECK(summary.removed == 4);
    CHECK(found("sauvegarde") == "");
    CHECK(found("client:beta") == "");
    CHECK(all_documents() == "acme/client acme/contacts/jeanne acme/kb/old acme/kb/ticket acme/runbooks/vpn-reset");
}

TEST_CASE_FIXTURE(SampleFixture, "refresh ignores files that are not documents") {
    write("acme", "kb/notes.txt", "vpn texte brut");
    write("acme", ".hidden/secret.md", "---\ntype: kb\ntitle: Caché\n---\nintrouvable\n");
    write("acme", "kb/.draft.md", "---\ntype: kb\ntitle: Brouillon\n---\nintrouvable\n");
    fs::create_symlink(client_dir("acme") / "kb/ticket.md", client_dir("acme") / "kb/link.md");

    CHECK(found("introuvable") == "");
    CHECK(found("ipsec") == "acme/kb/ticket");
}

TEST_CASE_FIXTURE(SampleFixture, "refresh sees a same-size edit made right after it") {
    write("acme", "kb/racy.md", "---\ntype: kb\ntitle: Racy\n---\nalpha\n");
    SearchIndex index(workspace());
    index.refresh();
    REQUIRE(sorted_references(index.search(parse(index, "alpha"), 0)) == "acme/kb/racy");

    // Same size, written within the same second as the refresh that read the first version.
    write("acme", "kb/racy.md", "---\ntype: kb\ntitle: Racy\n---\nomega\n");
    index.refresh();

    CHECK(sorted_references(index.search(parse(index, "omega"), 0)) == "acme/kb/racy");
    CHECK(sorted_references(index.search(parse(index, "alpha"), 0)) == "");
}

TEST_CASE_FIXTURE(SampleFixture, "refresh sees a same-size edit with the old mtime") {
    auto path = client_dir("acme") / "kb/racy.md";
    write("acme", "kb/racy.md", "---\ntype: kb\ntitle: Racy\n---\nalpha\n");
    auto old_time = mtime_of(path);
    old_time.tv_sec -= 3600;
    set_mtime(path, old_time);
    // Let the change time leave the window in which the index does not trust stat data.
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    REQUIRE(found("alpha") == "acme/kb/racy");

    write("acme", "kb/racy.md", "---\ntype: kb\ntitle: Racy\n---\nomega\n");
    set_mtime(path, old_time);

    CHECK(found("omega") == "acme/kb/racy");
    CHECK(found("alpha") == "");
}

TEST_CASE_FIXTURE(SampleFixture, "refresh after a touch changes nothing") {
    REQUIRE(found("ipsec") == "acme/kb/ticket");
    auto path = client_dir("acme") / "kb/ticket.md";
    auto later = mtime_of(path);
    later.tv_sec += 60;
    set_mtime(path, later);
    write("acme", "kb/old.md", old_note);  // rewritten with the same bytes

    SearchIndex index(workspace());
    auto summary = index.refresh();

    CHECK(summary.rebuilt == RebuildReason::none);
    CHECK(summary.added == 0);
    CHECK(summary.updated == 0);
    CHECK(summary.removed == 0);
    CHECK(found("ipsec") == "acme/kb/ticket");
    CHECK(found("remplacee") == "acme/kb/old");
}

TEST_CASE_FIXTURE(SampleFixture, "refresh in one object sees every later change") {
    SearchIndex index(workspace());
    index.refresh();

    write("acme", "kb/new.md", "---\ntype: kb\ntitle: Nouveau\n---\nzèbre\n");
    index.refresh();
    CHECK(sorted_references(index.search(parse(index, "zebre"), 0)) == "acme/kb/new");

    write("acme", "kb/new.md", "---\ntype: kb\ntitle: Nouveau\n---\ngirafe et zèbre\n");
    index.refresh();
    CHECK(sorted_references(index.search(parse(index, "girafe"), 0)) == "acme/kb/new");

    remove("acme", "kb/new.md");
    index.refresh();
    CHECK(sorted_references(index.search(parse(index, "zebre"), 0)) == "");
}

TEST_CASE_FIXTURE(SampleFixture, "open index sees a client added later") {
    SearchIndex index(workspace());
    index.refresh();

    add_client("Gamma", "gamma");
    write("gamma", "kb/intro.md", "---\ntype: kb\ntitle: Introduction\n---\nVPN de Gamma.\n");
    index.refresh();

    CHECK(sorted_references(index.search(parse(index, "introduction"), 0)) == "gamma/kb/intro");
}

TEST_CASE_FIXTURE(SampleFixture, "two index objects refreshing alternately agree") {
    SearchIndex first(workspace());
    SearchIndex second(workspace());
    first.refresh();

    write("acme", "kb/a.md", "---\ntype: kb\ntitle: A\n---\nanaconda\n");
    second.refresh();
    write("acme", "kb/a.md", "---\ntype: kb\ntitle: A\n---\nbaleine\n");
    first.refresh();
    remove("acme", "kb/ticket.md");
    second.refresh();
    second.rebuild();
    write("beta", "kb/b.md", "---\ntype: kb\ntitle: B\n---\ncachalot\n");
    first.refresh();
    write("beta", "kb/b.md", "---\ntype: kb\ntitle: B\n---\ndauphin\n");
    second.refresh();

    for (auto* index : {&first, &second}) {
        index->refresh();
        CHECK(sorted_references(index->search(parse(*index, "anaconda"), 0)) == "");
        CHECK(sorted_references(index->search(parse(*index, "baleine"), 0)) == "acme/kb/a");
        CHECK(sorted_references(index->search(parse(*index, "ipsec"), 0)) == "");
        CHECK(sorted_references(index->search(parse(*index, "cachalot"), 0)) == "");
        CHECK(sorted_references(index->search(parse(*index, "dauphin"), 0)) == "beta/kb/b");
    }
    CHECK(all_documents() ==
          "acme/client acme/contacts/jeanne acme/kb/a acme/kb/old acme/runbooks/vpn-reset beta/client beta/kb/b "
          "beta/kb/broken beta/notes/free beta/runbooks/backup");
}

TEST_CASE_FIXTURE(SampleFixture, "open_cached misses outside changes until a refresh") {
    REQUIRE(found("ipsec") == "acme/kb/ticket");
    remove("acme", "kb/ticket.md");

    SearchIndex cached(workspace());
    auto summary = cached.open_cached();
    auto stale = sorted_references(cached.search(parse(cached, "ipsec"), 0));

    CHECK(summary.rebuilt == RebuildReason::none);
    CHECK(stale == "acme/kb/ticket");
    CHECK(found("ipsec") == "");
}

TEST_CASE_FIXTURE(SampleFixture, "search without a refresh builds a missing index") {
    SearchIndex index(workspace());
    RefreshSummary rebuilt;
    auto query = dossier::parse_search_query("ipsec", {});

    auto results = index.search(query, 0, &rebuilt);

    CHECK(sorted_references(results) == "acme/kb/ticket");
    CHECK(rebuilt.rebuilt == RebuildReason::created);
}

TEST_CASE_FIXTURE(SampleFixture, "rebuild says it was requested") {
    SearchIndex index(workspace());
    index.refresh();

    auto summary = index.rebuild();

    CHECK(summary.rebuilt == RebuildReason::requested);
    CHECK(summary.documents == 9);
    CHECK(found("ipsec") == "acme/kb/ticket");
}

// --- damaged index files ---------------------------------------------------------------

namespace {

void run_sql(const fs::path& path, const std::string& sql) {
    sqlite3* database = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &database, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    char* message = nullptr;
    int code = sqlite3_exec(database, sql.c_str(), nullptr, nullptr, &message);
    INFO(sql << ": " << (message != nullptr ? message : ""));
    sqlite3_free(message);
    sqlite3_close(database);
    REQUIRE(code == SQLITE_OK);
}

// Runs `sql` on the index, then restores the file's modification time and checks that its size
// is unchanged, so that the change is in its content alone.
void run_sql_keeping_stat(const fs::path& path, const std::string& sql) {
    auto size = fs::file_size(path);
    auto mtime = mtime_of(path);
    run_sql(path, sql);
    REQUIRE(fs::file_size(path) == size);
    set_mtime(path, mtime);
}

}  // namespace

class DamageFixture : public SampleFixture {
public:
    DamageFixture() {
        auto summary = SearchIndex(workspace()).refresh();
        REQUIRE(summary.rebuilt == RebuildReason::created);
    }

    // Refreshes with a new object and checks that the index was rebuilt for `reason`, then
    // that it gives the right results and is trusted by the next command.
    void check_rebuilt(RebuildReason reason) {
        auto summary = SearchIndex(workspace()).refresh();
        CHECK(summary.rebuilt == reason);
        if (reason == RebuildReason::damaged) CHECK_FALSE(summary.damage.empty());
        CHECK(summary.documents == 9);
        check_results();
        CHECK(SearchIndex(workspace()).refresh().rebuilt == RebuildReason::none);
    }

    void check_results() {
        CHECK(found("ipsec") == "acme/kb/ticket");
        CHECK(found("vpn") == "acme/kb/ticket acme/runbooks/vpn-reset beta/runbooks/backup");
        CHECK(found("reviewed:<2024-01-01") == "acme/kb/old acme/runbooks/vpn-reset");
        CHECK(found("tag:vpn") == "acme/kb/ticket acme/runbooks/vpn-reset");
    }
};

TEST_CASE_FIXTURE(DamageFixture, "damaged index truncated to half is rebuilt") {
    fs::resize_file(index_file(), fs::file_size(index_file()) / 2);

    check_rebuilt(RebuildReason::damaged);
}

TEST_CASE_FIXTURE(DamageFixture, "damaged index truncated to nothing is rebuilt") {
    fs::resize_file(index_file(), 0);

    check_rebuilt(RebuildReason::damaged);
}

TEST_CASE_FIXTURE(DamageFixture, "damaged index overwritten with garbage is rebuilt") {
    std::mt19937 random(42);
    std::string garbage(fs::file_size(index_file()), '\0');
    for (auto& c : garbage) c = static_cast<char>(random());
    write_bytes(index_file(), garbage);

    check_rebuilt(RebuildReason::damaged);
}

TEST_CASE_FIXTURE(DamageFixture, "damaged index with a flipped byte is rebuilt") {
    std::string bytes = read_bytes(index_file());
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0xFF);
    write_bytes(index_file(), bytes);

    check_rebuilt(RebuildReason::damaged);
}

TEST_CASE_FIXTURE(DamageFixture, "damaged index with another header is rebuilt") {
    std::string bytes = read_bytes(index_file());
    bytes.replace(0, 16, "not an index....");
    write_bytes(index_file(), bytes);

    check_rebuilt(RebuildReason::damaged);
}

TEST_CASE_FIXTURE(DamageFixture, "index changed by another program is rebuilt") {
    run_sql(index_file(), "UPDATE meta SET value = '0' WHERE key = 'format'");

    auto summary = SearchIndex(workspace()).refresh();

    CHECK(summary.rebuilt != RebuildReason::none);
    check_results();
}

TEST_CASE_FIXTURE(DamageFixture, "index of another format version is rebuilt") {
    run_sql_keeping_stat(index_file(), "UPDATE meta SET value = '0' WHERE key = 'format'");

    check_rebuilt(RebuildReason::format_changed);
}

TEST_CASE_FIXTURE(DamageFixture, "index without a format version is rebuilt") {
    run_sql_keeping_stat(index_file(), "DELETE FROM meta");

    check_rebuilt(RebuildReason::damaged);
}

TEST_CASE_FIXTURE(DamageFixture, "index without its stamp file is rebuilt") {
    fs::remove(stamp_file());

    check_rebuilt(RebuildReason::damaged);
}

TEST_CASE_FIXTURE(DamageFixture, "index with an empty stamp file is rebuilt") {
    write_bytes(stamp_file(), "");

    check_rebuilt(RebuildReason::damaged);
}

TEST_CASE_FIXTURE(DamageFixture, "deleted index file is built again") {
    fs::remove(index_file());

    check_rebuilt(RebuildReason::created);
}

TEST_CASE_FIXTURE(DamageFixture, "damaged index is rebuilt by open_cached") {
    fs::resize_file(index_file(), fs::file_size(index_file()) / 2);

    SearchIndex index(workspace());
    auto summary = index.open_cached();

    CHECK(summary.rebuilt == RebuildReason::damaged);
    CHECK(sorted_references(index.search(parse(index, "ipsec"), 0)) == "acme/kb/ticket");
}

TEST_CASE_FIXTURE(DamageFixture, "index damaged while open is rebuilt by refresh") {
    SearchIndex index(workspace());
    index.refresh();
    std::mt19937 random(7);
    std::string garbage(fs::file_size(index_file()), '\0');
    for (auto& c : garbage) c = static_cast<char>(random());
    write_bytes(index_file(), garbage);

    auto summary = index.refresh();

    CHECK(summary.rebuilt == RebuildReason::damaged);
    CHECK(sorted_references(index.search(parse(index, "ipsec"), 0)) == "acme/kb/ticket");
}

TEST_CASE_FIXTURE(DamageFixture, "index damaged while open is rebuilt by search") {
    SearchIndex index(workspace());
    index.refresh();
    std::mt19937 random(9);
    std::string garbage(fs::file_size(index_file()), '\0');
    for (auto& c : garbage) c = static_cast<char>(random());
    write_bytes(index_file(), garbage);

    RefreshSummary rebuilt;
    auto results = index.search(parse(index, "ipsec"), 0, &rebuilt);

    CHECK(rebuilt.rebuilt == RebuildReason::damaged);
    CHECK(sorted_references(results) == "acme/kb/ticket");
}

namespace {

// Leaves a hot rollback journal beside the index, as a process killed in the middle of a
// refresh does. A child process empties most tables in a transaction, with a cache small
// enough that changed pages reach the file, then exits without committing.
void leave_hot_journal(const fs::path& index_file) {
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        sqlite3* database = nullptr;
        int code = sqlite3_open_v2(index_file.c_str(), &database, SQLITE_OPEN_READWRITE, nullptr);
        code = code == SQLITE_OK ? sqlite3_exec(database,
                                                "PRAGMA cache_size = 1; BEGIN IMMEDIATE; DELETE FROM documents; "
                                                "DELETE FROM fields; DELETE FROM text_data; DELETE FROM text_idx;",
                                                nullptr, nullptr, nullptr)
                                 : code;
        ::_exit(code == SQLITE_OK ? 0 : 1);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    fs::path journal = index_file;
    journal += "-journal";
    REQUIRE(fs::exists(journal));
}

}  // namespace

TEST_CASE_FIXTURE(DamageFixture, "journal of a killed refresh stays out of the rebuilt index") {
    leave_hot_journal(index_file());
    // The edit makes the pages in the journal differ from those of the rebuilt file.
    write("acme", "kb/ticket.md", "---\ntype: note\ntitle: Ticket\n---\nThe tunnel failed again.\n");

    auto summary = SearchIndex(workspace()).refresh();

    CHECK(summary.rebuilt == RebuildReason::damaged);
    CHECK(found("tunnel") == "acme/kb/ticket");
    CHECK(found("ipsec") == "");
    CHECK(found("vpn") == "acme/runbooks/vpn-reset beta/runbooks/backup");
    CHECK(SearchIndex(workspace()).refresh().rebuilt == RebuildReason::none);
}

TEST_CASE_FIXTURE(SearchIndexFixture, "snippet of a document of 100,000 matching lines comes fast") {
    std::string body = "---\ntype: note\ntitle: Journal\n---\n";
    for (int i = 0; i < 100'000; ++i) body += "line " + std::to_string(i) + " hugeword text\n";
    write("acme", "kb/journal.md", body);

    auto start = std::chrono::steady_clock::now();
    auto results = search("hugeword", 1);
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    REQUIRE(results.size() == 1);
    CHECK(results[0].snippet.starts_with("line 0 hugeword text"));
    CHECK(results[0].snippet.ends_with(" …"));
    // FTS5's snippet() took minutes here; the bound is loose, for a loaded machine.
    CHECK(seconds < 20);
}

TEST_CASE_FIXTURE(SearchIndexFixture, "snippet starts with an ellipsis when words come before the window") {
    write("acme", "kb/long.md",
          "---\ntype: kb\ntitle: Long\n---\none two three four five six seven eight nine ten tunnel eleven\n");

    auto results = search("tunnel");

    REQUIRE(results.size() == 1);
    CHECK(results[0].snippet == "… five six seven eight nine ten tunnel eleven");
    REQUIRE(results[0].highlights.size() == 1);
    auto [begin, end] = results[0].highlights[0];
    CHECK(results[0].snippet.substr(begin, end - begin) == "tunnel");
}

TEST_CASE_FIXTURE(SearchIndexFixture, "document with invalid UTF-8 bytes is still found by its words") {
    write("acme", "kb/legacy.md", "---\ntitle: inv\n---\ninvword caf\xe9 \xff\xfe more\n");

    CHECK(found("invword") == "acme/kb/legacy");
    CHECK(found("more") == "acme/kb/legacy");
}

namespace {

// Returns, for each document that `match` finds, FTS5's bm25() and dossier_bm25() with the
// weights that searches use.
std::vector<std::pair<double, double>> both_scores(const fs::path& index_file, const std::string& match) {
    auto database = dossier::index::Database::open(index_file, true, 1000);
    auto statement = database.prepare(
        "SELECT bm25(text, 10.0, 5.0, 1.0, 2.0, 3.0), dossier_bm25(text, 10.0, 5.0, 1.0, 2.0, 3.0) FROM text "
        "WHERE text MATCH ?1 ORDER BY rowid");
    statement.bind(1, std::string_view(match));
    std::vector<std::pair<double, double>> scores;
    while (statement.step()) scores.emplace_back(statement.real(0), statement.real(1));
    return scores;
}

void check_same_scores(const fs::path& index_file, const std::vector<std::string>& matches) {
    for (const auto& match : matches) {
        CAPTURE(match);
        auto scores = both_scores(index_file, match);
        CHECK_FALSE(scores.empty());
        for (const auto& [fts5, dossier] : scores) CHECK(dossier == doctest::Approx(fts5).epsilon(1e-12));
    }
}

}  // namespace

TEST_CASE_FIXTURE(SampleFixture, "dossier_bm25 scores as bm25 after every change") {
    const auto index_file = dossier::search_index_path(root());
    const std::vector<std::string> matches = {"vpn", "\"le vpn\"", "backup OR jeanne", "vpn*"};
    SearchIndex(workspace()).refresh();
    check_same_scores(index_file, matches);

    // Documents added, lengthened, shortened and removed, then a rebuild.
    write("acme", "kb/extra.md", "---\ntype: kb\ntitle: Extra VPN\n---\nVPN " + std::string(200, 'a') + " vpn\n");
    write("acme", "runbooks/vpn-reset.md", "---\ntype: runbook\ntitle: VPN\n---\nReset VPN.\n");
    remove("beta", "runbooks/backup.md");
    SearchIndex(workspace()).refresh();
    check_same_scores(index_file, {"vpn", "\"reset vpn\"", "jeanne", "vpn*"});
    SearchIndex(workspace()).rebuild();
    check_same_scores(index_file, {"vpn", "\"reset vpn\"", "jeanne", "vpn*"});
}
