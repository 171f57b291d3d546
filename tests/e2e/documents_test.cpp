// End-to-end tests of reading and editing documents: show, list and set.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

#include "sandbox.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ClientSandbox;
using dossier::e2e::firewall_document;
using dossier::e2e::jeanne_document;
using dossier::e2e::vpn_reset_document;
using nlohmann::json;

// Returns `text` with the first occurrence of `from` replaced by `to`. Fails the test when
// `from` is absent, so that an expected file never silently equals the original.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

// Returns the lines of a zero-context diff that remove or add text, without the file headers.
std::string changed_lines(const std::string& diff) {
    std::string lines;
    std::size_t offset = 0;
    while (offset < diff.size()) {
        auto end = diff.find('\n', offset);
        if (end == std::string::npos) end = diff.size();
        auto line = diff.substr(offset, end - offset);
        offset = end + 1;
        bool header = line.starts_with("---") || line.starts_with("+++");
        if (!header && (line.starts_with('-') || line.starts_with('+'))) lines += line + "\n";
    }
    return lines;
}

// --- show ------------------------------------------------------------------------------

TEST_CASE_FIXTURE(ClientSandbox, "show --raw prints the exact bytes") {
    auto result = dossier({"show", "--raw", "acme/runbooks/vpn-reset"});

    CHECK(result.exit_status == 0);
    CHECK(result.err == "");
    CHECK(result.out == vpn_reset_document);
}

TEST_CASE_FIXTURE(ClientSandbox, "show --raw keeps BOM, CRLF and no final newline") {
    std::string bytes = "\xEF\xBB\xBF---\r\ntype: note\r\ntitle: Windows\r\n---\r\nCorps sans fin de ligne";
    commit_document("acme", "kb/windows.md", bytes);

    auto result = dossier({"show", "--raw", "acme/kb/windows.md"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == bytes);
}

TEST_CASE_FIXTURE(ClientSandbox, "show --json gives the front matter and the body") {
    auto result = dossier({"show", "--json", "acme/runbooks/vpn-reset"});

    REQUIRE(result.exit_status == 0);
    CHECK(result.err == "");
    auto document = json::parse(result.out);
    CHECK(document["client"] == "acme");
    CHECK(document["path"] == "runbooks/vpn-reset.md");
    CHECK(document["ref"] == "acme/runbooks/vpn-reset");
    CHECK(document["revision"].is_null());
    CHECK(document["type"] == "runbook");
    CHECK(document["front_matter"]["title"] == "Réinitialiser le VPN du siège");
    CHECK(document["front_matter"]["owner"] == "jdupont");
    CHECK(document["front_matter"]["reviewed"] == "2026-01-10");
    CHECK(document["front_matter"]["tags"] == json::array({"vpn", "fortigate"}));
    CHECK(document["body"] == vpn_reset_document.substr(vpn_reset_document.find("# Réinitialiser")));
}

TEST_CASE_FIXTURE(ClientSandbox, "show renders the document without escape codes") {
    for (bool no_color : {true, false}) {
        CAPTURE(no_color);
        if (!no_color) environment.erase("NO_COLOR");

        auto result = dossier({"show", "acme/runbooks/vpn-reset"});

        CHECK(result.exit_status == 0);
        CHECK(result.err == "");
        CHECK(result.out.find("title: Réinitialiser le VPN du siège\n") != std::string::npos);
        CHECK(result.out.find("owner: jdupont\n") != std::string::npos);
        CHECK(result.out.find("Ouvrir la console du pare-feu") != std::string::npos);
        CHECK(result.out.find("../assets/fw01.md") != std::string::npos);
        CHECK(result.out.find('\x1b') == std::string::npos);
        CHECK(result.out.find("---\n") == std::string::npos);
        CHECK(result.out.find("# Réinitialiser") == std::string::npos);
        CHECK(result.out.find("[fw01]") == std::string::npos);
    }
}

TEST_CASE_FIXTURE(ClientSandbox, "show accepts the .md extension and an NFD reference") {
    auto with_extension = dossier({"show", "--raw", "acme/runbooks/vpn-reset.md"});
    commit_document("acme", "kb/café.md", "---\ntype: note\ntitle: Café\n---\n");
    auto decomposed = dossier({"show", "--raw", "acme/kb/cafe\xCC\x81"});

    CHECK(with_extension.exit_status == 0);
    CHECK(with_extension.out == vpn_reset_document);
    CHECK(decomposed.exit_status == 0);
    CHECK(decomposed.out == "---\ntype: note\ntitle: Café\n---\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "show takes a path relative to the client folder") {
    auto result = dossier_in(acme() / "runbooks", {"show", "--raw", "vpn-reset"});
    auto from_root = dossier_in(acme(), {"show", "--raw", "contacts/jeanne-dupont"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == vpn_reset_document);
    CHECK(from_root.exit_status == 0);
    CHECK(from_root.out == jeanne_document);
}

TEST_CASE_FIXTURE(ClientSandbox, "show reads the working tree, not the last commit") {
    write_file(acme() / "runbooks/vpn-reset.md", vpn_reset_document + "Ajouté dans un éditeur.\n");

    auto result = dossier({"show", "--raw", "acme/runbooks/vpn-reset"});

    CHECK(result.out == vpn_reset_document + "Ajouté dans un éditeur.\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "show of invalid front matter names the line") {
    commit_document("acme", "kb/broken.md", "---\ntype: note\ntitle: a: b\n---\nBody\n");

    auto result = dossier({"show", "acme/kb/broken"});

    CHECK(result.exit_status == 3);
    CHECK(result.out == "");
    CHECK(result.err.starts_with((acme() / "kb/broken.md").string() + ":3:9: error: "));
    CHECK(result.err.find("\n  title: a: b\n          ^\n") != std::string::npos);
}

// --- list ------------------------------------------------------------------------------

TEST_CASE_FIXTURE(ClientSandbox, "list prints type, reference, title and owner") {
    auto result = dossier({"list"});

    CHECK(result.exit_status == 0);
    CHECK(result.err == "");
    CHECK(result.out ==
          "asset    acme/assets/fw01  Pare-feu FortiGate du siège  jdupont\n"
          "client   acme/client  Acme  -\n"
          "contact  acme/contacts/jeanne-dupont  Jeanne Dupont  -\n"
          "runbook  acme/runbooks/vpn-reset  Réinitialiser le VPN du siège  jdupont\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "escape sequences in front matter never reach the terminal") {
    commit_document("acme", "kb/evil.md",
                    "---\ntype: kb\ntitle: \"\\e]0;PWNED\\a \\e[31mred\"\nowner: \"\\e[2J\"\n---\n# Evil\n");

    auto list = dossier({"list", "--client", "acme"});
    auto show = dossier({"show", "acme/kb/evil"});

    CHECK(list.exit_status == 0);
    CHECK(show.exit_status == 0);
    CHECK(list.out.find('\x1b') == std::string::npos);
    CHECK(list.out.find('\a') == std::string::npos);
    CHECK(show.out.find('\x1b') == std::string::npos);
    CHECK(list.out.find("acme/kb/evil  ]0;PWNED [31mred  [2J\n") != std::string::npos);
}

TEST_CASE_FIXTURE(ClientSandbox, "list filters by client and type") {
    REQUIRE(dossier({"client", "add", "Bêta"}).exit_status == 0);
    commit_document("beta", "runbooks/backup.md", "---\ntype: runbook\ntitle: Sauvegarde\n---\n");

    auto runbooks = dossier({"list", "--type", "runbook"});
    auto beta = dossier({"list", "--client", "beta"});
    auto beta_contacts = dossier({"list", "--client", "beta", "--type", "contact"});

    CHECK(runbooks.exit_status == 0);
    CHECK(runbooks.out ==
          "runbook  acme/runbooks/vpn-reset  Réinitialiser le VPN du siège  jdupont\n"
          "runbook  beta/runbooks/backup  Sauvegarde  -\n");
    CHECK(beta.exit_status == 0);
    CHECK(beta.out ==
          "client   beta/client  Bêta  -\n"
          "runbook  beta/runbooks/backup  Sauvegarde  -\n");
    CHECK(beta_contacts.exit_status == 0);
    CHECK(beta_contacts.out == "");
}

TEST_CASE_FIXTURE(ClientSandbox, "list --json gives one object per document") {
    commit_document("acme", "kb/broken.md", "---\ntitle: [unclosed\n---\n");

    auto result = dossier({"list", "--client", "acme", "--json"});

    REQUIRE(result.exit_status == 0);
    auto documents = json::parse(result.out);
    REQUIRE(documents.size() == 5);
    CHECK(documents[0] == json::parse(R"({"client": "acme", "path": "assets/fw01.md", "ref": "acme/assets/fw01",
                                          "type": "asset", "title": "Pare-feu FortiGate du siège",
                                          "owner": "jdupont"})"));
    CHECK(documents[3]["ref"] == "acme/kb/broken");
    CHECK(documents[3]["type"] == "");
    CHECK(documents[3]["error"].is_string());
    CHECK_FALSE(documents[0].contains("error"));
}

TEST_CASE_FIXTURE(ClientSandbox, "list of an unknown client suggests the closest one") {
    auto result = dossier({"list", "--client", "acmee"});

    CHECK(result.exit_status == 3);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: error: client not found: acmee\nhint: did you mean acme?\n");
}

// --- set -------------------------------------------------------------------------------

TEST_CASE_FIXTURE(ClientSandbox, "set commits one change that touches one line") {
    auto commits_before = commit_count(acme());

    auto result = dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: updated acme/runbooks/vpn-reset (commit " + head(acme()).substr(0, 8) + ")\n");
    CHECK(commit_count(acme()) == commits_before + 1);
    CHECK(git_output(acme(), {"log", "-1", "--format=%an <%ae>|%s"}) ==
          "Alice Martin <alice@example.com>|set owner on runbooks/vpn-reset\n");
    CHECK(git_output(acme(), {"show", "--format=", "--name-only", "HEAD"}) == "runbooks/vpn-reset.md\n");
    CHECK(changed_lines(git_output(acme(), {"diff", "--unified=0", "HEAD~1", "HEAD"})) ==
          "-owner: jdupont\n+owner: mlefevre\n");
    CHECK(read_file(acme() / "runbooks/vpn-reset.md") ==
          replaced(vpn_reset_document, "owner: jdupont\n", "owner: mlefevre\n"));
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "set keeps a BOM and CRLF line endings") {
    std::string bytes =
        "\xEF\xBB\xBF---\r\ntype: runbook\r\ntitle: Windows\r\nowner: jdupont # responsable\r\n---\r\n"
        "# Windows\r\n";
    commit_document("acme", "runbooks/windows.md", bytes);

    auto result = dossier({"set", "acme/runbooks/windows", "owner=mlefevre", "status=review"});

    CHECK(result.exit_status == 0);
    CHECK(read_file(acme() / "runbooks/windows.md") ==
          "\xEF\xBB\xBF---\r\ntype: runbook\r\ntitle: Windows\r\nowner: mlefevre # responsable\r\nstatus: review\r\n"
          "---\r\n# Windows\r\n");
    CHECK(git_output(acme(), {"log", "-1", "--format=%s"}) == "set owner, status on runbooks/windows\n");
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "set reads values as YAML types") {
    auto result = dossier({"set", "acme/contacts/jeanne-dupont", "port=443", "enabled=true", "reviewed=2026-03-01",
                           "version=1.10", "answer=yes", "tags=[vpn, siège]", "nothing="});

    REQUIRE(result.exit_status == 0);
    auto document = json::parse(dossier({"show", "--json", "acme/contacts/jeanne-dupont"}).out);
    auto front_matter = document["front_matter"];
    CHECK(front_matter["port"] == 443);
    CHECK(front_matter["enabled"] == true);
    CHECK(front_matter["reviewed"] == "2026-03-01");
    CHECK(front_matter["version"].is_number());
    CHECK(front_matter["answer"] == "yes");
    CHECK(front_matter["tags"] == json::array({"vpn", "siège"}));
    CHECK(front_matter["nothing"].is_null());
    CHECK(front_matter["phone"] == "+33 1 23 45 67 89");
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "set --string quotes ambiguous text") {
    auto result = dossier({"set", "--string", "acme/contacts/jeanne-dupont", "version=1.10", "postal_code=01000",
                           "note=a: b", "plain=Jeanne", "flag=true"});

    REQUIRE(result.exit_status == 0);
    auto text = read_file(acme() / "contacts/jeanne-dupont.md");
    CHECK(text.find("\nversion: \"1.10\"\n") != std::string::npos);
    CHECK(text.find("\npostal_code: \"01000\"\n") != std::string::npos);
    CHECK(text.find("\nnote: \"a: b\"\n") != std::string::npos);
    CHECK(text.find("\nplain: Jeanne\n") != std::string::npos);
    CHECK(text.find("\nflag: \"true\"\n") != std::string::npos);
    auto front_matter = json::parse(dossier({"show", "--json", "acme/contacts/jeanne-dupont"}).out)["front_matter"];
    CHECK(front_matter["version"] == "1.10");
    CHECK(front_matter["postal_code"] == "01000");
    CHECK(front_matter["note"] == "a: b");
    CHECK(front_matter["flag"] == "true");
}

TEST_CASE_FIXTURE(ClientSandbox, "set --unset removes the key's line") {
    auto result = dossier({"set", "acme/runbooks/vpn-reset", "--unset", "owner"});

    CHECK(result.exit_status == 0);
    CHECK(read_file(acme() / "runbooks/vpn-reset.md") == replaced(vpn_reset_document, "owner: jdupont\n", ""));
    CHECK(git_output(acme(), {"log", "-1", "--format=%s"}) == "set owner on runbooks/vpn-reset\n");
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "set --unset of a missing key fails") {
    auto head_before = head(acme());

    auto result = dossier({"set", "acme/runbooks/vpn-reset", "--unset", "colour"});

    CHECK(result.exit_status == 3);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: error: key not found in acme/runbooks/vpn-reset: colour\n");
    CHECK(head(acme()) == head_before);
    CHECK(read_file(acme() / "runbooks/vpn-reset.md") == vpn_reset_document);
}

TEST_CASE_FIXTURE(ClientSandbox, "set rejects invalid YAML and leaves the file untouched") {
    auto head_before = head(acme());

    // A key that no schema types, so the value is read as YAML as it is written.
    for (const std::string assignment : {"site_code=[unclosed", "site_code=a: b", "site_code=\"open", "site_code={a: 1",
                                         "site_code=- x"}) {
        CAPTURE(assignment);
        auto result = dossier({"set", "acme/runbooks/vpn-reset", assignment});

        CHECK(result.exit_status == 3);
        CHECK(result.out == "");
        CHECK(result.err.starts_with("dossier: error: "));
        CHECK(result.err.find("\"site_code\"") != std::string::npos);
        CHECK(result.err.find("\nhint: ") != std::string::npos);
        CHECK(read_file(acme() / "runbooks/vpn-reset.md") == vpn_reset_document);
    }
    CHECK(head(acme()) == head_before);
    CHECK(status(acme()) == "");
}

TEST_CASE_FIXTURE(ClientSandbox, "set of an invalid YAML value names the value") {
    auto result = dossier({"set", "acme/runbooks/vpn-reset", "tags=[unclosed"});

    CHECK(result.exit_status == 3);
    CHECK(result.err ==
          "dossier: error: invalid YAML value for \"tags\": [unclosed\n"
          "hint: quote the value, or use --string to store it as text\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "set stores text for a field the schema types as text") {
    auto result = dossier({"set", "acme/runbooks/vpn-reset", "owner=[jdupont]"});

    CHECK(result.exit_status == 0);
    CHECK(read_file(acme() / "runbooks/vpn-reset.md").find("owner: \"[jdupont]\"\n") != std::string::npos);
}

TEST_CASE_FIXTURE(ClientSandbox, "set rejects a value YAML would cut at #") {
    auto head_before = head(acme());

    // site_code has no type in the runbook schema, so its value is read as YAML reads it.
    auto result = dossier({"set", "acme/runbooks/vpn-reset", "site_code=Switch port 8 #uplink"});

    CHECK(result.exit_status == 3);
    CHECK(result.err ==
          "dossier: error: value for \"site_code\" would not be stored as typed: Switch port 8 #uplink\n"
          "hint: use --string to store it as text, or quote it\n");
    CHECK(read_file(acme() / "runbooks/vpn-reset.md") == vpn_reset_document);
    CHECK(head(acme()) == head_before);

    auto as_text = dossier({"set", "--string", "acme/runbooks/vpn-reset", "site_code=Switch port 8 #uplink"});
    CHECK(as_text.exit_status == 0);
    CHECK(read_file(acme() / "runbooks/vpn-reset.md").find("site_code: \"Switch port 8 #uplink\"\n") != std::string::npos);

    // title is text in every schema, so it is quoted without --string.
    auto title = dossier({"set", "acme/runbooks/vpn-reset", "title=Switch port 8 #uplink"});
    CHECK(title.exit_status == 0);
    CHECK(read_file(acme() / "runbooks/vpn-reset.md").find("title: \"Switch port 8 #uplink\"\n") != std::string::npos);
}

TEST_CASE_FIXTURE(ClientSandbox, "front matter with a second YAML document fails") {
    commit_document("acme", "assets/fw02.md",
                    "---\ntype: asset\ntitle: fw02\n--- # network\nip_address: 192.0.2.1\n---\nbody\n");

    auto result = dossier({"show", "--json", "acme/assets/fw02"});

    CHECK(result.exit_status == 3);
    CHECK(result.err.starts_with(client_dir("acme").string() + "/assets/fw02.md:4:1: error: front matter holds more "
                                 "than one YAML document: this line starts another one\n"));
}

TEST_CASE_FIXTURE(ClientSandbox, "set refuses a file under a Git clean filter") {
    commit_document("acme", ".gitattributes", "*.md filter=redact\n");
    git_output(acme(), {"config", "filter.redact.clean", "sed s/SECRET/REDACTED/"});

    auto result = dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"});

    CHECK(result.exit_status == 3);
    CHECK(result.err.find("a Git filter from .gitattributes applies to runbooks/vpn-reset.md (filter=redact)") !=
          std::string::npos);
    CHECK(git_output(acme(), {"log", "-1", "--format=%s"}).find("set owner") == std::string::npos);
}

TEST_CASE_FIXTURE(ClientSandbox, "restore refuses to overwrite uncommitted edits") {
    write_file(acme() / "runbooks/vpn-reset.md", vpn_reset_document + "Notes not yet committed.\n");

    auto result = dossier({"restore", "acme/runbooks/vpn-reset", "--to", "HEAD"});

    CHECK(result.exit_status == 3);
    CHECK(result.err.starts_with(
        "dossier: error: acme/runbooks/vpn-reset has uncommitted changes: restoring it would lose them\n"));
    CHECK(read_file(acme() / "runbooks/vpn-reset.md") == vpn_reset_document + "Notes not yet committed.\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "set of the same value commits nothing") {
    auto head_before = head(acme());

    auto result = dossier({"set", "acme/runbooks/vpn-reset", "owner=jdupont"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: acme/runbooks/vpn-reset already had these values: nothing changed\n");
    CHECK(head(acme()) == head_before);
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "set commits an outside edit with the key") {
    write_file(acme() / "runbooks/vpn-reset.md", vpn_reset_document + "3. Vérifier le tunnel.\n");

    auto result = dossier({"set", "acme/runbooks/vpn-reset", "status=review"});

    CHECK(result.exit_status == 0);
    CHECK(changed_lines(git_output(acme(), {"diff", "--unified=0", "HEAD~1", "HEAD"})) ==
          "-status: approved\n+status: review\n+3. Vérifier le tunnel.\n");
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "set leaves other uncommitted files alone") {
    write_file(acme() / "contacts/jeanne-dupont.md", jeanne_document + "Brouillon.\n");

    auto result = dossier({"set", "acme/runbooks/vpn-reset", "status=review"});

    CHECK(result.exit_status == 0);
    CHECK(git_output(acme(), {"show", "--format=", "--name-only", "HEAD"}) == "runbooks/vpn-reset.md\n");
    CHECK(status(acme()) == " M contacts/jeanne-dupont.md\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "set adds front matter to a plain Markdown file") {
    commit_document("acme", "kb/notes.md", "# Notes\n");

    auto result = dossier({"set", "acme/kb/notes", "type=note", "title=Notes"});

    CHECK(result.exit_status == 0);
    CHECK(read_file(acme() / "kb/notes.md") == "---\ntype: note\ntitle: Notes\n---\n# Notes\n");
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "set with a malformed argument is a usage error") {
    auto nothing = dossier({"set", "acme/runbooks/vpn-reset"});
    auto no_equals = dossier({"set", "acme/runbooks/vpn-reset", "owner"});
    auto no_key = dossier({"set", "acme/runbooks/vpn-reset", "=jdupont"});
    auto spaced_key = dossier({"set", "acme/runbooks/vpn-reset", "owner =jdupont"});
    auto blank_key = dossier({"set", "acme/runbooks/vpn-reset", " =jdupont"});

    CHECK(nothing.exit_status == 2);
    CHECK(nothing.err ==
          "dossier: error: nothing to set: give KEY=VALUE or --unset KEY\n"
          "hint: for example: dossier set acme/runbooks/vpn-reset owner=jdupont\n");
    CHECK(no_equals.exit_status == 2);
    CHECK(no_equals.err == "dossier: error: invalid assignment: owner\nhint: write KEY=VALUE, such as owner=jdupont\n");
    CHECK(no_key.exit_status == 2);
    CHECK(spaced_key.exit_status == 2);
    CHECK(spaced_key.err.starts_with("dossier: error: invalid assignment: owner =jdupont\n"));
    CHECK(blank_key.exit_status == 2);
    CHECK(read_file(acme() / "runbooks/vpn-reset.md") == vpn_reset_document);
}

TEST_CASE_FIXTURE(ClientSandbox, "set of a missing document suggests the closest one") {
    auto result = dossier({"set", "acme/runbooks/vpn-rest", "owner=x"});

    CHECK(result.exit_status == 3);
    CHECK(result.out == "");
    CHECK(result.err ==
          "dossier: error: document not found: acme/runbooks/vpn-rest\n"
          "hint: did you mean acme/runbooks/vpn-reset?\n");
    CHECK_FALSE(fs::exists(acme() / "runbooks/vpn-rest.md"));
}

// --- identity --------------------------------------------------------------------------

TEST_CASE_FIXTURE(ClientSandbox, "set without identity fails and changes nothing") {
    environment.erase("GIT_AUTHOR_NAME");
    environment.erase("GIT_AUTHOR_EMAIL");
    auto head_before = head(acme());

    auto result = dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"});

    CHECK(result.exit_status == 3);
    CHECK(result.out == "");
    CHECK(result.err ==
          "dossier: error: no author for the commit: Git's user.name and user.email are not set\n"
          "hint: run: git config --global user.name \"Your Name\" && git config --global user.email you@example.com"
          " (or set DOSSIER_TECHNICIAN to your id in team/team.yaml)\n");
    CHECK(read_file(acme() / "runbooks/vpn-reset.md") == vpn_reset_document);
    CHECK(head(acme()) == head_before);
    CHECK(status(acme()) == "");
}

TEST_CASE_FIXTURE(ClientSandbox, "set takes the author from the global Git configuration") {
    environment.erase("GIT_AUTHOR_NAME");
    environment.erase("GIT_AUTHOR_EMAIL");
    write_file(home() / ".gitconfig", "[user]\n\tname = Bruno Petit\n\temail = bruno@example.com\n");

    auto result = dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"});

    CHECK(result.exit_status == 0);
    CHECK(git_output(acme(), {"log", "-1", "--format=%an <%ae>|%cn <%ce>"}) ==
          "Bruno Petit <bruno@example.com>|Bruno Petit <bruno@example.com>\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "DOSSIER_TECHNICIAN picks the author from the team file") {
    write_file(workspace() / "team/team.yaml",
               "- id: jdupont\n  name: Jeanne Dupont\n  email: jeanne.dupont@example.fr\n  role: technician\n");
    environment["DOSSIER_TECHNICIAN"] = "jdupont";

    auto result = dossier({"set", "acme/runbooks/vpn-reset", "status=review"});

    CHECK(result.exit_status == 0);
    CHECK(git_output(acme(), {"log", "-1", "--format=%an <%ae>|%cn <%ce>"}) ==
          "Jeanne Dupont <jeanne.dupont@example.fr>|Jeanne Dupont <jeanne.dupont@example.fr>\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "DOSSIER_TECHNICIAN not in the team file fails") {
    environment["DOSSIER_TECHNICIAN"] = "inconnu";

    auto result = dossier({"set", "acme/runbooks/vpn-reset", "status=review"});

    CHECK(result.exit_status == 3);
    CHECK(result.err ==
          "dossier: error: technician not found in team/team.yaml: inconnu\n"
          "hint: add an entry with id, name and email to team/team.yaml, or unset DOSSIER_TECHNICIAN\n");
    CHECK(read_file(acme() / "runbooks/vpn-reset.md") == vpn_reset_document);
}

// --- locks ----------------------------------------------------------------------------

TEST_CASE_FIXTURE(ClientSandbox, "stale index.lock is named and the edit kept") {
    auto lock = acme() / ".git" / "index.lock";
    write_file(lock, "");
    auto head_before = head(acme());

    auto result = dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"});

    CHECK(result.exit_status == 3);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: error: index is locked: " + lock.string() +
                            "\nhint: if no other git or dossier process is running, remove " + lock.string() + "\n");
    CHECK(head(acme()) == head_before);
    CHECK(read_file(acme() / "runbooks/vpn-reset.md") ==
          replaced(vpn_reset_document, "owner: jdupont\n", "owner: mlefevre\n"));

    fs::remove(lock);
    auto retry = dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"});

    CHECK(retry.exit_status == 0);
    CHECK(head(acme()) != head_before);
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(ClientSandbox, "set with a locked branch names the lock") {
    auto lock = acme() / ".git" / "refs" / "heads" / "main.lock";
    write_file(lock, "");
    auto head_before = head(acme());

    auto result = dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"});

    CHECK(result.exit_status == 3);
    CHECK(result.err == "dossier: error: Git reference is locked: " + lock.string() +
                            "\nhint: if no other git or dossier process is running, remove " + lock.string() + "\n");
    fs::remove(lock);
    CHECK(head(acme()) == head_before);
    CHECK(git_output(acme(), {"fsck", "--strict"}).find("error") == std::string::npos);
}

}  // namespace
