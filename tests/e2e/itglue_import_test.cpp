// End-to-end tests of `dossier import itglue` on the synthetic IT Glue export of the shared
// corpora: each record checked against its CSV row, passwords read back with the technician's
// identity and never found in clear, and a second import that changes nothing. The same export
// packed into a ZIP file at test time must give the same workspace, with no file on disk.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "sandbox.hpp"
#include "secret_scan.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ProcessResult;
using dossier::e2e::Sandbox;
using nlohmann::json;

using Row = std::map<std::string, std::string>;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

fs::path sample_dir() { return fs::path(DOSSIER_SHARED_DIR) / "corpora" / "itglue-sample"; }

// Reads a CSV file of the sample with the test's own reader (RFC 4180, an optional UTF-8
// BOM, CRLF or LF), so that the import's reader is checked against an independent one.
std::vector<Row> read_csv(const std::string& name) {
    auto text = Sandbox::read_file(sample_dir() / name);
    if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
    std::vector<std::vector<std::string>> lines(1);
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            lines.back().push_back(std::move(field));
            field.clear();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            lines.back().push_back(std::move(field));
            field.clear();
            lines.emplace_back();
        } else {
            field += c;
        }
    }
    if (!field.empty() || !lines.back().empty()) lines.back().push_back(std::move(field));
    if (lines.back().empty()) lines.pop_back();
    std::vector<Row> rows;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        Row row;
        for (std::size_t column = 0; column < lines[0].size() && column < lines[i].size(); ++column) {
            row[lines[0][column]] = lines[i][column];
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string without_crlf(std::string text) {
    for (auto at = text.find("\r\n"); at != std::string::npos; at = text.find("\r\n", at)) text.erase(at, 1);
    return text;
}

// An imported document as `dossier show --json` prints it.
struct Imported {
    std::string client;
    std::string ref;
    json front_matter;
    std::string body;

    std::string field(const std::string& key) const {
        return front_matter.contains(key) && front_matter[key].is_string() ? front_matter[key].get<std::string>()
                                                                          : std::string();
    }
};

// A workspace where alice, whose key is in team/team.yaml and who is the commit author, runs
// the import.
class ItGlueSandbox : public Sandbox {
public:
    ItGlueSandbox() {
        init_workspace();
        environment["DOSSIER_TEST_SCRYPT_WORK_FACTOR"] = "10";
        environment["DOSSIER_IDENTITY"] = (root() / "keys/alice.age").string();
        auto created = dossier({"key", "init", "--no-passphrase"});
        INFO(created.err);
        REQUIRE(created.exit_status == 0);
        key = created.out.substr(0, created.out.find('\n'));
        auto added = dossier({"team", "add", "alice", "--key", key, "--name", dossier::e2e::author_name, "--email",
                              dossier::e2e::author_email});
        INFO(added.err);
        REQUIRE(added.exit_status == 0);
    }

    // The technician of another sandbox, whose key a second workspace shares.
    struct SameKeyAs {
        const ItGlueSandbox& other;
    };

    // A workspace where the technician of `same.other` runs the import with the same identity
    // and key, so that two imports can be compared file by file.
    explicit ItGlueSandbox(SameKeyAs same) : key(same.other.key) {
        init_workspace();
        environment["DOSSIER_TEST_SCRYPT_WORK_FACTOR"] = "10";
        environment["DOSSIER_IDENTITY"] = same.other.environment.at("DOSSIER_IDENTITY");
        auto added = dossier({"team", "add", "alice", "--key", key, "--name", dossier::e2e::author_name, "--email",
                              dossier::e2e::author_email});
        INFO(added.err);
        REQUIRE(added.exit_status == 0);
    }

    std::string key;

    ProcessResult import(const std::vector<std::string>& options = {}) const {
        std::vector<std::string> arguments{"import", "itglue", sample_dir().string()};
        arguments.insert(arguments.end(), options.begin(), options.end());
        return dossier(arguments);
    }

    std::vector<std::string> clients() const {
        auto listed = dossier({"client", "list", "--json"});
        REQUIRE(listed.exit_status == 0);
        std::vector<std::string> slugs;
        for (const auto& client : json::parse(listed.out)) slugs.push_back(client["slug"].get<std::string>());
        return slugs;
    }

    // Every document of every client with a `source` key, by that key.
    std::map<std::string, Imported> by_source() const {
        std::map<std::string, Imported> documents;
        for (const auto& slug : clients()) {
            auto listed = dossier({"list", "--client", slug, "--json"});
            INFO(listed.err);
            REQUIRE(listed.exit_status == 0);
            for (const auto& entry : json::parse(listed.out)) {
                auto shown = dossier({"show", entry["ref"].get<std::string>(), "--json"});
                REQUIRE(shown.exit_status == 0);
                auto document = json::parse(shown.out);
                Imported imported{slug, entry["ref"].get<std::string>(), document["front_matter"],
                                  document["body"].get<std::string>()};
                auto source = imported.field("source");
                if (source.empty()) continue;
                CHECK_MESSAGE(!documents.contains(source), "two documents have source ", source);
                documents.emplace(source, std::move(imported));
            }
        }
        return documents;
    }

    std::map<std::string, std::string> heads() const {
        std::map<std::string, std::string> result;
        for (const auto& slug : clients()) result[slug] = head(client_dir(slug));
        return result;
    }
};

// The client of each organization of organizations.csv, by the organization's name.
std::map<std::string, std::string> clients_by_organization(const std::map<std::string, Imported>& documents) {
    std::map<std::string, std::string> clients;
    for (const auto& organization : read_csv("organizations.csv")) {
        auto found = documents.find("itglue:organization:" + organization.at("id"));
        REQUIRE_MESSAGE(found != documents.end(), "no client for organization ", organization.at("name"));
        clients[organization.at("name")] = found->second.client;
    }
    return clients;
}

const Imported& imported(const std::map<std::string, Imported>& documents, const std::string& source) {
    auto found = documents.find(source);
    REQUIRE_MESSAGE(found != documents.end(), "nothing imported from ", source);
    return found->second;
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue organizations become clients") {
    auto result = import();
    INFO(result.err);
    REQUIRE((result.exit_status == 0 || result.exit_status == 1));
    auto documents = by_source();

    const auto organizations = read_csv("organizations.csv");
    CHECK(clients().size() == organizations.size());
    for (const auto& organization : organizations) {
        const auto& client = imported(documents, "itglue:organization:" + organization.at("id"));
        INFO(organization.at("name"));
        CHECK(client.ref == client.client + "/client");
        CHECK(client.field("title") == organization.at("name"));
        CHECK(client.field("alert") == organization.at("alert"));
        CHECK(client.field("description") == organization.at("description"));
        CHECK(client.field("short_name") == organization.at("short_name"));
        // The client add commit, then one import commit.
        CHECK(commit_count(client_dir(client.client)) == 2);
        CHECK_REPOSITORY_HEALTHY(*this, client_dir(client.client));
    }
    const auto& acme = imported(documents, "itglue:organization:2417002");
    CHECK(acme.field("quick_notes") == without_crlf(read_csv("organizations.csv")[1].at("quick_notes")));
    const auto& plumber = imported(documents, "itglue:organization:2417001");
    CHECK(plumber.field("title") == "Société Générale de Plomberie");
    CHECK(contains(plumber.field("quick_notes"), "Contrat infogérance **Gold**"));
    CHECK_FALSE(contains(plumber.field("quick_notes"), "<p>"));
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue records become documents matching their CSV rows") {
    auto report_path = root() / "report.json";
    auto result = import({"--report", report_path.string()});
    INFO(result.err);
    const auto domains = read_csv("domains.csv");
    const bool some_domain_without_expiry = std::any_of(domains.begin(), domains.end(),
                                                        [](const Row& row) { return row.at("expires_on").empty(); });
    CHECK(result.exit_status == (some_domain_without_expiry ? 1 : 0));
    auto documents = by_source();
    auto clients = clients_by_organization(documents);
    std::set<std::string> refs;
    for (const auto& [source, document] : documents) {
        CHECK_MESSAGE(refs.insert(document.ref).second, "two records in ", document.ref);
    }

    for (const auto& row : read_csv("locations.csv")) {
        const auto& site = imported(documents, "itglue:location:" + row.at("id"));
        INFO(row.at("name"));
        CHECK(site.client == clients.at(row.at("organization")));
        CHECK(site.field("type") == "site");
        CHECK(site.field("title") == row.at("name"));
        CHECK(site.field("address") == row.at("address_1"));
        CHECK(site.field("postal_code") == row.at("postal_code"));  // 04101 keeps its zero
        CHECK(site.field("city") == row.at("city"));
        if (!row.at("notes").empty()) CHECK(contains(site.body, row.at("notes")));
    }

    for (const auto& row : read_csv("contacts.csv")) {
        const auto& contact = imported(documents, "itglue:contact:" + row.at("id"));
        INFO(row.at("first_name"), " ", row.at("last_name"));
        CHECK(contact.client == clients.at(row.at("organization")));
        CHECK(contact.field("title") == row.at("first_name") + " " + row.at("last_name"));
        CHECK(contact.field("job_title") == row.at("title"));
        std::string primary;
        for (const auto& email : json::parse(row.at("emails"))) {
            if (email["primary"] == true) primary = email["value"].get<std::string>();
        }
        CHECK(contact.field("email") == primary);
        const auto emails = json::parse(row.at("emails"));
        if (emails.size() > 1) REQUIRE(contact.front_matter["other_emails"].size() == emails.size() - 1);
        if (!row.at("notes").empty()) CHECK(contains(contact.body, without_crlf(row.at("notes"))));
    }

    for (const auto& row : read_csv("configurations.csv")) {
        const auto& asset = imported(documents, "itglue:configuration:" + row.at("id"));
        INFO(row.at("name"), " ", row.at("id"));
        CHECK(asset.client == clients.at(row.at("organization")));
        CHECK(asset.field("type") == "asset");
        CHECK(asset.field("title") == row.at("name"));
        CHECK(asset.field("hostname") == row.at("hostname"));
        CHECK(asset.field("ip_address") == row.at("primary_ip"));
        CHECK(asset.field("serial_number") == row.at("serial_number"));
        CHECK(asset.field("warranty_expires") == row.at("warranty_expires_at"));
        CHECK(asset.field("os") == row.at("operating_system"));
        CHECK(!asset.field("asset_type").empty());
        CHECK((asset.field("status") == "archived") == (row.at("archived") == "Yes"));
        if (!row.at("configuration_interfaces").empty()) {
            const auto interfaces = json::parse(row.at("configuration_interfaces"));
            REQUIRE(asset.front_matter["interfaces"].is_array());
            REQUIRE(asset.front_matter["interfaces"].size() == interfaces.size());
            CHECK(asset.front_matter["interfaces"][0]["name"] == interfaces[0]["name"]);
            CHECK(asset.front_matter["interfaces"][0]["notes"] == interfaces[0]["notes"]);
        }
        const auto notes = without_crlf(row.at("notes"));
        if (contains(notes, "<b>dimanche uniquement</b>")) {
            CHECK(contains(asset.body, "**dimanche uniquement**"));
            CHECK_FALSE(contains(asset.body, "<li>"));
        } else if (!notes.empty()) {
            CHECK(contains(asset.body, notes));
        }
        // A site named by exactly one location of the same organization becomes a reference.
        std::vector<std::string> sites;
        for (const auto& location : read_csv("locations.csv")) {
            if (location.at("organization") == row.at("organization") && location.at("name") == row.at("location")) {
                sites.push_back(imported(documents, "itglue:location:" + location.at("id")).ref);
            }
        }
        if (sites.size() == 1) {
            CHECK(asset.client + "/" + asset.field("site") == sites.front());
        } else {
            CHECK(asset.field("site").empty());
            CHECK(asset.field("location_name") == row.at("location"));
        }
    }

    for (const auto& row : domains) {
        INFO(row.at("name"));
        if (row.at("expires_on").empty()) {
            CHECK_FALSE(documents.contains("itglue:domain:" + row.at("id")));
            continue;
        }
        const auto& domain = imported(documents, "itglue:domain:" + row.at("id"));
        CHECK(domain.client == clients.at(row.at("organization")));
        CHECK(domain.field("domain_name") == row.at("name"));
        CHECK(domain.field("expires") == row.at("expires_on"));
        CHECK(domain.field("registrar") == row.at("registrar"));
    }

    for (const auto& row : read_csv("ssl_certificates.csv")) {
        const auto& certificate = imported(documents, "itglue:ssl_certificate:" + row.at("id"));
        INFO(row.at("name"));
        CHECK(certificate.client == clients.at(row.at("organization")));
        CHECK(certificate.field("common_name") == row.at("name"));
        CHECK(certificate.field("expires") == row.at("expires_on"));
        CHECK(certificate.field("issuer") == row.at("issued_by"));
    }

    // Counts per kind and client.
    std::map<std::pair<std::string, std::string>, int> expected;
    std::map<std::pair<std::string, std::string>, int> found;
    for (const auto& [file, kind] : std::vector<std::pair<std::string, std::string>>{
             {"locations.csv", "location"}, {"contacts.csv", "contact"}, {"configurations.csv", "configuration"},
             {"ssl_certificates.csv", "ssl_certificate"}, {"passwords.csv", "password"}}) {
        for (const auto& row : read_csv(file)) ++expected[{clients.at(row.at("organization")), kind}];
    }
    for (const auto& [source, document] : documents) {
        auto kind = source.substr(7, source.rfind(':') - 7);
        const std::set<std::string> counted{"location", "contact", "configuration", "ssl_certificate", "password"};
        if (counted.contains(kind)) ++found[{document.client, kind}];
    }
    CHECK(found == expected);

    // The report lists the rejected domain with its line.
    auto report = json::parse(read_file(report_path));
    CHECK(report["written"] == true);
    int rejected = 0;
    for (const auto& record : report["records"]) {
        if (record["outcome"] != "rejected") continue;
        ++rejected;
        CHECK(record["file"] == "domains.csv");
        CHECK(contains(record["reason"].get<std::string>(), "expires"));
    }
    CHECK(rejected == std::count_if(domains.begin(), domains.end(),
                                    [](const Row& row) { return row.at("expires_on").empty(); }));
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue duplicates stay apart") {
    auto result = import();
    INFO(result.err);
    auto documents = by_source();
    std::map<std::string, std::set<std::string>> refs_by_name;
    for (const auto& row : read_csv("configurations.csv")) {
        refs_by_name["asset " + row.at("organization") + " " + row.at("name")].insert(
            imported(documents, "itglue:configuration:" + row.at("id")).ref);
    }
    for (const auto& row : read_csv("locations.csv")) {
        refs_by_name["site " + row.at("organization") + " " + row.at("name")].insert(
            imported(documents, "itglue:location:" + row.at("id")).ref);
    }
    CHECK(refs_by_name.at("asset Société Générale de Plomberie PC-ACCUEIL").size() == 3);
    CHECK(refs_by_name.at("site Northwind Dental Group Clinic North").size() == 2);
    const auto& first = imported(documents, "itglue:contact:6300011");
    const auto& second = imported(documents, "itglue:contact:6300631");
    CHECK(first.ref != second.ref);
    CHECK(first.field("title") == second.field("title"));
    // An ambiguous name is reported, not guessed.
    CHECK(contains(result.err, "\"Clinic North\" names 2 imported documents of type site"));
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue passwords are readable and never in clear") {
    auto report_path = root() / "report.json";
    auto result = import({"--report", report_path.string()});
    INFO(result.err);
    auto documents = by_source();
    auto clients = clients_by_organization(documents);
    dossier::e2e::scan::Needles needles;
    for (const auto& row : read_csv("passwords.csv")) {
        const auto& credential = imported(documents, "itglue:password:" + row.at("id"));
        INFO(row.at("name"));
        CHECK(credential.client == clients.at(row.at("organization")));
        CHECK(credential.field("type") == "credential");
        CHECK(credential.field("title") == row.at("name"));
        CHECK(credential.field("username") == row.at("username"));
        CHECK(credential.field("category") == row.at("password_category"));
        CHECK((credential.field("status") == "archived") == (row.at("archived") == "Yes"));
        const bool otp = !row.at("otp_secret").empty() || row.at("one_time_password") == "Yes";
        CHECK((credential.front_matter["otp"] == true) == otp);
        if (!row.at("password").empty()) {
            auto get = dossier({"secret", "get", credential.ref});
            INFO(get.err);
            CHECK(get.out == row.at("password") + "\n");
            needles.emplace("password " + row.at("id"), row.at("password"));
        }
        if (!row.at("otp_secret").empty()) {
            auto seed = dossier({"secret", "get", credential.ref, "otp_secret"});
            CHECK(seed.out == row.at("otp_secret") + "\n");
            needles.emplace("seed " + row.at("id"), row.at("otp_secret"));
        }
        if (!row.at("resource_id").empty()) {
            auto asset = documents.find("itglue:configuration:" + row.at("resource_id"));
            REQUIRE(asset != documents.end());
            const auto target = asset->second.ref.substr(asset->second.client.size() + 1);
            CHECK(credential.field("target") == target);
            CHECK(std::find(credential.front_matter["related"].begin(), credential.front_matter["related"].end(),
                            target) != credential.front_matter["related"].end());
        }
    }
    REQUIRE(!needles.empty());

    std::vector<dossier::e2e::scan::Finding> findings;
    dossier::e2e::scan::scan_tree(workspace(), needles, findings);
    dossier::e2e::scan::scan_tree(report_path, needles, findings);
    for (const auto& repository : dossier::e2e::scan::repositories(workspace())) {
        dossier::e2e::scan::scan_git_objects(repository, environment, needles, findings);
    }
    INFO(dossier::e2e::scan::describe(findings));
    CHECK(findings.empty());
    CHECK_FALSE(contains(result.out + result.err, "FAKE-"));
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue import run twice changes nothing") {
    auto first = import();
    INFO(first.err);
    REQUIRE((first.exit_status == 0 || first.exit_status == 1));
    const auto heads = this->heads();
    const auto before = by_source();

    auto report_path = root() / "again.json";
    auto again = import({"--report", report_path.string()});
    INFO(again.err);
    CHECK(again.exit_status == first.exit_status);
    CHECK(this->heads() == heads);
    CHECK_FALSE(contains(again.out, "new client"));
    auto report = json::parse(read_file(report_path));
    for (const auto& client : report["clients"]) {
        CHECK(client["outcome"] == "found");
        CHECK(client["fields"].empty());
        CHECK(client["commit"].is_null());
    }
    for (const auto& record : report["records"]) {
        INFO(record.dump());
        CHECK((record["outcome"] == "unchanged" || record["outcome"] == "rejected"));
    }
    for (const auto& slug : clients()) {
        CHECK(status(client_dir(slug)) == "");
    }
    auto after = by_source();
    CHECK(after.size() == before.size());
    for (const auto& [source, document] : before) CHECK(after.at(source).ref == document.ref);
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue dry run writes nothing") {
    auto result = import({"--dry-run"});
    INFO(result.err);
    REQUIRE((result.exit_status == 0 || result.exit_status == 1));
    CHECK(clients().empty());
    CHECK(contains(result.out, "client to create: Société Générale de Plomberie"));
    CHECK(contains(result.out, "create    a site for the new client"));
    CHECK(contains(result.err, "dry run: nothing was written"));
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue documents keep their folders and text") {
    auto report_path = root() / "report.json";
    auto result = import({"--report", report_path.string()});
    INFO(result.err);
    auto documents = by_source();
    auto clients = clients_by_organization(documents);
    auto report = json::parse(read_file(report_path));

    // Each document's folder under documents/, found by its locator.
    std::map<std::string, std::string> folders;
    for (const auto& entry : fs::recursive_directory_iterator(sample_dir() / "documents")) {
        const auto name = entry.path().filename().string();
        if (entry.is_directory() && name.starts_with("DOC-")) {
            folders[name.substr(0, name.find(' '))] =
                entry.path().parent_path().lexically_relative(sample_dir() / "documents").generic_string();
        }
    }
    for (const auto& row : read_csv("documents.csv")) {
        const auto& document = imported(documents, "itglue:document:" + row.at("id"));
        INFO(row.at("name"));
        CHECK(document.client == clients.at(row.at("organization")));
        CHECK(document.field("type") == "kb");
        CHECK(document.field("title") == row.at("name"));
        CHECK(document.field("expires") == row.at("expires_on"));
        CHECK((document.field("status") == "archived") == (row.at("archived") == "Yes"));
        const auto path = document.ref.substr(document.client.size() + 1);
        const auto folder = folders.at(row.at("locator"));
        CHECK(path.starts_with("kb/"));
        if (folder != ".") CHECK(path.find('/', 3) != std::string::npos);  // kb/<folder>/<name>
        // The HTML's heading, paragraph and table, as Markdown.
        CHECK(contains(document.body, "# " + row.at("name") + "\n"));
        CHECK(contains(document.body, "Document de test **synthétique**"));
        CHECK(contains(document.body, "| Étape | Action |\n| --- | --- |\n"));
        CHECK_FALSE(contains(document.body, "<p>"));
        // The sample's images are missing: left out, and reported for this document.
        CHECK_FALSE(contains(document.body, "capture.png"));
        bool image_reported = false;
        for (const auto& loss : report["losses"]) {
            if (loss["source"] == "itglue:document:" + row.at("id") &&
                contains(loss["what"].get<std::string>(), "capture.png")) {
                image_reported = true;
            }
        }
        CHECK(image_reported);
    }
    const auto& vpn = imported(documents, "itglue:document:1405980");  // "," became "_" in its folder
    CHECK(contains(vpn.body, "# Procédure VPN, accès distant"));
    const auto& change_log = imported(documents, "itglue:document:1411537");
    CHECK(contains(change_log.body, "```\nset firewall policy 12\n  set srcintf \"lan\"\nend\n```"));
    CHECK(imported(documents, "itglue:document:1416364").ref == "northwind-dental-group/kb/compliance/hipaa-risk-assessment");
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue flexible assets get a generated type") {
    auto result = import();
    INFO(result.err);
    const auto schema_path = workspace() / "types" / "itglue-licensing.schema.json";
    REQUIRE(fs::exists(schema_path));
    CHECK(status(workspace()) == "");  // committed in the workspace repository
    auto schema = json::parse(read_file(schema_path));
    CHECK(schema["properties"]["seats"]["type"] == "integer");
    CHECK(schema["properties"]["purchase_date"]["format"] == "date");
    CHECK(contains(result.err, "guesses it from the values"));

    auto documents = by_source();
    auto clients = clients_by_organization(documents);
    for (const auto& row : read_csv("licensing.csv")) {
        const auto& licence = imported(documents, "itglue:licensing:" + row.at("id"));
        INFO(row.at("Name"));
        CHECK(licence.client == clients.at(row.at("organization")));
        CHECK(licence.field("type") == "itglue-licensing");
        CHECK(licence.field("title") == row.at("Name"));
        CHECK(licence.field("license_key_s") == without_crlf(row.at("License Key(s)")));
        CHECK(licence.field("renewal_cost") == row.at("Renewal Cost"));
        if (!row.at("Seats").empty()) CHECK(licence.front_matter["seats"] == std::stoi(row.at("Seats")));
    }
    auto check = dossier({"check", "--fail-on", "error", "--format", "json"});
    INFO(check.out);
    CHECK_FALSE(contains(check.out, "unknown-type"));
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue organization found by its source") {
    REQUIRE(add_client("Acme") == "acme");
    auto text = read_file(client_dir("acme") / "client.md");
    text.insert(text.find("\n") + 1, "source: itglue:organization:2417002\n");
    commit_document("acme", "client.md", text);

    auto result = import();
    INFO(result.err);
    CHECK_FALSE(fs::exists(client_dir("acme-widgets-inc")));
    CHECK(contains(result.out, "acme: client Acme"));
    auto documents = by_source();
    CHECK(imported(documents, "itglue:location:5100004").client == "acme");
    CHECK(imported(documents, "itglue:organization:2417002").field("title") == "Acme");
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue losses are reported per record") {
    const auto export_dir = root() / "export";
    write_file(export_dir / "organizations.csv", "id,name\n7,Initech\n");
    write_file(export_dir / "configurations.csv",
               "id,organization,name,configuration_type,notes\n"
               "70,Initech,SRV-1,Server,<p><u>Underlined</u> and <b>bold</b></p>\n"
               "71,Initech,SRV-2,Mainframe,\n");
    write_file(export_dir / "passwords.csv",
               "id,organization,name,username,password,resource_type,resource_id\n"
               "80,Initech,Vaulted,admin,********,,\n"
               "81,Initech,Orphan,root,Pw-orphan-1,Configuration,999\n");
    auto report_path = root() / "report.json";
    auto result = dossier({"import", "itglue", export_dir.string(), "--report", report_path.string()});
    INFO(result.err);
    CHECK(result.exit_status == 0);
    auto report = json::parse(read_file(report_path));
    std::map<std::string, std::string> losses;
    for (const auto& loss : report["losses"]) losses[loss["source"].get<std::string>()] += loss["what"].get<std::string>();
    CHECK(contains(losses["itglue:configuration:70"], "underline"));
    CHECK(contains(losses["itglue:password:80"], "placeholder"));
    CHECK(contains(losses["itglue:password:81"], "999"));

    auto documents = by_source();
    CHECK(contains(imported(documents, "itglue:configuration:70").body, "Underlined and **bold**"));
    const auto& mainframe = imported(documents, "itglue:configuration:71");
    CHECK(mainframe.field("asset_type") == "other");
    CHECK(mainframe.field("configuration_type") == "Mainframe");
    const auto& vaulted = imported(documents, "itglue:password:80");
    CHECK(dossier({"secret", "get", vaulted.ref}).exit_status != 0);  // no secret stored
    CHECK(dossier({"secret", "get", imported(documents, "itglue:password:81").ref}).out == "Pw-orphan-1\n");
    CHECK(imported(documents, "itglue:password:81").field("resource_id") == "999");
}

TEST_CASE_FIXTURE(Sandbox, "IT Glue passwords need a technician with a key") {
    init_workspace();
    auto result = dossier({"import", "itglue", sample_dir().string()});
    INFO(result.err);
    CHECK(result.exit_status == 1);
    CHECK(contains(result.err, "has no age key in team/team.yaml"));
    // The other records are imported; of the passwords, only those without a secret are.
    const auto passwords = read_csv("passwords.csv");
    const auto without_secret = std::count_if(passwords.begin(), passwords.end(), [](const Row& row) {
        return row.at("password").empty() && row.at("otp_secret").empty();
    });
    auto listed = dossier({"list", "--type", "credential", "--json"});
    CHECK(static_cast<long>(json::parse(listed.out).size()) == without_secret);
    for (const auto& row : passwords) {
        if (!row.at("password").empty()) CHECK_FALSE(contains(result.out + result.err, row.at("password")));
    }
    auto assets = dossier({"list", "--type", "asset", "--json"});
    CHECK(json::parse(assets.out).size() == read_csv("configurations.csv").size());
}

// --- the export as a ZIP file ------------------------------------------------------------------

// Packs the sample export into `zip_path` with the zip command: at the top of the archive, or
// inside `top_folder` as IT Glue's downloads are. That folder is a symbolic link to the sample,
// which zip follows, so that the test makes no copy of the corpus.
void zip_sample(const Sandbox& sandbox, const fs::path& zip_path, const std::string& top_folder = "") {
    std::vector<std::string> arguments{"zip", "-q", "-r", "-X", zip_path.string()};
    fs::path directory = sample_dir();
    if (top_folder.empty()) {
        arguments.push_back(".");
    } else {
        directory = zip_path.parent_path() / "layout";
        fs::create_directories(directory);
        fs::create_directory_symlink(fs::canonical(sample_dir()), directory / top_folder);
        arguments.push_back(top_folder);
    }
    auto packed = dossier::e2e::run_process(arguments, sandbox.environment, directory);
    INFO(packed.err);
    REQUIRE(packed.exit_status == 0);
}

// Packs the folder `folder` into `zip_path` with the zip command, with `options` such as -y,
// which stores symbolic links as links.
void zip_folder(const Sandbox& sandbox, const fs::path& folder, const fs::path& zip_path,
                const std::vector<std::string>& options = {}) {
    std::vector<std::string> arguments{"zip", "-q", "-r", "-X"};
    arguments.insert(arguments.end(), options.begin(), options.end());
    arguments.push_back(zip_path.string());
    arguments.push_back(".");
    auto packed = dossier::e2e::run_process(arguments, sandbox.environment, folder);
    INFO(packed.err);
    REQUIRE(packed.exit_status == 0);
}

// The files of a workspace's clients and types by path, each armored age block replaced by a
// mark, since every encryption draws a new file key.
std::map<std::string, std::string> workspace_files(const Sandbox& sandbox) {
    std::map<std::string, std::string> files;
    for (const char* folder : {"clients", "types"}) {
        const auto top = sandbox.workspace() / folder;
        if (!fs::exists(top)) continue;
        for (auto it = fs::recursive_directory_iterator(top); it != fs::recursive_directory_iterator(); ++it) {
            if (it->path().filename() == ".git") {
                it.disable_recursion_pending();
                continue;
            }
            if (!it->is_regular_file()) continue;
            auto text = Sandbox::read_file(it->path());
            const auto block = dossier::e2e::scan::armored_block(text);
            if (!block.empty()) text.replace(text.find(block), block.size(), "<age block>\n");
            files[it->path().lexically_relative(sandbox.workspace()).generic_string()] = text;
        }
    }
    return files;
}

// A report without what differs between two equal imports: the path given, and commit ids.
json comparable_report(json report) {
    report["source"]["path"] = nullptr;
    for (auto& client : report["clients"]) {
        client["commit"] = nullptr;
        client["creation_commit"] = nullptr;
    }
    report["types"]["commit"] = nullptr;
    return report;
}

// An import's output with the export's location and the commit ids replaced by marks.
std::string comparable_output(std::string text, const std::string& location) {
    for (auto at = text.find(location); at != std::string::npos; at = text.find(location, at)) {
        text.replace(at, location.size(), "<export>");
    }
    return std::regex_replace(text, std::regex(" \\(commit [0-9a-f]{8}\\)"), " (commit)");
}

// Imports the ZIP file at `zip_path` into `zipped`, and the sample folder into a second
// workspace with the same technician and key, and checks that both give the same output,
// report, files and passwords. `location` is how messages name the export's root in the ZIP.
void check_zip_import_matches_folder(ItGlueSandbox& zipped, const fs::path& zip_path, const std::string& location) {
    ItGlueSandbox unpacked(ItGlueSandbox::SameKeyAs{zipped});
    const auto folder_report = unpacked.root() / "report.json";
    auto from_folder =
        unpacked.dossier({"import", "itglue", sample_dir().string(), "--report", folder_report.string()});
    INFO(from_folder.err);
    REQUIRE((from_folder.exit_status == 0 || from_folder.exit_status == 1));

    const auto zip_report = zipped.root() / "report.json";
    auto from_zip = zipped.dossier({"import", "itglue", zip_path.string(), "--report", zip_report.string()});
    INFO(from_zip.err);
    CHECK(from_zip.exit_status == from_folder.exit_status);
    CHECK(comparable_output(from_zip.out, location) == comparable_output(from_folder.out, sample_dir().string()));
    CHECK(comparable_output(from_zip.err, location) == comparable_output(from_folder.err, sample_dir().string()));
    CHECK(comparable_report(json::parse(Sandbox::read_file(zip_report))) ==
          comparable_report(json::parse(Sandbox::read_file(folder_report))));

    const auto expected_files = workspace_files(unpacked);
    const auto files = workspace_files(zipped);
    REQUIRE(!expected_files.empty());
    for (const auto& [path, text] : expected_files) {
        INFO(path);
        auto found = files.find(path);
        REQUIRE_MESSAGE(found != files.end(), "missing from the ZIP import: ", path);
        CHECK(found->second == text);
    }
    CHECK(files.size() == expected_files.size());

    const auto expected_documents = unpacked.by_source();
    const auto documents = zipped.by_source();
    int secrets = 0;
    for (const auto& row : read_csv("passwords.csv")) {
        INFO(row.at("name"));
        const auto& credential = imported(documents, "itglue:password:" + row.at("id"));
        CHECK(credential.ref == imported(expected_documents, "itglue:password:" + row.at("id")).ref);
        for (const auto& [column, field] : std::vector<std::pair<std::string, std::string>>{
                 {"password", "password"}, {"otp_secret", "otp_secret"}}) {
            if (row.at(column).empty()) continue;
            auto secret = zipped.dossier({"secret", "get", credential.ref, field});
            auto expected = unpacked.dossier({"secret", "get", credential.ref, field});
            CHECK(secret.exit_status == 0);
            CHECK(secret.out == expected.out);
            CHECK(secret.out == row.at(column) + "\n");
            ++secrets;
        }
    }
    CHECK(secrets > 0);
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue ZIP import gives the folder import's workspace") {
    const auto zip_path = root() / "itglue-export.zip";
    zip_sample(*this, zip_path);
    check_zip_import_matches_folder(*this, zip_path, zip_path.string());

    // A second import of the ZIP file changes nothing.
    const auto heads = this->heads();
    const auto report_path = root() / "again.json";
    auto again = dossier({"import", "itglue", zip_path.string(), "--report", report_path.string()});
    INFO(again.err);
    CHECK((again.exit_status == 0 || again.exit_status == 1));
    CHECK(this->heads() == heads);
    for (const auto& record : json::parse(read_file(report_path))["records"]) {
        INFO(record.dump());
        CHECK((record["outcome"] == "unchanged" || record["outcome"] == "rejected"));
    }
    for (const auto& slug : clients()) CHECK(status(client_dir(slug)) == "");
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue ZIP with one top-level folder imports like the folder") {
    const auto zip_path = root() / "export-123456.zip";
    zip_sample(*this, zip_path, "export-123456");
    check_zip_import_matches_folder(*this, zip_path, (zip_path / "export-123456").string());
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue ZIP import writes no plaintext to disk") {
    const auto zip_path = root() / "itglue-export.zip";
    zip_sample(*this, zip_path);
    const auto temporary = root() / "tmp";
    fs::create_directories(temporary);
    environment["TMPDIR"] = temporary.string();
    // inotify records every file named in the folder, even one removed at once. An unnamed
    // O_TMPFILE file, where the record engine may keep documents whose secrets are already
    // sealed, shows only as IN_OPEN and IN_MODIFY, which are not watched.
    const int watch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    REQUIRE(watch >= 0);
    REQUIRE(inotify_add_watch(watch, temporary.c_str(), IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE) >= 0);

    const auto report_path = root() / "report.json";
    auto result = dossier({"import", "itglue", zip_path.string(), "--report", report_path.string()});
    std::array<char, 4096> events{};
    const auto event_bytes = ::read(watch, events.data(), events.size());
    ::close(watch);
    INFO(result.err);
    REQUIRE((result.exit_status == 0 || result.exit_status == 1));
    CHECK(event_bytes < 0);  // no file was named in TMPDIR, so the read found no event
    CHECK(fs::is_empty(temporary));

    dossier::e2e::scan::Needles needles;
    for (const auto& row : read_csv("passwords.csv")) {
        needles.emplace("password " + row.at("id"), row.at("password"));
        needles.emplace("seed " + row.at("id"), row.at("otp_secret"));
    }
    std::vector<dossier::e2e::scan::Finding> findings;
    dossier::e2e::scan::scan_tree(workspace(), needles, findings);
    dossier::e2e::scan::scan_tree(temporary, needles, findings);
    dossier::e2e::scan::scan_tree(report_path, needles, findings);
    dossier::e2e::scan::scan_bytes("the output", result.out + result.err, needles, findings);
    for (const auto& repository : dossier::e2e::scan::repositories(workspace())) {
        dossier::e2e::scan::scan_git_objects(repository, environment, needles, findings);
    }
    INFO(dossier::e2e::scan::describe(findings));
    CHECK(findings.empty());

    // The passwords were imported, so the scan had something to miss.
    auto documents = by_source();
    const auto first = read_csv("passwords.csv").front();
    CHECK(dossier({"secret", "get", imported(documents, "itglue:password:" + first.at("id")).ref}).out ==
          first.at("password") + "\n");
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue ZIP document images are copied from the archive") {
    const auto export_dir = root() / "export";
    const std::string png = std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16) + "pixels";
    write_file(export_dir / "organizations.csv", "id,name\n7,Initech\n");
    write_file(export_dir / "documents.csv", "id,organization,name,locator\n70,Initech,Backup,DOC-7-70\n");
    write_file(export_dir / "documents/Ops/DOC-7-70 Backup/Backup.html",
               "<h1>Backup</h1><p>See <img src=\"capture.png\" alt=\"screen\"></p>");
    write_file(export_dir / "documents/Ops/DOC-7-70 Backup/capture.png", png);
    const auto zip_path = root() / "export.zip";
    zip_folder(*this, export_dir, zip_path);
    fs::remove_all(export_dir);  // the import can only read the archive

    auto result = dossier({"import", "itglue", zip_path.string()});
    INFO(result.err);
    CHECK(result.exit_status == 0);
    const auto documents = by_source();
    const auto& document = imported(documents, "itglue:document:70");
    CHECK(document.ref == "initech/kb/ops/backup");
    CHECK(contains(document.body, "![screen](../../attachments/itglue/documents/70/capture.png)"));
    CHECK(read_file(client_dir("initech") / "attachments/itglue/documents/70/capture.png") == png);
    CHECK(status(client_dir("initech")) == "");
}

// Runs an import of `zip_path` that must fail, and checks that it wrote nothing.
ProcessResult failed_import(const ItGlueSandbox& sandbox, const fs::path& zip_path) {
    auto result = sandbox.dossier({"import", "itglue", zip_path.string()});
    CHECK(result.exit_status == 3);
    CHECK(sandbox.clients().empty());
    CHECK_FALSE(fs::exists(sandbox.workspace() / "types" / "itglue-licensing.schema.json"));
    CHECK(sandbox.status(sandbox.workspace()) == "");
    return result;
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue ZIP with a symbolic link writes nothing") {
    const auto export_dir = root() / "export";
    write_file(export_dir / "organizations.csv", "id,name\n7,Initech\n");
    fs::create_symlink(home() / ".ssh" / "id_ed25519", export_dir / "passwords.csv");
    const auto zip_path = root() / "export.zip";
    zip_folder(*this, export_dir, zip_path, {"-y"});

    auto result = failed_import(*this, zip_path);
    CHECK(contains(result.err, "dossier: error: unsafe member passwords.csv in the ZIP file " + zip_path.string() +
                                   ": it is a symbolic link\n"));
    CHECK(contains(result.err, "download the export again"));
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue ZIP with a damaged member writes nothing") {
    // Stored without compression, so that a password can be found and changed in the archive.
    const auto zip_path = root() / "itglue-export.zip";
    auto packed = dossier::e2e::run_process({"zip", "-q", "-r", "-X", "-0", zip_path.string(), "."}, environment,
                                            sample_dir());
    REQUIRE(packed.exit_status == 0);
    auto bytes = read_file(zip_path);
    const auto password = read_csv("passwords.csv").front().at("password");
    const auto at = bytes.find(password);
    REQUIRE(at != std::string::npos);
    bytes[at] = static_cast<char>(bytes[at] ^ 0x20);
    write_file(zip_path, bytes);

    auto result = failed_import(*this, zip_path);
    CHECK(contains(result.err, "dossier: error: damaged member passwords.csv in the ZIP file " + zip_path.string()));
    CHECK(contains(result.err, "download the export again"));
    CHECK_FALSE(contains(result.err, password.substr(1)));
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue ZIP without organizations.csv is rejected") {
    const auto export_dir = root() / "export";
    write_file(export_dir / "notes/readme.txt", "not an export\n");
    const auto zip_path = root() / "export.zip";
    zip_folder(*this, export_dir, zip_path);

    auto result = failed_import(*this, zip_path);
    CHECK(contains(result.err, "dossier: error: no organizations.csv in " + zip_path.string() + "\n"));
    CHECK(contains(result.err, "in a ZIP file, in its one top-level folder"));
}

TEST_CASE_FIXTURE(ItGlueSandbox, "IT Glue ZIP cut short writes nothing") {
    const auto zip_path = root() / "itglue-export.zip";
    zip_sample(*this, zip_path);
    const auto bytes = read_file(zip_path);
    write_file(zip_path, bytes.substr(0, bytes.size() / 2));

    auto result = failed_import(*this, zip_path);
    CHECK(contains(result.err, "dossier: error: not a ZIP file, or one cut short: " + zip_path.string() + "\n"));
}

}  // namespace
