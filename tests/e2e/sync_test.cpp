// End-to-end tests of remote, clone, sync and resolve against a real `git daemon` on loopback.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "git_server.hpp"
#include "sandbox.hpp"
#include "ssh_server.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ClientSandbox;
using dossier::e2e::GitDaemon;
using dossier::e2e::HttpGitServer;
using dossier::e2e::ProcessResult;
using dossier::e2e::SshServer;
using nlohmann::json;

// A workspace with the client acme published on a git daemon (the workspace repository as
// ws.git, clients by the pattern {client}.git), and a second technician's clone of it in ws2/.
class TeamSandbox : public ClientSandbox {
public:
    TeamSandbox() : server(root() / "server") {
        server.create_repository("ws.git");
        server.create_repository("acme.git");
        REQUIRE(dossier({"remote", "set", "--workspace", server.url("ws.git")}).exit_status == 0);
        append_line(workspace() / "dossier.yaml", "remote: " + server.url("{client}.git"));
        git_output(workspace(), {"commit", "-q", "-am", "Publish the workspace"});

        auto first = dossier({"sync"});
        INFO(first.out, first.err);
        REQUIRE(first.exit_status == 0);
        auto clone = dossier_in(root(), {"clone", server.url("ws.git"), "ws2"});
        INFO(clone.out, clone.err);
        REQUIRE(clone.exit_status == 0);
    }

    fs::path second() const { return root() / "ws2"; }
    fs::path second_acme() const { return second() / "clients" / "acme"; }

    // Runs dossier in the second technician's workspace, as Bruno Petit.
    ProcessResult as_second(const std::vector<std::string>& arguments) {
        auto saved = environment;
        environment["GIT_AUTHOR_NAME"] = "Bruno Petit";
        environment["GIT_AUTHOR_EMAIL"] = "bruno@example.com";
        auto result = dossier_in(second(), arguments);
        environment = saved;
        return result;
    }

    static void append_line(const fs::path& file, const std::string& line) {
        write_file(file, read_file(file) + line + "\n");
    }

    GitDaemon server;
};

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

TEST_CASE_FIXTURE(TeamSandbox, "sync pushes the workspace and its clients") {
    CHECK(git_output(server.root() / "acme.git", {"rev-parse", "main"}) == head(acme()) + "\n");
    CHECK(git_output(server.root() / "ws.git", {"rev-parse", "main"}) == head(workspace()) + "\n");
    // The workspace lists acme, so that a clone finds it.
    CHECK(read_file(workspace() / "dossier.yaml").find("clients:\n  acme:\n") != std::string::npos);
    CHECK_REPOSITORY_HEALTHY(*this, workspace());
}

TEST_CASE_FIXTURE(TeamSandbox, "clone brings the workspace and every client") {
    CHECK(head(second_acme()) == head(acme()));
    CHECK(read_file(second_acme() / "runbooks/vpn-reset.md") == read_file(acme() / "runbooks/vpn-reset.md"));
    CHECK(git_output(second_acme(), {"remote", "get-url", "origin"}) == server.url("acme.git") + "\n");
    CHECK(as_second({"list", "--client", "acme"}).out.find("vpn-reset") != std::string::npos);
    CHECK_REPOSITORY_HEALTHY(*this, second_acme());
}

TEST_CASE_FIXTURE(TeamSandbox, "sync with nothing to do says up to date") {
    auto result = dossier({"sync"});

    CHECK(result.exit_status == 0);
    CHECK(result.out.find("workspace  up to date\n") != std::string::npos);
    CHECK(result.out.find("acme       up to date\n") != std::string::npos);
}

TEST_CASE_FIXTURE(TeamSandbox, "edits of different documents on both sides merge") {
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"}).exit_status == 0);
    REQUIRE(as_second({"set", "acme/contacts/jeanne-dupont", "phone=+33 4 00 00 00 00"}).exit_status == 0);

    auto first = dossier({"sync"});
    CHECK(first.exit_status == 0);
    CHECK(first.out.find("pushed 1 commit") != std::string::npos);
    auto merged = as_second({"sync"});
    INFO(merged.out, merged.err);
    CHECK(merged.exit_status == 0);
    CHECK(merged.out.find("pulled 1 commit, merged, pushed 2 commits") != std::string::npos);
    auto again = dossier({"sync"});
    CHECK(again.exit_status == 0);

    CHECK(head(acme()) == head(second_acme()));
    CHECK(read_file(acme() / "runbooks/vpn-reset.md").find("owner: mlefevre") != std::string::npos);
    CHECK(read_file(acme() / "contacts/jeanne-dupont.md").find("+33 4 00 00 00 00") != std::string::npos);
    CHECK(git_output(acme(), {"log", "-1", "--format=%an %P"}).find("Bruno Petit ") == 0);
    CHECK_REPOSITORY_HEALTHY(*this, acme());
    CHECK_REPOSITORY_HEALTHY(*this, second_acme());
}

TEST_CASE_FIXTURE(TeamSandbox, "different keys of one document merge") {
    // owner and status are adjacent lines: Git's line merge alone conflicts on them.
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"}).exit_status == 0);
    REQUIRE(as_second({"set", "acme/runbooks/vpn-reset", "status=review"}).exit_status == 0);
    REQUIRE(dossier({"sync"}).exit_status == 0);

    auto result = as_second({"sync"});

    INFO(result.out, result.err);
    CHECK(result.exit_status == 0);
    CHECK(result.out.find("pulled 1 commit, merged, 1 document merged field by field, pushed 2 commits") !=
          std::string::npos);
    std::string merged = read_file(second_acme() / "runbooks/vpn-reset.md");
    CHECK(merged.find("owner: mlefevre\nstatus: review\n") != std::string::npos);
    REQUIRE(dossier({"sync"}).exit_status == 0);
    CHECK(read_file(acme() / "runbooks/vpn-reset.md") == merged);
    CHECK_REPOSITORY_HEALTHY(*this, second_acme());
}

TEST_CASE_FIXTURE(TeamSandbox, "same key changed on both sides waits for resolve") {
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"}).exit_status == 0);
    REQUIRE(as_second({"set", "acme/runbooks/vpn-reset", "owner=bpetit"}).exit_status == 0);
    REQUIRE(dossier({"sync"}).exit_status == 0);

    auto result = as_second({"sync"});

    CHECK(result.exit_status == 3);
    CHECK(result.out.find("acme/runbooks/vpn-reset.md: ") != std::string::npos);
    CHECK(result.out.find("owner") != std::string::npos);  // the reason names the key
    CHECK(git_output(second_acme(), {"status", "--porcelain"}) == "UU runbooks/vpn-reset.md\n");
}

TEST_CASE_FIXTURE(TeamSandbox, "same line changed on both sides waits for resolve") {
    std::string original = read_file(acme() / "runbooks/vpn-reset.md");
    write_file(acme() / "runbooks/vpn-reset.md",
               replaced(original, "1. Ouvrir la console", "1. Ouvrir la console web"));
    git_output(acme(), {"commit", "-q", "-am", "Say which console"});
    write_file(second_acme() / "runbooks/vpn-reset.md",
               replaced(original, "1. Ouvrir la console", "1. Ouvrir en SSH la console"));
    git_output(second_acme(), {"commit", "-q", "-am", "Prefer SSH"});
    REQUIRE(dossier({"sync"}).exit_status == 0);

    auto conflict = as_second({"sync"});

    CHECK(conflict.exit_status == 3);
    CHECK(conflict.out.find("conflict in 1 document") != std::string::npos);
    CHECK(conflict.out.find("acme/runbooks/vpn-reset.md") != std::string::npos);
    CHECK(conflict.err.find("dossier resolve") != std::string::npos);
    std::string marked = read_file(second_acme() / "runbooks/vpn-reset.md");
    CHECK(marked.find("console web") != std::string::npos);  // both versions are kept
    CHECK(marked.find("en SSH") != std::string::npos);
    CHECK(git_output(second_acme(), {"status", "--porcelain"}) == "UU runbooks/vpn-reset.md\n");
    // Nothing was pushed while the conflict waits.
    CHECK(git_output(server.root() / "acme.git", {"rev-parse", "main"}) == head(acme()) + "\n");

    SUBCASE("resolve --theirs then sync finishes the merge") {
        auto resolve = as_second({"resolve", "acme/runbooks/vpn-reset", "--theirs"});
        INFO(resolve.err);
        CHECK(resolve.exit_status == 0);
        CHECK(resolve.err.find("run dossier sync") != std::string::npos);

        auto finish = as_second({"sync"});
        INFO(finish.out, finish.err);
        CHECK(finish.exit_status == 0);
        REQUIRE(dossier({"sync"}).exit_status == 0);
        CHECK(head(acme()) == head(second_acme()));
        CHECK(read_file(second_acme() / "runbooks/vpn-reset.md") == read_file(acme() / "runbooks/vpn-reset.md"));
        CHECK(read_file(acme() / "runbooks/vpn-reset.md").find("console web") != std::string::npos);
        CHECK_REPOSITORY_HEALTHY(*this, second_acme());
    }

    SUBCASE("resolve --edit rejects a file that keeps markers") {
        environment["EDITOR"] = "true";
        auto resolve = as_second({"resolve", "acme/runbooks/vpn-reset", "--edit"});
        CHECK(resolve.exit_status == 3);
        CHECK(resolve.err.find("conflict markers are left") != std::string::npos);
        CHECK(read_file(second_acme() / "runbooks/vpn-reset.md") == marked);
        CHECK(git_output(second_acme(), {"status", "--porcelain"}) == "UU runbooks/vpn-reset.md\n");
    }

    SUBCASE("resolve --edit takes the edited file") {
        write_file(root() / "editor.sh",
                   "#!/bin/sh\nsed -i -e '/^<<<<<<< /d' -e '/^=======/d' -e '/^>>>>>>> /d' -e '/console web/d' \"$1\"\n");
        fs::permissions(root() / "editor.sh", fs::perms::owner_all);
        environment["EDITOR"] = (root() / "editor.sh").string();
        auto resolve = as_second({"resolve", "acme/runbooks/vpn-reset", "--edit"});
        INFO(resolve.err);
        CHECK(resolve.exit_status == 0);
        CHECK(as_second({"sync"}).exit_status == 0);
        CHECK(read_file(second_acme() / "runbooks/vpn-reset.md").find("1. Ouvrir en SSH la console") !=
              std::string::npos);
        CHECK_REPOSITORY_HEALTHY(*this, second_acme());
    }
}

TEST_CASE_FIXTURE(TeamSandbox, "search sees pulled documents right after sync") {
    REQUIRE(as_second({"search", "vpn"}).exit_status == 0);  // builds the second technician's index
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "tags=[vpn, wireguard]"}).exit_status == 0);
    REQUIRE(dossier({"sync"}).exit_status == 0);

    REQUIRE(as_second({"sync"}).exit_status == 0);
    auto found = as_second({"search", "--cached", "wireguard"});

    CHECK(found.exit_status == 0);
    CHECK(found.out.find("acme/runbooks/vpn-reset") != std::string::npos);
}

TEST_CASE_FIXTURE(TeamSandbox, "push retried when the remote moves during sync") {
    // The teammate's commit waits on a side branch. The server's pre-receive hook moves main to
    // it during the next push, as a push that lands between sync's fetch and its own would.
    REQUIRE(as_second({"set", "acme/contacts/jeanne-dupont", "phone=+33 4 00 00 00 00"}).exit_status == 0);
    git_output(second_acme(), {"push", "-q", "origin", "HEAD:refs/heads/teammate"});
    fs::path hook = server.root() / "acme.git" / "hooks" / "pre-receive";
    write_file(hook,
               "#!/bin/sh\ncat >/dev/null\n[ -e moved ] && exit 0\ntouch moved\n"
               "unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES\n"
               "git update-ref refs/heads/main refs/heads/teammate\n");
    fs::permissions(hook, fs::perms::owner_all);
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"}).exit_status == 0);

    auto result = dossier({"sync", "--client", "acme"});

    INFO(result.out, result.err);
    CHECK(result.exit_status == 0);
    CHECK(result.out.find("pulled 1 commit, merged, pushed 2 commits") != std::string::npos);
    CHECK(git_output(server.root() / "acme.git", {"rev-parse", "main"}) == head(acme()) + "\n");
    CHECK(read_file(acme() / "contacts/jeanne-dupont.md").find("+33 4 00 00 00 00") != std::string::npos);
    CHECK_REPOSITORY_HEALTHY(*this, acme());
}

TEST_CASE_FIXTURE(TeamSandbox, "clients added on both sides are both listed") {
    server.create_repository("delta.git");
    server.create_repository("epsilon.git");
    REQUIRE(add_client("Delta") == "delta");
    REQUIRE(dossier({"sync"}).exit_status == 0);
    REQUIRE(as_second({"client", "add", "Epsilon"}).exit_status == 0);

    auto result = as_second({"sync"});

    INFO(result.out, result.err);
    CHECK(result.exit_status == 0);
    std::string listed = read_file(second() / "dossier.yaml");
    CHECK(listed.find("  delta:\n") != std::string::npos);
    CHECK(listed.find("  epsilon:\n") != std::string::npos);
    CHECK(git_output(server.root() / "ws.git", {"rev-parse", "main"}) == head(second()) + "\n");
    CHECK(git_output(server.root() / "epsilon.git", {"rev-parse", "main"}) == head(second() / "clients" / "epsilon") + "\n");
}

TEST_CASE_FIXTURE(TeamSandbox, "workspace conflict leaves dossier usable") {
    // Both technicians rename the workspace on the same line of dossier.yaml.
    std::string settings = read_file(workspace() / "dossier.yaml");
    write_file(workspace() / "dossier.yaml", replaced(settings, "name: ws\n", "name: Atelier Lyon\n"));
    git_output(workspace(), {"commit", "-q", "-am", "Rename the workspace"});
    REQUIRE(dossier({"sync"}).exit_status == 0);
    write_file(second() / "dossier.yaml", replaced(settings, "name: ws\n", "name: Atelier Rhône\n"));
    git_output(second(), {"commit", "-q", "-am", "Rename the workspace too"});
    std::string before = head(second());

    auto result = as_second({"sync"});

    INFO(result.out, result.err);
    CHECK(result.exit_status == 3);
    CHECK(result.out.find("the workspace repository was left as it was") != std::string::npos);
    CHECK(read_file(second() / "dossier.yaml").find("<<<<<<<") == std::string::npos);
    CHECK(git_output(second(), {"status", "--porcelain"}) == "");
    CHECK(head(second()) == before);
    CHECK(as_second({"list", "--client", "acme"}).exit_status == 0);
    CHECK(result.out.find("acme       up to date") != std::string::npos);  // the clients still synced
}

TEST_CASE_FIXTURE(TeamSandbox, "sync follows the branch's upstream") {
    // The second technician's branch is named master but follows the server's main.
    git_output(second_acme(), {"branch", "-q", "-m", "main", "master"});
    git_output(second_acme(), {"branch", "-q", "--set-upstream-to=origin/main", "master"});
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"}).exit_status == 0);
    REQUIRE(dossier({"sync"}).exit_status == 0);
    REQUIRE(as_second({"set", "acme/contacts/jeanne-dupont", "phone=+33 4 00 00 00 00"}).exit_status == 0);

    auto result = as_second({"sync", "--client", "acme"});

    INFO(result.out, result.err);
    CHECK(result.exit_status == 0);
    CHECK(git_output(server.root() / "acme.git", {"branch", "--list"}) == "* main\n");
    CHECK(git_output(server.root() / "acme.git", {"rev-parse", "main"}) == head(second_acme()) + "\n");
    CHECK(read_file(second_acme() / "runbooks/vpn-reset.md").find("owner: mlefevre") != std::string::npos);
}

TEST_CASE_FIXTURE(TeamSandbox, "clone makes branches follow the server") {
    CHECK(git_output(second_acme(), {"rev-parse", "--abbrev-ref", "main@{upstream}"}) == "origin/main\n");
    CHECK(git_output(acme(), {"rev-parse", "--abbrev-ref", "main@{upstream}"}) == "origin/main\n");
}

TEST_CASE_FIXTURE(TeamSandbox, "teammate's fix of dossier.yaml unblocks sync") {
    std::string good = read_file(workspace() / "dossier.yaml");
    write_file(workspace() / "dossier.yaml", replaced(good, "clients:\n", "clients:\n  Not A Slug:\n"));
    git_output(workspace(), {"commit", "-q", "-am", "List a client by mistake"});
    auto pushed = dossier({"sync"});
    CHECK(pushed.exit_status == 3);
    CHECK(pushed.out.find("invalid client slug") != std::string::npos);

    auto broken = as_second({"sync"});
    INFO(broken.out, broken.err);
    CHECK(broken.exit_status == 3);
    CHECK(broken.out.find("acme       up to date") != std::string::npos);  // the clients still sync

    write_file(workspace() / "dossier.yaml", good);
    git_output(workspace(), {"commit", "-q", "-am", "Remove the mistaken client"});
    REQUIRE(dossier({"sync"}).exit_status == 0);

    auto fixed = as_second({"sync"});

    INFO(fixed.out, fixed.err);
    CHECK(fixed.exit_status == 0);
    CHECK(read_file(second() / "dossier.yaml") == good);
}

TEST_CASE_FIXTURE(TeamSandbox, "sync clones a client that a teammate added") {
    REQUIRE(add_client("Globex") == "globex");
    server.create_repository("globex.git");
    auto first = dossier({"sync"});
    INFO(first.out, first.err);
    REQUIRE(first.exit_status == 0);

    auto result = as_second({"sync"});

    INFO(result.out, result.err);
    CHECK(result.exit_status == 0);
    CHECK(result.out.find("globex     cloned") != std::string::npos);
    CHECK(head(second() / "clients" / "globex") == head(client_dir("globex")));
}

TEST_CASE_FIXTURE(TeamSandbox, "one failing repository does not stop the others") {
    REQUIRE(add_client("Initech") == "initech");  // no repository for it on the server
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"}).exit_status == 0);

    auto result = dossier({"sync", "--json"});

    CHECK(result.exit_status == 3);
    auto outcomes = json::parse(result.out);
    REQUIRE(outcomes.size() == 3);
    CHECK(outcomes[1]["repository"] == "acme");
    CHECK(outcomes[1]["state"] == "changed");
    CHECK(outcomes[1]["pushed"] == 1);
    CHECK(outcomes[2]["repository"] == "initech");
    CHECK(outcomes[2]["state"] == "failed");
    CHECK(outcomes[2]["error"].get<std::string>().find(server.url("initech.git")) != std::string::npos);
    CHECK(git_output(server.root() / "acme.git", {"rev-parse", "main"}) == head(acme()) + "\n");
}

TEST_CASE_FIXTURE(TeamSandbox, "uncommitted edit in the way of a pull is named") {
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"}).exit_status == 0);
    REQUIRE(dossier({"sync"}).exit_status == 0);
    std::string edited = read_file(second_acme() / "runbooks/vpn-reset.md") + "\nNote prise au téléphone.\n";
    write_file(second_acme() / "runbooks/vpn-reset.md", edited);

    auto result = as_second({"sync", "--client", "acme"});

    CHECK(result.exit_status == 3);
    CHECK(result.out.find("runbooks/vpn-reset.md") != std::string::npos);
    CHECK(result.out.find("git commit") != std::string::npos);
    CHECK(read_file(second_acme() / "runbooks/vpn-reset.md") == edited);  // the edit is not lost
}

TEST_CASE_FIXTURE(ClientSandbox, "sync without a remote says how to set one") {
    auto result = dossier({"sync", "--client", "acme"});

    CHECK(result.exit_status == 3);
    CHECK(result.out.find("no remote") != std::string::npos);
    CHECK(result.out.find("dossier remote set") != std::string::npos);
}

TEST_CASE_FIXTURE(ClientSandbox, "remote set records the client for clone") {
    auto result = dossier({"remote", "set", "acme", "ssh://git@git.example.test/msp/acme.git"});

    CHECK(result.exit_status == 0);
    CHECK(git_output(acme(), {"remote", "get-url", "origin"}) == "ssh://git@git.example.test/msp/acme.git\n");
    CHECK(read_file(workspace() / "dossier.yaml").find("clients:\n  acme: \"ssh://git@git.example.test/msp/acme.git\"\n") !=
          std::string::npos);
    CHECK(status(workspace()) == "");
    auto listed = json::parse(dossier({"remote", "list", "--json"}).out);
    CHECK(listed[1]["repository"] == "acme");
    CHECK(listed[1]["url"] == "ssh://git@git.example.test/msp/acme.git");
}

TEST_CASE_FIXTURE(ClientSandbox, "remote set rejects a token in the URL") {
    auto result = dossier({"remote", "set", "acme", "https://bob:s3cr3tTOKEN@git.example.test/msp/acme.git"});

    CHECK(result.exit_status == 2);
    CHECK(result.err.find("password or token") != std::string::npos);
    CHECK(result.err.find("s3cr3tTOKEN") == std::string::npos);
    CHECK(git_output(acme(), {"remote"}) == "");
    CHECK(read_file(workspace() / "dossier.yaml").find("s3cr3tTOKEN") == std::string::npos);
}

TEST_CASE_FIXTURE(ClientSandbox, "clone of a repository without dossier.yaml is rejected") {
    GitDaemon server(root() / "server");
    server.create_repository("other.git");
    auto result = dossier_in(root(), {"clone", server.url("other.git"), "elsewhere"});

    CHECK(result.exit_status == 3);
    CHECK(result.err.find("not a dossier workspace") != std::string::npos);
    CHECK_FALSE(fs::exists(root() / "elsewhere"));
}

// acme published over SSH to an OpenSSH server on loopback, with a key made for the test.
class SshSandbox : public ClientSandbox {
public:
    SshSandbox() : server(root() / "ssh") {
        REQUIRE(std::system(("git init -q --bare --initial-branch=main '" + bare().string() + "'").c_str()) == 0);
        environment["DOSSIER_SSH_KEY"] = server.client_key().string();
        REQUIRE(dossier({"remote", "set", "acme", server.url(bare())}).exit_status == 0);
    }

    fs::path bare() const { return root() / "ssh" / "acme.git"; }
    void trust(const std::string& known_hosts) { write_file(home() / ".ssh" / "known_hosts", known_hosts); }

    SshServer server;
};

TEST_CASE_FIXTURE(SshSandbox, "sync over ssh pushes and clone reads back") {
    trust(server.known_hosts_line());

    auto result = dossier({"sync", "--client", "acme"});

    INFO(result.out, result.err);
    CHECK(result.exit_status == 0);
    CHECK(git_output(bare(), {"rev-parse", "main"}) == head(acme()) + "\n");

    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"}).exit_status == 0);
    auto second = dossier({"sync", "--client", "acme", "--json"});
    CHECK(second.exit_status == 0);
    CHECK(json::parse(second.out)[0]["pushed"] == 1);
    CHECK(git_output(bare(), {"rev-parse", "main"}) == head(acme()) + "\n");
}

TEST_CASE_FIXTURE(SshSandbox, "sync over ssh rejects an unknown host key") {
    auto result = dossier({"sync", "--client", "acme"});

    CHECK(result.exit_status == 3);
    CHECK(result.out.find("is not in ~/.ssh/known_hosts") != std::string::npos);
    CHECK(result.out.find("ssh-keyscan") != std::string::npos);
    CHECK(git_output(bare(), {"rev-list", "--all"}) == "");
}

TEST_CASE_FIXTURE(SshSandbox, "sync over ssh rejects a changed host key") {
    trust(server.other_known_hosts_line());

    auto result = dossier({"sync", "--client", "acme"});

    CHECK(result.exit_status == 3);
    CHECK(result.out.find("differs from the one in known_hosts") != std::string::npos);
    CHECK(git_output(bare(), {"rev-list", "--all"}) == "");
}

TEST_CASE_FIXTURE(SshSandbox, "sync over ssh names the keys it tried") {
    trust(server.known_hosts_line());
    // A key that the server does not accept.
    REQUIRE(std::system(("ssh-keygen -q -t ed25519 -N '' -f '" + (root() / "stranger_key").string() + "'").c_str()) == 0);
    environment["DOSSIER_SSH_KEY"] = (root() / "stranger_key").string();

    auto result = dossier({"sync", "--client", "acme"});

    CHECK(result.exit_status == 3);
    CHECK(result.out.find("stranger_key") != std::string::npos);
    CHECK(result.out.find("ssh-agent") != std::string::npos);
}

// acme published to a smart-HTTP server on loopback that requires a user name and password.
class HttpSandbox : public ClientSandbox {
public:
    HttpSandbox() : server(root() / "http", "alice", "s3cret-token") {
        REQUIRE(std::system(("git init -q --bare --initial-branch=main '" + bare().string() + "'").c_str()) == 0);
        REQUIRE(dossier({"remote", "set", "acme", server.url("acme.git")}).exit_status == 0);
    }

    fs::path bare() const { return root() / "http" / "acme.git"; }

    HttpGitServer server;
};

TEST_CASE_FIXTURE(HttpSandbox, "sync over http sends the token") {
    environment["DOSSIER_GIT_TOKEN"] = "s3cret-token";
    environment["DOSSIER_GIT_USERNAME"] = "alice";

    auto result = dossier({"sync", "--client", "acme"});

    INFO(result.out, result.err);
    CHECK(result.exit_status == 0);
    CHECK(git_output(bare(), {"rev-parse", "main"}) == head(acme()) + "\n");
    CHECK(result.out.find("s3cret") == std::string::npos);
    CHECK(result.err.find("s3cret") == std::string::npos);
}

TEST_CASE_FIXTURE(HttpSandbox, "sync over http asks git's credential helper") {
    std::string address = server.url("").substr(std::string("http://").size());  // 127.0.0.1:PORT/
    address.pop_back();
    write_file(root() / "credentials", "http://alice:s3cret-token@" + address + "\n");
    write_file(home() / ".gitconfig", "[credential]\n\thelper = store --file " + (root() / "credentials").string() + "\n");

    auto result = dossier({"sync", "--client", "acme"});

    INFO(result.out, result.err);
    CHECK(result.exit_status == 0);
    CHECK(git_output(bare(), {"rev-parse", "main"}) == head(acme()) + "\n");
}

TEST_CASE_FIXTURE(HttpSandbox, "sync over http names what it tried") {
    environment["DOSSIER_GIT_TOKEN"] = "wrong-token";

    auto result = dossier({"sync", "--client", "acme"});

    CHECK(result.exit_status == 3);
    CHECK(result.out.find(server.url("acme.git")) != std::string::npos);
    CHECK(result.out.find("DOSSIER_GIT_TOKEN") != std::string::npos);
    CHECK(result.out.find("wrong-token") == std::string::npos);
    CHECK(git_output(bare(), {"rev-list", "--all"}) == "");
}

}  // namespace
