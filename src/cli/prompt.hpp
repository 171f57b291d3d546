// Questions asked on the terminal, for commands that can complete what the command line lacks.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dossier::cli {

// Returns true when standard input and standard error are both terminals, so a question can be
// asked and answered.
bool can_prompt();

// Writes `question` to standard error and returns the line typed, without its line ending, or
// nullopt at end of input (Ctrl-D).
std::optional<std::string> ask(std::string_view question);

}  // namespace dossier::cli
