// Running the user's editor on a file, for edit and resolve.
#pragma once

#include <filesystem>
#include <string>

namespace dossier::cli {

// Returns the editor to run: $VISUAL, then $EDITOR, then vi, as other Unix tools choose.
std::string editor_command();

// Runs `editor` on `file` through the shell, so that an editor with arguments ("code --wait")
// works, and returns its exit status.
int run_editor(const std::string& editor, const std::filesystem::path& file);

}  // namespace dossier::cli
