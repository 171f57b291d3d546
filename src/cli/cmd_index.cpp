#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "context.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/index_watcher.hpp"
#include "dossier/search_index.hpp"
#include "output.hpp"

namespace dossier::cli {
namespace {

struct IndexOptions {
    bool rebuild = false;
    bool json = false;
    bool watch = false;
    bool foreground = false;
    bool stop_watching = false;
};

nlohmann::ordered_json watcher_json(const Workspace& workspace) {
    auto status = index_watcher_status(workspace);
    if (!status) return nullptr;
    return {{"pid", status->pid}, {"folders", status->folders}};
}

// Appends a dated line to standard error, which the watcher's process sends to watch.log.
void log_line(const std::string& text) {
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm local{};
    ::localtime_r(&now, &local);
    std::cerr << fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} {}\n", local.tm_year + 1900, local.tm_mon + 1,
                             local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec, text)
              << std::flush;
}

void write_all(int fd, const std::string& text) {
    std::string_view left = text;
    while (!left.empty()) {
        auto count = ::write(fd, left.data(), left.size());
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) return;
        left.remove_prefix(static_cast<std::size_t>(count));
    }
}

// Runs the watcher in the grandchild that start_watcher made, and writes "ok PID FOLDERS",
// or the error it met, to `report_fd` once it watches every folder.
[[noreturn]] void run_detached_watcher(const Workspace& workspace, int report_fd) {
    [[maybe_unused]] int ignored = ::chdir("/");

    // Its starts, stops and errors go to .dossier/watch.log.
    std::error_code ignored_error;
    std::filesystem::create_directories(workspace.root() / ".dossier", ignored_error);
    const auto log_path = workspace.root() / ".dossier" / "watch.log";
    int null = ::open("/dev/null", O_RDWR);
    int log = ::open(log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    for (int fd : {STDIN_FILENO, STDOUT_FILENO}) ::dup2(null, fd);
    ::dup2(log >= 0 ? log : null, STDERR_FILENO);
    // Nothing else of the caller's stays open, such as the write end of a pipe that a shell
    // waits on.
    for (int fd = STDERR_FILENO + 1, last = static_cast<int>(::sysconf(_SC_OPEN_MAX)); fd < last && fd < 65536; ++fd) {
        if (fd != report_fd) ::close(fd);
    }

    int status = 0;
    bool started = false;
    try {
        IndexWatcher watcher(workspace);
        started = true;
        log_line(fmt::format(fmt::runtime(tr("watcher {} started: {} folders")), ::getpid(), watcher.folders()));
        write_all(report_fd, fmt::format("ok {} {}\n", ::getpid(), watcher.folders()));
        ::close(report_fd);
        watcher.run(true, [](const std::string& line) { log_line(fmt::format("watcher {}: {}", ::getpid(), line)); });
        log_line(fmt::format(fmt::runtime(tr("watcher {} stopped")), ::getpid()));
    } catch (const Error& error) {
        log_line(fmt::format(fmt::runtime(tr("watcher {} failed: {}")), ::getpid(), error.what()));
        if (!started) {
            write_all(report_fd,
                      fmt::format("error {}\n{}\n{}", static_cast<int>(error.kind()), error.what(), error.hint()));
        }
        status = 1;
    } catch (const std::exception& error) {
        log_line(fmt::format(fmt::runtime(tr("watcher {} failed: {}")), ::getpid(), error.what()));
        status = 1;
    }
    ::_exit(status);
}

// Reads what run_detached_watcher wrote to `report_fd` until it closes. Returns the watcher,
// or throws the Error it met.
IndexWatcherStatus read_start_report(int report_fd) {
    std::string text;
    char buffer[4096];
    for (;;) {
        auto count = ::read(report_fd, buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;
        text.append(buffer, static_cast<std::size_t>(count));
    }
    long pid = 0;
    unsigned long folders = 0;
    if (std::sscanf(text.c_str(), "ok %ld %lu", &pid, &folders) == 2) return IndexWatcherStatus{pid, folders};

    int kind = static_cast<int>(ErrorKind::io);
    std::string message = tr("the watcher failed to start: see .dossier/watch.log");
    std::string hint;
    if (text.starts_with("error ")) {
        auto first = text.find('\n');
        auto second = text.find('\n', first == std::string::npos ? first : first + 1);
        kind = std::atoi(text.c_str() + 6);
        if (first != std::string::npos) message = text.substr(first + 1, second - first - 1);
        if (second != std::string::npos) hint = text.substr(second + 1);
    }
    throw Error(static_cast<ErrorKind>(kind), message, hint);
}

// Starts the watcher in a process of its own, which outlives this one, and returns once it
// watches every folder. Throws the Error it met instead.
IndexWatcherStatus start_watcher(const Workspace& workspace) {
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) {
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot start the watcher: {}")), std::strerror(errno)));
    }
    std::cout.flush();
    std::cerr.flush();
    const pid_t child = ::fork();
    if (child < 0) {
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot start the watcher: {}")), std::strerror(errno)));
    }
    if (child == 0) {
        // The watcher's own session, in a second child, so that no terminal or parent waits for it.
        ::close(report[0]);
        ::setsid();
        if (::fork() != 0) ::_exit(0);
        run_detached_watcher(workspace, report[1]);
    }

    ::close(report[1]);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    try {
        auto started = read_start_report(report[0]);
        ::close(report[0]);
        return started;
    } catch (...) {
        ::close(report[0]);
        throw;
    }
}

void run_watch(Context& context, const IndexOptions& options) {
    const auto& workspace = context.workspace();
    if (options.foreground) {
        IndexWatcher watcher(workspace);
        print_notice(fmt::format(fmt::runtime(trn("watching {} folder; Ctrl-C stops", "watching {} folders; Ctrl-C stops",
                                                  watcher.folders())),
                                 watcher.folders()));
        watcher.run(true);
        return;
    }
    if (auto running = index_watcher_status(workspace)) {
        print_notice(fmt::format(fmt::runtime(tr("the watcher already runs (process {})")), running->pid));
        return;
    }
    auto started = start_watcher(workspace);
    // This refresh reads every folder once and records the watcher's token with the index.
    SearchIndex index(workspace);
    context.report_rebuild(index.refresh(context.index_progress()));
    print_notice(fmt::format(fmt::runtime(trn("watching {} folder (process {}): searches now read only what changed",
                                              "watching {} folders (process {}): searches now read only what changed",
                                              started.folders)),
                             started.folders, started.pid));
}

void run_index(Context& context, const IndexOptions& options) {
    if (options.stop_watching) {
        if (stop_index_watcher(context.workspace())) {
            print_notice(tr("stopped the watcher: searches read every folder again"));
        } else {
            print_notice(tr("no watcher runs for this workspace"));
        }
        return;
    }
    if (options.watch) {
        run_watch(context, options);
        return;
    }
    auto start = std::chrono::steady_clock::now();
    SearchIndex index(context.workspace());
    auto progress = context.index_progress();
    auto summary = options.rebuild ? index.rebuild(progress) : index.refresh(progress);
    context.report_rebuild(summary);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    if (options.json) {
        static constexpr const char* reasons[] = {"none", "created", "requested", "format_changed", "damaged"};
        print_json({{"documents", summary.documents},
                    {"added", summary.added},
                    {"updated", summary.updated},
                    {"removed", summary.removed},
                    {"rebuilt", reasons[static_cast<int>(summary.rebuilt)]},
                    {"seconds", seconds},
                    {"path", index.path().string()},
                    {"watcher", watcher_json(context.workspace())}});
        return;
    }
    if (summary.rebuilt != RebuildReason::none) {
        print_data(fmt::format(fmt::runtime(trn("built the search index of {} document in {} ms\n",
                                                 "built the search index of {} documents in {} ms\n",
                                                 summary.documents)),
                               summary.documents, static_cast<long long>(seconds * 1000)));
        return;
    }
    print_data(fmt::format(fmt::runtime(trn("{} document indexed: {} added, {} updated, {} removed\n",
                                             "{} documents indexed: {} added, {} updated, {} removed\n",
                                             summary.documents)),
                           summary.documents, summary.added, summary.updated, summary.removed));
}

}  // namespace

void add_index_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<IndexOptions>();
    auto* command = app.add_subcommand(
        "index", tr("Bring the search index up to date with the files now (search and list do it by themselves)"));
    command->add_flag("--rebuild", options->rebuild, tr("Build the index again from scratch"));
    command->add_flag("--json", options->json, tr("Print the summary as JSON (see docs/en/json-output.md)"));
    auto* watch = command->add_flag(
        "--watch", options->watch,
        tr("Start a process that watches the folders, so that each search reads only what changed"));
    command->add_flag("--foreground", options->foreground, tr("With --watch: watch in this process until Ctrl-C"))
        ->needs(watch);
    command->add_flag("--stop-watching", options->stop_watching, tr("Stop the process started by --watch"))
        ->excludes(watch);
    command->callback([&context, options] { run_index(context, *options); });
}

}  // namespace dossier::cli
