#include "context.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include <fmt/format.h>

#include "dossier/calendar.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/yaml_value.hpp"
#include "output.hpp"

namespace fs = std::filesystem;

namespace dossier::cli {
namespace {

std::optional<fs::path> environment_path(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return fs::path(value);
}

// Returns true when colour is turned off by NO_COLOR, or by TERM=dumb as terminals without
// escape sequences announce themselves.
bool no_color() {
    const char* value = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    return (value != nullptr && *value != '\0') || (term != nullptr && std::string_view(term) == "dumb");
}

}  // namespace

const Workspace* Context::find_workspace() {
    if (workspace_) return &*workspace_;

    auto root = Workspace::find_root(workspace_search());
    if (!root) return nullptr;
    workspace_ = Workspace::open(*root);
    debug(fmt::format("opened the workspace {}", root->string()));
    return &*workspace_;
}

WorkspaceSearch Context::workspace_search() const {
    WorkspaceSearch search;
    if (!options.workspace_dir.empty()) search.explicit_dir = fs::path(options.workspace_dir);
    search.current_dir = current_dir;
    search.environment_dir = environment_path("DOSSIER_WORKSPACE");
    return search;
}

const Workspace& Context::workspace() {
    if (const auto* found = find_workspace()) return *found;

    std::string where = options.workspace_dir.empty() ? current_dir.string() : options.workspace_dir;
    throw Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("no dossier workspace found at {}")), where),
                tr("create one with \"dossier init DIR\", or name one with -C DIR or DOSSIER_WORKSPACE"));
}

const TypeCatalog& Context::types() {
    if (types_) return *types_;

    const auto* found = find_workspace();
    types_ = found != nullptr ? TypeCatalog::load(found->root() / "types") : TypeCatalog::built_in();
    debug(fmt::format("loaded {} types", types_->names().size()));
    return *types_;
}

Client Context::client(const std::string& slug) {
    if (auto found = workspace().find_client(slug)) return *found;

    std::vector<std::string> slugs;
    for (const auto& client : workspace().clients()) slugs.push_back(client.slug);
    auto matches = closest_matches(slug, slugs);
    std::string hint = matches.empty() ? std::string(tr("run \"dossier client list\" to see the clients"))
                                       : fmt::format(fmt::runtime(tr("did you mean {}?")), fmt::join(matches, ", "));
    throw Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("client not found: {}")), slug), hint);
}

Reference Context::reference(const std::string& text, bool must_exist) {
    return resolve_reference(workspace(), text, current_dir, must_exist);
}

const DocumentType& Context::type(const std::string& name) {
    const auto& catalog = types();
    if (const auto* found = catalog.find(name)) return *found;
    if (const auto* problem = catalog.problem_for(name)) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("unusable type {}: {}: {}")), name, problem->path.string(), problem->reason),
                    tr("fix the schema, then run the command again"));
    }
    auto matches = closest_matches(name, catalog.names());
    std::string hint = matches.empty() ? std::string(tr("run \"dossier types\" to see the types"))
                                       : fmt::format(fmt::runtime(tr("did you mean {}?")), fmt::join(matches, ", "));
    throw Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("unknown type: {}")), name), hint);
}

IndexProgress Context::index_progress() const {
    if (::isatty(STDERR_FILENO) != 1) return {};
    return [](std::size_t done, std::size_t total) {
        if (total < 1000) return;
        std::cerr << "\rdossier: " << fmt::format(fmt::runtime(tr("indexing {}/{} documents")), done, total)
                  << (done == total ? "\n" : "") << std::flush;
    };
}

SearchIndex& Context::search_index(bool cached) {
    if (!index_) index_.emplace(workspace());
    auto summary = cached ? index_->open_cached(index_progress()) : index_->refresh(index_progress());
    debug(fmt::format("index: {} documents, {} added, {} updated, {} removed", summary.documents, summary.added,
                      summary.updated, summary.removed));
    report_rebuild(summary);
    return *index_;
}

void Context::report_rebuild(const RefreshSummary& summary) const {
    switch (summary.rebuilt) {
    case RebuildReason::format_changed:
        print_notice(tr("the search index was made by another version of dossier: rebuilt it"));
        break;
    case RebuildReason::damaged:
        print_notice(fmt::format(fmt::runtime(tr("the search index could not be trusted ({}): rebuilt it")),
                                 summary.damage));
        break;
    default:
        break;
    }
}

std::optional<Technician> Context::technician(const git::Repository* repository) {
    const auto& team = workspace().technicians();
    if (const char* id = std::getenv("DOSSIER_TECHNICIAN"); id != nullptr && *id != '\0') {
        for (const auto& member : team) {
            if (member.id == id) return member;
        }
        return std::nullopt;
    }
    auto signature = author(repository);
    auto lowercase = [](std::string text) {
        for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return text;
    };
    for (const auto& member : team) {
        if (!member.email.empty() && lowercase(member.email) == lowercase(signature.email)) return member;
    }
    return std::nullopt;
}

git::Signature Context::author(const git::Repository* repository) {
    const char* technician = std::getenv("DOSSIER_TECHNICIAN");
    return resolve_author(workspace().technicians(), technician != nullptr ? technician : "", repository);
}

std::int64_t Context::now() const {
    if (const char* fixed = std::getenv("DOSSIER_NOW"); fixed != nullptr && *fixed != '\0') {
        char* end = nullptr;
        errno = 0;
        const long long seconds = std::strtoll(fixed, &end, 10);
        if (errno != 0 || end == fixed || *end != '\0') {
            throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid DOSSIER_NOW: {}")), fixed),
                        tr("give the time as Unix seconds, such as 1767225600, or unset DOSSIER_NOW"));
        }
        return seconds;
    }
    return static_cast<std::int64_t>(std::time(nullptr));
}

std::string Context::today() {
    if (const char* fixed = std::getenv("DOSSIER_TODAY"); fixed != nullptr && *fixed != '\0') {
        if (!is_calendar_date(fixed)) {
            throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid DOSSIER_TODAY: {}")), fixed),
                        tr("give a calendar date as YYYY-MM-DD, or unset DOSSIER_TODAY"));
        }
        return fixed;
    }
    const Workspace* workspace = find_workspace();
    return local_date(now(), workspace != nullptr ? workspace->time_zone() : std::string());
}

void Context::debug(std::string_view message) const {
    if (!options.debug) return;
    auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_);
    std::cerr << fmt::format("dossier: debug: {:8.2f} ms  {}\n", elapsed.count(), message);
}

bool Context::stdout_is_terminal() const { return ::isatty(STDOUT_FILENO) == 1; }

bool Context::color_stdout() const { return stdout_is_terminal() && !no_color(); }

bool Context::color_stderr() const { return ::isatty(STDERR_FILENO) == 1 && !no_color(); }

}  // namespace dossier::cli
