#include "repository_jobs.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "dossier/deferred_signals.hpp"
#include "dossier/i18n.hpp"
#include "dossier/terminal_renderer.hpp"
#include "output.hpp"

namespace dossier::cli {

bool run_repository_jobs(std::size_t count, std::size_t jobs, const std::string& progress_msgid,
                         const std::function<void(std::size_t)>& job) {
    bool terminal = ::isatty(STDERR_FILENO) == 1;
    // Ctrl-C or a kill lets the repositories in progress finish: the workers inherit the
    // blocked signals, and the watch stops the workers from starting others.
    const SignalWatch signals([] { print_notice(tr("interrupted: finishing the repositories in progress")); });

    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::mutex progress_mutex;
    auto show = [&](std::size_t completed) {
        if (!terminal || count < 2) return;
        std::lock_guard lock(progress_mutex);
        std::cerr << "\rdossier: " << fmt::format(fmt::runtime(tr(progress_msgid.c_str())), completed, count)
                  << (completed == count ? "\n" : "") << std::flush;
    };
    auto worker = [&] {
        for (std::size_t i = next++; i < count && !signals.interrupted(); i = next++) {
            job(i);
            show(++done);
        }
    };
    std::size_t threads = std::clamp<std::size_t>(jobs, 1, std::max<std::size_t>(count, 1));
    std::vector<std::thread> pool;
    for (std::size_t i = 1; i < threads; ++i) pool.emplace_back(worker);
    worker();
    for (auto& thread : pool) thread.join();
    return signals.interrupted();
}

std::size_t job_count(int requested) {
    return requested > 0 ? static_cast<std::size_t>(requested) : 8;
}

namespace {

std::string describe_changes(const git::SyncResult& result) {
    std::vector<std::string> parts;
    if (result.pulled > 0) {
        parts.push_back(fmt::format(fmt::runtime(trn("pulled {} commit", "pulled {} commits", result.pulled)), result.pulled));
    }
    if (result.merged) parts.push_back(tr("merged"));
    if (!result.resolved.empty()) {
        parts.push_back(fmt::format(fmt::runtime(trn("{} document merged field by field",
                                                     "{} documents merged field by field", result.resolved.size())),
                                    result.resolved.size()));
    }
    if (result.pushed > 0) {
        parts.push_back(fmt::format(fmt::runtime(trn("pushed {} commit", "pushed {} commits", result.pushed)), result.pushed));
    }
    std::string text;
    for (const auto& part : parts) text += (text.empty() ? "" : ", ") + part;
    return text;
}

const char* state_name(git::SyncState state) {
    switch (state) {
    case git::SyncState::up_to_date: return "up_to_date";
    case git::SyncState::changed: return "changed";
    case git::SyncState::conflict: return "conflict";
    case git::SyncState::failed: return "failed";
    }
    return "failed";
}

}  // namespace

git::SyncResult failed_result(const Error& error) {
    git::SyncResult result;
    result.state = git::SyncState::failed;
    result.error = error.what();
    result.hint = error.hint();
    return result;
}

git::SyncResult clone_result(const std::string& url, const std::filesystem::path& directory) {
    try {
        std::filesystem::create_directories(directory.parent_path());
        git::clone(url, directory);
        git::SyncResult result;
        result.state = git::SyncState::changed;
        return result;
    } catch (const Error& error) {
        return failed_result(error);
    }
}

std::vector<RepositoryOutcome> pending_outcomes(const std::vector<std::string>& names, bool cloned) {
    std::vector<RepositoryOutcome> outcomes(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        outcomes[i].name = names[i];
        outcomes[i].cloned = cloned;
        outcomes[i].result.state = git::SyncState::failed;
        outcomes[i].result.error = tr("not started: the command was interrupted");
        outcomes[i].result.hint = tr("run the command again");
    }
    return outcomes;
}

bool print_outcomes(const std::vector<RepositoryOutcome>& outcomes, bool color) {
    std::size_t width = 0;
    for (const auto& outcome : outcomes) width = std::max(width, outcome.name.size());
    bool all_succeeded = true;
    std::string text;
    std::vector<std::string> finish;
    for (const auto& outcome : outcomes) {
        const auto& result = outcome.result;
        std::string line;
        switch (result.state) {
        case git::SyncState::up_to_date:
            line = tr("up to date");
            break;
        case git::SyncState::changed:
            line = outcome.cloned ? tr("cloned") : describe_changes(result);
            break;
        case git::SyncState::conflict: {
            all_succeeded = false;
            line = styled(fmt::format(fmt::runtime(trn("conflict in {} document", "conflict in {} documents",
                                                       result.conflicts.size())),
                                      result.conflicts.size()),
                          "1;33", color);
            if (auto changes = describe_changes(result); !changes.empty()) line += " (" + changes + ")";
            bool workspace = outcome.name == "workspace";
            for (const auto& conflict : result.conflicts) {
                std::string reference = workspace ? conflict.path : outcome.name + "/" + conflict.path;
                line += "\n    " + terminal_safe_line(reference);
                if (!conflict.reason.empty()) line += ": " + terminal_safe_line(conflict.reason);
                if (!workspace) finish.push_back(reference);
            }
            if (workspace) {
                line += std::string("\n    ") + tr("the workspace repository was left as it was: merge it with git pull, fix the "
                                    "files, commit, then run dossier sync again");
            }
            break;
        }
        case git::SyncState::failed:
            all_succeeded = false;
            line = styled(tr("failed"), "1;31", color) + ": " + terminal_safe_line(result.error);
            if (!result.hint.empty()) line += "\n    " + terminal_safe_line(result.hint);
            break;
        }
        text += fmt::format("{:<{}}  {}\n", outcome.name, width, line);
    }
    print_data(text);
    if (!finish.empty()) {
        print_notice(fmt::format(
            fmt::runtime(tr("to finish the merge, choose a version of each document with dossier resolve REF --ours, "
                            "--theirs or --edit (for example dossier resolve {} --edit), then run dossier sync again")),
            finish.front()));
    }
    return all_succeeded;
}

nlohmann::ordered_json outcomes_json(const std::vector<RepositoryOutcome>& outcomes) {
    auto array = nlohmann::ordered_json::array();
    for (const auto& outcome : outcomes) {
        const auto& result = outcome.result;
        auto conflicts = nlohmann::ordered_json::array();
        for (const auto& conflict : result.conflicts) conflicts.push_back({{"path", conflict.path}, {"reason", conflict.reason}});
        nlohmann::ordered_json entry = {{"repository", outcome.name},
                                        {"state", outcome.cloned && result.state == git::SyncState::changed
                                                      ? "cloned" : state_name(result.state)},
                                        {"pulled", result.pulled},
                                        {"pushed", result.pushed},
                                        {"merged", result.merged},
                                        {"resolved", result.resolved},
                                        {"conflicts", conflicts}};
        if (result.state == git::SyncState::failed) {
            entry["error"] = result.error;
            entry["hint"] = result.hint;
        }
        array.push_back(std::move(entry));
    }
    return array;
}

}  // namespace dossier::cli
