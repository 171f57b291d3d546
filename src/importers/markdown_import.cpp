// Planning and committing `import markdown`. The edits made to each document's front matter
// are in markdown_adoption.cpp, and the walk of the source folder is in import_tree.cpp.
#include "dossier/markdown_import.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/text.hpp"
#include "import_internal.hpp"

namespace fs = std::filesystem;

namespace dossier {
namespace {

bool is_within(const fs::path& root, const fs::path& path) {
    auto relative = path.lexically_relative(root);
    return !relative.empty() && *relative.begin() != "..";
}

// --- checks before the walk -----------------------------------------------------------

[[noreturn]] void throw_usage(std::string message, std::string hint) {
    throw Error(ErrorKind::usage, std::move(message), std::move(hint));
}

void validate_mappings(const std::vector<KeyMapping>& mappings) {
    for (std::size_t i = 0; i < mappings.size(); ++i) {
        const auto& mapping = mappings[i];
        std::string mapping_text = mapping.from + "=" + mapping.to;
        bool from_valid = !mapping.from.empty() && find_invalid_utf8(mapping.from) == std::string::npos &&
                          !has_control_character(mapping.from);
        if (!from_valid || !is_plain_key(mapping.to)) {
            throw_usage(fmt::format(fmt::runtime(tr("invalid key mapping: {}")), mapping_text),
                        tr("write OLD=NEW with NEW made of letters, digits, \"_\" and \"-\", such as "
                           "last_reviewed_on=reviewed"));
        }
        if (mapping.from == mapping.to) {
            throw_usage(fmt::format(fmt::runtime(tr("key mapped to itself: {}")), mapping_text), tr("remove this --map"));
        }
        for (std::size_t j = 0; j < i; ++j) {
            const auto& other = mappings[j];
            if (other.from == mapping.from) {
                throw_usage(fmt::format(fmt::runtime(tr("key mapped twice: {}")), mapping.from),
                            tr("give one --map for each old key"));
            }
            if (other.to == mapping.to) {
                throw_usage(fmt::format(fmt::runtime(tr("two keys mapped to the same key: {}")), mapping.to),
                            tr("a document with both keys could keep only one: map one of them to another key"));
            }
        }
        for (const auto& other : mappings) {
            if (other.from == mapping.to) {
                throw_usage(fmt::format(fmt::runtime(tr("key mappings form a chain: {}={} and {}={}")), mapping.from,
                                        mapping.to, other.from, other.to),
                            tr("map each old key straight to its final name"));
            }
        }
    }
}

// Returns the target folder cleaned: '/' separated, NFC, without empty or "." segments.
std::string clean_target_folder(const std::string& folder) {
    auto invalid = [&folder](const char* hint) {
        throw_usage(fmt::format(fmt::runtime(tr("invalid target folder: {}")), displayable_name(folder)), tr(hint));
    };
    if (find_invalid_utf8(folder) != std::string::npos || has_control_character(folder)) {
        invalid(N_("give a folder name in UTF-8, without control characters"));
    }
    if (folder.starts_with('/') || folder.find('\\') != std::string::npos) {
        invalid(N_("give a folder inside the client repository, such as runbooks or kb/imported"));
    }

    std::string cleaned;
    std::size_t start = 0;
    while (start <= folder.size()) {
        auto end = std::min(folder.find('/', start), folder.size());
        std::string segment = folder.substr(start, end - start);
        start = end + 1;
        if (segment.empty() || segment == ".") continue;
        if (segment == "..") invalid(N_("give a folder inside the client repository, such as runbooks or kb/imported"));
        if (segment.starts_with('.')) {
            invalid(N_("a folder whose name starts with \".\" is hidden, and dossier does not read hidden folders"));
        }
        cleaned = join_path(cleaned, to_nfc(segment));
    }
    return cleaned;
}

// Returns `path` with symbolic links resolved, or only normalised when that fails.
fs::path canonical_or_normal(const fs::path& path) {
    std::error_code error;
    auto canonical = fs::weakly_canonical(path, error);
    return error ? path.lexically_normal() : canonical;
}

// Rejects a source folder that is missing, not a folder, or overlaps the client repository.
fs::path check_source_folder(const MarkdownImportRequest& request) {
    std::error_code error;
    auto source = fs::absolute(request.source_dir, error).lexically_normal();
    if (source.filename().empty()) source = source.parent_path();  // "wiki/" or "wiki/." names the folder wiki
    auto status = fs::status(source, error);
    bool missing = error == std::errc::no_such_file_or_directory || error == std::errc::not_a_directory;
    if (error && !missing) {
        throw Error(ErrorKind::io,
                    fmt::format(fmt::runtime(tr("failed to list the folder to import: {}: {}")), source.string(),
                                error.message()),
                    tr("check the folder's permissions"));
    }
    if (!fs::exists(status)) {
        throw Error(ErrorKind::not_found,
                    fmt::format(fmt::runtime(tr("folder to import not found: {}")), request.source_dir.string()),
                    tr("give the path of a folder of Markdown files"));
    }
    if (!fs::is_directory(status)) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("not a folder: {}")), request.source_dir.string()),
                    tr("give the folder that contains the Markdown files, not a file"));
    }

    auto canonical_source = canonical_or_normal(source);
    auto canonical_client = canonical_or_normal(request.client_dir);
    if (canonical_source == canonical_client || is_within(canonical_client, canonical_source) ||
        is_within(canonical_source, canonical_client)) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("the folder to import overlaps the client repository: {}")),
                                source.string()),
                    tr("import a folder that is outside the client repository and does not contain it"));
    }
    return source;
}

// Rejects a target folder that cannot hold files: a file, a symbolic link, a submodule, or a
// case or accent twin of an existing folder.
void check_target_folder(const std::string& target_folder, const PathClaims& claims) {
    if (target_folder.empty()) return;
    auto folders = parent_folders(target_folder);
    folders.push_back(target_folder);
    for (const auto& folder : folders) {
        if (auto problem = claims.check_folder(folder)) {
            throw Error(ErrorKind::invalid_input,
                        fmt::format(fmt::runtime(tr("cannot import into {}: {}")), target_folder, problem->second),
                        tr("choose another folder with --to"));
        }
    }
}

std::string plural(std::size_t count, std::string_view singular, std::string_view plural_form) {
    return fmt::format("{} {}", count, count == 1 ? singular : plural_form);
}

// Returns the commit message: what was imported from where. Commit messages are English,
// as those of the other commands.
std::string commit_message(const MarkdownImportPlan& plan, const MarkdownImportSummary& summary) {
    std::string message = fmt::format("import {} and {} from {}\n\n",
                                      plural(summary.adopted, "Markdown document", "Markdown documents"),
                                      plural(summary.attachments, "attachment", "attachments"),
                                      plan.source_dir.filename().string());
    message += fmt::format("Source: {}\n", plan.source_dir.string());
    if (!plan.target_folder.empty()) message += fmt::format("Folder: {}\n", plan.target_folder);

    std::vector<std::string> renamed;
    for (const auto& [mapping, count] : summary.renamed) {
        if (count > 0) renamed.push_back(fmt::format("{} to {} ({})", mapping.from, mapping.to, count));
    }
    if (!renamed.empty()) message += fmt::format("Renamed keys: {}\n", fmt::join(renamed, ", "));

    std::vector<std::string> added;
    for (const auto& [key, count] : summary.added) added.push_back(fmt::format("{} ({})", key, count));
    if (!added.empty()) message += fmt::format("Added keys: {}\n", fmt::join(added, ", "));

    if (summary.skipped + summary.failed > 0) {
        message += fmt::format("Not imported: {} skipped, {} failed\n", summary.skipped, summary.failed);
    }
    return message;
}

// The files and folders that a commit attempt created, so that a failure can take them back.
struct WrittenFiles {
    std::vector<fs::path> files;
    std::vector<fs::path> folders;  // in creation order, parents first

    // Records the folders of `target` that do not exist yet. Call it before writing the file.
    void note_new_folders(const fs::path& client_dir, const std::string& target) {
        for (const auto& folder : parent_folders(target)) {
            std::error_code error;
            if (!fs::exists(fs::symlink_status(client_dir / folder, error))) folders.push_back(client_dir / folder);
        }
    }

    // Removes the written files, then the folders created for them that are empty.
    void remove() const noexcept {
        std::error_code ignored;
        for (const auto& file : files) fs::remove(file, ignored);
        for (auto it = folders.rbegin(); it != folders.rend(); ++it) fs::remove(*it, ignored);
    }
};

// Gives the new file the source's executable bits, which Git records, where it may be read.
void copy_executable_bit(const fs::path& file) {
    std::error_code error;
    auto permissions = fs::status(file, error).permissions();
    if (error) return;
    auto add = fs::perms::none;
    if ((permissions & fs::perms::owner_read) != fs::perms::none) add |= fs::perms::owner_exec;
    if ((permissions & fs::perms::group_read) != fs::perms::none) add |= fs::perms::group_exec;
    if ((permissions & fs::perms::others_read) != fs::perms::none) add |= fs::perms::others_exec;
    fs::permissions(file, add, fs::perm_options::add, error);
}

}  // namespace

bool is_markdown_file_name(std::string_view file_name) {
    std::string lower(file_name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    for (std::string_view extension : {".md", ".markdown", ".md.erb", ".markdown.erb"}) {
        if (lower.size() > extension.size() && lower.ends_with(extension)) return true;
    }
    return false;
}

void validate_markdown_import_request(const MarkdownImportRequest& request) {
    validate_mappings(request.mappings);
    if (!request.default_type.empty() && !is_valid_slug(request.default_type)) {
        throw_usage(fmt::format(fmt::runtime(tr("invalid type name: {}")), displayable_name(request.default_type)),
                    tr("a type name is lowercase letters, digits and single hyphens, such as runbook"));
    }
    clean_target_folder(request.target_folder);
}

MarkdownImportPlan plan_markdown_import(const MarkdownImportRequest& request) {
    validate_markdown_import_request(request);
    MarkdownImportPlan plan;
    plan.source_dir = check_source_folder(request);
    plan.client_dir = request.client_dir;
    plan.target_folder = clean_target_folder(request.target_folder);
    plan.mappings = request.mappings;

    PathClaims claims(request.client_dir);
    check_target_folder(plan.target_folder, claims);
    plan.files = SourceWalker(plan.source_dir, plan.target_folder).walk();
    std::sort(plan.files.begin(), plan.files.end(),
              [](const ImportedFile& a, const ImportedFile& b) { return a.source_path < b.source_path; });

    for (auto& file : plan.files) {
        if (file.outcome != ImportOutcome::adopted && file.outcome != ImportOutcome::attachment) continue;
        if (auto problem = claims.check(file.target_path)) {
            file.outcome = ImportOutcome::skipped;
            std::tie(file.reason, file.message) = *problem;
            continue;
        }

        bool markdown = file.outcome == ImportOutcome::adopted;
        auto read = read_source(file.source_file, markdown);
        if (!read.ok) {
            file.outcome = ImportOutcome::failed;
            file.reason = ImportReason::unreadable;
            file.message = fmt::format(fmt::runtime(tr("cannot be read: {}")), read.error);
            continue;
        }
        file.executable = read.executable;
        if (markdown) adopt_document(file, read.bytes, request);
        claims.add(file.target_path);
    }
    return plan;
}

MarkdownImportSummary summarize(const MarkdownImportPlan& plan) {
    MarkdownImportSummary summary;
    for (const auto& mapping : plan.mappings) summary.renamed.emplace_back(mapping, 0);

    for (const auto& file : plan.files) {
        switch (file.outcome) {
            case ImportOutcome::adopted: ++summary.adopted; break;
            case ImportOutcome::attachment: ++summary.attachments; break;
            case ImportOutcome::skipped: ++summary.skipped; break;
            case ImportOutcome::failed: ++summary.failed; break;
        }
        if (file.outcome != ImportOutcome::adopted) continue;

        if (file.changed()) ++summary.changed;
        if (!file.front_matter_error.empty()) ++summary.unreadable_front_matter;
        if (!file.target_path.ends_with(".md")) ++summary.not_named_md;
        for (const auto& renamed : file.renamed_keys) {
            for (auto& [mapping, count] : summary.renamed) {
                if (mapping.from == renamed.from) ++count;
            }
        }
        for (const auto& [key, value] : file.added_keys) {
            auto it = std::find_if(summary.added.begin(), summary.added.end(),
                                   [&key](const auto& entry) { return entry.first == key; });
            if (it == summary.added.end()) {
                summary.added.emplace_back(key, 1);
            } else {
                ++it->second;
            }
        }
    }
    return summary;
}

std::optional<std::string> commit_markdown_import(MarkdownImportPlan& plan, Change& change,
                                                  const git::Signature& author, const ImportProgress& progress) {
    std::size_t total = 0;
    for (const auto& file : plan.files) {
        if (file.outcome == ImportOutcome::adopted || file.outcome == ImportOutcome::attachment) ++total;
    }

    WrittenFiles written;
    try {
        std::size_t done = 0;
        for (auto& file : plan.files) {
            if (file.outcome != ImportOutcome::adopted && file.outcome != ImportOutcome::attachment) continue;

            std::string bytes;
            if (file.content) {
                bytes = *file.content;
            } else {
                auto read = read_source(file.source_file, true);
                if (!read.ok) {
                    file.outcome = ImportOutcome::failed;
                    file.reason = ImportReason::unreadable;
                    file.message = fmt::format(fmt::runtime(tr("cannot be read: {}")), read.error);
                    continue;
                }
                bytes = std::move(read.bytes);
            }

            written.note_new_folders(plan.client_dir, file.target_path);
            written.files.push_back(plan.client_dir / file.target_path);
            change.write(file.target_path, bytes);
            if (file.executable) copy_executable_bit(plan.client_dir / file.target_path);
            if (progress) progress(++done, total);
        }
        if (written.files.empty()) return std::nullopt;
        return change.commit(commit_message(plan, summarize(plan)), author);
    } catch (const Error& error) {
        written.remove();
        std::string hint = tr("nothing was imported: the files written were removed, so the same command can run "
                              "again once the cause is fixed");
        if (error.location()) throw Error(error.kind(), *error.location(), error.what(), hint);
        throw Error(error.kind(), error.what(), hint);
    }
}

std::string_view import_outcome_name(ImportOutcome outcome) {
    switch (outcome) {
        case ImportOutcome::adopted: return "adopted";
        case ImportOutcome::attachment: return "attachment";
        case ImportOutcome::skipped: return "skipped";
        case ImportOutcome::failed: return "failed";
    }
    return "failed";
}

std::string_view import_reason_name(ImportReason reason) {
    switch (reason) {
        case ImportReason::none: return "";
        case ImportReason::symbolic_link: return "symbolic_link";
        case ImportReason::special_file: return "special_file";
        case ImportReason::hidden: return "hidden";
        case ImportReason::invalid_name: return "invalid_name";
        case ImportReason::already_exists: return "already_exists";
        case ImportReason::collision: return "collision";
        case ImportReason::blocked_path: return "blocked_path";
        case ImportReason::unreadable: return "unreadable";
    }
    return "";
}

}  // namespace dossier
