// The documents of an IT Glue export: documents.csv, and one folder per document under
// documents/, named "DOC-<organization id>-<document id> <name>" and holding <name>.html,
// at the root of documents/ or in the folders that IT Glue's document folders became.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace dossier::importers {

// The folders of the documents of an export, by locator (DOC-2417001-1402724).
class ItGlueDocumentFolders {
public:
    // Lists the folders under `documents_dir`; an absent folder gives no documents.
    explicit ItGlueDocumentFolders(const std::filesystem::path& documents_dir);

    // Returns the folder of `locator`, or nullopt.
    std::optional<std::filesystem::path> find(const std::string& locator) const;

    // Returns the folders that hold the document folders, relative to documents/ ("" at the
    // root, "Compliance", "Archive"...), for `locator`.
    std::string parent_of(const std::string& locator) const;

private:
    std::filesystem::path root_;
    std::map<std::string, std::filesystem::path> folders_;
};

// Returns the HTML file of a document's folder: <folder name without the locator>.html, else
// <document name>.html, else the folder name with "_" turned back into "," (IT Glue writes a
// ',' of the name as '_' in the folder name only), else the only .html file of the folder.
std::optional<std::filesystem::path> document_html_file(const std::filesystem::path& folder, const std::string& locator,
                                                        const std::string& name);

// A document converted for one place in a client repository.
struct ConvertedDocument {
    std::string markdown;
    std::vector<std::string> losses;  // translated
    // Files to copy: the file in the export, and its path in the client repository.
    std::vector<std::pair<std::filesystem::path, std::string>> attachments;
};

// Converts the HTML file `html_file` for the document at `document_path` in the client
// repository: images that exist in the export are copied to `attachments_folder` (a folder of
// the client repository) and linked relatively, missing ones are left out and reported.
ConvertedDocument convert_document(const std::filesystem::path& html_file, const std::filesystem::path& export_dir,
                                   const std::string& document_path, const std::string& attachments_folder);

}  // namespace dossier::importers
