// The front-matter edits of `import markdown`: renamed keys, and a type and title added to
// documents that have none.
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "import_internal.hpp"

namespace dossier {
namespace {

// Returns `text` without spaces and tabs at both ends.
std::string_view trimmed(std::string_view text) {
    auto begin = text.find_first_not_of(" \t");
    if (begin == std::string_view::npos) return {};
    auto end = text.find_last_not_of(" \t");
    return text.substr(begin, end - begin + 1);
}

// Returns the number of leading spaces of `line`, or 4 when a tab follows them, because
// CommonMark counts a tab as enough indentation for a code block.
std::size_t indentation(std::string_view line) {
    std::size_t spaces = 0;
    while (spaces < line.size() && line[spaces] == ' ') ++spaces;
    if (spaces < line.size() && line[spaces] == '\t') return 4;
    return spaces;
}

// Returns the fence character and length when `line` opens or closes a fenced code block
// (``` or ~~~, three or more, indented by at most three spaces), else {0, 0}.
std::pair<char, std::size_t> code_fence(std::string_view line) {
    if (indentation(line) > 3) return {0, 0};
    auto rest = trimmed(line);
    if (rest.empty() || (rest.front() != '`' && rest.front() != '~')) return {0, 0};
    char fence = rest.front();
    std::size_t length = std::min(rest.find_first_not_of(fence), rest.size());
    if (length < 3) return {0, 0};
    return {fence, length};
}

// Returns the content of an ATX heading of level 1 ("# Title #"), or nullopt for another line.
std::optional<std::string> level_one_heading(std::string_view line) {
    if (indentation(line) > 3) return std::nullopt;
    auto rest = trimmed(line);
    if (!rest.starts_with('#') || (rest.size() > 1 && rest[1] != ' ' && rest[1] != '\t')) return std::nullopt;

    auto content = trimmed(rest.substr(1));
    auto closing = content.find_last_not_of('#');
    if (closing == std::string_view::npos) return std::string();  // only #s: an empty heading
    if (closing + 1 < content.size() && (content[closing] == ' ' || content[closing] == '\t')) {
        content = trimmed(content.substr(0, closing + 1));
    }
    return std::string(content);
}

bool has_value(const Document& document, std::string_view key) {
    const Value* value = document.front_matter().find(key);
    if (value == nullptr) return false;
    return !value->is_scalar() || (value->scalar_type() != ScalarType::null && !value->text().empty());
}

// Returns "path:line:column: message" for an error located in a file, else its message.
std::string located_message(const Error& error) {
    const auto& location = error.location();
    if (!location || location->line <= 0) return error.what();
    return fmt::format("{}:{}:{}: {}", location->path.string(), location->line, std::max(location->column, 1),
                       error.what());
}

void rename_keys(Document& document, ImportedFile& file, const std::vector<KeyMapping>& mappings) {
    for (const auto& mapping : mappings) {
        try {
            if (document.rename_key(mapping.from, mapping.to)) file.renamed_keys.push_back(mapping);
        } catch (const Error& error) {
            file.warnings.push_back(error.what());
        }
    }
}

// Adds `type` when the document has none, and then `title` when it has none either.
void add_type_and_title(Document& document, ImportedFile& file, const std::string& type) {
    if (has_value(document, "type")) return;
    std::string title;
    if (!has_value(document, "title")) {
        title = first_level_one_heading(document.body());
        if (title.empty()) title = title_from_file_name(std::filesystem::path(file.target_path).filename().string());
    }

    try {
        document.set("type", yaml_quote_string(type));
        file.added_keys.emplace_back("type", type);
        if (!title.empty()) {
            document.set("title", yaml_quote_string(title));
            file.added_keys.emplace_back("title", title);
        }
    } catch (const Error& error) {
        file.warnings.push_back(error.what());
    }
}

}  // namespace

std::string first_level_one_heading(std::string_view markdown) {
    std::pair<char, std::size_t> open_fence{0, 0};
    std::size_t offset = 0;
    while (offset < markdown.size()) {
        auto end = markdown.find_first_of("\r\n", offset);
        if (end == std::string_view::npos) end = markdown.size();
        auto line = markdown.substr(offset, end - offset);
        offset = end + (end + 1 < markdown.size() && markdown[end] == '\r' && markdown[end + 1] == '\n' ? 2 : 1);

        auto fence = code_fence(line);
        if (open_fence.first != 0) {
            // Only a fence of the same character, at least as long and with nothing after it, closes.
            bool closes = fence.first == open_fence.first && fence.second >= open_fence.second &&
                          trimmed(line).size() == fence.second;
            if (closes) open_fence = {0, 0};
            continue;
        }
        if (fence.first != 0) {
            open_fence = fence;
            continue;
        }
        auto heading = level_one_heading(line);
        if (heading && !heading->empty()) return *heading;
    }
    return {};
}

std::string title_from_file_name(std::string_view file_name) {
    std::string name(file_name);
    auto lower = [](std::string text) {
        std::transform(text.begin(), text.end(), text.begin(),
                       [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
        return text;
    };
    for (std::string_view extension : {".erb", ".md", ".markdown", ".html"}) {
        if (name.size() > extension.size() && lower(name).ends_with(extension)) {
            name.resize(name.size() - extension.size());
        }
    }
    std::replace(name.begin(), name.end(), '-', ' ');
    std::replace(name.begin(), name.end(), '_', ' ');
    auto title = std::string(trimmed(name));
    return title.empty() ? std::string(file_name) : title;
}

void adopt_document(ImportedFile& file, const std::string& bytes, const MarkdownImportRequest& request) {
    std::optional<Document> parsed;
    try {
        parsed = Document::parse(bytes, file.source_path);
    } catch (const Error& error) {
        file.front_matter_error = located_message(error);
        return;
    }
    Document& document = *parsed;

    if (document.front_matter_format() == FrontMatterFormat::toml) {
        if (!request.mappings.empty() || !request.default_type.empty()) {
            file.warnings.push_back(tr("TOML front matter (+++) is kept as it is: no key renamed or added"));
        }
        return;
    }

    rename_keys(document, file, request.mappings);
    if (!request.default_type.empty()) add_type_and_title(document, file, request.default_type);
    if (!file.renamed_keys.empty() || !file.added_keys.empty()) file.content = document.to_bytes();
}

}  // namespace dossier
