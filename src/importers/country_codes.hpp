// Country names as documentation platforms write them, turned into ISO 3166-1 alpha-2 codes,
// the form of the `country` fields of dossier's types.
#pragma once

#include <optional>
#include <string>

namespace dossier::importers {

// Returns the ISO 3166-1 alpha-2 code of `country`: a two-letter code in any case, or an
// English or French name of one of the countries in the import's table (France, United States,
// Royaume-Uni...), compared without case, accents or spaces. Returns nullopt for others.
std::optional<std::string> country_code(const std::string& country);

}  // namespace dossier::importers
