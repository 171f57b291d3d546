#include "dossier/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/file_descriptor.hpp"
#include "dossier/i18n.hpp"

namespace dossier {
namespace {

[[noreturn]] void throw_io(const char* message, const std::filesystem::path& path, int error_number) {
    throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr(message)), path.string(), std::strerror(error_number)),
                tr("check that the folder exists and is writable, and that the disk is not full"));
}

// The names of temporary files: "." + the file's name + ".tmp-" + the 6 letters or digits of mkstemp.
constexpr std::string_view temporary_infix = ".tmp-";
constexpr std::size_t temporary_suffix_size = 6;

bool is_temporary_name(std::string_view name) {
    if (name.size() < 2 + temporary_infix.size() + temporary_suffix_size || name.front() != '.') return false;
    auto suffix = name.substr(name.size() - temporary_suffix_size);
    return name.substr(name.size() - temporary_suffix_size - temporary_infix.size(), temporary_infix.size()) ==
               temporary_infix &&
           std::all_of(suffix.begin(), suffix.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

void write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
    while (!bytes.empty()) {
        auto written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0 && errno == EINTR) continue;
        if (written < 0) throw_io(N_("failed to write {}: {}"), path, errno);
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
}

}  // namespace

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (!std::filesystem::exists(path)) {
            throw Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("file not found: {}")), path.string()));
        }
        throw_io(N_("failed to read {}: {}"), path, errno);
    }
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) throw_io(N_("failed to read {}: {}"), path, errno);
    return std::move(content).str();
}

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
    write_files_atomically({{path, bytes}});
}

void write_files_atomically(const std::vector<std::pair<std::filesystem::path, std::string_view>>& files,
                            std::vector<struct stat>* written) {
    // Each file goes to a temporary file in its folder first. One flush of the whole file system
    // (syncfs) then replaces a flush per file, which costs a disk round trip each, before the
    // renames, and each folder is flushed once after them.
    std::vector<std::string> temporaries;
    std::vector<std::filesystem::path> folders;
    // New files get 0666 less the umask, read once: umask can only be read by setting it.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    auto remove_temporaries = [&](std::size_t from) {
        for (std::size_t i = from; i < temporaries.size(); ++i) ::unlink(temporaries[i].c_str());
    };
    try {
        for (const auto& [path, bytes] : files) {
            auto folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
            if (std::find(folders.begin(), folders.end(), folder) == folders.end()) {
                std::error_code error;
                std::filesystem::create_directories(folder, error);
                if (error) throw_io(N_("failed to create the folder {}: {}"), folder, error.value());
                folders.push_back(folder);
            }

            std::string temporary =
                (folder / ("." + path.filename().string() + std::string(temporary_infix) + "XXXXXX")).string();
            FileDescriptor fd(::mkstemp(temporary.data()));
            if (fd.get() < 0) throw_io(N_("failed to create a temporary file in {}: {}"), folder, errno);
            temporaries.push_back(temporary);

            struct stat existing {};
            mode_t mode = 0666;
            if (::stat(path.c_str(), &existing) == 0) {
                mode = existing.st_mode & 07777;
            } else {
                mode &= ~mask;
            }
            if (::fchmod(fd.get(), mode) != 0) throw_io(N_("failed to write {}: {}"), path, errno);
            write_all(fd.get(), bytes, path);
            if (files.size() == 1 && ::fsync(fd.get()) != 0) throw_io(N_("failed to write {}: {}"), path, errno);
            if (::close(fd.release()) != 0) throw_io(N_("failed to write {}: {}"), path, errno);
        }
        if (files.size() > 1) {
            FileDescriptor any(::open(folders.front().c_str(), O_RDONLY | O_DIRECTORY));
            if (any.get() < 0 || ::syncfs(any.get()) != 0) {
                throw_io(N_("failed to write {}: {}"), files.front().first, errno);
            }
        }
        for (std::size_t i = 0; i < files.size(); ++i) {
            if (::rename(temporaries[i].c_str(), files[i].first.c_str()) != 0) {
                remove_temporaries(i);
                throw_io(N_("failed to replace {}: {}"), files[i].first, errno);
            }
        }
    } catch (const Error&) {
        remove_temporaries(0);
        throw;
    }
    if (written != nullptr) {
        written->resize(files.size());
        for (std::size_t i = 0; i < files.size(); ++i) {
            if (::lstat(files[i].first.c_str(), &(*written)[i]) != 0) throw_io(N_("failed to read {}: {}"), files[i].first, errno);
        }
    }

    for (const auto& folder : folders) {
        FileDescriptor directory(::open(folder.c_str(), O_RDONLY | O_DIRECTORY));
        if (directory.get() >= 0) ::fsync(directory.get());
    }
}

void remove_temporary_files(const std::filesystem::path& folder, std::chrono::system_clock::time_point since) {
    namespace fs = std::filesystem;
    std::error_code error;
    fs::recursive_directory_iterator entries(folder, fs::directory_options::skip_permission_denied, error);
    // An error ends the walk early, and the temporary files not reached yet stay.
    for (; !error && entries != fs::recursive_directory_iterator(); entries.increment(error)) {
        const auto& path = entries->path();
        auto name = path.filename().string();
        struct stat status {};
        if (::lstat(path.c_str(), &status) != 0) continue;
        if (S_ISDIR(status.st_mode)) {
            // Another repository, such as a client's inside the workspace, has its own lock
            // and may be written now. Folders such as .git and .dossier contain no documents.
            std::error_code ignored;
            if (name.starts_with('.') || fs::exists(path / ".git", ignored)) entries.disable_recursion_pending();
            continue;
        }
        if (!S_ISREG(status.st_mode) || !is_temporary_name(name)) continue;
        auto modified = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds(status.st_mtim.tv_sec) + std::chrono::nanoseconds(status.st_mtim.tv_nsec)));
        if (modified >= since) ::unlink(path.c_str());
    }
}

}  // namespace dossier
