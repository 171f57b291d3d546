// The built-in schemas and templates, compiled into the binary so that it needs no data folder.
#pragma once

#include <span>
#include <string_view>

namespace dossier {

struct EmbeddedFile {
    std::string_view path;  // relative to the source tree: "schemas/asset.schema.json"
    std::string_view content;
};

// Returns every embedded file, in the order CMake lists them.
std::span<const EmbeddedFile> builtin_files() noexcept;

}  // namespace dossier
