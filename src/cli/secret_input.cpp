#include "secret_input.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

namespace dossier::cli {
namespace {

// The terminal's settings while echo is off, for the signal handler that restores them.
std::atomic<int> echo_off_fd{-1};
struct termios saved_settings {};

void restore_and_reraise(int signal) {
    int fd = echo_off_fd.load();
    if (fd >= 0) {
        ::tcsetattr(fd, TCSAFLUSH, &saved_settings);
        (void)!::write(fd, "\n", 1);
    }
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

// Returns true when a read failed with an error after which it can be retried: EINTR, or
// ERESTARTSYS (512). Some kernels let 512 through when a debugger runs a function in the
// process while it waits in read(), as gdb 13 does on the 2-core CI machines.
bool retry_read(ssize_t count) {
    constexpr int restart_syscall = 512;
    return count < 0 && (errno == EINTR || errno == restart_syscall);
}

// Reads bytes from `fd` up to a line feed or the end. Returns nullopt at the end with nothing read.
std::optional<SecretBytes> read_line_from(int fd) {
    SecretBytes line;
    char byte = 0;
    bool any = false;
    while (true) {
        auto count = ::read(fd, &byte, 1);
        if (retry_read(count)) continue;
        if (count <= 0) break;
        any = true;
        if (byte == '\n') break;
        line.append({&byte, 1});
    }
    byte = 0;
    if (!any) return std::nullopt;
    if (!line.empty() && line.view().back() == '\r') line.resize_down(line.size() - 1);
    return line;
}

// Turns echo off on `fd` for the life of the object, and back on after, also on SIGINT,
// SIGTERM, SIGHUP and SIGQUIT, whose default action then ends the command.
class EchoOff {
public:
    explicit EchoOff(int fd) : fd_(fd) {
        if (::tcgetattr(fd, &saved_settings) != 0) return;
        struct termios quiet = saved_settings;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        echo_off_fd = fd;
        struct sigaction action {};
        action.sa_handler = restore_and_reraise;
        sigemptyset(&action.sa_mask);
        for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) ::sigaction(signal, &action, &previous_[index(signal)]);
        active_ = ::tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
    }
    ~EchoOff() {
        if (echo_off_fd.load() != fd_) return;
        ::tcsetattr(fd_, TCSAFLUSH, &saved_settings);
        echo_off_fd = -1;
        for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) ::sigaction(signal, &previous_[index(signal)], nullptr);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    static int index(int signal) { return signal == SIGINT ? 0 : signal == SIGTERM ? 1 : signal == SIGHUP ? 2 : 3; }
    int fd_;
    bool active_ = false;
    struct sigaction previous_[4] {};
};

class Terminal {
public:
    Terminal() : fd_(::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) {}
    ~Terminal() {
        if (fd_ >= 0) ::close(fd_);
    }
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;
    int fd() const { return fd_; }

private:
    int fd_;
};

SecretBytes ask_twice(const std::string& prompt, const std::string& again) {
    auto first = read_hidden_line(prompt);
    if (!first || first->empty()) {
        throw Error(ErrorKind::usage, tr("no value given: nothing was changed"));
    }
    auto second = read_hidden_line(again);
    if (!second || !(*first == *second)) {
        throw Error(ErrorKind::usage, tr("the two values differ: nothing was changed"), tr("type the same value twice"));
    }
    return std::move(*first);
}

}  // namespace

void protect_process_memory() {
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    struct rlimit none {0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
}

bool has_terminal() {
    Terminal terminal;
    return terminal.fd() >= 0;
}

std::optional<SecretBytes> read_hidden_line(const std::string& prompt) {
    Terminal terminal;
    if (terminal.fd() < 0) {
        throw Error(ErrorKind::io, tr("no terminal to ask for a secret on"),
                    tr("run the command in a terminal, or give the secret on standard input"));
    }
    (void)!::write(terminal.fd(), prompt.data(), prompt.size());
    EchoOff echo_off(terminal.fd());
    return read_line_from(terminal.fd());
}

PassphraseSource passphrase_source() {
    return [](const std::string& prompt, bool confirm) -> std::optional<SecretBytes> {
        if (const char* descriptor = std::getenv("DOSSIER_PASSPHRASE_FD"); descriptor != nullptr && *descriptor != '\0') {
            char* end = nullptr;
            long fd = std::strtol(descriptor, &end, 10);
            if (*end != '\0' || fd < 0 || fd > 1024 || ::fcntl(static_cast<int>(fd), F_GETFD) < 0) {
                throw Error(ErrorKind::usage,
                            fmt::format(fmt::runtime(tr("DOSSIER_PASSPHRASE_FD is not an open file descriptor: {}")),
                                        descriptor),
                            tr("open the passphrase file on a descriptor, such as 3<file, or unset the variable"));
            }
            return read_line_from(static_cast<int>(fd));
        }
        if (!has_terminal()) {
            throw Error(ErrorKind::usage, tr("a passphrase is needed but there is no terminal to ask on"),
                        tr("set DOSSIER_PASSPHRASE_FD to a file descriptor that holds the passphrase"));
        }
        if (confirm) return ask_twice(prompt, tr("Type it again: "));
        return read_hidden_line(prompt);
    };
}

SecretBytes read_secret_value(const std::string& prompt) {
    protect_process_memory();
    if (::isatty(STDIN_FILENO) == 1) return ask_twice(prompt, tr("Type it again: "));

    SecretBytes value;
    char buffer[4096];
    while (true) {
        auto count = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (retry_read(count)) continue;
        if (count < 0) throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot read standard input: {}")),
                                                              std::strerror(errno)));
        if (count == 0) break;
        value.append({buffer, static_cast<std::size_t>(count)});
    }
    std::memset(buffer, 0, sizeof buffer);
    if (value.view().ends_with("\r\n")) {
        value.resize_down(value.size() - 2);
    } else if (value.view().ends_with("\n")) {
        value.resize_down(value.size() - 1);
    }
    if (value.empty()) throw Error(ErrorKind::usage, tr("no value on standard input: nothing was changed"));
    return value;
}

}  // namespace dossier::cli
