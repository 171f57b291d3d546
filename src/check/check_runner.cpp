// Runs every rule on files, then applies dossier.yaml's severities and each document's check_ignore.
#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "dossier/atomic_file.hpp"
#include "dossier/check.hpp"
#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "rules.hpp"

namespace fs = std::filesystem;

namespace dossier {
namespace {

// What checking one file gives: its findings, and what the rules about whole clients need.
struct FileResult {
    std::vector<Finding> findings;
    std::string client;
    std::optional<rules::DocumentSummary> summary;
};

// Fills the client fields of `document` when its file is inside clients/<slug>/ of the workspace.
void locate_in_client(CheckedDocument& document, const CheckEnvironment& environment) {
    if (!environment.workspace_root) return;
    auto relative = document.file.lexically_normal().lexically_relative(*environment.workspace_root / "clients");
    if (relative.empty() || *relative.begin() == ".." || std::distance(relative.begin(), relative.end()) < 2) return;
    document.client = relative.begin()->string();
    document.client_dir = *environment.workspace_root / "clients" / document.client;
    document.path = relative.lexically_relative(document.client).generic_string();
}

// Removes the findings that the document's check_ignore silences, and reports entries that give
// no reason or name no rule.
void apply_ignores(const CheckedDocument& document, std::vector<Finding>& findings) {
    const Value* ignores = document.document->front_matter().find(ignore_key);
    if (ignores == nullptr || !ignores->is_mapping()) return;

    std::vector<std::string> silenced;
    std::vector<Finding> problems;
    for (std::size_t i = 0; i < ignores->entries().size(); ++i) {
        const auto& [rule, reason] = ignores->entries()[i];
        auto [line, column] = ignores->key_position(i);
        if (find_check_rule(rule) == nullptr) {
            problems.push_back(rules::make_finding(
                document, "ignore-without-reason", line, column,
                fmt::format(fmt::runtime(tr("{}: unknown rule {}: dossier check --help lists the rules")),
                            ignore_key, rule),
                std::string(ignore_key)));
            continue;
        }
        if (reason.scalar_or_empty().empty()) {
            problems.push_back(rules::make_finding(
                document, "ignore-without-reason", line, column,
                fmt::format(fmt::runtime(tr("{}: {} is silenced without a reason: write why after the rule")),
                            ignore_key, rule),
                std::string(ignore_key)));
        }
        silenced.push_back(rule);
    }
    std::erase_if(findings, [&](const Finding& finding) {
        return finding.rule != "syntax" &&
               std::find(silenced.begin(), silenced.end(), finding.rule) != silenced.end();
    });
    findings.insert(findings.end(), problems.begin(), problems.end());
}

void apply_severities(const CheckEnvironment& environment, const std::string& client, std::vector<Finding>& findings) {
    std::vector<Finding> kept;
    for (auto& finding : findings) {
        auto severity = environment.settings.severity_for(finding.rule, client, finding.severity);
        if (!severity) continue;
        finding.severity = *severity;
        kept.push_back(std::move(finding));
    }
    findings = std::move(kept);
}

FileResult check_one(const CheckEnvironment& environment, const CheckFile& file) {
    FileResult result;
    CheckedDocument checked;
    checked.display_path = file.display_path;
    checked.file = file.file;
    locate_in_client(checked, environment);
    result.client = checked.client;

    std::string bytes;
    std::optional<Document> document;
    try {
        bytes = read_file(file.file);
        document.emplace(Document::parse(bytes, file.display_path));
    } catch (const Error& error) {
        result.findings.push_back(rules::syntax_finding(error, file.display_path));
        apply_severities(environment, checked.client, result.findings);
        return result;
    }

    checked.bytes = bytes;
    checked.document = &*document;
    checked.type = document->has_front_matter() ? environment.catalog.find(document->type()) : nullptr;
    result.findings = rules::type_findings(environment.catalog, *document, file.display_path);
    rules::check_links(checked, environment, result.findings);
    // Reviews and owners are the workspace's policy: files checked outside a workspace have none.
    if (environment.workspace_root) {
        rules::check_review(checked, environment, result.findings);
        rules::check_owner(checked, environment, result.findings);
    }
    rules::check_expiry(checked, environment, result.findings);
    rules::check_plaintext_secrets(checked, environment, result.findings);
    rules::check_personal_data(checked, environment, result.findings);
    rules::check_file_name(checked, environment, result.findings);
    rules::check_ambiguous_yaml(checked, environment, result.findings);
    rules::check_recipients(checked, environment, result.findings);
    rules::check_conflict_markers(checked, environment, result.findings);

    apply_ignores(checked, result.findings);
    apply_severities(environment, checked.client, result.findings);
    std::stable_sort(result.findings.begin(), result.findings.end(), [](const Finding& a, const Finding& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    if (!checked.client.empty()) {
        result.summary = rules::DocumentSummary{checked.path, file.display_path, document->front_matter()};
    }
    return result;
}

}  // namespace

Finding rules::make_finding(const CheckedDocument& document, std::string_view rule, int line, int column,
                            std::string message, std::string field) {
    const CheckRule* known = find_check_rule(rule);
    return Finding{document.display_path, line,          column, known != nullptr ? known->severity : Severity::error,
                   std::string(rule),     std::move(field), std::move(message)};
}

std::vector<Finding> check_files(const CheckEnvironment& environment, const std::vector<CheckFile>& files,
                                 const std::vector<Client>& whole_clients, unsigned threads) {
    if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(files.size(), 1)));

    std::vector<FileResult> results(files.size());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (auto index = next++; index < files.size(); index = next++) results[index] = check_one(environment, files[index]);
    };
    std::vector<std::jthread> workers;
    for (unsigned i = 1; i < threads; ++i) workers.emplace_back(work);
    work();
    workers.clear();

    std::vector<Finding> findings;
    std::map<std::string, std::vector<rules::DocumentSummary>, std::less<>> by_client;
    for (auto& result : results) {
        for (auto& finding : result.findings) findings.push_back(std::move(finding));
        if (result.summary) by_client[result.client].push_back(std::move(*result.summary));
    }
    for (const auto& client : whole_clients) {
        std::vector<Finding> client_findings;
        rules::check_required_documents(client, by_client[client.slug], environment, client_findings);
        apply_severities(environment, client.slug, client_findings);
        findings.insert(findings.end(), client_findings.begin(), client_findings.end());
    }
    return findings;
}

}  // namespace dossier
