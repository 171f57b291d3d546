// A private temporary folder in memory for a secret being edited, wiped on every exit path.
#pragma once

#include <filesystem>
#include <string_view>

#include "dossier/secret_bytes.hpp"

namespace dossier::cli {

// A folder with mode 0700 in $XDG_RUNTIME_DIR or /dev/shm when either is a folder in memory,
// else in the system's temporary folder (then `in_memory()` is false and callers warn).
// The destructor, and SIGTERM, SIGHUP and SIGQUIT while it exists, overwrite every file in it
// with zeros and remove it.
class PrivateFolder {
public:
    PrivateFolder();
    ~PrivateFolder();
    PrivateFolder(const PrivateFolder&) = delete;
    PrivateFolder& operator=(const PrivateFolder&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }
    bool in_memory() const noexcept { return in_memory_; }

    // Writes `bytes` to a new file `name` of the folder with mode 0600; returns its path.
    std::filesystem::path write(std::string_view name, std::string_view bytes) const;

    // Reads the file at `path` into wiped memory.
    static SecretBytes read(const std::filesystem::path& path);

private:
    std::filesystem::path path_;
    bool in_memory_ = false;
};

// Wipes and removes every file of `folder`, then the folder. Only async-signal-safe calls.
void wipe_folder(const char* folder) noexcept;

}  // namespace dossier::cli
