// Running a program with a given environment and folder, capturing its output and exit status.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace dossier::e2e {

struct ProcessResult {
    int exit_status = -1;  // the exit code, or 128 + the signal number when a signal ended it
    std::string out;       // everything written to standard output
    std::string err;       // everything written to standard error
};

// Runs `arguments[0]` (searched in the PATH of `environment`) with `arguments`, in
// `directory`, with exactly `environment` as its environment and standard input at
// /dev/null. Arguments are passed as they are, with no shell in between. Reads standard
// output and standard error separately until the program ends. Throws std::runtime_error
// when the program cannot be started.
ProcessResult run_process(const std::vector<std::string>& arguments,
                          const std::map<std::string, std::string>& environment,
                          const std::filesystem::path& directory);

// Runs the program like run_process, and sends it SIGKILL once `kill_after` has passed since
// it started, unless it ended before. Its exit status is then 128 + SIGKILL (137).
ProcessResult run_process_killed_after(const std::vector<std::string>& arguments,
                                       const std::map<std::string, std::string>& environment,
                                       const std::filesystem::path& directory, std::chrono::microseconds kill_after);

// Runs the program like run_process, and sends it `signal` once `condition` returns true,
// which is checked every 10 ms while the program runs.
ProcessResult run_process_signalled_when(const std::vector<std::string>& arguments,
                                         const std::map<std::string, std::string>& environment,
                                         const std::filesystem::path& directory, int signal,
                                         const std::function<bool()>& condition);

}  // namespace dossier::e2e
