// Shared between the files of the Markdown importer; not part of the public headers.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dossier/markdown_import.hpp"

namespace dossier {

// --- markdown_adoption.cpp: front-matter edits ----------------------------------------

// Applies the key mappings and the default type of `request` to `bytes`, the content of
// `file`, and records in `file` the keys renamed and added, the warnings, and the new content
// when it changed. A file whose text or front matter cannot be read keeps its bytes and gets
// `front_matter_error`. Never throws dossier::Error.
void adopt_document(ImportedFile& file, const std::string& bytes, const MarkdownImportRequest& request);

// Returns the text of the first level-1 ATX heading ("# Title") of `markdown` outside fenced
// code blocks, without its closing #s, or an empty string.
std::string first_level_one_heading(std::string_view markdown);

// Returns a title made from a file name: the name without its Markdown extensions (and a
// ".html" before them), with hyphens and underscores as spaces.
std::string title_from_file_name(std::string_view file_name);

// --- import_tree.cpp: source files and client paths -----------------------------------

struct SourceRead {
    bool ok = false;
    std::string bytes;
    std::string error;  // strerror text when !ok
    bool executable = false;
};

// Opens `path` without following a symbolic link or blocking on a FIFO, checks that it is a
// regular file, and reads it when `read_content`. Failures are returned, not thrown, because
// one unreadable file must not stop the import of the others.
SourceRead read_source(const std::filesystem::path& path, bool read_content);

// Returns `name` with each byte that is not part of valid UTF-8 written as \xNN, for reports.
std::string displayable_name(const std::string& name);

bool has_control_character(std::string_view name);

std::string join_path(const std::string& folder, const std::string& name);

// Returns the folders that lead to `path`: "a", "a/b" for "a/b/c.md".
std::vector<std::string> parent_folders(const std::string& path);

// The paths of the client repository and of the import so far, by collision key, so that two
// paths that differ only in case or Unicode normalisation are never both written.
class PathClaims {
public:
    // Records every file and folder of `client_dir` but .git, hidden entries and what is under
    // a symbolic link.
    explicit PathClaims(const std::filesystem::path& client_dir);

    // Returns why `target` cannot be written, or nullopt when it can.
    std::optional<std::pair<ImportReason, std::string>> check(const std::string& target) const;

    // Records `target` and its folders as taken by the import.
    void add(const std::string& target);

    // Returns why files cannot be written inside `folder`, or nullopt when they can.
    std::optional<std::pair<ImportReason, std::string>> check_folder(const std::string& folder) const;

private:
    // A path taken in the client repository, by a file already there or by the import itself.
    struct Claim {
        std::string path;  // as spelled on disk, or the import's NFC target
        bool folder = false;
        bool existing = false;
    };

    static std::pair<ImportReason, std::string> collision_with(const Claim& claim);

    std::filesystem::path client_dir_;
    std::map<std::string, Claim> claims_;
};

// Lists the source folder depth first, classifying each entry. Regular files are left for the
// plan to decide on, and every other entry is recorded here as skipped or failed.
class SourceWalker {
public:
    SourceWalker(const std::filesystem::path& root, const std::string& target_folder)
        : root_(root), target_folder_(target_folder) {}

    // Returns every entry found, in walk order. Throws Error(io) when the root cannot be listed.
    std::vector<ImportedFile> walk();

private:
    void walk_folder(const std::filesystem::path& folder, const std::string& source_path,
                     const std::string& target_path);
    void visit(const std::filesystem::path& entry, const std::string& parent_source, const std::string& parent_target);
    void add_problem(const std::filesystem::path& entry, std::string source_path, bool folder, ImportOutcome outcome,
                     ImportReason reason, std::string message);

    std::filesystem::path root_;
    std::string target_folder_;
    std::vector<ImportedFile> files_;
};

}  // namespace dossier
