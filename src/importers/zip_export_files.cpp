// An export given as a ZIP file, read in memory with libzip. Every member is checked before
// the importer reads any, so that a hostile or damaged archive fails the import before it
// writes anything.
#include <sodium.h>
#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "export_files.hpp"

namespace dossier::importers {
namespace {

namespace fs = std::filesystem;

struct ArchiveCloser {
    void operator()(zip_t* archive) const { zip_discard(archive); }  // read only: nothing to write back
};
using Archive = std::unique_ptr<zip_t, ArchiveCloser>;

struct MemberCloser {
    void operator()(zip_file_t* file) const { zip_fclose(file); }
};
using MemberFile = std::unique_ptr<zip_file_t, MemberCloser>;

// A file of the archive.
struct ZipMember {
    zip_uint64_t index = 0;
    std::string name;  // as the archive writes it, for messages
    std::uint64_t size = 0;
};

// Returns a size for messages: in GiB, MiB or KiB when it is a whole number of them.
std::string size_text(std::uint64_t bytes) {
    constexpr std::array<std::pair<std::uint64_t, const char*>, 3> units = {
        {{std::uint64_t{1} << 30, "GiB"}, {std::uint64_t{1} << 20, "MiB"}, {std::uint64_t{1} << 10, "KiB"}}};
    for (const auto& [unit, name] : units) {
        if (bytes >= unit && bytes % unit == 0) return fmt::format("{} {}", bytes / unit, name);
    }
    return fmt::format(fmt::runtime(trn("{} byte", "{} bytes", bytes)), bytes);
}

[[noreturn]] void throw_unsafe_member(const fs::path& zip_path, const std::string& member, const std::string& why) {
    throw Error(
        ErrorKind::invalid_input,
        fmt::format(fmt::runtime(tr("unsafe member {} in the ZIP file {}: {}")), member, zip_path.string(), why),
        tr("download the export again from its platform, since dossier imports nothing from an archive "
           "with such a member"));
}

[[noreturn]] void throw_damaged_member(const fs::path& zip_path, const std::string& member, const std::string& why) {
    throw Error(
        ErrorKind::invalid_input,
        fmt::format(fmt::runtime(tr("damaged member {} in the ZIP file {}: {}")), member, zip_path.string(), why),
        tr("download the export again, since nothing was imported from this file"));
}

Archive open_archive(const fs::path& path) {
    int code = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &code);
    if (archive != nullptr) return Archive(archive);

    zip_error_t error;
    zip_error_init_with_code(&error, code);
    const std::string reason = zip_error_strerror(&error);
    zip_error_fini(&error);
    if (code == ZIP_ER_NOZIP) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("not a ZIP file, or one cut short: {}")), path.string()),
                    tr("give the folder of the export, or the whole ZIP file it was downloaded as"));
    }
    if (code == ZIP_ER_OPEN || code == ZIP_ER_READ || code == ZIP_ER_SEEK || code == ZIP_ER_MEMORY) {
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("failed to read {}: {}")), path.string(), reason),
                    tr("check that the file is readable"));
    }
    throw Error(ErrorKind::invalid_input,
                fmt::format(fmt::runtime(tr("damaged ZIP file {}: {}")), path.string(), reason),
                tr("download the export again, since nothing was imported from this file"));
}

// Returns the member's path with '/' between folders and without "." or empty parts, such as
// "export/organizations.csv". A backslash counts as a separator, as some Windows tools write
// it. Throws for a name that is absolute or leads out of the archive with "..".
std::string normalized_name(const fs::path& zip_path, const std::string& name) {
    std::string path = name;
    std::replace(path.begin(), path.end(), '\\', '/');
    const bool drive = path.size() >= 2 && path[1] == ':' &&
                       ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z'));
    if (path.starts_with('/') || drive) throw_unsafe_member(zip_path, name, tr("its path is absolute"));

    std::string normalized;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        const auto part = path.substr(start, end - start);
        start = end + 1;
        if (part.empty() || part == ".") continue;
        if (part == "..") throw_unsafe_member(zip_path, name, tr("its path leads out of the archive with .."));
        if (!normalized.empty()) normalized += '/';
        normalized += part;
    }
    return normalized;
}

// Returns the Unix file type of a member (S_IFREG, S_IFLNK...), or 0 when the archive does
// not record one, as archives made on Windows do not.
unsigned unix_file_type(zip_t* archive, zip_uint64_t index) {
    zip_uint8_t system = 0;
    zip_uint32_t attributes = 0;
    if (zip_file_get_external_attributes(archive, index, 0, &system, &attributes) != 0) return 0;
    if (system != ZIP_OPSYS_UNIX) return 0;
    return (attributes >> 16) & S_IFMT;
}

// The members of an archive, checked, by their normalized path.
struct ZipListing {
    std::map<std::string, ZipMember> files;
    std::set<std::string> folders;  // those the archive lists and those that its files imply
};

// Adds the folders that contain `path` to `listing`. Throws when one of them is a file.
void add_parent_folders(const fs::path& zip_path, const std::string& name, const std::string& path,
                        ZipListing& listing) {
    for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        const auto folder = path.substr(0, slash);
        if (listing.files.contains(folder)) {
            throw_unsafe_member(zip_path, name,
                                fmt::format(fmt::runtime(tr("{} is both a file and a folder")), folder));
        }
        listing.folders.insert(folder);
    }
}

void check_member_kind(const fs::path& zip_path, zip_t* archive, const zip_stat_t& stat, bool folder) {
    const auto type = unix_file_type(archive, stat.index);
    if (type == S_IFLNK) throw_unsafe_member(zip_path, stat.name, tr("it is a symbolic link"));
    if (type != 0 && type != S_IFREG && type != S_IFDIR) {
        throw_unsafe_member(zip_path, stat.name, tr("it is neither a file nor a folder"));
    }
    if (folder) return;

    if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && stat.encryption_method != ZIP_EM_NONE) {
        throw Error(
            ErrorKind::invalid_input,
            fmt::format(fmt::runtime(tr("encrypted member {} in the ZIP file {}")), stat.name, zip_path.string()),
            tr("dossier cannot read encrypted ZIP files, so download the export again without a password"));
    }
    if ((stat.valid & ZIP_STAT_COMP_METHOD) != 0 && zip_compression_method_supported(stat.comp_method, 0) == 0) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("member {} in the ZIP file {} uses compression method {}, which "
                                                "dossier cannot read")),
                                stat.name, zip_path.string(), stat.comp_method),
                    tr("create the ZIP file again with the usual Deflate compression"));
    }
}

void check_member_size(const fs::path& zip_path, const zip_stat_t& stat, const ZipLimits& limits) {
    if ((stat.valid & ZIP_STAT_SIZE) == 0) throw_damaged_member(zip_path, stat.name, tr("its size is unknown"));
    if (stat.size <= limits.max_member_size) return;
    throw Error(ErrorKind::invalid_input,
                fmt::format(fmt::runtime(tr("member {} in the ZIP file {} is too large: {} once inflated, over the "
                                            "limit of {}")),
                            stat.name, zip_path.string(), size_text(stat.size), size_text(limits.max_member_size)),
                fmt::format(fmt::runtime(tr("a ZIP bomb declares such sizes, so if the export is genuine, remove "
                                            "that member without unpacking the archive (zip -d {} '{}') and import "
                                            "again")),
                            zip_path.string(), stat.name));
}

// Lists and checks every member of `archive`: name, kind, encryption, compression and size.
ZipListing list_members(const fs::path& zip_path, zip_t* archive, const ZipLimits& limits) {
    ZipListing listing;
    std::uint64_t total = 0;
    const auto count = zip_get_num_entries(archive, 0);
    for (zip_int64_t index = 0; index < count; ++index) {
        zip_stat_t stat;
        zip_stat_init(&stat);
        if (zip_stat_index(archive, static_cast<zip_uint64_t>(index), 0, &stat) != 0 ||
            (stat.valid & ZIP_STAT_NAME) == 0) {
            throw Error(ErrorKind::invalid_input,
                        fmt::format(fmt::runtime(tr("damaged ZIP file {}: {}")), zip_path.string(),
                                    zip_error_strerror(zip_get_error(archive))),
                        tr("download the export again, since nothing was imported from this file"));
        }
        const std::string name = stat.name;
        const bool folder = name.ends_with('/') || name.ends_with('\\');
        const auto path = normalized_name(zip_path, name);
        check_member_kind(zip_path, archive, stat, folder);
        if (path.empty()) {
            if (folder) continue;  // the archive's root, listed as "./"
            throw_unsafe_member(zip_path, name, tr("its name is empty"));
        }
        add_parent_folders(zip_path, name, path, listing);
        if (folder) {
            if (listing.files.contains(path)) {
                throw_unsafe_member(zip_path, name,
                                    fmt::format(fmt::runtime(tr("{} is both a file and a folder")), path));
            }
            listing.folders.insert(path);
            continue;
        }

        if (listing.folders.contains(path)) {
            throw_unsafe_member(zip_path, name, fmt::format(fmt::runtime(tr("{} is both a file and a folder")), path));
        }
        if (listing.files.contains(path)) {
            throw_unsafe_member(zip_path, name, tr("another member has the same name"));
        }
        check_member_size(zip_path, stat, limits);
        total += stat.size;
        if (total > limits.max_total_size) {
            throw Error(ErrorKind::invalid_input,
                        fmt::format(fmt::runtime(tr("the members of the ZIP file {} add up to more than {} once "
                                                    "inflated")),
                                    zip_path.string(), size_text(limits.max_total_size)),
                        tr("a ZIP bomb declares such sizes, so if the export is genuine, export it again in smaller "
                           "parts"));
        }
        listing.files.emplace(path, ZipMember{stat.index, name, stat.size});
    }
    return listing;
}

MemberFile open_member(const fs::path& zip_path, zip_t* archive, const ZipMember& member) {
    zip_file_t* file = zip_fopen_index(archive, member.index, 0);
    if (file == nullptr) throw_damaged_member(zip_path, member.name, zip_error_strerror(zip_get_error(archive)));
    return MemberFile(file);
}

// Reads up to `capacity` bytes of `file` into `buffer` and returns how many it read: fewer only
// at the end of the member, where libzip also checks its CRC-32. Throws when the data is damaged.
std::uint64_t read_some(const fs::path& zip_path, const ZipMember& member, zip_file_t* file, char* buffer,
                        std::uint64_t capacity) {
    std::uint64_t done = 0;
    while (done < capacity) {
        const auto read = zip_fread(file, buffer + done, capacity - done);
        if (read < 0) throw_damaged_member(zip_path, member.name, zip_error_strerror(zip_file_get_error(file)));
        if (read == 0) break;
        done += static_cast<std::uint64_t>(read);
    }
    return done;
}

[[noreturn]] void throw_size_mismatch(const fs::path& zip_path, const ZipMember& member) {
    throw_damaged_member(
        zip_path, member.name,
        fmt::format(fmt::runtime(tr("it does not inflate to its declared size of {}")), size_text(member.size)));
}

// Inflates every file of the archive once, so that a damaged member (a wrong checksum, data
// that inflates beyond its declared size) stops the import before it writes anything. Only one
// buffer of the data is in memory at a time, and it is wiped afterwards, since it may hold
// passwords.
void verify_members(const fs::path& zip_path, zip_t* archive, const ZipListing& listing) {
    struct WipedBuffer {
        std::string bytes = std::string(64 * 1024, '\0');
        ~WipedBuffer() { sodium_memzero(bytes.data(), bytes.size()); }
    } buffer;

    for (const auto& [path, member] : listing.files) {
        auto file = open_member(zip_path, archive, member);
        std::uint64_t total = 0;
        while (true) {
            const auto read = read_some(zip_path, member, file.get(), buffer.bytes.data(), buffer.bytes.size());
            total += read;
            if (total > member.size) throw_size_mismatch(zip_path, member);
            if (read < buffer.bytes.size()) break;
        }
        if (total != member.size) throw_size_mismatch(zip_path, member);
    }
}

// Returns the folder of the archive that is the export's root: "" when `marker_file` is at the
// top or nowhere, else the one top-level folder that contains it.
std::string export_root(const fs::path& zip_path, const ZipListing& listing, const std::string& marker_file) {
    if (listing.files.contains(marker_file)) return {};
    std::vector<std::string> candidates;
    for (const auto& [path, member] : listing.files) {
        const auto slash = path.find('/');
        if (slash != std::string::npos && path.substr(slash + 1) == marker_file)
            candidates.push_back(path.substr(0, slash));
    }
    if (candidates.size() <= 1) return candidates.empty() ? std::string() : candidates.front();
    throw Error(ErrorKind::invalid_input,
                fmt::format(fmt::runtime(tr("the ZIP file {} holds several exports, in the folders {}")),
                            zip_path.string(), fmt::join(candidates, ", ")),
                tr("give a ZIP file that holds one export"));
}

class ZipExportFiles final : public ExportFiles {
public:
    ZipExportFiles(const fs::path& zip_path, Archive archive, ZipListing listing, const std::string& root)
        : ExportFiles(zip_path, root.empty() ? zip_path : zip_path / root),
          zip_path_(zip_path),
          archive_(std::move(archive)),
          prefix_(root.empty() ? std::string() : root + "/") {
        for (auto& [path, member] : listing.files) {
            if (!path.starts_with(prefix_)) continue;
            auto inside = path.substr(prefix_.size());
            entries_.push_back({inside, false});
            files_.emplace(std::move(inside), std::move(member));
        }
        for (const auto& folder : listing.folders) {
            if (folder.starts_with(prefix_) && folder.size() > prefix_.size()) {
                entries_.push_back({folder.substr(prefix_.size()), true});
            }
        }
        std::sort(entries_.begin(), entries_.end(),
                  [](const ExportEntry& a, const ExportEntry& b) { return a.path < b.path; });
    }

    const std::vector<ExportEntry>& entries() const override { return entries_; }

    bool is_file(const std::string& path) const override { return files_.contains(path); }

    std::string read(const std::string& path) const override {
        auto found = files_.find(path);
        if (found == files_.end()) {
            throw Error(ErrorKind::not_found,
                        fmt::format(fmt::runtime(tr("file not found: {}")), display_path(path).string()));
        }
        const auto& member = found->second;
        auto file = open_member(zip_path_, archive_.get(), member);
        std::string bytes(member.size, '\0');
        try {
            if (read_some(zip_path_, member, file.get(), bytes.data(), member.size) != member.size) {
                throw_size_mismatch(zip_path_, member);
            }
            // Reading one byte more reaches the end of the member, where libzip checks its CRC-32.
            char extra = 0;
            if (read_some(zip_path_, member, file.get(), &extra, 1) != 0) throw_size_mismatch(zip_path_, member);
        } catch (const Error&) {
            sodium_memzero(bytes.data(), bytes.size());  // the member may be a passwords file
            throw;
        }
        return bytes;
    }

    std::unique_ptr<RecordSource> open_csv(const std::string& path, const CsvOptions& options) const override {
        // NOTE: the whole member stays in memory while it is imported, up to
        // ZipLimits::max_member_size. The CSV reader rewinds its input, and a compressed
        // member cannot go back without being inflated again.
        return open_csv_bytes(display_path(path).string(), read(path), options);
    }

private:
    fs::path zip_path_;
    Archive archive_;
    std::string prefix_;  // the root folder and its '/', or ""
    std::map<std::string, ZipMember> files_;
    std::vector<ExportEntry> entries_;
};

}  // namespace

std::unique_ptr<ExportFiles> open_zip_export(const fs::path& path, const std::string& marker_file,
                                             const ZipLimits& limits) {
    auto archive = open_archive(path);
    auto listing = list_members(path, archive.get(), limits);
    verify_members(path, archive.get(), listing);
    const auto root = export_root(path, listing, marker_file);
    return std::make_unique<ZipExportFiles>(path, std::move(archive), std::move(listing), root);
}

}  // namespace dossier::importers
