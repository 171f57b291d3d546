// Writes the findings of dossier check as JSON, SARIF 2.1.0, JUnit XML and GitHub workflow commands.
#include "dossier/check_report.hpp"

#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "dossier/i18n.hpp"

namespace dossier {
namespace {

using Json = nlohmann::ordered_json;

std::string dump(const Json& json) { return json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n"; }

// --- JSON --------------------------------------------------------------------------------

Json finding_json(const Finding& finding) {
    return {{"path", finding.path},
            {"line", finding.line},
            {"column", finding.column},
            {"severity", severity_name(finding.severity)},
            {"rule", finding.rule},
            {"field", finding.field},
            {"message", finding.message}};
}

// --- SARIF -------------------------------------------------------------------------------

std::string_view sarif_level(Severity severity) {
    switch (severity) {
        case Severity::error: return "error";
        case Severity::warning: return "warning";
        case Severity::info: return "note";
    }
    return "error";
}

Json sarif_rule(const CheckRule& rule) {
    return {{"id", rule.id},
            {"shortDescription", {{"text", tr(rule.description)}}},
            {"defaultConfiguration", {{"level", sarif_level(rule.severity)}}}};
}

Json sarif_location(const Finding& finding) {
    Json artifact;
    if (finding.path.starts_with('/')) {
        artifact = {{"uri", "file://" + uri_encode_path(finding.path)}};
    } else {
        artifact = {{"uri", uri_encode_path(finding.path)}, {"uriBaseId", "%SRCROOT%"}};
    }
    Json physical = {{"artifactLocation", artifact}};
    if (finding.line > 0) {
        Json region = {{"startLine", finding.line}};
        if (finding.column > 0) region["startColumn"] = finding.column;
        physical["region"] = region;
    }
    return {{"physicalLocation", physical}};
}

Json sarif_result(const Finding& finding, std::span<const CheckRule> rules) {
    Json result = {{"ruleId", finding.rule}};
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (rules[i].id == finding.rule) result["ruleIndex"] = i;
    }
    result["level"] = sarif_level(finding.severity);
    result["message"] = {{"text", finding.message}};
    result["locations"] = Json::array({sarif_location(finding)});
    if (!finding.field.empty()) result["properties"] = {{"field", finding.field}};
    return result;
}

// --- XML ---------------------------------------------------------------------------------

// Decodes the UTF-8 sequence at `text[offset]`. Returns the code point and its length, or
// U+FFFD and 1 for a byte that starts no valid sequence.
std::pair<char32_t, std::size_t> decode_utf8(std::string_view text, std::size_t offset) {
    constexpr std::pair<char32_t, std::size_t> invalid{0xFFFD, 1};
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[offset + i]); };
    unsigned char lead = byte(0);
    if (lead < 0x80) return {lead, 1};

    std::size_t length = 0;
    char32_t code = 0;
    char32_t minimum = 0;
    if ((lead & 0xE0) == 0xC0) {
        length = 2, code = lead & 0x1F, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3, code = lead & 0x0F, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4, code = lead & 0x07, minimum = 0x10000;
    } else {
        return invalid;
    }
    if (offset + length > text.size()) return invalid;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0) != 0x80) return invalid;
        code = (code << 6) | (byte(i) & 0x3F);
    }
    bool surrogate = code >= 0xD800 && code <= 0xDFFF;
    if (code < minimum || code > 0x10FFFF || surrogate) return invalid;
    return {code, length};
}

// The characters of XML 1.0 (its production Char).
bool xml_allows(char32_t code) {
    return code == 0x9 || code == 0xA || code == 0xD || (code >= 0x20 && code <= 0xD7FF) ||
           (code >= 0xE000 && code <= 0xFFFD) || (code >= 0x10000 && code <= 0x10FFFF);
}

std::string attribute(std::string_view name, std::string_view value) {
    return fmt::format(" {}=\"{}\"", name, xml_escape(value, true));
}

std::string junit_test_case(const std::string& path, const Finding* finding) {
    std::string head = "    <testcase" + attribute("classname", path) + attribute("file", path);
    if (finding == nullptr) return head + attribute("name", "dossier check") + "/>\n";

    std::string name = finding->rule;
    if (finding->line > 0) name += fmt::format(" {}:{}", finding->line, finding->column);
    std::string location = finding->path;
    if (finding->line > 0) location += fmt::format(":{}:{}", finding->line, finding->column);
    std::string text = fmt::format("{}: {}: {} [{}]", location, severity_name(finding->severity), finding->message,
                                   finding->rule);
    return head + attribute("name", name) + ">\n      <failure" + attribute("message", finding->message) +
           attribute("type", severity_name(finding->severity)) + ">" + xml_escape(text, false) +
           "</failure>\n    </testcase>\n";
}

// --- GitHub workflow commands ----------------------------------------------------------

std::string github_escape(std::string_view text, bool property) {
    std::string escaped;
    escaped.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '%': escaped += "%25"; break;
            case '\r': escaped += "%0D"; break;
            case '\n': escaped += "%0A"; break;
            case ':': escaped += property ? "%3A" : ":"; break;
            case ',': escaped += property ? "%2C" : ","; break;
            default: escaped += c;
        }
    }
    return escaped;
}

std::string_view github_command(Severity severity) {
    switch (severity) {
        case Severity::error: return "error";
        case Severity::warning: return "warning";
        case Severity::info: return "notice";
    }
    return "error";
}

}  // namespace

std::optional<ReportFormat> parse_report_format(std::string_view name) {
    if (name == "text") return ReportFormat::text;
    if (name == "json") return ReportFormat::json;
    if (name == "sarif") return ReportFormat::sarif;
    if (name == "junit") return ReportFormat::junit;
    if (name == "github") return ReportFormat::github;
    return std::nullopt;
}

CheckSummary summarize(const std::vector<Finding>& findings, std::size_t documents) {
    CheckSummary summary;
    summary.documents = documents;
    for (const auto& finding : findings) {
        switch (finding.severity) {
            case Severity::error: ++summary.errors; break;
            case Severity::warning: ++summary.warnings; break;
            case Severity::info: ++summary.infos; break;
        }
    }
    return summary;
}

std::string json_report(const std::vector<Finding>& findings, const CheckSummary& summary) {
    Json list = Json::array();
    for (const auto& finding : findings) list.push_back(finding_json(finding));
    return dump({{"findings", list},
                 {"summary",
                  {{"documents", summary.documents},
                   {"errors", summary.errors},
                   {"warnings", summary.warnings},
                   {"info", summary.infos}}}});
}

std::string sarif_report(const std::vector<Finding>& findings, std::span<const CheckRule> rules) {
    Json rule_list = Json::array();
    for (const auto& rule : rules) rule_list.push_back(sarif_rule(rule));
    Json results = Json::array();
    for (const auto& finding : findings) results.push_back(sarif_result(finding, rules));

    Json driver = {{"name", "dossier"}, {"version", DOSSIER_VERSION}, {"rules", rule_list}};
    // Finding columns count Unicode code points, not the UTF-16 code units that SARIF assumes by default.
    Json run = {{"tool", {{"driver", driver}}}, {"columnKind", "unicodeCodePoints"}, {"results", results}};
    return dump({{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                 {"version", "2.1.0"},
                 {"runs", Json::array({run})}});
}

std::string junit_report(const std::vector<Finding>& findings, const std::vector<std::string>& checked_paths,
                         const CheckSummary& summary) {
    std::map<std::string_view, std::vector<const Finding*>> by_path;
    for (const auto& finding : findings) by_path[finding.path].push_back(&finding);

    std::string cases;
    std::size_t tests = 0;
    for (const auto& path : checked_paths) {
        auto found = by_path.find(path);
        if (found == by_path.end()) {
            cases += junit_test_case(path, nullptr);
            ++tests;
            continue;
        }
        for (const Finding* finding : found->second) cases += junit_test_case(path, finding);
        tests += found->second.size();
        by_path.erase(found);
    }
    // Findings about files that were not checked as documents, such as type definitions.
    for (const auto& finding : findings) {
        if (!by_path.contains(finding.path)) continue;
        cases += junit_test_case(finding.path, &finding);
        ++tests;
    }

    std::string counts = attribute("tests", std::to_string(tests)) + attribute("failures", std::to_string(findings.size())) +
                         attribute("errors", "0") + attribute("skipped", "0");
    std::string properties = "    <properties>\n";
    properties += "      <property" + attribute("name", "errors") + attribute("value", std::to_string(summary.errors)) + "/>\n";
    properties +=
        "      <property" + attribute("name", "warnings") + attribute("value", std::to_string(summary.warnings)) + "/>\n";
    properties += "      <property" + attribute("name", "info") + attribute("value", std::to_string(summary.infos)) + "/>\n";
    properties += "    </properties>\n";

    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites" + attribute("name", "dossier check") + counts +
           ">\n  <testsuite" + attribute("name", "dossier check") + counts + ">\n" + properties + cases +
           "  </testsuite>\n</testsuites>\n";
}

std::string github_report(const std::vector<Finding>& findings) {
    std::string out;
    for (const auto& finding : findings) {
        std::string properties = "file=" + github_escape(finding.path, true);
        if (finding.line > 0) {
            properties += fmt::format(",line={}", finding.line);
            if (finding.column > 0) properties += fmt::format(",col={}", finding.column);
        }
        properties += ",title=" + github_escape(finding.rule, true);
        out += fmt::format("::{} {}::{}\n", github_command(finding.severity), properties,
                           github_escape(finding.message, false));
    }
    return out;
}

std::string xml_escape(std::string_view text, bool attribute) {
    std::string escaped;
    escaped.reserve(text.size());
    for (std::size_t offset = 0; offset < text.size();) {
        auto [code, length] = decode_utf8(text, offset);
        if (!xml_allows(code)) code = 0xFFFD;
        offset += length;
        switch (code) {
            case '&': escaped += "&amp;"; continue;
            case '<': escaped += "&lt;"; continue;
            case '>': escaped += "&gt;"; continue;
            case '"': escaped += attribute ? "&quot;" : "\""; continue;
            case '\t': escaped += attribute ? "&#9;" : "\t"; continue;
            case '\n': escaped += attribute ? "&#10;" : "\n"; continue;
            // A raw CR in XML is read back as a line feed, so it is always written as a reference.
            case '\r': escaped += "&#13;"; continue;
            default: break;
        }
        if (code == 0xFFFD) {
            escaped += "\xEF\xBF\xBD";
        } else {
            escaped.append(text.substr(offset - length, length));
        }
    }
    return escaped;
}

std::string uri_encode_path(std::string_view path) {
    constexpr std::string_view hex_digits = "0123456789ABCDEF";
    std::string encoded;
    for (char c : path) {
        auto byte = static_cast<unsigned char>(c);
        bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') ||
                          c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        if (unreserved) {
            encoded += c;
            continue;
        }
        encoded += '%';
        encoded += hex_digits[byte >> 4];
        encoded += hex_digits[byte & 0xF];
    }
    return encoded;
}

}  // namespace dossier
