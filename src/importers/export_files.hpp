// The files of a platform export, which arrives as a folder or as a ZIP file. Importers list,
// test and read them by their path inside the export, so that a ZIP file is read in memory and
// none of its files, passwords included, is ever extracted to disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "record_source.hpp"

namespace dossier::importers {

// A file or a folder of an export, by its path from the export's root with '/' between
// folders, such as "documents/Compliance/DOC-2417004-1416364 HIPAA Risk Assessment".
struct ExportEntry {
    std::string path;
    bool folder = false;
};

class ExportFiles {
public:
    virtual ~ExportFiles() = default;

    // Returns every file and folder under the export's root, sorted by path.
    virtual const std::vector<ExportEntry>& entries() const = 0;

    // Returns true when `path` is a file of the export.
    virtual bool is_file(const std::string& path) const = 0;

    // Returns the bytes of the file at `path`. Throws Error(not_found) when the export has no
    // such file, Error(io) when it cannot be read, and Error(invalid_input) when a member of a
    // ZIP file turns out to be damaged.
    virtual std::string read(const std::string& path) const = 0;

    // Opens the CSV file at `path` as open_csv does, with the same errors as read().
    virtual std::unique_ptr<RecordSource> open_csv(const std::string& path, const CsvOptions& options) const = 0;

    // Returns the file at `path` as messages name it: under the folder
    // ("/exports/itglue/passwords.csv"), or after the ZIP file and the folder inside it that
    // is the export's root ("/exports/itglue.zip/export-123456/passwords.csv").
    std::filesystem::path display_path(const std::string& path) const { return location_ / path; }

    // The folder, or the ZIP file, that the import was given.
    const std::filesystem::path& source() const { return source_; }

protected:
    ExportFiles(std::filesystem::path source, std::filesystem::path location)
        : source_(std::move(source)), location_(std::move(location)) {}

private:
    std::filesystem::path source_;
    std::filesystem::path location_;
};

// The sizes of the ZIP files that an import accepts, so that a ZIP bomb cannot exhaust memory.
// A member that declares more, or an archive whose members add up to more, is rejected before
// anything is inflated. A member that inflates beyond its declared size is rejected too.
struct ZipLimits {
    // A CSV member is held in memory whole while it is imported, and so is each image.
    std::uint64_t max_member_size = std::uint64_t{1} << 30;  // 1 GiB
    std::uint64_t max_total_size = std::uint64_t{16} << 30;  // 16 GiB
};

// Opens the export at `path`: a folder, or a ZIP file whose export's root is where
// `marker_file` (such as "organizations.csv") is, at the top of the archive or in its one
// top-level folder that has it. Without `marker_file` in either place, the root is the top of
// the archive, and the importer reports the missing file. Throws Error(not_found) when `path`
// does not exist, and the errors of open_zip_export for a file.
std::unique_ptr<ExportFiles> open_export(const std::filesystem::path& path, const std::string& marker_file,
                                         const ZipLimits& limits = {});

// Opens the ZIP file at `path` and checks every member before the import reads any. Each of
// these throws Error(invalid_input) naming the member: a name with ".." or an absolute path,
// a symbolic link or special file, two members with the same name, an encrypted member, an
// unknown compression method, a size beyond `limits`, or data that does not inflate to its
// declared size and CRC-32. A file that is not a ZIP file, or whose central directory is
// damaged, throws Error(invalid_input), and one that cannot be read Error(io). The check
// inflates every member once, in memory, and writes nothing.
std::unique_ptr<ExportFiles> open_zip_export(const std::filesystem::path& path, const std::string& marker_file,
                                             const ZipLimits& limits = {});

}  // namespace dossier::importers
