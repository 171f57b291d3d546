// Refusing to commit a document that its type's schema rejects, and printing findings.
#pragma once

#include <string>
#include <vector>

#include "dossier/check.hpp"
#include "dossier/document.hpp"
#include "dossier/type_catalog.hpp"

namespace dossier::cli {

// Returns the messages of the schema violations of `document`.
std::vector<std::string> violation_messages(const DocumentType& type, const Document& document);

// Throws Error(invalid_input) with `message` and each violation of `document` whose message
// is not in `known`, one per line with its line number, when there is any.
void throw_if_invalid(const DocumentType& type, const Document& document, const std::string& message,
                      const std::string& hint, const std::vector<std::string>& known = {});

// Returns a finding as check prints it: "path:line:col: severity: message [rule]" and a newline.
std::string finding_line(const Finding& finding, bool color);

}  // namespace dossier::cli
