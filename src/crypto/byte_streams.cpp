// The public ByteSource and ByteSink implementations of dossier/age.hpp.
#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "dossier/age.hpp"
#include "dossier/i18n.hpp"

namespace dossier::age {

std::size_t StringSource::read(std::span<unsigned char> buffer) {
    const std::size_t count = std::min(buffer.size(), bytes_.size());
    std::memcpy(buffer.data(), bytes_.data(), count);
    bytes_.remove_prefix(count);
    return count;
}

std::size_t FdSource::read(std::span<unsigned char> buffer) {
    for (;;) {
        const ssize_t count = ::read(fd_, buffer.data(), std::min<std::size_t>(buffer.size(), 1U << 30));
        if (count >= 0) return static_cast<std::size_t>(count);
        if (errno == EINTR) continue;
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot read the age input: {}")), std::strerror(errno)));
    }
}

void FdSink::write(std::span<const unsigned char> bytes) {
    while (!bytes.empty()) {
        const ssize_t count = ::write(fd_, bytes.data(), std::min<std::size_t>(bytes.size(), 1U << 30));
        if (count < 0) {
            if (errno == EINTR) continue;
            throw Error(ErrorKind::io,
                        fmt::format(fmt::runtime(tr("cannot write the age output: {}")), std::strerror(errno)));
        }
        bytes = bytes.subspan(static_cast<std::size_t>(count));
    }
}

void SecretSink::write(std::span<const unsigned char> bytes) {
    bytes_.append(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace dossier::age
