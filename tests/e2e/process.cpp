#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <functional>
#include <optional>
#include <stdexcept>

namespace dossier::e2e {
namespace {

namespace fs = std::filesystem;

// Closes a file descriptor when it goes out of scope.
class Descriptor {
public:
    Descriptor() = default;
    ~Descriptor() { reset(); }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;

    int get() const noexcept { return fd_; }
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

// A pipe whose ends are closed on exec, so that a child only keeps the ends it duplicates.
struct Pipe {
    Descriptor read_end;
    Descriptor write_end;

    Pipe() {
        std::array<int, 2> fds{};
        if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
            throw std::runtime_error(std::string("pipe2 failed: ") + std::strerror(errno));
        }
        read_end.reset(fds[0]);
        write_end.reset(fds[1]);
    }
};

// Returns the path of `program`: itself when it contains a '/', else the first executable
// file of that name in the folders of `search_path`.
std::string find_program(const std::string& program, const std::string& search_path) {
    if (program.find('/') != std::string::npos) return program;
    std::size_t start = 0;
    while (start <= search_path.size()) {
        auto end = search_path.find(':', start);
        if (end == std::string::npos) end = search_path.size();
        fs::path folder = search_path.substr(start, end - start);
        start = end + 1;
        if (folder.empty()) folder = ".";
        auto candidate = folder / program;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    throw std::runtime_error("program not found in PATH: " + program);
}

// Child side, between fork and exec: only async-signal-safe calls. Reports errno through
// `status_fd` when exec fails.
[[noreturn]] void exec_child(const char* program, char* const* argv, char* const* envp, const char* directory,
                             int out_fd, int err_fd, int status_fd) {
    int null_fd = ::open("/dev/null", O_RDONLY);
    bool ready = null_fd >= 0 && ::dup2(null_fd, STDIN_FILENO) >= 0 && ::dup2(out_fd, STDOUT_FILENO) >= 0 &&
                 ::dup2(err_fd, STDERR_FILENO) >= 0 && ::chdir(directory) == 0;
    if (ready) ::execve(program, argv, envp);
    int error = errno;
    [[maybe_unused]] auto written = ::write(status_fd, &error, sizeof error);
    ::_exit(127);
}

// When to send a signal to the child: a time after its start, or once a condition holds,
// checked every 10 ms. Sent once at most.
struct SignalPlan {
    int signal = SIGKILL;
    std::optional<std::chrono::microseconds> after;
    std::function<bool()> when;
};

// Reads both pipes until both reach end of file, so that neither child stream can fill up
// and block the child while the other is being read. Sends the signal of `plan`, if any, to
// `pid` at the time or condition it gives, and goes on reading until the pipes close.
void drain(int out_fd, int err_fd, ProcessResult& result, pid_t pid, std::chrono::steady_clock::time_point started,
           std::optional<SignalPlan> plan) {
    std::array<pollfd, 2> fds{pollfd{out_fd, POLLIN, 0}, pollfd{err_fd, POLLIN, 0}};
    std::array<std::string*, 2> targets{&result.out, &result.err};
    int open_count = 2;
    char buffer[65536];
    while (open_count > 0) {
        int timeout_ms = -1;
        if (plan) {
            bool now = false;
            if (plan->after) {
                auto left = std::chrono::ceil<std::chrono::milliseconds>(started + *plan->after -
                                                                         std::chrono::steady_clock::now());
                now = left.count() <= 0;
                timeout_ms = static_cast<int>(left.count());
            } else {
                now = plan->when();
                timeout_ms = 10;
            }
            if (now) {
                // The child is not reaped before waitpid below, so `pid` still names it.
                ::kill(pid, plan->signal);
                plan.reset();
                continue;
            }
        }
        int ready = ::poll(fds.data(), fds.size(), timeout_ms);
        if (ready < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error(std::string("poll failed: ") + std::strerror(errno));
        }
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            auto count = ::read(fds[i].fd, buffer, sizeof buffer);
            if (count < 0 && errno == EINTR) continue;
            if (count <= 0) {
                fds[i].fd = -1;
                --open_count;
                continue;
            }
            targets[i]->append(buffer, static_cast<std::size_t>(count));
        }
    }
}

ProcessResult run(const std::vector<std::string>& arguments, const std::map<std::string, std::string>& environment,
                  const std::filesystem::path& directory, std::optional<SignalPlan> plan) {
    if (arguments.empty()) throw std::runtime_error("run_process needs a program");

    auto path = environment.find("PATH");
    std::string program = find_program(arguments[0], path == environment.end() ? std::string() : path->second);

    std::vector<std::string> argument_storage = arguments;
    std::vector<char*> argv;
    for (auto& argument : argument_storage) argv.push_back(argument.data());
    argv.push_back(nullptr);

    std::vector<std::string> environment_storage;
    for (const auto& [name, value] : environment) environment_storage.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (auto& entry : environment_storage) envp.push_back(entry.data());
    envp.push_back(nullptr);

    std::string folder = directory.string();
    Pipe out;
    Pipe err;
    Pipe status;

    const auto started = std::chrono::steady_clock::now();
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0) {
        exec_child(program.c_str(), argv.data(), envp.data(), folder.c_str(), out.write_end.get(), err.write_end.get(),
                   status.write_end.get());
    }

    out.write_end.reset();
    err.write_end.reset();
    status.write_end.reset();

    ProcessResult result;
    drain(out.read_end.get(), err.read_end.get(), result, pid, started, std::move(plan));

    int child_errno = 0;
    auto status_bytes = ::read(status.read_end.get(), &child_errno, sizeof child_errno);

    int wait_status = 0;
    while (::waitpid(pid, &wait_status, 0) < 0) {
        if (errno != EINTR) throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
    }
    if (status_bytes == static_cast<ssize_t>(sizeof child_errno)) {
        throw std::runtime_error("cannot start " + program + " in " + folder + ": " + std::strerror(child_errno));
    }

    if (WIFEXITED(wait_status)) result.exit_status = WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) result.exit_status = 128 + WTERMSIG(wait_status);
    return result;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& arguments,
                          const std::map<std::string, std::string>& environment,
                          const std::filesystem::path& directory) {
    return run(arguments, environment, directory, std::nullopt);
}

ProcessResult run_process_killed_after(const std::vector<std::string>& arguments,
                                       const std::map<std::string, std::string>& environment,
                                       const std::filesystem::path& directory, std::chrono::microseconds kill_after) {
    return run(arguments, environment, directory,
               SignalPlan{SIGKILL, kill_after, {}});
}

ProcessResult run_process_signalled_when(const std::vector<std::string>& arguments,
                                         const std::map<std::string, std::string>& environment,
                                         const std::filesystem::path& directory, int signal,
                                         const std::function<bool()>& condition) {
    return run(arguments, environment, directory, SignalPlan{signal, std::nullopt, condition});
}

}  // namespace dossier::e2e
