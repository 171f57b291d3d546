#include "dossier/change.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

namespace dossier {

Change::Change(git::Repository& repository)
    : repository_(repository), start_head_(repository.head_commit()) {}

void Change::write(const std::string& path, std::string_view bytes) {
    write_file_atomically(repository_.workdir() / path, bytes);
    paths_.push_back({path});
}

void Change::remove(const std::string& path) {
    std::error_code error;
    std::filesystem::remove(repository_.workdir() / path, error);
    if (error) {
        throw Error(ErrorKind::io,
                    fmt::format(fmt::runtime(tr("failed to remove {}: {}")), path, error.message()));
    }
    paths_.push_back({path});
}

std::optional<std::string> Change::commit(const std::string& message, const git::Signature& author) {
    return repository_.commit(paths_, message, author, start_head_);
}

}  // namespace dossier
