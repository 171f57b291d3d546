#include "prompt.hpp"

#include <unistd.h>

#include <iostream>

namespace dossier::cli {

bool can_prompt() { return ::isatty(STDIN_FILENO) == 1 && ::isatty(STDERR_FILENO) == 1; }

std::optional<std::string> ask(std::string_view question) {
    std::cerr << question << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) {
        std::cerr << '\n';
        return std::nullopt;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

}  // namespace dossier::cli
