#include "changed_documents.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <exception>
#include <thread>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/git_repository.hpp"
#include "dossier/i18n.hpp"
#include "dossier/links.hpp"
#include "dossier/reference.hpp"

namespace fs = std::filesystem;

namespace dossier::cli {
namespace {

// A path that no link names, given to the rewriting functions of links.hpp: a document that
// they change links to one of the targets.
constexpr const char* probe_target = "\x01/dossier-check-probe.md";

std::string stem_of(const std::string& path) { return fs::path(path).stem().string(); }

// Returns true when `bytes` of the document `path` link to or relate to `target`.
bool names_target(const Client& client, const std::string& path, const std::string& bytes, const std::string& target) {
    if (rewrite_links_to(bytes, path, target, probe_target) != bytes) return true;
    if (!target.ends_with(".md")) return false;
    try {
        return rewrite_related(bytes, path, client.slug, target, probe_target).has_value();
    } catch (const Error&) {
        return false;  // a document whose front matter cannot be read has no related entries
    }
}

// Reads the file at `path` into `buffer`, which keeps its memory from one file to the next.
// Returns false when the file cannot be read: the check itself reports it.
bool read_into(const fs::path& path, std::string& buffer) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat status {};
    bool ok = ::fstat(fd, &status) == 0;
    buffer.resize(ok ? static_cast<std::size_t>(status.st_size) : 0);
    std::size_t filled = 0;
    while (ok && filled < buffer.size()) {
        auto count = ::read(fd, buffer.data() + filled, buffer.size() - filled);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;  // a file that shrank while being read is checked as it is now
        filled += static_cast<std::size_t>(count);
    }
    buffer.resize(filled);
    ::close(fd);
    return ok;
}

// Runs `work(index)` for each index below `count` on `threads` threads (0: one per core).
template <typename Work>
void run_parallel(std::size_t count, unsigned threads, const Work& work) {
    if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(count, 1)));
    std::atomic<std::size_t> next{0};
    auto loop = [&] {
        for (auto index = next++; index < count; index = next++) work(index);
    };
    std::vector<std::jthread> workers;
    for (unsigned i = 1; i < threads; ++i) workers.emplace_back(loop);
    loop();
}

bool is_document(const std::string& path) {
    if (!path.ends_with(".md")) return false;
    // Like list_documents: files in hidden folders such as .github are not documents.
    return path.front() != '.' && path.find("/.") == std::string::npos;
}

}  // namespace

std::vector<std::string> documents_linking_to(const Client& client, const std::vector<std::string>& targets,
                                              unsigned threads) {
    auto documents = list_documents(client);
    std::vector<std::string> stems;
    for (const auto& target : targets) stems.push_back(stem_of(target));

    std::vector<char> linking(documents.size(), 0);
    run_parallel(documents.size(), threads, [&](std::size_t index) {
        thread_local std::string bytes;
        if (!read_into(client.directory / documents[index], bytes)) return;

        // A link names its target's file name, unless percent-encoding hides it: only
        // documents that contain a target's stem or a '%' are parsed.
        bool candidate = bytes.find('%') != std::string::npos;
        for (std::size_t i = 0; i < targets.size() && !candidate; ++i) {
            candidate = bytes.find(stems[i]) != std::string::npos;
        }
        if (!candidate) return;
        for (const auto& target : targets) {
            if (names_target(client, documents[index], bytes, target)) {
                linking[index] = 1;
                return;
            }
        }
    });

    std::vector<std::string> result;
    for (std::size_t i = 0; i < documents.size(); ++i) {
        if (linking[i] != 0) result.push_back(documents[i]);
    }
    return result;
}

std::vector<std::string> documents_changed_since(const Client& client, const std::string& rev, unsigned threads) {
    auto repository = git::Repository::open(client.directory);
    std::vector<std::string> changed;
    try {
        changed = repository.paths_changed_since(rev);
    } catch (const Error& error) {
        if (error.kind() != ErrorKind::not_found) throw;
        std::string folder = client.directory.string();
        std::string hint =
            repository.is_shallow()
                ? fmt::format(fmt::runtime(tr("{} is a shallow clone whose history is too short to contain {}: fetch "
                                              "more of it with git -C {} fetch --deepen=100, or all of it with "
                                              "git -C {} fetch --unshallow")),
                              folder, rev, folder, folder)
                : fmt::format(fmt::runtime(tr("give a commit, branch or tag that exists in every client checked, or "
                                              "choose one client with --client; git -C {} log --oneline lists its "
                                              "commits")),
                              folder);
        throw Error(ErrorKind::not_found,
                    fmt::format(fmt::runtime(tr("revision not found in client {}: {}")), client.slug, rev), hint);
    }

    std::vector<std::string> selected;
    for (const auto& path : changed) {
        if (is_document(path) && fs::is_regular_file(client.directory / path)) selected.push_back(path);
    }
    if (!changed.empty()) {
        auto linking = documents_linking_to(client, changed, threads);
        selected.insert(selected.end(), linking.begin(), linking.end());
    }
    std::sort(selected.begin(), selected.end());
    selected.erase(std::unique(selected.begin(), selected.end()), selected.end());
    return selected;
}

std::vector<std::vector<std::string>> documents_changed_since(const std::vector<Client>& clients,
                                                              const std::string& rev, unsigned threads) {
    std::vector<std::vector<std::string>> documents(clients.size());
    std::vector<std::exception_ptr> errors(clients.size());
    run_parallel(clients.size(), threads, [&](std::size_t index) {
        try {
            documents[index] = documents_changed_since(clients[index], rev, 1);
        } catch (...) {
            errors[index] = std::current_exception();  // rethrown below, in the order of the clients
        }
    });
    for (const auto& error : errors) {
        if (error) std::rethrow_exception(error);
    }
    return documents;
}

}  // namespace dossier::cli
