#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "dossier/error.hpp"
#include "dossier/workspace_remotes.hpp"
#include "temporary_folder.hpp"

using dossier::Error;
using dossier::ListedClient;
using dossier::WorkspaceRemotes;
using dossier::with_listed_clients;

namespace {

// Returns the remotes of a workspace whose dossier.yaml is `settings`.
WorkspaceRemotes read_remotes(const std::string& settings) {
    dossier::test::TemporaryFolder folder("remotes");
    std::ofstream(folder.path() / "dossier.yaml") << settings;
    return WorkspaceRemotes::read(dossier::Workspace::open(folder.path()));
}

// Returns the message of the error that reading `settings` throws, or "" when none.
std::string read_error(const std::string& settings) {
    try {
        read_remotes(settings);
    } catch (const Error& error) {
        return error.what();
    }
    return "";
}

}  // namespace

TEST_CASE("listed clients are added at the end") {
    std::string text = "# Settings\nname: Atelier\nlanguage: fr\n";

    std::string result = with_listed_clients(text, {{"acme", ""}, {"globex", "https://git.example.test/globex.git"}});

    CHECK(result.starts_with(text));
    CHECK(result.ends_with("clients:\n  acme:\n  globex: \"https://git.example.test/globex.git\"\n"));
}

TEST_CASE("listed clients replace the old block only") {
    std::string text =
        "name: Atelier\n"
        "clients:\n"
        "  acme:\n"
        "  # a comment inside the block\n"
        "\n"
        "# about the next key\n"
        "language: fr\n";

    std::string result = with_listed_clients(text, {{"acme", ""}, {"initech", ""}});

    CHECK(result ==
          "name: Atelier\n"
          "clients:\n"
          "  acme:\n"
          "  initech:\n"
          "\n"
          "# about the next key\n"
          "language: fr\n");
}

TEST_CASE("listed clients keep CRLF line endings") {
    std::string result = with_listed_clients("name: Atelier\r\n", {{"acme", ""}});

    CHECK(result.ends_with("clients:\r\n  acme:\r\n"));
    CHECK(result.find("\n") == result.find("\r\n") + 1);
}

TEST_CASE("listed client URL with quotes is escaped") {
    std::string result = with_listed_clients("name: x\n", {{"acme", "/srv/git/\"odd\"\\name.git"}});

    CHECK(result.find("  acme: \"/srv/git/\\\"odd\\\"\\\\name.git\"\n") != std::string::npos);
}

TEST_CASE("listed clients under a quoted key are rejected") {
    CHECK_THROWS_AS(with_listed_clients("\"clients\":\n  acme:\n", {{"acme", ""}, {"globex", ""}}), Error);
}

TEST_CASE("url_for prefers the listed URL, then the pattern") {
    WorkspaceRemotes remotes{"git@git.example.test:msp/{client}.git", {{"acme", ""}, {"globex", "/srv/globex.git"}}};

    CHECK(remotes.url_for("acme") == "git@git.example.test:msp/acme.git");
    CHECK(remotes.url_for("globex") == "/srv/globex.git");
    CHECK(remotes.url_for("unlisted") == "git@git.example.test:msp/unlisted.git");
    CHECK_FALSE(WorkspaceRemotes{}.url_for("acme").has_value());
}

TEST_CASE("remotes read the pattern and the listed clients") {
    auto remotes = read_remotes("name: x\nremote: ssh://git@h/{client}.git\nclients:\n  acme:\n  globex: /srv/g.git\n");

    CHECK(remotes.pattern == "ssh://git@h/{client}.git");
    REQUIRE(remotes.clients.size() == 2);
    CHECK(remotes.clients[0].slug == "acme");
    CHECK(remotes.clients[0].url == "");
    CHECK(remotes.clients[1].url == "/srv/g.git");
}

TEST_CASE("remotes reject bad settings") {
    CHECK(read_error("remote: ssh://git@h/msp.git\n").find("invalid remote") != std::string::npos);
    CHECK(read_error("clients: [acme]\n").find("invalid clients") != std::string::npos);
    CHECK(read_error("clients:\n  Not A Slug:\n").find("invalid client slug") != std::string::npos);
    CHECK(read_error("clients:\n  acme: [a, b]\n").find("invalid URL of client acme") != std::string::npos);
    CHECK(read_error("name: x\n") == "");
}
