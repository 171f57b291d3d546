#include "index_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace dossier::index {
namespace {

FileStat to_file_stat(const struct stat& info) {
    return FileStat{static_cast<std::int64_t>(info.st_size),
                    static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec,
                    static_cast<std::int64_t>(info.st_ctim.tv_sec) * 1'000'000'000 + info.st_ctim.tv_nsec,
                    static_cast<std::int64_t>(info.st_ino)};
}

// Walks the folder open as `directory_fd`, whose path inside the client is `prefix`.
// Takes ownership of the descriptor.
void walk(int directory_fd, std::string& prefix, std::string_view client, std::vector<ScannedFile>& out, int depth) {
    DIR* directory = fdopendir(directory_fd);
    if (directory == nullptr) {
        close(directory_fd);
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
                if (depth >= 64) continue;
                int child = openat(dirfd(directory), entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (child >= 0) {
                    std::size_t length = prefix.size();
                    prefix.append(name).append("/");
                    walk(child, prefix, client, out, depth + 1);
                    prefix.resize(length);
                }
            } else if (S_ISREG(info.st_mode) && is_markdown) {
                std::string path;
                path.reserve(prefix.size() + name.size());
                path.append(prefix).append(name);
                out.push_back(ScannedFile{client, std::move(path), to_file_stat(info)});
            }
        }
    }
    closedir(directory);
}

}  // namespace

FileStat stat_file(const std::filesystem::path& path) {
    struct stat info {};
    if (lstat(path.c_str(), &info) != 0) return {};
    return to_file_stat(info);
}

std::vector<ScannedFile> scan_documents(const std::vector<Client>& clients) {
    std::vector<std::vector<ScannedFile>> per_client(clients.size());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i = next++; i < clients.size(); i = next++) {
            int fd = open(clients[i].directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            std::string prefix;
            per_client[i].reserve(1024);
            if (fd >= 0) walk(fd, prefix, clients[i].slug, per_client[i], 0);
        }
    };
    std::thread helper(work);
    work();
    helper.join();

    std::size_t total = 0;
    for (const auto& list : per_client) total += list.size();
    std::vector<ScannedFile> files;
    files.reserve(total);
    for (auto& list : per_client) {
        files.insert(files.end(), std::make_move_iterator(list.begin()), std::make_move_iterator(list.end()));
    }
    return files;
}

}  // namespace dossier::index
