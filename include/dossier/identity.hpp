// The technician's age identity file: where it is, creating it, and reading it safely.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dossier/age.hpp"
#include "dossier/secret_bytes.hpp"

namespace dossier {

// Returns the places where the identity is looked for, in order: the file DOSSIER_IDENTITY names
// when it is set (then the only place), else $XDG_CONFIG_HOME/dossier/identity.age when
// XDG_CONFIG_HOME is set, then ~/.config/dossier/identity.age. `dossier key init` creates the
// first. Throws Error(not_found) when neither DOSSIER_IDENTITY nor HOME is set.
std::vector<std::filesystem::path> identity_candidates();

// Returns the first of identity_candidates() that exists. Throws Error(not_found) naming every
// place looked at, with the command that creates an identity.
std::filesystem::path find_identity_file();

// Asks for a passphrase: `confirm` asks twice and compares. Returns nullopt when the user gives
// none (end of input). Supplied by the command line layer, which owns the terminal.
using PassphraseSource = std::function<std::optional<SecretBytes>(const std::string& prompt, bool confirm)>;

// Creates the identity file at `path` with a new X25519 identity and returns it. With a
// passphrase, the file is the identity encrypted to it with scrypt (as `age -p` writes it, so
// `age -d -i FILE` reads it too); without, it is a plain identity file as age-keygen writes it.
// The file is created with mode 0600 and never replaces an existing one: throws
// Error(already_exists) naming it. Creates the parent folder with mode 0700 when missing.
// `work_factor` is the scrypt work factor (18 as age uses; tests pass less).
age::X25519Identity create_identity_file(const std::filesystem::path& path, const std::optional<SecretBytes>& passphrase,
                                         int work_factor = 18);

// Whether the identity file at `path` is encrypted with a passphrase. Throws as read_identity_file.
bool identity_file_needs_passphrase(const std::filesystem::path& path);

// Reads the identities of the file at `path`. Throws Error(not_found) naming the path and how to
// create one when it does not exist, Error(invalid_input) with the chmod command that fixes it
// when the group or others may read it, and age::AgeError when a passphrase-protected file does
// not open (a wrong passphrase says so and names the file). Asks `passphrase` only for a
// protected file; a file is never written here.
std::vector<age::X25519Identity> read_identity_file(const std::filesystem::path& path,
                                                    const PassphraseSource& passphrase);

// Returns the text of a plain identity file for `identity`, in age-keygen's layout.
SecretBytes identity_file_text(const age::X25519Identity& identity, const std::string& created_utc);

}  // namespace dossier
