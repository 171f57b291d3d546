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

#include "export_files.hpp"

namespace dossier::importers {

// The folder of one document in the export.
struct ItGlueDocumentFolder {
    std::string path;                     // from the export's root: "documents/DOC-2417001-1402724 Procédure..."
    std::vector<std::string> html_files;  // the names of the .html files directly in it
};

// The folders of the documents of an export, by locator (DOC-2417001-1402724).
class ItGlueDocumentFolders {
public:
    // Finds the document folders under documents/ of `files`. An export without documents/
    // has no document folders.
    explicit ItGlueDocumentFolders(const ExportFiles& files);

    // Returns the folder of `locator`, or null.
    const ItGlueDocumentFolder* find(const std::string& locator) const;

    // Returns the folders that hold the document folders, relative to documents/ ("" at the
    // root, "Compliance", "Archive"...), for `locator`.
    std::string parent_of(const std::string& locator) const;

private:
    std::map<std::string, ItGlueDocumentFolder> folders_;
};

// Returns the path in the export of the HTML file of a document's folder: <folder name without
// the locator>.html, else <document name>.html, else the folder name with "_" turned back into
// "," (IT Glue writes a ',' of the name as '_' in the folder name only), else the only .html
// file of the folder.
std::optional<std::string> document_html_file(const ItGlueDocumentFolder& folder, const std::string& locator,
                                              const std::string& name);

// A document converted for one place in a client repository.
struct ConvertedDocument {
    std::string markdown;
    std::vector<std::string> losses;  // translated
    // Files to copy: the file's path in the export, and its path in the client repository.
    std::vector<std::pair<std::string, std::string>> attachments;
};

// Converts the HTML file at `html_file` in the export for the document at `document_path` in
// the client repository. Images that exist in the export are listed for copying to
// `attachments_folder` (a folder of the client repository) and linked relatively. Missing
// ones are left out and reported. Throws the errors of ExportFiles::read.
ConvertedDocument convert_document(const ExportFiles& files, const std::string& html_file,
                                   const std::string& document_path, const std::string& attachments_folder);

}  // namespace dossier::importers
