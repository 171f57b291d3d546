#include "dossier/change.hpp"

#include <fcntl.h>
#include <git2.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
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

std::string read_holder(int fd) {
    char buffer[64] = {};
    auto length = ::pread(fd, buffer, sizeof buffer - 1, 0);
    std::string holder = length > 0 ? std::string(buffer, static_cast<std::size_t>(length)) : std::string("?");
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    return holder;
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

    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, pid.data(), pid.size(), 0);
}

WriteLock::~WriteLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

Change::Change(git::Repository& repository)
    : lock_(git_repository_path(repository.raw()), write_lock_timeout()),
      repository_(repository),
      start_head_(repository.head_commit()) {}

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
    return repository_.commit(paths_, message, author, start_head_);
}

}  // namespace dossier
