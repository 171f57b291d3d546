#include "assignment.hpp"

#include <cctype>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

namespace dossier::cli {

std::pair<std::string, std::string> split_assignment(const std::string& assignment) {
    auto equals = assignment.find('=');
    // A key with spaces around it ("owner =x") would add a second, quoted key next to the real one.
    bool key_has_edge_space = equals != std::string::npos && equals > 0 &&
                              (std::isspace(static_cast<unsigned char>(assignment.front())) != 0 ||
                               std::isspace(static_cast<unsigned char>(assignment[equals - 1])) != 0);
    if (equals == std::string::npos || equals == 0 || key_has_edge_space) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid assignment: {}")), assignment),
                    tr("write KEY=VALUE, such as owner=jdupont"));
    }
    return {assignment.substr(0, equals), assignment.substr(equals + 1)};
}

}  // namespace dossier::cli
