// The rules of dossier check, one function per concept; check.cpp runs them on every document.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dossier/check.hpp"
#include "dossier/document.hpp"
#include "dossier/error.hpp"

namespace dossier::rules {

// Returns the "syntax" finding for a document that could not be read or parsed.
Finding syntax_finding(const Error& error, const std::string& display_path);

// Returns the findings of the document's type: schema violations, an unknown or unusable type.
std::vector<Finding> type_findings(const TypeCatalog& catalog, const Document& document,
                                   const std::string& display_path);

// Returns a finding of `rule` at `line` and `column` of `document`, with the rule's default
// severity: check_files applies the settings afterwards.
Finding make_finding(const CheckedDocument& document, std::string_view rule, int line, int column, std::string message,
                     std::string field = {});

// Each rule appends its findings about `document` to `findings`. `document.document` is never
// null here: documents whose front matter cannot be read only get the syntax finding.

// broken-link, broken-anchor, broken-related: relative links to missing files or headings, and
// related: entries that name no document.
void check_links(const CheckedDocument& document, const CheckEnvironment& environment, std::vector<Finding>& findings);

// review-overdue, never-reviewed.
void check_review(const CheckedDocument& document, const CheckEnvironment& environment, std::vector<Finding>& findings);

// expired, expiring: date fields that the type's schema marks as expirations.
void check_expiry(const CheckedDocument& document, const CheckEnvironment& environment, std::vector<Finding>& findings);

// no-owner, unknown-owner.
void check_owner(const CheckedDocument& document, const CheckEnvironment& environment, std::vector<Finding>& findings);

// plaintext-secret: private keys, provider tokens, password lines and high-entropy strings near
// secret words, outside age blocks.
void check_plaintext_secrets(const CheckedDocument& document, const CheckEnvironment& environment,
                             std::vector<Finding>& findings);

// personal-data: IBANs, payment card numbers, French NIR and US SSN in documents whose
// confidentiality is public or internal.
void check_personal_data(const CheckedDocument& document, const CheckEnvironment& environment,
                         std::vector<Finding>& findings);

// file-name: file names that are not lower-case slugs.
void check_file_name(const CheckedDocument& document, const CheckEnvironment& environment, std::vector<Finding>& findings);

// ambiguous-yaml: plain values that YAML 1.1 reads as another type than YAML 1.2 does, or that
// lost digits as numbers (country: NO, version: 1.10).
void check_ambiguous_yaml(const CheckedDocument& document, const CheckEnvironment& environment,
                          std::vector<Finding>& findings);

// conflict-marker: the <<<<<<<, ======= and >>>>>>> lines that a merge leaves around two
// versions, outside fenced code blocks.
void check_conflict_markers(const CheckedDocument& document, const CheckEnvironment& environment,
                            std::vector<Finding>& findings);

// stale-recipients: a credential whose `recipients` digest is not that of its nearest
// recipients file, so its secret is not encrypted to the current recipients.
void check_recipients(const CheckedDocument& document, const CheckEnvironment& environment,
                      std::vector<Finding>& findings);

// What the rules about whole clients know of each document.
struct DocumentSummary {
    std::string path;  // in the client repository
    std::string display_path;
    Value front_matter;
};

// required-document: the documents that the settings' policy requires in every client.
void check_required_documents(const Client& client, const std::vector<DocumentSummary>& documents,
                              const CheckEnvironment& environment, std::vector<Finding>& findings);

}  // namespace dossier::rules
