// End-to-end tests of the dossier binary: init, clients, finding the workspace, usage errors
// and languages.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

#include "sandbox.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ClientSandbox;
using dossier::e2e::Sandbox;
using nlohmann::json;

const std::string no_workspace_hint =
    "hint: create one with \"dossier init DIR\", or name one with -C DIR or DOSSIER_WORKSPACE\n";

// --- init ------------------------------------------------------------------------------

TEST_CASE_FIXTURE(Sandbox, "init creates the layout and a first commit") {
    auto result = dossier({"init", "ws"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: created a workspace at " + workspace().string() +
                            "\ndossier: next: dossier client add \"Client name\"\n");
    CHECK(fs::is_regular_file(workspace() / "dossier.yaml"));
    CHECK(fs::is_directory(workspace() / "types"));
    CHECK(fs::is_regular_file(workspace() / "team" / "team.yaml"));
    CHECK(fs::is_directory(workspace() / "clients"));
    CHECK(fs::is_regular_file(workspace() / ".gitignore"));
    CHECK(read_file(workspace() / ".gitignore").find("/clients/") != std::string::npos);
    CHECK(read_file(workspace() / "dossier.yaml").find("language: en\n") != std::string::npos);

    CHECK(git_output(workspace(), {"log", "--format=%an <%ae>|%s"}) ==
          "Alice Martin <alice@example.com>|Create the dossier workspace\n");
    CHECK(git_output(workspace(), {"ls-files"}) == ".gitignore\ndossier.yaml\nteam/team.yaml\ntypes/README.md\n");
    CHECK_REPOSITORY_HEALTHY(*this, workspace());
}

TEST_CASE_FIXTURE(Sandbox, "init twice changes nothing and says so") {
    init_workspace();
    auto head_before = head(workspace());
    auto config_before = read_file(workspace() / "dossier.yaml");

    auto result = dossier({"init", "."});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: a workspace already exists at " + workspace().string() + ": nothing changed\n");
    CHECK(head(workspace()) == head_before);
    CHECK(commit_count(workspace()) == 1);
    CHECK(read_file(workspace() / "dossier.yaml") == config_before);
    CHECK_REPOSITORY_HEALTHY(*this, workspace());
}

TEST_CASE_FIXTURE(Sandbox, "init . names the workspace after its folder") {
    fs::create_directories(workspace());

    auto result = dossier({"init", "."});

    CHECK(result.exit_status == 0);
    CHECK(result.err.starts_with("dossier: created a workspace at " + workspace().string() + "\n"));
    CHECK(read_file(workspace() / "dossier.yaml").find("\nname: ws\n") != std::string::npos);
}

TEST_CASE_FIXTURE(Sandbox, "init with -C creates it there") {
    auto result = dossier_in(root(), {"-C", "ws", "init"});

    CHECK(result.exit_status == 0);
    CHECK(fs::is_regular_file(workspace() / "dossier.yaml"));
    CHECK_FALSE(fs::exists(root() / "dossier.yaml"));
}

TEST_CASE_FIXTURE(Sandbox, "init in French writes a French workspace") {
    auto result = dossier({"--lang", "fr", "init", "ws"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "");
    CHECK(read_file(workspace() / "dossier.yaml").find("language: fr\n") != std::string::npos);
    CHECK(read_file(workspace() / "types" / "README.md").find("Types propres") != std::string::npos);
}

TEST_CASE_FIXTURE(Sandbox, "init keeps the files of an existing repository") {
    write_file(workspace() / ".gitignore", "notes-privees.txt\n");
    write_file(workspace() / "team/team.yaml", "- id: cmartin\n  name: Claire Martin\n  email: claire@example.fr\n");
    git_output(workspace(), {"init", "-q"});
    git_output(workspace(), {"add", "-A"});
    git_output(workspace(), {"commit", "-q", "-m", "Team"});

    auto result = dossier({"init"});

    CHECK(result.exit_status == 0);
    CHECK(read_file(workspace() / ".gitignore") ==
          "notes-privees.txt\n"
          "# Client repositories and local state are not part of the workspace repository.\n"
          "/clients/\n/.dossier/\n");
    CHECK(read_file(workspace() / "team/team.yaml") ==
          "- id: cmartin\n  name: Claire Martin\n  email: claire@example.fr\n");
    CHECK(git_output(workspace(), {"show", "--format=", "--name-only", "HEAD"}) ==
          ".gitignore\ndossier.yaml\ntypes/README.md\n");
    CHECK_REPOSITORY_HEALTHY(*this, workspace());
}

TEST_CASE_FIXTURE(Sandbox, "init keeps an existing Git history") {
    write_file(workspace() / "notes.txt", "notes\n");
    git_output(workspace(), {"init", "-q"});
    git_output(workspace(), {"add", "notes.txt"});
    git_output(workspace(), {"commit", "-q", "-m", "Notes"});

    auto result = dossier({"init"});

    CHECK(result.exit_status == 0);
    CHECK(commit_count(workspace()) == 2);
    CHECK(git_output(workspace(), {"log", "-1", "--format=%s"}) == "Create the dossier workspace\n");
    CHECK_REPOSITORY_HEALTHY(*this, workspace());
}

// --- identity --------------------------------------------------------------------------

TEST_CASE_FIXTURE(Sandbox, "init takes the author from ~/.gitconfig") {
    environment.erase("GIT_AUTHOR_NAME");
    environment.erase("GIT_AUTHOR_EMAIL");
    write_file(home() / ".gitconfig", "[user]\n\tname = Bruno Petit\n\temail = bruno@example.com\n");

    auto init = dossier({"init", "ws"});
    auto add = dossier({"client", "add", "Acme"});

    CHECK(init.exit_status == 0);
    CHECK(init.err.find("error") == std::string::npos);
    CHECK(add.exit_status == 0);
    CHECK(add.err.find("error") == std::string::npos);
    CHECK(git_output(workspace(), {"log", "--format=%an <%ae>"}) == "Bruno Petit <bruno@example.com>\n");
    CHECK(git_output(client_dir("acme"), {"log", "--format=%an <%ae>"}) == "Bruno Petit <bruno@example.com>\n");
}

TEST_CASE_FIXTURE(Sandbox, "init without identity says how to set one") {
    environment.erase("GIT_AUTHOR_NAME");
    environment.erase("GIT_AUTHOR_EMAIL");

    auto result = dossier({"init", "ws"});

    CHECK(result.exit_status == 3);
    CHECK(result.out == "");
    CHECK(result.err ==
          "dossier: error: no author for the commit: Git's user.name and user.email are not set\n"
          "hint: run: git config --global user.name \"Your Name\" && git config --global user.email you@example.com"
          " (or set DOSSIER_TECHNICIAN to your id in team/team.yaml)\n");
    CHECK_FALSE(fs::exists(workspace() / "dossier.yaml"));
}

// --- client add and list ---------------------------------------------------------------

TEST_CASE_FIXTURE(Sandbox, "client add slug drops accents, title keeps them") {
    init_workspace();

    auto result = dossier({"client", "add", "Société Générale de Plomberie"});

    auto slug = std::string("societe-generale-de-plomberie");
    CHECK(result.exit_status == 0);
    CHECK(result.out == slug + "\n");
    CHECK(result.err == "dossier: added client Société Générale de Plomberie in " + client_dir(slug).string() + "\n");
    CHECK(read_file(client_dir(slug) / "client.md") ==
          "---\n"
          "type: client\n"
          "title: Société Générale de Plomberie\n"
          "status: draft\n"
          "reviewed: 2026-03-15\n"
          "---\n"
          "# Société Générale de Plomberie\n"
          "\n"
          "Client summary: business, main contacts, sites and current contract.\n");
    CHECK(git_output(client_dir(slug), {"log", "--format=%an <%ae>|%cn <%ce>|%s"}) ==
          "Alice Martin <alice@example.com>|Alice Martin <alice@example.com>|Add client " + slug + "\n");
    CHECK(git_output(client_dir(slug), {"branch", "--show-current"}) == "main\n");
    CHECK_REPOSITORY_HEALTHY(*this, client_dir(slug));
    CHECK(status(workspace()) == "");
}

TEST_CASE_FIXTURE(Sandbox, "client add takes an explicit slug") {
    init_workspace();

    auto result = dossier({"client", "add", "Boulangerie Lefèvre", "--slug", "lefevre-2"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "lefevre-2\n");
    CHECK(fs::is_regular_file(client_dir("lefevre-2") / "client.md"));
}

TEST_CASE_FIXTURE(Sandbox, "client add rejects invalid slugs as usage errors") {
    init_workspace();

    for (const std::string slug : {"../x", "Acme", "a--b", "a/b", "-acme", "acme-", "acme sarl"}) {
        CAPTURE(slug);
        auto result = dossier({"client", "add", "Acme", "--slug", slug});

        CHECK(result.exit_status == 2);
        CHECK(result.out == "");
        CHECK(result.err ==
              "dossier: error: invalid client slug: \"" + slug +
                  "\"\nhint: a slug is made of lowercase letters, digits and single hyphens, such as acme-sarl;"
                  " give one with --slug\n");
    }
    CHECK(fs::is_empty(workspace() / "clients"));
    CHECK_FALSE(fs::exists(root() / "x"));
}

TEST_CASE_FIXTURE(Sandbox, "client add rejects a name without letters") {
    init_workspace();

    auto result = dossier({"client", "add", "!!!"});

    CHECK(result.exit_status == 2);
    CHECK(result.err.starts_with("dossier: error: invalid client slug: \"\"\n"));
}

TEST_CASE_FIXTURE(Sandbox, "client add twice fails and keeps the first client") {
    init_workspace();
    add_client("Acme");
    auto head_before = head(client_dir("acme"));

    auto result = dossier({"client", "add", "ACME"});

    CHECK(result.exit_status == 3);
    CHECK(result.out == "");
    CHECK(result.err ==
          "dossier: error: client already exists: acme\n"
          "hint: choose another name, or give another slug with --slug\n");
    CHECK(head(client_dir("acme")) == head_before);
    CHECK(read_file(client_dir("acme") / "client.md").find("title: Acme\n") != std::string::npos);
}

TEST_CASE_FIXTURE(Sandbox, "client list prints slugs and names") {
    init_workspace();
    add_client("Société Générale de Plomberie");
    add_client("Acme");

    auto result = dossier({"client", "list"});

    CHECK(result.exit_status == 0);
    CHECK(result.err == "");
    CHECK(result.out ==
          "acme                           Acme\n"
          "societe-generale-de-plomberie  Société Générale de Plomberie\n");
}

TEST_CASE_FIXTURE(Sandbox, "client list on empty workspace says how to add") {
    init_workspace();

    auto result = dossier({"client", "list"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: no clients yet: add one with dossier client add \"Client name\"\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "client list --json gives every field") {
    auto result = dossier({"client", "list", "--json"});

    REQUIRE(result.exit_status == 0);
    CHECK(result.err == "");
    auto clients = json::parse(result.out);
    REQUIRE(clients.size() == 1);
    CHECK(clients[0]["slug"] == "acme");
    CHECK(clients[0]["name"] == "Acme");
    CHECK(clients[0]["path"] == acme().string());
    CHECK(clients[0]["documents"] == 4);
}

// --- finding the workspace -------------------------------------------------------------

TEST_CASE_FIXTURE(ClientSandbox, "workspace is found with -C") {
    auto result = dossier_in(root(), {"-C", "ws", "client", "list"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "acme  Acme\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "workspace is found from a subfolder") {
    auto result = dossier_in(acme() / "runbooks", {"client", "list"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "acme  Acme\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "workspace is found through DOSSIER_WORKSPACE") {
    environment["DOSSIER_WORKSPACE"] = workspace().string();

    auto result = dossier_in(root(), {"client", "list"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "acme  Acme\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "current folder wins over DOSSIER_WORKSPACE") {
    auto other = dossier_in(root(), {"init", "other"});
    REQUIRE(other.exit_status == 0);
    environment["DOSSIER_WORKSPACE"] = (root() / "other").string();

    auto result = dossier({"client", "list"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "acme  Acme\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "-C wins over the current folder") {
    auto other = dossier_in(root(), {"init", "other"});
    REQUIRE(other.exit_status == 0);

    auto result = dossier({"-C", (root() / "other").string(), "client", "list"});

    CHECK(result.exit_status == 0);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: no clients yet: add one with dossier client add \"Client name\"\n");
}

TEST_CASE_FIXTURE(Sandbox, "outside a workspace the error says how to create one") {
    auto result = dossier_in(root(), {"client", "list"});

    CHECK(result.exit_status == 3);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: error: no dossier workspace found at " + root().string() + "\n" + no_workspace_hint);
}

TEST_CASE_FIXTURE(ClientSandbox, "-C naming a folder without a workspace fails") {
    auto result = dossier({"-C", home().string(), "list"});

    CHECK(result.exit_status == 3);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: error: no dossier workspace found at " + home().string() + "\n" + no_workspace_hint);
}

// --- usage errors and help -------------------------------------------------------------

TEST_CASE_FIXTURE(Sandbox, "unknown command suggests the closest one") {
    auto result = dossier({"shwo", "acme/x"});

    CHECK(result.exit_status == 2);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: error: unknown command: shwo\nhint: did you mean show?\n");
}

TEST_CASE_FIXTURE(Sandbox, "unknown command far from any points to help") {
    auto result = dossier({"frobnicate"});

    CHECK(result.exit_status == 2);
    CHECK(result.err ==
          "dossier: error: unknown command: frobnicate\nhint: run \"dossier --help\" to see the commands\n");
}

TEST_CASE_FIXTURE(Sandbox, "command-line errors exit with status 2") {
    const std::vector<std::vector<std::string>> cases = {
        {},         {"show"},          {"list", "--bogus"},   {"log", "-n", "many"},
        {"client"}, {"client", "add"}, {"restore", "acme/x"}, {"--lang"},
    };
    for (const auto& arguments : cases) {
        std::string command_line;
        for (const auto& argument : arguments) command_line += argument + " ";
        CAPTURE(command_line);
        auto result = dossier(arguments);

        CHECK(result.exit_status == 2);
        CHECK(result.out == "");
        CHECK(result.err.starts_with("dossier: error: "));
        CHECK(result.err.find("\nhint: ") != std::string::npos);
    }
}

TEST_CASE_FIXTURE(Sandbox, "invalid --lang value is a usage error") {
    auto result = dossier({"--lang", "de", "version"});

    CHECK(result.exit_status == 2);
    CHECK(result.out == "");
    CHECK(result.err == "dossier: error: invalid language: de\nhint: use --lang fr or --lang en\n");
}

TEST_CASE_FIXTURE(Sandbox, "--help prints the commands and exits with 0") {
    auto result = dossier({"--help"});

    CHECK(result.exit_status == 0);
    CHECK(result.err == "");
    for (const char* command : {"init", "client", "show", "list", "set", "mv", "rm", "log", "diff", "restore"}) {
        CAPTURE(command);
        CHECK(result.out.find(std::string("\n  ") + command + " ") != std::string::npos);
    }
}

TEST_CASE_FIXTURE(Sandbox, "help of a command describes its options") {
    auto result = dossier({"set", "--help"});

    CHECK(result.exit_status == 0);
    CHECK(result.err == "");
    CHECK(result.out.find("--unset") != std::string::npos);
    CHECK(result.out.find("--string") != std::string::npos);
}

TEST_CASE_FIXTURE(Sandbox, "version prints the version on stdout") {
    auto result = dossier({"version"});

    CHECK(result.exit_status == 0);
    CHECK(result.err == "");
    CHECK(result.out.starts_with("dossier "));
    CHECK(result.out.find('\n') == result.out.size() - 1);
}

TEST_CASE_FIXTURE(Sandbox, "version --verbose outside a workspace") {
    auto result = dossier_in(root(), {"version", "--verbose"});

    CHECK(result.exit_status == 0);
    CHECK(result.err == "");
    CHECK(result.out.find("\nlibgit2 ") != std::string::npos);
    CHECK(result.out.find("\ncmark-gfm ") != std::string::npos);
    CHECK(result.out.find("\nlanguage: en\n") != std::string::npos);
    CHECK(result.out.find("\nworkspace: -\n") != std::string::npos);
}

TEST_CASE_FIXTURE(ClientSandbox, "version --verbose names the workspace") {
    auto result = dossier({"version", "--verbose"});

    CHECK(result.exit_status == 0);
    CHECK(result.out.find("\nworkspace: " + workspace().string() + "\n") != std::string::npos);
}

// --- languages -------------------------------------------------------------------------

TEST_CASE_FIXTURE(Sandbox, "--lang fr gives French messages") {
    auto result = dossier_in(root(), {"--lang", "fr", "list"});

    CHECK(result.exit_status == 3);
    CHECK(result.out == "");
    CHECK(result.err.starts_with("dossier: erreur : aucun espace de travail dossier trouvé dans " + root().string() +
                                 "\nconseil : "));
    CHECK(result.err.find("no dossier workspace found") == std::string::npos);
}

TEST_CASE_FIXTURE(Sandbox, "LANGUAGE=fr gives French messages") {
    environment["LANGUAGE"] = "fr";

    auto result = dossier_in(root(), {"list"});

    CHECK(result.exit_status == 3);
    CHECK(result.err.find("aucun espace de travail dossier trouvé dans " + root().string()) != std::string::npos);
}

TEST_CASE_FIXTURE(ClientSandbox, "invalid DOSSIER_LOCK_TIMEOUT is a usage error") {
    environment["DOSSIER_LOCK_TIMEOUT"] = "abc";

    auto result = dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"});

    CHECK(result.exit_status == 2);
    CHECK(result.err ==
          "dossier: error: invalid DOSSIER_LOCK_TIMEOUT: abc\n"
          "hint: give a number of seconds between 0 and 86400, such as 30\n");
}

TEST_CASE_FIXTURE(ClientSandbox, "options and settings that cannot work are usage errors") {
    CHECK(dossier({"client", "add", "Acme\nSARL"}).exit_status == 2);
    CHECK(dossier({"show", "--raw", "--json", "acme/runbooks/vpn-reset"}).exit_status == 2);
    CHECK(dossier({"log", "-n", "-1"}).exit_status == 2);

    environment["DOSSIER_TODAY"] = "2024-02-30";
    auto today = dossier({"client", "add", "Beta"});
    CHECK(today.exit_status == 2);
    CHECK(today.err.starts_with("dossier: error: invalid DOSSIER_TODAY: 2024-02-30\n"));
    CHECK_FALSE(fs::exists(client_dir("beta")));
}

TEST_CASE_FIXTURE(ClientSandbox, "list skips symbolic links") {
    write_file(root() / "outside.md", "---\ntype: note\ntitle: Outside\n---\n");
    fs::create_symlink(root() / "outside.md", acme() / "runbooks" / "outside.md");

    auto result = dossier({"list", "--client", "acme"});

    CHECK(result.exit_status == 0);
    CHECK(result.out.find("Outside") == std::string::npos);
    CHECK(result.out.find("acme/runbooks/outside") == std::string::npos);
}

TEST_CASE_FIXTURE(Sandbox, "--lang en wins over a French locale") {
    environment["LANGUAGE"] = "fr";

    auto result = dossier_in(root(), {"--lang", "en", "list"});

    CHECK(result.exit_status == 3);
    CHECK(result.err == "dossier: error: no dossier workspace found at " + root().string() + "\n" + no_workspace_hint);
}

}  // namespace

TEST_CASE_FIXTURE(Sandbox, "help names a positional argument once") {
    auto english = dossier({"show", "--help"});
    auto french = dossier({"--lang", "fr", "show", "--help"});

    CHECK(english.exit_status == 0);
    CHECK(english.out.find("  REF REQUIRED ") != std::string::npos);
    CHECK(english.out.find("REF REF") == std::string::npos);
    CHECK(french.out.find("  REF OBLIGATOIRE ") != std::string::npos);
    CHECK(french.out.find("Utilisation: dossier show") != std::string::npos);
}
