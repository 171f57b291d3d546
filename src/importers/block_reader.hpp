// Reading an import's input file in fixed-size blocks, so that a reader holds one block at a
// time whatever the length of the file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>

namespace dossier::importers {

class BlockReader {
public:
    static constexpr std::size_t block_size = 64 * 1024;

    // Opens `path` for reading. Throws Error(not_found) when it does not exist,
    // Error(invalid_input) when it is a folder, and Error(io) when it cannot be opened.
    explicit BlockReader(std::filesystem::path path);

    // Appends the next block of at most `block_size` bytes to `buffer`. Returns false, leaving
    // `buffer` unchanged, at the end of the file. Throws Error(io) when reading fails.
    bool append_block(std::string& buffer);

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    std::ifstream in_;
};

}  // namespace dossier::importers
