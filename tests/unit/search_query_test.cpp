// Tests of the search query parser: what users type, hostile input included, becomes words,
// phrases, filters or ignored parts, and never a syntax error.
#include "dossier/search_query.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "dossier/error.hpp"

namespace {

using dossier::CompareOp;
using dossier::Error;
using dossier::ErrorKind;
using dossier::FieldFilter;
using dossier::parse_condition;
using dossier::parse_operator;
using dossier::parse_search_query;
using dossier::SearchQuery;
using dossier::SearchTerm;

// The front-matter fields that the documents of these tests have, besides the built-in ones.
bool is_known_field(std::string_view name) {
    static const std::set<std::string, std::less<>> fields{"title", "reviewed", "expires", "port", "vendor"};
    return fields.contains(name);
}

std::string term_text(const SearchTerm& term) { return "{" + term.text + "}" + (term.prefix ? "*" : ""); }

// Writes a parsed query on one line: +{word} for a required term, +{a}|{b} for a group of
// alternatives, -{word} for an excluded term, [field op value] for a filter and ?{text} for
// an ignored part, in that order.
std::string describe(const SearchQuery& query) {
    std::string out;
    auto add = [&out](const std::string& part) { out += (out.empty() ? "" : " ") + part; };
    for (const auto& group : query.required) {
        std::string alternatives;
        for (const auto& term : group) alternatives += (alternatives.empty() ? "" : "|") + term_text(term);
        add("+" + alternatives);
    }
    for (const auto& term : query.excluded) add("-" + term_text(term));
    for (const auto& filter : query.filters) {
        add("[" + filter.field + " " + std::string(dossier::operator_text(filter.op)) + " " + filter.value + "]");
    }
    for (const auto& ignored : query.ignored) add("?{" + ignored + "}");
    return out;
}

std::string parsed(std::string_view text) { return describe(parse_search_query(text, is_known_field)); }

std::string describe(const std::optional<FieldFilter>& filter) {
    if (!filter) return "none";
    return filter->field + " " + std::string(dossier::operator_text(filter->op)) + " " + filter->value;
}

// Returns the kind of the dossier::Error that parsing `text` throws, or nothing.
std::optional<ErrorKind> parse_error(std::string_view text) {
    try {
        parse_search_query(text, is_known_field);
    } catch (const Error& error) {
        return error.kind();
    }
    return std::nullopt;
}

std::string numbered_words(int count) {
    std::string text;
    for (int i = 0; i < count; ++i) text += (i == 0 ? "" : " ") + std::string("word") + std::to_string(i);
    return text;
}

struct QueryCase {
    const char* query;
    const char* expected;
};

}  // namespace

// --- ordinary queries ------------------------------------------------------------------

TEST_CASE("query words are all required") {
    CHECK(parsed("vpn fortigate") == "+{vpn} +{fortigate}");
    CHECK(parsed("  vpn\tfortigate\n") == "+{vpn} +{fortigate}");
}

TEST_CASE("query phrase keeps its words together") {
    CHECK(parsed("\"mot de passe\" wifi") == "+{mot de passe} +{wifi}");
    CHECK(parsed("\"mot de\"*") == "+{mot de}*");
}

TEST_CASE("query prefix and exclusion and OR") {
    CHECK(parsed("vpn*") == "+{vpn}*");
    CHECK(parsed("vpn -ipsec") == "+{vpn} -{ipsec}");
    CHECK(parsed("-ipsec") == "-{ipsec}");
    CHECK(parsed("vpn OR ipsec") == "+{vpn}|{ipsec}");
    CHECK(parsed("vpn OR ipsec OR ssl fw") == "+{vpn}|{ipsec}|{ssl} +{fw}");
    CHECK(parsed("vpn or ipsec") == "+{vpn} +{or} +{ipsec}");
}

TEST_CASE("query filters on built-in and known fields") {
    CHECK(parsed("type:runbook client:acme vpn") == "+{vpn} [type = runbook] [client = acme]");
    CHECK(parsed("owner:alice status:approved") == "[owner = alice] [status = approved]");
    CHECK(parsed("tag:vpn tags:fw") == "[tags = vpn] [tags = fw]");
    CHECK(parsed("reviewed:<2024-01-01") == "[reviewed < 2024-01-01]");
    CHECK(parsed("expires:<=2025-06-30 port:>1024") == "[expires <= 2025-06-30] [port > 1024]");
    CHECK(parsed("port:>=22 port:!=23 port:==80 port:=443") == "[port >= 22] [port != 23] [port = 80] [port = 443]");
    CHECK(parsed("-type:runbook") == "[type != runbook]");
    CHECK(parsed("-reviewed:<2024-01-01") == "[reviewed >= 2024-01-01]");
    CHECK(parsed("vendor:\"Palo Alto\"") == "[vendor = Palo Alto]");
}

TEST_CASE("query filter names are case-sensitive") { CHECK(parsed("TYPE:runbook") == "+{TYPE:runbook}"); }

TEST_CASE("query without words or filters is empty") {
    CHECK(parse_search_query("", is_known_field).empty());
    CHECK(parse_search_query("   \t\n", is_known_field).empty());
    CHECK(parse_search_query("- ( ) \" *", is_known_field).empty());
    CHECK_FALSE(parse_search_query("- ( ) \" *", is_known_field).has_terms());
}

TEST_CASE("query without is_field knows only the built-in fields") {
    auto query = parse_search_query("type:runbook reviewed:<2024-01-01", {});
    CHECK(describe(query) == "+{reviewed:<2024-01-01} [type = runbook]");
}

// --- hostile queries -------------------------------------------------------------------

TEST_CASE("query table of hostile input never throws") {
    static const QueryCase cases[] = {
        {"\"vpn", "+{vpn}"},
        {"\"mot de passe", "+{mot de passe}"},
        {"-", "?{-}"},
        {":", "?{:}"},
        {"*", "?{*}"},
        {"(", "?{(}"},
        {")", "?{)}"},
        {"\"", "?{\"}"},
        {"\"\"", "?{\"\"}"},
        {"AND", "+{AND}"},
        {"OR", "+{OR}"},
        {"NOT", "+{NOT}"},
        {"NEAR", "+{NEAR}"},
        {"NEAR(a b)", "+{NEAR(a} +{b)}"},
        {"a AND b", "+{a} +{AND} +{b}"},
        {"a NOT b", "+{a} +{NOT} +{b}"},
        {"a OR", "+{a} +{OR}"},
        {"OR b", "+{OR} +{b}"},
        {"a OR OR b", "+{a}|{OR} +{b}"},
        {"a OR -b", "+{a} +{OR} -{b}"},
        {"a OR \"", "+{a} +{OR} ?{\"}"},
        {"--", "?{--}"},
        {"-\"", "?{-\"}"},
        {"- vpn", "+{vpn} ?{-}"},
        {"--vpn", "-{-vpn}"},
        {"*vpn", "+{*vpn}"},
        {"vpn**", "+{vpn}*"},
        {"^vpn", "+{^vpn}"},
        {"vpn^2", "+{vpn^2}"},
        {"{vpn}", "+{{vpn}}"},
        {"col:vpn", "+{col:vpn}"},
        {"title:", "[title = ]"},
        {":value", "+{:value}"},
        {"client:", "[client = ]"},
        {"type:\"run book\"", "[type = run book]"},
        {"type:\"run", "[type = run]"},
        {"reviewed:<2024-01-01", "[reviewed < 2024-01-01]"},
        {"x:<=5", "+{x:<=5}"},
        {"foo:bar", "+{foo:bar}"},
        {"C:\\Users", "+{C:\\Users}"},
        {"C:\\Users\\*", "+{C:\\Users\\}*"},
        {"https://example.com/a?b=c", "+{https://example.com/a?b=c}"},
        {"'; DROP TABLE documents; --", "+{DROP} +{TABLE} +{documents;} ?{';} ?{--}"},
        {"\" OR 1=1 --", "+{ OR 1=1 --}"},
        {"vpn\" OR \"1\"=\"1", "+{vpn OR 1=1}"},
        {"SRV-01", "+{SRV-01}"},
        {"10.0.0.1", "+{10.0.0.1}"},
        {"user@example.com", "+{user@example.com}"},
        {"l'adresse", "+{l'adresse}"},
        {"INC-2024-0042", "+{INC-2024-0042}"},
        {"\x01\x02\x1b[31m", "+{\x01\x02\x1b[31m}"},
        {"\xFF\xFE", "?{\xFF\xFE}"},
    };
    for (const auto& row : cases) {
        CAPTURE(row.query);
        std::string result;
        CHECK_NOTHROW(result = parsed(row.query));
        CHECK(result == row.expected);
    }
}

TEST_CASE("query of exactly the maximum size is accepted") {
    std::string one_word(dossier::max_query_bytes, 'a');
    std::string padded = "vpn" + std::string(dossier::max_query_bytes - 3, ' ');

    CHECK(parse_error(one_word) == std::nullopt);
    CHECK(parse_error(padded) == std::nullopt);
    CHECK(parsed(padded) == "+{vpn}");
}

TEST_CASE("query over the maximum size is a usage error") {
    std::string too_long(dossier::max_query_bytes + 1, 'a');

    CHECK(parse_error(too_long) == ErrorKind::usage);
    try {
        parse_search_query(too_long, is_known_field);
    } catch (const Error& error) {
        CHECK(std::string(error.what()).find("4097") != std::string::npos);
        CHECK_FALSE(error.hint().empty());
    }
}

TEST_CASE("query term limit is 64") {
    CHECK(parse_error(numbered_words(64)) == std::nullopt);
    CHECK(parse_search_query(numbered_words(64), is_known_field).required.size() == 64);
    CHECK(parse_error(numbered_words(65)) == ErrorKind::usage);
    CHECK(parse_error(numbered_words(64) + " -excluded") == ErrorKind::usage);
}

TEST_CASE("query term limit ignores filters and parts without words") {
    std::string text = numbered_words(64) + " type:runbook owner:alice - ( ) \"";

    CHECK(parse_error(text) == std::nullopt);
}

TEST_CASE("query phrase of many words counts as one term") {
    std::string phrase = "\"" + numbered_words(200) + "\"";

    auto query = parse_search_query(phrase, is_known_field);

    REQUIRE(query.required.size() == 1);
    CHECK(query.required[0].size() == 1);
}

TEST_CASE("query of many ignored parts is empty") {
    std::string text;
    while (text.size() + 2 <= dossier::max_query_bytes) text += "- ";

    SearchQuery query;
    CHECK_NOTHROW(query = parse_search_query(text, is_known_field));
    CHECK(query.empty());
}

// --- parse_condition and parse_operator ------------------------------------------------

TEST_CASE("condition written in one piece or with spaces") {
    CHECK(describe(parse_condition("reviewed<2024-01-01")) == "reviewed < 2024-01-01");
    CHECK(describe(parse_condition("reviewed < 2024-01-01")) == "reviewed < 2024-01-01");
    CHECK(describe(parse_condition("  owner = alice  ")) == "owner = alice");
    CHECK(describe(parse_condition("owner==alice")) == "owner = alice");
    CHECK(describe(parse_condition("owner != alice")) == "owner != alice");
    CHECK(describe(parse_condition("expires>=2025-06-30")) == "expires >= 2025-06-30");
    CHECK(describe(parse_condition("port>1024")) == "port > 1024");
    CHECK(describe(parse_condition("port <= 5")) == "port <= 5");
}

TEST_CASE("condition on tag names tags") {
    CHECK(describe(parse_condition("tag=vpn")) == "tags = vpn");
    CHECK(describe(parse_condition("tags=vpn")) == "tags = vpn");
}

TEST_CASE("condition value may be quoted or contain an operator") {
    CHECK(describe(parse_condition("title = \"Mot de passe\"")) == "title = Mot de passe");
    CHECK(describe(parse_condition("note=a=b")) == "note = a=b");
    CHECK(describe(parse_condition("network.vlan=10")) == "network.vlan = 10");
    CHECK(describe(parse_condition("asset-tag = A-12")) == "asset-tag = A-12");
}

TEST_CASE("condition without a value has an empty value") {
    CHECK(describe(parse_condition("owner =")) == "owner = ");
    CHECK(describe(parse_condition("owner<")) == "owner < ");
}

TEST_CASE("condition without a field or an operator is none") {
    CHECK(describe(parse_condition("")) == "none");
    CHECK(describe(parse_condition("reviewed")) == "none");
    CHECK(describe(parse_condition("reviewed 2024-01-01")) == "none");
    CHECK(describe(parse_condition("<2024-01-01")) == "none");
    CHECK(describe(parse_condition("1field=x")) == "none");
    CHECK(describe(parse_condition("owner ! alice")) == "none");
    CHECK(describe(parse_condition("= alice")) == "none");
}

TEST_CASE("operator spellings") {
    CHECK(parse_operator("=") == CompareOp::equal);
    CHECK(parse_operator("==") == CompareOp::equal);
    CHECK(parse_operator("!=") == CompareOp::not_equal);
    CHECK(parse_operator("<") == CompareOp::less);
    CHECK(parse_operator("<=") == CompareOp::less_equal);
    CHECK(parse_operator(">") == CompareOp::greater);
    CHECK(parse_operator(">=") == CompareOp::greater_equal);
    CHECK(parse_operator("") == std::nullopt);
    CHECK(parse_operator("=<") == std::nullopt);
    CHECK(parse_operator("<>") == std::nullopt);
    CHECK(parse_operator("!") == std::nullopt);
    CHECK(parse_operator("lt") == std::nullopt);
}
