// End-to-end tests of document types: types, type show, new, edit, set validation and check.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

#include "sandbox.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ClientSandbox;
using dossier::e2e::firewall_document;
using dossier::e2e::Sandbox;
using nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Writes an executable shell script that the tests use as $EDITOR.
fs::path write_editor(const Sandbox& sandbox, const std::string& name, const std::string& body) {
    auto path = sandbox.root() / name;
    Sandbox::write_file(path, "#!/bin/sh\n" + body);
    fs::permissions(path, fs::perms::owner_all);
    return path;
}

const std::string valid_asset =
    "---\ntype: asset\ntitle: Pare-feu FortiGate du siège\nowner: jdupont\nasset_type: firewall\n"
    "hostname: fw01\nip_address: 10.0.0.1\n---\n# Pare-feu\n";

}  // namespace

TEST_CASE("types lists the built-in types") {
    Sandbox sandbox;
    sandbox.init_workspace();
    auto result = sandbox.dossier({"types", "--json"});
    REQUIRE(result.exit_status == 0);
    auto types = json::parse(result.out);
    REQUIRE(types.size() == 17);
    CHECK(types[1]["name"] == "asset");
    CHECK(types[1]["folder"] == "assets");
    CHECK(types[1]["key"] == "hostname");
    CHECK(types[1]["origin"] == "built-in");
    CHECK(types[1]["templates"] == json::array({"en", "fr"}));

    auto french = sandbox.dossier({"--lang", "fr", "types"});
    CHECK(french.exit_status == 0);
    CHECK(contains(french.out, "Équipement"));
}

TEST_CASE("type show describes fields in the user's language") {
    Sandbox sandbox;
    sandbox.init_workspace();
    auto result = sandbox.dossier({"type", "show", "asset", "--json"});
    REQUIRE(result.exit_status == 0);
    auto description = json::parse(result.out);
    bool found = false;
    for (const auto& field : description["fields"]) {
        if (field["name"] != "warranty_expires") continue;
        found = true;
        CHECK(field["format"] == "date");
        CHECK(field["expiration"] == true);
    }
    CHECK(found);

    auto french = sandbox.dossier({"--lang", "fr", "type", "show", "asset"});
    CHECK(french.exit_status == 0);
    CHECK(contains(french.out, "obligatoire"));
    CHECK(contains(french.out, "Champs :"));

    auto schema = json::parse(sandbox.dossier({"type", "show", "domain", "--schema"}).out);
    CHECK(schema["required"][0] == "type");
    CHECK(schema["properties"].contains("reviewed"));
}

TEST_CASE("type show suggests a close type name") {
    Sandbox sandbox;
    sandbox.init_workspace();
    auto result = sandbox.dossier({"type", "show", "aset"});
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "unknown type: aset"));
    CHECK(contains(result.err, "did you mean asset?"));
}

TEST_CASE("new fills the template and commits") {
    ClientSandbox sandbox;
    int commits = sandbox.commit_count(sandbox.acme());
    auto result = sandbox.dossier({"--lang", "fr", "new", "runbook", "Redémarrer le NAS : étage 2", "--client", "acme"});
    REQUIRE(result.exit_status == 0);
    CHECK(result.out == "acme/runbooks/redemarrer-le-nas-etage-2\n");
    auto text = Sandbox::read_file(sandbox.acme() / "runbooks/redemarrer-le-nas-etage-2.md");
    CHECK(contains(text, "title: \"Redémarrer le NAS : étage 2\"\n"));
    CHECK(contains(text, "created: 2026-03-15\n"));
    CHECK(contains(text, "# Redémarrer le NAS : étage 2\n"));
    CHECK(contains(text, "Acme"));
    CHECK(sandbox.commit_count(sandbox.acme()) == commits + 1);
    CHECK(sandbox.git_output(sandbox.acme(), {"log", "-1", "--format=%s"}) == "new runbook: runbooks/redemarrer-le-nas-etage-2.md\n");
    CHECK_REPOSITORY_HEALTHY(sandbox, sandbox.acme());
}

TEST_CASE("new names the technician as owner") {
    ClientSandbox sandbox;
    Sandbox::write_file(sandbox.workspace() / "team/team.yaml",
                        "- id: amartin\n  name: Alice Martin\n  email: alice@example.com\n");
    auto result = sandbox.dossier({"new", "kb", "Imprimer en recto verso", "--client", "acme"});
    REQUIRE(result.exit_status == 0);
    auto text = Sandbox::read_file(sandbox.acme() / "kb/imprimer-en-recto-verso.md");
    CHECK(contains(text, "owner: amartin\n"));
}

TEST_CASE("new without a terminal lists every missing field") {
    ClientSandbox sandbox;
    int commits = sandbox.commit_count(sandbox.acme());
    auto result = sandbox.dossier({"new", "domain", "Domaine principal", "--client", "acme"});
    CHECK(result.exit_status == 2);
    CHECK(contains(result.err, "missing required fields of type domain: domain_name, expires"));
    CHECK(contains(result.err, "--set domain_name="));
    CHECK_FALSE(fs::exists(sandbox.acme() / "domains"));
    CHECK(sandbox.commit_count(sandbox.acme()) == commits);
}

TEST_CASE("new rejects an invalid value and writes nothing") {
    ClientSandbox sandbox;
    int commits = sandbox.commit_count(sandbox.acme());
    auto result = sandbox.dossier({"new", "asset", "Serveur de fichiers", "--client", "acme", "--set", "asset_type=server",
                                   "--set", "ip_address=10.0.0.300"});
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "the new document would not be valid:\n"));
    CHECK(contains(result.err, "ip_address: \"10.0.0.300\" is not a valid IPv4 address"));
    CHECK_FALSE(fs::exists(sandbox.acme() / "assets/serveur-de-fichiers.md"));
    CHECK(sandbox.commit_count(sandbox.acme()) == commits);
    CHECK(sandbox.status(sandbox.acme()) == "");

    auto french = sandbox.dossier({"--lang", "fr", "new", "asset", "Serveur", "--client", "acme", "--set",
                                   "asset_type=server", "--set", "ip_address=10.0.0.300"});
    CHECK(contains(french.err, "ip_address : \"10.0.0.300\" n'est pas une adresse IPv4 valide"));
}

TEST_CASE("new quotes values that a string field holds") {
    ClientSandbox sandbox;
    auto result = sandbox.dossier({"new", "asset", "Serveur", "--client", "acme", "--set", "asset_type=server", "--set",
                                   "os_version=1.10", "--set", "warranty_expires=2028-06-30"});
    REQUIRE(result.exit_status == 0);
    auto text = Sandbox::read_file(sandbox.acme() / "assets/serveur.md");
    CHECK(contains(text, "os_version: \"1.10\"\n"));
    CHECK(contains(text, "warranty_expires: 2028-06-30\n"));
}

TEST_CASE("new never overwrites a document") {
    ClientSandbox sandbox;
    auto result = sandbox.dossier({"new", "runbook", "VPN reset", "--client", "acme"});
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "document already exists: acme/runbooks/vpn-reset"));
    CHECK(Sandbox::read_file(sandbox.acme() / "runbooks/vpn-reset.md") == dossier::e2e::vpn_reset_document);

    auto twin = sandbox.dossier({"new", "runbook", "x", "--client", "acme", "--path", "runbooks/VPN-Reset.md"});
    CHECK(twin.exit_status == 3);
    CHECK(contains(twin.err, "only in case or accents"));
}

TEST_CASE("new suggests a close type and client") {
    ClientSandbox sandbox;
    auto type = sandbox.dossier({"new", "runbok", "x", "--client", "acme"});
    CHECK(type.exit_status == 3);
    CHECK(contains(type.err, "did you mean runbook?"));
    auto client = sandbox.dossier({"new", "runbook", "x", "--client", "acmee"});
    CHECK(client.exit_status == 3);
    CHECK(contains(client.err, "did you mean acme?"));
}

TEST_CASE("new uses a workspace type without a template") {
    ClientSandbox sandbox;
    Sandbox::write_file(sandbox.workspace() / "types/rack.schema.json",
                        R"({"type": "object", "title": "Rack", "x-dossier": {"folder": "racks"},
                            "required": ["room"], "properties": {"room": {"type": "string"}}})");
    auto result = sandbox.dossier({"new", "rack", "Baie A", "--client", "acme", "--set", "room=Salle serveur"});
    REQUIRE(result.exit_status == 0);
    CHECK(Sandbox::read_file(sandbox.acme() / "racks/baie-a.md") ==
          "---\ntype: rack\ntitle: Baie A\nowner:\ncreated: 2026-03-15\nroom: Salle serveur\n---\n# Baie A\n");
}

TEST_CASE("set refuses a value that breaks the schema") {
    ClientSandbox sandbox;
    int commits = sandbox.commit_count(sandbox.acme());
    auto result = sandbox.dossier({"set", "acme/assets/fw01", "ip_address=10.0.0.300"});
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "the change would make the document invalid for its type asset"));
    CHECK(contains(result.err, "ip_address: \"10.0.0.300\" is not a valid IPv4 address"));
    CHECK(Sandbox::read_file(sandbox.acme() / "assets/fw01.md") == firewall_document);
    CHECK(sandbox.commit_count(sandbox.acme()) == commits);

    // The document lacks asset_type already; a change that adds no new problem still lands.
    auto fine = sandbox.dossier({"set", "acme/assets/fw01", "os_version=7.20"});
    CHECK(fine.exit_status == 0);
    CHECK(contains(Sandbox::read_file(sandbox.acme() / "assets/fw01.md"), "os_version: \"7.20\"\n"));
}

TEST_CASE("edit merges a version committed meanwhile") {
    ClientSandbox sandbox;
    // The editor keeps its buffer while another dossier command commits a new owner, then
    // writes the buffer back with its own change: a new status.
    auto editor = write_editor(sandbox, "editor.sh",
                               "buffer=$(cat \"$1\")\n"
                               "\"$DOSSIER_UNDER_TEST\" set acme/runbooks/vpn-reset owner=mlefevre || exit 1\n"
                               "printf '%s\\n' \"$buffer\" | sed 's/^status: approved/status: review/' >\"$1\"\n");
    sandbox.environment["EDITOR"] = editor.string();
    sandbox.environment["DOSSIER_UNDER_TEST"] = DOSSIER_BINARY;

    auto result = sandbox.dossier({"edit", "acme/runbooks/vpn-reset"});

    INFO(result.err);
    CHECK(result.exit_status == 0);
    CHECK(contains(result.err, "your changes were merged"));
    auto text = Sandbox::read_file(sandbox.acme() / "runbooks/vpn-reset.md");
    CHECK(contains(text, "owner: mlefevre\n"));
    CHECK(contains(text, "status: review\n"));
    CHECK_REPOSITORY_HEALTHY(sandbox, sandbox.acme());
}

TEST_CASE("edit keeps both versions when the same key changed meanwhile") {
    ClientSandbox sandbox;
    auto editor = write_editor(sandbox, "editor.sh",
                               "buffer=$(cat \"$1\")\n"
                               "\"$DOSSIER_UNDER_TEST\" set acme/runbooks/vpn-reset owner=mlefevre || exit 1\n"
                               "printf '%s\\n' \"$buffer\" | sed 's/^owner: .*/owner: bpetit/' >\"$1\"\n");
    sandbox.environment["EDITOR"] = editor.string();
    sandbox.environment["DOSSIER_UNDER_TEST"] = DOSSIER_BINARY;

    auto result = sandbox.dossier({"edit", "acme/runbooks/vpn-reset"});

    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "between conflict markers"));
    auto text = Sandbox::read_file(sandbox.acme() / "runbooks/vpn-reset.md");
    CHECK(contains(text, "owner: mlefevre"));
    CHECK(contains(text, "owner: bpetit"));
    CHECK(sandbox.git_output(sandbox.acme(), {"show", "HEAD:runbooks/vpn-reset.md"}).find("owner: mlefevre") !=
          std::string::npos);
}

TEST_CASE("edit validates and commits the editor's result") {
    ClientSandbox sandbox;
    Sandbox::write_file(sandbox.root() / "new-fw01.md", valid_asset);
    auto editor = write_editor(sandbox, "editor.sh", "cp \"" + (sandbox.root() / "new-fw01.md").string() + "\" \"$1\"\n");
    sandbox.environment["EDITOR"] = editor.string();
    int commits = sandbox.commit_count(sandbox.acme());

    auto result = sandbox.dossier({"edit", "acme/assets/fw01"});
    CHECK(result.exit_status == 0);
    CHECK(Sandbox::read_file(sandbox.acme() / "assets/fw01.md") == valid_asset);
    CHECK(sandbox.commit_count(sandbox.acme()) == commits + 1);
    CHECK_REPOSITORY_HEALTHY(sandbox, sandbox.acme());

    auto again = sandbox.dossier({"edit", "acme/assets/fw01"});
    CHECK(again.exit_status == 0);
    CHECK(contains(again.err, "is as committed: nothing to commit"));
    CHECK(sandbox.commit_count(sandbox.acme()) == commits + 1);
}

TEST_CASE("edit keeps an invalid result uncommitted") {
    ClientSandbox sandbox;
    std::string typed = valid_asset;
    typed.replace(typed.find("10.0.0.1"), 8, "10.0.0.999");
    Sandbox::write_file(sandbox.root() / "typed.md", typed);
    sandbox.environment["VISUAL"] =
        write_editor(sandbox, "visual.sh", "cp \"" + (sandbox.root() / "typed.md").string() + "\" \"$1\"\n").string();
    sandbox.environment["EDITOR"] = "false";
    int commits = sandbox.commit_count(sandbox.acme());

    auto result = sandbox.dossier({"edit", "acme/assets/fw01"});
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "clients/acme/assets/fw01.md:7:13: error: ip_address: \"10.0.0.999\" is not a valid IPv4 address [schema]"));
    CHECK(contains(result.err, "not committed; the file keeps your changes"));
    CHECK(Sandbox::read_file(sandbox.acme() / "assets/fw01.md") == typed);
    CHECK(sandbox.commit_count(sandbox.acme()) == commits);
}

TEST_CASE("edit reports an editor that fails") {
    ClientSandbox sandbox;
    sandbox.environment["EDITOR"] = "false";
    auto failed = sandbox.dossier({"edit", "acme/assets/fw01"});
    CHECK(failed.exit_status == 3);
    CHECK(contains(failed.err, "the editor exited with status 1"));

    sandbox.environment["EDITOR"] = "no-such-editor-anywhere";
    auto missing = sandbox.dossier({"edit", "acme/assets/fw01"});
    CHECK(missing.exit_status == 3);
    CHECK(contains(missing.err, "editor not found: no-such-editor-anywhere"));
    CHECK(Sandbox::read_file(sandbox.acme() / "assets/fw01.md") == firewall_document);
}

TEST_CASE("check reports findings and exits with 1") {
    ClientSandbox sandbox;
    Sandbox::write_file(sandbox.acme() / "assets/srv.md",
                        "---\ntype: asset\ntitle: Serveur\nasset_type: server\nip_address: 10.0.0.300\n---\n");
    Sandbox::write_file(sandbox.acme() / "kb/broken.md", "---\ntype: kb\ntitle: [x\n---\n");
    Sandbox::write_file(sandbox.acme() / "kb/odd.md", "---\ntype: runbok\ntitle: x\n---\n");
    Sandbox::write_file(sandbox.acme() / "notes/free.md", "No front matter at all.\n");

    auto result = sandbox.dossier({"check"});
    CHECK(result.exit_status == 1);
    CHECK(contains(result.out, "clients/acme/assets/fw01.md:2:1: error: asset_type: required field is missing [schema]\n"));
    CHECK(contains(result.out,
                   "clients/acme/assets/srv.md:5:13: error: ip_address: \"10.0.0.300\" is not a valid IPv4 address [schema]\n"));
    CHECK(contains(result.out, "clients/acme/kb/odd.md:2:7: error: type: unknown type runbok: did you mean runbook? [unknown-type]\n"));
    CHECK(contains(result.out, "clients/acme/kb/broken.md:4:1: error: invalid YAML"));
    CHECK(contains(result.out, "[syntax]\n"));
    CHECK_FALSE(contains(result.out, "free.md"));
    // The review and owner rules add warnings about these documents; errors are what this checks.
    CHECK(contains(result.err, "8 documents checked: 4 errors, "));

    auto json_result = sandbox.dossier({"check", "--json", "--client", "acme"});
    CHECK(json_result.exit_status == 1);
    auto report = json::parse(json_result.out);
    CHECK(report["summary"]["documents"] == 8);
    CHECK(report["summary"]["errors"] == 4);
    CHECK(report["findings"][0]["rule"] == "schema");
    CHECK(report["findings"][0]["field"] == "asset_type");

    auto french = sandbox.dossier({"--lang", "fr", "check", "clients/acme/assets/srv.md"});
    CHECK(french.exit_status == 1);
    CHECK(contains(french.out, "n'est pas une adresse IPv4 valide [schema]"));
    CHECK(contains(french.err, "1 document vérifié : 1 erreur, "));
}

TEST_CASE("check passes on valid documents") {
    ClientSandbox sandbox;
    Sandbox::write_file(sandbox.acme() / "assets/fw01.md", valid_asset);
    auto result = sandbox.dossier({"check", "clients/acme"});
    CHECK(result.exit_status == 0);
    // The documents have no reviewed or owner key, which the review and owner rules warn about.
    CHECK_FALSE(contains(result.out, ": error: "));
    CHECK(contains(result.err, "4 documents checked: 0 errors, "));
}

TEST_CASE("check reports an unusable workspace schema") {
    ClientSandbox sandbox;
    Sandbox::write_file(sandbox.workspace() / "types/runbook.schema.json", "{\"type\": \"object\",\n  oops}\n");
    auto result = sandbox.dossier({"check"});
    CHECK(result.exit_status == 1);
    CHECK(contains(result.out, "types/runbook.schema.json: error: invalid JSON in"));
    CHECK(contains(result.out, "[type-definition]"));
    CHECK(contains(result.out, "clients/acme/runbooks/vpn-reset.md:2:7: error: type: cannot validate against type runbook"));
}

TEST_CASE("check runs on a folder outside any workspace") {
    Sandbox sandbox;
    Sandbox::write_file(sandbox.root() / "docs/a.md", "---\ntype: contact\ntitle: A\nemail: not-an-address\n---\n");
    auto result = sandbox.dossier_in(sandbox.root(), {"check", "docs"});
    CHECK(result.exit_status == 1);
    CHECK(result.out == "docs/a.md:4:8: error: email: \"not-an-address\" is not a valid e-mail address [schema]\n");

    auto missing = sandbox.dossier_in(sandbox.root(), {"check", "nowhere"});
    CHECK(missing.exit_status == 3);
    CHECK(contains(missing.err, "no such file or folder: nowhere"));
}

namespace {

// Runs `dossier arguments` under script(1), which gives it a terminal, with `input` typed on
// it, and returns the output of both.
dossier::e2e::ProcessResult dossier_on_terminal(const Sandbox& sandbox, const std::string& arguments,
                                                const std::string& input) {
    std::string inner = std::string(DOSSIER_BINARY) + " " + arguments + "; echo \"exit status $?\"";
    std::string command = "printf '" + input + "' | script -qec '" + inner + "' /dev/null";
    return dossier::e2e::run_process({"sh", "-c", command}, sandbox.environment, sandbox.workspace());
}

}  // namespace

TEST_CASE("new asks for missing fields on a terminal") {
    ClientSandbox sandbox;
    auto result = dossier_on_terminal(sandbox, "new asset \"Baie de stockage\" --client acme", "castle\\nserver\\n");
    CAPTURE(result.out);
    CHECK(contains(result.out, "asset_type (Asset type): The kind of equipment"));
    CHECK(contains(result.out, "example: server"));
    CHECK(contains(result.out, "asset_type: \"castle\" is not one of the allowed values"));
    CHECK(contains(result.out, "created acme/assets/baie-de-stockage"));
    CHECK(contains(result.out, "exit status 0"));
    CHECK(contains(Sandbox::read_file(sandbox.acme() / "assets/baie-de-stockage.md"), "\nasset_type: server\n"));
    CHECK_REPOSITORY_HEALTHY(sandbox, sandbox.acme());
}

TEST_CASE("new on a terminal cancels at end of input") {
    ClientSandbox sandbox;
    int commits = sandbox.commit_count(sandbox.acme());
    auto result = dossier_on_terminal(sandbox, "new asset \"Baie de stockage\" --client acme", "");
    CAPTURE(result.out);
    CHECK(contains(result.out, "cancelled: no document was created"));
    CHECK(contains(result.out, "exit status 2"));
    CHECK_FALSE(fs::exists(sandbox.acme() / "assets/baie-de-stockage.md"));
    CHECK(sandbox.commit_count(sandbox.acme()) == commits);
}

TEST_CASE("edit on a terminal offers to edit again") {
    ClientSandbox sandbox;
    // The first run of the editor adds an invalid address; the second, after "e", fixes it.
    auto marker = (sandbox.root() / "first-run-done").string();
    auto editor = write_editor(
        sandbox, "editor.sh",
        "if [ -e '" + marker + "' ]; then\n"
        "  sed -i '/^ip_address:/d; s/^owner: jdupont$/owner: jdupont\\nasset_type: firewall/' \"$1\"\n"
        "else\n"
        "  touch '" + marker + "'\n"
        "  sed -i 's/^owner: jdupont$/owner: jdupont\\nip_address: 10.0.0.999/' \"$1\"\n"
        "fi\n");
    sandbox.environment["EDITOR"] = editor.string();
    int commits = sandbox.commit_count(sandbox.acme());

    auto result = dossier_on_terminal(sandbox, "edit acme/assets/fw01", "e\\n");
    CAPTURE(result.out);
    CHECK(contains(result.out, "ip_address: \"10.0.0.999\" is not a valid IPv4 address [schema]"));
    CHECK(contains(result.out, "Edit again, or keep the file uncommitted? [E/k]"));
    CHECK(contains(result.out, "exit status 0"));
    auto text = Sandbox::read_file(sandbox.acme() / "assets/fw01.md");
    CHECK(contains(text, "\nasset_type: firewall\n"));
    CHECK_FALSE(contains(text, "ip_address"));
    CHECK(sandbox.commit_count(sandbox.acme()) == commits + 1);
}

TEST_CASE("edit on a terminal keeps the file at end of input") {
    ClientSandbox sandbox;
    sandbox.environment["EDITOR"] =
        write_editor(sandbox, "editor.sh", "sed -i 's/^owner: jdupont$/owner: jdupont\\nip_address: 10.0.0.999/' \"$1\"\n")
            .string();
    int commits = sandbox.commit_count(sandbox.acme());

    auto result = dossier_on_terminal(sandbox, "edit acme/assets/fw01", "");
    CAPTURE(result.out);
    CHECK(contains(result.out, "kept uncommitted with your changes"));
    CHECK(contains(result.out, "exit status 3"));
    CHECK(contains(Sandbox::read_file(sandbox.acme() / "assets/fw01.md"), "ip_address: 10.0.0.999"));
    CHECK(sandbox.commit_count(sandbox.acme()) == commits);
}

TEST_CASE("new rejects --set type") {
    ClientSandbox sandbox;
    auto result = sandbox.dossier({"new", "kb", "T", "--client", "acme", "--set", "type=asset"});
    CHECK(result.exit_status == 2);
    CHECK(contains(result.err, "--set type= is not allowed"));
    CHECK_FALSE(fs::exists(sandbox.acme() / "kb/t.md"));
}

TEST_CASE("new creates a note without front matter") {
    ClientSandbox sandbox;
    auto result = sandbox.dossier({"new", "note", "Idées en vrac", "--client", "acme"});
    REQUIRE(result.exit_status == 0);
    auto text = Sandbox::read_file(sandbox.acme() / "notes/idees-en-vrac.md");
    CHECK(text.starts_with("# Idées en vrac\n"));
}

TEST_CASE("new inserts a title with braces as text") {
    ClientSandbox sandbox;
    auto result = sandbox.dossier({"new", "kb", "Ansible error {{ item }} is undefined", "--client", "acme"});
    REQUIRE(result.exit_status == 0);
    auto text = Sandbox::read_file(sandbox.acme() / "kb/ansible-error-item-is-undefined.md");
    CHECK(contains(text, "title: Ansible error {{ item }} is undefined\n"));
    CHECK(contains(text, "# Ansible error {{ item }} is undefined\n"));
}

TEST_CASE("new rejects a path outside the repository or hidden") {
    ClientSandbox sandbox;
    for (std::string path : {"/tmp/abs.md", "../x.md", ".hidden/x.md", "kb/ space .md", "kb//x.md"}) {
        CAPTURE(path);
        auto result = sandbox.dossier({"new", "kb", "T", "--client", "acme", "--path", path});
        CHECK(result.exit_status == 2);
        CHECK(contains(result.err, "invalid --path"));
    }
    CHECK(sandbox.status(sandbox.acme()) == "");
}

TEST_CASE("new shortens the file name of a long title") {
    ClientSandbox sandbox;
    std::string title;
    for (int i = 0; i < 60; ++i) title += "Long title ";
    auto result = sandbox.dossier({"new", "kb", title, "--client", "acme"});
    REQUIRE(result.exit_status == 0);
    CHECK(result.out.size() <= std::string("acme/kb/").size() + 80 + 1);
    CHECK(result.out.starts_with("acme/kb/long-title-long-title"));
}

TEST_CASE("set keeps a value the user quoted") {
    ClientSandbox sandbox;
    REQUIRE(sandbox.dossier({"set", "acme/runbooks/vpn-reset", "title=\"Deux: points\""}).exit_status == 0);
    CHECK(contains(Sandbox::read_file(sandbox.acme() / "runbooks/vpn-reset.md"), "\ntitle: \"Deux: points\"\n"));
}

TEST_CASE("edit commits a fix made outside the editor") {
    ClientSandbox sandbox;
    Sandbox::write_file(sandbox.acme() / "assets/fw01.md", valid_asset);  // fixed with another editor
    sandbox.environment["EDITOR"] = "true";
    int commits = sandbox.commit_count(sandbox.acme());
    auto result = sandbox.dossier({"edit", "acme/assets/fw01"});
    CHECK(result.exit_status == 0);
    CHECK(contains(result.err, "updated acme/assets/fw01"));
    CHECK(sandbox.commit_count(sandbox.acme()) == commits + 1);
    CHECK(sandbox.status(sandbox.acme()) == "");
}

TEST_CASE("check lists findings in path order") {
    Sandbox sandbox;
    for (std::string name : {"d", "b", "e", "a", "c"}) {
        Sandbox::write_file(sandbox.root() / "many" / name / "x.md", "---\ntype: kb\n---\n");
    }
    auto result = sandbox.dossier_in(sandbox.root(), {"check", "many"});
    CHECK(result.exit_status == 1);
    CHECK(result.out ==
          "many/a/x.md:2:1: error: title: required field is missing [schema]\n"
          "many/b/x.md:2:1: error: title: required field is missing [schema]\n"
          "many/c/x.md:2:1: error: title: required field is missing [schema]\n"
          "many/d/x.md:2:1: error: title: required field is missing [schema]\n"
          "many/e/x.md:2:1: error: title: required field is missing [schema]\n");
}
