// Copying a secret to the clipboard, and clearing it after a while, for `--clip` options.
#pragma once

#include <chrono>
#include <string_view>

#include "dossier/secret_bytes.hpp"

namespace dossier::cli {

enum class ClipboardMethod { wl_copy, xclip, xsel, osc52 };

// Copies `secret` to the clipboard and, unless clear_after is zero, starts a detached
// background process that clears it after `clear_after` if it still holds `secret`.
// Chooses wl-copy when WAYLAND_DISPLAY is set and wl-copy is on PATH, then xclip, then xsel when
// DISPLAY is set, then the OSC 52 terminal sequence written to /dev/tty when SSH_TTY or
// SSH_CONNECTION is set or none of the others is installed, and a terminal is available. A method
// that fails gives way to the next one. The secret reaches a program through a pipe to its
// standard input, never through its arguments or a file.
// The environment variable DOSSIER_CLIP_SECONDS, a whole number of seconds, replaces
// `clear_after` (for tests); DOSSIER_CLIP_TTY replaces /dev/tty (for tests).
// Throws Error(not_found) with a hint naming the packages to install when no method works.
ClipboardMethod copy_to_clipboard(const SecretBytes& secret, std::chrono::seconds clear_after);

// Returns the delay before clearing: DOSSIER_CLIP_SECONDS when it is a whole number, else
// `requested`.
std::chrono::seconds clear_delay(std::chrono::seconds requested);

// "wl-copy", "xclip", "xsel" or "OSC 52".
std::string_view method_name(ClipboardMethod method);

}  // namespace dossier::cli
