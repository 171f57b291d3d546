#include "dossier/check.hpp"

#include <atomic>
#include <thread>

#include <fmt/format.h>

#include "dossier/atomic_file.hpp"
#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/workspace.hpp"
#include "rules.hpp"

namespace dossier {

Finding rules::syntax_finding(const Error& error, const std::string& display_path) {
    Finding finding;
    finding.path = display_path;
    finding.rule = "syntax";
    finding.message = error.what();
    if (error.location()) {
        finding.line = error.location()->line;
        finding.column = error.location()->column;
    }
    return finding;
}

namespace {

Finding type_finding(const Document& document, const TypeCatalog& catalog, const std::string& display_path) {
    const Value* type = document.front_matter().find("type");
    Finding finding;
    finding.path = display_path;
    finding.rule = "unknown-type";
    finding.field = "type";
    finding.line = type != nullptr ? type->line() : 1;
    finding.column = type != nullptr ? type->column() : 1;

    if (type == nullptr || !type->is_scalar() || type->scalar_type() == ScalarType::null) {
        finding.message = fmt::format(fmt::runtime(tr("type: missing: add a type key, one of {}")),
                                      fmt::join(catalog.names(), ", "));
        return finding;
    }
    auto suggestions = closest_matches(type->text(), catalog.names());
    finding.message = suggestions.empty()
                          ? fmt::format(fmt::runtime(tr("type: unknown type {}: dossier types lists them")), type->text())
                          : fmt::format(fmt::runtime(tr("type: unknown type {}: did you mean {}?")), type->text(),
                                        suggestions.front());
    return finding;
}

}  // namespace

namespace {

constexpr CheckRule all_rules[] = {
    {"syntax", Severity::error, N_("front matter or text that cannot be read")},
    {"schema", Severity::error, N_("a field that breaks its type's schema")},
    {"unknown-type", Severity::error, N_("a type that no schema defines")},
    {"type-definition", Severity::error, N_("a type whose schema is unusable")},
    {"broken-link", Severity::error, N_("a relative link to a file that does not exist")},
    {"broken-anchor", Severity::warning, N_("a link to a heading that does not exist")},
    {"broken-related", Severity::error, N_("a related entry that names no document")},
    {"review-overdue", Severity::warning, N_("a document whose review is overdue")},
    {"never-reviewed", Severity::warning, N_("a document that was never reviewed")},
    {"expired", Severity::error, N_("an expiration date in the past")},
    {"expiring", Severity::warning, N_("an expiration date within the warning period")},
    {"no-owner", Severity::warning, N_("a document without an owner")},
    {"unknown-owner", Severity::warning, N_("an owner who is not in team/team.yaml")},
    {"plaintext-secret", Severity::error, N_("a secret written in clear outside an age block")},
    {"personal-data", Severity::error, N_("personal data in a document that is not confidential")},
    {"required-document", Severity::error, N_("a document that the workspace's policy requires is missing")},
    {"file-name", Severity::warning, N_("a file name that is not a lower-case slug")},
    {"ambiguous-yaml", Severity::warning, N_("a value that YAML readers read as different types")},
    {"stale-recipients", Severity::warning, N_("a secret not encrypted to the current recipients")},
    {"ignore-without-reason", Severity::warning, N_("a check_ignore entry without a reason")},
    {"conflict-marker", Severity::error, N_("conflict markers that a merge left in a document")},
};

}  // namespace

std::span<const CheckRule> check_rules() { return all_rules; }

const CheckRule* find_check_rule(std::string_view id) {
    for (const auto& rule : all_rules) {
        if (rule.id == id) return &rule;
    }
    return nullptr;
}

std::optional<Severity> parse_severity(std::string_view name) {
    if (name == "error") return Severity::error;
    if (name == "warning") return Severity::warning;
    if (name == "info") return Severity::info;
    return std::nullopt;
}

std::string_view severity_name(Severity severity) {
    switch (severity) {
        case Severity::error: return "error";
        case Severity::warning: return "warning";
        case Severity::info: return "info";
    }
    return "error";
}

std::vector<Finding> rules::type_findings(const TypeCatalog& catalog, const Document& document,
                                          const std::string& display_path) {
    if (!document.has_front_matter()) return {};

    auto type_name = document.type();
    const DocumentType* type = catalog.find(type_name);
    if (type == nullptr) {
        if (const auto* problem = catalog.problem_for(type_name)) {
            const Value* type_value = document.front_matter().find("type");
            Finding finding{display_path, type_value->line(), type_value->column(), Severity::error, "type-definition",
                            "type",
                            fmt::format(fmt::runtime(tr("type: cannot validate against type {}: its schema {} is "
                                                        "invalid")),
                                        type_name, problem->path.string())};
            return {finding};
        }
        return {type_finding(document, catalog, display_path)};
    }

    std::vector<Finding> findings;
    for (auto& violation : type->validate(document.front_matter())) {
        findings.push_back({display_path, violation.line, violation.column, Severity::error, "schema",
                            std::move(violation.field), std::move(violation.message)});
    }
    return findings;
}

std::vector<Finding> check_document(const TypeCatalog& catalog, std::string_view bytes, const std::string& display_path) {
    std::optional<Document> document;
    try {
        document.emplace(Document::parse(bytes, display_path));
    } catch (const Error& error) {
        return {rules::syntax_finding(error, display_path)};
    }
    return rules::type_findings(catalog, *document, display_path);
}

std::vector<Finding> check_files(const TypeCatalog& catalog, const std::vector<CheckFile>& files, unsigned threads) {
    if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(files.size(), 1)));

    std::vector<std::vector<Finding>> per_file(files.size());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (auto index = next++; index < files.size(); index = next++) {
            const auto& file = files[index];
            try {
                per_file[index] = check_document(catalog, read_file(file.file), file.display_path);
            } catch (const Error& error) {
                per_file[index] = {rules::syntax_finding(error, file.display_path)};
            }
        }
    };
    std::vector<std::jthread> workers;
    for (unsigned i = 1; i < threads; ++i) workers.emplace_back(work);
    work();
    workers.clear();

    std::vector<Finding> findings;
    for (auto& list : per_file) {
        for (auto& finding : list) findings.push_back(std::move(finding));
    }
    return findings;
}

std::vector<Finding> type_definition_findings(const TypeCatalog& catalog, const std::filesystem::path& display_base) {
    std::vector<Finding> findings;
    for (const auto& problem : catalog.problems()) {
        auto shown = problem.path.lexically_proximate(display_base).string();
        findings.push_back({shown, 0, 0, Severity::error, "type-definition", {}, problem.reason});
    }
    return findings;
}

}  // namespace dossier
