// The importer's file system side: reading source files, walking the source folder, and the
// paths already taken in the client repository.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/file_descriptor.hpp"
#include "dossier/i18n.hpp"
#include "dossier/text.hpp"
#include "import_internal.hpp"

namespace fs = std::filesystem;

namespace dossier {

// --- reading source files -------------------------------------------------------------

SourceRead read_source(const fs::path& path, bool read_content) {
    SourceRead result;
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
    if (fd.get() < 0) {
        result.error = std::strerror(errno);
        return result;
    }
    struct stat status {};
    if (::fstat(fd.get(), &status) != 0) {
        result.error = std::strerror(errno);
        return result;
    }
    if (!S_ISREG(status.st_mode)) {
        result.error = tr("not a regular file");
        return result;
    }
    result.executable = (status.st_mode & 0111) != 0;

    while (read_content) {
        char buffer[65536];
        auto count = ::read(fd.get(), buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) continue;
        if (count < 0) {
            result.error = std::strerror(errno);
            return result;
        }
        if (count == 0) break;
        result.bytes.append(buffer, static_cast<std::size_t>(count));
    }
    result.ok = true;
    return result;
}

// --- names and paths ------------------------------------------------------------------

std::string displayable_name(const std::string& name) {
    std::string displayable;
    std::string_view rest = name;
    while (!rest.empty()) {
        auto invalid = find_invalid_utf8(rest);
        if (invalid == std::string_view::npos) {
            displayable += rest;
            break;
        }
        displayable += rest.substr(0, invalid);
        displayable += fmt::format("\\x{:02X}", static_cast<unsigned char>(rest[invalid]));
        rest.remove_prefix(invalid + 1);
    }
    return displayable;
}

bool has_control_character(std::string_view name) {
    return std::any_of(name.begin(), name.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

std::string join_path(const std::string& folder, const std::string& name) {
    return folder.empty() ? name : folder + "/" + name;
}

std::vector<std::string> parent_folders(const std::string& path) {
    std::vector<std::string> folders;
    for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        folders.push_back(path.substr(0, slash));
    }
    return folders;
}

// --- the client repository's paths ----------------------------------------------------

PathClaims::PathClaims(const fs::path& client_dir) : client_dir_(client_dir) {
    std::error_code error;
    fs::recursive_directory_iterator it(client_dir, fs::directory_options::skip_permission_denied, error);
    for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
        auto name = it->path().filename().string();
        if (name.starts_with('.')) {
            it.disable_recursion_pending();
            continue;
        }
        auto relative = it->path().lexically_relative(client_dir).generic_string();
        if (find_invalid_utf8(relative) != std::string::npos) continue;
        bool folder = it->is_directory() && !it->is_symlink();
        claims_.emplace(collision_key(relative), Claim{relative, folder, true});
    }
}

std::optional<std::pair<ImportReason, std::string>> PathClaims::check(const std::string& target) const {
    for (const auto& folder : parent_folders(target)) {
        if (auto problem = check_folder(folder)) return problem;
    }

    std::error_code error;
    if (fs::exists(fs::symlink_status(client_dir_ / target, error))) {
        return std::pair{ImportReason::already_exists,
                         fmt::format(fmt::runtime(tr("{} already exists in the client repository")), target)};
    }
    auto claim = claims_.find(collision_key(target));
    if (claim == claims_.end()) return std::nullopt;
    return collision_with(claim->second);
}

void PathClaims::add(const std::string& target) {
    for (const auto& folder : parent_folders(target)) claims_.emplace(collision_key(folder), Claim{folder, true, false});
    claims_.emplace(collision_key(target), Claim{target, false, false});
}

std::optional<std::pair<ImportReason, std::string>> PathClaims::check_folder(const std::string& folder) const {
    auto claim = claims_.find(collision_key(folder));
    if (claim != claims_.end() && claim->second.path != folder) return collision_with(claim->second);

    std::error_code error;
    auto status = fs::symlink_status(client_dir_ / folder, error);
    if (fs::is_symlink(status)) {
        return std::pair{ImportReason::blocked_path,
                         fmt::format(fmt::runtime(tr("{} is a symbolic link in the client repository")), folder)};
    }
    if (fs::exists(status) && !fs::is_directory(status)) {
        return std::pair{ImportReason::blocked_path,
                         fmt::format(fmt::runtime(tr("{} is a file, not a folder")), folder)};
    }
    if (fs::is_directory(status) && fs::exists(fs::symlink_status(client_dir_ / folder / ".git", error))) {
        return std::pair{ImportReason::blocked_path,
                         fmt::format(fmt::runtime(tr("{} is another Git repository (a submodule)")), folder)};
    }
    if (claim != claims_.end() && !claim->second.folder) {  // a file of this import
        return std::pair{ImportReason::blocked_path,
                         fmt::format(fmt::runtime(tr("{} is a file, not a folder")), folder)};
    }
    return std::nullopt;
}

std::pair<ImportReason, std::string> PathClaims::collision_with(const Claim& claim) {
    std::string message =
        claim.existing
            ? fmt::format(fmt::runtime(tr("differs only in case or accents from {}, which is in the client "
                                          "repository")),
                          claim.path)
            : fmt::format(fmt::runtime(tr("differs only in case or accents from {}, which this import adopts")),
                          claim.path);
    return {ImportReason::collision, message};
}

// --- walking the source folder --------------------------------------------------------

std::vector<ImportedFile> SourceWalker::walk() {
    std::error_code error;
    fs::directory_iterator probe(root_, error);
    if (error) {
        throw Error(ErrorKind::io,
                    fmt::format(fmt::runtime(tr("failed to list the folder to import: {}: {}")), root_.string(),
                                error.message()),
                    tr("check the folder's permissions"));
    }
    walk_folder(root_, "", target_folder_);
    return std::move(files_);
}

void SourceWalker::walk_folder(const fs::path& folder, const std::string& source_path, const std::string& target_path) {
    std::error_code error;
    std::vector<fs::path> entries;
    for (fs::directory_iterator it(folder, error); !error && it != fs::directory_iterator(); it.increment(error)) {
        entries.push_back(it->path());
    }
    if (error) {
        add_problem(folder, source_path, true, ImportOutcome::failed, ImportReason::unreadable,
                    fmt::format(fmt::runtime(tr("failed to list the folder: {}")), error.message()));
        return;
    }
    std::sort(entries.begin(), entries.end());
    for (const auto& entry : entries) visit(entry, source_path, target_path);
}

void SourceWalker::visit(const fs::path& entry, const std::string& parent_source, const std::string& parent_target) {
    std::string name = entry.filename().string();
    std::string source_path = join_path(parent_source, displayable_name(name));
    std::error_code error;
    auto status = fs::symlink_status(entry, error);
    bool folder = fs::is_directory(status);

    if (name == ".git") return;  // the source's own history, which the client repository does not take
    if (error) {
        add_problem(entry, source_path, false, ImportOutcome::failed, ImportReason::unreadable,
                    fmt::format(fmt::runtime(tr("cannot be read: {}")), error.message()));
    } else if (find_invalid_utf8(name) != std::string::npos) {
        add_problem(entry, source_path, folder, ImportOutcome::skipped, ImportReason::invalid_name,
                    tr("the name is not valid UTF-8: rename it, then import it again"));
    } else if (has_control_character(name)) {
        add_problem(entry, source_path, folder, ImportOutcome::skipped, ImportReason::invalid_name,
                    tr("the name contains a control character: rename it, then import it again"));
    } else if (name.starts_with('.')) {
        add_problem(entry, source_path, folder, ImportOutcome::skipped, ImportReason::hidden,
                    folder ? tr("hidden folder: not imported") : tr("hidden file: not imported"));
    } else if (fs::is_symlink(status)) {
        add_problem(entry, source_path, false, ImportOutcome::skipped, ImportReason::symbolic_link,
                    tr("symbolic link: not followed; import the file it points to instead"));
    } else if (folder) {
        walk_folder(entry, source_path, join_path(parent_target, to_nfc(name)));
    } else if (!fs::is_regular_file(status)) {
        add_problem(entry, source_path, false, ImportOutcome::skipped, ImportReason::special_file,
                    tr("not a regular file (a FIFO, socket or device): not imported"));
    } else {
        ImportedFile file;
        file.source_file = entry;
        file.source_path = source_path;
        file.target_path = join_path(parent_target, to_nfc(name));
        file.outcome = is_markdown_file_name(name) ? ImportOutcome::adopted : ImportOutcome::attachment;
        files_.push_back(std::move(file));
    }
}

void SourceWalker::add_problem(const fs::path& entry, std::string source_path, bool folder, ImportOutcome outcome,
                               ImportReason reason, std::string message) {
    ImportedFile file;
    file.source_file = entry;
    file.source_path = std::move(source_path);
    file.folder = folder;
    file.outcome = outcome;
    file.reason = reason;
    file.message = std::move(message);
    files_.push_back(std::move(file));
}

}  // namespace dossier
