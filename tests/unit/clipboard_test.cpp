// Tests of the clipboard for --clip, with fake wl-copy, wl-paste, xclip and xsel programs on PATH
// that keep the clipboard in a file, and a file in place of the terminal for OSC 52.
#include "cli/clipboard.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "dossier/error.hpp"
#include "temporary_folder.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using dossier::Error;
using dossier::ErrorKind;
using dossier::SecretBytes;
using dossier::cli::ClipboardMethod;
using dossier::cli::copy_to_clipboard;
using dossier::test::TemporaryFolder;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_file(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

// Sets environment variables for one test and restores them after.
class Environment {
public:
    ~Environment() {
        for (const auto& [name, value] : saved_) {
            if (value) {
                ::setenv(name.c_str(), value->c_str(), 1);
            } else {
                ::unsetenv(name.c_str());
            }
        }
    }
    void set(const std::string& name, const std::string& value) {
        save(name);
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    void unset(const std::string& name) {
        save(name);
        ::unsetenv(name.c_str());
    }

private:
    void save(const std::string& name) {
        if (saved_.count(name) != 0) return;
        const char* value = std::getenv(name.c_str());
        saved_[name] = value != nullptr ? std::optional<std::string>(value) : std::nullopt;
    }
    std::map<std::string, std::optional<std::string>> saved_;
};

// A folder with bin/ (the only folder on PATH) and the state of the fake clipboard: the file
// `clipboard` and `log`, where each fake program writes a line with its name and arguments.
class FakeClipboard {
public:
    FakeClipboard() {
        fs::create_directories(bin());
        for (const char* name :
             {"WAYLAND_DISPLAY", "DISPLAY", "SSH_TTY", "SSH_CONNECTION", "TMUX", "STY", "DOSSIER_CLIP_SECONDS"})
            env.unset(name);
        env.set("PATH", bin().string());
        env.set("DOSSIER_CLIP_TTY", (folder.path() / "no-terminal").string());
        env.set("TERM", "xterm");
    }

    fs::path bin() const { return folder.path() / "bin"; }
    fs::path clipboard() const { return folder.path() / "clipboard"; }
    fs::path log() const { return folder.path() / "log"; }

    // Installs the fake `name`: it logs its arguments, then stores its standard input in the
    // clipboard file when it copies, empties the file when it clears, or prints it.
    void install(const std::string& name) {
        std::string q = "'" + folder.path().string() + "'";
        std::string script = "#!/bin/sh\necho \"" + name + " $*\" >> " + q + "/log\n";
        if (name == "wl-copy") {
            script +=
                "if [ \"$1\" = --clear ]; then : > " + q + "/clipboard; else /bin/cat > " + q + "/clipboard; fi\n";
        } else if (name == "wl-paste") {
            script += "exec /bin/cat " + q + "/clipboard\n";
        } else if (name == "xclip") {
            script +=
                "case \"$*\" in *-out*) exec /bin/cat " + q + "/clipboard;; *) /bin/cat > " + q + "/clipboard;; esac\n";
        } else if (name == "xsel") {
            script += "case \"$*\" in *--output*) exec /bin/cat " + q + "/clipboard;; *--clear*) : > " + q +
                      "/clipboard;; *) /bin/cat > " + q + "/clipboard;; esac\n";
        }
        install_script(name, script);
    }

    void install_script(const std::string& name, const std::string& script) {
        write_file(bin() / name, script);
        fs::permissions(bin() / name, fs::perms::owner_all);
    }

    // Waits until the log holds `line` (a whole line), for at most 10 seconds.
    bool wait_for_log(const std::string& line) const {
        for (int i = 0; i < 200; ++i) {
            if (log_has(line)) return true;
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }
    bool log_has(const std::string& line) const {
        std::istringstream lines(read_file(log()));
        for (std::string l; std::getline(lines, l);)
            if (l == line) return true;
        return false;
    }

    TemporaryFolder folder{"clipboard"};
    Environment env;
};

// A secret with a space and a newline, which must arrive exactly.
constexpr std::string_view secret_text = "s3cr3t-P@ss w0rd\nwith a newline";

SecretBytes make_secret() { return SecretBytes(secret_text); }

}  // namespace

TEST_CASE("clipboard: method names") {
    CHECK(dossier::cli::method_name(ClipboardMethod::wl_copy) == "wl-copy");
    CHECK(dossier::cli::method_name(ClipboardMethod::xclip) == "xclip");
    CHECK(dossier::cli::method_name(ClipboardMethod::xsel) == "xsel");
    CHECK(dossier::cli::method_name(ClipboardMethod::osc52) == "OSC 52");
}

TEST_CASE("clipboard: xclip gets the secret on its standard input and it is cleared after the delay") {
    FakeClipboard fake;
    const SecretBytes secret = make_secret();
    fake.install("xclip");
    fake.env.set("DISPLAY", ":0");
    CHECK(copy_to_clipboard(secret, 1s) == ClipboardMethod::xclip);
    CHECK(read_file(fake.clipboard()) == secret.view());
    CHECK(fake.log_has("xclip -selection clipboard -in"));
    CHECK(read_file(fake.log()).find("s3cr3t") == std::string::npos);  // never an argument

    REQUIRE(fake.wait_for_log("xclip -selection clipboard -out"));
    std::this_thread::sleep_for(500ms);
    CHECK(read_file(fake.clipboard()).empty());
}

TEST_CASE("clipboard: a clipboard that changed meanwhile is not cleared") {
    FakeClipboard fake;
    const SecretBytes secret = make_secret();
    fake.install("xclip");
    fake.env.set("DISPLAY", ":0");
    CHECK(copy_to_clipboard(secret, 1s) == ClipboardMethod::xclip);
    write_file(fake.clipboard(), "something else");
    REQUIRE(fake.wait_for_log("xclip -selection clipboard -out"));
    std::this_thread::sleep_for(1s);
    CHECK(read_file(fake.clipboard()) == "something else");

    // Nor one that holds the secret with more after it.
    std::string longer = std::string(secret.view()) + "x";
    write_file(fake.log(), "");
    CHECK(copy_to_clipboard(secret, 1s) == ClipboardMethod::xclip);
    write_file(fake.clipboard(), longer);
    REQUIRE(fake.wait_for_log("xclip -selection clipboard -out"));
    std::this_thread::sleep_for(1s);
    CHECK(read_file(fake.clipboard()) == longer);
}

TEST_CASE("clipboard: wl-copy comes first under Wayland, and wl-paste reads the clipboard back") {
    FakeClipboard fake;
    const SecretBytes secret = make_secret();
    for (const char* name : {"wl-copy", "wl-paste", "xclip", "xsel"}) fake.install(name);
    fake.env.set("WAYLAND_DISPLAY", "wayland-0");
    fake.env.set("DISPLAY", ":0");
    fake.env.set("DOSSIER_CLIP_SECONDS", "1");  // replaces the 45 seconds
    CHECK(copy_to_clipboard(secret, 45s) == ClipboardMethod::wl_copy);
    CHECK(read_file(fake.clipboard()) == secret.view());
    CHECK(fake.log_has("wl-copy "));
    REQUIRE(fake.wait_for_log("wl-copy --clear"));
    CHECK(fake.log_has("wl-paste --no-newline"));
    CHECK(read_file(fake.clipboard()).empty());
    CHECK(read_file(fake.log()).find("xclip") == std::string::npos);
}

TEST_CASE("clipboard: xsel when xclip is missing, and no clearing with a zero delay") {
    FakeClipboard fake;
    const SecretBytes secret = make_secret();
    fake.install("xsel");
    fake.install("wl-copy");  // not used without WAYLAND_DISPLAY
    fake.env.set("DISPLAY", ":1");
    CHECK(copy_to_clipboard(secret, 0s) == ClipboardMethod::xsel);
    CHECK(read_file(fake.clipboard()) == secret.view());
    CHECK(fake.log_has("xsel --clipboard --input"));
    std::this_thread::sleep_for(1500ms);
    CHECK(read_file(fake.clipboard()) == secret.view());
    CHECK(!fake.log_has("xsel --clipboard --output"));

    fake.env.set("DOSSIER_CLIP_SECONDS", "1");
    CHECK(copy_to_clipboard(secret, 45s) == ClipboardMethod::xsel);
    REQUIRE(fake.wait_for_log("xsel --clipboard --clear"));
    CHECK(read_file(fake.clipboard()).empty());
}

TEST_CASE("clipboard: a program that fails gives way to the next method") {
    FakeClipboard fake;
    const SecretBytes secret = make_secret();
    fake.install_script("xclip", "#!/bin/sh\n/bin/cat > /dev/null\nexit 1\n");
    fake.install("xsel");
    fake.env.set("DISPLAY", ":0");
    CHECK(copy_to_clipboard(secret, 0s) == ClipboardMethod::xsel);
    CHECK(read_file(fake.clipboard()) == secret.view());
}

TEST_CASE("clipboard: OSC 52 over SSH, then an empty OSC 52 sequence after the delay") {
    FakeClipboard fake;
    const SecretBytes secret = make_secret();
    fs::path terminal = fake.folder.path() / "terminal";
    write_file(terminal, "");
    fake.env.set("DOSSIER_CLIP_TTY", terminal.string());
    fake.env.set("SSH_TTY", "/dev/pts/3");
    const SecretBytes hello(std::string_view("hello"));
    CHECK(copy_to_clipboard(hello, 1s) == ClipboardMethod::osc52);
    CHECK(read_file(terminal) == "\x1b]52;c;aGVsbG8=\x07");
    for (int i = 0; i < 100 && read_file(terminal).size() == 16; ++i) std::this_thread::sleep_for(50ms);
    CHECK(read_file(terminal) == "\x1b]52;c;aGVsbG8=\x07\x1b]52;c;\x07");

    // Inside tmux, the sequence goes through tmux's passthrough.
    write_file(terminal, "");
    fake.env.set("TMUX", "/tmp/tmux-1000/default,1234,0");
    CHECK(copy_to_clipboard(hello, 0s) == ClipboardMethod::osc52);
    CHECK(read_file(terminal) == "\x1bPtmux;\x1b\x1b]52;c;aGVsbG8=\x07\x1b\\");

    // Inside GNU screen, in pieces of a device control string.
    write_file(terminal, "");
    fake.env.unset("TMUX");
    fake.env.set("STY", "1234.pts-0.host");
    CHECK(copy_to_clipboard(hello, 0s) == ClipboardMethod::osc52);
    CHECK(read_file(terminal) == "\x1bP\x1b]52;c;aGVsbG8=\x07\x1b\\");
}

TEST_CASE("clipboard: OSC 52 without SSH only when no clipboard program is installed") {
    FakeClipboard fake;
    const SecretBytes secret = make_secret();
    fs::path terminal = fake.folder.path() / "terminal";
    write_file(terminal, "");
    fake.env.set("DOSSIER_CLIP_TTY", terminal.string());
    CHECK(copy_to_clipboard(secret, 0s) == ClipboardMethod::osc52);

    fake.install("xclip");  // installed, but no DISPLAY
    CHECK_THROWS_AS(copy_to_clipboard(secret, 0s), Error);
}

TEST_CASE("clipboard: no method is a not_found error naming the packages") {
    FakeClipboard fake;
    const SecretBytes secret = make_secret();
    try {
        copy_to_clipboard(secret, 1s);
        FAIL("no error without any clipboard");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::not_found);
        CHECK(std::string(error.hint()).find("wl-clipboard") != std::string::npos);
        CHECK(std::string(error.hint()).find("xclip") != std::string::npos);
        CHECK(std::string(error.hint()).find("xsel") != std::string::npos);
        CHECK(std::string(error.what()).find("s3cr3t") == std::string::npos);
    }

    // A program that fails is named in the message.
    fake.install_script("xclip", "#!/bin/sh\nexit 3\n");
    fake.env.set("DISPLAY", ":0");
    try {
        copy_to_clipboard(secret, 1s);
        FAIL("no error when xclip fails");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::not_found);
        CHECK(std::string(error.what()).find("xclip failed with exit status 3") != std::string::npos);
    }
}
