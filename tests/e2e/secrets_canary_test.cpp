// The canary test of F12: a random secret goes through every secret command, interrupted ones
// included, under umask 000; then every file of the workspace, every Git object, the private
// and temporary folders, HOME and the output of every command are scanned for it byte by byte.
// Only `secret get` without --clip may print it.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sandbox.hpp"
#include "secret_scan.hpp"

namespace {

namespace fs = std::filesystem;
namespace scan = dossier::e2e::scan;
using dossier::e2e::ProcessResult;
using dossier::e2e::Sandbox;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// A private folder in /dev/shm for XDG_RUNTIME_DIR, so that dossier's folder in memory is one
// the test controls; a folder of the sandbox when /dev/shm is missing.
fs::path make_runtime_dir(const fs::path& fallback) {
    std::string pattern = "/dev/shm/dossier-canary-xdg-XXXXXX";
    if (fs::is_directory("/dev/shm") && ::mkdtemp(pattern.data()) != nullptr) return pattern;
    fs::create_directories(fallback);
    fs::permissions(fallback, fs::perms::owner_all, fs::perm_options::replace);
    return fallback;
}

// One dossier command of the canary run, with what it printed.
struct Run {
    std::string label;
    ProcessResult result;
    bool may_print_secret = false;  // secret get without --clip
};

// A sandbox where every dossier command runs under umask 000 through sh, records its output,
// and where the canary values are known.
class CanarySandbox : public Sandbox {
public:
    CanarySandbox() {
        canary = "cnry" + scan::random_token(16);  // 20 bytes: its Base32 form has no padding
        passphrase = "pass-" + scan::random_token(16);
        runtime_dir = make_runtime_dir(root() / "runtime");
        fs::create_directories(tmp_dir());
        fs::create_directories(input());
        fs::create_directories(records());
        fs::create_directories(clip_dir() / "bin");
        shm_before = names_in("/dev/shm", "dossier-secret-");
        tmp_before = names_in("/tmp", "dossier-secret-");

        Sandbox::write_file(input() / "passphrase", passphrase + "\n" + passphrase + "\n");
        install_fake_clipboard();

        environment["DOSSIER"] = DOSSIER_BINARY;
        environment["DOSSIER_TEST_SCRYPT_WORK_FACTOR"] = "10";
        environment["DOSSIER_PASSPHRASE_FD"] = "3";
        environment["XDG_RUNTIME_DIR"] = runtime_dir.string();
        environment["TMPDIR"] = tmp_dir().string();
        environment["PATH"] = (clip_dir() / "bin").string() + ":" + environment["PATH"];
        environment["DISPLAY"] = ":0";
        environment["DOSSIER_CLIP_SECONDS"] = "1";
        environment["DOSSIER_CLIP_TTY"] = (clip_dir() / "no-terminal").string();
        environment["DOSSIER_NOW"] = "59";
        environment["DOSSIER_LOCK_TIMEOUT"] = "30";
    }

    ~CanarySandbox() {
        std::error_code error;
        if (runtime_dir.string().starts_with("/dev/shm/")) fs::remove_all(runtime_dir, error);
    }

    fs::path tmp_dir() const { return root() / "tmp"; }
    fs::path input() const { return root() / "input"; }      // the test's own inputs: not scanned
    fs::path records() const { return root() / "records"; }  // what editors saw: not scanned
    fs::path clip_dir() const { return root() / "clip"; }    // the fake clipboard: not scanned

    static std::set<std::string> names_in(const fs::path& folder, const std::string& prefix) {
        auto names = scan::entries_with_prefix(folder, prefix);
        return {names.begin(), names.end()};
    }

    // Fake xclip that keeps the clipboard in clip/clipboard and logs its arguments.
    void install_fake_clipboard() {
        auto q = quoted(clip_dir().string());
        auto script = "#!/bin/sh\necho \"xclip $*\" >> " + q + "/log\n" + "case \"$*\" in *-out*) exec /bin/cat " + q +
                      "/clipboard;; *) /bin/cat > " + q + "/clipboard;; esac\n";
        Sandbox::write_file(clip_dir() / "bin/xclip", script);
        fs::permissions(clip_dir() / "bin/xclip", fs::perms::owner_all);
    }

    // Runs `script` with sh in `directory` (the workspace by default); "$DOSSIER" is the binary.
    ProcessResult shell(const std::string& script, std::optional<fs::path> directory = std::nullopt) const {
        auto folder = directory ? *directory : (fs::is_directory(workspace()) ? workspace() : root());
        return dossier::e2e::run_process({"sh", "-c", script}, environment, folder);
    }

    // Runs dossier with `arguments` under umask 000, the passphrase on descriptor 3 and, when
    // given, `value` on standard input (from a file of the test's inputs), and records it.
    ProcessResult run(const std::string& label, const std::vector<std::string>& arguments,
                      const std::optional<std::string>& value = std::nullopt, bool may_print_secret = false,
                      std::optional<fs::path> directory = std::nullopt) {
        std::string command = "umask 000; exec \"$DOSSIER\"";
        for (const auto& argument : arguments) command += " " + quoted(argument);
        command += " 3<" + quoted((input() / "passphrase").string());
        if (value) {
            Sandbox::write_file(input() / "value", *value);
            command += " <" + quoted((input() / "value").string());
        }
        auto result = shell(command, directory);
        runs.push_back({label, result, may_print_secret});
        return result;
    }

    // Writes an executable editor script to input/NAME and returns its path.
    fs::path editor(const std::string& name, const std::string& body) const {
        auto path = input() / name;
        Sandbox::write_file(path, "#!/bin/sh\n" + body);
        fs::permissions(path, fs::perms::owner_all);
        return path;
    }

    // The lines an editor script starts with: it records the file it was given, the modes of
    // the file and its folder, and the folder's entries, in records/NAME.*.
    std::string recording(const std::string& name) const {
        auto r = quoted((records() / name).string());
        return "printf '%s' \"$1\" > " + r + ".path\n" + "stat -c %a \"$1\" > " + r + ".file-mode\n" +
               "stat -c %a \"$(dirname \"$1\")\" > " + r + ".folder-mode\n" + "ls -A \"$(dirname \"$1\")\" > " + r +
               ".entries\n";
    }

    fs::path edited_path(const std::string& name) const {
        return fs::path(Sandbox::read_file(records() / (name + ".path")));
    }

    std::string canary;
    std::string passphrase;
    fs::path runtime_dir;
    std::set<std::string> shm_before;
    std::set<std::string> tmp_before;
    std::vector<Run> runs;
};

// Checks that an editor was given a file of mode 0600 in a folder of mode 0700 inside the
// runtime folder, and that the folder is gone.
void check_private_folder_gone(const CanarySandbox& sandbox, const std::string& name) {
    INFO("editor run ", name);
    REQUIRE(fs::exists(sandbox.records() / (name + ".path")));
    auto file = sandbox.edited_path(name);
    INFO("the editor was given ", file.string());
    CHECK(file.parent_path().parent_path() == sandbox.runtime_dir);
    CHECK(Sandbox::read_file(sandbox.records() / (name + ".folder-mode")) == "700\n");
    CHECK(Sandbox::read_file(sandbox.records() / (name + ".file-mode")) == "600\n");
    CHECK_FALSE(fs::exists(file));
    CHECK_FALSE(fs::exists(file.parent_path()));
}

// Waits up to 10 s until `predicate` holds.
template <typename Predicate>
bool eventually(Predicate predicate) {
    for (int i = 0; i < 200; ++i) {
        if (predicate()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return predicate();
}

// The script that starts `secret edit` in the background, waits for the editor to be ready,
// sends `signal` to dossier, records its exit status, then ends the editor.
std::string interrupted_edit_script(const CanarySandbox& sandbox, const std::string& reference,
                                    const std::string& signal, const std::string& name) {
    auto r = (sandbox.records() / name).string();
    return "umask 000\nulimit -c unlimited 2>/dev/null\n"
           "\"$DOSSIER\" secret edit " + quoted(reference) + " 3<" + quoted((sandbox.input() / "passphrase").string()) +
           " &\npid=$!\n"
           "i=0; while [ ! -e " + quoted(r + ".ready") + " ] && [ $i -lt 400 ]; do i=$((i+1)); sleep 0.05; done\n"
           "kill -" + signal + " $pid\n"
           "wait $pid; echo $? > " + quoted(r + ".status") + "\n"
           "[ -s " + quoted(r + ".editor-pid") + " ] && kill \"$(cat " + quoted(r + ".editor-pid") + ")\" 2>/dev/null\n"
           "exit 0\n";
}

TEST_CASE("canary secret leaks nowhere") {
    CanarySandbox sandbox;
    const auto& canary = sandbox.canary;
    const std::string reference = "acme/credentials/fw01-admin";
    const std::string moved = "acme/credentials/firewall-admin";
    scan::Needles needles{{"canary", canary}, {"passphrase", sandbox.passphrase},
                          {"canary in Base32", scan::base32(canary)}, {"a secret key", "AGE-SECRET-KEY-1"}};

    // Set-up, under umask 000 too: the workspace, a client, alice's identity with a passphrase
    // in ~/.config/dossier (which does not exist yet), and a credential document.
    REQUIRE(sandbox.run("init", {"init", "ws"}, std::nullopt, false, sandbox.root()).exit_status == 0);
    REQUIRE(sandbox.run("client add", {"client", "add", "Acme"}).exit_status == 0);
    auto key_init = sandbox.run("key init", {"key", "init"});
    INFO("key init: ", key_init.err);
    REQUIRE(key_init.exit_status == 0);
    auto alice_key = key_init.out.substr(0, key_init.out.find('\n'));
    REQUIRE(sandbox.run("team add alice", {"team", "add", "alice", "--key", alice_key}).exit_status == 0);
    REQUIRE(sandbox.run("grant alice", {"access", "grant", "alice", "--client", "acme"}).exit_status == 0);
    auto created = sandbox.run("new credential", {"new", "credential", "Firewall admin", "--client", "acme", "--path",
                                                  "credentials/fw01-admin.md", "--set", "username=admin"});
    INFO("new: ", created.err);
    REQUIRE(created.exit_status == 0);


    // secret set, from standard input, then a second field.
    auto set = sandbox.run("secret set", {"secret", "set", reference}, canary);
    INFO("secret set: ", set.err);
    REQUIRE(set.exit_status == 0);
    REQUIRE(sandbox.run("secret set pin", {"secret", "set", reference, "pin"}, canary + "-pin").exit_status == 0);

    // secret get prints the values: the only output allowed to hold them.
    CHECK(sandbox.run("secret get", {"secret", "get", reference}, std::nullopt, true).out == canary + "\n");
    CHECK(sandbox.run("secret get pin", {"secret", "get", reference, "pin"}, std::nullopt, true).out ==
          canary + "-pin\n");

    // secret get --clip through a fake xclip, cleared after DOSSIER_CLIP_SECONDS=1.
    auto clip = sandbox.run("secret get --clip", {"secret", "get", reference, "--clip"});
    INFO("secret get --clip: ", clip.err);
    CHECK(clip.exit_status == 0);
    CHECK(contains(Sandbox::read_file(sandbox.clip_dir() / "log"), "xclip -selection clipboard -in"));
    CHECK(eventually([&] { return Sandbox::read_file(sandbox.clip_dir() / "clipboard").empty(); }));

    // secret edit with an editor that adds a field.
    sandbox.environment["EDITOR"] =
        sandbox.editor("edit-ok.sh", sandbox.recording("ok") + "printf 'note: \"%s\"\\n' '" + canary +
                                         "-note' >> \"$1\"\n")
            .string();
    auto edited = sandbox.run("secret edit", {"secret", "edit", reference});
    INFO("secret edit: ", edited.err);
    CHECK(edited.exit_status == 0);
    check_private_folder_gone(sandbox, "ok");
    CHECK(sandbox.run("secret get note", {"secret", "get", reference, "note"}, std::nullopt, true).out ==
          canary + "-note\n");

    // secret edit with an editor that writes a value and fails.
    auto acme = sandbox.client_dir("acme");
    auto head = sandbox.head(acme);
    sandbox.environment["EDITOR"] =
        sandbox.editor("edit-fail.sh", sandbox.recording("fail") + "printf 'password: \"%s\"\\n' '" + canary +
                                           "-fail' > \"$1\"\nexit 1\n")
            .string();
    auto failed = sandbox.run("secret edit, editor fails", {"secret", "edit", reference});
    CHECK(failed.exit_status != 0);
    CHECK(sandbox.head(acme) == head);
    check_private_folder_gone(sandbox, "fail");

    // secret edit where the editor sends SIGINT to its whole process group, as Ctrl-C does.
    sandbox.environment["EDITOR"] =
        sandbox.editor("edit-int.sh", sandbox.recording("int") + "printf 'password: \"%s\"\\n' '" + canary +
                                          "-int' > \"$1\"\nkill -INT 0\nsleep 5\n")
            .string();
    {
        std::string command = "umask 000; exec setsid -w \"$DOSSIER\" secret edit " + quoted(reference) + " 3<" +
                              quoted((sandbox.input() / "passphrase").string());
        // setsid makes a new process group, so that the editor's kill -INT 0 stays inside it.
        auto interrupted = sandbox.shell(command);
        sandbox.runs.push_back({"secret edit, SIGINT to the group", interrupted, false});
        INFO("secret edit with SIGINT: ", interrupted.err);
        CHECK(interrupted.exit_status != 0);
        CHECK(sandbox.head(acme) == head);
        check_private_folder_gone(sandbox, "int");
    }

    // secret edit where dossier gets SIGTERM, SIGHUP or SIGQUIT while the editor is open.
    for (const std::string signal : {"TERM", "HUP", "QUIT"}) {
        auto name = "sig" + signal;
        auto r = (sandbox.records() / name).string();
        sandbox.environment["EDITOR"] =
            sandbox.editor("edit-" + name + ".sh",
                           sandbox.recording(name) + "printf 'password: \"%s\"\\n' '" + canary + "-" + signal +
                               "' > \"$1\"\necho $$ > " + quoted(r + ".editor-pid") + "\ntouch " + quoted(r + ".ready") +
                               "\nexec sleep 30 </dev/null >/dev/null 2>&1\n")
                .string();
        auto interrupted = sandbox.shell(interrupted_edit_script(sandbox, reference, signal, name));
        sandbox.runs.push_back({"secret edit, SIG" + signal + " to dossier", interrupted, false});
        INFO("SIG", signal, ": ", interrupted.err);
        REQUIRE(fs::exists(r + ".status"));
        // dossier wipes its folder, then ends by the signal it got.
        auto status = Sandbox::read_file(r + ".status");
        const std::map<std::string, std::string> expected{{"TERM", "143\n"}, {"HUP", "129\n"}, {"QUIT", "131\n"}};
        CHECK(status == expected.at(signal));
        CHECK(sandbox.head(acme) == head);
        check_private_folder_gone(sandbox, name);
        // A core file would land in dossier's working folder, the workspace, which is scanned.
        CHECK(scan::entries_with_prefix(sandbox.workspace(), "core").empty());
    }
    sandbox.environment.erase("EDITOR");

    // secret generate, whose values secret get then reveals so that they are searched too.
    REQUIRE(sandbox.run("secret generate", {"secret", "generate", reference, "generated", "--length", "40"})
                .exit_status == 0);
    auto generated = sandbox.run("secret get generated", {"secret", "get", reference, "generated"}, std::nullopt, true);
    REQUIRE(generated.out.size() == 41);
    needles["generated password"] = generated.out.substr(0, 40);
    REQUIRE(sandbox.run("secret generate --words", {"secret", "generate", reference, "phrase", "--words", "6"})
                .exit_status == 0);
    auto phrase = sandbox.run("secret get phrase", {"secret", "get", reference, "phrase"}, std::nullopt, true);
    REQUIRE(phrase.exit_status == 0);
    needles["generated passphrase"] = phrase.out.substr(0, phrase.out.size() - 1);

    // otp from an otpauth URI whose seed is the canary in Base32.
    auto uri = "otpauth://totp/Acme:admin?secret=" + scan::base32(canary) + "&issuer=Acme";
    REQUIRE(sandbox.run("secret set otp_secret", {"secret", "set", reference, "otp_secret"}, uri).exit_status == 0);
    auto otp = sandbox.run("otp", {"otp", reference});
    INFO("otp: ", otp.err);
    CHECK(otp.exit_status == 0);
    CHECK(otp.out.size() == 7);
    CHECK(sandbox.run("otp --json", {"otp", reference, "--json"}).exit_status == 0);
    CHECK(sandbox.run("otp --clip", {"otp", reference, "--clip"}).exit_status == 0);

    // access grant and revoke of bob, whose identity has no passphrase and lives outside HOME.
    auto bob_identity = sandbox.input() / "bob.age";
    auto bob_env = sandbox.environment;
    sandbox.environment["DOSSIER_IDENTITY"] = bob_identity.string();
    auto bob_init = sandbox.run("key init bob", {"key", "init", "--no-passphrase"});
    sandbox.environment = bob_env;
    REQUIRE(bob_init.exit_status == 0);
    auto bob_key = bob_init.out.substr(0, bob_init.out.find('\n'));
    REQUIRE(sandbox.run("team add bob", {"team", "add", "bob", "--key", bob_key}).exit_status == 0);
    auto granted = sandbox.run("grant bob", {"access", "grant", "bob", "--client", "acme"});
    INFO("grant: ", granted.err);
    CHECK(granted.exit_status == 0);
    CHECK(sandbox.run("access list", {"access", "list"}).exit_status == 0);
    auto revoked = sandbox.run("revoke bob", {"access", "revoke", "bob", "--client", "acme"});
    INFO("revoke: ", revoked.err);
    CHECK(revoked.exit_status == 0);

    // The commands that read documents: mv, search, list, index, show, check, log, diff.
    auto mv = sandbox.run("mv", {"mv", reference, moved});
    INFO("mv: ", mv.err);
    CHECK(mv.exit_status == 0);
    CHECK(sandbox.run("secret get after mv", {"secret", "get", moved}, std::nullopt, true).out == canary + "\n");
    CHECK(sandbox.run("search", {"search", "firewall"}).exit_status == 0);
    sandbox.run("search json", {"search", "admin", "--json"});
    CHECK(sandbox.run("list", {"list"}).exit_status == 0);
    sandbox.run("list json", {"list", "--json"});
    CHECK(sandbox.run("index --rebuild", {"index", "--rebuild"}).exit_status == 0);
    CHECK(sandbox.run("show", {"show", moved}).exit_status == 0);
    sandbox.run("show --json", {"show", moved, "--json"});
    sandbox.run("show --raw", {"show", moved, "--raw"});
    sandbox.run("check", {"check"});
    sandbox.run("log", {"log", "--client", "acme", "-n", "0"});
    sandbox.run("diff", {"diff", moved});
    CHECK(sandbox.run("key show", {"key", "show"}).exit_status == 0);
    CHECK(sandbox.run("team list", {"team", "list"}).exit_status == 0);

    // The clearing processes of --clip have had their second; the fake clipboard is empty again.
    CHECK(eventually([&] { return Sandbox::read_file(sandbox.clip_dir() / "clipboard").empty(); }));

    // The scan: workspace files (.git and .dossier included), every Git object, HOME, the
    // runtime and temporary folders, dossier-secret-* entries of /dev/shm and /tmp, output.
    std::vector<scan::Finding> findings;
    scan::scan_tree(sandbox.workspace(), needles, findings);
    for (const auto& repository : scan::repositories(sandbox.workspace())) {
        scan::scan_git_objects(repository, sandbox.environment, needles, findings);
    }
    scan::scan_tree(sandbox.home(), needles, findings);
    scan::scan_tree(sandbox.runtime_dir, needles, findings);
    scan::scan_tree(sandbox.tmp_dir(), needles, findings);
    std::vector<std::string> left_over;
    for (const auto& [folder, before] : {std::pair{fs::path("/dev/shm"), sandbox.shm_before},
                                         std::pair{fs::path("/tmp"), sandbox.tmp_before}}) {
        for (const auto& name : CanarySandbox::names_in(folder, "dossier-secret-")) {
            if (before.count(name) != 0) continue;
            left_over.push_back((folder / name).string());
            scan::scan_tree(folder / name, needles, findings);
        }
    }
    for (const auto& run : sandbox.runs) {
        if (!run.may_print_secret) scan::scan_bytes("stdout of " + run.label, run.result.out, needles, findings);
        scan::scan_bytes("stderr of " + run.label, run.result.err, needles, findings);
    }
    // The scan itself sees what is there: alice's public key in the Git objects of acme (only
    // compressed on disk), and the canary in what secret get printed.
    std::vector<scan::Finding> controls;
    scan::scan_git_objects(sandbox.client_dir("acme"), sandbox.environment, {{"alice's key", alice_key}}, controls);
    for (const auto& run : sandbox.runs) {
        if (run.label == "secret get") scan::scan_bytes(run.label, run.result.out, {{"canary", canary}}, controls);
    }
    CHECK(controls.size() == 2);

    INFO("found:\n", scan::describe(findings));
    CHECK(findings.empty());
    INFO("left over: ", left_over.size() == 0 ? std::string() : left_over.front());
    CHECK(left_over.empty());
    CHECK(fs::is_empty(sandbox.runtime_dir));
    CHECK(fs::is_empty(sandbox.tmp_dir()));

    // Under umask 000, what holds a secret is still private.
    auto identity = sandbox.home() / ".config/dossier/identity.age";
    CHECK(scan::mode_of(identity) == 0600);
    CHECK(scan::mode_of(bob_identity) == 0600);
    CHECK(scan::mode_of(sandbox.home() / ".config/dossier") == 0700);
}

// Runs `command` (dossier reading a FIFO that the script fills) in the background, waits until
// it blocks, asks gdb whether it is dumpable, reads its core size limit, sends SIGABRT and
// prints "dumpable=D core=SOFT HARD status=S".
std::string probe_script(const std::string& command, const std::string& feed, const std::string& wait_for) {
    return "umask 000\nulimit -c unlimited 2>/dev/null\nrm -f probe.fifo; mkfifo probe.fifo\n" + command +
           " &\npid=$!\nexec 4>probe.fifo\n" + feed + "\n" + wait_for +
           "\ngdb_output=$(gdb -p $pid -batch -nx -ex 'print (int)prctl(3,0,0,0,0)' 2>&1 </dev/null)\n"
           "dumpable=$(printf '%s\\n' \"$gdb_output\" | sed -n 's/^\\$1 = //p')\n"
           // Some virtual machines refuse gdb's write of the registers that a call needs.
           "case \"$gdb_output\" in *\"Couldn't write extended state\"*) echo gdb-cannot-call;; esac\n"
           "core=$(sed -n 's/^Max core file size *\\([^ ]*\\) *\\([^ ]*\\).*/\\1 \\2/p' /proc/$pid/limits)\n"
           "kill -ABRT $pid\nwait $pid\nstatus=$?\nexec 4>&-\n"
           "echo \"dumpable=$dumpable core=$core status=$status\"\n";
}

const std::string wait_for_pipe =
    "i=0; while [ $i -lt 200 ]; do case \"$(cat /proc/$pid/wchan 2>/dev/null)\" in *pipe*|*fifo*) break;; esac; "
    "i=$((i+1)); sleep 0.05; done";

TEST_CASE("canary holders cannot dump core") {
    CanarySandbox sandbox;
    if (::access("/usr/bin/gdb", X_OK) != 0) {
        MESSAGE("gdb is not installed: the dumpable flag of dossier is not checked");
        return;
    }
    const std::string reference = "acme/credentials/fw01-admin";
    auto pass = quoted((sandbox.input() / "passphrase").string());
    REQUIRE(sandbox.run("init", {"init", "ws"}, std::nullopt, false, sandbox.root()).exit_status == 0);
    REQUIRE(sandbox.run("client add", {"client", "add", "Acme"}).exit_status == 0);
    auto key_init = sandbox.run("key init", {"key", "init"});
    REQUIRE(key_init.exit_status == 0);
    auto key = key_init.out.substr(0, key_init.out.find('\n'));
    REQUIRE(sandbox.run("team add", {"team", "add", "alice", "--key", key}).exit_status == 0);
    REQUIRE(sandbox.run("grant", {"access", "grant", "alice", "--client", "acme"}).exit_status == 0);
    sandbox.commit_document("acme", "credentials/fw01-admin.md",
                            "---\ntype: credential\ntitle: Firewall admin\n---\n# Firewall admin\n");
    sandbox.commit_document("acme", "credentials/empty.md", "---\ntype: credential\ntitle: Empty\n---\n# Empty\n");

    auto expect_protected = [&](const std::string& label, const ProcessResult& result) {
        INFO(label, ": ", result.out, result.err);
        if (contains(result.out, "gdb-cannot-call")) {
            MESSAGE("gdb cannot call a function in another process on this machine: the dumpable flag of dossier is "
                    "not checked");
        } else {
            CHECK(contains(result.out, "dumpable=0 "));
        }
        CHECK(contains(result.out, " core=0 0 "));
        auto cores = scan::entries_with_prefix(sandbox.workspace(), "core");
        CHECK(cores.empty());
        std::vector<scan::Finding> findings;
        for (const auto& core : cores) {
            scan::scan_tree(sandbox.workspace() / core, {{"canary", sandbox.canary}}, findings);
            fs::remove(sandbox.workspace() / core);
        }
        INFO("core files that hold the canary:\n", scan::describe(findings));
        CHECK(findings.empty());
    };

    SUBCASE("secret set holding the value read from standard input") {
        auto result = sandbox.shell(probe_script("\"$DOSSIER\" secret set " + reference + " 3<" + pass + " <probe.fifo",
                                                 "printf '%s\\n' '" + sandbox.canary + "' >&4", wait_for_pipe));
        expect_protected("secret set", result);
    }
    SUBCASE("secret get waiting for the passphrase") {
        REQUIRE(sandbox.run("set", {"secret", "set", reference}, sandbox.canary).exit_status == 0);
        auto result =
            sandbox.shell(probe_script("\"$DOSSIER\" secret get " + reference + " 3<probe.fifo", "", wait_for_pipe));
        expect_protected("secret get", result);
    }
    SUBCASE("otp waiting for the passphrase") {
        REQUIRE(sandbox.run("set", {"secret", "set", reference, "otp_secret"}, scan::base32(sandbox.canary))
                    .exit_status == 0);
        auto result = sandbox.shell(probe_script("\"$DOSSIER\" otp " + reference + " 3<probe.fifo", "", wait_for_pipe));
        expect_protected("otp", result);
    }
    SUBCASE("secret edit of a new secret waiting for the repository lock") {
        // The editor writes the canary and ends; dossier then holds it and waits for the lock,
        // which the test holds with flock.
        auto ready = quoted((sandbox.records() / "edited").string());
        sandbox.environment["EDITOR"] =
            sandbox.editor("edit.sh", "printf 'password: \"%s\"\\n' '" + sandbox.canary + "' > \"$1\"\ntouch " +
                                          ready + "\n")
                .string();
        auto lock = quoted((sandbox.client_dir("acme") / ".git/dossier.lock").string());
        auto command = "flock " + lock + " sleep 8 >/dev/null 2>&1 & locker=$!\nsleep 0.3\n\"$DOSSIER\" secret edit acme/credentials/empty 3<" +
                       pass + " 4<probe.fifo";
        auto wait = "i=0; while [ ! -e " + ready + " ] && [ $i -lt 200 ]; do i=$((i+1)); sleep 0.05; done; sleep 0.5";
        auto result = sandbox.shell(probe_script(command, "", wait) + "kill $locker 2>/dev/null\n");
        expect_protected("secret edit", result);
    }
}

}  // namespace
