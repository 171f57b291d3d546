// Finding and converting the HTML documents of an IT Glue export.
#include "itglue_documents.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dossier/i18n.hpp"
#include "html_markdown.hpp"

namespace dossier::importers {
namespace {

namespace fs = std::filesystem;

// Returns the locator a folder name starts with ("DOC-2417001-1402724 Procédure..." gives
// "DOC-2417001-1402724"), or "" when it starts with none.
std::string locator_of(const std::string& folder_name) {
    if (!folder_name.starts_with("DOC-")) return {};
    std::size_t at = 4;
    auto digits = [&] {
        const auto start = at;
        while (at < folder_name.size() && folder_name[at] >= '0' && folder_name[at] <= '9') ++at;
        return at > start;
    };
    if (!digits() || at >= folder_name.size() || folder_name[at] != '-') return {};
    ++at;
    if (!digits()) return {};
    if (at < folder_name.size() && folder_name[at] != ' ') return {};
    return folder_name.substr(0, at);
}

// Returns the path in the export of `src`, an image of the HTML file `html_file`, or "" when
// it leads out of the export.
std::string image_path(const std::string& html_file, const std::string& src) {
    auto path = (fs::path(html_file).parent_path() / src).lexically_normal();
    if (path.empty() || path.is_absolute() || *path.begin() == "..") return {};
    return path.generic_string();
}

constexpr std::string_view documents_folder = "documents/";

}  // namespace

ItGlueDocumentFolders::ItGlueDocumentFolders(const ExportFiles& files) {
    // A document's folder is the first folder under documents/ named after a locator, and
    // the folders inside it contain the document's own files, not other documents.
    for (const auto& entry : files.entries()) {
        if (!entry.folder || !entry.path.starts_with(documents_folder)) continue;
        std::size_t start = documents_folder.size();
        while (start < entry.path.size()) {
            const auto end = std::min(entry.path.find('/', start), entry.path.size());
            auto locator = locator_of(entry.path.substr(start, end - start));
            if (!locator.empty()) {
                folders_.emplace(std::move(locator), ItGlueDocumentFolder{entry.path.substr(0, end), {}});
                break;
            }
            start = end + 1;
        }
    }

    std::map<std::string, ItGlueDocumentFolder*> by_path;
    for (auto& [locator, folder] : folders_) by_path.emplace(folder.path, &folder);
    for (const auto& entry : files.entries()) {
        const fs::path path(entry.path);
        if (entry.folder || path.extension() != ".html") continue;
        auto found = by_path.find(path.parent_path().generic_string());
        if (found != by_path.end()) found->second->html_files.push_back(path.filename().string());
    }
}

const ItGlueDocumentFolder* ItGlueDocumentFolders::find(const std::string& locator) const {
    auto found = folders_.find(locator);
    return found == folders_.end() ? nullptr : &found->second;
}

std::string ItGlueDocumentFolders::parent_of(const std::string& locator) const {
    auto found = folders_.find(locator);
    if (found == folders_.end()) return {};
    auto parent = fs::path(found->second.path).parent_path().generic_string();
    return parent.size() > documents_folder.size() ? parent.substr(documents_folder.size()) : std::string();
}

std::optional<std::string> document_html_file(const ItGlueDocumentFolder& folder, const std::string& locator,
                                              const std::string& name) {
    const auto& files = folder.html_files;
    auto folder_name = fs::path(folder.path).filename().string();
    auto rest = folder_name.size() > locator.size() + 1 ? folder_name.substr(locator.size() + 1) : std::string();
    auto with_commas = rest;
    std::replace(with_commas.begin(), with_commas.end(), '_', ',');
    for (const auto& candidate : {rest, name, with_commas}) {
        if (candidate.empty()) continue;
        if (std::find(files.begin(), files.end(), candidate + ".html") != files.end()) {
            return folder.path + "/" + candidate + ".html";
        }
    }
    // Several files, of which none is named after the document, give none.
    if (files.size() != 1) return std::nullopt;
    return folder.path + "/" + files.front();
}

ConvertedDocument convert_document(const ExportFiles& files, const std::string& html_file,
                                   const std::string& document_path, const std::string& attachments_folder) {
    ConvertedDocument result;
    const auto document_dir = fs::path(document_path).parent_path();
    HtmlOptions options;
    options.image = [&](const std::string& src, const std::string&) -> std::string {
        if (src.empty()) return {};
        if (src.find("://") != std::string::npos || src.starts_with("data:")) return src;  // kept as a link
        auto file = image_path(html_file, src);
        if (file.empty() || !files.is_file(file)) {
            result.losses.push_back(
                fmt::format(fmt::runtime(tr("the image {} is not in the export: left out")), src));
            return {};
        }
        auto target = attachments_folder + "/" + fs::path(file).filename().string();
        result.attachments.emplace_back(file, target);
        return fs::path(target).lexically_relative(document_dir).generic_string();
    };
    auto converted = html_to_markdown(files.read(html_file), options);
    result.markdown = std::move(converted.markdown);
    result.losses.insert(result.losses.end(), converted.losses.begin(), converted.losses.end());
    return result;
}

}  // namespace dossier::importers
