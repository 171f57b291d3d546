// End-to-end tests of `dossier import csv` and `dossier import json`: documents created and
// updated by natural key, one commit per client, re-imports that change nothing, rejected
// records, dry runs, reports, and credentials whose secrets go straight to age blocks.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include "process.hpp"
#include "sandbox.hpp"
#include "secret_scan.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ProcessResult;
using dossier::e2e::Sandbox;
using nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A workspace with the clients acme and globex, and a folder `input/` outside it for the files
// to import.
class ImportRecordsSandbox : public Sandbox {
public:
    ImportRecordsSandbox() {
        init_workspace();
        REQUIRE(add_client("Acme") == "acme");
        REQUIRE(add_client("Globex Corporation") == "globex-corporation");
    }

    fs::path input(const std::string& name) const { return root() / "input" / name; }

    fs::path write_input(const std::string& name, const std::string& bytes) const {
        write_file(input(name), bytes);
        return input(name);
    }

    ProcessResult import(const std::vector<std::string>& arguments) const {
        std::vector<std::string> all{"import"};
        all.insert(all.end(), arguments.begin(), arguments.end());
        return dossier(all);
    }

    std::string document(const std::string& client, const std::string& path) const {
        return read_file(client_dir(client) / path);
    }
};

const std::string assets_csv =
    "Hostname,Asset Type,IP Address,Serial Number,Purchased,VLAN ID,Notes\n"
    "SRV-FILES01,Server,10.0.0.10,000123,03/12/2024,10,Main file server\n"
    "fw01,firewall,10.0.0.1,00A7,2023-01-15,1,\"Edge firewall, \"\"primary\"\"\n"
    "second line of the note\"\n"
    "pc-accueil,workstation,10.0.0.50,0042, 15/06/2022 , 20 ,\n";

TEST_CASE_FIXTURE(ImportRecordsSandbox, "CSV import creates a document per row") {
    auto file = write_input("assets.csv", assets_csv);
    const int commits = commit_count(client_dir("acme"));
    auto result = import({"csv", file.string(), "--type", "asset", "--client", "acme"});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    CHECK(contains(result.out, "acme: 3 created, 0 updated, 0 unchanged, 0 rejected"));
    CHECK(commit_count(client_dir("acme")) == commits + 1);
    CHECK_REPOSITORY_HEALTHY(*this, client_dir("acme"));

    auto server = document("acme", "assets/srv-files01.md");
    CHECK(contains(server, "\nhostname: SRV-FILES01\n"));
    CHECK(contains(server, "\nasset_type: server\n"));       // matched to the enum value
    CHECK(contains(server, "\nserial_number: \"000123\"\n"));  // leading zeros kept as text
    CHECK(contains(server, "\npurchased: 2024-12-03\n"));      // a French date
    CHECK(contains(server, "\nvlan_id: \"10\"\n"));  // the schema makes it text
    CHECK(contains(server, "\nnotes: Main file server\n"));   // an extra column kept
    CHECK(contains(server, "\n# SRV-FILES01\n"));              // the template's body

    auto firewall = document("acme", "assets/fw01.md");
    CHECK(contains(firewall, "notes: \"Edge firewall, \\\"primary\\\"\\nsecond line of the note\""));
    auto workstation = document("acme", "assets/pc-accueil.md");
    CHECK(contains(workstation, "\npurchased: 2022-06-15\n"));
    CHECK(contains(workstation, "\nvlan_id: \"20\"\n"));
    CHECK_FALSE(contains(workstation, "\nnotes:"));  // an empty cell writes nothing

    auto check = dossier({"check", "--client", "acme", "--fail-on", "error"});
    INFO(check.out);
    CHECK(check.exit_status == 0);
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "CSV re-import changes only changed fields") {
    auto file = write_input("assets.csv", assets_csv);
    REQUIRE(import({"csv", file.string(), "--type", "asset", "--client", "acme"}).exit_status == 0);
    // A technician writes in the body with plain git.
    auto edited = document("acme", "assets/fw01.md") + "\nRule 12 opens the VPN.\n";
    commit_document("acme", "assets/fw01.md", edited);
    const auto head = this->head(client_dir("acme"));

    auto again = import({"csv", file.string(), "--type", "asset", "--client", "acme"});
    INFO(again.err);
    REQUIRE(again.exit_status == 0);
    CHECK(contains(again.out, "acme: 0 created, 0 updated, 3 unchanged, 0 rejected"));
    CHECK(this->head(client_dir("acme")) == head);
    CHECK(document("acme", "assets/fw01.md") == edited);

    // One changed cell changes one field and nothing else.
    auto changed = assets_csv;
    changed.replace(changed.find("10.0.0.1,"), 9, "10.0.0.2,");
    write_input("assets.csv", changed);
    auto update = import({"csv", file.string(), "--type", "asset", "--client", "acme"});
    INFO(update.err);
    REQUIRE(update.exit_status == 0);
    CHECK(contains(update.out, "acme: 0 created, 1 updated, 2 unchanged, 0 rejected"));
    auto after = document("acme", "assets/fw01.md");
    auto expected = edited;
    expected.replace(expected.find("ip_address: 10.0.0.1\n"), 21, "ip_address: 10.0.0.2\n");
    CHECK(after == expected);
    CHECK_REPOSITORY_HEALTHY(*this, client_dir("acme"));
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "rejected rows reported, others imported") {
    auto file = write_input("assets.csv",
                            "hostname,asset_type,ip_address\n"
                            "srv01,server,10.0.0.1\n"
                            "srv02,toaster,10.0.0.2\n"
                            "srv03,server,999.1.1.1\n"
                            ",server,10.0.0.4\n"
                            "srv01,server,10.0.0.5\n"
                            "srv06,nas,10.0.0.6\n");
    auto result = import({"csv", file.string(), "--type", "asset", "--client", "acme"});
    INFO(result.err);
    CHECK(result.exit_status == 1);
    CHECK(contains(result.out, "acme: 2 created, 0 updated, 0 unchanged, 4 rejected"));
    CHECK(contains(result.err, "assets.csv:3: rejected: "));
    CHECK(contains(result.err, "asset_type"));
    CHECK(contains(result.err, "assets.csv:4: rejected: "));
    CHECK(contains(result.err, "assets.csv:5: rejected: no value for the key field hostname"));
    CHECK(contains(result.err, "assets.csv:6: rejected: hostname srv01 is also on line 2"));
    CHECK(fs::exists(client_dir("acme") / "assets/srv01.md"));
    CHECK(fs::exists(client_dir("acme") / "assets/srv06.md"));
    CHECK_FALSE(fs::exists(client_dir("acme") / "assets/srv02.md"));
    CHECK_REPOSITORY_HEALTHY(*this, client_dir("acme"));
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "strict import with rejection writes nothing") {
    auto file = write_input("assets.csv", "hostname,asset_type\nsrv01,server\nsrv02,toaster\n");
    const auto head = this->head(client_dir("acme"));
    auto result = import({"csv", file.string(), "--type", "asset", "--client", "acme", "--strict"});
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "1 record was rejected, so nothing was imported (--strict)"));
    CHECK(this->head(client_dir("acme")) == head);
    CHECK_FALSE(fs::exists(client_dir("acme") / "assets"));
    CHECK_REPOSITORY_HEALTHY(*this, client_dir("acme"));
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "unreadable input halfway writes nothing") {
    std::string csv = "hostname,asset_type\n";
    for (int row = 1; row <= 2000; ++row) csv += "srv" + std::to_string(row) + ",server\n";
    csv += "srv-last,\"server\n";  // a quote that never closes
    auto file = write_input("assets.csv", csv);
    const auto head = this->head(client_dir("acme"));
    auto result = import({"csv", file.string(), "--type", "asset", "--client", "acme"});
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "2002"));  // the line where the quoted field starts
    CHECK(this->head(client_dir("acme")) == head);
    CHECK_FALSE(fs::exists(client_dir("acme") / "assets"));
    CHECK_REPOSITORY_HEALTHY(*this, client_dir("acme"));
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "Ctrl-C during an import puts back the files it wrote") {
    // Long enough that the first documents are on disk while the rows after them are read.
    std::string csv = "hostname,asset_type\n";
    for (int row = 1; row <= 40000; ++row) csv += "srv" + std::to_string(row) + ",server\n";
    auto file = write_input("assets.csv", csv);
    const auto head = this->head(client_dir("acme"));
    const auto assets = client_dir("acme") / "assets";
    bool written = false;
    auto result = dossier::e2e::run_process_signalled_when(
        {DOSSIER_BINARY, "import", "csv", file.string(), "--type", "asset", "--client", "acme"}, environment,
        workspace(), SIGINT, [&] {
            std::error_code error;
            written = fs::exists(assets / "srv1.md", error);
            return written;
        });
    INFO("dossier import: ", result.err);
    REQUIRE(written);
    CHECK(result.exit_status == 128 + SIGINT);
    CHECK(this->head(client_dir("acme")) == head);
    CHECK_FALSE(fs::exists(assets));
    CHECK(git(client_dir("acme"), {"status", "--porcelain"}).out == "");
    CHECK_REPOSITORY_HEALTHY(*this, client_dir("acme"));

    // The next import finds nothing left behind and imports every row.
    auto again = import({"csv", file.string(), "--type", "asset", "--client", "acme"});
    INFO("dossier import again: ", again.err);
    CHECK(again.exit_status == 0);
    CHECK(contains(again.out, "acme: 40000 created, 0 updated, 0 unchanged, 0 rejected"));
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "a failed import keeps uncommitted edits") {
    std::string first = "hostname,asset_type\n";
    for (int row = 1; row <= 600; ++row) first += "srv" + std::to_string(row) + ",server\n";
    REQUIRE(import({"csv", write_input("first.csv", first).string(), "--type", "asset", "--client", "acme"})
                .exit_status == 0);
    const auto head = this->head(client_dir("acme"));
    // An edit not committed yet, and a document that is not committed at all.
    const auto edited = document("acme", "assets/srv5.md") + "Technician notes.\n";
    write_file(client_dir("acme") / "assets/srv5.md", edited);
    const auto manual = document("acme", "assets/srv6.md");
    fs::rename(client_dir("acme") / "assets/srv6.md", client_dir("acme") / "assets/manual-box.md");
    REQUIRE(git(client_dir("acme"), {"rm", "-q", "--cached", "assets/srv6.md"}).exit_status == 0);
    REQUIRE(git(client_dir("acme"), {"commit", "-q", "-m", "Untrack srv6"}).exit_status == 0);
    const auto untracked_head = this->head(client_dir("acme"));

    // Both rows change their documents, then enough new rows for batches to be written, then
    // a quote that never closes.
    std::string second = "hostname,asset_type,ip_address\nsrv5,server,10.0.0.5\nsrv6,server,10.0.0.6\n";
    for (int row = 1000; row < 2600; ++row) second += "new" + std::to_string(row) + ",server,10.0.1.1\n";
    second += "srv-last,\"server\n";
    auto result = import({"csv", write_input("second.csv", second).string(), "--type", "asset", "--client", "acme"});
    CHECK(result.exit_status == 3);
    CHECK(document("acme", "assets/srv5.md") == edited);
    CHECK(document("acme", "assets/manual-box.md") == manual);
    CHECK_FALSE(fs::exists(client_dir("acme") / "assets/new1000.md"));
    CHECK(this->head(client_dir("acme")) == untracked_head);
    CHECK(untracked_head != head);
    CHECK(status(client_dir("acme")) == " M assets/srv5.md\n?? assets/manual-box.md\n");
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "an import started with SIGHUP ignored finishes") {
    std::string csv = "hostname,asset_type\n";
    for (int row = 1; row <= 20000; ++row) csv += "srv" + std::to_string(row) + ",server\n";
    auto file = write_input("assets.csv", csv);
    const auto assets = client_dir("acme") / "assets";
    // As nohup does: the child inherits the ignored signal across exec.
    struct sigaction ignore {};
    struct sigaction previous {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    REQUIRE(::sigaction(SIGHUP, &ignore, &previous) == 0);
    bool written = false;
    auto result = dossier::e2e::run_process_signalled_when(
        {DOSSIER_BINARY, "import", "csv", file.string(), "--type", "asset", "--client", "acme"}, environment,
        workspace(), SIGHUP, [&] {
            std::error_code error;
            written = fs::exists(assets / "srv1.md", error);
            return written;
        });
    ::sigaction(SIGHUP, &previous, nullptr);
    INFO("dossier import: ", result.err);
    CHECK(written);
    CHECK(result.exit_status == 0);
    CHECK(contains(result.out, "acme: 20000 created, 0 updated, 0 unchanged, 0 rejected"));
    CHECK(status(client_dir("acme")) == "");
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "CSV dry run prints the plan") {
    auto file = write_input("assets.csv", assets_csv);
    REQUIRE(import({"csv", file.string(), "--type", "asset", "--client", "acme"}).exit_status == 0);
    auto changed = assets_csv + "nas01,NAS,10.0.0.20,,,,\n";
    changed.replace(changed.find("10.0.0.1,"), 9, "10.0.0.2,");
    write_input("assets.csv", changed);
    const auto head = this->head(client_dir("acme"));

    auto result = import({"csv", file.string(), "--type", "asset", "--client", "acme", "--dry-run"});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    CHECK(contains(result.out, "create    acme/assets/nas01 (line 6)"));
    CHECK(contains(result.out, "update    acme/assets/fw01 (line 3): ip_address"));
    CHECK(contains(result.out, "unchanged acme/assets/srv-files01 (line 2)"));
    CHECK(contains(result.err, "dry run: nothing was written"));
    CHECK(this->head(client_dir("acme")) == head);
    CHECK_FALSE(fs::exists(client_dir("acme") / "assets/nas01.md"));
    CHECK_REPOSITORY_HEALTHY(*this, client_dir("acme"));
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "CSV report lists records and conversions") {
    auto file = write_input("assets.csv",
                            "Hostname,Asset Type,Purchased,Password\n"
                            "srv01,Server, 03/12/2024 ,Hunter2-secret\n"
                            "srv02,toaster,,\n");
    auto report_path = root() / "report.json";
    auto result = import({"csv", file.string(), "--type", "asset", "--client", "acme", "--report", report_path.string()});
    CHECK(result.exit_status == 1);
    auto report = json::parse(read_file(report_path));
    CHECK(report["type"] == "asset");
    CHECK(report["key"] == "hostname");
    CHECK(report["source"]["encoding"] == "UTF-8");
    CHECK(report["source"]["delimiter"] == ",");
    CHECK(report["records"].size() == 2);
    CHECK(report["clients"][0]["created"] == 1);
    CHECK(report["clients"][0]["commit"].is_string());

    const auto& first = report["records"][0];
    CHECK(first["outcome"] == "created");
    CHECK(first["document"] == "acme/assets/srv01");
    bool date_noted = false;
    bool enum_noted = false;
    bool secret_noted = false;
    for (const auto& note : first["values"]) {
        if (note["field"] == "purchased") {
            date_noted = note["read"] == " 03/12/2024 " && note["written"] == "2024-12-03";
        }
        if (note["field"] == "asset_type") enum_noted = note["read"] == "Server" && note["written"] == "server";
        if (note["column"] == "Password") secret_noted = note["field"].is_null() && note["read"].is_null();
    }
    CHECK(date_noted);
    CHECK(enum_noted);
    CHECK(secret_noted);
    CHECK(report["records"][1]["outcome"] == "rejected");
    CHECK(report["records"][1]["line"] == 3);
    CHECK(contains(report["records"][1]["reason"].get<std::string>(), "asset_type"));

    // The secret-looking column went nowhere: not in the document, not in the report.
    CHECK_FALSE(contains(read_file(report_path), "Hunter2-secret"));
    CHECK_FALSE(contains(document("acme", "assets/srv01.md"), "Hunter2-secret"));
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "two columns filling one field are reported, the later one kept") {
    auto file = write_input("assets.csv", "Hostname,Asset Type,IP Address,ip_address\nsrv01,server,10.0.0.1,10.0.0.2\n");
    auto report_path = root() / "report.json";
    auto result = import({"csv", file.string(), "--type", "asset", "--client", "acme", "--report", report_path.string()});
    REQUIRE(result.exit_status == 0);
    CHECK(contains(document("acme", "assets/srv01.md"), "ip_address: 10.0.0.2\n"));
    auto report = json::parse(read_file(report_path));
    bool noted = false;
    for (const auto& note : report["records"][0]["values"]) {
        noted = noted || (note["field"] == "ip_address" && note["column"] == "IP Address" && note["read"] == "10.0.0.1" &&
                          note["written"].is_null() && contains(note["how"].get<std::string>(), "ip_address"));
    }
    CHECK(noted);
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "a missing Git identity stops the import before it writes") {
    auto file = write_input("assets.csv", assets_csv);
    environment.erase("GIT_AUTHOR_NAME");
    environment.erase("GIT_AUTHOR_EMAIL");
    auto result = import({"csv", file.string(), "--type", "asset", "--client", "acme"});
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "no author for the commit"));
    CHECK_FALSE(fs::exists(client_dir("acme") / "assets"));
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "client column commits once per client") {
    auto file = write_input("contacts.csv",
                            "Client;Email;Title;Phone\n"
                            "acme;jeanne.dupont@acme.example;Jeanne Dupont;0612345678\n"
                            "Globex Corporation;hank@globex.example;Hank Scorpio;0700000001\n"
                            "ACME;paul@acme.example;Paul Martin;0611111111\n"
                            "initech;bill@initech.example;Bill Lumbergh;0600000000\n");
    const int acme_commits = commit_count(client_dir("acme"));
    const int globex_commits = commit_count(client_dir("globex-corporation"));
    auto result = import({"csv", file.string(), "--type", "contact", "--client-column", "Client"});
    INFO(result.err);
    CHECK(result.exit_status == 1);
    CHECK(contains(result.out, "acme: 2 created"));
    CHECK(contains(result.out, "globex-corporation: 1 created"));
    CHECK(contains(result.out, "1 record names no known client"));
    CHECK(contains(result.err, "contacts.csv:5: rejected: no client initech in the workspace"));
    CHECK(commit_count(client_dir("acme")) == acme_commits + 1);
    CHECK(commit_count(client_dir("globex-corporation")) == globex_commits + 1);
    auto jeanne = document("acme", "contacts/jeanne-dupont.md");
    CHECK(contains(jeanne, "\nphone: \"0612345678\"\n"));
    CHECK(contains(jeanne, "\nemail: jeanne.dupont@acme.example\n"));
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "Windows-1252 CSV with sep line") {
    std::string csv = "sep=;\r\nHostname;Asset type;Location\r\nsrv-compta;server;Salle serveur \xE9tage 2 \x80\r\n";
    auto file = write_input("excel.csv", csv);
    auto report_path = root() / "report.json";
    auto result = import({"csv", file.string(), "--type", "asset", "--client", "acme", "--report", report_path.string()});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    CHECK(contains(document("acme", "assets/srv-compta.md"), "\nlocation: Salle serveur étage 2 €\n"));
    auto report = json::parse(read_file(report_path));
    CHECK(report["source"]["encoding"] == "Windows-1252");
    CHECK(report["source"]["delimiter"] == ";");
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "JSON import of arrays, lines and pointers") {
    auto array = write_input("assets.json",
                             R"([{"hostname": "srv01", "asset_type": "server", "vlan_id": 10, "tags": ["core", "dc"]},
                                 {"hostname": "srv02", "asset_type": "nas", "os": {"name": "DSM", "version": "7.2"}}])");
    auto result = import({"json", array.string(), "--type", "asset", "--client", "acme", "--map", "/os/name=os",
                          "--map", "/os/version=os_version"});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    auto first = document("acme", "assets/srv01.md");
    CHECK(contains(first, "\nvlan_id: \"10\"\n"));  // a JSON number for a text field
    CHECK(contains(first, "\ntags: [core, dc]\n"));
    auto second = document("acme", "assets/srv02.md");
    CHECK(contains(second, "\nos: DSM\n"));
    CHECK(contains(second, "\nos_version: \"7.2\"\n"));

    auto lines = write_input("assets.jsonl", "{\"hostname\": \"srv01\", \"asset_type\": \"server\", \"vlan_id\": 11}\n"
                                             "{\"hostname\": \"srv03\", \"asset_type\": \"ups\"}\n");
    result = import({"json", lines.string(), "--type", "asset", "--client", "acme"});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    CHECK(contains(result.out, "acme: 1 created, 1 updated, 0 unchanged, 0 rejected"));
    CHECK(contains(document("acme", "assets/srv01.md"), "\nvlan_id: \"11\"\n"));

    auto nested = write_input("export.json", R"({"meta": {"count": 1}, "data": {"items": [
        {"hostname": "srv04", "asset_type": "switch"}, 42]}})");
    result = import({"json", nested.string(), "--type", "asset", "--client", "acme", "--records", "/data/items"});
    INFO(result.err);
    CHECK(result.exit_status == 1);
    CHECK(contains(result.out, "acme: 1 created"));
    CHECK(contains(result.err, "export.json:2: rejected: "));
    CHECK(fs::exists(client_dir("acme") / "assets/srv04.md"));
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "CSV --map renames and drops columns") {
    auto file = write_input("inventory.csv", "Machine,Kind,Internal ref\nsrv01,server,X-12\n");
    auto result = import({"csv", file.string(), "--type", "asset", "--client", "acme", "--map", "Machine=hostname",
                          "--map", "Kind=asset_type", "--map", "Internal ref=-"});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    auto text = document("acme", "assets/srv01.md");
    CHECK(contains(text, "\nhostname: srv01\n"));
    CHECK(contains(text, "\nasset_type: server\n"));
    CHECK_FALSE(contains(text, "X-12"));

    auto bad = import({"csv", file.string(), "--type", "asset", "--client", "acme", "--map", "Machine=type"});
    CHECK(bad.exit_status == 2);
    auto secret = import({"csv", file.string(), "--type", "asset", "--client", "acme", "--map", "Kind=secret.password"});
    CHECK(secret.exit_status == 2);
    CHECK(contains(secret.err, "only a credential has secret fields"));
}

// A workspace where alice may read acme's secrets.
class CredentialImportSandbox : public ImportRecordsSandbox {
public:
    CredentialImportSandbox() {
        environment["DOSSIER_TEST_SCRYPT_WORK_FACTOR"] = "10";
        auto key_path = root() / "keys/alice.age";
        environment["DOSSIER_IDENTITY"] = key_path.string();
        auto created = dossier({"key", "init", "--no-passphrase"});
        INFO(created.err);
        REQUIRE(created.exit_status == 0);
        auto key = created.out.substr(0, created.out.find('\n'));
        REQUIRE(dossier({"team", "add", "alice", "--key", key, "--name", "Alice Martin"}).exit_status == 0);
        auto grant = dossier({"access", "grant", "alice", "--client", "acme"});
        INFO(grant.err);
        REQUIRE(grant.exit_status == 0);
    }
};

TEST_CASE_FIXTURE(CredentialImportSandbox, "CSV passwords go straight to age blocks") {
    const std::string password = "Pw-" + dossier::e2e::scan::random_token(24);
    const std::string seed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    auto file = write_input("passwords.csv", "Title,Username,Password,OTP Secret,URL\n"
                                             "Firewall admin,admin," + password + "," + seed +
                                                 ",https://fw01.acme.example\n"
                                             "NAS admin,root,Nas-" + password + ",,\n");
    auto report_path = root() / "report.json";
    auto result = import({"csv", file.string(), "--type", "credential", "--client", "acme", "--report",
                          report_path.string()});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    CHECK(contains(result.out, "acme: 2 created"));

    auto get = dossier({"secret", "get", "acme/credentials/firewall-admin"});
    INFO(get.err);
    CHECK(get.out == password + "\n");
    auto otp = dossier({"secret", "get", "acme/credentials/firewall-admin", "otp_secret"});
    CHECK(otp.out == seed + "\n");
    CHECK(dossier({"secret", "get", "acme/credentials/nas-admin"}).out == "Nas-" + password + "\n");
    auto firewall = document("acme", "credentials/firewall-admin.md");
    CHECK(contains(firewall, "\notp: true\n"));
    CHECK(contains(firewall, "\nrecipients: sha256:"));
    CHECK(contains(firewall, "\nusername: admin\n"));

    // No plaintext anywhere: working tree, Git objects, the report.
    dossier::e2e::scan::Needles needles{{"password", password}, {"seed", seed}};
    std::vector<dossier::e2e::scan::Finding> findings;
    dossier::e2e::scan::scan_tree(workspace(), needles, findings);
    dossier::e2e::scan::scan_tree(report_path, needles, findings);
    for (const auto& repository : dossier::e2e::scan::repositories(workspace())) {
        dossier::e2e::scan::scan_git_objects(repository, environment, needles, findings);
    }
    INFO(dossier::e2e::scan::describe(findings));
    CHECK(findings.empty());

    // Again: nothing changes, though each encryption differs.
    const auto head = this->head(client_dir("acme"));
    auto again = import({"csv", file.string(), "--type", "credential", "--client", "acme"});
    INFO(again.err);
    REQUIRE(again.exit_status == 0);
    CHECK(contains(again.out, "acme: 0 created, 0 updated, 2 unchanged"));
    CHECK(this->head(client_dir("acme")) == head);

    // A new password re-encrypts that credential only.
    write_input("passwords.csv", "Title,Username,Password\nFirewall admin,admin,Changed-" + password + "\n");
    auto changed = import({"csv", file.string(), "--type", "credential", "--client", "acme", "--key", "title",
                           "--dry-run"});
    INFO(changed.err);
    CHECK(contains(changed.out, "update    acme/credentials/firewall-admin (line 2): secret.password"));
    changed = import({"csv", file.string(), "--type", "credential", "--client", "acme", "--key", "title"});
    REQUIRE(changed.exit_status == 0);
    CHECK(dossier({"secret", "get", "acme/credentials/firewall-admin"}).out == "Changed-" + password + "\n");
    CHECK(dossier({"secret", "get", "acme/credentials/firewall-admin", "otp_secret"}).out == seed + "\n");
    CHECK_REPOSITORY_HEALTHY(*this, client_dir("acme"));
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "empty cells never erase values") {
    auto file = write_input("assets.csv", "hostname,asset_type,ip_address,location\nsrv01,server,10.0.0.1,Salle 1\n");
    REQUIRE(import({"csv", file.string(), "--type", "asset", "--client", "acme"}).exit_status == 0);
    // The next export has an empty cell and a row cut short.
    write_input("assets.csv", "hostname,asset_type,ip_address,location\nsrv01,server,,\n");
    auto result = import({"csv", file.string(), "--type", "asset", "--client", "acme"});
    INFO(result.err);
    CHECK(result.exit_status == 0);
    CHECK(contains(result.out, "acme: 0 created, 0 updated, 1 unchanged"));
    auto text = document("acme", "assets/srv01.md");
    CHECK(contains(text, "\nip_address: 10.0.0.1\n"));
    CHECK(contains(text, "\nlocation: Salle 1\n"));
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "malformed rows count under their client") {
    auto file = write_input("assets.csv", "hostname,asset_type\nsrv01,server\nsrv02,server,extra\n");
    auto result = import({"csv", file.string(), "--type", "asset", "--client", "acme"});
    CHECK(result.exit_status == 1);
    CHECK(contains(result.out, "acme: 1 created, 0 updated, 0 unchanged, 1 rejected"));
    CHECK_FALSE(contains(result.out, "no known client"));
}

TEST_CASE_FIXTURE(CredentialImportSandbox, "nested JSON passwords stay encrypted") {
    const std::string password = "Pw-" + dossier::e2e::scan::random_token(20);
    auto file = write_input("vault.json", R"({"items": [{"name": "Router", "login": {"username": "admin", "password": ")" +
                                              password + R"("}, "notes": "edge"},
        {"name": "Switch", "login": {"username": "root", "password": "S-)" + password + R"("}}]})");
    auto result = import({"json", file.string(), "--records", "/items", "--type", "credential", "--client", "acme",
                          "--map", "name=title", "--map", "/login/password=secret.password", "--map",
                          "/login/username=username"});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    CHECK(dossier({"secret", "get", "acme/credentials/router"}).out == password + "\n");
    CHECK(contains(document("acme", "credentials/router.md"), "\nusername: admin\n"));

    // Without the pointer, the nested object is left out rather than written in clear.
    auto unmapped = write_input("unmapped.json", R"([{"title": "Printer", "login": {"password": ")" + password + R"("}}])");
    auto left_out = import({"json", unmapped.string(), "--type", "credential", "--client", "acme"});
    INFO(left_out.err);
    REQUIRE(left_out.exit_status == 0);

    dossier::e2e::scan::Needles needles{{"password", password}};
    std::vector<dossier::e2e::scan::Finding> findings;
    dossier::e2e::scan::scan_tree(workspace(), needles, findings);
    for (const auto& repository : dossier::e2e::scan::repositories(workspace())) {
        dossier::e2e::scan::scan_git_objects(repository, environment, needles, findings);
    }
    INFO(dossier::e2e::scan::describe(findings));
    CHECK(findings.empty());
}

TEST_CASE_FIXTURE(CredentialImportSandbox, "secret words anywhere in a column name") {
    auto file = write_input("boxes.csv", "Title,Username,Admin Password,WiFi Key,Secret Key\n"
                                         "Box,admin,canary-a1,canary-a2,canary-a3\n");
    auto result = import({"csv", file.string(), "--type", "credential", "--client", "acme"});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    CHECK_FALSE(contains(document("acme", "credentials/box.md"), "canary-"));
    CHECK(dossier({"secret", "get", "acme/credentials/box", "admin_password"}).out == "canary-a1\n");
    CHECK(dossier({"secret", "get", "acme/credentials/box", "wifi_key"}).out == "canary-a2\n");
    CHECK(dossier({"secret", "get", "acme/credentials/box", "secret_key"}).out == "canary-a3\n");

    auto assets = write_input("assets.csv", "hostname,asset_type,Admin Password\nsrv-9,server,canary-b1\n");
    REQUIRE(import({"csv", assets.string(), "--type", "asset", "--client", "acme"}).exit_status == 0);
    CHECK_FALSE(contains(document("acme", "assets/srv-9.md"), "canary-b1"));
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "re-import commits files a killed import left") {
    auto file = write_input("assets.csv", assets_csv);
    REQUIRE(import({"csv", file.string(), "--type", "asset", "--client", "acme"}).exit_status == 0);
    // What SIGKILL between the writes and the commit leaves: the files, without their commit.
    git_output(client_dir("acme"), {"reset", "-q", "HEAD~1"});
    REQUIRE(status(client_dir("acme")) != "");
    auto again = import({"csv", file.string(), "--type", "asset", "--client", "acme"});
    INFO(again.err);
    CHECK(again.exit_status == 0);
    CHECK(contains(again.out, "acme: 0 created, 0 updated, 3 unchanged"));
    CHECK_REPOSITORY_HEALTHY(*this, client_dir("acme"));
    CHECK(contains(git_output(client_dir("acme"), {"ls-files"}), "assets/fw01.md"));
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "key case differences keep the document's spelling") {
    commit_document("acme", "assets/fw.md", "---\ntype: asset\ntitle: fw\nasset_type: firewall\nhostname: FW-01\n---\n# fw\n");
    auto file = write_input("assets.csv", "hostname,asset_type\nfw-01,firewall\n");
    auto result = import({"csv", file.string(), "--type", "asset", "--client", "acme"});
    INFO(result.err);
    CHECK(contains(result.out, "acme: 0 created, 0 updated, 1 unchanged"));
    CHECK(contains(document("acme", "assets/fw.md"), "\nhostname: FW-01\n"));
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "options naming missing columns fail") {
    auto file = write_input("assets.csv", "hostname,asset_type\nsrv01,server\n");
    auto map = import({"csv", file.string(), "--type", "asset", "--client", "acme", "--map", "Type=asset_type"});
    CHECK(map.exit_status == 2);
    CHECK(contains(map.err, "the file has no column Type"));
    CHECK(contains(map.err, "its columns are: hostname, asset_type"));
    auto column = import({"csv", file.string(), "--type", "asset", "--client-column", "Client"});
    CHECK(column.exit_status == 2);
    auto key = import({"csv", file.string(), "--type", "asset", "--client", "acme", "--key", "nosuchfield"});
    CHECK(key.exit_status == 2);
    CHECK(contains(key.err, "invalid --key: nosuchfield"));
    CHECK_FALSE(fs::exists(client_dir("acme") / "assets"));
}

TEST_CASE_FIXTURE(ImportRecordsSandbox, "hostile JSON is rejected, not fatal") {
    auto deep = write_input("deep.jsonl", "{\"hostname\": \"srv01\", \"asset_type\": \"server\", \"x\": " +
                                              std::string(20000, '[') + std::string(20000, ']') + "}\n");
    auto result = import({"json", deep.string(), "--type", "asset", "--client", "acme"});
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "nested more than 100 levels deep"));
    auto huge = write_input("huge.jsonl", "{\"hostname\": \"srv01\", \"asset_type\": \"server\", \"n\": 1e400}\n");
    result = import({"json", huge.string(), "--type", "asset", "--client", "acme"});
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "huge.jsonl"));
    CHECK_FALSE(contains(result.err, "internal error"));
    auto header_only = write_input("empty.csv", "hostname,asset_type\n");
    result = import({"csv", header_only.string(), "--type", "asset", "--client", "acme"});
    CHECK(result.exit_status == 0);
    CHECK(contains(result.err, "no records in"));
}

}  // namespace
