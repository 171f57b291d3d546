// Running the user's editor on a file, for edit and resolve.
#include "editor.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

extern char** environ;

namespace dossier::cli {

// Returns the editor to run: $VISUAL, then $EDITOR, then vi, as other Unix tools choose.
std::string editor_command() {
    for (const char* name : {"VISUAL", "EDITOR"}) {
        const char* value = std::getenv(name);
        if (value != nullptr && *value != '\0') return value;
    }
    return "vi";
}

// Runs `editor` on `file` through the shell, so that an editor with arguments ("code --wait")
// works, and returns its exit status.
int run_editor(const std::string& editor, const std::filesystem::path& file) {
    std::string script = editor + " \"$1\"";
    std::string path = file.string();
    const char* arguments[] = {"sh", "-c", script.c_str(), "sh", path.c_str(), nullptr};
    pid_t child = 0;
    int failure = posix_spawn(&child, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(arguments), environ);
    if (failure != 0) {
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot start the editor {}: {}")), editor,
                                               std::strerror(failure)));
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) throw Error(ErrorKind::io, tr("lost track of the editor process"));
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace dossier::cli
