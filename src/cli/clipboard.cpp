// The clipboard for `--clip`: wl-copy, xclip, xsel or the OSC 52 terminal sequence, and a
// detached process that clears the clipboard later if it still holds the secret.
#include "clipboard.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

namespace dossier::cli {

namespace {

using namespace std::chrono_literals;

bool env_set(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0';
}

// The path of the executable `name` found on PATH, if any.
std::optional<std::string> find_on_path(std::string_view name) {
    const char* path = std::getenv("PATH");
    std::string_view rest = path != nullptr ? path : "";
    while (true) {
        std::size_t colon = rest.find(':');
        std::string_view folder = rest.substr(0, colon);
        std::string candidate = (folder.empty() ? std::string(".") : std::string(folder)) + "/" + std::string(name);
        struct stat info {};
        if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        if (colon == std::string_view::npos) return std::nullopt;
        rest = rest.substr(colon + 1);
    }
}

// A command line ready for execv: the strings and the pointers to them, built before any fork.
class Command {
public:
    Command() = default;
    Command(std::string path, std::vector<std::string> arguments) : strings_(std::move(arguments)) {
        strings_.insert(strings_.begin(), std::move(path));
        point();
    }
    Command(const Command& other) : strings_(other.strings_) { point(); }
    Command(Command&& other) noexcept : strings_(std::move(other.strings_)) { point(); }
    Command& operator=(Command other) noexcept {
        strings_ = std::move(other.strings_);
        point();
        return *this;
    }
    ~Command() = default;

    bool empty() const { return strings_.empty(); }
    const std::string& program() const { return strings_.front(); }
    char* const* argv() const { return pointers_.data(); }

private:
    void point() {
        pointers_.clear();
        for (std::string& s : strings_) pointers_.push_back(s.data());
        pointers_.push_back(nullptr);
    }

    std::vector<std::string> strings_;
    std::vector<char*> pointers_;
};

// Closes every file descriptor from `first` on.
void close_from(int first) {
    if (::close_range(static_cast<unsigned>(first), ~0u, 0) == 0) return;
    long max = ::sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    for (int fd = first; fd < max; ++fd) ::close(fd);
}

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

// Ignores SIGPIPE while it lives, so that a program that exits early does not kill dossier.
class IgnoreSigpipe {
public:
    IgnoreSigpipe() {
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        sigemptyset(&ignore.sa_mask);
        ::sigaction(SIGPIPE, &ignore, &saved_);
    }
    ~IgnoreSigpipe() { ::sigaction(SIGPIPE, &saved_, nullptr); }
    IgnoreSigpipe(const IgnoreSigpipe&) = delete;
    IgnoreSigpipe& operator=(const IgnoreSigpipe&) = delete;

private:
    struct sigaction saved_ {};
};

// Runs `command` with `input` on its standard input, its standard error to /dev/null and its
// standard output to /dev/null, or, when `output` is given, into `output` (at most `limit`
// bytes; `overflow` tells when there were more). Returns the exit status, or -1 when the program
// could not run or was killed.
int run(const Command& command, std::string_view input, SecretBytes* output = nullptr, std::size_t limit = 0,
        bool* overflow = nullptr) {
    IgnoreSigpipe ignore_sigpipe;
    int in[2];
    if (::pipe2(in, O_CLOEXEC) != 0) return -1;
    int out[2] = {-1, -1};
    if (output != nullptr && ::pipe2(out, O_CLOEXEC) != 0) {
        ::close(in[0]);
        ::close(in[1]);
        return -1;
    }
    pid_t pid = ::fork();
    if (pid == 0) {
        int null = ::open("/dev/null", O_RDWR);
        ::dup2(in[0], STDIN_FILENO);
        ::dup2(output != nullptr ? out[1] : null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
        close_from(3);
        ::signal(SIGPIPE, SIG_DFL);
        ::execv(command.program().c_str(), command.argv());
        ::_exit(127);
    }
    ::close(in[0]);
    if (output != nullptr) ::close(out[1]);
    if (pid < 0) {
        ::close(in[1]);
        if (output != nullptr) ::close(out[0]);
        return -1;
    }
    write_all(in[1], input);
    ::close(in[1]);
    if (output != nullptr) {
        output->resize_down(0);
        char buffer[4096];
        for (;;) {
            ssize_t got = ::read(out[0], buffer, sizeof buffer);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) break;
            std::size_t keep = std::min(static_cast<std::size_t>(got), limit - std::min(limit, output->size()));
            output->append(std::string_view(buffer, keep));
            if (keep < static_cast<std::size_t>(got) && overflow != nullptr) *overflow = true;
        }
        sodium_memzero(buffer, sizeof buffer);
        ::close(out[0]);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The OSC 52 sequence that sets the clipboard to `base64`, wrapped for tmux or GNU screen, which
// pass it to the outer terminal only inside a device control string.
SecretBytes osc52_sequence(std::string_view base64) {
    SecretBytes sequence(std::string_view("\x1b]52;c;"));
    sequence.append(base64);
    sequence.append("\x07");
    if (env_set("TMUX")) {
        // Every ESC inside the passthrough is doubled; the sequence holds one, at its start.
        SecretBytes wrapped(std::string_view("\x1bPtmux;\x1b"));
        wrapped.append(sequence.view());
        wrapped.append("\x1b\\");
        return wrapped;
    }
    const char* term = std::getenv("TERM");
    if (env_set("STY") || (term != nullptr && std::string_view(term).starts_with("screen"))) {
        // screen limits a device control string, so the sequence goes in pieces of 76 bytes.
        SecretBytes wrapped;
        for (std::size_t start = 0; start < sequence.size(); start += 76) {
            wrapped.append("\x1bP");
            wrapped.append(sequence.view().substr(start, 76));
            wrapped.append("\x1b\\");
        }
        return wrapped;
    }
    return sequence;
}

SecretBytes base64(const SecretBytes& secret) {
    SecretBytes encoded(sodium_base64_ENCODED_LEN(secret.size(), sodium_base64_VARIANT_ORIGINAL));
    sodium_bin2base64(encoded.data(), encoded.size(), secret.bytes(), secret.size(), sodium_base64_VARIANT_ORIGINAL);
    encoded.resize_down(encoded.size() - 1);  // the terminating NUL
    return encoded;
}

void sleep_for(std::chrono::seconds delay) {
    struct timespec left {};
    left.tv_sec = static_cast<time_t>(delay.count());
    while (::nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
}

// What the clearing process does, prepared before it starts.
struct Clearer {
    Command paste;  // prints the clipboard; empty when it cannot be read back
    Command clear;  // empties the clipboard, from an empty standard input
    int tty = -1;   // OSC 52: the terminal to write the clearing sequence to
};

// Runs in the detached process: waits, then clears the clipboard if it still holds `secret`.
[[noreturn]] void clear_later(const Clearer& clearer, const SecretBytes& secret, std::chrono::seconds delay,
                              SecretBytes& readback) {
    ::prctl(PR_SET_DUMPABLE, 0);  // no core dump or ptrace of a process that holds a secret
    ::signal(SIGHUP, SIG_IGN);
    ::signal(SIGINT, SIG_IGN);
    ::signal(SIGPIPE, SIG_IGN);
    if (::chdir("/") != 0) {
        // Keeping the working folder is harmless.
    }
    // Standard streams to /dev/null, the terminal (if any) on descriptor 3, nothing else: the
    // process must not hold the command's files or locks while it waits.
    int tty = clearer.tty >= 0 ? ::fcntl(clearer.tty, F_DUPFD, 10) : -1;
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    if (tty >= 0) tty = ::dup2(tty, 3);
    close_from(tty >= 0 ? 4 : 3);

    sleep_for(delay);
    if (tty >= 0) {
        SecretBytes empty = osc52_sequence("");
        write_all(tty, empty.view());
    } else {
        bool unchanged = true;
        if (!clearer.paste.empty()) {
            bool overflow = false;
            int status = run(clearer.paste, {}, &readback, secret.size() + 1, &overflow);
            unchanged = status == 0 && !overflow && readback.size() == secret.size() &&
                        sodium_memcmp(readback.data(), secret.data(), secret.size()) == 0;
        }
        if (unchanged) run(clearer.clear, {});
    }
    readback.clear();
    // This process's copy of the secret (its memory is its own since the fork).
    sodium_memzero(const_cast<char*>(secret.data()), secret.size());
    ::_exit(0);
}

// Starts the detached clearing process: a double fork with setsid, so that it survives the
// command and its terminal and is never a zombie of it.
void start_clearer(const Clearer& clearer, const SecretBytes& secret, std::chrono::seconds delay) {
    SecretBytes readback(secret.size() + 1);  // allocated before the fork
    pid_t child = ::fork();
    if (child < 0) {
        throw Error(ErrorKind::io,
                    fmt::format(fmt::runtime(tr("cannot start the process that clears the clipboard: {}")),
                                std::strerror(errno)),
                    tr("clear the clipboard yourself once the secret is pasted"));
    }
    if (child == 0) {
        ::setsid();
        pid_t grandchild = ::fork();
        if (grandchild == 0) clear_later(clearer, secret, delay, readback);
        ::_exit(grandchild < 0 ? 1 : 0);
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw Error(ErrorKind::io, tr("cannot start the process that clears the clipboard"),
                    tr("clear the clipboard yourself once the secret is pasted"));
    }
}

std::string failure(std::string_view program, int status) {
    if (status < 0) return fmt::format(fmt::runtime(tr("{} could not run")), program);
    return fmt::format(fmt::runtime(tr("{} failed with exit status {}")), program, status);
}

}  // namespace

std::string_view method_name(ClipboardMethod method) {
    switch (method) {
        case ClipboardMethod::wl_copy:
            return "wl-copy";
        case ClipboardMethod::xclip:
            return "xclip";
        case ClipboardMethod::xsel:
            return "xsel";
        case ClipboardMethod::osc52:
            return "OSC 52";
    }
    return "?";
}

std::chrono::seconds clear_delay(std::chrono::seconds requested) {
    if (const char* text = std::getenv("DOSSIER_CLIP_SECONDS"); text != nullptr && *text != '\0') {
        std::string_view value(text);
        long long seconds = 0;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (error == std::errc() && end == value.data() + value.size() && seconds >= 0) {
            return std::chrono::seconds(std::min(seconds, 86400LL * 365));
        }
    }
    return std::max(requested, 0s);
}

ClipboardMethod copy_to_clipboard(const SecretBytes& secret, std::chrono::seconds clear_after) {
    const std::chrono::seconds delay = clear_delay(clear_after);
    const bool wayland = env_set("WAYLAND_DISPLAY");
    const bool x11 = env_set("DISPLAY");
    const bool ssh = env_set("SSH_TTY") || env_set("SSH_CONNECTION");
    const std::optional<std::string> wl_copy = find_on_path("wl-copy");
    const std::optional<std::string> xclip = find_on_path("xclip");
    const std::optional<std::string> xsel = find_on_path("xsel");
    std::vector<std::string> failures;

    // Copies with a program; false (and a reason in `failures`) when it fails.
    auto copy_with = [&](const Command& copy, const Clearer& clearer) {
        int status = run(copy, secret.view());
        if (status != 0) {
            failures.push_back(failure(copy.program().substr(copy.program().rfind('/') + 1), status));
            return false;
        }
        if (delay > 0s) start_clearer(clearer, secret, delay);
        return true;
    };

    if (wayland && wl_copy) {
        Clearer clearer;
        if (std::optional<std::string> wl_paste = find_on_path("wl-paste")) {
            clearer.paste = Command(*wl_paste, {"--no-newline"});
        }
        clearer.clear = Command(*wl_copy, {"--clear"});
        if (copy_with(Command(*wl_copy, {}), clearer)) return ClipboardMethod::wl_copy;
    }
    if (x11 && xclip) {
        Clearer clearer{Command(*xclip, {"-selection", "clipboard", "-out"}),
                        Command(*xclip, {"-selection", "clipboard", "-in"})};
        if (copy_with(Command(*xclip, {"-selection", "clipboard", "-in"}), clearer)) return ClipboardMethod::xclip;
    }
    if (x11 && xsel) {
        Clearer clearer{Command(*xsel, {"--clipboard", "--output"}), Command(*xsel, {"--clipboard", "--clear"})};
        if (copy_with(Command(*xsel, {"--clipboard", "--input"}), clearer)) return ClipboardMethod::xsel;
    }
    if (ssh || (!wl_copy && !xclip && !xsel)) {
        const char* tty_path = std::getenv("DOSSIER_CLIP_TTY");
        int tty = ::open(tty_path != nullptr && *tty_path != '\0' ? tty_path : "/dev/tty",
                         O_WRONLY | O_NOCTTY | O_CLOEXEC | O_APPEND);
        if (tty >= 0) {
            SecretBytes sequence = osc52_sequence(base64(secret).view());
            bool written = write_all(tty, sequence.view());
            if (written && delay > 0s) {
                try {
                    start_clearer(Clearer{{}, {}, tty}, secret, delay);
                } catch (...) {
                    ::close(tty);
                    throw;
                }
            }
            ::close(tty);
            if (written) return ClipboardMethod::osc52;
            failures.push_back(tr("the terminal refused the OSC 52 sequence"));
        }
    }

    std::string message = tr("no clipboard is available");
    if (!failures.empty()) {
        std::string reasons;
        for (const std::string& reason : failures) reasons += (reasons.empty() ? "" : "; ") + reason;
        message = fmt::format(fmt::runtime(tr("no clipboard is available: {}")), reasons);
    }
    throw Error(ErrorKind::not_found, message,
                tr("install wl-clipboard (Wayland), xclip or xsel (X11); over SSH, use a terminal that supports "
                   "OSC 52"));
}

}  // namespace dossier::cli
