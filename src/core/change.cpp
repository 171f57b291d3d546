#include "dossier/change.hpp"

#include <fcntl.h>
#include <git2.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <future>
#include <sstream>
#include <string_view>
#include <thread>

#include <fmt/format.h>

#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

namespace dossier {

std::chrono::milliseconds write_lock_timeout() {
    const char* value = std::getenv("DOSSIER_LOCK_TIMEOUT");
    if (value == nullptr || *value == '\0') return std::chrono::seconds(10);

    char* end = nullptr;
    double seconds = std::strtod(value, &end);
    if (end == value || *end != '\0' || !(seconds >= 0) || seconds > 86400) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid DOSSIER_LOCK_TIMEOUT: {}")), value),
                    tr("give a number of seconds between 0 and 86400, such as 30"));
    }
    return std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

namespace {

// Returns the content of the lock file, at most 4 KB: more is not a record of dossier's.
std::string read_lock_file(int fd) {
    char buffer[4096];
    auto length = ::pread(fd, buffer, sizeof buffer, 0);
    return length > 0 ? std::string(buffer, static_cast<std::size_t>(length)) : std::string();
}

// Returns the holder's process id from the lock file's first line, or "?".
std::string read_holder(int fd) {
    std::string holder = read_lock_file(fd);
    holder = holder.substr(0, holder.find('\n'));
    while (!holder.empty() && holder.back() == ' ') holder.pop_back();
    return holder.empty() ? std::string("?") : holder;
}

constexpr std::string_view move_branch_name = "move-branch";
constexpr std::string_view write_index_name = "write-index";

// Returns the time of the coarse clock that file systems stamp files with, in nanoseconds
// since the epoch: a file made after it never has an earlier modification time.
long long coarse_now() {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
    return static_cast<long long>(now.tv_sec) * 1'000'000'000LL + now.tv_nsec;
}

std::chrono::system_clock::time_point time_from(long long nanoseconds) {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(nanoseconds)));
}

// Returns the record line "change NANOSECONDS": from then on, the holder may write files.
std::string change_line() { return fmt::format("change {}\n", coarse_now()); }

// Returns the record line "commit STEP COMMIT NANOSECONDS" of a commit step that begins.
std::string commit_line(git::CommitStep step, const std::string& commit) {
    return fmt::format("commit {} {} {}\n", step == git::CommitStep::move_branch ? move_branch_name : write_index_name,
                       commit, coarse_now());
}

// Reads a "change" line that change_line() wrote; nullopt for any other line.
std::optional<std::chrono::system_clock::time_point> parse_change(const std::string& line) {
    std::istringstream fields(line);
    std::string word;
    long long nanoseconds = 0;
    if (!(fields >> word >> nanoseconds) || word != "change") return std::nullopt;
    return time_from(nanoseconds);
}

// Reads a "commit" line that commit_line() wrote; nullopt for any other line.
std::optional<git::InterruptedCommit> parse_commit(const std::string& line) {
    std::istringstream fields(line);
    std::string word, step, commit;
    long long nanoseconds = 0;
    if (!(fields >> word >> step >> commit >> nanoseconds) || word != "commit") return std::nullopt;
    if (commit.size() != 40 || commit.find_first_not_of("0123456789abcdef") != std::string::npos) return std::nullopt;

    git::InterruptedCommit interrupted;
    if (step == move_branch_name) {
        interrupted.step = git::CommitStep::move_branch;
    } else if (step == write_index_name) {
        interrupted.step = git::CommitStep::write_index;
    } else {
        return std::nullopt;
    }
    interrupted.commit = commit;
    interrupted.began = time_from(nanoseconds);
    return interrupted;
}

// Replaces the lock file's content from `offset` on with `text`. The write comes before the
// truncation, so that a process killed between the two leaves the new first lines.
void write_from(int fd, off_t offset, std::string_view text) {
    // NOTE: failures are ignored. Without the records, a lock file that a killed commit leaves
    // is not removed, and the next commit fails with an error that names it.
    (void)!::pwrite(fd, text.data(), text.size(), offset);
    (void)!::ftruncate(fd, offset + static_cast<off_t>(text.size()));
}

}  // namespace

WriteLock::WriteLock(const std::filesystem::path& git_dir, std::chrono::milliseconds timeout) {
    auto path = git_dir / "dossier.lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        throw Error(ErrorKind::io,
                    fmt::format(fmt::runtime(tr("failed to open the lock file {}: {}")), path.string(), std::strerror(errno)));
    }

    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            ::close(fd_);
            throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("failed to lock {}: {}")), path.string(),
                                                   std::strerror(errno)));
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            auto holder = read_holder(fd_);
            ::close(fd_);
            throw Error(ErrorKind::conflict,
                        fmt::format(fmt::runtime(tr("the client repository is being changed by another dossier "
                                                    "process (process id {})")),
                                    holder),
                        tr("wait for it to finish, then run the command again"));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    // The lines after the first are the records of a holder that was killed. They stay in the
    // file until the caller has cleaned up after it, in case this process is killed too.
    std::istringstream lines(read_lock_file(fd_));
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
        if (auto since = parse_change(line)) {
            interrupted_change_ = since;
        } else if (auto step = parse_commit(line)) {
            interrupted_commit_ = step;
        } else {
            continue;
        }
        interrupted_lines_ += line + "\n";
    }
    pid_line_ = std::to_string(::getpid()) + "\n";
    change_line_ = change_line();
    write_records();
}

WriteLock::~WriteLock() {
    if (fd_ < 0) return;
    if (interrupted_lines_.empty()) write_from(fd_, 0, pid_line_);
    ::close(fd_);  // closing the descriptor releases the flock
}

void WriteLock::clear_interrupted() {
    if (interrupted_lines_.empty()) return;
    interrupted_lines_.clear();
    interrupted_change_.reset();
    interrupted_commit_.reset();
    write_records();
}

void WriteLock::record(const std::optional<std::pair<git::CommitStep, std::string>>& step) {
    commit_line_ = step ? commit_line(step->first, step->second) : std::string();
    write_records();
}

void WriteLock::write_records() {
    write_from(fd_, 0, pid_line_ + (interrupted_lines_.empty() ? change_line_ + commit_line_ : interrupted_lines_));
}

Change::Change(git::Repository& repository)
    : lock_(git_repository_path(repository.raw()), write_lock_timeout()), repository_(repository) {
    if (const auto& since = lock_.interrupted_change()) remove_temporary_files(repository_.workdir(), *since);
    if (const auto& step = lock_.interrupted_commit()) repository_.recover(*step);
    lock_.clear_interrupted();
    start_head_ = repository_.head_commit();
}

void Change::write(const std::string& path, std::string_view bytes) {
    write_file_atomically(repository_.workdir() / path, bytes);
    if (path == ".gitattributes" || path.ends_with("/.gitattributes")) repository_.attributes_changed();
    paths_.push_back({path, std::nullopt});
}

void Change::write_all(const std::vector<std::pair<std::string, std::string>>& files) {
    // The blobs go into a pack from the bytes in hand, so that the commit neither reads the
    // files back nor writes a loose object for each. A second thread packs them while this one
    // writes the files.
    const bool writes_attributes = std::any_of(files.begin(), files.end(), [](const auto& file) {
        return file.first == ".gitattributes" || file.first.ends_with("/.gitattributes");
    });
    if (writes_attributes) repository_.attributes_changed();
    std::vector<bool> as_is(files.size());
    for (std::size_t index = 0; index < files.size(); ++index) {
        // Files written beside a new .gitattributes are staged from the working tree, after it.
        as_is[index] = !writes_attributes && repository_.stores_as_is(files[index].first);
    }
    if (!pack_ && std::find(as_is.begin(), as_is.end(), true) != as_is.end()) {
        pack_ = std::make_unique<git::BlobPack>(repository_);
    }
    auto packing = std::async(std::launch::async, [&] {
        std::vector<git::ObjectId> blobs(files.size());
        for (std::size_t index = 0; index < files.size(); ++index) {
            if (as_is[index]) blobs[index] = pack_->add(files[index].second, files[index].first);
        }
        return blobs;
    });
    std::vector<std::pair<std::filesystem::path, std::string_view>> targets;
    for (const auto& [path, bytes] : files) targets.emplace_back(repository_.workdir() / path, bytes);
    std::vector<struct stat> written;
    try {
        write_files_atomically(targets, &written);
    } catch (...) {
        packing.wait();
        throw;
    }
    const auto blobs = packing.get();
    for (std::size_t index = 0; index < files.size(); ++index) {
        const auto& path = files[index].first;
        if (as_is[index]) {
            paths_.push_back({path, git::StagedFile(blobs[index], written[index])});
        } else {
            paths_.push_back({path, std::nullopt});
        }
    }
    if (pack_ && pack_->pending_bytes() >= max_pending_pack_bytes) pack_->write();
}

void Change::remove(const std::string& path) {
    std::error_code error;
    std::filesystem::remove(repository_.workdir() / path, error);
    if (error) {
        throw Error(ErrorKind::io,
                    fmt::format(fmt::runtime(tr("failed to remove {}: {}")), path, error.message()));
    }
    paths_.push_back({path, std::nullopt});
}

std::optional<std::string> Change::commit(const std::string& message, const git::Signature& author) {
    if (pack_) pack_->write();
    auto record_step = [this](git::CommitStep step, const std::string& commit) {
        lock_.record(std::pair(step, commit));
    };
    try {
        auto commit = repository_.commit(paths_, message, author, start_head_, record_step);
        lock_.record(std::nullopt);
        return commit;
    } catch (const Error&) {
        // A step that fails removes the lock file that libgit2 made for it: nothing is left.
        lock_.record(std::nullopt);
        throw;
    }
}

}  // namespace dossier
