// dossier sync killed with SIGKILL at random moments: the next sync puts the repository back
// in order and brings both sides together, losing nothing.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "git_server.hpp"
#include "process.hpp"
#include "sandbox.hpp"

namespace {

namespace fs = std::filesystem;
using std::chrono::microseconds;

constexpr int kills = 40;

TEST_CASE_FIXTURE(dossier::e2e::ClientSandbox, "sync killed at any moment recovers") {
    // A real server: with a folder as the remote, libgit2 writes into it from dossier's own
    // process, and a kill during the push leaves the folder's lock files behind.
    dossier::e2e::GitDaemon server(root() / "server");
    server.create_repository("acme.git");
    fs::path bare = server.root() / "acme.git";
    REQUIRE(dossier({"remote", "set", "acme", server.url("acme.git")}).exit_status == 0);
    REQUIRE(dossier({"sync", "--client", "acme"}).exit_status == 0);

    // A teammate's commit on the server, and one of ours that it lacks: each sync merges them.
    fs::path mate = root() / "mate";
    git_output(root(), {"clone", "-q", server.url("acme.git"), mate.string()});
    write_file(mate / "contacts/jeanne-dupont.md",
               read_file(mate / "contacts/jeanne-dupont.md") + "\nJoignable le matin.\n");
    git_output(mate, {"commit", "-q", "-am", "Note when Jeanne can be reached"});
    git_output(mate, {"push", "-q", "origin", "main"});
    REQUIRE(dossier({"set", "acme/runbooks/vpn-reset", "owner=mlefevre"}).exit_status == 0);
    std::string ours = head(acme());
    std::string theirs = head(mate);
    std::string before = git_output(acme(), {"rev-parse", "refs/remotes/origin/main"});
    before.pop_back();

    auto rewind = [&] {
        git_output(acme(), {"reset", "-q", "--hard", ours});
        git_output(acme(), {"update-ref", "refs/remotes/origin/main", before});
        git_output(bare, {"update-ref", "refs/heads/main", theirs});
    };
    auto started = std::chrono::steady_clock::now();
    REQUIRE(dossier({"sync", "--client", "acme"}).exit_status == 0);
    auto longest = std::chrono::duration_cast<microseconds>(std::chrono::steady_clock::now() - started);
    rewind();

    unsigned seed = std::random_device{}();
    if (const char* fixed = std::getenv("DOSSIER_CRASH_SEED")) seed = static_cast<unsigned>(std::strtoul(fixed, nullptr, 10));
    MESSAGE("sync crash test seed " << seed << " (set DOSSIER_CRASH_SEED to replay it)");
    std::mt19937 random(seed);
    std::uniform_int_distribution<std::int64_t> delays(0, longest.count());

    for (int kill = 0; kill < kills; ++kill) {
        microseconds delay(delays(random));
        INFO("kill ", kill, " after ", delay.count(), " us");
        dossier::e2e::run_process_killed_after({DOSSIER_BINARY, "sync", "--client", "acme"}, environment, workspace(),
                                               delay);

        auto next = dossier({"sync", "--client", "acme"});
        INFO("next sync: ", next.out, next.err);
        REQUIRE(next.exit_status == 0);
        CHECK(read_file(acme() / "contacts/jeanne-dupont.md").find("Joignable le matin.") != std::string::npos);
        CHECK(read_file(acme() / "runbooks/vpn-reset.md").find("owner: mlefevre") != std::string::npos);
        CHECK(git_output(bare, {"rev-parse", "main"}) == head(acme()) + "\n");
        CHECK(status(acme()) == "");
        auto checked = fsck(acme());
        CHECK(checked.exit_status == 0);
        CHECK_FALSE(fs::exists(acme() / ".git" / "dossier-sync"));
        rewind();
    }
}

}  // namespace
