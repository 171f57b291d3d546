// An export given as a folder, and the choice between a folder and a ZIP file.
#include "export_files.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

namespace dossier::importers {
namespace {

namespace fs = std::filesystem;

class FolderExportFiles final : public ExportFiles {
public:
    explicit FolderExportFiles(const fs::path& folder) : ExportFiles(folder, folder), root_(folder) { list(); }

    const std::vector<ExportEntry>& entries() const override { return entries_; }

    bool is_file(const std::string& path) const override {
        std::error_code error;
        return fs::is_regular_file(root_ / path, error);
    }

    std::string read(const std::string& path) const override { return read_file(root_ / path); }

    std::unique_ptr<RecordSource> open_csv(const std::string& path, const CsvOptions& options) const override {
        // Read from the file one block at a time, so that memory does not grow with the file.
        return importers::open_csv(root_ / path, options, nullptr);
    }

private:
    // Lists the folder's tree. Symbolic links to files count as files, as is_file() follows
    // them, but the listing does not descend into linked folders.
    void list() {
        std::error_code error;
        fs::recursive_directory_iterator it(root_, fs::directory_options::skip_permission_denied, error);
        for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
            std::error_code status_error;
            const bool folder = it->is_directory(status_error);
            if (!folder && !it->is_regular_file(status_error)) continue;
            entries_.push_back({it->path().lexically_relative(root_).generic_string(), folder});
        }
        std::sort(entries_.begin(), entries_.end(),
                  [](const ExportEntry& a, const ExportEntry& b) { return a.path < b.path; });
    }

    fs::path root_;
    std::vector<ExportEntry> entries_;
};

}  // namespace

std::unique_ptr<ExportFiles> open_export(const fs::path& path, const std::string& marker_file,
                                         const ZipLimits& limits) {
    std::error_code error;
    const auto status = fs::status(path, error);
    if (fs::is_directory(status)) return std::make_unique<FolderExportFiles>(path);
    if (fs::is_regular_file(status)) return open_zip_export(path, marker_file, limits);
    if (!fs::exists(status)) {
        throw Error(ErrorKind::not_found,
                    fmt::format(fmt::runtime(tr("no such folder or ZIP file: {}")), path.string()),
                    tr("give the folder of the export, or the ZIP file it was downloaded as"));
    }
    throw Error(ErrorKind::invalid_input,
                fmt::format(fmt::runtime(tr("not a folder or a ZIP file: {}")), path.string()),
                tr("give the folder of the export, or the ZIP file it was downloaded as"));
}

}  // namespace dossier::importers
