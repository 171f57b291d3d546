// The one error type that ends a command, with its exit status and location.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace dossier {

// Exit statuses of the dossier binary, as documented in docs/en/exit-codes.md.
enum class ExitCode : int {
    success = 0,
    findings = 1,     // `check` found problems at or above --fail-on
    usage = 2,        // invalid command line
    failure = 3,      // invalid input, not found, conflict, Git or crypto error
    interrupted = 130,
};

// The kind of failure of an Error. Every kind but `usage` exits with ExitCode::failure.
enum class ErrorKind {
    usage,
    invalid_input,
    not_found,
    already_exists,
    conflict,     // retryable: a branch moved or a lock is held
    git,
    io,
};

// A position in a text file, 1-based; column counts Unicode code points.
struct SourceLocation {
    std::filesystem::path path;
    int line = 0;
    int column = 0;
    std::string line_text;  // the whole line, shown with a caret under `column`
};

// A failure that ends a command. `what()` is the translated sentence without the
// "dossier: error:" prefix; `hint()` is the next step for the user, possibly empty.
class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string message, std::string hint = {});
    Error(ErrorKind kind, SourceLocation location, std::string message, std::string hint = {});

    ErrorKind kind() const noexcept { return kind_; }
    const std::string& hint() const noexcept { return hint_; }
    const std::optional<SourceLocation>& location() const noexcept { return location_; }
    ExitCode exit_code() const noexcept;

private:
    ErrorKind kind_;
    std::string hint_;
    std::optional<SourceLocation> location_;
};

}  // namespace dossier
