// End-to-end tests of the command line of dossier check: exit statuses, formats, --output,
// --today, --changed-since, the pre-commit hook and the CI examples of docs/ci.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sandbox.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ClientSandbox;
using dossier::e2e::ProcessResult;
using dossier::e2e::Sandbox;
using json = nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A contact whose e-mail address breaks the schema: one "schema" finding at line 4, column 8.
const std::string invalid_contact =
    "---\ntype: contact\ntitle: Support\nemail: not-an-address\n---\n# Support\n";
const std::string valid_contact = "---\ntype: contact\ntitle: Support\nemail: support@example.com\n---\n# Support\n";

// A workspace with the client "acme" where only the "schema" rule runs, at `schema_severity`,
// and whose documents are all valid, so that each test can predict every finding.
class SchemaOnlySandbox : public ClientSandbox {
public:
    explicit SchemaOnlySandbox(const std::string& schema_severity = "error") {
        auto firewall = dossier::e2e::firewall_document;
        firewall.replace(firewall.find("owner:"), 0, "asset_type: firewall\n");
        commit_document("acme", "assets/fw01.md", firewall);

        auto sarif = dossier({"check", "--format", "sarif", "--fail-on", "never", "--client", "acme"});
        REQUIRE(sarif.exit_status == 0);
        // dossier.yaml may end without a line feed.
        std::string rules = "\ncheck:\n  rules:\n";
        auto log = json::parse(sarif.out);
        for (const auto& rule : log["runs"][0]["tool"]["driver"]["rules"]) {
            std::string id = rule["id"];
            rules += "    " + id + ": " + (id == "schema" ? schema_severity : std::string("off")) + "\n";
        }
        auto settings = workspace() / "dossier.yaml";
        write_file(settings, read_file(settings) + rules);
    }

    // Runs `dossier check arguments` and returns the parsed --format json report.
    json json_report(std::vector<std::string> arguments) const {
        arguments.insert(arguments.begin(), {"check", "--format", "json", "--fail-on", "never"});
        auto result = dossier(arguments);
        INFO("dossier check: ", result.err);
        REQUIRE(result.exit_status == 0);
        return json::parse(result.out);
    }
};

std::vector<std::string> finding_paths(const json& report) {
    std::vector<std::string> paths;
    for (const auto& finding : report["findings"]) paths.push_back(finding["path"]);
    return paths;
}

// Returns the lines of `file` that run `dossier check`, without the indentation and "run: ".
std::vector<std::string> check_commands(const fs::path& file) {
    std::ifstream in(file);
    REQUIRE(in);
    std::vector<std::string> commands;
    for (std::string line; std::getline(in, line);) {
        std::string command = line.substr(std::min(line.find_first_not_of(' '), line.size()));
        if (command.starts_with("run: ")) command = command.substr(5);
        if (command.starts_with("dossier check ")) commands.push_back(command);
    }
    return commands;
}

// Runs `command` with sh in `directory`, with a PATH whose first folder contains the dossier binary
// under its own name, as in a CI job.
ProcessResult run_shell(const Sandbox& sandbox, const fs::path& directory, const std::string& command,
                        std::map<std::string, std::string> variables) {
    auto bin = sandbox.root() / "bin";
    fs::create_directories(bin);
    if (!fs::exists(bin / "dossier")) fs::create_symlink(DOSSIER_BINARY, bin / "dossier");
    auto environment = sandbox.environment;
    environment["PATH"] = bin.string() + ":" + environment["PATH"];
    for (auto& [name, value] : variables) environment[name] = value;
    return dossier::e2e::run_process({"sh", "-c", command}, environment, directory);
}

}  // namespace

TEST_CASE_FIXTURE(SchemaOnlySandbox, "fail-on error exits 1 on an error") {
    write_file(acme() / "contacts/support.md", invalid_contact);
    auto result = dossier({"check", "--client", "acme"});
    INFO("dossier check: ", result.err);
    CHECK(result.exit_status == 1);
    CHECK(contains(result.out, "clients/acme/contacts/support.md:4:8: error: email:"));
    CHECK(contains(result.err, "1 error, 0 warnings"));
}

TEST_CASE_FIXTURE(SchemaOnlySandbox, "fail-on never exits 0 on an error") {
    write_file(acme() / "contacts/support.md", invalid_contact);
    auto result = dossier({"check", "--client", "acme", "--fail-on", "never"});
    CHECK(result.exit_status == 0);
    CHECK(contains(result.out, "[schema]"));
}

TEST_CASE("fail-on error exits 0 on a warning") {
    SchemaOnlySandbox sandbox("warning");
    Sandbox::write_file(sandbox.acme() / "contacts/support.md", invalid_contact);
    auto result = sandbox.dossier({"check", "--client", "acme"});
    CHECK(result.exit_status == 0);
    CHECK(contains(result.out, "clients/acme/contacts/support.md:4:8: warning: email:"));
    CHECK(contains(result.err, "0 errors, 1 warning"));
}

TEST_CASE("fail-on warning exits 1 on a warning") {
    SchemaOnlySandbox sandbox("warning");
    Sandbox::write_file(sandbox.acme() / "contacts/support.md", invalid_contact);
    auto result = sandbox.dossier({"check", "--client", "acme", "--fail-on", "warning"});
    CHECK(result.exit_status == 1);
}

TEST_CASE_FIXTURE(SchemaOnlySandbox, "fail-on warning exits 0 without findings") {
    auto result = dossier({"check", "--client", "acme", "--fail-on", "warning"});
    CHECK(result.exit_status == 0);
    CHECK(result.out == "");
}

TEST_CASE_FIXTURE(ClientSandbox, "check rejects invalid options") {
    auto level = dossier({"check", "--fail-on", "sometimes"});
    CHECK(level.exit_status == 2);
    auto format = dossier({"check", "--format", "xml"});
    CHECK(format.exit_status == 2);
    auto both = dossier({"check", "--json", "--format", "sarif"});
    CHECK(both.exit_status == 2);
    CHECK(contains(both.err, "--json conflicts with --format sarif"));
    auto changed_with_paths = dossier({"check", "clients/acme", "--changed-since", "HEAD"});
    CHECK(changed_with_paths.exit_status == 2);
}

TEST_CASE_FIXTURE(ClientSandbox, "today rejects an invalid date") {
    for (std::string date : {"2025-02-30", "2025-1-5", "tomorrow"}) {
        CAPTURE(date);
        auto result = dossier({"check", "--today", date});
        CHECK(result.exit_status == 2);
        CHECK(contains(result.err, "invalid --today: " + date));
        CHECK(result.out == "");
    }
    CHECK(dossier({"check", "--today", "2024-02-29", "--fail-on", "never"}).exit_status == 0);
}

TEST_CASE_FIXTURE(ClientSandbox, "invalid check settings exit 3") {
    auto settings = workspace() / "dossier.yaml";
    write_file(settings, read_file(settings) + "\ncheck:\n  rules:\n    no-such-rule: error\n");
    auto result = dossier({"check"});
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "dossier.yaml:"));
    CHECK(contains(result.err, "no-such-rule"));
}

TEST_CASE_FIXTURE(SchemaOnlySandbox, "output writes the report and prints only the summary") {
    write_file(acme() / "contacts/support.md", invalid_contact);
    write_file(root() / "reports/old.xml", "stale");
    auto result = dossier({"check", "--client", "acme", "--format", "junit", "--output", "../reports/old.xml"});
    CHECK(result.exit_status == 1);
    CHECK(result.out == "");
    CHECK(contains(result.err, "5 documents checked: 1 error, 0 warnings"));
    auto report = read_file(root() / "reports/old.xml");
    CHECK(report.starts_with("<?xml"));
    CHECK(contains(report, "classname=\"clients/acme/contacts/support.md\""));
    CHECK(contains(report, "name=\"schema 4:8\""));
    CHECK(contains(report, "classname=\"clients/acme/client.md\" file=\"clients/acme/client.md\" name=\"dossier check\"/>"));

    auto text = dossier({"check", "--client", "acme", "--output", "report.txt"});
    CHECK(text.out == "");
    CHECK(contains(read_file(workspace() / "report.txt"), "clients/acme/contacts/support.md:4:8: error: email:"));
}

TEST_CASE_FIXTURE(SchemaOnlySandbox, "sarif and github formats report the finding") {
    write_file(acme() / "contacts/support.md", invalid_contact);
    auto sarif = dossier({"check", "--client", "acme", "--format", "sarif"});
    CHECK(sarif.exit_status == 1);
    auto log = json::parse(sarif.out);
    REQUIRE(log["runs"][0]["results"].size() == 1);
    const auto& result = log["runs"][0]["results"][0];
    CHECK(result["ruleId"] == "schema");
    CHECK(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "clients/acme/contacts/support.md");
    CHECK(result["locations"][0]["physicalLocation"]["region"]["startLine"] == 4);

    auto github = dossier({"check", "--client", "acme", "--format", "github"});
    CHECK(github.exit_status == 1);
    CHECK(github.out.starts_with("::error file=clients/acme/contacts/support.md,line=4,col=8,title=schema::email: "));
}

TEST_CASE_FIXTURE(SchemaOnlySandbox, "changed-since checks changed and linking documents") {
    commit_document("acme", "contacts/support.md", invalid_contact);
    // runbooks/vpn-reset.md links to the changed contact; the others do not.
    write_file(acme() / "contacts/jeanne-dupont.md", dossier::e2e::jeanne_document + "\nMis à jour.\n");
    auto report = json_report({"--changed-since", "HEAD"});
    CHECK(report["summary"]["documents"] == 2);
    CHECK(report["findings"].empty());

    auto full = json_report({});
    CHECK(full["summary"]["documents"] == 5);
    CHECK(finding_paths(full) == std::vector<std::string>{"clients/acme/contacts/support.md"});
}

TEST_CASE_FIXTURE(SchemaOnlySandbox, "changed-since includes untracked and committed changes") {
    auto base = head(acme());
    commit_document("acme", "contacts/support.md", invalid_contact);
    write_file(acme() / "kb/new.md", "---\ntype: kb\n---\n");

    auto report = json_report({"--changed-since", base});
    CHECK(report["summary"]["documents"] == 2);
    auto paths = finding_paths(report);
    CHECK(std::count(paths.begin(), paths.end(), "clients/acme/contacts/support.md") == 1);
    CHECK(std::count(paths.begin(), paths.end(), "clients/acme/kb/new.md") >= 1);
}

TEST_CASE_FIXTURE(SchemaOnlySandbox, "changed-since checks documents linking to a deleted one") {
    fs::remove(acme() / "assets/fw01.md");
    auto report = json_report({"--changed-since", "HEAD"});
    // vpn-reset links to fw01; the deleted file itself is not read.
    CHECK(report["summary"]["documents"] == 1);
}

TEST_CASE_FIXTURE(ClientSandbox, "changed-since names a missing revision") {
    auto result = dossier({"check", "--changed-since", "no-such-branch"});
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, "revision not found in client acme: no-such-branch"));
    CHECK_FALSE(contains(result.err, "shallow"));
}

TEST_CASE_FIXTURE(SchemaOnlySandbox, "changed-since explains a shallow clone") {
    commit_document("acme", "contacts/support.md", valid_contact);
    auto source = root() / "acme-origin";
    fs::rename(acme(), source);
    git_output(root(), {"clone", "-q", "--depth", "1", "file://" + source.string(), acme().string()});
    REQUIRE(git_output(acme(), {"rev-parse", "--is-shallow-repository"}) == "true\n");

    auto too_far = dossier({"check", "--client", "acme", "--changed-since", "HEAD~1"});
    CHECK(too_far.exit_status == 3);
    CHECK(contains(too_far.err, "revision not found in client acme: HEAD~1"));
    CHECK(contains(too_far.err, "shallow clone"));
    CHECK(contains(too_far.err, "--deepen"));
    CHECK(contains(too_far.err, "--unshallow"));

    write_file(acme() / "contacts/support.md", invalid_contact);
    auto report = json_report({"--client", "acme", "--changed-since", "HEAD"});
    CHECK(report["summary"]["documents"] == 1);
    CHECK(finding_paths(report) == std::vector<std::string>{"clients/acme/contacts/support.md"});
}

TEST_CASE_FIXTURE(ClientSandbox, "hook install refuses a hook it did not write") {
    auto hook = acme() / ".git/hooks/pre-commit";
    write_file(hook, "#!/bin/sh\nexit 0\n");
    auto result = dossier({"hook", "install"});
    CHECK(result.exit_status == 3);
    CHECK(contains(result.err, hook.string()));
    CHECK(contains(result.err, "dossier check --staged --fail-on error"));
    CHECK(read_file(hook) == "#!/bin/sh\nexit 0\n");
}

TEST_CASE_FIXTURE(SchemaOnlySandbox, "pre-commit hook checks the staged content") {
    auto install = dossier({"hook", "install", "--client", "acme"});
    INFO("hook install: ", install.err);
    REQUIRE(install.exit_status == 0);
    auto hook = read_file(acme() / ".git/hooks/pre-commit");
    CHECK(contains(hook, DOSSIER_BINARY));
    CHECK(dossier({"hook", "install"}).exit_status == 0);  // its own hook is replaced

    // An invalid document is staged, then fixed in the working tree only: the commit is refused.
    write_file(acme() / "contacts/support.md", invalid_contact);
    git_output(acme(), {"add", "contacts/support.md"});
    write_file(acme() / "contacts/support.md", valid_contact);
    auto count = commit_count(acme());
    auto refused = git(acme(), {"commit", "-q", "-m", "Add the support contact"});
    CHECK(refused.exit_status != 0);
    CHECK(contains(refused.out + refused.err, "contacts/support.md:4:8: error: email:"));
    CHECK(commit_count(acme()) == count);

    // The fixed version is staged: the commit goes through, with plain git.
    git_output(acme(), {"add", "contacts/support.md"});
    write_file(acme() / "contacts/support.md", invalid_contact);
    auto accepted = git(acme(), {"commit", "-q", "-m", "Add the support contact"});
    INFO("git commit: ", accepted.out, accepted.err);
    CHECK(accepted.exit_status == 0);
    CHECK(commit_count(acme()) == count + 1);
}

TEST_CASE_FIXTURE(SchemaOnlySandbox, "pre-commit hook checks git commit -a") {
    REQUIRE(dossier({"hook", "install"}).exit_status == 0);
    write_file(acme() / "assets/fw01.md", invalid_contact);
    auto refused = git(acme(), {"commit", "-q", "-a", "-m", "Replace the firewall"});
    CHECK(refused.exit_status != 0);
    CHECK(contains(refused.out + refused.err, "assets/fw01.md:4:8: error: email:"));
}

TEST_CASE_FIXTURE(SchemaOnlySandbox, "github actions example reports the findings") {
    auto base = head(acme());
    commit_document("acme", "contacts/support.md", invalid_contact);
    auto commands = check_commands(fs::path(DOSSIER_SOURCE_DIR) / "docs/ci/github-actions.yml");
    REQUIRE(commands.size() == 2);
    for (const auto& command : commands) {
        CAPTURE(command);
        auto result = run_shell(*this, acme(), command, {{"CLIENT", "acme"}, {"BASE", base}});
        CHECK(result.exit_status == 1);
        CHECK(result.out == "::error file=contacts/support.md,line=4,col=8,title=schema::email: \"not-an-address\" is "
                            "not a valid e-mail address\n");
    }
}

TEST_CASE_FIXTURE(SchemaOnlySandbox, "gitlab example writes a junit report") {
    auto base = head(acme());
    commit_document("acme", "contacts/support.md", invalid_contact);
    auto commands = check_commands(fs::path(DOSSIER_SOURCE_DIR) / "docs/ci/gitlab-ci.yml");
    REQUIRE(commands.size() == 2);
    for (std::size_t i = 0; i < commands.size(); ++i) {
        CAPTURE(commands[i]);
        auto project = root() / ("project-" + std::to_string(i));
        fs::create_directories(project);
        auto result = run_shell(*this, acme(), commands[i],
                                {{"CLIENT", "acme"}, {"CI_MERGE_REQUEST_DIFF_BASE_SHA", base}, {"CI_PROJECT_DIR", project.string()}});
        CHECK(result.exit_status == 1);
        CHECK(result.out == "");
        auto report = read_file(project / "report.xml");
        CHECK(contains(report, "<testcase classname=\"contacts/support.md\" file=\"contacts/support.md\" name=\"schema 4:8\">"));
        CHECK(contains(report, "<failure message=\"email: &quot;not-an-address&quot; is not a valid e-mail address\" type=\"error\">"));
        auto lint = dossier::e2e::run_process({"xmllint", "--noout", (project / "report.xml").string()}, environment, root());
        CHECK(lint.exit_status == 0);
    }
}
