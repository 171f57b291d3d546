#include "index_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace dossier::index {

FileStat to_file_stat(const struct stat& info) {
    return FileStat{static_cast<std::int64_t>(info.st_size),
                    static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec,
                    static_cast<std::int64_t>(info.st_ctim.tv_sec) * 1'000'000'000 + info.st_ctim.tv_nsec,
                    static_cast<std::int64_t>(info.st_ino)};
}

namespace {

// A folder still to read: the client it belongs to, its path inside the client ("" for the
// client's own folder, else ending in '/'), its depth and an open descriptor.
struct Folder {
    std::size_t client = 0;
    std::string prefix;
    int depth = 0;
    int fd = -1;
};

// The folders still to read, shared by the threads that read them: each takes one, reads it,
// and gives back the folders found in it. Threads share the folders of one client, so that a
// workspace of one large client is read with every thread too.
class FolderQueue {
public:
    explicit FolderQueue(std::vector<Folder> folders) : waiting_(std::move(folders)) {}

    // Returns the next folder, or nothing once every folder is read and none is in progress.
    std::optional<Folder> take() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !waiting_.empty() || reading_ == 0; });
        if (waiting_.empty()) return std::nullopt;
        Folder folder = std::move(waiting_.back());
        waiting_.pop_back();
        ++reading_;
        return folder;
    }

    // Ends the reading of a folder taken, with the folders found in it.
    void done(std::vector<Folder>& found) {
        {
            const std::lock_guard lock(mutex_);
            for (auto& folder : found) waiting_.push_back(std::move(folder));
            --reading_;
        }
        found.clear();
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Folder> waiting_;
    std::size_t reading_ = 0;
};

struct FoundFile {
    std::size_t client;
    ScannedFile file;
};

// Reads `folder`: appends its documents to `files` and its subfolders to `subfolders`.
// Takes ownership of its descriptor.
void read_folder(Folder& folder, const std::vector<Client>& clients, std::vector<FoundFile>& files,
                 std::vector<Folder>& subfolders) {
    DIR* directory = fdopendir(folder.fd);
    if (directory == nullptr) {
        close(folder.fd);
        return;
    }
    while (const dirent* entry = readdir(directory)) {
        std::string_view name = entry->d_name;
        if (name.empty() || name.front() == '.') continue;  // also . and .., .git and hidden files

        unsigned char kind = entry->d_type;
        bool is_markdown = name.size() > 3 && name.ends_with(".md");
        if (kind == DT_DIR || kind == DT_UNKNOWN || (kind == DT_REG && is_markdown)) {
            struct stat info {};
            if (fstatat(dirfd(directory), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) continue;
            if (S_ISDIR(info.st_mode)) {
                if (folder.depth >= 64) continue;
                int child = openat(dirfd(directory), entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (child >= 0) {
                    std::string prefix;
                    prefix.reserve(folder.prefix.size() + name.size() + 1);
                    prefix.append(folder.prefix).append(name).append("/");
                    subfolders.push_back(Folder{folder.client, std::move(prefix), folder.depth + 1, child});
                }
            } else if (S_ISREG(info.st_mode) && is_markdown) {
                std::string path;
                path.reserve(folder.prefix.size() + name.size());
                path.append(folder.prefix).append(name);
                files.push_back(FoundFile{folder.client, ScannedFile{clients[folder.client].slug, std::move(path),
                                                                     to_file_stat(info)}});
            }
        }
    }
    closedir(directory);
}

}  // namespace

std::vector<ScannedFile> scan_folder(const std::vector<Client>& clients, std::size_t client, const std::string& prefix) {
    std::vector<ScannedFile> files;
    const auto path = prefix.empty() ? clients[client].directory : clients[client].directory / prefix;
    int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return files;
    const int depth = static_cast<int>(std::count(prefix.begin(), prefix.end(), '/'));
    std::vector<Folder> waiting{Folder{client, prefix, depth, fd}};
    std::vector<FoundFile> found;
    while (!waiting.empty()) {
        Folder folder = std::move(waiting.back());
        waiting.pop_back();
        read_folder(folder, clients, found, waiting);
    }
    files.reserve(found.size());
    for (auto& entry : found) files.push_back(std::move(entry.file));
    return files;
}

FileStat stat_file(const std::filesystem::path& path) {
    struct stat info {};
    if (lstat(path.c_str(), &info) != 0) return {};
    return to_file_stat(info);
}

std::vector<ScannedFile> scan_documents(const std::vector<Client>& clients) {
    std::vector<Folder> roots;
    for (std::size_t i = 0; i < clients.size(); ++i) {
        int fd = open(clients[i].directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) roots.push_back(Folder{i, {}, 0, fd});
    }
    FolderQueue queue(std::move(roots));
    constexpr std::size_t thread_count = 2;
    std::vector<std::vector<FoundFile>> found(thread_count);
    auto work = [&](std::size_t thread) {
        std::vector<Folder> subfolders;
        found[thread].reserve(4096);
        while (auto folder = queue.take()) {
            read_folder(*folder, clients, found[thread], subfolders);
            queue.done(subfolders);
        }
    };
    std::thread helper(work, 1);
    work(0);
    helper.join();

    // Grouped by client, in the order of `clients`.
    std::vector<std::size_t> starts(clients.size() + 1, 0);
    for (const auto& list : found) {
        for (const auto& entry : list) ++starts[entry.client + 1];
    }
    for (std::size_t i = 1; i < starts.size(); ++i) starts[i] += starts[i - 1];
    std::vector<ScannedFile> files(starts.back());
    for (auto& list : found) {
        for (auto& entry : list) files[starts[entry.client]++] = std::move(entry.file);
    }
    return files;
}

}  // namespace dossier::index
