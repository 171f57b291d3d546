#include "dossier/error.hpp"

namespace dossier {

Error::Error(ErrorKind kind, std::string message, std::string hint)
    : std::runtime_error(std::move(message)), kind_(kind), hint_(std::move(hint)) {}

Error::Error(ErrorKind kind, SourceLocation location, std::string message, std::string hint)
    : std::runtime_error(std::move(message)),
      kind_(kind),
      hint_(std::move(hint)),
      location_(std::move(location)) {}

ExitCode Error::exit_code() const noexcept {
    return kind_ == ErrorKind::usage ? ExitCode::usage : ExitCode::failure;
}

}  // namespace dossier
