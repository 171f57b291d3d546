// HTML to Markdown: libxml2 parses the HTML into a tree, and the converter walks it, writing
// each block element as a Markdown block and each inline element as inline Markdown.
#include "html_markdown.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "dossier/i18n.hpp"

namespace dossier::importers {
namespace {

// Marks a line break inside a paragraph until the paragraph is written.
constexpr char hard_break = '\x01';

struct DocumentFree {
    void operator()(xmlDoc* document) const { xmlFreeDoc(document); }
};

std::string name_of(const xmlNode* node) {
    return node->name == nullptr ? std::string() : reinterpret_cast<const char*>(node->name);
}

std::string attribute(const xmlNode* node, const char* name) {
    xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
    if (value == nullptr) return {};
    std::string text(reinterpret_cast<const char*>(value));
    xmlFree(value);
    return text;
}

std::string content_of(const xmlNode* node) {
    xmlChar* value = xmlNodeGetContent(node);
    if (value == nullptr) return {};
    std::string text(reinterpret_cast<const char*>(value));
    xmlFree(value);
    return text;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool is_word(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           static_cast<unsigned char>(c) >= 0x80;
}

std::string trim_spaces(std::string_view text) {
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (begin < end && text[begin] == ' ') ++begin;
    while (end > begin && text[end - 1] == ' ') --end;
    return std::string(text.substr(begin, end - begin));
}

// Collapses HTML white space to single spaces and escapes the characters that Markdown would
// read as markup inside a line.
std::string escape_text(std::string_view text) {
    std::string out;
    bool space = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (is_space(c)) {
            space = true;
            continue;
        }
        if (space) out += ' ';
        space = false;
        if (c == '\\' || c == '*' || c == '`' || c == '[' || c == ']' || c == '<') {
            out += '\\';
        } else if (c == '_') {
            const bool inside_word = i > 0 && is_word(text[i - 1]) && i + 1 < text.size() && is_word(text[i + 1]);
            if (!inside_word) out += '\\';
        }
        out += c;
    }
    if (space) out += ' ';
    return out;
}

std::string link_target(const std::string& target) {
    if (target.find_first_of(" ()<>") == std::string::npos) return target;
    std::string escaped;
    for (char c : target) {
        if (c == '<' || c == '>') escaped += '\\';
        escaped += c;
    }
    return "<" + escaped + ">";
}

// Returns a fence for `code`: backticks, longer than any run of backticks inside it.
std::string fence_for(std::string_view code) {
    std::size_t longest = 0;
    std::size_t run = 0;
    for (char c : code) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

std::string indent_lines(const std::string& text, std::string_view first, std::string_view others) {
    std::string out;
    std::size_t offset = 0;
    bool first_line = true;
    while (offset <= text.size()) {
        auto end = text.find('\n', offset);
        if (end == std::string::npos) end = text.size();
        auto line = std::string_view(text).substr(offset, end - offset);
        if (!line.empty() || first_line) out += first_line ? first : others;
        out += line;
        if (end < text.size()) out += '\n';
        first_line = false;
        offset = end + 1;
    }
    return out;
}

enum class BlockKind { paragraph, list, other };

struct Block {
    std::string text;
    BlockKind kind = BlockKind::other;
};

const std::set<std::string>& block_elements() {
    static const std::set<std::string> names = {
        "p",     "div",    "h1",      "h2",     "h3",     "h4",    "h5",      "h6",     "ul",   "ol",
        "li",    "pre",    "blockquote", "table", "hr",   "section", "article", "header", "footer",
        "main",  "nav",    "aside",   "figure", "figcaption", "center", "body", "html",  "dl",   "dt",
        "dd",    "address", "details", "summary", "fieldset", "thead", "tbody", "tfoot", "tr"};
    return names;
}

const std::set<std::string>& dropped_elements() {
    static const std::set<std::string> names = {"script", "style",  "noscript", "iframe", "object", "embed",
                                                "form",   "input",  "button",   "select", "textarea", "video",
                                                "audio",  "canvas", "svg",      "math",   "map"};
    return names;
}

class Converter {
public:
    explicit Converter(const HtmlOptions& options) : options_(options) {}

    std::string convert(xmlNode* root) {
        auto blocks = render_blocks(root);
        std::string markdown;
        for (const auto& block : blocks) {
            if (!markdown.empty()) markdown += "\n\n";
            markdown += block.text;
        }
        return markdown;
    }

    std::vector<std::string> take_losses() { return std::move(losses_); }

private:
    void lose(std::string what) {
        if (std::find(losses_.begin(), losses_.end(), what) == losses_.end()) losses_.push_back(std::move(what));
    }

    // --- blocks ---------------------------------------------------------------------------

    std::vector<Block> render_blocks(xmlNode* parent) {
        std::vector<Block> blocks;
        std::string inline_text;
        for (xmlNode* node = parent->children; node != nullptr; node = node->next) {
            const auto name = name_of(node);
            if (node->type == XML_ELEMENT_NODE && block_elements().contains(name)) {
                flush_paragraph(inline_text, blocks);
                render_block(node, name, blocks);
            } else {
                inline_text += render_inline(node);
            }
        }
        flush_paragraph(inline_text, blocks);
        return blocks;
    }

    static std::string finish_inline(const std::string& text) {
        std::string out;
        std::size_t offset = 0;
        while (offset <= text.size()) {
            auto end = text.find(hard_break, offset);
            if (end == std::string::npos) end = text.size();
            auto line = trim_spaces(std::string_view(text).substr(offset, end - offset));
            if (!out.empty() && !line.empty()) out += "\\\n";
            if (!line.empty()) out += escape_block_start(line);
            offset = end + 1;
        }
        return out;
    }

    void flush_paragraph(std::string& inline_text, std::vector<Block>& blocks) {
        auto text = finish_inline(inline_text);
        inline_text.clear();
        if (!text.empty()) blocks.push_back({std::move(text), BlockKind::paragraph});
    }

    void render_block(xmlNode* node, const std::string& name, std::vector<Block>& blocks) {
        if (name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6') {
            auto text = finish_inline(render_children_inline(node));
            std::replace(text.begin(), text.end(), '\n', ' ');
            // The backslash of a hard break has no place in a heading.
            for (auto at = text.find("\\ "); at != std::string::npos && at > 0 && text[at - 1] != '\\';
                 at = text.find("\\ ", at)) {
                text.erase(at, 1);
            }
            if (!text.empty()) blocks.push_back({std::string(name[1] - '0', '#') + " " + text, BlockKind::other});
        } else if (name == "ul" || name == "ol") {
            auto text = render_list(node, name == "ol");
            if (!text.empty()) blocks.push_back({std::move(text), BlockKind::list});
        } else if (name == "pre") {
            auto code = content_of(node);
            if (code.starts_with('\n')) code.erase(0, 1);
            while (code.ends_with('\n')) code.pop_back();
            const auto fence = fence_for(code);
            blocks.push_back({fence + "\n" + code + "\n" + fence, BlockKind::other});
        } else if (name == "blockquote") {
            std::string inner;
            for (const auto& block : render_blocks(node)) {
                if (!inner.empty()) inner += "\n\n";
                inner += block.text;
            }
            if (inner.empty()) return;
            std::string quoted;
            std::size_t offset = 0;
            while (offset <= inner.size()) {
                auto end = inner.find('\n', offset);
                if (end == std::string::npos) end = inner.size();
                auto line = std::string_view(inner).substr(offset, end - offset);
                quoted += line.empty() ? ">" : "> " + std::string(line);
                if (end < inner.size()) quoted += '\n';
                offset = end + 1;
            }
            blocks.push_back({std::move(quoted), BlockKind::other});
        } else if (name == "table") {
            auto text = render_table(node);
            if (!text.empty()) blocks.push_back({std::move(text), BlockKind::other});
        } else if (name == "hr") {
            blocks.push_back({"***", BlockKind::other});
        } else if (name == "dt") {
            auto text = finish_inline(render_children_inline(node));
            if (!text.empty()) blocks.push_back({"**" + text + "**", BlockKind::paragraph});
        } else {
            // div, section, li outside a list and the like: their content, without a mark.
            for (auto& block : render_blocks(node)) blocks.push_back(std::move(block));
        }
    }

    std::string render_list(xmlNode* list, bool ordered) {
        int number = 1;
        if (ordered) {
            auto start = attribute(list, "start");
            if (!start.empty() && start.find_first_not_of("0123456789") == std::string::npos && start.size() < 9) {
                number = std::stoi(start);
            }
        }
        std::vector<std::string> items;
        bool loose = false;
        for (xmlNode* item = list->children; item != nullptr; item = item->next) {
            if (item->type != XML_ELEMENT_NODE) continue;
            std::vector<Block> blocks;
            if (name_of(item) == "li") {
                blocks = render_blocks(item);
            } else {
                render_block(item, name_of(item), blocks);  // a nested list without its <li>
            }
            const auto marker = ordered ? fmt::format("{}. ", number++) : std::string("- ");
            std::string body;
            for (std::size_t i = 0; i < blocks.size(); ++i) {
                if (i > 0) {
                    // A nested list follows its item's text on the next line; other blocks need a
                    // blank line, which makes the list loose.
                    const bool tight = blocks[i].kind == BlockKind::list && blocks[i - 1].kind == BlockKind::paragraph;
                    body += tight ? "\n" : "\n\n";
                    if (!tight) loose = true;
                }
                body += blocks[i].text;
            }
            items.push_back(indent_lines(body, marker, std::string(marker.size(), ' ')));
        }
        std::string text;
        for (const auto& item : items) {
            if (!text.empty()) text += loose ? "\n\n" : "\n";
            text += item;
        }
        return text;
    }

    // Collects the rows of a table, looking through thead, tbody and tfoot.
    static void collect_rows(xmlNode* parent, std::vector<xmlNode*>& rows) {
        for (xmlNode* node = parent->children; node != nullptr; node = node->next) {
            if (node->type != XML_ELEMENT_NODE) continue;
            const auto name = name_of(node);
            if (name == "tr") rows.push_back(node);
            if (name == "thead" || name == "tbody" || name == "tfoot") collect_rows(node, rows);
        }
    }

    std::string render_cell(xmlNode* cell) {
        if (!attribute(cell, "colspan").empty() || !attribute(cell, "rowspan").empty()) {
            lose(tr("a table cell spans several columns or rows, which GFM tables cannot: written as one cell"));
        }
        std::string text;
        for (const auto& block : render_blocks(cell)) {
            if (block.kind != BlockKind::paragraph) {
                lose(tr("a table cell contains a list, a heading or a code block, which GFM tables cannot: written "
                        "on one line"));
            }
            if (!text.empty()) text += "<br>";
            text += block.text;
        }
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {
                out += "<br>";
                ++i;
            } else if (text[i] == '\n') {
                out += ' ';
            } else if (text[i] == '|') {
                out += "\\|";
            } else {
                out += text[i];
            }
        }
        return out;
    }

    std::string render_table(xmlNode* table) {
        std::vector<xmlNode*> rows;
        collect_rows(table, rows);
        std::vector<std::vector<std::string>> cells;
        std::size_t columns = 0;
        for (auto* row : rows) {
            std::vector<std::string> line;
            for (xmlNode* cell = row->children; cell != nullptr; cell = cell->next) {
                if (cell->type != XML_ELEMENT_NODE) continue;
                const auto name = name_of(cell);
                if (name == "td" || name == "th") line.push_back(render_cell(cell));
            }
            columns = std::max(columns, line.size());
            cells.push_back(std::move(line));
        }
        if (columns == 0) return {};
        std::string text;
        auto write_row = [&](std::vector<std::string> line) {
            line.resize(columns);
            text += "|";
            for (const auto& cell : line) text += " " + cell + " |";
            text += "\n";
        };
        write_row(cells.front());
        text += "|";
        for (std::size_t i = 0; i < columns; ++i) text += " --- |";
        text += "\n";
        for (std::size_t i = 1; i < cells.size(); ++i) write_row(cells[i]);
        text.pop_back();
        return text;
    }

    // --- inline ---------------------------------------------------------------------------

    std::string render_children_inline(xmlNode* parent) {
        std::string text;
        for (xmlNode* node = parent->children; node != nullptr; node = node->next) text += render_inline(node);
        return text;
    }

    // Wraps `inner` in `mark`, keeping its outer spaces outside, since "** bold **" is no
    // emphasis in Markdown.
    static std::string wrap(const std::string& inner, const std::string& mark) {
        const auto begin = inner.find_first_not_of(' ');
        if (begin == std::string::npos) return inner;
        const auto end = inner.find_last_not_of(' ');
        return inner.substr(0, begin) + mark + inner.substr(begin, end - begin + 1) + mark + inner.substr(end + 1);
    }

    std::string render_inline(xmlNode* node) {
        if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
            return escape_text(content_of(node));
        }
        if (node->type != XML_ELEMENT_NODE) return {};  // comments, processing instructions
        const auto name = name_of(node);
        if (dropped_elements().contains(name)) {
            lose(fmt::format(fmt::runtime(tr("<{}> has no Markdown form: left out")), name));
            return {};
        }
        if (name == "br") return std::string(1, hard_break);
        if (name == "b" || name == "strong") return wrap(render_children_inline(node), "**");
        if (name == "i" || name == "em" || name == "cite") return wrap(render_children_inline(node), "*");
        if (name == "s" || name == "strike" || name == "del") return wrap(render_children_inline(node), "~~");
        if (name == "code" || name == "kbd" || name == "tt" || name == "samp") {
            auto code = content_of(node);
            std::replace(code.begin(), code.end(), '\n', ' ');
            const auto ticks = std::string(fence_for(code).size() - 2, '`');
            const bool pad = code.starts_with('`') || code.ends_with('`');
            return ticks + (pad ? " " : "") + code + (pad ? " " : "") + ticks;
        }
        if (name == "a") return render_link(node);
        if (name == "img") return render_image(node);
        if (name == "u" || name == "ins") {
            lose(tr("underlined text has no Markdown form: kept without the underline"));
        } else if (name == "sup" || name == "sub") {
            lose(tr("superscript and subscript have no Markdown form: kept as plain text"));
        }
        if (block_elements().contains(name)) {
            // A block inside an inline element, such as a <div> inside a link: its text.
            return " " + render_children_inline(node) + " ";
        }
        return render_children_inline(node);
    }

    std::string render_link(xmlNode* node) {
        auto inner = trim_spaces(render_children_inline(node));
        const auto href = attribute(node, "href");
        if (href.empty()) return inner;
        if (inner.empty()) inner = escape_text(href);
        return "[" + inner + "](" + link_target(href) + ")";
    }

    std::string render_image(xmlNode* node) {
        const auto src = attribute(node, "src");
        const auto alt = attribute(node, "alt");
        std::string target = src;
        if (options_.image) target = options_.image(src, alt);
        if (target.empty()) return {};
        return "![" + escape_text(alt) + "](" + link_target(target) + ")";
    }

    const HtmlOptions& options_;
    std::vector<std::string> losses_;
};

}  // namespace

std::string escape_block_start(std::string_view line) {
    const auto indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos) return std::string(line);
    const auto rest = line.substr(indent);
    const char first = rest.front();
    const bool list_marker = (first == '-' || first == '+' || first == '*') &&
                             (rest.size() == 1 || rest[1] == ' ' || rest[1] == first);
    const bool fence = rest.starts_with("```") || rest.starts_with("~~~");
    if (first == '#' || first == '>' || first == '|' || first == '=' || fence || list_marker) {
        return std::string(line.substr(0, indent)) + "\\" + std::string(rest);
    }
    if (first >= '0' && first <= '9') {
        const auto digits_end = rest.find_first_not_of("0123456789");
        const bool ordered_marker = digits_end != std::string_view::npos &&
                                    (rest[digits_end] == '.' || rest[digits_end] == ')') &&
                                    (digits_end + 1 == rest.size() || rest[digits_end + 1] == ' ');
        if (ordered_marker) {
            return std::string(line.substr(0, indent + digits_end)) + "\\" + std::string(rest.substr(digits_end));
        }
    }
    return std::string(line);
}

HtmlConversion html_to_markdown(std::string_view html, const HtmlOptions& options) {
    HtmlConversion result;
    if (html.find_first_not_of(" \t\r\n") == std::string_view::npos) return result;
    std::unique_ptr<xmlDoc, DocumentFree> document(
        htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
                       HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET));
    if (!document) return result;
    xmlNode* root = xmlDocGetRootElement(document.get());
    if (root == nullptr) return result;
    // Skip <head>: its <title> repeats the document's name.
    xmlNode* body = root;
    for (xmlNode* node = root->children; node != nullptr; node = node->next) {
        if (node->type == XML_ELEMENT_NODE && name_of(node) == "body") body = node;
    }
    Converter converter(options);
    result.markdown = converter.convert(body);
    result.losses = converter.take_losses();
    return result;
}

namespace {

// Returns true when `text` starts with a tag, as the HTML notes of an export do.
bool looks_like_html(std::string_view text) {
    const auto start = text.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos || text[start] != '<') return false;
    const auto close = text.find('>', start);
    return close != std::string_view::npos && close > start + 1 &&
           (std::isalpha(static_cast<unsigned char>(text[start + 1])) != 0 || text[start + 1] == '!');
}

}  // namespace

std::string notes_markdown(std::string_view text, std::vector<std::string>* losses) {
    std::string unified;
    unified.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        unified += text[i];
    }
    const auto begin = unified.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return {};
    unified = unified.substr(begin, unified.find_last_not_of(" \t\r\n") - begin + 1);
    if (looks_like_html(unified)) {
        auto converted = html_to_markdown(unified);
        if (losses != nullptr) losses->insert(losses->end(), converted.losses.begin(), converted.losses.end());
        return converted.markdown;
    }

    std::string markdown;
    std::size_t offset = 0;
    while (offset <= unified.size()) {
        auto end = unified.find('\n', offset);
        if (end == std::string::npos) end = unified.size();
        markdown += escape_block_start(std::string_view(unified).substr(offset, end - offset));
        if (end < unified.size()) markdown += '\n';
        offset = end + 1;
    }
    return markdown;
}

}  // namespace dossier::importers
