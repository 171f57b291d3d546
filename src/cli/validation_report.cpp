#include "validation_report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/terminal_renderer.hpp"
#include "output.hpp"

namespace dossier::cli {

std::vector<std::string> violation_messages(const DocumentType& type, const Document& document) {
    std::vector<std::string> messages;
    for (const auto& violation : type.validate(document.front_matter())) messages.push_back(violation.message);
    return messages;
}

void throw_if_invalid(const DocumentType& type, const Document& document, const std::string& message,
                      const std::string& hint, const std::vector<std::string>& known) {
    std::vector<std::string> lines;
    for (const auto& violation : type.validate(document.front_matter())) {
        if (std::find(known.begin(), known.end(), violation.message) != known.end()) continue;
        lines.push_back(fmt::format(fmt::runtime(tr("line {}: {}")), violation.line, terminal_safe_line(violation.message)));
    }
    if (lines.empty()) return;
    throw Error(ErrorKind::invalid_input,
                fmt::format(fmt::runtime(tr("{}:\n  {}")), message, fmt::format("{}", fmt::join(lines, "\n  "))), hint);
}

std::string finding_line(const Finding& finding, bool color) {
    std::string location = finding.path;
    if (finding.line > 0) location += fmt::format(":{}:{}", finding.line, finding.column);
    auto severity = std::string(severity_name(finding.severity));
    std::string_view sgr = "1;36";  // info
    if (finding.severity == Severity::error) sgr = "1;31";
    if (finding.severity == Severity::warning) sgr = "1;33";
    return fmt::format("{}: {}: {} [{}]\n", terminal_safe_line(location), styled(severity, sgr, color),
                       terminal_safe_line(finding.message), finding.rule);
}

}  // namespace dossier::cli
