// Tests of the report formats of dossier check: JSON, SARIF 2.1.0, JUnit XML and GitHub commands.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "dossier/atomic_file.hpp"
#include "dossier/check_report.hpp"
#include "temporary_folder.hpp"

namespace {

using dossier::Finding;
using dossier::Severity;
using Json = nlohmann::json;

// The SARIF 2.1.0 JSON schema (revision rtm.5) as @microsoft/jest-sarif ships it, pinned in bench/check/sarif.
const std::filesystem::path sarif_schema_path = std::filesystem::path(DOSSIER_SOURCE_DIR) /
                                                "bench/check/sarif/node_modules/@microsoft/jest-sarif/lib/schemas/"
                                                "sarif-2.1.0-rtm.5.json";

std::vector<Finding> sample_findings() {
    return {
        {"clients/acme/assets/fw01.md", 2, 1, Severity::error, "schema", "asset_type",
         "asset_type: required field is missing"},
        {"clients/acme/Paramètres réseau.md", 7, 3, Severity::warning, "broken-anchor", "",
         "link to #vpn: no such heading"},
        {"clients/acme/kb/old.md", 0, 0, Severity::info, "review-overdue", "reviewed", "review due since 2024-01-01"},
    };
}

// Returns the messages of valijson's validation of `document` against the SARIF schema, empty
// when it is valid.
std::vector<std::string> sarif_schema_errors(const Json& document) {
    Json schema_document = Json::parse(dossier::read_file(sarif_schema_path));
    valijson::Schema schema;
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft4);
    valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_document);
    parser.populateSchema(schema_adapter, schema);

    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter adapter(document);
    validator.validate(schema, adapter, &results);

    std::vector<std::string> errors;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
        std::string where;
        for (const auto& part : error.context) where += part;
        errors.push_back(where + ": " + error.description);
    }
    return errors;
}

// Runs `xmllint --noout` on `xml` and returns its exit status.
int xmllint_status(const std::string& xml) {
    dossier::test::TemporaryFolder folder("junit");
    auto file = folder.path() / "report.xml";
    dossier::write_file_atomically(file, xml);
    std::string command = "xmllint --noout '" + file.string() + "' 2>/dev/null";
    int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("json report keeps its documented fields") {
    auto findings = sample_findings();
    auto report = Json::parse(dossier::json_report(findings, dossier::summarize(findings, 5)));
    REQUIRE(report["findings"].size() == 3);
    CHECK(report["findings"][0]["path"] == "clients/acme/assets/fw01.md");
    CHECK(report["findings"][0]["line"] == 2);
    CHECK(report["findings"][0]["column"] == 1);
    CHECK(report["findings"][0]["severity"] == "error");
    CHECK(report["findings"][0]["rule"] == "schema");
    CHECK(report["findings"][0]["field"] == "asset_type");
    CHECK(report["findings"][0]["message"] == "asset_type: required field is missing");
    CHECK(report["summary"]["documents"] == 5);
    CHECK(report["summary"]["errors"] == 1);
    CHECK(report["summary"]["warnings"] == 1);
    CHECK(report["summary"]["info"] == 1);
}

TEST_CASE("json report replaces invalid UTF-8") {
    std::vector<Finding> findings{{"a.md", 1, 1, Severity::error, "syntax", "", "bad \xFF byte"}};
    auto report = Json::parse(dossier::json_report(findings, dossier::summarize(findings, 1)));
    CHECK(report["findings"][0]["message"] == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("sarif report validates against the SARIF 2.1.0 schema") {
    INFO("schema: ", sarif_schema_path.string(), " (installed by scripts/install-deps)");
    REQUIRE(std::filesystem::exists(sarif_schema_path));
    auto report = Json::parse(dossier::sarif_report(sample_findings(), dossier::check_rules()));
    auto errors = sarif_schema_errors(report);
    INFO("first error: ", errors.empty() ? std::string() : errors.front());
    CHECK(errors.empty());

    auto empty = Json::parse(dossier::sarif_report({}, dossier::check_rules()));
    CHECK(sarif_schema_errors(empty).empty());
}

TEST_CASE("sarif schema test rejects an invalid log") {
    REQUIRE(std::filesystem::exists(sarif_schema_path));
    auto report = Json::parse(dossier::sarif_report(sample_findings(), dossier::check_rules()));
    report["runs"][0]["results"][0]["level"] = "fatal";
    CHECK_FALSE(sarif_schema_errors(report).empty());
}

TEST_CASE("sarif report lists the rule catalogue") {
    auto report = Json::parse(dossier::sarif_report({}, dossier::check_rules()));
    CHECK(report["version"] == "2.1.0");
    REQUIRE(report["runs"].size() == 1);
    const auto& driver = report["runs"][0]["tool"]["driver"];
    CHECK(driver["name"] == "dossier");
    REQUIRE(driver["rules"].size() == dossier::check_rules().size());
    for (std::size_t i = 0; i < dossier::check_rules().size(); ++i) {
        const auto& rule = dossier::check_rules()[i];
        CHECK(driver["rules"][i]["id"] == std::string(rule.id));
        CHECK(driver["rules"][i]["shortDescription"]["text"] == std::string(rule.description));
    }
}

TEST_CASE("sarif result points at its rule and location") {
    auto report = Json::parse(dossier::sarif_report(sample_findings(), dossier::check_rules()));
    const auto& run = report["runs"][0];
    const auto& results = run["results"];
    REQUIRE(results.size() == 3);

    const auto& first = results[0];
    CHECK(first["ruleId"] == "schema");
    auto index = first["ruleIndex"].get<std::size_t>();
    CHECK(run["tool"]["driver"]["rules"][index]["id"] == "schema");
    CHECK(first["level"] == "error");
    CHECK(first["message"]["text"] == "asset_type: required field is missing");
    const auto& location = first["locations"][0]["physicalLocation"];
    CHECK(location["artifactLocation"]["uri"] == "clients/acme/assets/fw01.md");
    CHECK(location["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
    CHECK(location["region"]["startLine"] == 2);
    CHECK(location["region"]["startColumn"] == 1);
}

TEST_CASE("sarif uri is percent-encoded") {
    auto report = Json::parse(dossier::sarif_report(sample_findings(), dossier::check_rules()));
    const auto& location = report["runs"][0]["results"][1]["locations"][0]["physicalLocation"];
    CHECK(location["artifactLocation"]["uri"] == "clients/acme/Param%C3%A8tres%20r%C3%A9seau.md");
    CHECK(report["runs"][0]["results"][1]["level"] == "warning");
}

TEST_CASE("sarif finding about a whole file has no region") {
    auto report = Json::parse(dossier::sarif_report(sample_findings(), dossier::check_rules()));
    const auto& result = report["runs"][0]["results"][2];
    CHECK(result["level"] == "note");
    CHECK_FALSE(result["locations"][0]["physicalLocation"].contains("region"));
}

TEST_CASE("sarif absolute path becomes a file uri") {
    std::vector<Finding> findings{{"/tmp/a b.md", 1, 1, Severity::error, "syntax", "", "x"}};
    auto report = Json::parse(dossier::sarif_report(findings, dossier::check_rules()));
    const auto& artifact = report["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    CHECK(artifact["uri"] == "file:///tmp/a%20b.md");
    CHECK_FALSE(artifact.contains("uriBaseId"));
}

TEST_CASE("uri encoding keeps only unreserved characters") {
    CHECK(dossier::uri_encode_path("a/b-c_d.e~f.md") == "a/b-c_d.e~f.md");
    CHECK(dossier::uri_encode_path("x y#z?.md") == "x%20y%23z%3F.md");
    CHECK(dossier::uri_encode_path("c:d%.md") == "c%3Ad%25.md");
    CHECK(dossier::uri_encode_path("é") == "%C3%A9");
}

TEST_CASE("junit report is well-formed XML") {
    auto findings = sample_findings();
    findings[0].message = "a <b> & \"c\" 'd'\x01\x1B[31m\xFF end\r\nnext";
    std::vector<std::string> checked{"clients/acme/assets/fw01.md", "clients/acme/ok.md"};
    auto xml = dossier::junit_report(findings, checked, dossier::summarize(findings, 2));
    CHECK(xmllint_status(xml) == 0);
    CHECK(xmllint_status("<testsuites><testsuite></testsuites>") != 0);
}

TEST_CASE("junit report has a case per finding and per clean document") {
    auto findings = sample_findings();
    std::vector<std::string> checked{"clients/acme/assets/fw01.md", "clients/acme/ok.md"};
    auto xml = dossier::junit_report(findings, checked, dossier::summarize(findings, 2));
    CHECK(xml.find("<testsuite name=\"dossier check\" tests=\"4\" failures=\"3\" errors=\"0\" skipped=\"0\">") !=
          std::string::npos);
    CHECK(xml.find("<testcase classname=\"clients/acme/assets/fw01.md\" file=\"clients/acme/assets/fw01.md\" "
                   "name=\"schema 2:1\">") != std::string::npos);
    CHECK(xml.find("<failure message=\"asset_type: required field is missing\" type=\"error\">") != std::string::npos);
    CHECK(xml.find("<testcase classname=\"clients/acme/ok.md\" file=\"clients/acme/ok.md\" name=\"dossier check\"/>") !=
          std::string::npos);
    CHECK(xml.find("name=\"review-overdue\">") != std::string::npos);
    CHECK(xml.find("<property name=\"warnings\" value=\"1\"/>") != std::string::npos);
}

TEST_CASE("xml escaping replaces characters XML forbids") {
    CHECK(dossier::xml_escape("a&b<c>d\"e", false) == "a&amp;b&lt;c&gt;d\"e");
    CHECK(dossier::xml_escape("a\"b", true) == "a&quot;b");
    CHECK(dossier::xml_escape("\x01", false) == "\xEF\xBF\xBD");
    CHECK(dossier::xml_escape("\x1B", true) == "\xEF\xBF\xBD");
    CHECK(dossier::xml_escape("\xFF", false) == "\xEF\xBF\xBD");
    CHECK(dossier::xml_escape("\xC3", false) == "\xEF\xBF\xBD");
    CHECK(dossier::xml_escape("\xED\xA0\x80", false) == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(dossier::xml_escape("\xEF\xBF\xBE", false) == "\xEF\xBF\xBD");
    CHECK(dossier::xml_escape("r\xC3\xA9seau \xF0\x9F\x94\x91", false) == "r\xC3\xA9seau \xF0\x9F\x94\x91");
    CHECK(dossier::xml_escape("a\nb\tc", true) == "a&#10;b&#9;c");
    CHECK(dossier::xml_escape("a\nb\tc", false) == "a\nb\tc");
    CHECK(dossier::xml_escape("a\rb", false) == "a&#13;b");
}

TEST_CASE("github report writes one workflow command per finding") {
    auto report = dossier::github_report(sample_findings());
    CHECK(report.find("::error file=clients/acme/assets/fw01.md,line=2,col=1,title=schema::"
                      "asset_type: required field is missing\n") != std::string::npos);
    CHECK(report.find("::warning file=clients/acme/Paramètres réseau.md,line=7,col=3,title=broken-anchor::") !=
          std::string::npos);
    CHECK(report.find("::notice file=clients/acme/kb/old.md,title=review-overdue::review due since 2024-01-01\n") !=
          std::string::npos);
}

TEST_CASE("github report escapes messages and properties") {
    std::vector<Finding> findings{{"a,b:c%.md", 3, 4, Severity::error, "syntax", "", "100% wrong\r\nsee: a, b"}};
    CHECK(dossier::github_report(findings) ==
          "::error file=a%2Cb%3Ac%25.md,line=3,col=4,title=syntax::100%25 wrong%0D%0Asee: a, b\n");
}

TEST_CASE("report formats parse by name") {
    CHECK(dossier::parse_report_format("sarif") == dossier::ReportFormat::sarif);
    CHECK(dossier::parse_report_format("junit") == dossier::ReportFormat::junit);
    CHECK(dossier::parse_report_format("github") == dossier::ReportFormat::github);
    CHECK_FALSE(dossier::parse_report_format("xml").has_value());
}
