// End-to-end tests of `dossier import hudu` on the synthetic Hudu export of the shared corpora.
// Each record is checked against its JSON, secrets are read back with the technician's identity
// and never found in clear, and a second import changes nothing. Exports written by the tests
// cover bad input, pages, Password fields and links between assets.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
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

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

fs::path sample_dir() { return fs::path(DOSSIER_SHARED_DIR) / "corpora" / "hudu-sample"; }

// Returns the array `key` of the sample's file `key`.json, parsed by the test itself.
json sample_list(const std::string& key) {
    auto document = json::parse(Sandbox::read_file(sample_dir() / (key + ".json")));
    REQUIRE(document.contains(key));
    return document[key];
}

// Returns a JSON value of the sample as the import writes it in text: strings as they are,
// numbers as JSON writes them.
std::string text(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number()) return value.dump();
    return {};
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

    // The path of the document in its client repository, without .md.
    std::string path() const { return ref.substr(client.size() + 1); }
};

// A workspace where alice, whose key is in team/team.yaml and who is the commit author, runs
// the import.
class HuduSandbox : public Sandbox {
public:
    HuduSandbox() {
        init_workspace();
        environment["DOSSIER_TEST_SCRYPT_WORK_FACTOR"] = "10";
        environment["DOSSIER_IDENTITY"] = (root() / "keys/alice.age").string();
        auto created = dossier({"key", "init", "--no-passphrase"});
        INFO(created.err);
        REQUIRE(created.exit_status == 0);
        auto added = dossier({"team", "add", "alice", "--key", created.out.substr(0, created.out.find('\n')), "--name",
                              dossier::e2e::author_name, "--email", dossier::e2e::author_email});
        INFO(added.err);
        REQUIRE(added.exit_status == 0);
    }

    ProcessResult import(const std::vector<std::string>& options = {}, const fs::path& folder = sample_dir()) const {
        std::vector<std::string> arguments{"import", "hudu", folder.string()};
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
        result["(workspace)"] = head(workspace());
        return result;
    }

    // Writes `lists` (file name to content) as an export folder of the test and returns it.
    fs::path write_export(const std::string& name, const std::map<std::string, std::string>& lists) const {
        const auto folder = root() / name;
        for (const auto& [file, content] : lists) write_file(folder / file, content);
        return folder;
    }
};

const Imported& imported(const std::map<std::string, Imported>& documents, const std::string& source) {
    auto found = documents.find(source);
    REQUIRE_MESSAGE(found != documents.end(), "nothing imported from ", source);
    return found->second;
}

// The client of each company of companies.json, by the company's id.
std::map<std::string, std::string> clients_by_company(const std::map<std::string, Imported>& documents) {
    std::map<std::string, std::string> clients;
    for (const auto& company : sample_list("companies")) {
        clients[text(company["id"])] = imported(documents, "hudu:company:" + text(company["id"])).client;
    }
    return clients;
}

// The losses of a --report file, joined per record.
std::map<std::string, std::string> losses_by_source(const json& report) {
    std::map<std::string, std::string> losses;
    for (const auto& loss : report["losses"]) {
        const auto source = loss["source"].is_string() ? loss["source"].get<std::string>() : std::string();
        losses[source] += loss["what"].get<std::string>() + "\n";
    }
    return losses;
}

TEST_CASE_FIXTURE(HuduSandbox, "Hudu companies become clients") {
    auto result = import();
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    auto documents = by_source();

    const auto companies = sample_list("companies");
    CHECK(clients().size() == companies.size());
    for (const auto& company : companies) {
        const auto& client = imported(documents, "hudu:company:" + text(company["id"]));
        INFO(text(company["name"]));
        CHECK(client.ref == client.client + "/client");
        CHECK(client.field("title") == text(company["name"]));
        CHECK(client.field("city") == text(company["city"]));
        CHECK(client.field("postal_code") == text(company["zip"]));
        CHECK(client.field("phone") == text(company["phone_number"]));
        CHECK(client.field("state") == text(company["state"]));
        CHECK(contains(client.field("address"), text(company["address_line_1"])));
        if (!text(company["address_line_2"]).empty()) {
            CHECK(client.field("address") == text(company["address_line_1"]) + "\n" + text(company["address_line_2"]));
        }
        CHECK(client.field("nickname") == text(company["nickname"]));
        CHECK(client.field("id_number") == text(company["id_number"]));
        CHECK(client.field("website") == text(company["website"]));
        CHECK(client.front_matter.value("integrations", json::array()).size() == company["integrations"].size());
        // The client add commit, then one import commit.
        CHECK(commit_count(client_dir(client.client)) == 2);
        CHECK_REPOSITORY_HEALTHY(*this, client_dir(client.client));
    }

    const auto& plumber = imported(documents, "hudu:company:11");
    CHECK(plumber.client == "societe-generale-de-plomberie");
    CHECK(plumber.field("title") == "Société Générale de Plomberie");
    CHECK(plumber.field("country") == "FR");
    CHECK(plumber.field("notes") == "Ne jamais redémarrer SRV-FICHIERS en journée !");
    CHECK(plumber.front_matter["integrations"][0]["identifier"] == "SGP01");
    CHECK(plumber.front_matter["integrations"][0]["integrator_name"] == "cw_manage");
    CHECK(imported(documents, "hudu:company:12").field("country") == "US");
}

TEST_CASE_FIXTURE(HuduSandbox, "Hudu asset layout becomes a generated type") {
    auto result = import();
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    const auto schema_path = workspace() / "types" / "hudu-licensing.schema.json";
    REQUIRE(fs::exists(schema_path));
    CHECK(status(workspace()) == "");  // committed in the workspace repository
    auto schema = json::parse(read_file(schema_path));
    const auto& properties = schema["properties"];
    CHECK(schema["x-dossier"]["key"] == "source");
    CHECK(properties["manufacturer"]["type"] == "string");
    CHECK(properties["seats"]["type"] == "number");
    CHECK(properties["seats"]["minimum"] == 0);
    CHECK(properties["renewal_date"]["format"] == "date");
    CHECK(properties["renewal_date"]["x-dossier"]["expiration"] == true);
    CHECK(properties["associated_hardware"]["type"] == "array");
    CHECK(properties["notes"]["type"] == "string");
    // A Password field is no property: its values go only into an age block.
    CHECK_FALSE(properties.contains("license_key_s"));

    // The expiry of the layout's Date field is listed by dossier expiring.
    auto expiring = dossier({"expiring", "--within", "365", "--today", "2026-03-15", "--json"});
    INFO(expiring.err);
    REQUIRE(expiring.exit_status == 0);
    bool listed = false;
    for (const auto& item : json::parse(expiring.out)) {
        if (item["type"] == "hudu-licensing" && item["field"] == "renewal_date" && item["date"] == "2027-01-15") {
            listed = true;
        }
    }
    CHECK(listed);
    auto check = dossier({"check", "--format", "json"});
    CHECK_FALSE(contains(check.out, "unknown-type"));
}

TEST_CASE_FIXTURE(HuduSandbox, "Hudu assets become documents matching their JSON") {
    auto report_path = root() / "report.json";
    auto result = import({"--report", report_path.string()});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    auto documents = by_source();
    auto clients = clients_by_company(documents);
    auto losses = losses_by_source(json::parse(read_file(report_path)));

    const auto assets = sample_list("assets");
    std::size_t imported_assets = 0;
    for (const auto& [source, document] : documents) imported_assets += source.starts_with("hudu:asset:") ? 1 : 0;
    CHECK(imported_assets == assets.size());

    for (const auto& asset : assets) {
        const auto source = "hudu:asset:" + text(asset["id"]);
        const auto& document = imported(documents, source);
        INFO(text(asset["name"]));
        CHECK(document.client == clients.at(text(asset["company_id"])));
        CHECK(document.field("type") == "hudu-licensing");
        CHECK(document.field("title") == text(asset["name"]));
        CHECK(document.path().starts_with("licensing/"));
        for (const auto& field : asset["fields"]) {
            const auto label = text(field["label"]);
            INFO(label);
            if (label == "Manufacturer") CHECK(document.field("manufacturer") == text(field["value"]));
            if (label == "Seats") CHECK(document.front_matter["seats"] == field["value"]);
            if (label == "Renewal Date") CHECK(document.field("renewal_date") == text(field["value"]));
            if (label == "Notes") {
                CHECK(document.field("notes") == "Renouvellement annuel, facture au nom de « SGP »");
            }
            if (label == "Associated Hardware") {
                // SGP-SRV-00 (4002) is not in the export: kept as its name, and reported.
                const auto links = json::parse(text(field["value"]));
                REQUIRE(document.front_matter.contains("associated_hardware_names"));
                CHECK(document.front_matter["associated_hardware_names"][0] == links[0]["name"]);
                CHECK_FALSE(document.front_matter.contains("associated_hardware"));
                CHECK(contains(losses[source], text(links[0]["id"])));
            }
        }
    }
}

TEST_CASE_FIXTURE(HuduSandbox, "Hudu passwords are readable and never in clear") {
    auto report_path = root() / "report.json";
    auto result = import({"--report", report_path.string()});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    auto documents = by_source();
    auto clients = clients_by_company(documents);
    dossier::e2e::scan::Needles needles;
    for (const auto& password : sample_list("asset_passwords")) {
        const auto& credential = imported(documents, "hudu:asset_password:" + text(password["id"]));
        INFO(text(password["name"]));
        CHECK(credential.client == clients.at(text(password["company_id"])));
        CHECK(credential.field("type") == "credential");
        CHECK(credential.field("title") == text(password["name"]));
        CHECK(credential.field("username") == text(password["username"]));
        CHECK(credential.field("category") == text(password["password_type"]));
        CHECK(credential.field("folder_name") == text(password["password_folder_name"]));
        CHECK(credential.field("url") == text(password["url"]));
        CHECK((credential.front_matter["otp"] == true) == !text(password["otp_secret"]).empty());
        for (const auto& line : {std::string("Compte break-glass."), std::string("Ne pas utiliser au quotidien.")}) {
            if (contains(text(password["description"]), line)) CHECK(contains(credential.body, line));
        }

        auto get = dossier({"secret", "get", credential.ref});
        INFO(get.err);
        CHECK(get.out == text(password["password"]) + "\n");
        needles.emplace("password " + text(password["id"]), text(password["password"]));
        if (!text(password["otp_secret"]).empty()) {
            auto seed = dossier({"secret", "get", credential.ref, "otp_secret"});
            CHECK(seed.out == text(password["otp_secret"]) + "\n");
            needles.emplace("seed " + text(password["id"]), text(password["otp_secret"]));
        }
        if (password["passwordable_id"].is_null()) {
            CHECK(credential.field("target").empty());
        } else {
            const auto& asset = imported(documents, "hudu:asset:" + text(password["passwordable_id"]));
            CHECK(credential.field("target") == asset.path());
            const auto& related = credential.front_matter["related"];
            CHECK(std::find(related.begin(), related.end(), asset.path()) != related.end());
        }
    }
    // The password with a comma and quotes, exactly.
    CHECK(needles.at("password 7002") == "FAKE,with\"quote\"and,comma");
    REQUIRE(needles.size() == 3);

    std::vector<dossier::e2e::scan::Finding> findings;
    dossier::e2e::scan::scan_tree(workspace(), needles, findings);
    dossier::e2e::scan::scan_tree(report_path, needles, findings);
    for (const auto& repository : dossier::e2e::scan::repositories(workspace())) {
        dossier::e2e::scan::scan_git_objects(repository, environment, needles, findings);
    }
    INFO(dossier::e2e::scan::describe(findings));
    CHECK(findings.empty());
    CHECK_FALSE(contains(result.out + result.err, "FAKE-"));
    CHECK_FALSE(contains(result.out + result.err, "FAKEOTP"));
}

TEST_CASE_FIXTURE(HuduSandbox, "Hudu articles become kb documents") {
    auto report_path = root() / "report.json";
    auto result = import({"--report", report_path.string()});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    auto documents = by_source();
    auto clients = clients_by_company(documents);
    auto losses = losses_by_source(json::parse(read_file(report_path)));

    for (const auto& article : sample_list("articles")) {
        const auto source = "hudu:article:" + text(article["id"]);
        INFO(text(article["name"]));
        if (article["company_id"].is_null()) {
            // The global knowledge base has no place in client repositories.
            CHECK_FALSE(documents.contains(source));
            CHECK(contains(losses[source], "belongs to no company"));
            continue;
        }
        const auto& document = imported(documents, source);
        CHECK(document.client == clients.at(text(article["company_id"])));
        CHECK(document.field("type") == "kb");
        CHECK(document.field("title") == text(article["name"]));
        CHECK(document.path().starts_with("kb/"));
        CHECK(document.field("status") == (article["draft"] == true ? "draft" : "approved"));
    }
    const auto& vpn = imported(documents, "hudu:article:501");
    CHECK(contains(vpn.body, "# Procédure VPN, accès distant\n"));
    CHECK(contains(vpn.body, "# Procédure VPN\n"));
    CHECK(contains(vpn.body, "Étape 1 : ouvrir FortiClient…"));
    CHECK_FALSE(contains(vpn.body, "<p>"));
    CHECK(contains(result.err, "belongs to no company"));
}

TEST_CASE_FIXTURE(HuduSandbox, "Hudu import run twice changes nothing") {
    auto first = import();
    INFO(first.err);
    REQUIRE(first.exit_status == 0);
    const auto heads = this->heads();
    const auto before = by_source();

    auto report_path = root() / "again.json";
    auto again = import({"--report", report_path.string()});
    INFO(again.err);
    CHECK(again.exit_status == 0);
    CHECK(this->heads() == heads);
    CHECK_FALSE(contains(again.out, "new client"));
    auto report = json::parse(read_file(report_path));
    CHECK(report["types"]["created"].empty());
    for (const auto& client : report["clients"]) {
        CHECK(client["outcome"] == "found");
        CHECK(client["fields"].empty());
        CHECK(client["commit"].is_null());
    }
    REQUIRE(!report["records"].empty());
    for (const auto& record : report["records"]) {
        INFO(record.dump());
        CHECK(record["outcome"] == "unchanged");
    }
    for (const auto& slug : clients()) CHECK(status(client_dir(slug)) == "");
    auto after = by_source();
    CHECK(after.size() == before.size());
    for (const auto& [source, document] : before) CHECK(after.at(source).ref == document.ref);
}

TEST_CASE_FIXTURE(HuduSandbox, "Hudu dry run writes nothing") {
    const auto workspace_head = head(workspace());
    auto report_path = root() / "plan.json";
    auto result = import({"--dry-run", "--report", report_path.string()});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    CHECK(clients().empty());
    CHECK_FALSE(fs::exists(workspace() / "types" / "hudu-licensing.schema.json"));
    CHECK(head(workspace()) == workspace_head);
    CHECK(contains(result.out, "workspace types to create: hudu-licensing"));
    CHECK(contains(result.out, "client to create: Société Générale de Plomberie"));
    CHECK(contains(result.out, "create    a credential for the new client"));
    CHECK(contains(result.err, "dry run: nothing was written"));
    auto report = json::parse(read_file(report_path));
    CHECK(report["written"] == false);
    for (const auto& record : report["records"]) CHECK(record["with_new_client"] == true);
}

TEST_CASE_FIXTURE(HuduSandbox, "Hudu export without companies.json is rejected") {
    const auto folder = write_export("no-companies", {{"assets.json", "{\"assets\": []}\n"}});
    auto result = import({}, folder);
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "no companies.json in"));
    CHECK(clients().empty());
}

TEST_CASE_FIXTURE(HuduSandbox, "Hudu malformed JSON file writes nothing") {
    const auto workspace_head = head(workspace());
    const auto folder = write_export(
        "broken", {{"companies.json", "{\"companies\": [{\"id\": 1, \"name\": \"Initech\"}]}\n"},
                   {"asset_passwords.json",
                    "{\"asset_passwords\": [\n  {\"id\": 5, \"company_id\": 1, \"name\": \"Root\",\n"
                    "   \"password\": \"Pw-broken-1\"\n"}});  // the array and the object are not closed
    auto result = import({}, folder);
    INFO(result.err);
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "asset_passwords.json"));
    CHECK(contains(result.err, "invalid JSON"));
    CHECK_FALSE(contains(result.err, "Pw-broken-1"));
    CHECK(clients().empty());
    CHECK(head(workspace()) == workspace_head);

    // An object without the list's array gets a hint that shows the expected shape.
    write_file(folder / "asset_passwords.json", "{\"passwords\": []}\n");
    auto wrong_key = import({}, folder);
    CHECK(wrong_key.exit_status == 3);
    CHECK(contains(wrong_key.err, "{\"asset_passwords\": [...]}"));
    CHECK(clients().empty());
}

TEST_CASE_FIXTURE(HuduSandbox, "Hudu unknown company_id is rejected") {
    const auto folder = write_export(
        "unknown-company",
        {{"companies.json", "{\"companies\": [{\"id\": 1, \"name\": \"Initech\"}]}\n"},
         {"asset_passwords.json", "{\"asset_passwords\": [\n"
                                  "  {\"id\": 5, \"company_id\": 1, \"name\": \"Root\", \"password\": \"Pw-known-1\"},\n"
                                  "  {\"id\": 6, \"company_id\": 99, \"name\": \"Stray\", \"password\": \"Pw-stray-1\"}\n"
                                  "]}\n"},
         {"articles.json", "[{\"id\": 7, \"company_id\": 42, \"name\": \"Lost\", \"content\": \"<p>x</p>\"}]\n"}});
    auto report_path = root() / "report.json";
    auto result = import({"--report", report_path.string()}, folder);
    INFO(result.err);
    CHECK(result.exit_status == 1);
    CHECK(contains(result.err, "asset_passwords.json:3: rejected: company_id 99 is not in companies.json"));
    CHECK(contains(result.err, "articles.json:1: rejected: company_id 42 is not in companies.json"));
    CHECK_FALSE(contains(result.out + result.err, "Pw-stray-1"));
    auto documents = by_source();
    CHECK(dossier({"secret", "get", imported(documents, "hudu:asset_password:5").ref}).out == "Pw-known-1\n");
    CHECK_FALSE(documents.contains("hudu:asset_password:6"));
    CHECK_FALSE(documents.contains("hudu:article:7"));
    auto report = json::parse(read_file(report_path));
    CHECK(report["summary"]["rejected"] == 2);
}

TEST_CASE_FIXTURE(HuduSandbox, "Hudu lists in pages and bare arrays") {
    const auto folder = write_export(
        "pages", {{"companies.json", "[{\"id\": 1, \"name\": \"Initech\"}]\n"},
                  {"companies-2.json", "{\"companies\": [{\"id\": 2, \"name\": \"Globex\", "
                                       "\"website\": \"globex.example\"}]}\n"},
                  {"articles.json", "{\"articles\": [{\"id\": 8, \"company_id\": 2, \"name\": \"Printer\", "
                                    "\"content\": \"<p>Reset it.</p>\"}]}\n"},
                  {"articles-2.json", "[{\"id\": 9, \"company_id\": 1, \"name\": \"Badge\", "
                                      "\"content\": \"<p>Ask reception.</p>\"}]\n"}});
    auto result = import({}, folder);
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    CHECK(clients() == std::vector<std::string>{"globex", "initech"});
    auto documents = by_source();
    CHECK(imported(documents, "hudu:article:8").client == "globex");
    CHECK(imported(documents, "hudu:article:9").client == "initech");
    CHECK(contains(imported(documents, "hudu:article:9").body, "Ask reception."));

    // A website without a scheme is no URI, so client.md keeps it under another key.
    const auto& globex = imported(documents, "hudu:company:2");
    CHECK(globex.field("website").empty());
    CHECK(globex.field("hudu_website") == "globex.example");
    CHECK(contains(result.err, "companies-2.json:1: not carried over exactly: website"));
}

// A layout whose Password field contains a secret, and assets that link to each other, the
// first one to an asset that comes after it in the export.
const std::map<std::string, std::string> linked_export = {
    {"companies.json", "{\"companies\": [{\"id\": 1, \"name\": \"Initech\"}]}\n"},
    {"asset_layouts.json",
     R"({"asset_layouts": [{"id": 3, "name": "Network Device", "fields": [
  {"id": 31, "label": "Admin Password", "field_type": "Password", "position": 2},
  {"id": 32, "label": "Uplink", "field_type": "AssetTag", "position": 3},
  {"id": 33, "label": "Managed", "field_type": "CheckBox", "position": 1},
  {"id": 34, "label": "Status", "field_type": "Text", "position": 4},
  {"id": 35, "label": "Old", "field_type": "Text", "position": 5, "is_destroyed": true}]}]}
)"},
    {"assets.json",
     R"({"assets": [
  {"id": 100, "company_id": 1, "asset_layout_id": 3, "name": "SW-ACCESS", "fields": [
    {"label": "Admin Password", "value": "Pw-switch-42"},
    {"label": "Uplink", "value": "[{\"id\":101,\"name\":\"FW-CORE\"}]"},
    {"label": "Managed", "value": true},
    {"label": "Status", "value": "in service"}]},
  {"id": 101, "company_id": 1, "asset_layout_id": 3, "name": "FW-CORE", "fields": [
    {"label": "Uplink", "value": "[{\"id\":100,\"name\":\"SW-ACCESS\"}]"}]},
  {"id": 102, "company_id": 1, "asset_layout_id": 77, "name": "Orphan", "fields": []}
]}
)"},
};

TEST_CASE_FIXTURE(HuduSandbox, "Hudu Password fields go into a credential") {
    const auto folder = write_export("linked", linked_export);
    auto report_path = root() / "report.json";
    auto result = import({"--report", report_path.string()}, folder);
    INFO(result.err);
    CHECK(result.exit_status == 1);  // the asset of layout 77
    CHECK(contains(result.err, "assets.json:9: rejected: the asset layout 77 is not in asset_layouts.json"));
    auto documents = by_source();
    const auto& device = imported(documents, "hudu:asset:100");
    CHECK_FALSE(contains(read_file(client_dir("initech") / (device.path() + ".md")), "Pw-switch-42"));
    CHECK(device.front_matter["managed"] == true);
    CHECK(device.field("hudu_status") == "in service");  // not the document's status
    CHECK_FALSE(device.front_matter.contains("admin_password"));

    const auto& secrets = imported(documents, "hudu:asset_secrets:100");
    CHECK(secrets.field("type") == "credential");
    CHECK(secrets.field("title") == "SW-ACCESS: Admin Password");
    CHECK(secrets.field("target") == device.path());
    auto get = dossier({"secret", "get", secrets.ref, "admin_password"});
    INFO(get.err);
    CHECK(get.out == "Pw-switch-42\n");
    CHECK_FALSE(documents.contains("hudu:asset_secrets:101"));  // FW-CORE has no Password value

    std::vector<dossier::e2e::scan::Finding> findings;
    const dossier::e2e::scan::Needles needles{{"switch password", "Pw-switch-42"}};
    dossier::e2e::scan::scan_tree(workspace(), needles, findings);
    dossier::e2e::scan::scan_tree(report_path, needles, findings);
    for (const auto& repository : dossier::e2e::scan::repositories(workspace())) {
        dossier::e2e::scan::scan_git_objects(repository, environment, needles, findings);
    }
    INFO(dossier::e2e::scan::describe(findings));
    CHECK(findings.empty());
}

TEST_CASE_FIXTURE(HuduSandbox, "Hudu links to later assets become references") {
    const auto folder = write_export("linked", linked_export);
    auto first = import({}, folder);
    INFO(first.err);
    auto documents = by_source();
    const auto& device = imported(documents, "hudu:asset:100");
    const auto& firewall = imported(documents, "hudu:asset:101");
    REQUIRE(device.front_matter["uplink"].is_array());
    CHECK(device.front_matter["uplink"][0] == firewall.path());
    CHECK(firewall.front_matter["uplink"][0] == device.path());
    const auto& related = device.front_matter["related"];
    CHECK(std::find(related.begin(), related.end(), firewall.path()) != related.end());
    CHECK_FALSE(contains(first.err, "not imported for this client"));
    CHECK(commit_count(client_dir("initech")) == 2);

    // The second run finds the links in place and commits nothing.
    const auto heads = this->heads();
    auto again = import({}, folder);
    INFO(again.err);
    CHECK(this->heads() == heads);
}

}  // namespace
