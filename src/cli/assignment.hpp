// KEY=VALUE arguments of set and new.
#pragma once

#include <string>
#include <utility>

namespace dossier::cli {

// Splits "KEY=VALUE" at its first "=". Throws Error(usage) when there is no key, or when
// spaces surround the key.
std::pair<std::string, std::string> split_assignment(const std::string& assignment);

}  // namespace dossier::cli
