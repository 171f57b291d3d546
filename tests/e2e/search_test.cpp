// End-to-end tests of search, list filters and index: output, JSON, exit statuses, hostile
// queries, changes made outside dossier, a damaged index and colours on a terminal.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "sandbox.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ClientSandbox;
using dossier::e2e::ProcessResult;
using dossier::e2e::Sandbox;
using nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Returns the keys of the JSON object `text` in the order they were written, joined by spaces.
std::string keys_in_order(const std::string& text) {
    auto object = nlohmann::ordered_json::parse(text);
    std::string keys;
    for (const auto& [key, value] : object.items()) keys += (keys.empty() ? "" : " ") + key;
    return keys;
}

// Words of SQLite and FTS5 messages that a user must never see.
void check_no_database_message(const ProcessResult& result) {
    CAPTURE(result.err);
    for (const char* word : {"SQL", "sqlite", "SQLite", "fts5", "FTS5", "syntax error", "malformed", "no such column",
                             "unterminated", "MATCH"}) {
        CHECK_FALSE(contains(result.err, word));
    }
}

// ClientSandbox with a second runbook reviewed earlier, in a second client.
class SearchSandbox : public ClientSandbox {
public:
    SearchSandbox() {
        REQUIRE(add_client("Bêta") == "beta");
        commit_document("beta", "runbooks/old-vpn.md",
                        "---\ntype: runbook\ntitle: Ancien VPN\nowner: mmartin\nreviewed: 2025-06-01\n"
                        "tags: [vpn, legacy]\n---\nProcédure du VPN IPsec, l'adresse est 10.0.0.1.\n");
    }

    fs::path index_file() const { return workspace() / ".dossier" / "index.sqlite"; }
};

// Runs `dossier arguments` under script(1), which gives it a terminal, and returns what the
// terminal showed with the exit status on the last line.
ProcessResult dossier_on_terminal(const Sandbox& sandbox, const std::map<std::string, std::string>& environment,
                                  const std::string& arguments) {
    std::string inner = std::string(DOSSIER_BINARY) + " " + arguments + "; echo \"exit status $?\"";
    std::string command = "script -qec '" + inner + "' /dev/null < /dev/null";
    return dossier::e2e::run_process({"sh", "-c", command}, environment, sandbox.workspace());
}

}  // namespace

// --- search output ---------------------------------------------------------------------

TEST_CASE_FIXTURE(SearchSandbox, "search prints reference title type and snippet") {
    auto result = dossier({"search", "relancer"});

    CHECK(result.exit_status == 0);
    CHECK(result.err == "");
    CHECK(result.out.starts_with("acme/runbooks/vpn-reset  Réinitialiser le VPN du siège  [runbook]\n    "));
    CHECK(contains(result.out, "relancer le tunnel"));
    CHECK(result.out.ends_with("\n"));
    CHECK(std::count(result.out.begin(), result.out.end(), '\n') == 2);
    CHECK(result.out.find('\x1b') == std::string::npos);
}

TEST_CASE_FIXTURE(SearchSandbox, "search prints the snippet with the matching word") {
    auto result = dossier({"search", "ipsec"});

    CHECK(result.exit_status == 0);
    CHECK(result.out.starts_with("beta/runbooks/old-vpn  Ancien VPN  [runbook]\n    "));
    CHECK(contains(result.out, "Procédure du VPN IPsec"));
}

TEST_CASE_FIXTURE(SearchSandbox, "search ranks a title match first") {
    auto result = dossier({"search", "--json", "fortigate"});

    REQUIRE(result.exit_status == 0);
    auto results = json::parse(result.out);
    REQUIRE(results.size() == 2);
    CHECK(results[0]["ref"] == "acme/assets/fw01");         // in the title
    CHECK(results[1]["ref"] == "acme/runbooks/vpn-reset");  // in the tags
    CHECK(results[0]["score"].get<double>() > results[1]["score"].get<double>());
    CHECK(results[1]["score"].get<double>() > 0);
}

TEST_CASE_FIXTURE(SearchSandbox, "search --json gives every field") {
    auto result = dossier({"search", "--json", "relancer"});

    REQUIRE(result.exit_status == 0);
    CHECK(result.err == "");
    auto results = json::parse(result.out);
    REQUIRE(results.size() == 1);
    const auto& item = results[0];
    std::string object = result.out.substr(result.out.find('{'), result.out.rfind('}') - result.out.find('{') + 1);
    CHECK(keys_in_order(object) == "client path ref type title owner score snippet highlights");
    CHECK(item["client"] == "acme");
    CHECK(item["path"] == "runbooks/vpn-reset.md");
    CHECK(item["ref"] == "acme/runbooks/vpn-reset");
    CHECK(item["type"] == "runbook");
    CHECK(item["title"] == "Réinitialiser le VPN du siège");
    CHECK(item["owner"] == "jdupont");
    CHECK(item["score"].get<double>() > 0);
    CHECK(item["snippet"].is_string());
    REQUIRE(item["highlights"].is_array());
    REQUIRE_FALSE(item["highlights"].empty());
    std::string snippet = item["snippet"];
    for (const auto& range : item["highlights"]) {
        REQUIRE(range.size() == 2);
        std::size_t begin = range[0];
        std::size_t end = range[1];
        REQUIRE(begin < end);
        REQUIRE(end <= snippet.size());
        CHECK(snippet.substr(begin, end - begin) == "relancer");
    }
}

TEST_CASE_FIXTURE(SearchSandbox, "search --json highlights accented words as written") {
    auto result = dossier({"search", "--json", "siege"});

    REQUIRE(result.exit_status == 0);
    auto results = json::parse(result.out);
    REQUIRE(results.size() == 2);  // the runbook, and the firewall asset of the same site
    for (const auto& item : results) {
        std::string snippet = item["snippet"];
        REQUIRE_FALSE(item["highlights"].empty());
        for (const auto& range : item["highlights"]) {
            std::size_t begin = range[0];
            std::size_t end = range[1];
            CHECK(snippet.substr(begin, end - begin) == "siège");
        }
    }
}

TEST_CASE_FIXTURE(SearchSandbox, "search without a match exits 0 with a notice") {
    auto text = dossier({"search", "introuvable"});
    auto as_json = dossier({"search", "--json", "introuvable"});

    CHECK(text.exit_status == 0);
    CHECK(text.out == "");
    CHECK(text.err == "dossier: no document matches\n");
    CHECK(as_json.exit_status == 0);
    CHECK(json::parse(as_json.out) == json::array());
}

TEST_CASE_FIXTURE(SearchSandbox, "search --limit keeps the best results") {
    auto one = dossier({"search", "--json", "--limit", "1", "vpn"});
    auto all = dossier({"search", "--json", "--limit", "0", "vpn"});

    REQUIRE(one.exit_status == 0);
    REQUIRE(all.exit_status == 0);
    CHECK(json::parse(one.out).size() == 1);
    CHECK(json::parse(all.out).size() == 3);
    CHECK(json::parse(one.out)[0] == json::parse(all.out)[0]);
}

TEST_CASE_FIXTURE(SearchSandbox, "search finds technical tokens and folded words") {
    struct Case {
        const char* query;
        const char* reference;
    };
    for (const auto& [query, reference] : std::vector<Case>{{"10.0.0.1", "beta/runbooks/old-vpn"},
                                                            {"l'adresse", "beta/runbooks/old-vpn"},
                                                            {"IPSEC", "beta/runbooks/old-vpn"},
                                                            {"prevenir", "acme/runbooks/vpn-reset"},
                                                            {"+33", "acme/contacts/jeanne-dupont"},
                                                            {"relanc*", "acme/runbooks/vpn-reset"},
                                                            {"\"console du pare-feu\"", "acme/runbooks/vpn-reset"}}) {
        CAPTURE(query);
        auto result = dossier({"search", "--json", "--", query});
        REQUIRE(result.exit_status == 0);
        auto results = json::parse(result.out);
        REQUIRE(results.size() == 1);
        CHECK(results[0]["ref"] == reference);
    }
}

TEST_CASE_FIXTURE(SearchSandbox, "search --json names the problem of an unreadable document") {
    commit_document("acme", "kb/broken.md", "---\ntitle: [unclosed\n---\nTexte cassé introuvable ailleurs.\n");

    auto result = dossier({"search", "--json", "ailleurs"});

    REQUIRE(result.exit_status == 0);
    auto results = json::parse(result.out);
    REQUIRE(results.size() == 1);
    CHECK(results[0]["ref"] == "acme/kb/broken");
    CHECK(results[0]["type"] == "");
    CHECK(results[0]["error"].is_string());
}

// --- nothing to search for and hostile queries -----------------------------------------

TEST_CASE_FIXTURE(SearchSandbox, "search of a lone symbol is a usage error") {
    for (const char* query : {"-", "(", "\"", "*", ":", ")"}) {
        CAPTURE(query);
        auto result = dossier({"search", "--", query});

        CHECK(result.exit_status == 2);
        CHECK(result.out == "");
        CHECK(contains(result.err, "nothing to search for"));
        CHECK(contains(result.err, "hint: "));
        check_no_database_message(result);
    }
}

TEST_CASE_FIXTURE(SearchSandbox, "search without a query is a usage error") {
    auto result = dossier({"search"});

    CHECK(result.exit_status == 2);
    CHECK(contains(result.err, "nothing to search for"));
}

TEST_CASE_FIXTURE(SearchSandbox, "search notices the parts it ignores") {
    auto result = dossier({"search", "--", "relancer", "-", "("});

    CHECK(result.exit_status == 0);
    CHECK(result.out.starts_with("acme/runbooks/vpn-reset  "));
    CHECK(contains(result.err, "ignored -: it contains no word to search for"));
    CHECK(contains(result.err, "ignored (: it contains no word to search for"));
}

TEST_CASE_FIXTURE(SearchSandbox, "search table of hostile queries never fails") {
    const std::vector<std::string> queries = {"\"vpn",
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
                                              "SRV-01",
                                              "10.0.0.1",
                                              "user@example.com",
                                              "l'adresse",
                                              "INC-2024-0042",
                                              "NOT vpn",
                                              "vpn NOT",
                                              "vpn AND",
                                              "{title}:vpn",
                                              "rank:1",
                                              "text MATCH 'x'",
                                              "%",
                                              "_",
                                              "\\",
                                              "'",
                                              "''",
                                              "\x1b[31m",
                                              "\t",
                                              " ",
                                              "vpn -vpn",
                                              "-vpn",
                                              "-type:runbook",
                                              "tag:",
                                              "owner:\"",
                                              "reviewed:<",
                                              "reviewed:<=not-a-date",
                                              "port:>abc"};
    for (const auto& query : queries) {
        CAPTURE(query);
        auto result = dossier({"search", "--", query});

        CHECK((result.exit_status == 0 || result.exit_status == 2));
        check_no_database_message(result);
        if (result.exit_status == 2) CHECK(contains(result.err, "dossier: error: "));
    }
}

TEST_CASE_FIXTURE(SearchSandbox, "search hostile words given as separate arguments never fail") {
    auto result = dossier({"search", "--", "a", "OR", "OR", "(", "NEAR", "\"vpn", "-", "*"});

    CHECK((result.exit_status == 0 || result.exit_status == 2));
    check_no_database_message(result);
}

TEST_CASE_FIXTURE(SearchSandbox, "search query too long is a usage error") {
    auto longest = dossier({"search", "--", std::string(4096, 'a')});
    auto too_long = dossier({"search", "--", std::string(4097, 'a')});

    CHECK(longest.exit_status == 0);
    CHECK(too_long.exit_status == 2);
    CHECK(contains(too_long.err, "4097"));
    check_no_database_message(too_long);
}

TEST_CASE_FIXTURE(SearchSandbox, "search of too many words is a usage error") {
    std::vector<std::string> arguments{"search", "--"};
    for (int i = 0; i < 65; ++i) arguments.push_back("mot" + std::to_string(i));

    auto result = dossier(arguments);

    CHECK(result.exit_status == 2);
    CHECK(contains(result.err, "64"));
    check_no_database_message(result);
}

// --- filters ---------------------------------------------------------------------------

TEST_CASE_FIXTURE(SearchSandbox, "search inline filters narrow the results") {
    auto acme = dossier({"search", "type:runbook", "client:acme", "vpn"});
    auto beta = dossier({"search", "--json", "client:beta", "vpn"});
    auto contact = dossier({"search", "type:contact", "vpn"});

    CHECK(acme.exit_status == 0);
    CHECK(acme.out.starts_with("acme/runbooks/vpn-reset  "));
    CHECK_FALSE(contains(acme.out, "beta/"));
    REQUIRE(beta.exit_status == 0);
    REQUIRE(json::parse(beta.out).size() == 1);
    CHECK(json::parse(beta.out)[0]["ref"] == "beta/runbooks/old-vpn");
    CHECK(contact.exit_status == 0);
    CHECK(contact.out == "");
}

TEST_CASE_FIXTURE(SearchSandbox, "search filter options narrow the results") {
    auto by_client = dossier({"search", "--json", "--client", "beta", "vpn"});
    auto by_type = dossier({"search", "--json", "--type", "runbook", "--owner", "jdupont", "vpn"});
    auto by_tag = dossier({"search", "--json", "--tag", "legacy", "vpn"});

    REQUIRE(by_client.exit_status == 0);
    REQUIRE(by_type.exit_status == 0);
    REQUIRE(by_tag.exit_status == 0);
    REQUIRE(json::parse(by_client.out).size() == 1);
    CHECK(json::parse(by_client.out)[0]["ref"] == "beta/runbooks/old-vpn");
    REQUIRE(json::parse(by_type.out).size() == 1);
    CHECK(json::parse(by_type.out)[0]["ref"] == "acme/runbooks/vpn-reset");
    REQUIRE(json::parse(by_tag.out).size() == 1);
    CHECK(json::parse(by_tag.out)[0]["ref"] == "beta/runbooks/old-vpn");
}

TEST_CASE_FIXTURE(SearchSandbox, "search --where compares dates in three pieces or one") {
    auto before = dossier({"search", "--json", "vpn", "--where", "reviewed", "<", "2026-01-01"});
    auto joined = dossier({"search", "--json", "--where", "reviewed<2026-01-01", "vpn"});
    auto after = dossier({"search", "--json", "vpn", "--where", "reviewed", ">=", "2026-01-10"});

    REQUIRE(before.exit_status == 0);
    REQUIRE(joined.exit_status == 0);
    REQUIRE(after.exit_status == 0);
    REQUIRE(json::parse(before.out).size() == 1);
    CHECK(json::parse(before.out)[0]["ref"] == "beta/runbooks/old-vpn");
    CHECK(json::parse(joined.out) == json::parse(before.out));
    REQUIRE(json::parse(after.out).size() == 1);
    CHECK(json::parse(after.out)[0]["ref"] == "acme/runbooks/vpn-reset");
}

TEST_CASE_FIXTURE(SearchSandbox, "search inline date filter") {
    auto result = dossier({"search", "--json", "reviewed:<2026-01-01"});

    REQUIRE(result.exit_status == 0);
    auto results = json::parse(result.out);
    REQUIRE(results.size() == 1);
    CHECK(results[0]["ref"] == "beta/runbooks/old-vpn");
}

TEST_CASE_FIXTURE(SearchSandbox, "search --where without an operator is a usage error") {
    auto result = dossier({"search", "vpn", "--where", "reviewed"});

    CHECK(result.exit_status == 2);
    CHECK(contains(result.err, "invalid --where: reviewed"));
}

TEST_CASE_FIXTURE(SearchSandbox, "search on an unknown field warns") {
    auto result = dossier({"search", "vpn", "--where", "colour", "=", "blue"});

    CHECK(result.exit_status == 0);
    CHECK(contains(result.err, "no document has a field named colour"));
}

TEST_CASE_FIXTURE(SearchSandbox, "search of an unknown client suggests the closest one") {
    auto result = dossier({"search", "--client", "acmee", "vpn"});

    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "did you mean acme?"));
}

// --- list ------------------------------------------------------------------------------

TEST_CASE_FIXTURE(SearchSandbox, "list inline filter selects documents") {
    auto result = dossier({"list", "type:runbook"});

    CHECK(result.exit_status == 0);
    CHECK(result.err == "");
    CHECK(result.out ==
          "runbook  acme/runbooks/vpn-reset  Réinitialiser le VPN du siège  jdupont\n"
          "runbook  beta/runbooks/old-vpn  Ancien VPN  mmartin\n");
}

TEST_CASE_FIXTURE(SearchSandbox, "list --owner and --tag select documents") {
    auto by_owner = dossier({"list", "--owner", "jdupont"});
    auto by_tag = dossier({"list", "--tag", "legacy"});
    auto by_tags = dossier({"list", "--tag", "vpn", "--tag", "fortigate"});
    auto inline_tag = dossier({"list", "tag:vpn", "client:beta"});

    CHECK(by_owner.exit_status == 0);
    CHECK(by_owner.out ==
          "asset    acme/assets/fw01  Pare-feu FortiGate du siège  jdupont\n"
          "runbook  acme/runbooks/vpn-reset  Réinitialiser le VPN du siège  jdupont\n");
    CHECK(by_tag.out == "runbook  beta/runbooks/old-vpn  Ancien VPN  mmartin\n");
    CHECK(by_tags.out == "runbook  acme/runbooks/vpn-reset  Réinitialiser le VPN du siège  jdupont\n");
    CHECK(inline_tag.out == "runbook  beta/runbooks/old-vpn  Ancien VPN  mmartin\n");
}

TEST_CASE_FIXTURE(SearchSandbox, "list --where compares dates") {
    auto result = dossier({"list", "--type", "runbook", "--where", "reviewed", ">", "2025-12-31"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "runbook  acme/runbooks/vpn-reset  Réinitialiser le VPN du siège  jdupont\n");
}

TEST_CASE_FIXTURE(SearchSandbox, "list rejects a word that is not a filter") {
    auto result = dossier({"list", "vpn"});

    CHECK(result.exit_status == 2);
    CHECK(result.out == "");
    CHECK(contains(result.err, "not a filter: vpn"));
    CHECK(contains(result.err, "dossier search"));
}

TEST_CASE_FIXTURE(SearchSandbox, "list --json with a filter") {
    auto result = dossier({"list", "--json", "owner:mmartin"});

    REQUIRE(result.exit_status == 0);
    CHECK(json::parse(result.out) == json::parse(R"([{"client": "beta", "path": "runbooks/old-vpn.md",
        "ref": "beta/runbooks/old-vpn", "type": "runbook", "title": "Ancien VPN", "owner": "mmartin"}])"));
}

// --- index -----------------------------------------------------------------------------

TEST_CASE_FIXTURE(SearchSandbox, "index builds then refreshes and rebuilds on request") {
    auto built = dossier({"index"});
    auto refreshed = dossier({"index"});
    auto rebuilt = dossier({"index", "--rebuild"});

    CHECK(built.exit_status == 0);
    CHECK(built.err == "");
    CHECK(built.out.starts_with("built the search index of 6 documents in "));
    CHECK(built.out.ends_with(" ms\n"));
    CHECK(refreshed.exit_status == 0);
    CHECK(refreshed.out == "6 documents indexed: 0 added, 0 updated, 0 removed\n");
    CHECK(rebuilt.exit_status == 0);
    CHECK(rebuilt.out.starts_with("built the search index of 6 documents in "));
}

TEST_CASE_FIXTURE(SearchSandbox, "index counts added updated and removed documents") {
    REQUIRE(dossier({"index"}).exit_status == 0);
    write_file(acme() / "kb/new.md", "---\ntype: kb\ntitle: Nouveau\n---\nzèbre\n");
    write_file(acme() / "runbooks/vpn-reset.md", dossier::e2e::vpn_reset_document + "Ajout.\n");
    fs::remove(acme() / "assets/fw01.md");

    auto result = dossier({"index"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "6 documents indexed: 1 added, 1 updated, 1 removed\n");
}

TEST_CASE_FIXTURE(SearchSandbox, "index --json gives the summary") {
    auto built = dossier({"index", "--json"});
    auto refreshed = dossier({"index", "--json"});
    auto rebuilt = dossier({"index", "--rebuild", "--json"});

    REQUIRE(built.exit_status == 0);
    REQUIRE(refreshed.exit_status == 0);
    REQUIRE(rebuilt.exit_status == 0);
    auto first = json::parse(built.out);
    CHECK(keys_in_order(built.out) == "documents added updated removed rebuilt seconds path watcher");
    CHECK(first["documents"] == 6);
    CHECK(first["rebuilt"] == "created");
    CHECK(first["seconds"].get<double>() >= 0);
    CHECK(first["path"] == index_file().string());
    CHECK(json::parse(refreshed.out)["rebuilt"] == "none");
    CHECK(json::parse(refreshed.out)["added"] == 0);
    CHECK(json::parse(rebuilt.out)["rebuilt"] == "requested");
}

// --- changes outside dossier -----------------------------------------------------------

TEST_CASE_FIXTURE(SearchSandbox, "search sees a file written outside dossier without index") {
    REQUIRE(dossier({"search", "vpn"}).exit_status == 0);
    write_file(acme() / "kb/new.md", "---\ntype: kb\ntitle: Nouveau\n---\nUn zèbre dans le réseau.\n");

    auto cached = dossier({"search", "--cached", "zebre"});
    auto fresh = dossier({"search", "zebre"});
    auto cached_after = dossier({"search", "--cached", "zebre"});

    CHECK(cached.exit_status == 0);
    CHECK(cached.out == "");
    CHECK(contains(cached.err, "no document matches"));
    CHECK(fresh.exit_status == 0);
    CHECK(fresh.out.starts_with("acme/kb/new  Nouveau  [kb]\n"));
    CHECK(cached_after.out == fresh.out);
}

TEST_CASE_FIXTURE(SearchSandbox, "search sees edits deletes and renames made outside dossier") {
    REQUIRE(dossier({"search", "vpn"}).exit_status == 0);
    write_file(acme() / "runbooks/vpn-reset.md", dossier::e2e::vpn_reset_document + "Tunnel WireGuard.\n");
    fs::remove(client_dir("beta") / "runbooks/old-vpn.md");
    fs::rename(acme() / "contacts/jeanne-dupont.md", acme() / "contacts/jeanne.md");

    auto edited = dossier({"search", "--json", "wireguard"});
    auto deleted = dossier({"search", "--json", "ipsec"});
    auto renamed = dossier({"search", "--json", "joignable"});

    REQUIRE(edited.exit_status == 0);
    CHECK(json::parse(edited.out).size() == 1);
    CHECK(json::parse(deleted.out) == json::array());
    REQUIRE(json::parse(renamed.out).size() == 1);
    CHECK(json::parse(renamed.out)[0]["ref"] == "acme/contacts/jeanne");
}

TEST_CASE_FIXTURE(SearchSandbox, "search sees a git checkout of an older commit") {
    commit_document("acme", "kb/history.md", "---\ntype: kb\ntitle: Histoire\n---\npremière version\n");
    commit_document("acme", "kb/history.md", "---\ntype: kb\ntitle: Histoire\n---\nseconde version\n");
    REQUIRE(json::parse(dossier({"search", "--json", "seconde"}).out).size() == 1);

    git_output(acme(), {"checkout", "-q", "HEAD~1"});

    CHECK(json::parse(dossier({"search", "--json", "seconde"}).out) == json::array());
    CHECK(json::parse(dossier({"search", "--json", "premiere"}).out).size() == 1);
}

TEST_CASE_FIXTURE(SearchSandbox, "list --cached misses a new file until a refresh") {
    REQUIRE(dossier({"list"}).exit_status == 0);
    write_file(acme() / "kb/new.md", "---\ntype: kb\ntitle: Nouveau\n---\n");

    auto cached = dossier({"list", "--cached", "type:kb"});
    auto fresh = dossier({"list", "type:kb"});

    CHECK(cached.out == "");
    CHECK(fresh.out == "kb    acme/kb/new  Nouveau  -\n");
}

TEST_CASE_FIXTURE(SearchSandbox, "concurrent searches after a change all succeed") {
    REQUIRE(dossier({"index"}).exit_status == 0);
    for (int i = 0; i < 20; ++i) {
        write_file(acme() / ("kb/doc-" + std::to_string(i) + ".md"),
                   "---\ntype: kb\ntitle: Page " + std::to_string(i) + "\n---\nmarmotte\n");
    }
    std::string search_command =
        std::string(DOSSIER_BINARY) + " -C '" + workspace().string() + "' search --json --limit 0 marmotte";
    std::string command;
    for (int i = 0; i < 6; ++i)
        command += search_command + " > out-" + std::to_string(i) + ".json 2> err-" + std::to_string(i) + ".txt & ";
    command += "wait";

    auto result = dossier::e2e::run_process({"sh", "-c", command}, environment, root());

    REQUIRE(result.exit_status == 0);
    for (int i = 0; i < 6; ++i) {
        CAPTURE(i);
        std::string err = read_file(root() / ("err-" + std::to_string(i) + ".txt"));
        CHECK(err == "");
        CHECK(json::parse(read_file(root() / ("out-" + std::to_string(i) + ".json"))).size() == 20);
    }
}

TEST_CASE_FIXTURE(SearchSandbox, "searches during a rebuild all succeed") {
    for (int i = 0; i < 200; ++i) {
        write_file(acme() / ("kb/doc-" + std::to_string(i) + ".md"),
                   "---\ntype: kb\ntitle: Page " + std::to_string(i) + "\n---\nmarmotte\n");
    }
    REQUIRE(dossier({"index"}).exit_status == 0);
    std::string binary = std::string(DOSSIER_BINARY) + " -C '" + workspace().string() + "' ";
    std::string command = binary + "index --rebuild > rebuild.txt 2>&1 & ";
    for (int i = 0; i < 4; ++i) {
        command += binary + "search --json --limit 0 marmotte > out-" + std::to_string(i) + ".json 2> err-" +
                   std::to_string(i) + ".txt & ";
    }
    command += "wait";

    auto result = dossier::e2e::run_process({"sh", "-c", command}, environment, root());

    REQUIRE(result.exit_status == 0);
    CHECK(read_file(root() / "rebuild.txt").starts_with("built the search index of 206 documents"));
    for (int i = 0; i < 4; ++i) {
        CAPTURE(i);
        CHECK(read_file(root() / ("err-" + std::to_string(i) + ".txt")) == "");
        CHECK(json::parse(read_file(root() / ("out-" + std::to_string(i) + ".json"))).size() == 200);
    }
}

// --- damaged index ---------------------------------------------------------------------

TEST_CASE_FIXTURE(SearchSandbox, "search rebuilds a corrupted index with a notice") {
    REQUIRE(dossier({"index"}).exit_status == 0);
    std::string garbage(static_cast<std::size_t>(fs::file_size(index_file())), '\0');
    std::mt19937 random(3);
    for (auto& c : garbage) c = static_cast<char>(random());
    write_file(index_file(), garbage);

    auto result = dossier({"search", "--json", "ipsec"});
    auto next = dossier({"search", "--json", "ipsec"});

    CHECK(result.exit_status == 0);
    CHECK(contains(result.err, "the search index could not be trusted"));
    REQUIRE(json::parse(result.out).size() == 1);
    CHECK(json::parse(result.out)[0]["ref"] == "beta/runbooks/old-vpn");
    CHECK(next.err == "");
    CHECK(next.out == result.out);
}

TEST_CASE_FIXTURE(SearchSandbox, "search rebuilds a truncated index with a notice") {
    REQUIRE(dossier({"index"}).exit_status == 0);
    fs::resize_file(index_file(), fs::file_size(index_file()) / 3);

    auto result = dossier({"search", "--cached", "--json", "ipsec"});

    CHECK(result.exit_status == 0);
    CHECK(contains(result.err, "the search index could not be trusted"));
    REQUIRE(json::parse(result.out).size() == 1);
}

TEST_CASE_FIXTURE(SearchSandbox, "list rebuilds a corrupted index with a notice") {
    REQUIRE(dossier({"index"}).exit_status == 0);
    write_file(index_file(), "not a database");

    auto result = dossier({"list", "type:runbook"});

    CHECK(result.exit_status == 0);
    CHECK(contains(result.err, "the search index could not be trusted"));
    CHECK(result.out ==
          "runbook  acme/runbooks/vpn-reset  Réinitialiser le VPN du siège  jdupont\n"
          "runbook  beta/runbooks/old-vpn  Ancien VPN  mmartin\n");
}

TEST_CASE_FIXTURE(SearchSandbox, "index rebuilds a corrupted index with a notice") {
    REQUIRE(dossier({"index"}).exit_status == 0);
    write_file(index_file(), "not a database");

    auto result = dossier({"index", "--json"});

    CHECK(result.exit_status == 0);
    CHECK(contains(result.err, "the search index could not be trusted"));
    CHECK(json::parse(result.out)["rebuilt"] == "damaged");
}

// --- colour ----------------------------------------------------------------------------

TEST_CASE_FIXTURE(SearchSandbox, "search highlights matches only on a terminal") {
    auto colour_environment = environment;
    colour_environment.erase("NO_COLOR");
    colour_environment["TERM"] = "xterm";
    auto no_colour_environment = colour_environment;
    no_colour_environment["NO_COLOR"] = "1";

    auto terminal = dossier_on_terminal(*this, colour_environment, "search relancer");
    auto terminal_no_colour = dossier_on_terminal(*this, no_colour_environment, "search relancer");
    environment = colour_environment;
    auto piped = dossier({"search", "relancer"});

    CAPTURE(terminal.out);
    CHECK(contains(terminal.out, "exit status 0"));
    CHECK(contains(terminal.out, "\x1b[1;33mrelancer\x1b[0m"));
    CHECK(contains(terminal_no_colour.out, "exit status 0"));
    CHECK_FALSE(contains(terminal_no_colour.out, "\x1b["));
    CHECK(piped.exit_status == 0);
    CHECK_FALSE(contains(piped.out, "\x1b"));
}

TEST_CASE_FIXTURE(SearchSandbox, "index shows build progress on a terminal") {
    for (int i = 0; i < 1000; ++i) {
        write_file(acme() / ("bulk/page-" + std::to_string(i) + ".md"), "---\ntype: kb\ntitle: Page\n---\nmot\n");
    }

    auto terminal = dossier_on_terminal(*this, environment, "index --rebuild");
    auto piped = dossier({"index", "--rebuild"});

    CAPTURE(terminal.out);
    CHECK(contains(terminal.out, "exit status 0"));
    CHECK(contains(terminal.out, "dossier: indexing 1006/1006 documents"));
    CHECK(piped.exit_status == 0);
    CHECK(piped.err == "");
}

TEST_CASE_FIXTURE(SearchSandbox, "search output never passes escape codes from documents") {
    commit_document("acme", "kb/evil.md",
                    "---\ntype: kb\ntitle: \"\\e]0;PWNED\\a piège\"\n---\nUn piège \x1b[2J dans le texte.\n");

    auto result = dossier({"search", "piege"});

    CHECK(result.exit_status == 0);
    CHECK(contains(result.out, "acme/kb/evil"));
    CHECK(result.out.find('\x1b') == std::string::npos);
    CHECK(result.out.find('\a') == std::string::npos);
}

TEST_CASE_FIXTURE(SearchSandbox, "an excluded word without -- gets a hint to add it") {
    auto result = dossier({"search", "vpn", "-tunnel"});

    CHECK(result.exit_status == 2);
    CHECK(contains(result.err, "put -- before the query: dossier search -- vpn -test"));
}

TEST_CASE_FIXTURE(SearchSandbox, "a --where without a value or with a bad operator is a usage error") {
    auto no_value = dossier({"list", "--where", "reviewed", "<"});
    auto bad_operator = dossier({"list", "--where", "reviewed", "=<", "2027-03-01"});

    CHECK(no_value.exit_status == 2);
    CHECK(contains(no_value.err, "invalid --where: reviewed <"));
    CHECK(bad_operator.exit_status == 2);
    CHECK(contains(bad_operator.err, "invalid --where: reviewed =<"));
}

TEST_CASE_FIXTURE(SearchSandbox, "a filter on an impossible date is a usage error") {
    auto result = dossier({"search", "reviewed:<2027-02-30"});

    CHECK(result.exit_status == 2);
    CHECK(contains(result.err, "invalid date in the filter on reviewed: 2027-02-30"));
}

TEST_CASE_FIXTURE(SearchSandbox, "a negative --limit is a usage error") {
    CHECK(dossier({"search", "--limit", "-1", "vpn"}).exit_status == 2);
}
