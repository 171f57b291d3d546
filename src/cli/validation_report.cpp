#include "validation_report.hpp"

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/terminal_renderer.hpp"

namespace dossier::cli {

std::vector<std::string> violation_lines(const DocumentType& type, const Document& document) {
    std::vector<std::string> lines;
    for (const auto& violation : type.validate(document.front_matter())) {
        lines.push_back(fmt::format(fmt::runtime(tr("line {}: {}")), violation.line, terminal_safe_line(violation.message)));
    }
    return lines;
}

void throw_if_invalid(const DocumentType& type, const Document& document, const std::string& message,
                      const std::string& hint) {
    auto lines = violation_lines(type, document);
    if (lines.empty()) return;
    throw Error(ErrorKind::invalid_input,
                fmt::format(fmt::runtime(tr("{}:\n  {}")), message, fmt::format("{}", fmt::join(lines, "\n  "))), hint);
}

}  // namespace dossier::cli
