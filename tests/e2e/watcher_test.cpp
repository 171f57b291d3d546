// End-to-end tests of `dossier index --watch`: a watcher process whose reports let a search
// read only the paths that changed. Each test compares what a search finds with what it
// finds after `index --rebuild`, which reads every file.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "sandbox.hpp"

namespace {

namespace fs = std::filesystem;
using dossier::e2e::ClientSandbox;
using dossier::e2e::ProcessResult;
using nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Writes `text` into the file at `path` in place, as an editor that truncates and writes does,
// so the folder gets no new entry.
void write_in_place(const fs::path& path, const std::string& text) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    file.close();
    REQUIRE(file.good());
}

std::string document(const std::string& title, const std::string& words) {
    return "---\ntype: kb\ntitle: " + title + "\n---\n" + words + "\n";
}

// ClientSandbox whose watcher is stopped at the end, whatever the test's outcome.
class WatcherSandbox : public ClientSandbox {
public:
    ~WatcherSandbox() { dossier({"index", "--stop-watching"}); }

    long watcher_pid() const {
        auto result = dossier({"index", "--json"});
        auto watcher = json::parse(result.out)["watcher"];
        return watcher.is_null() ? 0 : watcher["pid"].get<long>();
    }

    // The references and titles that `search --json QUERY` finds.
    std::string found(const std::string& query) const {
        auto result = dossier({"search", "--json", "--limit", "0", query});
        INFO("dossier search ", query, ": ", result.err);
        REQUIRE(result.exit_status == 0);
        std::vector<std::string> lines;
        for (const auto& item : json::parse(result.out)) lines.push_back(item["ref"].get<std::string>());
        std::sort(lines.begin(), lines.end());
        std::string text;
        for (const auto& line : lines) text += line + "\n";
        return text;
    }

    // Checks that the searches of `queries` find what they find after a rebuild.
    void check_as_rebuilt(const std::vector<std::string>& queries) const {
        std::vector<std::string> watched;
        for (const auto& query : queries) watched.push_back(found(query));
        REQUIRE(dossier({"index", "--rebuild"}).exit_status == 0);
        for (std::size_t i = 0; i < queries.size(); ++i) {
            INFO("query ", queries[i]);
            CHECK(watched[i] == found(queries[i]));
        }
    }
};

}  // namespace

TEST_CASE_FIXTURE(WatcherSandbox, "index --watch starts a watcher that searches follow") {
    auto started = dossier({"index", "--watch"});
    INFO("dossier index --watch: ", started.err);
    REQUIRE(started.exit_status == 0);
    CHECK(contains(started.err, "searches now read only what changed"));
    const long pid = watcher_pid();
    REQUIRE(pid > 0);
    CHECK(::kill(static_cast<pid_t>(pid), 0) == 0);
    CHECK(contains(dossier({"index", "--watch"}).err, "the watcher already runs"));

    // An edit in place, a new folder with a document, a renamed folder and a deletion.
    write_in_place(acme() / "runbooks/vpn-reset.md", dossier::e2e::vpn_reset_document + "Tunnel WireGuard.\n");
    fs::create_directories(acme() / "kb/reseau/wifi");
    write_in_place(acme() / "kb/reseau/wifi/borne.md", document("Borne", "Une borne zanzibar au premier."));
    CHECK(found("wireguard") == "acme/runbooks/vpn-reset\n");
    CHECK(found("zanzibar") == "acme/kb/reseau/wifi/borne\n");

    fs::rename(acme() / "kb/reseau", acme() / "kb/network");
    fs::remove(acme() / "contacts/jeanne-dupont.md");
    CHECK(found("zanzibar") == "acme/kb/network/wifi/borne\n");
    CHECK(found("joignable") == "");
    // A file renamed over another, and a hidden folder made visible.
    fs::create_directories(acme() / "kb/.brouillon");
    write_in_place(acme() / "kb/.brouillon/note.md", document("Note", "Le mot quokka."));
    CHECK(found("quokka") == "");
    fs::rename(acme() / "kb/.brouillon", acme() / "kb/brouillon");
    CHECK(found("quokka") == "acme/kb/brouillon/note\n");
    check_as_rebuilt({"wireguard", "zanzibar", "quokka", "vpn", "joignable", "type:kb"});

    auto stopped = dossier({"index", "--stop-watching"});
    CHECK(contains(stopped.err, "stopped the watcher"));
    CHECK(watcher_pid() == 0);
    CHECK_FALSE(fs::exists(workspace() / ".dossier/watch.sock"));
    CHECK(contains(dossier({"index", "--stop-watching"}).err, "no watcher runs for this workspace"));
    // Without it, searches read every folder again.
    write_in_place(acme() / "kb/brouillon/note.md", document("Note", "Le mot wombat."));
    CHECK(found("wombat") == "acme/kb/brouillon/note\n");
}

TEST_CASE_FIXTURE(WatcherSandbox, "a killed watcher leaves searches right and can be started again") {
    REQUIRE(dossier({"index", "--watch"}).exit_status == 0);
    const long pid = watcher_pid();
    REQUIRE(pid > 0);
    REQUIRE(::kill(static_cast<pid_t>(pid), SIGKILL) == 0);
    for (int wait = 0; wait < 200 && ::kill(static_cast<pid_t>(pid), 0) == 0; ++wait) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // Its socket is left behind and refuses connections.
    CHECK(fs::exists(workspace() / ".dossier/watch.sock"));
    fs::create_directories(acme() / "kb");
    write_in_place(acme() / "kb/apres.md", document("Après", "Le mot ocelot."));
    CHECK(found("ocelot") == "acme/kb/apres\n");
    CHECK(watcher_pid() == 0);

    auto again = dossier({"index", "--watch"});
    INFO("dossier index --watch: ", again.err);
    REQUIRE(again.exit_status == 0);
    CHECK(watcher_pid() > 0);
    CHECK(watcher_pid() != pid);
    write_in_place(acme() / "kb/apres.md", document("Après", "Le mot pangolin."));
    CHECK(found("pangolin") == "acme/kb/apres\n");
    CHECK(found("ocelot") == "");
}

TEST_CASE_FIXTURE(WatcherSandbox, "a watcher that lost events makes the next search read every folder") {
    REQUIRE(dossier({"index", "--watch"}).exit_status == 0);
    const long pid = watcher_pid();
    REQUIRE(pid > 0);
    // Stopped, the watcher reads no events while the system's queue of them (16,384 by
    // default) overflows. A folder made meanwhile goes unseen by the watcher.
    REQUIRE(::kill(static_cast<pid_t>(pid), SIGSTOP) == 0);
    fs::create_directories(acme() / "kb/pendant");
    long queue = 16384;
    if (std::ifstream limit("/proc/sys/fs/inotify/max_queued_events"); limit) limit >> queue;
    const long files = queue / 2 + 100;  // each file gives at least its creation and its closing
    fs::create_directories(acme() / "kb/lot");
    for (long i = 0; i < files; ++i) {
        write_in_place(acme() / "kb/lot" / ("page-" + std::to_string(i) + ".md"),
                       document("Page " + std::to_string(i), "Mot commun lotissement."));
    }
    write_in_place(acme() / "runbooks/vpn-reset.md", dossier::e2e::vpn_reset_document + "Tunnel WireGuard.\n");
    REQUIRE(::kill(static_cast<pid_t>(pid), SIGCONT) == 0);

    CHECK(found("wireguard") == "acme/runbooks/vpn-reset\n");
    write_in_place(acme() / "kb/pendant/apres.md", document("Après", "Le mot tamanoir."));
    CHECK(found("tamanoir") == "acme/kb/pendant/apres\n");
    // Folders made or moved while events were lost are watched again after it.
    fs::rename(acme() / "kb/lot", acme() / "kb/lot-moved");
    write_in_place(acme() / "kb/lot-moved/page-1.md", document("Page 1", "Mot unique ornithorynque."));
    CHECK(found("ornithorynque") == "acme/kb/lot-moved/page-1\n");
    auto counted = dossier({"index", "--json"});
    REQUIRE(counted.exit_status == 0);
    const auto documents = json::parse(counted.out)["documents"].get<long>();
    CHECK(documents >= files);
    check_as_rebuilt({"wireguard", "lotissement", "vpn"});
    auto rebuilt = json::parse(dossier({"index", "--json"}).out)["documents"].get<long>();
    CHECK(documents == rebuilt);
}

TEST_CASE_FIXTURE(WatcherSandbox, "index --watch --foreground refuses a second watcher") {
    REQUIRE(dossier({"index", "--watch"}).exit_status == 0);
    auto second = dossier({"index", "--watch", "--foreground"});
    CHECK(second.exit_status != 0);
    CHECK(contains(second.err, "a watcher already runs for this workspace"));
    CHECK(contains(second.err, "dossier index --stop-watching"));
    CHECK(contains(dossier({"index", "--foreground"}).err, "--watch"));
}

TEST_CASE_FIXTURE(WatcherSandbox, "a watcher follows two folders swapped in one call") {
    fs::create_directories(acme() / "kb/un/sous");
    fs::create_directories(acme() / "kb/deux/sous");
    write_in_place(acme() / "kb/un/sous/page.md", document("Un", "Premier dossier."));
    write_in_place(acme() / "kb/deux/sous/page.md", document("Deux", "Second dossier."));
    REQUIRE(dossier({"index", "--watch"}).exit_status == 0);

    // mv --exchange of coreutils 9.5 makes the same call.
    REQUIRE(::renameat2(AT_FDCWD, (acme() / "kb/un").c_str(), AT_FDCWD, (acme() / "kb/deux").c_str(),
                        RENAME_EXCHANGE) == 0);
    write_in_place(acme() / "kb/deux/nouveau.md", document("Nouveau", "Le mot capybara."));
    write_in_place(acme() / "kb/un/sous/page.md", document("Un bis", "Le mot okapi."));
    CHECK(found("capybara") == "acme/kb/deux/nouveau\n");
    CHECK(found("okapi") == "acme/kb/un/sous/page\n");
    CHECK(found("premier") == "acme/kb/deux/sous/page\n");
    check_as_rebuilt({"capybara", "okapi", "premier", "second", "dossier"});
}

TEST_CASE_FIXTURE(WatcherSandbox, "a watcher sees a file replaced by a folder of its name") {
    fs::create_directories(acme() / "kb");
    write_in_place(acme() / "kb/x.md", document("X", "Le mot fichierx."));
    REQUIRE(dossier({"index", "--watch"}).exit_status == 0);
    REQUIRE(found("fichierx") == "acme/kb/x\n");

    fs::remove(acme() / "kb/x.md");
    fs::create_directories(acme() / "kb/x.md");
    write_in_place(acme() / "kb/x.md/dedans.md", document("Dedans", "Le mot dedansx."));
    CHECK(found("fichierx") == "");
    CHECK(found("dedansx") == "acme/kb/x.md/dedans\n");

    fs::remove_all(acme() / "kb/x.md");
    write_in_place(acme() / "kb/x.md", document("X", "Le mot retourx."));
    CHECK(found("dedansx") == "");
    CHECK(found("retourx") == "acme/kb/x\n");
    check_as_rebuilt({"fichierx", "dedansx", "retourx"});
}

TEST_CASE_FIXTURE(WatcherSandbox, "a watcher stops when .dossier is deleted") {
    REQUIRE(dossier({"index", "--watch"}).exit_status == 0);
    const long pid = watcher_pid();
    REQUIRE(pid > 0);
    fs::remove_all(workspace() / ".dossier");
    bool stopped = false;
    for (int wait = 0; wait < 500 && !stopped; ++wait) {
        stopped = ::kill(static_cast<pid_t>(pid), 0) != 0;
        if (!stopped) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(stopped);
    auto again = dossier({"index", "--watch"});
    INFO("dossier index --watch: ", again.err);
    CHECK(again.exit_status == 0);
    CHECK(watcher_pid() > 0);
}
