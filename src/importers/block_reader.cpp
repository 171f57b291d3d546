#include "block_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

namespace dossier::importers {
namespace {

[[noreturn]] void throw_read_error(const std::filesystem::path& path, int error_number) {
    throw Error(ErrorKind::io,
                fmt::format(fmt::runtime(tr("failed to read {}: {}")), path.string(), std::strerror(error_number)),
                tr("check that the file is readable"));
}

}  // namespace

BlockReader::BlockReader(std::filesystem::path path) : path_(std::move(path)) {
    std::error_code error;
    auto status = std::filesystem::status(path_, error);
    if (!std::filesystem::exists(status)) {
        throw Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("file not found: {}")), path_.string()),
                    tr("give the path of the file to import"));
    }
    // An ifstream opens a folder without failing, and only its reads fail.
    if (std::filesystem::is_directory(status)) {
        throw Error(ErrorKind::invalid_input, fmt::format(fmt::runtime(tr("not a file: {}")), path_.string()),
                    tr("give the path of the file to import"));
    }

    in_.open(path_, std::ios::binary);
    if (!in_) throw_read_error(path_, errno);
}

BlockReader::BlockReader(std::filesystem::path name, std::shared_ptr<const std::string> bytes)
    : path_(std::move(name)), bytes_(std::move(bytes)) {}

bool BlockReader::append_block(std::string& buffer) {
    if (bytes_) {
        const auto size = std::min(block_size, bytes_->size() - offset_);
        buffer.append(*bytes_, offset_, size);
        offset_ += size;
        return size > 0;
    }

    if (in_.eof()) return false;

    auto old_size = buffer.size();
    buffer.resize(old_size + block_size);
    in_.read(buffer.data() + old_size, static_cast<std::streamsize>(block_size));
    if (in_.bad()) throw_read_error(path_, errno);

    buffer.resize(old_size + static_cast<std::size_t>(in_.gcount()));
    return buffer.size() > old_size;
}

}  // namespace dossier::importers
