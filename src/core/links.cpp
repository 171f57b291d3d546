#include "dossier/links.hpp"

#include "dossier/document.hpp"
#include "dossier/error.hpp"

#include <filesystem>
#include <functional>
#include <optional>

#include "dossier/text.hpp"

namespace fs = std::filesystem;

namespace dossier {
namespace {

bool is_external(std::string_view target) {
    if (target.empty() || target.front() == '#' || target.front() == '/') return true;
    auto colon = target.find(':');
    auto slash = target.find('/');
    return colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash);
}

std::string folder_of(const std::string& path) {
    auto folder = fs::path(path).parent_path().generic_string();
    return folder;
}

// Returns the client-relative path that `target` (relative to `folder`) points at, in NFC
// like the paths of documents.
std::string resolve_target(const std::string& folder, std::string_view target) {
    auto decoded = percent_decode(target);
    if (find_invalid_utf8(decoded) == std::string::npos) decoded = to_nfc(decoded);
    return (fs::path(folder) / decoded).lexically_normal().generic_string();
}

// Returns the link target from `from_folder` to `to_path`, with the characters that would
// end or change the link percent-encoded.
std::string relative_target(const std::string& from_folder, const std::string& to_path) {
    auto relative = fs::path(to_path).lexically_relative(from_folder.empty() ? "." : from_folder).generic_string();
    std::string escaped;
    constexpr std::string_view hex_digits = "0123456789ABCDEF";
    for (char c : relative) {
        if (std::string_view(" #%()").find(c) == std::string_view::npos) {
            escaped += c;
            continue;
        }
        escaped += '%';
        escaped += hex_digits[static_cast<unsigned char>(c) >> 4];
        escaped += hex_digits[static_cast<unsigned char>(c) & 0xF];
    }
    return escaped;
}

// A line that opens or closes fenced code: three or more backticks or tildes, indented by
// at most three spaces.
struct Fence {
    char marker = 0;
    std::size_t length = 0;
    bool bare = false;               // only spaces follow the marker run, as a closing fence needs
    bool info_has_backtick = false;  // a backtick fence cannot open with a backtick in its info string
};

std::optional<Fence> fence_of(std::string_view line) {
    std::size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos || indent > 3) return std::nullopt;
    char marker = line[indent];
    if (marker != '`' && marker != '~') return std::nullopt;
    std::size_t end = line.find_first_not_of(marker, indent);
    if (end == std::string_view::npos) end = line.size();
    if (end - indent < 3) return std::nullopt;

    std::string_view rest = line.substr(end);
    Fence fence{marker, end - indent, rest.find_first_not_of(" \t\r\n") == std::string_view::npos,
                rest.find('`') != std::string_view::npos};
    return fence;
}

// Returns `line` with the target of a link reference definition ("[name]: path.md") replaced
// through `edit`, the line unchanged when `edit` keeps it, or nullopt when `line` is no definition.
std::optional<std::string> rewrite_definition(std::string_view line,
                                              const std::function<std::string(std::string_view)>& edit) {
    auto start = line.find_first_not_of(' ');
    if (start == std::string_view::npos || start > 3 || line[start] != '[') return std::nullopt;
    auto label_end = line.find("]:", start);
    if (label_end == std::string_view::npos || line.substr(start, label_end - start).find(']') != std::string_view::npos) {
        return std::nullopt;
    }

    auto target_start = line.find_first_not_of(" \t", label_end + 2);
    if (target_start == std::string_view::npos) return std::nullopt;
    bool angle = line[target_start] == '<';
    auto target_end = angle ? line.find('>', target_start) : line.find_first_of(" \t\r\n", target_start);
    if (target_end == std::string_view::npos) target_end = line.size();
    auto inner_start = target_start + (angle ? 1 : 0);

    std::string replacement = edit(line.substr(inner_start, target_end - inner_start));
    if (replacement.empty()) return std::string(line);
    return std::string(line.substr(0, inner_start)) + replacement + std::string(line.substr(target_end));
}

// Calls `edit` on each inline link target outside code, and returns the text with the
// targets it replaced. `edit` returns an empty string to keep a target.
std::string transform_targets(std::string_view text, const std::function<std::string(std::string_view)>& edit) {
    std::string out;
    out.reserve(text.size());
    std::optional<Fence> open_fence;
    std::size_t offset = 0;
    while (offset < text.size()) {
        auto end = text.find('\n', offset);
        std::size_t next = end == std::string_view::npos ? text.size() : end + 1;
        std::string_view line = text.substr(offset, next - offset);
        offset = next;

        // NOTE: indented code blocks (four spaces) are not recognised, so links in them change.
        auto fence = fence_of(line);
        if (open_fence) {
            bool closes =
                fence && fence->marker == open_fence->marker && fence->length >= open_fence->length && fence->bare;
            if (closes) open_fence.reset();
            out += line;
            continue;
        }
        if (fence && !(fence->marker == '`' && fence->info_has_backtick)) {
            open_fence = fence;
            out += line;
            continue;
        }

        if (auto rewritten = rewrite_definition(line, edit)) {
            out += *rewritten;
            continue;
        }

        bool in_code = false;
        for (std::size_t i = 0; i < line.size(); ++i) {
            char c = line[i];
            if (c == '`') in_code = !in_code;
            if (in_code || c != ']' || i + 1 >= line.size() || line[i + 1] != '(') {
                out += c;
                continue;
            }
            auto close = line.find(')', i + 2);
            if (close == std::string_view::npos) {
                out += c;
                continue;
            }
            std::string_view inside = line.substr(i + 2, close - i - 2);
            bool angle = inside.starts_with('<') && inside.find('>') != std::string_view::npos;
            // A link title follows the target after a space; <...> encloses a target with spaces.
            auto target_end = angle ? inside.find('>') + 1 : inside.find(' ');
            std::string_view target = inside.substr(0, target_end);
            std::string_view title = target_end >= inside.size() ? std::string_view() : inside.substr(target_end);
            std::string replacement = edit(angle ? target.substr(1, target.size() - 2) : target);
            if (replacement.empty()) {
                replacement = target;
            } else if (angle) {
                replacement = "<" + replacement + ">";
            }
            out += "](";
            out += replacement;
            out += title;
            out += ')';
            i = close;
        }
    }
    return out;
}

std::pair<std::string_view, std::string_view> split_anchor(std::string_view target) {
    auto hash = target.find('#');
    if (hash == std::string_view::npos) return {target, {}};
    return {target.substr(0, hash), target.substr(hash)};
}

}  // namespace

std::string percent_decode(std::string_view target) {
    std::string decoded;
    for (std::size_t i = 0; i < target.size(); ++i) {
        auto hex = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        };
        if (target[i] == '%' && i + 2 < target.size() && hex(target[i + 1]) >= 0 && hex(target[i + 2]) >= 0) {
            decoded += static_cast<char>(hex(target[i + 1]) * 16 + hex(target[i + 2]));
            i += 2;
        } else {
            decoded += target[i];
        }
    }
    return decoded;
}

std::string rewrite_links_to(std::string_view text, const std::string& document_path, const std::string& old_target,
                             const std::string& new_target) {
    auto folder = folder_of(document_path);
    return transform_targets(text, [&](std::string_view target) -> std::string {
        if (is_external(target)) return {};
        auto [path, anchor] = split_anchor(target);
        if (resolve_target(folder, path) != old_target) return {};
        return relative_target(folder, new_target) + std::string(anchor);
    });
}

std::string rebase_relative_links(std::string_view text, const std::string& old_path, const std::string& new_path) {
    auto old_folder = folder_of(old_path);
    auto new_folder = folder_of(new_path);
    if (old_folder == new_folder) return std::string(text);
    return transform_targets(text, [&](std::string_view target) -> std::string {
        if (is_external(target)) return {};
        auto [path, anchor] = split_anchor(target);
        return relative_target(new_folder, resolve_target(old_folder, path)) + std::string(anchor);
    });
}

namespace {

// Returns an item of a flow sequence that reads back as `text`: flow indicators force quotes.
std::string flow_item(const std::string& text) {
    std::string item = yaml_quote_string(text);
    if (item.starts_with('"') || item.find_first_of(",[]{}") == std::string::npos) return item;

    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + '"';
}

// Returns the spelling of `new_path` that matches how `entry` spelled `old_path`, or nullopt.
std::optional<std::string> renamed_entry(const std::string& entry, const std::string& client_slug,
                                         const std::string& old_path, const std::string& new_path) {
    auto strip = [](const std::string& path) { return path.ends_with(".md") ? path.substr(0, path.size() - 3) : path; };
    const std::pair<std::string, std::string> spellings[] = {
        {strip(old_path), strip(new_path)},
        {old_path, new_path},
        {client_slug + "/" + strip(old_path), client_slug + "/" + strip(new_path)},
        {client_slug + "/" + old_path, client_slug + "/" + new_path},
    };
    for (const auto& [old_spelling, new_spelling] : spellings) {
        if (entry == old_spelling) return new_spelling;
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> rewrite_related(std::string_view bytes, const std::string& display_path,
                                           const std::string& client_slug, const std::string& old_path,
                                           const std::string& new_path) {
    std::optional<Document> document;
    try {
        document = Document::parse(bytes, display_path);
    } catch (const Error&) {
        return std::nullopt;  // an unreadable document is reported by `check`, not changed here
    }
    const Value* related = document->front_matter().find("related");
    if (related == nullptr || !related->is_sequence()) return std::nullopt;

    bool changed = false;
    std::vector<std::string> items;
    for (const auto& item : related->items()) {
        if (!item.is_scalar()) return std::nullopt;
        auto renamed = renamed_entry(item.text(), client_slug, old_path, new_path);
        changed = changed || renamed.has_value();
        items.push_back(flow_item(renamed.value_or(item.text())));
    }
    if (!changed) return std::nullopt;

    std::string list = "[";
    for (std::size_t i = 0; i < items.size(); ++i) list += (i == 0 ? "" : ", ") + items[i];
    document->set("related", list + "]");
    return document->to_bytes();
}

}  // namespace dossier
