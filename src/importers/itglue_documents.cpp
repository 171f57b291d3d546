// Finding and converting the HTML documents of an IT Glue export.
#include "itglue_documents.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dossier/atomic_file.hpp"
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

bool is_inside(const fs::path& path, const fs::path& folder) {
    auto relative = path.lexically_normal().lexically_relative(folder.lexically_normal());
    return !relative.empty() && *relative.begin() != "..";
}

}  // namespace

ItGlueDocumentFolders::ItGlueDocumentFolders(const fs::path& documents_dir) : root_(documents_dir) {
    std::error_code error;
    if (!fs::is_directory(documents_dir, error)) return;
    fs::recursive_directory_iterator it(documents_dir, fs::directory_options::skip_permission_denied, error);
    for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
        if (!it->is_directory()) continue;
        auto locator = locator_of(it->path().filename().string());
        if (locator.empty()) continue;
        folders_.emplace(locator, it->path());
        it.disable_recursion_pending();  // a document's own folder contains its files only
    }
}

std::optional<fs::path> ItGlueDocumentFolders::find(const std::string& locator) const {
    auto found = folders_.find(locator);
    if (found == folders_.end()) return std::nullopt;
    return found->second;
}

std::string ItGlueDocumentFolders::parent_of(const std::string& locator) const {
    auto found = folders_.find(locator);
    if (found == folders_.end()) return {};
    auto parent = found->second.parent_path().lexically_relative(root_).generic_string();
    return parent == "." ? std::string() : parent;
}

std::optional<fs::path> document_html_file(const fs::path& folder, const std::string& locator, const std::string& name) {
    auto folder_name = folder.filename().string();
    auto rest = folder_name.size() > locator.size() + 1 ? folder_name.substr(locator.size() + 1) : std::string();
    auto with_commas = rest;
    std::replace(with_commas.begin(), with_commas.end(), '_', ',');
    for (const auto& candidate : {rest, name, with_commas}) {
        if (candidate.empty()) continue;
        auto file = folder / (candidate + ".html");
        if (fs::is_regular_file(file)) return file;
    }
    std::optional<fs::path> only;
    std::error_code error;
    for (fs::directory_iterator it(folder, error); !error && it != fs::directory_iterator(); it.increment(error)) {
        if (it->path().extension() != ".html" || !it->is_regular_file()) continue;
        if (only) return std::nullopt;  // several, and none is named after the document
        only = it->path();
    }
    return only;
}

ConvertedDocument convert_document(const fs::path& html_file, const fs::path& export_dir, const std::string& document_path,
                                   const std::string& attachments_folder) {
    ConvertedDocument result;
    const auto document_dir = fs::path(document_path).parent_path();
    HtmlOptions options;
    options.image = [&](const std::string& src, const std::string&) -> std::string {
        if (src.empty()) return {};
        if (src.find("://") != std::string::npos || src.starts_with("data:")) return src;  // kept as a link
        auto file = (html_file.parent_path() / src).lexically_normal();
        if (!is_inside(file, export_dir) || !fs::is_regular_file(file)) {
            result.losses.push_back(
                fmt::format(fmt::runtime(tr("the image {} is not in the export: left out")), src));
            return {};
        }
        auto target = attachments_folder + "/" + file.filename().string();
        result.attachments.emplace_back(file, target);
        return fs::path(target).lexically_relative(document_dir).generic_string();
    };
    auto converted = html_to_markdown(read_file(html_file), options);
    result.markdown = std::move(converted.markdown);
    result.losses.insert(result.losses.end(), converted.losses.begin(), converted.losses.end());
    return result;
}

}  // namespace dossier::importers
