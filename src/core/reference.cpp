#include "dossier/reference.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/text.hpp"

namespace fs = std::filesystem;

namespace dossier {
namespace {

std::string with_md_extension(const std::string& path) {
    return path.ends_with(".md") ? path : path + ".md";
}

// Splits on '/' and rejects what would leave the client repository or enter .git.
std::string clean_relative_path(const std::string& text, const std::string& original) {
    if (text.empty() || text.front() == '/' || text.find('\\') != std::string::npos) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid document reference: {}")), original),
                    tr("write a reference as client/folder/name, such as acme/runbooks/vpn-reset"));
    }
    std::string cleaned;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('/', start);
        if (end == std::string::npos) end = text.size();
        std::string segment = text.substr(start, end - start);
        start = end + 1;
        if (segment.empty() || segment == ".") continue;
        if (segment == ".." || segment == ".git") {
            throw Error(ErrorKind::usage,
                        fmt::format(fmt::runtime(tr("invalid document reference: {}")), original),
                        tr("a reference stays inside its client repository: remove \"..\" and \".git\""));
        }
        if (!cleaned.empty()) cleaned += '/';
        cleaned += segment;
    }
    if (cleaned.empty()) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid document reference: {}")), original),
                    tr("write a reference as client/folder/name, such as acme/runbooks/vpn-reset"));
    }
    return cleaned;
}

// Returns the client slug whose folder contains `dir`, and the path of `dir` inside it.
std::optional<std::pair<std::string, fs::path>> client_of_directory(const Workspace& workspace, const fs::path& dir) {
    auto relative = fs::absolute(dir).lexically_normal().lexically_relative(workspace.clients_dir());
    if (relative.empty() || *relative.begin() == ".." || *relative.begin() == ".") return std::nullopt;
    auto slug = relative.begin()->string();
    fs::path inside;
    for (auto it = std::next(relative.begin()); it != relative.end(); ++it) inside /= *it;
    return std::make_pair(slug, inside);
}

[[noreturn]] void throw_unknown_client(const Workspace& workspace, const std::string& slug) {
    std::vector<std::string> slugs;
    for (const auto& client : workspace.clients()) slugs.push_back(client.slug);
    auto matches = closest_matches(slug, slugs);
    std::string hint = matches.empty()
                           ? std::string(tr("run \"dossier client list\" to see the clients"))
                           : fmt::format(fmt::runtime(tr("did you mean {}?")), fmt::join(matches, ", "));
    throw Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("client not found: {}")), slug), hint);
}

bool is_within(const fs::path& root, const fs::path& path) {
    std::error_code error;
    auto canonical_root = fs::weakly_canonical(root, error);
    auto canonical_path = fs::weakly_canonical(path, error);
    auto relative = canonical_path.lexically_relative(canonical_root);
    return !relative.empty() && *relative.begin() != "..";
}

// Returns `path` with each component that does not exist as spelled replaced by the entry
// of its folder with the same NFC form, so that a file named in NFD (as macOS writes names)
// is found from an NFC reference.
std::string match_normalisation_on_disk(const fs::path& client_dir, const std::string& path) {
    fs::path resolved;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        std::string component = path.substr(start, end - start);
        start = end + 1;

        std::error_code error;
        if (!fs::exists(client_dir / resolved / component, error) && fs::is_directory(client_dir / resolved, error)) {
            for (const auto& entry : fs::directory_iterator(client_dir / resolved, error)) {
                auto name = entry.path().filename().string();
                if (find_invalid_utf8(name) == std::string::npos && to_nfc(name) == component) {
                    component = name;
                    break;
                }
            }
        }
        resolved /= component;
    }
    return resolved.generic_string();
}

// Rejects a path that goes through a symbolic link or into a nested repository (a submodule):
// a write there would replace the link by a file, or commit another repository's content.
void check_plain_path(const Reference& reference, const std::string& original) {
    fs::path current = reference.client.directory;
    std::size_t start = 0;
    while (start <= reference.path.size()) {
        auto end = reference.path.find('/', start);
        bool last = end == std::string::npos;
        current /= reference.path.substr(start, (last ? reference.path.size() : end) - start);
        start = (last ? reference.path.size() : end) + 1;

        std::error_code error;
        if (fs::is_symlink(current, error)) {
            throw Error(ErrorKind::usage,
                        fmt::format(fmt::runtime(tr("{} goes through a symbolic link: {}")), original,
                                    current.lexically_relative(reference.client.directory).generic_string()),
                        tr("dossier reads and writes only files stored in the client repository itself; "
                           "name the link's target instead"));
        }
        if (!last && fs::exists(current / ".git", error)) {
            throw Error(ErrorKind::usage,
                        fmt::format(fmt::runtime(tr("{} is inside another Git repository: {}")), original,
                                    current.lexically_relative(reference.client.directory).generic_string()),
                        tr("a submodule or nested repository is not part of the client; change it there with git"));
        }
        if (last) break;
    }
}

}  // namespace

std::string Reference::to_string() const {
    std::string without_extension = path.ends_with(".md") ? path.substr(0, path.size() - 3) : path;
    return client.slug + "/" + without_extension;
}

std::vector<std::string> list_documents(const Client& client) {
    std::vector<std::string> paths;
    std::error_code error;
    fs::recursive_directory_iterator it(client.directory, fs::directory_options::skip_permission_denied, error);
    for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
        const auto& name = it->path().filename().string();
        if (name.starts_with('.')) {
            if (it->is_directory()) it.disable_recursion_pending();
            continue;
        }
        // A symbolic link is not a document of the client: it may point outside the repository.
        if (!it->is_symlink() && it->is_regular_file() && name.ends_with(".md")) {
            paths.push_back(it->path().lexically_relative(client.directory).generic_string());
        }
    }
    std::sort(paths.begin(), paths.end());
    return paths;
}

std::string find_colliding_path(const Client& client, const std::string& path) {
    auto key = collision_key(path);
    for (const auto& existing : list_documents(client)) {
        if (existing != path && collision_key(existing) == key) return existing;
    }
    return {};
}

Reference resolve_reference(const Workspace& workspace, const std::string& text, const fs::path& current_dir,
                            bool must_exist) {
    if (find_invalid_utf8(text) != std::string::npos) {
        throw Error(ErrorKind::usage, tr("invalid document reference: not UTF-8 text"));
    }
    std::string normalised = to_nfc(text);

    std::optional<Reference> found;
    if (auto inside = client_of_directory(workspace, current_dir)) {
        auto client = workspace.find_client(inside->first);
        if (client) {
            auto relative = (inside->second / normalised).lexically_normal().generic_string();
            if (!relative.starts_with("..")) {
                auto path = with_md_extension(clean_relative_path(relative, text));
                // A missing document is still relative (the target of mv, a restore) unless the
                // text starts with a client's slug, as "acme/runbooks/vpn-reset" does.
                auto slash = normalised.find('/');
                bool names_client = slash != std::string::npos && workspace.find_client(normalised.substr(0, slash));
                if (fs::exists(client->directory / path) || !names_client) found = Reference{*client, path};
            }
        }
    }

    if (!found) {
        auto cleaned = clean_relative_path(normalised, text);
        auto slash = cleaned.find('/');
        if (slash == std::string::npos) {
            throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid document reference: {}")), text),
                        tr("write a reference as client/folder/name, such as acme/runbooks/vpn-reset"));
        }
        auto slug = cleaned.substr(0, slash);
        auto client = workspace.find_client(slug);
        if (!client) throw_unknown_client(workspace, slug);
        found = Reference{*client, with_md_extension(cleaned.substr(slash + 1))};
    }

    if (!is_within(found->client.directory, found->file())) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid document reference: {}")), text),
                    tr("a reference stays inside its client repository"));
    }
    found->path = match_normalisation_on_disk(found->client.directory, found->path);
    check_plain_path(*found, text);
    if (must_exist && !fs::is_regular_file(found->file())) {
        std::vector<std::string> candidates;
        for (const auto& path : list_documents(found->client)) candidates.push_back(path.substr(0, path.size() - 3));
        auto requested = found->path.substr(0, found->path.size() - 3);
        auto matches = closest_matches(requested, candidates);
        auto colliding = find_colliding_path(found->client, found->path);
        if (!colliding.empty()) {
            auto twin = colliding.substr(0, colliding.size() - 3);
            std::erase(matches, twin);
            matches.insert(matches.begin(), twin);
        }
        for (auto& match : matches) match = found->client.slug + "/" + match;
        std::string hint = matches.empty()
                               ? fmt::format(fmt::runtime(tr("run \"dossier list --client {}\" to see its documents")),
                                             found->client.slug)
                               : fmt::format(fmt::runtime(tr("did you mean {}?")), fmt::join(matches, ", "));
        throw Error(ErrorKind::not_found,
                    fmt::format(fmt::runtime(tr("document not found: {}")), found->to_string()), hint);
    }
    return *found;
}

}  // namespace dossier
