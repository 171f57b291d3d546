// Tests of the date and people rules (review, expiry, owner, required documents) and of the
// calendar arithmetic under them.
#include <doctest/doctest.h>

#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "dossier/atomic_file.hpp"
#include "dossier/calendar.hpp"
#include "dossier/check.hpp"
#include "dossier/error.hpp"
#include "temporary_folder.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::add_period;
using dossier::days_between;
using dossier::Finding;
using dossier::format_date;
using dossier::parse_date;
using dossier::parse_period;
using dossier::Period;

std::chrono::year_month_day date(const char* text) { return *parse_date(text); }

std::string after(const char* start, const char* period) {
    return format_date(add_period(date(start), *parse_period(period)));
}

// A workspace with one client, acme, whose documents the test writes before checking them.
struct Workspace {
    dossier::test::TemporaryFolder folder{"review-rules"};
    dossier::TypeCatalog catalog = dossier::TypeCatalog::built_in();
    dossier::CheckSettings settings;
    std::vector<dossier::Technician> team{{"jdupont", "Jeanne Dupont", "jeanne@example.com", "", "technician"},
                                          {"mmartin", "Marc Martin", "marc@example.com", "", "technician"}};
    std::string today = "2026-06-01";
    std::vector<dossier::CheckFile> files;

    fs::path client_dir() const { return folder.path() / "clients" / "acme"; }

    void write(const std::string& path, const std::string& text) {
        auto file = client_dir() / path;
        fs::create_directories(file.parent_path());
        dossier::write_file_atomically(file, text);
        files.push_back({file, "clients/acme/" + path});
    }

    std::vector<Finding> check() const {
        dossier::CheckEnvironment environment{catalog, settings, today, team, folder.path()};
        dossier::Client acme{"acme", "Acme", client_dir()};
        return dossier::check_files(environment, files, {acme}, 2);
    }

    // Returns the findings of `rule` only, since every other rule runs too.
    std::vector<Finding> check(std::string_view rule) const {
        auto findings = check();
        std::erase_if(findings, [&](const Finding& finding) { return finding.rule != rule; });
        return findings;
    }
};

std::string runbook(const std::string& extra) {
    return "---\ntype: runbook\ntitle: Reset the VPN\nowner: jdupont\n" + extra + "---\n\n# Reset the VPN\n";
}

}  // namespace

TEST_CASE("period units in English and French") {
    CHECK(parse_period("90 days")->count == 90);
    CHECK(parse_period("90 days")->unit == Period::Unit::days);
    CHECK(parse_period("1 day")->unit == Period::Unit::days);
    CHECK(parse_period("90 jours")->unit == Period::Unit::days);
    CHECK(parse_period("3 weeks")->unit == Period::Unit::weeks);
    CHECK(parse_period("3 semaines")->unit == Period::Unit::weeks);
    CHECK(parse_period("6 months")->unit == Period::Unit::months);
    CHECK(parse_period("6 mois")->unit == Period::Unit::months);
    CHECK(parse_period("2 years")->unit == Period::Unit::years);
    CHECK(parse_period("1 an")->unit == Period::Unit::years);
    CHECK(parse_period("2 ans")->unit == Period::Unit::years);
    CHECK(parse_period("1 année")->unit == Period::Unit::years);
    CHECK(parse_period("2 années")->count == 2);
}

TEST_CASE("malformed periods are rejected") {
    for (const char* text : {"", "6months", "six months", "6 fortnights", "-1 year", "123456 days", "6  months",
                             "6 Months", " 6 months"}) {
        CAPTURE(text);
        CHECK_FALSE(parse_period(text).has_value());
        CHECK_FALSE(dossier::matches_format("period", text));
    }
    CHECK(dossier::matches_format("period", "6 months"));
}

TEST_CASE("invalid calendar dates are rejected") {
    CHECK_FALSE(parse_date("2024-02-30").has_value());
    CHECK_FALSE(parse_date("2025-02-29").has_value());
    CHECK_FALSE(parse_date("2024-1-5").has_value());
    CHECK_FALSE(parse_date("2024-01-05T10:00:00Z").has_value());
    CHECK(parse_date("2024-02-29").has_value());
}

TEST_CASE("month arithmetic clamps to the month end") {
    CHECK(after("2026-01-31", "1 month") == "2026-02-28");
    CHECK(after("2026-03-31", "1 month") == "2026-04-30");
    CHECK(after("2026-01-31", "2 months") == "2026-03-31");
    CHECK(after("2026-08-31", "6 mois") == "2027-02-28");
    CHECK(after("2025-11-30", "3 months") == "2026-02-28");
    CHECK(after("2026-01-15", "12 months") == "2027-01-15");
}

TEST_CASE("leap years in period arithmetic") {
    CHECK(after("2024-01-31", "1 month") == "2024-02-29");
    CHECK(after("2024-02-29", "1 year") == "2025-02-28");
    CHECK(after("2024-02-29", "4 years") == "2028-02-29");
    CHECK(after("2024-02-28", "1 day") == "2024-02-29");
    CHECK(after("2023-02-28", "1 day") == "2023-03-01");
    CHECK(after("2100-02-28", "1 day") == "2100-03-01");
    CHECK(after("2000-02-28", "1 day") == "2000-02-29");
}

TEST_CASE("days and weeks cross month and year ends") {
    CHECK(after("2025-12-25", "2 weeks") == "2026-01-08");
    CHECK(after("2026-01-01", "365 days") == "2027-01-01");
    CHECK(after("2024-01-01", "365 days") == "2024-12-31");
    CHECK(days_between(date("2026-06-01"), date("2026-05-31")) == -1);
    CHECK(days_between(date("2024-02-01"), date("2024-03-01")) == 29);
    CHECK(days_between(date("2026-03-28"), date("2026-03-30")) == 2);
}

TEST_CASE("review overdue by one day") {
    Workspace workspace;
    workspace.write("runbooks/vpn.md", runbook("reviewed: 2025-05-31\nreview_every: 1 year\n"));
    auto findings = workspace.check("review-overdue");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].path == "clients/acme/runbooks/vpn.md");
    CHECK(findings[0].line == 5);
    CHECK(findings[0].column == 11);
    CHECK(findings[0].field == "reviewed");
    CHECK(findings[0].severity == dossier::Severity::warning);
    CHECK(findings[0].message ==
          "reviewed: review overdue by 1 day (reviewed 2025-05-31, every 1 year, due 2026-05-31): review the "
          "document, then run dossier review done acme/runbooks/vpn");
}

TEST_CASE("review due today is not overdue") {
    Workspace workspace;
    workspace.write("runbooks/vpn.md", runbook("reviewed: 2025-06-01\nreview_every: 1 year\n"));
    CHECK(workspace.check("review-overdue").empty());
}

TEST_CASE("review at month end clamps") {
    Workspace workspace;
    workspace.write("runbooks/vpn.md", runbook("reviewed: 2026-01-31\nreview_every: 1 month\n"));

    workspace.today = "2026-02-28";
    CHECK(workspace.check("review-overdue").empty());

    workspace.today = "2026-03-01";
    auto findings = workspace.check("review-overdue");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message.find("due 2026-02-28") != std::string::npos);
}

TEST_CASE("review uses the workspace period") {
    Workspace workspace;
    workspace.settings.review_every = "6 months";
    workspace.write("runbooks/vpn.md", runbook("reviewed: 2025-11-30\n"));

    workspace.today = "2026-05-30";
    CHECK(workspace.check("review-overdue").empty());

    workspace.today = "2026-05-31";
    auto findings = workspace.check("review-overdue");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message.find("every 6 months, due 2026-05-30") != std::string::npos);
}

TEST_CASE("document period wins over the workspace's") {
    Workspace workspace;
    workspace.settings.review_every = "1 year";
    workspace.write("runbooks/vpn.md", runbook("reviewed: 2026-01-01\nreview_every: 90 jours\n"));
    auto findings = workspace.check("review-overdue");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message.find("every 90 jours, due 2026-04-01") != std::string::npos);
}

TEST_CASE("typed document never reviewed") {
    Workspace workspace;
    workspace.write("runbooks/vpn.md", runbook(""));
    auto findings = workspace.check("never-reviewed");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].line == 2);  // where the front matter's first key starts
    CHECK(findings[0].column == 1);
    CHECK(findings[0].field == "reviewed");
    CHECK(findings[0].message.starts_with("reviewed: missing"));
    CHECK(findings[0].message.find("dossier review done acme/runbooks/vpn") != std::string::npos);
}

TEST_CASE("untyped documents are not never-reviewed") {
    Workspace workspace;
    workspace.write("notes/plain.md", "# Notes\n\nno front matter\n");
    workspace.write("notes/unknown.md", "---\ntype: runbok\ntitle: Typo\n---\n");
    CHECK(workspace.check("never-reviewed").empty());
}

TEST_CASE("archived documents need no review") {
    Workspace workspace;
    workspace.write("runbooks/old.md", runbook("status: archived\nreviewed: 2020-01-01\n"));
    workspace.write("runbooks/never.md", runbook("status: archived\n"));
    CHECK(workspace.check("review-overdue").empty());
    CHECK(workspace.check("never-reviewed").empty());
}

TEST_CASE("invalid reviewed date is left to other rules") {
    Workspace workspace;
    workspace.write("runbooks/vpn.md", runbook("reviewed: \"2024-02-30\"\n"));
    workspace.write("runbooks/plain.md", runbook("reviewed: 2024-02-30\n"));
    CHECK(workspace.check("review-overdue").empty());
    CHECK(workspace.check("never-reviewed").empty());

    auto schema = workspace.check("schema");
    REQUIRE(schema.size() == 1);
    CHECK(schema[0].path == "clients/acme/runbooks/vpn.md");
    auto syntax = workspace.check("syntax");
    REQUIRE(syntax.size() == 1);
    CHECK(syntax[0].path == "clients/acme/runbooks/plain.md");
}

TEST_CASE("review findings do not depend on TZ") {
    Workspace workspace;
    workspace.write("runbooks/due.md", runbook("reviewed: 2025-05-31\n"));
    workspace.write("runbooks/fresh.md", runbook("reviewed: 2025-06-01\n"));
    workspace.write("licences/office.md", "---\ntype: licence\ntitle: Office\nowner: jdupont\nproduct: Office\n"
                                          "reviewed: 2026-05-01\nexpires: 2026-06-01\n---\n");

    const char* saved = std::getenv("TZ");
    std::string previous = saved != nullptr ? saved : "";
    std::vector<std::string> messages_per_zone;
    for (const char* zone : {"UTC", "Pacific/Kiritimati", "America/Los_Angeles", "Pacific/Pago_Pago"}) {
        ::setenv("TZ", zone, 1);
        ::tzset();
        std::string messages;
        for (const auto& finding : workspace.check()) messages += finding.path + ": " + finding.message + "\n";
        messages_per_zone.push_back(messages);
    }
    if (saved != nullptr) {
        ::setenv("TZ", previous.c_str(), 1);
    } else {
        ::unsetenv("TZ");
    }
    ::tzset();

    CHECK(messages_per_zone[0].find("runbooks/due.md: reviewed: review overdue by 1 day") != std::string::npos);
    CHECK(messages_per_zone[0].find("runbooks/fresh.md: reviewed") == std::string::npos);
    CHECK(messages_per_zone[0].find("licences/office.md: expires: expires today") != std::string::npos);
    for (std::size_t i = 1; i < messages_per_zone.size(); ++i) CHECK(messages_per_zone[i] == messages_per_zone[0]);
}

TEST_CASE("expired licence is an error") {
    Workspace workspace;
    workspace.write("licences/office.md", "---\ntype: licence\ntitle: Office\nowner: jdupont\nproduct: Office\n"
                                          "reviewed: 2026-05-01\nexpires: 2026-05-01\n---\n");
    auto findings = workspace.check("expired");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == dossier::Severity::error);
    CHECK(findings[0].field == "expires");
    CHECK(findings[0].line == 7);
    CHECK(findings[0].column == 10);
    CHECK(findings[0].message ==
          "expires: expired on 2026-05-01, 31 days ago: renew it or set status: archived, then update expires");
    CHECK(workspace.check("expiring").empty());
}

TEST_CASE("domain expiring within the warning period") {
    Workspace workspace;
    workspace.write("domains/acme.md", "---\ntype: domain\ntitle: acme.fr\nowner: jdupont\ndomain_name: acme.fr\n"
                                       "reviewed: 2026-05-01\nexpires: 2026-07-01\n---\n");
    auto findings = workspace.check("expiring");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == dossier::Severity::warning);
    CHECK(findings[0].message ==
          "expires: expires on 2026-07-01, in 30 days: renew it before then and update expires");
    CHECK(workspace.check("expired").empty());
}

TEST_CASE("expiry beyond the warning period is silent") {
    Workspace workspace;
    workspace.write("domains/acme.md", "---\ntype: domain\ntitle: acme.fr\nowner: jdupont\ndomain_name: acme.fr\n"
                                       "reviewed: 2026-05-01\nexpires: 2026-07-02\n---\n");
    CHECK(workspace.check("expiring").empty());

    workspace.settings.expiring_days = 31;
    CHECK(workspace.check("expiring").size() == 1);
}

TEST_CASE("every expiration field of a type is read") {
    Workspace workspace;
    workspace.write("assets/nas.md", "---\ntype: asset\ntitle: NAS\nowner: jdupont\nreviewed: 2026-05-01\n"
                                     "warranty_expires: 2026-01-10\nend_of_support: 2026-06-10\n---\n");
    auto expired = workspace.check("expired");
    auto expiring = workspace.check("expiring");
    REQUIRE(expired.size() == 1);
    REQUIRE(expiring.size() == 1);
    CHECK(expired[0].field == "warranty_expires");
    CHECK(expiring[0].field == "end_of_support");
}

TEST_CASE("built-in expiration fields") {
    auto catalog = dossier::TypeCatalog::built_in();
    auto fields_of = [&](const char* type) { return catalog.find(type)->expiration_fields(); };
    auto has = [&](const char* type, const std::string& field) {
        auto fields = fields_of(type);
        return std::find(fields.begin(), fields.end(), field) != fields.end();
    };
    CHECK(has("contract", "expires"));
    CHECK(has("domain", "expires"));
    CHECK(has("certificate", "expires"));
    CHECK(has("licence", "expires"));
    CHECK(has("asset", "warranty_expires"));
    CHECK(has("asset", "end_of_support"));
    CHECK(has("credential", "expires"));
    CHECK_FALSE(has("asset", "purchased"));
    CHECK_FALSE(has("runbook", "reviewed"));
}

TEST_CASE("archived contract does not expire") {
    Workspace workspace;
    workspace.write("contracts/old.md", "---\ntype: contract\ntitle: Old\nowner: jdupont\nstatus: archived\n"
                                        "expires: 2020-01-01\n---\n");
    CHECK(workspace.check("expired").empty());
}

TEST_CASE("typed document without owner") {
    Workspace workspace;
    workspace.write("runbooks/vpn.md", "---\ntype: runbook\ntitle: VPN\nreviewed: 2026-05-01\n---\n");
    workspace.write("runbooks/empty.md", "---\ntype: runbook\ntitle: VPN\nowner:\nreviewed: 2026-05-01\n---\n");
    auto findings = workspace.check("no-owner");
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].path == "clients/acme/runbooks/vpn.md");
    CHECK(findings[0].message == "owner: missing: set owner to one of jdupont, mmartin");
    CHECK(findings[1].path == "clients/acme/runbooks/empty.md");
}

TEST_CASE("owner not in the team suggests a member") {
    Workspace workspace;
    workspace.write("runbooks/vpn.md", runbook("reviewed: 2026-05-01\n"));
    workspace.write("runbooks/typo.md", "---\ntype: runbook\ntitle: VPN\nowner: jdupond\nreviewed: 2026-05-01\n---\n");
    auto findings = workspace.check("unknown-owner");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].path == "clients/acme/runbooks/typo.md");
    CHECK(findings[0].line == 4);
    CHECK(findings[0].column == 8);
    CHECK(findings[0].message == "owner: jdupond is not in team/team.yaml: did you mean jdupont?");
}

TEST_CASE("empty team reports no unknown owner") {
    Workspace workspace;
    workspace.team.clear();
    workspace.write("runbooks/vpn.md", "---\ntype: runbook\ntitle: VPN\nowner: anyone\nreviewed: 2026-05-01\n---\n");
    CHECK(workspace.check("unknown-owner").empty());
}

TEST_CASE("missing required document is reported on the client") {
    Workspace workspace;
    workspace.settings.required.push_back({"contract", {}, "contract"});
    workspace.settings.required.push_back({"contact", {{"emergency", "true"}}, "contact (emergency: true)"});
    workspace.write("client.md", "---\ntype: client\ntitle: Acme\nowner: jdupont\nreviewed: 2026-05-01\n---\n");
    workspace.write("contacts/paul.md", "---\ntype: contact\ntitle: Paul\nowner: jdupont\nreviewed: 2026-05-01\n"
                                        "emergency: false\n---\n");
    auto findings = workspace.check("required-document");
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].path == "clients/acme/client.md");
    CHECK(findings[0].line == 0);
    CHECK(findings[0].message ==
          "contract: required in every client by dossier.yaml, and acme has none: create it with dossier new "
          "contract --client acme");
    CHECK(findings[1].message.starts_with("contact (emergency: true): required in every client"));
}

TEST_CASE("required document with its fields is found") {
    Workspace workspace;
    workspace.settings.required.push_back({"contact", {{"emergency", "true"}}, "contact (emergency: true)"});
    workspace.write("contacts/paul.md", "---\ntype: contact\ntitle: Paul\nowner: jdupont\nreviewed: 2026-05-01\n"
                                        "emergency: True\n---\n");
    CHECK(workspace.check("required-document").empty());
}

TEST_CASE("required document without client.md names the folder") {
    Workspace workspace;
    workspace.settings.required.push_back({"backup", {}, "backup"});
    workspace.write("runbooks/vpn.md", runbook("reviewed: 2026-05-01\n"));
    auto findings = workspace.check("required-document");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].path == "clients/acme");
}

TEST_CASE("check_ignore silences the review rule") {
    Workspace workspace;
    workspace.write("runbooks/vpn.md",
                    runbook("reviewed: 2020-01-01\ncheck_ignore: {review-overdue: \"kept for the audit\"}\n"));
    CHECK(workspace.check("review-overdue").empty());
}

TEST_CASE("settings change the review severity") {
    Workspace workspace;
    workspace.settings.rules["review-overdue"] = dossier::Severity::error;
    workspace.write("runbooks/vpn.md", runbook("reviewed: 2020-01-01\n"));
    auto findings = workspace.check("review-overdue");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == dossier::Severity::error);
}

TEST_CASE("invalid workspace review period is rejected") {
    auto settings = dossier::Value::make_mapping(1, 1);
    settings.add_entry("review_every", dossier::Value::make_scalar(dossier::ScalarType::string, "1 yaer", false, 3, 15),
                       3, 1);
    CHECK_THROWS_AS(dossier::CheckSettings::from_workspace(settings, "dossier.yaml"), dossier::Error);
}
