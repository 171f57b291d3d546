// The rules about links: broken-link, broken-anchor, broken-related.
//
// Link targets resolve as on a Git host: from the document's folder, after percent-decoding,
// without `?query`. A name must match the file's letter case exactly, because Git hosts and
// case-sensitive file systems do not find `activedirectory.md` for `ActiveDirectory.md`. Links with a scheme (https:,
// mailto:, xref:) and site-absolute paths (/docs/page) are not checked. An image's fragment is not a heading.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "../render/terminal_renderer_internal.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/front_matter.hpp"
#include "dossier/i18n.hpp"
#include "dossier/links.hpp"
#include "dossier/markdown_import.hpp"
#include "dossier/terminal_renderer.hpp"
#include "dossier/text.hpp"
#include "dossier/workspace.hpp"
#include "file_cache.hpp"
#include "link_targets.hpp"
#include "rules.hpp"
#include "text_scan.hpp"

namespace fs = std::filesystem;

namespace dossier::rules {
namespace {

// ---------------------------------------------------------------------------- Markdown

// A link or an image of a Markdown body, where cmark-gfm found it: the line in the body and
// the byte column in that line, both 1-based.
struct BodyLink {
    std::string destination;
    int line = 0;
    int column = 0;
    bool image = false;
};

// The heading anchors and the links of a Markdown body.
struct Outline {
    // Each heading's anchor, numbered as GitHub numbers repeated headings, mapped to the count
    // that numbers the next repetition.
    std::unordered_map<std::string, int> heading_anchors;
    // The id and name attributes of raw HTML, which GitHub also scrolls to.
    std::unordered_set<std::string> html_anchors;
    std::vector<BodyLink> links;

    bool has_anchor(const std::string& anchor) const {
        return heading_anchors.contains(anchor) || html_anchors.contains(anchor);
    }

    // Adds the anchor of a heading: the second "Setup" gets "setup-1", the third "setup-2",
    // skipping anchors already taken, as GitHub and github-slugger number them.
    void add_heading(const std::string& anchor) {
        std::string numbered = anchor;
        while (heading_anchors.contains(numbered)) {
            numbered = anchor + "-" + std::to_string(++heading_anchors[anchor]);
        }
        heading_anchors.emplace(numbered, 0);
    }

    std::vector<std::string> anchors() const {
        std::vector<std::string> all(html_anchors.begin(), html_anchors.end());
        for (const auto& [anchor, count] : heading_anchors) all.push_back(anchor);
        return all;
    }
};

struct IteratorDeleter {
    void operator()(cmark_iter* iterator) const noexcept { cmark_iter_free(iterator); }
};

// Appends the text that a heading's anchor is made from: text and code spans, as in the
// rendered heading, without images and raw HTML tags.
void append_heading_text(cmark_node* node, std::string& text) {
    for (cmark_node* child = cmark_node_first_child(node); child != nullptr; child = cmark_node_next(child)) {
        switch (cmark_node_get_type(child)) {
            case CMARK_NODE_TEXT:
            case CMARK_NODE_CODE:
                text += cmark_node_get_literal(child);
                break;
            case CMARK_NODE_SOFTBREAK:
            case CMARK_NODE_LINEBREAK:
                text += '\n';
                break;
            case CMARK_NODE_IMAGE:
            case CMARK_NODE_HTML_INLINE:
                break;
            default:
                append_heading_text(child, text);
                break;
        }
    }
}

// Returns `fragment` as anchors are compared: percent-decoded, in NFC and in lower case, so
// that #Param%C3%A8tres-r%C3%A9seau finds the heading "Paramètres réseau". Lower case because
// GitHub finds #Setup for a heading "Setup" too (remark-validate-links compares the same way).
std::string normalize_fragment(std::string_view fragment) {
    auto decoded = percent_decode(fragment);
    if (find_invalid_utf8(decoded) != std::string::npos) return decoded;
    std::string lower;
    render::for_each_code_point(to_nfc(decoded), [&](utf8proc_int32_t code_point, std::string_view bytes) {
        if (code_point < 0) {
            lower += bytes;
            return;
        }
        utf8proc_uint8_t buffer[4];
        auto length = utf8proc_encode_char(utf8proc_tolower(code_point), buffer);
        lower.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(length));
    });
    return lower;
}

// Adds the values of the id="…" and name="…" attributes found in raw HTML.
void add_html_anchors(std::string_view html, Outline& outline) {
    for (std::string_view attribute : {"id=", "name="}) {
        for (auto at = html.find(attribute); at != std::string_view::npos; at = html.find(attribute, at + 1)) {
            bool starts_attribute = at > 0 && (html[at - 1] == ' ' || html[at - 1] == '\t' || html[at - 1] == '\n');
            auto quote_at = at + attribute.size();
            if (!starts_attribute || quote_at >= html.size() || (html[quote_at] != '"' && html[quote_at] != '\'')) {
                continue;
            }
            auto end = html.find(html[quote_at], quote_at + 1);
            if (end == std::string_view::npos) continue;
            outline.html_anchors.insert(normalize_fragment(html.substr(quote_at + 1, end - quote_at - 1)));
        }
    }
}

// Parses `body` with the renderer's parser and returns its anchors, and its links when
// `with_links`.
Outline outline_of(std::string_view body, bool with_links) {
    Outline outline;
    auto root = render::parse_markdown(body);
    const std::unique_ptr<cmark_iter, IteratorDeleter> iterator(cmark_iter_new(root.get()));
    for (auto event = cmark_iter_next(iterator.get()); event != CMARK_EVENT_DONE;
         event = cmark_iter_next(iterator.get())) {
        if (event != CMARK_EVENT_ENTER) continue;
        cmark_node* node = cmark_iter_get_node(iterator.get());
        switch (cmark_node_get_type(node)) {
            case CMARK_NODE_HEADING: {
                std::string text;
                append_heading_text(node, text);
                outline.add_heading(heading_anchor(text));
                break;
            }
            case CMARK_NODE_HTML_BLOCK:
            case CMARK_NODE_HTML_INLINE:
                add_html_anchors(cmark_node_get_literal(node), outline);
                break;
            case CMARK_NODE_LINK:
            case CMARK_NODE_IMAGE:
                if (with_links) {
                    const char* url = cmark_node_get_url(node);
                    outline.links.push_back({url != nullptr ? url : "", cmark_node_get_start_line(node),
                                             cmark_node_get_start_column(node),
                                             cmark_node_get_type(node) == CMARK_NODE_IMAGE});
                }
                break;
            default:
                break;
        }
    }
    return outline;
}

// Returns the outline of the Markdown file `file` without its links, from this thread's
// cache, or nullptr when the file cannot be read.
const Outline* outline_of_file(const fs::path& file) {
    thread_local StampedCache<std::optional<Outline>> cache;
    auto stat = index::stat_file(file);
    const auto& outline = cache.get(file.string(), stat, [&]() -> std::optional<Outline> {
        try {
            auto decoded = decode_text(read_file(file), file.string());
            auto split = split_front_matter(decoded.utf8, file.string());
            return outline_of(std::string_view(decoded.utf8).substr(split.body_begin), false);
        } catch (const Error&) {
            return std::nullopt;  // the file's own check reports why it cannot be read
        }
    });
    return outline ? &*outline : nullptr;
}

// ---------------------------------------------------------------------------- links

// Returns true when `destination` starts with a URI scheme such as https:, mailto: or xref:.
bool has_scheme(std::string_view destination) {
    if (destination.empty() || !is_ascii_letter(destination.front())) return false;
    for (char c : destination.substr(1)) {
        if (c == ':') return true;
        if (!is_alphanumeric(c) && c != '+' && c != '-' && c != '.') return false;
    }
    return false;
}

// Maps the positions of cmark-gfm (body line, byte column) to those of findings (file line,
// column in code points). cmark-gfm ends lines as lines_of does.
class BodyPositions {
public:
    BodyPositions(std::string_view body, int body_first_line) : body_(body), first_line_(body_first_line) {}

    std::pair<int, int> locate(int line, int byte_column) {
        if (lines_.empty()) lines_ = lines_of(body_);  // on the first finding only
        auto index = static_cast<std::size_t>(std::max(line, 1) - 1);
        if (index >= lines_.size()) return {first_line_ + line - 1, byte_column};
        return {first_line_ + line - 1,
                column_of(lines_[index], static_cast<std::size_t>(std::max(byte_column, 1) - 1))};
    }

private:
    std::string_view body_;
    int first_line_;
    std::vector<TextLine> lines_;
};

// Checks the links of one document.
class LinkChecker {
public:
    LinkChecker(const CheckedDocument& document, const Outline& outline, std::vector<Finding>& findings)
        : document_(document),
          outline_(outline),
          findings_(findings),
          folder_(fs::absolute(document.file).lexically_normal().parent_path()),
          positions_(document.document->body(), document.document->body_first_line()) {}

    void check(const BodyLink& link) {
        std::string_view destination = link.destination;
        if (destination.empty() || destination.front() == '/' || has_scheme(destination)) return;

        auto hash = destination.find('#');
        std::string_view path = destination.substr(0, hash);
        std::string_view fragment = hash == std::string_view::npos ? std::string_view() : destination.substr(hash + 1);
        path = path.substr(0, path.find('?'));
        if (link.image) fragment = {};

        if (path.empty()) {
            if (!fragment.empty()) check_anchor(link, outline_, fragment);
            return;
        }
        auto target = (folder_ / nfc_or_bytes(percent_decode(path))).lexically_normal();
        if (!document_.client_dir.empty() && !is_within(target, document_.client_dir)) {
            report(link, "broken-link",
                   fmt::format(fmt::runtime(tr("link target leaves the client repository: {}")), link.destination));
            return;
        }

        auto [base, rest] = split_at_common_folder(target, folder_);
        auto match = match_on_disk(base, rest);
        if (match.outcome == DiskMatch::Outcome::exact) {
            if (!fragment.empty()) check_anchor_in(link, match, fragment);
            return;
        }
        report_missing(link, match);
    }

private:
    void report_missing(const BodyLink& link, const DiskMatch& match) {
        std::optional<fs::path> suggestion;
        if (match.outcome == DiskMatch::Outcome::other_case) {
            suggestion = match.path;
        } else if (!match.missing_name.empty()) {
            if (auto name = closest_name(match.path, match.missing_name)) suggestion = match.path / *name;
        }
        if (!suggestion) {
            report(link, "broken-link", fmt::format(fmt::runtime(tr("link target not found: {}")), link.destination));
            return;
        }
        report(link, "broken-link",
               fmt::format(fmt::runtime(tr("link target not found: {}: did you mean {}?")), link.destination,
                           suggestion->lexically_relative(folder_).generic_string()));
    }

    // Checks `fragment` in the file or folder found for `link`. Fragments are checked in
    // Markdown files and in a folder's README only.
    void check_anchor_in(const BodyLink& link, const DiskMatch& match, std::string_view fragment) {
        std::optional<fs::path> file = match.directory ? readme_of(match.path) : std::optional<fs::path>(match.path);
        if (!file || !is_markdown_file_name(file->filename().string())) return;
        if (const Outline* target = outline_of_file(*file)) check_anchor(link, *target, fragment);
    }

    void check_anchor(const BodyLink& link, const Outline& target, std::string_view fragment) {
        auto anchor = normalize_fragment(fragment);
        // "#top" scrolls to the top of any HTML page, heading or not.
        if (target.has_anchor(anchor) || anchor == "top") return;

        auto anchors = target.anchors();
        std::sort(anchors.begin(), anchors.end());
        auto suggestions = closest_matches(anchor, anchors);
        if (suggestions.empty()) {
            report(link, "broken-anchor", fmt::format(fmt::runtime(tr("heading not found: {}")), link.destination));
            return;
        }
        report(link, "broken-anchor",
               fmt::format(fmt::runtime(tr("heading not found: {}: did you mean #{}?")), link.destination,
                           suggestions.front()));
    }

    void report(const BodyLink& link, std::string_view rule, std::string message) {
        auto [line, column] = positions_.locate(link.line, link.column);
        findings_.push_back(make_finding(document_, rule, line, column, std::move(message)));
    }

    const CheckedDocument& document_;
    const Outline& outline_;
    std::vector<Finding>& findings_;
    fs::path folder_;
    BodyPositions positions_;
};

// ---------------------------------------------------------------------------- related

std::string without_md(const std::string& path) {
    return path.ends_with(".md") ? path.substr(0, path.size() - 3) : path;
}

// Matches the document that the related entry `entry` names inside `client_dir`. A folder
// is no document, so it gives a missing match.
DiskMatch match_document(const fs::path& client_dir, const std::string& entry) {
    auto path = entry.ends_with(".md") ? entry : entry + ".md";
    auto match = match_on_disk(client_dir, path);
    if (match.outcome != DiskMatch::Outcome::missing && match.directory) return {};
    return match;
}

void check_related_entry(const CheckedDocument& document, const Value& item, std::vector<Finding>& findings) {
    if (!item.is_scalar() || item.scalar_type() == ScalarType::null) return;  // the schema reports it
    auto entry = nfc_or_bytes(item.text());
    auto report = [&](std::string message) {
        findings.push_back(
            make_finding(document, "broken-related", item.line(), item.column(), std::move(message), "related"));
    };

    auto cleaned = fs::path(entry).lexically_normal().generic_string();
    if (entry.empty() || entry.front() == '/' || entry.find('\\') != std::string::npos || cleaned.starts_with("..")) {
        report(fmt::format(fmt::runtime(tr("related: reference leaves the client repository: {}")), item.text()));
        return;
    }

    // An entry is a path in the document's client, or a client's slug followed by a path.
    auto in_client = match_document(document.client_dir, cleaned);
    if (in_client.outcome == DiskMatch::Outcome::exact) return;
    DiskMatch in_other_client;
    std::string slug;
    if (auto slash = cleaned.find('/'); slash != std::string::npos) {
        slug = cleaned.substr(0, slash);
        auto clients_dir = document.client_dir.parent_path();
        auto client = match_on_disk(clients_dir, slug);
        if (client.outcome == DiskMatch::Outcome::exact && client.directory) {
            in_other_client = match_document(clients_dir / slug, cleaned.substr(slash + 1));
            if (in_other_client.outcome == DiskMatch::Outcome::exact) return;
        }
    }

    std::string suggestion;
    auto spelled_as_entry = [&](const std::string& path) { return entry.ends_with(".md") ? path : without_md(path); };
    if (in_client.outcome == DiskMatch::Outcome::other_case) {
        suggestion = spelled_as_entry(in_client.path.lexically_relative(document.client_dir).generic_string());
    } else if (in_other_client.outcome == DiskMatch::Outcome::other_case) {
        suggestion = spelled_as_entry(
            slug + "/" +
            in_other_client.path.lexically_relative(document.client_dir.parent_path() / slug).generic_string());
    }
    if (suggestion.empty()) {
        report(fmt::format(fmt::runtime(tr("related: document not found: {}")), item.text()));
    } else {
        report(fmt::format(fmt::runtime(tr("related: document not found: {}: did you mean {}?")), item.text(),
                           suggestion));
    }
}

// Checks the related: entries of a document in a client; elsewhere they cannot be resolved.
void check_related(const CheckedDocument& document, std::vector<Finding>& findings) {
    if (document.client_dir.empty()) return;
    const Value* related = document.document->front_matter().find("related");
    if (related == nullptr) return;
    if (related->is_scalar()) {
        check_related_entry(document, *related, findings);
        return;
    }
    for (const auto& item : related->items()) check_related_entry(document, item, findings);
}

}  // namespace

void check_links(const CheckedDocument& document, const CheckEnvironment&, std::vector<Finding>& findings) {
    check_related(document, findings);

    auto outline = outline_of(document.document->body(), true);
    LinkChecker checker(document, outline, findings);
    for (const auto& link : outline.links) checker.check(link);
}

}  // namespace dossier::rules
