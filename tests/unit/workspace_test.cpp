// Tests of the workspace: finding it, creating it, clients, slugs, suggestions and authors.
#include "dossier/workspace.hpp"

#include <doctest/doctest.h>
#include <git2.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "dossier/error.hpp"
#include "temporary_folder.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::client_slug;
using dossier::closest_matches;
using dossier::Error;
using dossier::ErrorKind;
using dossier::InitOutcome;
using dossier::resolve_author;
using dossier::Technician;
using dossier::Workspace;
using dossier::WorkspaceSearch;
using dossier::git::Repository;
using dossier::git::Signature;

const Signature author{"Alice Martin", "alice@example.com"};

using dossier::test::TemporaryFolder;

// Sets an environment variable for the life of the object, then restores its old value.
class ScopedEnvironment {
public:
    ScopedEnvironment(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value != nullptr) {
            setenv(name, value, 1);
        } else {
            unsetenv(name);
        }
    }
    ~ScopedEnvironment() {
        if (old_) {
            setenv(name_.c_str(), old_->c_str(), 1);
        } else {
            unsetenv(name_.c_str());
        }
    }
    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

private:
    std::string name_;
    std::optional<std::string> old_;
};

void write_file(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

// Initialises libgit2, points its global and system configuration at an empty folder so
// that the tester's ~/.gitconfig changes nothing, and clears the author variables.
class WorkspaceFixture {
public:
    WorkspaceFixture() {
        fs::create_directories(global_config_dir());
        for (int level :
             {GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_PROGRAMDATA}) {
            git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, global_config_dir().c_str());
        }
    }
    ~WorkspaceFixture() {
        for (int level :
             {GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_PROGRAMDATA}) {
            git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, nullptr);
        }
    }
    WorkspaceFixture(const WorkspaceFixture&) = delete;
    WorkspaceFixture& operator=(const WorkspaceFixture&) = delete;

protected:
    dossier::git::Library library_;
    TemporaryFolder config_home_;
    TemporaryFolder sandbox_;
    ScopedEnvironment author_name_{"GIT_AUTHOR_NAME", nullptr};
    ScopedEnvironment author_email_{"GIT_AUTHOR_EMAIL", nullptr};

    fs::path global_config_dir() const { return config_home_.path() / "global"; }
    fs::path root() const { return sandbox_.path() / "msp"; }

    Workspace make_workspace() {
        REQUIRE(Workspace::init(root(), "en", author) == InitOutcome::created);
        return Workspace::open(root());
    }
};

std::optional<std::string> head_of(const fs::path& workdir) { return Repository::open(workdir).head_commit(); }

// --- find_root -------------------------------------------------------------------------

TEST_CASE_FIXTURE(WorkspaceFixture, "find_root searches upward from the current folder") {
    make_workspace();
    fs::create_directories(root() / "clients" / "acme" / "runbooks");

    auto found = Workspace::find_root({std::nullopt, root() / "clients" / "acme" / "runbooks", std::nullopt});

    REQUIRE(found.has_value());
    CHECK(*found == root());
}

TEST_CASE_FIXTURE(WorkspaceFixture, "find_root order is -C, current folder, environment") {
    make_workspace();
    auto other = sandbox_.path() / "other";
    REQUIRE(Workspace::init(other, "en", author) == InitOutcome::created);
    auto outside = sandbox_.path() / "outside";
    fs::create_directories(outside);

    CHECK(Workspace::find_root({other, root(), root()}) == other);
    CHECK(Workspace::find_root({std::nullopt, root() / "team", other}) == root());
    CHECK(Workspace::find_root({std::nullopt, outside, other}) == other);
    CHECK(Workspace::find_root({std::nullopt, outside, std::nullopt}) == std::nullopt);
}

TEST_CASE_FIXTURE(WorkspaceFixture, "find_root does not fall back after -C") {
    make_workspace();
    auto outside = sandbox_.path() / "outside";
    fs::create_directories(outside);

    CHECK(Workspace::find_root({outside, root(), root()}) == std::nullopt);
}

TEST_CASE_FIXTURE(WorkspaceFixture, "find_root ignores an environment folder without a workspace") {
    auto outside = sandbox_.path() / "outside";
    fs::create_directories(outside);

    CHECK(Workspace::find_root({std::nullopt, outside, outside}) == std::nullopt);
}

TEST_CASE_FIXTURE(WorkspaceFixture, "find_root returns a normalised path") {
    make_workspace();

    CHECK(Workspace::find_root({root() / "team" / "..", sandbox_.path(), std::nullopt}) == root());
}

// --- init and open ---------------------------------------------------------------------

TEST_CASE_FIXTURE(WorkspaceFixture, "init creates the layout and one commit") {
    REQUIRE(Workspace::init(root(), "fr", author) == InitOutcome::created);

    CHECK(fs::is_regular_file(root() / "dossier.yaml"));
    CHECK(fs::is_regular_file(root() / "team" / "team.yaml"));
    CHECK(fs::is_directory(root() / "types"));
    CHECK(fs::is_directory(root() / "clients"));
    CHECK(read_file(root() / ".gitignore").find("/clients/\n/.dossier/\n") != std::string::npos);
    auto head = head_of(root());
    REQUIRE(head.has_value());
    auto log = Repository::open(root()).log("", 0);
    REQUIRE(log.size() == 1);
    CHECK(log[0].summary == "Create the dossier workspace");
    CHECK(log[0].author_name == "Alice Martin");
    CHECK_FALSE(Repository::open(root()).is_modified(""));

    auto workspace = Workspace::open(root());
    CHECK(workspace.name() == "msp");
    CHECK(workspace.language() == "fr");
    CHECK(workspace.clients().empty());
    CHECK(workspace.technicians().empty());
}

TEST_CASE_FIXTURE(WorkspaceFixture, "init twice changes nothing") {
    make_workspace();
    auto head = head_of(root());
    auto config = read_file(root() / "dossier.yaml");

    CHECK(Workspace::init(root(), "fr", author) == InitOutcome::already_exists);

    CHECK(head_of(root()) == head);
    CHECK(read_file(root() / "dossier.yaml") == config);
}

TEST_CASE_FIXTURE(WorkspaceFixture, "init of DIR/. names the workspace after DIR") {
    fs::create_directories(root());

    REQUIRE(Workspace::init(root() / ".", "en", author) == InitOutcome::created);

    CHECK(Workspace::open(root()).name() == "msp");
}

TEST_CASE_FIXTURE(WorkspaceFixture, "open reads name and language from dossier.yaml") {
    write_file(root() / "dossier.yaml", "name: \"Infogérance Dupont\"\nlanguage: fr\n");

    auto workspace = Workspace::open(root());

    CHECK(workspace.name() == "Infogérance Dupont");
    CHECK(workspace.language() == "fr");
    CHECK(workspace.clients_dir() == root() / "clients");
}

TEST_CASE_FIXTURE(WorkspaceFixture, "open of an invalid dossier.yaml names the file") {
    write_file(root() / "dossier.yaml", "name: [unclosed\n");

    try {
        Workspace::open(root());
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::invalid_input);
        REQUIRE(error.location().has_value());
        CHECK(error.location()->path == root() / "dossier.yaml");
    }
}

// --- clients ---------------------------------------------------------------------------

TEST_CASE_FIXTURE(WorkspaceFixture, "add_client creates a repository with client.md and one commit") {
    auto workspace = make_workspace();

    auto client = workspace.add_client("Société Générale", "societe-generale", "fr", author, "2026-03-15");

    CHECK(client.slug == "societe-generale");
    CHECK(client.name == "Société Générale");
    CHECK(client.directory == root() / "clients" / "societe-generale");
    auto text = read_file(client.directory / "client.md");
    CHECK(text.starts_with("---\ntype: client\ntitle: Société Générale\nstatus: draft\nreviewed: 2026-03-15\n---\n"));
    CHECK(text.find("Fiche du client") != std::string::npos);
    auto log = Repository::open(client.directory).log("", 0);
    REQUIRE(log.size() == 1);
    CHECK(log[0].summary == "Add client societe-generale");
    CHECK(log[0].paths == std::vector<std::string>{"client.md"});
}

TEST_CASE_FIXTURE(WorkspaceFixture, "add_client quotes a title that YAML would misread") {
    auto workspace = make_workspace();

    auto client = workspace.add_client("Acme: Nord # 2", "acme-nord-2", "en", author, "2026-03-15");

    CHECK(read_file(client.directory / "client.md").find("\ntitle: \"Acme: Nord # 2\"\n") != std::string::npos);
    CHECK(workspace.find_client("acme-nord-2")->name == "Acme: Nord # 2");
}

TEST_CASE_FIXTURE(WorkspaceFixture, "add_client twice throws already_exists") {
    auto workspace = make_workspace();
    workspace.add_client("Acme", "acme", "en", author, "2026-03-15");
    auto head = head_of(root() / "clients" / "acme");

    try {
        workspace.add_client("Acme", "acme", "en", author, "2026-03-15");
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::already_exists);
        CHECK(std::string(error.what()) == "client already exists: acme");
    }
    CHECK(head_of(root() / "clients" / "acme") == head);
}

TEST_CASE_FIXTURE(WorkspaceFixture, "clients lists Git repositories sorted by slug") {
    auto workspace = make_workspace();
    workspace.add_client("Zeta", "zeta", "en", author, "2026-03-15");
    workspace.add_client("Acme", "acme", "en", author, "2026-03-15");
    fs::create_directories(root() / "clients" / "not-a-repository");
    fs::create_directories(root() / "clients" / ".hidden" / ".git");
    write_file(root() / "clients" / "README.md", "notes\n");

    auto clients = workspace.clients();

    REQUIRE(clients.size() == 2);
    CHECK(clients[0].slug == "acme");
    CHECK(clients[1].slug == "zeta");
    CHECK(clients[1].name == "Zeta");
}

TEST_CASE_FIXTURE(WorkspaceFixture, "client without client.md is named by its slug") {
    auto workspace = make_workspace();
    workspace.add_client("Acme", "acme", "en", author, "2026-03-15");
    fs::remove(root() / "clients" / "acme" / "client.md");

    auto found = workspace.find_client("acme");

    REQUIRE(found.has_value());
    CHECK(found->name == "acme");
}

TEST_CASE_FIXTURE(WorkspaceFixture, "find_client rejects what is not a slug") {
    auto workspace = make_workspace();
    workspace.add_client("Acme", "acme", "en", author, "2026-03-15");

    CHECK(workspace.find_client("acme").has_value());
    CHECK_FALSE(workspace.find_client("Acme").has_value());
    CHECK_FALSE(workspace.find_client("../msp").has_value());
    CHECK_FALSE(workspace.find_client("acme/..").has_value());
    CHECK_FALSE(workspace.find_client("").has_value());
    CHECK_FALSE(workspace.find_client("beta").has_value());
}

TEST_CASE_FIXTURE(WorkspaceFixture, "technicians reads team.yaml") {
    auto workspace = make_workspace();
    write_file(root() / "team" / "team.yaml",
               "# the team\n"
               "- id: jdupont\n  name: Jeanne Dupont\n  email: jeanne@example.fr\n  role: technician\n"
               "- id: incomplete\n"
               "- just a string\n");

    auto team = workspace.technicians();

    REQUIRE(team.size() == 2);
    CHECK(team[0].id == "jdupont");
    CHECK(team[0].name == "Jeanne Dupont");
    CHECK(team[0].email == "jeanne@example.fr");
    CHECK(team[1].id == "incomplete");
    CHECK(team[1].email == "");
}

TEST_CASE_FIXTURE(WorkspaceFixture, "technicians of an invalid team.yaml names the line") {
    auto workspace = make_workspace();
    write_file(root() / "team" / "team.yaml", "- id: jdupont\n  name: [unclosed\n");

    try {
        workspace.technicians();
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::invalid_input);
        REQUIRE(error.location().has_value());
        CHECK(error.location()->path == root() / "team" / "team.yaml");
        CHECK(error.location()->line >= 2);
    }
}

// --- client_slug -----------------------------------------------------------------------

TEST_CASE("client_slug drops accents and punctuation") {
    CHECK(client_slug("Société Générale de Plomberie", "") == "societe-generale-de-plomberie");
    CHECK(client_slug("  Acme   SARL  ", "") == "acme-sarl");
    CHECK(client_slug("L'Œuvre d'Art", "") == "l-oeuvre-d-art");
    CHECK(client_slug("Boulangerie Lefèvre & Fils", "") == "boulangerie-lefevre-fils");
    CHECK(client_slug("ÉCOLE ÇA", "") == "ecole-ca");
    CHECK(client_slug("Acme 2026", "") == "acme-2026");
}

TEST_CASE("client_slug takes a valid requested slug as it is") {
    CHECK(client_slug("Société Générale", "sg") == "sg");
    CHECK(client_slug("Acme", "acme-2") == "acme-2");
    CHECK(client_slug("", "a1") == "a1");
}

TEST_CASE("client_slug rejects invalid requested slugs as usage errors") {
    for (const char* slug : {"../x", "Acme", "a--b", "a/b", "-acme", "acme-", "acme sarl", "société", ".", "a_b"}) {
        CAPTURE(slug);
        try {
            client_slug("Acme", slug);
            FAIL("expected an error");
        } catch (const Error& error) {
            CHECK(error.kind() == ErrorKind::usage);
            CHECK(std::string(error.what()) == std::string("invalid client slug: \"") + slug + "\"");
            CHECK(std::string(error.hint()).find("--slug") != std::string::npos);
        }
    }
}

TEST_CASE("client_slug rejects a name that gives no slug") {
    for (const char* name : {"", "!!!", "---", "日本"}) {
        CAPTURE(name);
        CHECK_THROWS_AS(client_slug(name, ""), Error);
    }
}

// --- closest_matches -------------------------------------------------------------------

TEST_CASE("closest_matches finds typos") {
    std::vector<std::string> commands{"init", "client", "show", "list", "set", "mv", "rm", "log", "diff", "restore"};

    CHECK(closest_matches("shwo", commands) == std::vector<std::string>{"show"});
    CHECK(closest_matches("restor", commands).front() == "restore");
    CHECK(closest_matches("clint", commands).front() == "client");
}

TEST_CASE("closest_matches returns the nearest three first") {
    std::vector<std::string> slugs{"acme", "acne", "acmee", "acme-nord", "beta", "acm"};

    auto matches = closest_matches("acme", slugs);

    REQUIRE(matches.size() == 3);
    CHECK(matches[0] == "acme");
    CHECK(matches[1] == "acm");
}

TEST_CASE("closest_matches returns nothing for unrelated words") {
    CHECK(closest_matches("frobnicate", {"init", "show", "list"}).empty());
    CHECK(closest_matches("x", {}).empty());
}

TEST_CASE("closest_matches counts a prefix as close") {
    CHECK(closest_matches("runbooks/vpn", {"runbooks/vpn-reset-du-siege", "contacts/jeanne"}) ==
          std::vector<std::string>{"runbooks/vpn-reset-du-siege"});
}

// --- resolve_author --------------------------------------------------------------------

TEST_CASE_FIXTURE(WorkspaceFixture, "resolve_author prefers the technician named by id") {
    ScopedEnvironment name("GIT_AUTHOR_NAME", "Env Name");
    ScopedEnvironment email("GIT_AUTHOR_EMAIL", "env@example.com");
    std::vector<Technician> team{{"mlefevre", "Marc Lefèvre", "marc@example.fr", "", ""},
                                 {"jdupont", "Jeanne Dupont", "jeanne@example.fr", "", ""}};

    auto signature = resolve_author(team, "jdupont", nullptr);

    CHECK(signature.name == "Jeanne Dupont");
    CHECK(signature.email == "jeanne@example.fr");
}

TEST_CASE_FIXTURE(WorkspaceFixture, "resolve_author rejects an unknown or incomplete technician") {
    ScopedEnvironment name("GIT_AUTHOR_NAME", "Env Name");
    ScopedEnvironment email("GIT_AUTHOR_EMAIL", "env@example.com");
    std::vector<Technician> team{{"jdupont", "Jeanne Dupont", "", "", ""}};

    for (const char* id : {"jdupont", "inconnu"}) {
        CAPTURE(id);
        try {
            resolve_author(team, id, nullptr);
            FAIL("expected an error");
        } catch (const Error& error) {
            CHECK(error.kind() == ErrorKind::invalid_input);
            CHECK(std::string(error.what()) == std::string("technician not found in team/team.yaml: ") + id);
        }
    }
}

TEST_CASE_FIXTURE(WorkspaceFixture, "resolve_author takes GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL next") {
    ScopedEnvironment name("GIT_AUTHOR_NAME", "Env Name");
    ScopedEnvironment email("GIT_AUTHOR_EMAIL", "env@example.com");
    make_workspace();
    auto repository = Repository::open(root());
    git_config* config = nullptr;
    REQUIRE(git_repository_config(&config, repository.raw()) == 0);
    git_config_set_string(config, "user.name", "Repo Name");
    git_config_set_string(config, "user.email", "repo@example.com");
    git_config_free(config);

    auto signature = resolve_author({}, "", &repository);

    CHECK(signature.name == "Env Name");
    CHECK(signature.email == "env@example.com");
}

TEST_CASE_FIXTURE(WorkspaceFixture, "resolve_author needs both author variables") {
    ScopedEnvironment name("GIT_AUTHOR_NAME", "Env Name");
    make_workspace();
    auto repository = Repository::open(root());
    git_config* config = nullptr;
    REQUIRE(git_repository_config(&config, repository.raw()) == 0);
    git_config_set_string(config, "user.name", "Repo Name");
    git_config_set_string(config, "user.email", "repo@example.com");
    git_config_free(config);

    auto signature = resolve_author({}, "", &repository);

    CHECK(signature.name == "Repo Name");
    CHECK(signature.email == "repo@example.com");
}

TEST_CASE_FIXTURE(WorkspaceFixture, "resolve_author reads the global configuration without a repository") {
    write_file(global_config_dir() / ".gitconfig", "[user]\n\tname = Bruno Petit\n\temail = bruno@example.com\n");

    auto signature = resolve_author({}, "", nullptr);

    CHECK(signature.name == "Bruno Petit");
    CHECK(signature.email == "bruno@example.com");
}

TEST_CASE_FIXTURE(WorkspaceFixture, "resolve_author without any identity says how to set one") {
    make_workspace();
    auto repository = Repository::open(root());
    write_file(global_config_dir() / ".gitconfig", "[user]\n\tname = Only A Name\n");

    const Repository* candidates[] = {&repository, nullptr};
    for (const Repository* candidate : candidates) {
        try {
            resolve_author({}, "", candidate);
            FAIL("expected an error");
        } catch (const Error& error) {
            CHECK(error.kind() == ErrorKind::invalid_input);
            CHECK(std::string(error.what()) == "no author for the commit: Git's user.name and user.email are not set");
            CHECK(std::string(error.hint()).find("git config --global user.name") != std::string::npos);
            CHECK(std::string(error.hint()).find("DOSSIER_TECHNICIAN") != std::string::npos);
        }
    }
}

}  // namespace
