// Reading an import's input file in fixed-size blocks, so that a reader holds one block at a
// time whatever the length of the file. The input may also be bytes already in memory, such
// as a member of a ZIP file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace dossier::importers {

class BlockReader {
public:
    static constexpr std::size_t block_size = 64 * 1024;

    // Opens `path` for reading. Throws Error(not_found) when it does not exist,
    // Error(invalid_input) when it is a folder, and Error(io) when it cannot be opened.
    explicit BlockReader(std::filesystem::path path);

    // Reads `bytes` in place of a file; `name` stands for the file in messages. The reader
    // shares `bytes`, so that readers of the same input do not copy it.
    BlockReader(std::filesystem::path name, std::shared_ptr<const std::string> bytes);

    // Appends the next block of at most `block_size` bytes to `buffer`. Returns false, leaving
    // `buffer` unchanged, at the end of the file. Throws Error(io) when reading fails.
    bool append_block(std::string& buffer);

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    std::ifstream in_;
    std::shared_ptr<const std::string> bytes_;  // null when the input is the file at path_
    std::size_t offset_ = 0;                    // the next byte of bytes_ to read
};

}  // namespace dossier::importers
