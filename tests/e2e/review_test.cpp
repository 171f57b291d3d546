// End-to-end tests of `dossier review`, `dossier review done` and `dossier expiring`, and of the
// review dates of the moj-cloud-platform runbooks compared with a computation written here.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <time.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sandbox.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ClientSandbox;
using nlohmann::json;

// Returns the entries of a JSON array by their "ref".
std::map<std::string, json> by_ref(const std::string& out) {
    std::map<std::string, json> entries;
    for (const auto& entry : json::parse(out)) entries[entry["ref"].get<std::string>()] = entry;
    return entries;
}

const std::vector<const char*> time_zones = {"UTC", "Pacific/Kiritimati", "America/Los_Angeles", "Pacific/Pago_Pago"};

// --- a calendar written for these tests, independent of dossier's -----------------------

struct Date {
    int year;
    int month;
    int day;
};

Date read_date(const std::string& text) {
    return {std::stoi(text.substr(0, 4)), std::stoi(text.substr(5, 2)), std::stoi(text.substr(8, 2))};
}

std::string write_date(Date date) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
    return buffer;
}

int month_length(int year, int month) {
    if (month != 2) return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
}

Date add_months(Date date, int months) {
    int index = date.year * 12 + (date.month - 1) + months;
    Date result{index / 12, index % 12 + 1, date.day};
    result.day = std::min(result.day, month_length(result.year, result.month));
    return result;
}

// Days since 1970-01-01 through timegm, which reads the fields as UTC whatever TZ is.
long day_number(Date date) {
    std::tm fields{};
    fields.tm_year = date.year - 1900;
    fields.tm_mon = date.month - 1;
    fields.tm_mday = date.day;
    fields.tm_hour = 12;
    return static_cast<long>(::timegm(&fields) / 86400);
}

// Returns the value of `key:` in the front matter of `text`, or "".
std::string front_matter_value(const std::string& text, const std::string& key) {
    if (!text.starts_with("---\n")) return {};
    auto end = text.find("\n---", 3);
    std::istringstream block(text.substr(4, end == std::string::npos ? std::string::npos : end - 4));
    for (std::string line; std::getline(block, line);) {
        if (line.starts_with(key + ": ")) return line.substr(key.size() + 2);
    }
    return {};
}

std::string read_text(const fs::path& path) {
    std::ifstream stream(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << stream.rdbuf();
    return bytes.str();
}

}  // namespace

// --- review -------------------------------------------------------------------------------

TEST_CASE_FIXTURE(ClientSandbox, "review lists overdue documents as JSON") {
    auto result = dossier({"review", "--json", "--today", "2027-01-11"});
    REQUIRE(result.exit_status == 0);
    auto entries = by_ref(result.out);

    REQUIRE(entries.count("acme/runbooks/vpn-reset") == 1);
    const auto& vpn = entries["acme/runbooks/vpn-reset"];
    CHECK(vpn["client"] == "acme");
    CHECK(vpn["title"] == "Réinitialiser le VPN du siège");
    CHECK(vpn["owner"] == "jdupont");
    CHECK(vpn["reviewed"] == "2026-01-10");
    CHECK(vpn["review_every"] == "1 year");
    CHECK(vpn["due"] == "2027-01-10");
    CHECK(vpn["days_overdue"] == 1);

    REQUIRE(entries.count("acme/contacts/jeanne-dupont") == 1);
    const auto& jeanne = entries["acme/contacts/jeanne-dupont"];
    CHECK(jeanne["reviewed"].is_null());
    CHECK(jeanne["due"].is_null());
    CHECK(jeanne["days_overdue"].is_null());
    CHECK(jeanne["owner"].is_null());

    CHECK(entries.count("acme/client") == 0);  // reviewed 2026-03-15, due 2027-03-15
}

TEST_CASE_FIXTURE(ClientSandbox, "review --within adds reviews due soon") {
    auto overdue_only = by_ref(dossier({"review", "--json", "--today", "2027-01-01"}).out);
    CHECK(overdue_only.count("acme/runbooks/vpn-reset") == 0);

    auto within_nine = by_ref(dossier({"review", "--json", "--today", "2027-01-01", "--within", "9"}).out);
    REQUIRE(within_nine.count("acme/runbooks/vpn-reset") == 1);
    CHECK(within_nine["acme/runbooks/vpn-reset"]["days_overdue"] == -9);

    auto within_eight = by_ref(dossier({"review", "--json", "--today", "2027-01-01", "--within", "8"}).out);
    CHECK(within_eight.count("acme/runbooks/vpn-reset") == 0);
}

TEST_CASE_FIXTURE(ClientSandbox, "review due today is listed") {
    auto entries = by_ref(dossier({"review", "--json", "--today", "2027-01-10"}).out);
    REQUIRE(entries.count("acme/runbooks/vpn-reset") == 1);
    CHECK(entries["acme/runbooks/vpn-reset"]["days_overdue"] == 0);
}

TEST_CASE_FIXTURE(ClientSandbox, "review --owner keeps that owner's documents") {
    auto entries = by_ref(dossier({"review", "--json", "--today", "2027-06-01", "--owner", "jdupont"}).out);
    CHECK(entries.count("acme/runbooks/vpn-reset") == 1);
    CHECK(entries.count("acme/assets/fw01") == 1);
    CHECK(entries.count("acme/contacts/jeanne-dupont") == 0);
    CHECK(entries.count("acme/client") == 0);
}

TEST_CASE_FIXTURE(ClientSandbox, "review text is a table per client") {
    auto result = dossier({"review", "--today", "2027-01-11"});
    REQUIRE(result.exit_status == 0);
    CHECK(result.out.starts_with("acme\n  OWNER"));
    CHECK(result.out.find("jdupont  2027-01-10  1 day overdue") != std::string::npos);
    CHECK(result.out.find("never reviewed") != std::string::npos);
    CHECK(result.err == "dossier: 3 documents to review\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "review uses the workspace period") {
    auto replaced = read_file(workspace() / "dossier.yaml");
    replaced.replace(replaced.find("review_every: 1 year"), 20, "review_every: 2 months");
    write_file(workspace() / "dossier.yaml", replaced);

    auto entries = by_ref(dossier({"review", "--json", "--today", "2026-03-11"}).out);
    REQUIRE(entries.count("acme/runbooks/vpn-reset") == 1);
    CHECK(entries["acme/runbooks/vpn-reset"]["review_every"] == "2 months");
    CHECK(entries["acme/runbooks/vpn-reset"]["due"] == "2026-03-10");
}

TEST_CASE_FIXTURE(ClientSandbox, "invalid --today is a usage error") {
    auto result = dossier({"review", "--today", "2027-02-30"});
    CHECK(result.exit_status == 2);
    CHECK(result.err.find("invalid date for --today: 2027-02-30") != std::string::npos);
    CHECK(result.out.empty());
}

TEST_CASE_FIXTURE(ClientSandbox, "review done makes one commit and a one-line diff") {
    auto commits = commit_count(acme());
    auto result = dossier({"review", "done", "acme/runbooks/vpn-reset"});
    REQUIRE(result.exit_status == 0);
    CHECK(result.err.find("recorded the review of acme/runbooks/vpn-reset on 2026-03-15") != std::string::npos);

    CHECK(commit_count(acme()) == commits + 1);
    auto diff = git_output(acme(), {"diff", "-U0", "HEAD~1", "HEAD", "--", "runbooks/vpn-reset.md"});
    CHECK(diff.find("\n-reviewed: 2026-01-10\n+reviewed: 2026-03-15\n") != std::string::npos);
    auto numstat = git_output(acme(), {"diff", "--numstat", "HEAD~1", "HEAD"});
    CHECK(numstat == "1\t1\trunbooks/vpn-reset.md\n");
    auto subject = git_output(acme(), {"log", "-1", "--format=%s"});
    CHECK(subject == "review runbooks/vpn-reset on 2026-03-15\n");
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "review done twice the same day changes nothing") {
    REQUIRE(dossier({"review", "done", "acme/runbooks/vpn-reset"}).exit_status == 0);
    auto commits = commit_count(acme());
    auto again = dossier({"review", "done", "acme/runbooks/vpn-reset"});
    CHECK(again.exit_status == 0);
    CHECK(again.err.find("already reviewed on 2026-03-15") != std::string::npos);
    CHECK(commit_count(acme()) == commits);
}

TEST_CASE_FIXTURE(ClientSandbox, "review done adds reviewed when missing") {
    REQUIRE(dossier({"review", "done", "acme/contacts/jeanne-dupont", "--today", "2026-04-02"}).exit_status == 0);
    auto text = read_file(acme() / "contacts/jeanne-dupont.md");
    CHECK(text.find("phone: \"+33 1 23 45 67 89\"\nreviewed: 2026-04-02\n---\n") != std::string::npos);
    auto entries = by_ref(dossier({"review", "--json", "--today", "2026-04-02"}).out);
    CHECK(entries.count("acme/contacts/jeanne-dupont") == 0);
}

TEST_CASE_FIXTURE(ClientSandbox, "review done of a missing document") {
    auto result = dossier({"review", "done", "acme/runbooks/vpn-rest"});
    CHECK(result.exit_status == 3);
    CHECK(result.err.find("document not found: acme/runbooks/vpn-rest") != std::string::npos);
    CHECK(result.err.find("did you mean acme/runbooks/vpn-reset?") != std::string::npos);
}

TEST_CASE_FIXTURE(ClientSandbox, "review done records DOSSIER_TODAY in every time zone") {
    for (const char* zone : time_zones) {
        CAPTURE(zone);
        environment["TZ"] = zone;
        environment["DOSSIER_TODAY"] = "2026-12-31";
        REQUIRE(dossier({"review", "done", "acme/runbooks/vpn-reset"}).exit_status == 0);
        CHECK(read_file(acme() / "runbooks/vpn-reset.md").find("\nreviewed: 2026-12-31\n") != std::string::npos);

        environment["DOSSIER_TODAY"] = "2027-12-31";
        auto entries = by_ref(dossier({"review", "--json"}).out);
        REQUIRE(entries.count("acme/runbooks/vpn-reset") == 1);
        CHECK(entries["acme/runbooks/vpn-reset"]["due"] == "2027-12-31");
        CHECK(entries["acme/runbooks/vpn-reset"]["days_overdue"] == 0);

        environment["DOSSIER_TODAY"] = "2027-12-30";
        CHECK(by_ref(dossier({"review", "--json"}).out).count("acme/runbooks/vpn-reset") == 0);
        git_output(acme(), {"reset", "-q", "--hard", "HEAD~1"});
    }
}

TEST_CASE_FIXTURE(ClientSandbox, "today follows the workspace time zone") {
    commit_document("acme", "runbooks/annual.md",
                    "---\ntype: runbook\ntitle: Annual check\nowner: alice\nreviewed: 2025-01-15\n"
                    "review_every: 1 year\n---\n# Annual check\n");
    environment.erase("DOSSIER_TODAY");
    environment["TZ"] = "UTC";  // a CI runner
    const auto listed = [&](const char* unix_seconds) {
        environment["DOSSIER_NOW"] = unix_seconds;
        auto result = dossier({"review", "--json"});
        INFO(result.err);
        REQUIRE(result.exit_status == 0);
        return by_ref(result.out).count("acme/runbooks/annual") == 1;
    };
    // 2026-01-14 23:00:00 UTC is 2026-01-15 00:00:00 in Paris, the day the review is due.
    CHECK_FALSE(listed("1768431599"));
    CHECK_FALSE(listed("1768431600"));  // still the 14th in UTC

    write_file(workspace() / "dossier.yaml", read_file(workspace() / "dossier.yaml") + "time_zone: Europe/Paris\n");
    CHECK_FALSE(listed("1768431599"));  // 23:59:59 in Paris
    CHECK(listed("1768431600"));        // midnight in Paris

    // The same in a zone on the other side of UTC from the machine's.
    environment["TZ"] = "Pacific/Kiritimati";
    CHECK_FALSE(listed("1768431599"));
    CHECK(listed("1768431600"));

    auto settings = read_file(workspace() / "dossier.yaml");
    settings.replace(settings.find("Europe/Paris"), 12, "Europe/Pariss");
    write_file(workspace() / "dossier.yaml", settings);
    auto unknown = dossier({"review"});
    CHECK(unknown.exit_status == 3);
    CHECK(unknown.err.find("unknown time zone in dossier.yaml: Europe/Pariss") != std::string::npos);
}

// --- expiring -----------------------------------------------------------------------------

class ExpirySandbox : public ClientSandbox {
public:
    ExpirySandbox() {
        write_file(acme() / "licences/office.md",
                   "---\ntype: licence\ntitle: Office 365\nproduct: Office 365\nexpires: 2026-03-01\n---\n");
        write_file(acme() / "domains/acme-fr.md",
                   "---\ntype: domain\ntitle: acme.fr\ndomain_name: acme.fr\nexpires: 2026-03-25\n---\n");
        write_file(acme() / "certificates/www.md",
                   "---\ntype: certificate\ntitle: www.acme.fr\ncommon_name: www.acme.fr\nexpires: 2026-05-10\n---\n");
        write_file(acme() / "assets/nas.md",
                   "---\ntype: asset\ntitle: NAS\nwarranty_expires: 2026-04-14\nstatus: archived\n---\n");
    }
};

TEST_CASE_FIXTURE(ExpirySandbox, "expiring sorts by date with expired first") {
    auto result = dossier({"expiring", "--json", "--within", "60d"});
    REQUIRE(result.exit_status == 0);
    auto items = json::parse(result.out);
    REQUIRE(items.size() == 3);
    CHECK(items[0]["ref"] == "acme/licences/office");
    CHECK(items[0]["field"] == "expires");
    CHECK(items[0]["date"] == "2026-03-01");
    CHECK(items[0]["days_left"] == -14);
    CHECK(items[0]["expired"] == true);
    CHECK(items[0]["type"] == "licence");
    CHECK(items[1]["ref"] == "acme/domains/acme-fr");
    CHECK(items[1]["days_left"] == 10);
    CHECK(items[1]["expired"] == false);
    CHECK(items[1]["client"] == "acme");
    CHECK(items[1]["title"] == "acme.fr");
    CHECK(items[2]["ref"] == "acme/certificates/www");
    CHECK(items[2]["days_left"] == 56);
}

TEST_CASE_FIXTURE(ExpirySandbox, "expiring --within takes days, weeks and periods") {
    CHECK(json::parse(dossier({"expiring", "--json", "--within", "10"}).out).size() == 2);
    CHECK(json::parse(dossier({"expiring", "--json", "--within", "9"}).out).size() == 1);
    CHECK(json::parse(dossier({"expiring", "--json", "--within", "8w"}).out).size() == 3);
    CHECK(json::parse(dossier({"expiring", "--json", "--within", "7w"}).out).size() == 2);
    CHECK(json::parse(dossier({"expiring", "--json", "--within", "2 months"}).out).size() == 3);
    CHECK(json::parse(dossier({"expiring", "--json"}).out).size() == 2);  // 30 days by default

    auto invalid = dossier({"expiring", "--within", "8x"});
    CHECK(invalid.exit_status == 2);
    CHECK(invalid.err.find("invalid value for --within: 8x") != std::string::npos);
}

TEST_CASE_FIXTURE(ExpirySandbox, "expiring text flags expired dates") {
    auto result = dossier({"expiring", "--today", "2026-03-02"});
    REQUIRE(result.exit_status == 0);
    auto expired_line = result.out.find("2026-03-01  expired 1 day ago  acme/licences/office");
    auto domain_line = result.out.find("2026-03-25  in 23 days");
    CHECK(expired_line != std::string::npos);
    CHECK(domain_line != std::string::npos);
    CHECK(expired_line < domain_line);
    CHECK(result.err == "dossier: 1 date expired, 1 expiring by 2026-04-01\n");
}

TEST_CASE_FIXTURE(ExpirySandbox, "expiring reads check.expiring_within") {
    write_file(workspace() / "dossier.yaml",
               read_file(workspace() / "dossier.yaml") + "check:\n  expiring_within: 9 weeks\n");
    CHECK(json::parse(dossier({"expiring", "--json"}).out).size() == 3);
}

TEST_CASE_FIXTURE(ExpirySandbox, "expiring is the same in every time zone") {
    std::string first;
    for (const char* zone : time_zones) {
        CAPTURE(zone);
        environment["TZ"] = zone;
        auto result = dossier({"expiring", "--json", "--within", "60"});
        REQUIRE(result.exit_status == 0);
        if (first.empty()) first = result.out;
        CHECK(result.out == first);
    }
    CHECK(json::parse(first)[1]["days_left"] == 10);
}

// --- the moj-cloud-platform runbooks --------------------------------------------------------

TEST_CASE_FIXTURE(ClientSandbox, "review of the moj runbooks matches their review keys") {
    fs::path corpus = fs::path(DOSSIER_SHARED_DIR) / "corpora" / "runbooks" / "moj-cloud-platform";
    REQUIRE(fs::is_directory(corpus));
    REQUIRE(add_client("MoJ") == "moj");
    auto imported = dossier({"import", "markdown", corpus.string(), "--client", "moj", "--map",
                             "last_reviewed_on=reviewed", "--map", "review_in=review_every"});
    REQUIRE(imported.exit_status == 0);

    // The expected list: every file with last_reviewed_on whose due date, last review plus
    // review_in (in months, the only unit the corpus uses) or else a year, is not after today.
    const Date today{2026, 6, 1};
    std::map<std::string, json> expected;
    for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
        if (!entry.is_regular_file()) continue;
        auto text = read_text(entry.path());
        auto reviewed = front_matter_value(text, "last_reviewed_on");
        if (reviewed.empty()) continue;
        auto period = front_matter_value(text, "review_in");
        if (period.empty()) period = "12 months";
        REQUIRE(period.ends_with(" months"));
        auto due = add_months(read_date(reviewed), std::stoi(period));
        long overdue = day_number(today) - day_number(due);
        if (overdue < 0) continue;
        auto ref = "moj/" + entry.path().lexically_relative(corpus).generic_string();
        if (ref.ends_with(".md")) ref.resize(ref.size() - 3);
        expected[ref] = {{"reviewed", reviewed}, {"due", write_date(due)}, {"days_overdue", overdue}};
    }
    REQUIRE(expected.size() > 50);

    auto result = dossier({"review", "--json", "--client", "moj", "--today", "2026-06-01"});
    REQUIRE(result.exit_status == 0);
    auto actual = by_ref(result.out);
    CHECK(actual.size() == expected.size());
    for (const auto& [ref, values] : expected) {
        CAPTURE(ref);
        REQUIRE(actual.count(ref) == 1);
        CHECK(actual[ref]["reviewed"] == values["reviewed"]);
        CHECK(actual[ref]["due"] == values["due"]);
        CHECK(actual[ref]["days_overdue"] == values["days_overdue"]);
    }
}
