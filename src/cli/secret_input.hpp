// Reading secrets and passphrases from the terminal without echo, or from a pipe.
#pragma once

#include <optional>
#include <string>

#include "dossier/identity.hpp"
#include "dossier/secret_bytes.hpp"

namespace dossier::cli {

// Writes `prompt` to the terminal (/dev/tty) and reads one line with echo off. Echo comes back
// on every exit path, Ctrl-C included. Returns nullopt at end of input. Throws Error(io) when
// there is no terminal.
std::optional<SecretBytes> read_hidden_line(const std::string& prompt);

// Keeps the process's memory out of core dumps and away from debuggers that attach later
// (prctl PR_SET_DUMPABLE 0 and a zero core size limit), before it holds a secret.
void protect_process_memory();

// Returns whether a terminal is there to ask on.
bool has_terminal();

// The passphrase of an identity: a line read from the file descriptor DOSSIER_PASSPHRASE_FD
// when it is set (for scripts), else asked on the terminal. `confirm` asks twice on a
// terminal and throws Error(usage) when the answers differ.
PassphraseSource passphrase_source();

// Returns the value of a secret: asked twice on the terminal without echo when standard input
// is a terminal, else all of standard input less one final line ending. Throws Error(usage)
// when the value is empty or the answers differ.
SecretBytes read_secret_value(const std::string& prompt);

}  // namespace dossier::cli
