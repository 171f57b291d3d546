// Work on many repositories at once, for sync and clone, and the summary line of each.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dossier/error.hpp"
#include "dossier/git_sync.hpp"

namespace dossier::cli {

// Runs `job(i)` for i in [0, count) on up to `jobs` threads, showing "VERB done/count
// repositories" on a terminal. `job` must not throw. After SIGINT, SIGTERM, SIGHUP or SIGQUIT
// the jobs in progress finish and no other starts; returns true then.
bool run_repository_jobs(std::size_t count, std::size_t jobs, const std::string& progress_msgid,
                         const std::function<void(std::size_t)>& job);

// The number of repositories worked on at once: --jobs when given, else 8.
std::size_t job_count(int requested);

struct RepositoryOutcome {
    std::string name;  // "workspace" or a client slug
    git::SyncResult result;
    bool cloned = false;  // the repository was cloned rather than synced
};

// Returns the result of a repository whose work failed with `error`.
git::SyncResult failed_result(const Error& error);

// Clones `url` into `directory`, creating its parent folder, and returns the result: changed,
// or failed with the error.
git::SyncResult clone_result(const std::string& url, const std::filesystem::path& directory);

// Returns outcomes named by `names`, each failed as "interrupted" until its job replaces it.
std::vector<RepositoryOutcome> pending_outcomes(const std::vector<std::string>& names, bool cloned);

// Prints one line per repository on standard output, and the errors' hints and the way to
// finish a conflict on standard error. Returns true when every repository succeeded.
bool print_outcomes(const std::vector<RepositoryOutcome>& outcomes, bool color);

// Returns the outcomes as the JSON array of `sync --json`.
nlohmann::ordered_json outcomes_json(const std::vector<RepositoryOutcome>& outcomes);

}  // namespace dossier::cli
