// Terminal rendering of GitHub Flavored Markdown: the walk over the cmark-gfm syntax tree that
// turns blocks and inlines into wrapped, prefixed and styled lines.
//
// Plain mode (TerminalStyle::color false) writes no escape sequences. It drops the markers
// of emphasis and strong emphasis (`*x*` and `**x**` print as `x`), but keeps the backticks
// around inline code and the `~~` around struck-out text, because dropping those would change
// the meaning of the text. Colour mode marks the same spans with ANSI SGR codes instead.

#include "dossier/terminal_renderer.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "terminal_renderer_internal.hpp"

namespace dossier::render {
namespace {

// A thematic break is never longer than this, however wide the terminal.
constexpr int kMaxRuleWidth = 1000;

constexpr std::string_view kBullets[] = {"•", "◦", "▪"};  // by nesting level of bullet lists

// ---------------------------------------------------------------------------- cmark owners

struct IterDeleter {
    void operator()(cmark_iter* iter) const noexcept { cmark_iter_free(iter); }
};
using IterPtr = std::unique_ptr<cmark_iter, IterDeleter>;

std::string_view literal_of(cmark_node* node) {
    const char* literal = cmark_node_get_literal(node);
    return literal == nullptr ? std::string_view{} : std::string_view{literal};
}

std::string_view url_of(cmark_node* node) {
    const char* url = cmark_node_get_url(node);
    return url == nullptr ? std::string_view{} : std::string_view{url};
}

// ---------------------------------------------------------------------------- AST walk

enum class NodeKind {
    block_quote,
    list,
    item,
    code_block,
    html_block,
    paragraph,
    heading,
    thematic_break,
    table,
    table_row,
    table_cell,
    text,
    soft_break,
    line_break,
    code,
    html_inline,
    emphasis,
    strong,
    strikethrough,
    link,
    image,
    other,
};

NodeKind kind_of(cmark_node* node) {
    switch (cmark_node_get_type(node)) {
        case CMARK_NODE_BLOCK_QUOTE: return NodeKind::block_quote;
        case CMARK_NODE_LIST: return NodeKind::list;
        case CMARK_NODE_ITEM: return NodeKind::item;
        case CMARK_NODE_CODE_BLOCK: return NodeKind::code_block;
        case CMARK_NODE_HTML_BLOCK: return NodeKind::html_block;
        case CMARK_NODE_PARAGRAPH: return NodeKind::paragraph;
        case CMARK_NODE_HEADING: return NodeKind::heading;
        case CMARK_NODE_THEMATIC_BREAK: return NodeKind::thematic_break;
        case CMARK_NODE_TEXT: return NodeKind::text;
        case CMARK_NODE_SOFTBREAK: return NodeKind::soft_break;
        case CMARK_NODE_LINEBREAK: return NodeKind::line_break;
        case CMARK_NODE_CODE: return NodeKind::code;
        case CMARK_NODE_HTML_INLINE: return NodeKind::html_inline;
        case CMARK_NODE_EMPH: return NodeKind::emphasis;
        case CMARK_NODE_STRONG: return NodeKind::strong;
        case CMARK_NODE_LINK: return NodeKind::link;
        case CMARK_NODE_IMAGE: return NodeKind::image;
        default: break;
    }

    // The extensions register their node types at run time and the installed headers do
    // not declare them, so their nodes are recognised by type name.
    const std::string_view name = cmark_node_get_type_string(node);
    if (name == "table") return NodeKind::table;
    if (name == "table_header" || name == "table_row") return NodeKind::table_row;
    if (name == "table_cell") return NodeKind::table_cell;
    if (name == "strikethrough") return NodeKind::strikethrough;
    return NodeKind::other;
}

bool is_task_item(cmark_node* node) { return std::string_view{cmark_node_get_type_string(node)} == "tasklist"; }

// True when `node` is a direct child of an item of a tight list, where blocks follow each
// other without blank lines.
bool is_in_tight_list_item(cmark_node* node) {
    cmark_node* parent = cmark_node_parent(node);
    if (parent == nullptr || cmark_node_get_type(parent) != CMARK_NODE_ITEM) return false;
    cmark_node* list = cmark_node_parent(parent);
    return list != nullptr && cmark_node_get_list_tight(list) != 0;
}

int count_children(cmark_node* node) {
    int count = 0;
    for (cmark_node* child = cmark_node_first_child(node); child != nullptr; child = cmark_node_next(child)) ++count;
    return count;
}

struct ListState {
    bool ordered = false;
    long long next_number = 1;
    char delimiter = '.';
    std::size_t number_width = 1;  // digits of the largest number, so the markers align
    int bullet_level = 0;          // number of bullet lists around this one
};

struct OpenLink {
    std::size_t first_item = 0;
    std::string url;
};

// True when the text of items[first, end) is the link target itself, as with autolinks,
// so repeating the target would add nothing.
bool link_text_is_target(const InlineItems& items, std::size_t first, std::string_view url) {
    std::string text;
    for (std::size_t i = first; i < items.size(); ++i) {
        text += items[i].kind == InlineItem::Kind::text ? items[i].text : std::string(" ");
        if (text.size() > url.size()) return false;
    }
    return url == text || url == "http://" + text || url == "https://" + text || url == "mailto:" + text;
}

class TerminalRenderer {
public:
    explicit TerminalRenderer(const TerminalStyle& style)
        : color_(style.color), writer_(style.color, std::max(style.width, 1)) {}

    std::string render(cmark_node* document) {
        const IterPtr iter(cmark_iter_new(document));
        cmark_event_type event = CMARK_EVENT_NONE;
        while ((event = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE) {
            cmark_node* node = cmark_iter_get_node(iter.get());
            if (event == CMARK_EVENT_ENTER) {
                enter(node);
            } else if (event == CMARK_EVENT_EXIT) {
                leave(node);
            }
        }
        return writer_.take_output();
    }

private:
    // Leaf nodes (text, code, breaks, code and HTML blocks, thematic breaks) only get this call.
    void enter(cmark_node* node) {
        switch (kind_of(node)) {
            case NodeKind::block_quote: writer_.push_container(Container{"│ ", "│ ", kFaint, 2}); break;
            case NodeKind::list: enter_list(node); break;
            case NodeKind::item: enter_item(node); break;
            case NodeKind::paragraph: items_.clear(); break;
            case NodeKind::heading:
                items_.clear();
                base_style_ = kBold;
                break;
            case NodeKind::code_block: write_code_block(node); break;
            case NodeKind::html_block: write_html_block(node); break;
            case NodeKind::thematic_break: write_thematic_break(node); break;
            case NodeKind::table: enter_table(node); break;
            case NodeKind::table_row: enter_table_row(node); break;
            case NodeKind::table_cell: items_.clear(); break;
            case NodeKind::text: add_text(literal_of(node), inline_style()); break;
            case NodeKind::soft_break: add_space(); break;
            case NodeKind::line_break: items_.push_back(InlineItem{InlineItem::Kind::line_break, {}, 0, 0}); break;
            case NodeKind::code: add_code(literal_of(node)); break;
            case NodeKind::html_inline: add_text(literal_of(node), inline_style()); break;
            case NodeKind::emphasis: ++emphasis_depth_; break;
            case NodeKind::strong: ++strong_depth_; break;
            case NodeKind::strikethrough:
                ++strikethrough_depth_;
                if (!color_) add_text("~~", inline_style());
                break;
            case NodeKind::link: enter_link(node); break;
            case NodeKind::image: enter_image(); break;
            case NodeKind::other: break;
        }
    }

    void leave(cmark_node* node) {
        switch (kind_of(node)) {
            case NodeKind::block_quote:
                writer_.pop_container();
                end_block(node);
                break;
            case NodeKind::list:
                lists_.pop_back();
                end_block(node);
                break;
            case NodeKind::item: leave_item(); break;
            case NodeKind::paragraph: write_paragraph(node); break;
            case NodeKind::heading: write_heading(node); break;
            case NodeKind::table: write_table(node); break;
            case NodeKind::table_cell:
                if (!table_.rows.empty()) table_.rows.back().push_back(std::move(items_));
                items_.clear();
                break;
            case NodeKind::emphasis: --emphasis_depth_; break;
            case NodeKind::strong: --strong_depth_; break;
            case NodeKind::strikethrough:
                if (!color_) add_text("~~", inline_style());
                --strikethrough_depth_;
                break;
            case NodeKind::link: leave_link(); break;
            case NodeKind::image: leave_image(node); break;
            default: break;
        }
    }

    // ------------------------------------------------------------------------ blocks

    void end_block(cmark_node* node) { writer_.set_blank_line_pending(!is_in_tight_list_item(node)); }

    void enter_list(cmark_node* node) {
        ListState list;
        list.ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
        list.next_number = cmark_node_get_list_start(node);
        list.delimiter = cmark_node_get_list_delim(node) == CMARK_PAREN_DELIM ? ')' : '.';
        list.number_width = std::to_string(list.next_number + std::max(count_children(node) - 1, 0)).size();
        if (!lists_.empty()) list.bullet_level = lists_.back().bullet_level + (lists_.back().ordered ? 0 : 1);
        lists_.push_back(list);
    }

    void enter_item(cmark_node* node) {
        std::string marker;
        if (lists_.empty()) {
            marker = std::string(kBullets[0]);
        } else if (lists_.back().ordered) {
            ListState& list = lists_.back();
            const std::string number = std::to_string(list.next_number++);
            marker = std::string(list.number_width - std::min(number.size(), list.number_width), ' ') + number +
                     list.delimiter;
        } else {
            marker = std::string(kBullets[static_cast<std::size_t>(lists_.back().bullet_level) % std::size(kBullets)]);
        }
        marker += ' ';
        if (is_task_item(node)) marker += cmark_gfm_extensions_get_tasklist_item_checked(node) ? "[x] " : "[ ] ";

        const int width = display_width(marker);
        writer_.push_container(Container{marker, std::string(static_cast<std::size_t>(width), ' '), 0, width});
    }

    void leave_item() {
        // An empty item still shows its marker.
        if (writer_.innermost_container_unstarted()) {
            writer_.begin_block();
            writer_.write_line({});
        }
        writer_.pop_container();
    }

    void write_lines(std::vector<Line> lines) {
        for (Line& line : lines) writer_.write_line(std::move(line.spans));
    }

    void write_paragraph(cmark_node* node) {
        writer_.begin_block();
        write_lines(wrap_items(items_, writer_.content_width(), false));
        items_.clear();
        end_block(node);
    }

    // Underlines levels 1 and 2 with '=' and '-'. Deeper levels keep their '#' marks.
    void write_heading(cmark_node* node) {
        const int level = cmark_node_get_heading_level(node);
        base_style_ = 0;
        writer_.begin_block();

        if (level >= 3) {
            const std::string marks(static_cast<std::size_t>(level), '#');
            items_.insert(items_.begin(), {InlineItem{InlineItem::Kind::text, marks, kBold, level},
                                           InlineItem{InlineItem::Kind::space, {}, 0, 0}});
        }
        std::vector<Line> lines = wrap_items(items_, writer_.content_width(), false);
        items_.clear();

        int underline_width = 0;
        for (const Line& line : lines) underline_width = std::max(underline_width, line.width);
        write_lines(std::move(lines));
        if (level <= 2 && underline_width > 0) {
            writer_.write_line({Span{repeat(level == 1 ? "=" : "-", underline_width), kBold, false}});
        }
        end_block(node);
    }

    // Code is indented by four columns and never wrapped. The info string is not shown.
    void write_code_block(cmark_node* node) {
        writer_.begin_block();
        const std::string code = strip_terminal_controls(literal_of(node));
        write_verbatim(code, "    ", kCode);
        end_block(node);
    }

    // Raw HTML is shown as text, line by line.
    void write_html_block(cmark_node* node) {
        writer_.begin_block();
        const std::string html = strip_terminal_controls(literal_of(node));
        write_verbatim(html, "", 0);
        end_block(node);
    }

    void write_verbatim(std::string_view text, const std::string& indent, unsigned style) {
        std::size_t start = 0;
        while (start < text.size()) {
            std::size_t end = text.find('\n', start);
            if (end == std::string_view::npos) end = text.size();
            std::vector<Span> spans{Span{indent, 0, true}};
            if (end > start) spans.push_back(Span{std::string(text.substr(start, end - start)), style, false});
            writer_.write_line(std::move(spans));
            start = end + 1;
        }
    }

    void write_thematic_break(cmark_node* node) {
        writer_.begin_block();
        const int width = std::min(writer_.content_width(), kMaxRuleWidth);
        writer_.write_line({Span{repeat("─", width), kFaint, false}});
        end_block(node);
    }

    // ------------------------------------------------------------------------ tables

    void enter_table(cmark_node* node) {
        table_ = TableState{};
        const uint16_t columns = cmark_gfm_extensions_get_table_columns(node);
        const uint8_t* alignments = cmark_gfm_extensions_get_table_alignments(node);
        for (uint16_t i = 0; i < columns; ++i) {
            table_.alignments.push_back(alignments == nullptr ? '\0' : static_cast<char>(alignments[i]));
        }
    }

    void enter_table_row(cmark_node* node) {
        table_.rows.emplace_back();
        if (cmark_gfm_extensions_get_table_row_is_header(node) != 0) table_.header_rows = table_.rows.size();
    }

    void write_table(cmark_node* node) {
        writer_.begin_block();
        for (std::vector<Span>& line : table_lines(table_, writer_.content_width())) {
            writer_.write_line(std::move(line));
        }
        table_ = TableState{};
        end_block(node);
    }

    // ------------------------------------------------------------------------ inlines

    unsigned inline_style() const {
        unsigned style = base_style_;
        if (emphasis_depth_ > 0) style |= kItalic;
        if (strong_depth_ > 0) style |= kBold;
        if (strikethrough_depth_ > 0) style |= kStrike;
        if (link_depth_ > 0) style |= kLinkText;
        return style;
    }

    void add_space() {
        if (!items_.empty() && items_.back().kind == InlineItem::Kind::space) return;
        items_.push_back(InlineItem{InlineItem::Kind::space, {}, 0, 0});
    }

    // Adds `text` as words separated by spaces; tabs and line feeds separate words too.
    void add_text(std::string_view text, unsigned style) {
        const std::string clean = strip_terminal_controls(text);
        const std::string_view view = clean;
        std::size_t start = 0;
        while (true) {
            const std::size_t end = view.find_first_of(" \t\n", start);
            const std::string_view word = view.substr(start, end == std::string_view::npos ? end : end - start);
            if (!word.empty()) {
                items_.push_back(InlineItem{InlineItem::Kind::text, std::string(word), style, display_width(word)});
            }
            if (end == std::string_view::npos) break;
            add_space();
            start = end + 1;
        }
    }

    void add_code(std::string_view code) {
        if (color_) {
            add_text(code, inline_style() | kCode);
        } else {
            add_text("`" + std::string(code) + "`", inline_style() | kCode);
        }
    }

    void enter_link(cmark_node* node) {
        open_links_.push_back(OpenLink{items_.size(), strip_terminal_controls(url_of(node))});
        ++link_depth_;
    }

    // Follows the link text with its target in parentheses, unless they are the same.
    void leave_link() {
        --link_depth_;
        if (open_links_.empty()) return;
        const OpenLink link = std::move(open_links_.back());
        open_links_.pop_back();
        if (link.url.empty() || link_text_is_target(items_, link.first_item, link.url)) return;

        add_space();
        add_text("(" + link.url + ")", kFaint);
    }

    void enter_image() {
        open_images_.push_back(items_.size());
        add_text("[image:", inline_style());
        add_space();
    }

    // Shows an image as "[image: alt] (url)", or "[image] (url)" without alternative text.
    void leave_image(cmark_node* node) {
        if (open_images_.empty()) return;
        const std::size_t first = open_images_.back();
        open_images_.pop_back();

        if (items_.size() == first + 2) {
            items_.resize(first);
            add_text("[image]", inline_style());
        } else {
            if (items_.back().kind == InlineItem::Kind::space) items_.pop_back();
            add_text("]", inline_style());
        }

        const std::string url = strip_terminal_controls(url_of(node));
        if (url.empty()) return;
        add_space();
        add_text("(" + url + ")", kFaint);
    }

    bool color_;
    LineWriter writer_;
    InlineItems items_;  // of the paragraph, heading or table cell being read
    std::vector<ListState> lists_;
    TableState table_;
    std::vector<OpenLink> open_links_;
    std::vector<std::size_t> open_images_;  // index of each open image's first item
    unsigned base_style_ = 0;               // kBold inside headings
    int emphasis_depth_ = 0;
    int strong_depth_ = 0;
    int strikethrough_depth_ = 0;
    int link_depth_ = 0;
};

}  // namespace
}  // namespace dossier::render

namespace dossier {

std::string render_for_terminal(std::string_view markdown, const TerminalStyle& style) {
    const render::NodePtr document = render::parse_markdown(markdown);
    render::TerminalRenderer renderer(style);
    return renderer.render(document.get());
}

std::string terminal_safe_line(std::string_view text) {
    std::string flat(text);
    for (char& c : flat) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    return render::strip_terminal_controls(flat);
}

}  // namespace dossier
