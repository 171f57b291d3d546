// The country names that the platform importers turn into ISO 3166-1 codes.
#include "country_codes.hpp"

#include <algorithm>
#include <map>

#include "record_source.hpp"

namespace dossier::importers {

std::optional<std::string> country_code(const std::string& country) {
    static const std::map<std::string, std::string> codes = {
        {"france", "FR"},         {"unitedstates", "US"},  {"unitedstatesofamerica", "US"}, {"usa", "US"},
        {"etatsunis", "US"},      {"unitedkingdom", "GB"}, {"royaumeuni", "GB"},             {"canada", "CA"},
        {"belgium", "BE"},        {"belgique", "BE"},      {"switzerland", "CH"},            {"suisse", "CH"},
        {"germany", "DE"},        {"allemagne", "DE"},     {"spain", "ES"},                  {"espagne", "ES"},
        {"italy", "IT"},          {"italie", "IT"},        {"luxembourg", "LU"},             {"netherlands", "NL"},
        {"paysbas", "NL"},        {"ireland", "IE"},       {"irlande", "IE"},                {"portugal", "PT"},
        {"monaco", "MC"},         {"austria", "AT"},       {"autriche", "AT"},               {"australia", "AU"},
        {"australie", "AU"},      {"newzealand", "NZ"},    {"nouvellezelande", "NZ"},
    };
    if (country.size() == 2 && std::all_of(country.begin(), country.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        })) {
        std::string code = country;
        for (auto& c : code) c = static_cast<char>(c >= 'a' ? c - 32 : c);
        return code;
    }
    auto found = codes.find(comparable_name(country));
    if (found == codes.end()) return std::nullopt;
    return found->second;
}

}  // namespace dossier::importers
