// Generated workspace types: their keys, and their schemas written to types/.
#include "generated_types.hpp"

#include <stdlib.h>

#include <algorithm>

#include <fmt/format.h>

#include "dossier/atomic_file.hpp"
#include "dossier/change.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/text.hpp"

namespace dossier::importers {

namespace fs = std::filesystem;

std::string property_name(std::string_view label) {
    auto slug = slugify(label);
    std::replace(slug.begin(), slug.end(), '-', '_');
    if (!slug.empty() && slug.front() >= '0' && slug.front() <= '9') slug = "column_" + slug;
    return slug;
}

GeneratedTypes add_generated_types(const Workspace& workspace, const std::vector<GeneratedType>& types, bool dry_run,
                                   const std::string& importer,
                                   const std::function<git::Signature(const git::Repository*)>& author) {
    const auto types_dir = workspace.root() / "types";
    std::vector<std::string> created;
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& type : types) {
        const auto path = "types/" + type.name + ".schema.json";
        // A type that the workspace has already, perhaps edited since, stays as it is.
        if (fs::exists(workspace.root() / path)) continue;
        files.emplace_back(path, type.schema.dump(2) + "\n");
        created.push_back(type.name);
    }
    if (files.empty()) return {TypeCatalog::load(types_dir), std::move(created), std::nullopt};
    if (!dry_run) {
        auto repository = git::Repository::open(workspace.root());
        Change change(repository);
        for (const auto& [path, bytes] : files) change.write(path, bytes);
        auto commit = change.commit(fmt::format("{}: add the types {}", importer, fmt::join(created, ", ")),
                                    author(&repository));
        return {TypeCatalog::load(types_dir), std::move(created), std::move(commit)};
    }

    std::string scratch = (fs::temp_directory_path() / "dossier-types-XXXXXX").string();
    if (::mkdtemp(scratch.data()) == nullptr) {
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot create a temporary folder in {}")),
                                               fs::temp_directory_path().string()));
    }
    std::error_code error;
    if (fs::is_directory(types_dir)) fs::copy(types_dir, scratch, fs::copy_options::recursive, error);
    for (const auto& [path, bytes] : files) write_file_atomically(fs::path(scratch) / fs::path(path).filename(), bytes);
    auto catalog = TypeCatalog::load(scratch);
    fs::remove_all(scratch, error);
    return {std::move(catalog), std::move(created), std::nullopt};
}

}  // namespace dossier::importers
