// Refusing to commit a document that its type's schema rejects.
#pragma once

#include <string>
#include <vector>

#include "dossier/document.hpp"
#include "dossier/type_catalog.hpp"

namespace dossier::cli {

// Returns the schema violations of `document`, each as "line:column: message".
std::vector<std::string> violation_lines(const DocumentType& type, const Document& document);

// Throws Error(invalid_input) with `message` and every violation of `document`, one per line,
// when the schema of `type` rejects it.
void throw_if_invalid(const DocumentType& type, const Document& document, const std::string& message,
                      const std::string& hint);

}  // namespace dossier::cli
