// Reports of dossier check in the formats that CI tools read: JSON, SARIF 2.1.0, JUnit XML and
// GitHub Actions workflow commands.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/check.hpp"

namespace dossier {

enum class ReportFormat { text, json, sarif, junit, github };

// Returns the format named `name` ("text", "json", "sarif", "junit", "github"), or nullopt.
std::optional<ReportFormat> parse_report_format(std::string_view name);

// The counts printed after the findings.
struct CheckSummary {
    std::size_t documents = 0;  // files read
    std::size_t errors = 0;
    std::size_t warnings = 0;
    std::size_t infos = 0;
};

// Returns the summary of `findings` for `documents` files read.
CheckSummary summarize(const std::vector<Finding>& findings, std::size_t documents);

// Returns the findings and the summary as the JSON object of `dossier check --format json`,
// indented with two spaces and ending with a newline. Invalid UTF-8 becomes U+FFFD.
std::string json_report(const std::vector<Finding>& findings, const CheckSummary& summary);

// Returns a SARIF 2.1.0 log with one run of the tool "dossier" whose rules are `rules`, and one
// result per finding. A relative path becomes a percent-encoded URI relative to "%SRCROOT%" (the
// folder where dossier ran); an absolute one becomes a file: URI.
std::string sarif_report(const std::vector<Finding>& findings, std::span<const CheckRule> rules);

// Returns a JUnit XML report: one test suite "dossier check" whose test cases are, in the order of
// `checked_paths`, one failing case per finding of the file (classname the path, name "rule
// line:column", failure type the severity) or one passing case for a file without findings.
// Findings about other paths (type files, clients) follow. Characters that XML 1.0 does not allow
// become U+FFFD.
std::string junit_report(const std::vector<Finding>& findings, const std::vector<std::string>& checked_paths,
                         const CheckSummary& summary);

// Returns one GitHub Actions workflow command per finding:
// `::error file=PATH,line=L,col=C,title=RULE::MESSAGE` (`::warning`, `::notice` for the other
// severities), escaped as the workflow command syntax requires.
std::string github_report(const std::vector<Finding>& findings);

// Returns `text` escaped for XML 1.0 character data or, when `attribute`, for an attribute value
// in double quotes.
std::string xml_escape(std::string_view text, bool attribute);

// Returns `path` as a URI reference: each byte outside the unreserved characters and '/' is
// percent-encoded (RFC 3986).
std::string uri_encode_path(std::string_view path);

}  // namespace dossier
