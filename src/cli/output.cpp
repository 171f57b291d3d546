#include "output.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "dossier/i18n.hpp"
#include "dossier/terminal_renderer.hpp"
#include "dossier/text.hpp"

namespace dossier::cli {

void print_data(std::string_view text) { std::cout << text << std::flush; }

void print_json(const nlohmann::ordered_json& json) {
    std::cout << json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n' << std::flush;
}

void print_notice(std::string_view text) { std::cerr << "dossier: " << text << '\n'; }

std::string styled(std::string_view text, std::string_view sgr, bool enabled) {
    if (!enabled) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", sgr, text);
}

namespace {

// Returns `text` made safe for a terminal line by line, keeping its line breaks.
std::string terminal_safe_lines(std::string_view text) {
    std::string result;
    std::size_t start = 0;
    while (true) {
        auto end = text.find('\n', start);
        result += terminal_safe_line(text.substr(start, end - start));
        if (end == std::string_view::npos) return result;
        result += '\n';
        start = end + 1;
    }
}

}  // namespace

void print_error(const Error& error, bool color) {
    std::string prefix = styled(tr("error:"), "1;31", color);
    const auto& location = error.location();
    if (location && location->line > 0) {
        int column = std::max(location->column, 1);
        std::cerr << fmt::format("{}:{}:{}: {} {}\n", terminal_safe_line(location->path.string()), location->line,
                                 column, prefix, terminal_safe_lines(error.what()));
        if (!location->line_text.empty()) {
            std::string source_line = terminal_safe_line(location->line_text.size() > 200
                                                       ? location->line_text.substr(0, 200) + "…"
                                                       : location->line_text);
            std::cerr << "  " << source_line << '\n';
            if (location->column > 0 && location->column <= 200) {
                std::cerr << "  " << std::string(static_cast<std::size_t>(column - 1), ' ')
                          << styled("^", "1;32", color) << '\n';
            }
        }
    } else {
        std::cerr << fmt::format("dossier: {} {}\n", prefix, terminal_safe_lines(error.what()));
    }
    if (!error.hint().empty()) std::cerr << fmt::format("{} {}\n", styled(tr("hint:"), "1;36", color), terminal_safe_line(error.hint()));
}

void page(const std::string& text, bool terminal) {
    const char* pager = std::getenv("PAGER");
    std::string command = pager != nullptr && *pager != '\0' ? pager : "less";
    if (!terminal || command == "cat") {
        print_data(text);
        return;
    }
    setenv("LESS", "FRX", 0);
    FILE* pipe = ::popen(command.c_str(), "w");
    if (pipe == nullptr) {
        print_data(text);
        return;
    }
    std::fwrite(text.data(), 1, text.size(), pipe);
    int status = ::pclose(pipe);
    if (status != 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127) print_data(text);  // no such pager
}

}  // namespace dossier::cli
