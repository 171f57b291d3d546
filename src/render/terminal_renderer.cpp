// Terminal rendering of GitHub Flavored Markdown with cmark-gfm 0.29, and heading anchors.
//
// Plain mode (TerminalStyle::color false) writes no escape sequences. It drops the markers
// of emphasis and strong emphasis (`*x*` and `**x**` print as `x`), but keeps the backticks
// around inline code and the `~~` around struck-out text, because dropping those would change
// the meaning of the text. Colour mode marks the same spans with ANSI SGR codes instead.
//
// Widths are display columns as utf8proc_charwidth gives them: one per code point for Latin
// text, two for wide East Asian characters and most emoji, none for combining marks.

#include "dossier/terminal_renderer.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <utf8proc.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace dossier {
namespace {

// Block quotes and list items nested deeper than this add no prefix, so deep nesting can
// neither push text off the screen nor make each line cost time per level.
constexpr std::size_t kMaxShownNesting = 10;

// Text keeps at least this many columns (or the whole width when that is narrower), however
// wide the prefixes of its containers are, so those lines run past the width instead.
constexpr int kMinContentWidth = 20;

// A thematic break is never longer than this, however wide the terminal.
constexpr int kMaxRuleWidth = 1000;

// A table column shrunk to fit the width keeps at least this many columns.
constexpr int kMinColumnWidth = 6;

// cmark-gfm 0.29.0.gfm.6 creates a node for every cell of a table, including the empty
// cells that complete short rows. It also parses each row in time that grows with the square
// of its cell count: in one run of the Debian 12 package, a 5,000-column table of 10 rows
// took about 2 s. Documents whose estimated tables exceed either budget are parsed without
// the table extension, so their tables show as text. Both budgets are rough estimates that
// keep parsing to a fraction of a second.
constexpr std::int64_t kMaxTableCells = 100'000;
constexpr std::int64_t kMaxTableRowCost = 16'000'000;  // sum over lines of (pipes + 1)^2

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kBullets[] = {"•", "◦", "▪"};  // by nesting level of bullet lists

// ---------------------------------------------------------------------------- cmark owners

struct ParserDeleter {
    void operator()(cmark_parser* parser) const noexcept { cmark_parser_free(parser); }
};
struct NodeDeleter {
    void operator()(cmark_node* node) const noexcept { cmark_node_free(node); }
};
struct IterDeleter {
    void operator()(cmark_iter* iter) const noexcept { cmark_iter_free(iter); }
};
struct FreeDeleter {
    void operator()(void* pointer) const noexcept { std::free(pointer); }
};

using ParserPtr = std::unique_ptr<cmark_parser, ParserDeleter>;
using NodePtr = std::unique_ptr<cmark_node, NodeDeleter>;
using IterPtr = std::unique_ptr<cmark_iter, IterDeleter>;

std::string_view literal_of(cmark_node* node) {
    const char* literal = cmark_node_get_literal(node);
    return literal == nullptr ? std::string_view{} : std::string_view{literal};
}

std::string_view url_of(cmark_node* node) {
    const char* url = cmark_node_get_url(node);
    return url == nullptr ? std::string_view{} : std::string_view{url};
}

// ---------------------------------------------------------------------------- UTF-8

// Calls `visit(code_point, bytes)` for each code point of `text`. Each byte of an invalid
// sequence is visited on its own with code point -1.
template <typename Visit>
void for_each_code_point(std::string_view text, Visit&& visit) {
    std::size_t position = 0;
    while (position < text.size()) {
        utf8proc_int32_t code_point = -1;
        const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data() + position);
        const auto length =
            utf8proc_iterate(bytes, static_cast<utf8proc_ssize_t>(text.size() - position), &code_point);
        const std::size_t consumed = length > 0 ? static_cast<std::size_t>(length) : 1;
        visit(length > 0 ? code_point : -1, text.substr(position, consumed));
        position += consumed;
    }
}

void append_utf8(std::string& out, utf8proc_int32_t code_point) {
    utf8proc_uint8_t buffer[4];
    const auto length = utf8proc_encode_char(code_point, buffer);
    out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(length));
}

int display_width(std::string_view text) {
    int width = 0;
    for_each_code_point(text, [&](utf8proc_int32_t code_point, std::string_view) {
        width += code_point < 0 ? 1 : std::max(utf8proc_charwidth(code_point), 0);
    });
    return width;
}

// True for C0 controls other than tab and line feed, for DEL and for C1 controls. A terminal
// acts on these (ESC starts escape sequences, U+009B is a one-byte CSI), so none may come
// from a document.
bool is_terminal_control(utf8proc_int32_t code_point) {
    if (code_point < 0x20) return code_point != '\t' && code_point != '\n';
    return code_point >= 0x7F && code_point <= 0x9F;
}

// Returns `text` without terminal controls, with each invalid UTF-8 byte replaced by U+FFFD.
std::string strip_terminal_controls(std::string_view text) {
    std::string clean;
    clean.reserve(text.size());
    for_each_code_point(text, [&](utf8proc_int32_t code_point, std::string_view bytes) {
        if (code_point < 0) {
            clean += kReplacementCharacter;
        } else if (!is_terminal_control(code_point)) {
            clean += bytes;
        }
    });
    return clean;
}

std::string repeat(std::string_view text, int count) {
    std::string repeated;
    repeated.reserve(text.size() * static_cast<std::size_t>(std::max(count, 0)));
    for (int i = 0; i < count; ++i) repeated += text;
    return repeated;
}

// ---------------------------------------------------------------------------- styles

// SGR attributes of a span, combined as bit flags. Plain mode ignores them.
enum StyleFlag : unsigned {
    kBold = 1U << 0,
    kItalic = 1U << 1,
    kStrike = 1U << 2,
    kCode = 1U << 3,
    kLinkText = 1U << 4,
    kFaint = 1U << 5,  // link targets and markup: quote bars, rules, table borders
};

const char* const kResetSequence = "\x1b[0m";

std::string sgr_sequence(unsigned style) {
    static constexpr std::pair<unsigned, const char*> kParameters[] = {
        {kBold, "1"}, {kFaint, "2"}, {kItalic, "3"}, {kLinkText, "4;34"}, {kStrike, "9"}, {kCode, "36"},
    };
    std::string parameters;
    for (const auto& [flag, parameter] : kParameters) {
        if ((style & flag) == 0) continue;
        if (!parameters.empty()) parameters += ';';
        parameters += parameter;
    }
    return "\x1b[" + parameters + "m";
}

// A run of text in one style. Padding (prefixes, indentation, table cell padding) is trimmed
// where it ends a line, so no line ends with spaces that only pad.
struct Span {
    std::string text;
    unsigned style = 0;
    bool padding = false;
};

// One output line before its container prefixes, with its display width.
struct Line {
    std::vector<Span> spans;
    int width = 0;
};

void append_to_line(Line& line, std::string_view text, unsigned style, int width) {
    if (!line.spans.empty() && line.spans.back().style == style && !line.spans.back().padding) {
        line.spans.back().text += text;
    } else {
        line.spans.push_back(Span{std::string(text), style, false});
    }
    line.width += width;
}

// ---------------------------------------------------------------------------- wrapping

// One unit of a paragraph, heading or table cell before wrapping. Text items never contain
// whitespace, and consecutive text items form one word.
struct InlineItem {
    enum class Kind { text, space, line_break };
    Kind kind = Kind::text;
    std::string text;
    unsigned style = 0;
    int width = 0;
};
using InlineItems = std::vector<InlineItem>;

// Returns the index after the word that starts at `first`, and its display width in `width`.
std::size_t find_word_end(const InlineItems& items, std::size_t first, int& width) {
    std::size_t end = first;
    width = 0;
    while (end < items.size() && items[end].kind == InlineItem::Kind::text) {
        width += items[end].width;
        ++end;
    }
    return end;
}

// Appends the word items[first, end) to `current`, starting a new line in `lines` wherever
// the next code point would pass `width`. Used in table cells, which must keep their width.
void append_split_word(std::vector<Line>& lines, Line& current, const InlineItems& items, std::size_t first,
                       std::size_t end, int width) {
    for (std::size_t i = first; i < end; ++i) {
        for_each_code_point(items[i].text, [&](utf8proc_int32_t code_point, std::string_view bytes) {
            const int columns = std::max(utf8proc_charwidth(code_point), 0);
            if (current.width > 0 && current.width + columns > width) {
                lines.push_back(std::move(current));
                current = Line{};
            }
            append_to_line(current, bytes, items[i].style, columns);
        });
    }
}

// Wraps `items` into lines of at most `width` columns, breaking at spaces. A word wider than
// `width` gets a line of its own, or is split between code points when `split_long_words`.
std::vector<Line> wrap_items(const InlineItems& items, int width, bool split_long_words) {
    std::vector<Line> lines;
    Line current;
    std::size_t i = 0;
    while (i < items.size()) {
        if (items[i].kind == InlineItem::Kind::space) {
            ++i;
            continue;
        }
        if (items[i].kind == InlineItem::Kind::line_break) {
            lines.push_back(std::move(current));
            current = Line{};
            ++i;
            continue;
        }

        int word_width = 0;
        const std::size_t end = find_word_end(items, i, word_width);
        if (!current.spans.empty() && current.width + 1 + word_width > width) {
            lines.push_back(std::move(current));
            current = Line{};
        }
        if (!current.spans.empty()) {
            // The space between two words takes the style they share, so a link stays underlined.
            append_to_line(current, " ", current.spans.back().style & items[i].style, 1);
        }

        if (split_long_words && word_width > width) {
            append_split_word(lines, current, items, i, end, width);
        } else {
            for (std::size_t k = i; k < end; ++k) {
                append_to_line(current, items[k].text, items[k].style, items[k].width);
            }
        }
        i = end;
    }
    if (!current.spans.empty()) lines.push_back(std::move(current));
    return lines;
}

// Returns the width of `items` on one line, with one space between words.
int single_line_width(const InlineItems& items) {
    int width = 0;
    bool after_word = false;
    bool in_word = false;
    for (const InlineItem& item : items) {
        if (item.kind != InlineItem::Kind::text) {
            in_word = false;
            continue;
        }
        if (!in_word && after_word) width += 1;
        width += item.width;
        in_word = true;
        after_word = true;
    }
    return width;
}

// ---------------------------------------------------------------------------- output lines

// A block quote or list item: what it prints before each of its lines.
struct Container {
    std::string first_prefix;  // before its first line, such as "• " or "1. "
    std::string rest_prefix;   // before its other lines, as wide as first_prefix
    unsigned style = 0;
    int width = 0;
    bool started = false;  // true once its first line is written
};

// Writes lines with the prefixes of the open containers and the blank lines between blocks.
class LineWriter {
public:
    LineWriter(bool color, int width) : color_(color), width_(width) {}

    void push_container(Container container) {
        if (containers_.size() < kMaxShownNesting) prefix_width_ += container.width;
        containers_.push_back(std::move(container));
    }

    void pop_container() {
        if (containers_.size() <= kMaxShownNesting) prefix_width_ -= containers_.back().width;
        containers_.pop_back();
    }

    // True when the innermost container is shown and has not written its first line yet.
    bool innermost_container_unstarted() const {
        return !containers_.empty() && containers_.size() <= kMaxShownNesting && !containers_.back().started;
    }

    int content_width() const { return std::max(width_ - prefix_width_, std::min(kMinContentWidth, width_)); }

    void set_blank_line_pending(bool pending) { blank_line_pending_ = pending; }

    // Writes the blank line that separates the next block from the previous one, if any.
    void begin_block() {
        if (!blank_line_pending_) return;
        blank_line_pending_ = false;

        // Containers that have not started yet belong to the next block, not to the gap.
        std::vector<Span> spans;
        for (std::size_t i = 0; i < shown_containers(); ++i) {
            if (!containers_[i].started) break;
            spans.push_back(Span{containers_[i].rest_prefix, containers_[i].style, true});
        }
        write_spans(spans);
    }

    void write_line(std::vector<Span> content) {
        std::vector<Span> spans;
        spans.reserve(shown_containers() + content.size());
        for (std::size_t i = 0; i < shown_containers(); ++i) {
            Container& container = containers_[i];
            spans.push_back(Span{container.started ? container.rest_prefix : container.first_prefix,
                                 container.style, true});
            container.started = true;
        }
        std::move(content.begin(), content.end(), std::back_inserter(spans));
        write_spans(spans);
    }

    std::string take_output() { return std::move(out_); }

private:
    std::size_t shown_containers() const { return std::min(containers_.size(), kMaxShownNesting); }

    void write_spans(std::vector<Span>& spans) {
        while (!spans.empty() && spans.back().padding) {
            std::string& text = spans.back().text;
            text.erase(text.find_last_not_of(' ') + 1);
            if (!text.empty()) break;
            spans.pop_back();
        }

        unsigned current_style = 0;
        for (const Span& span : spans) {
            if (color_ && span.style != current_style) {
                if (current_style != 0) out_ += kResetSequence;
                if (span.style != 0) out_ += sgr_sequence(span.style);
                current_style = span.style;
            }
            out_ += span.text;
        }
        if (current_style != 0) out_ += kResetSequence;
        out_ += '\n';
    }

    bool color_;
    int width_;
    std::vector<Container> containers_;
    int prefix_width_ = 0;  // of the shown containers
    bool blank_line_pending_ = false;
    std::string out_;
};

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

struct TableState {
    std::vector<char> alignments;  // 'l', 'c', 'r', or 0 (left) for each column
    std::vector<std::vector<InlineItems>> rows;
    std::size_t header_rows = 0;
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

        std::size_t columns = table_.alignments.size();
        for (const auto& row : table_.rows) columns = std::max(columns, row.size());
        std::vector<int> widths(columns, 0);
        for (const auto& row : table_.rows) {
            for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], single_line_width(row[c]));
        }
        fit_columns(widths, writer_.content_width());

        for (std::size_t r = 0; r < table_.rows.size(); ++r) {
            write_table_row(table_.rows[r], widths);
            if (r + 1 == table_.header_rows) write_table_rule(widths);
        }
        table_ = TableState{};
        end_block(node);
    }

    // Shrinks the widest columns until a row fits `available` columns. Leaves the widths as
    // they are when even columns of kMinColumnWidth would not fit, so the rows run over.
    static void fit_columns(std::vector<int>& widths, int available) {
        if (widths.empty()) return;
        const std::int64_t separators = 3 * static_cast<std::int64_t>(widths.size() - 1);
        auto total_width = [&](int cap) {
            std::int64_t total = separators;
            for (int width : widths) total += std::min(width, cap);
            return total;
        };

        const int widest = *std::max_element(widths.begin(), widths.end());
        if (total_width(widest) <= available || total_width(kMinColumnWidth) > available) return;

        // Binary search for the largest cap that fits. total_width(low) always fits.
        int low = kMinColumnWidth;
        int high = widest;
        while (low < high) {
            const int middle = low + (high - low + 1) / 2;
            if (total_width(middle) <= available) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        for (int& width : widths) width = std::min(width, low);
    }

    void write_table_row(const std::vector<InlineItems>& cells, const std::vector<int>& widths) {
        std::vector<std::vector<Line>> wrapped(widths.size());
        std::size_t height = 1;
        for (std::size_t c = 0; c < cells.size() && c < widths.size(); ++c) {
            wrapped[c] = wrap_items(cells[c], std::max(widths[c], 1), true);
            height = std::max(height, wrapped[c].size());
        }

        for (std::size_t line = 0; line < height; ++line) {
            std::vector<Span> spans;
            for (std::size_t c = 0; c < widths.size(); ++c) {
                if (c > 0) {
                    spans.push_back(Span{" ", 0, true});
                    spans.push_back(Span{"│", kFaint, false});
                    spans.push_back(Span{" ", 0, true});
                }
                const Line empty;
                const Line& cell_line = line < wrapped[c].size() ? wrapped[c][line] : empty;
                append_aligned(spans, cell_line, widths[c], c < table_.alignments.size() ? table_.alignments[c] : '\0');
            }
            writer_.write_line(std::move(spans));
        }
    }

    static void append_aligned(std::vector<Span>& spans, const Line& line, int width, char alignment) {
        const int padding = std::max(width - line.width, 0);
        int left = 0;
        if (alignment == 'r') left = padding;
        if (alignment == 'c') left = padding / 2;

        spans.push_back(Span{std::string(static_cast<std::size_t>(left), ' '), 0, true});
        spans.insert(spans.end(), line.spans.begin(), line.spans.end());
        spans.push_back(Span{std::string(static_cast<std::size_t>(padding - left), ' '), 0, true});
    }

    void write_table_rule(const std::vector<int>& widths) {
        std::string rule;
        for (std::size_t c = 0; c < widths.size(); ++c) {
            if (c > 0) rule += "─┼─";
            rule += repeat("─", widths[c]);
        }
        writer_.write_line({Span{rule, kFaint, false}});
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

// ---------------------------------------------------------------------------- parsing

// A delimiter row such as "| :--- | ---: |" contains only these characters and a '-'. The
// '>' allows for rows inside block quotes.
bool looks_like_delimiter_row(std::string_view line) {
    return line.find('-') != std::string_view::npos && line.find_first_not_of("|-: \t>") == std::string_view::npos;
}

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

// Returns true when the tables `markdown` may contain are within the parsing budgets. A
// table spans one run of non-blank lines at most, so each run that contains a delimiter row
// is counted as a table of (run lines) x (delimiter columns) cells, an upper bound.
bool tables_within_budget(std::string_view markdown) {
    std::int64_t cells = 0;
    std::int64_t row_cost = 0;
    std::int64_t run_lines = 0;
    std::int64_t run_columns = 0;
    std::int64_t run_row_cost = 0;
    auto close_run = [&] {
        if (run_columns > 0) {
            cells += run_lines * run_columns;
            row_cost += run_row_cost;
        }
        run_lines = run_columns = run_row_cost = 0;
    };

    std::size_t start = 0;
    while (start < markdown.size()) {
        std::size_t end = markdown.find('\n', start);
        if (end == std::string_view::npos) end = markdown.size();
        const std::string_view line = markdown.substr(start, end - start);
        start = end + 1;

        if (is_blank(line)) {
            close_run();
            continue;
        }
        const auto row_cells = static_cast<std::int64_t>(std::count(line.begin(), line.end(), '|')) + 1;
        ++run_lines;
        run_row_cost += row_cells * row_cells;
        if (looks_like_delimiter_row(line)) run_columns = std::max(run_columns, row_cells);
    }
    close_run();
    return cells <= kMaxTableCells && row_cost <= kMaxTableRowCost;
}

void attach_extension(cmark_parser* parser, const char* name) {
    cmark_syntax_extension* extension = cmark_find_syntax_extension(name);
    if (extension == nullptr) throw std::logic_error(std::string("cmark-gfm extension not registered: ") + name);
    cmark_parser_attach_syntax_extension(parser, extension);
}

NodePtr parse_markdown(std::string_view markdown) {
    // Registration fills a global registry, so it runs once, in a thread-safe static.
    static const bool registered = [] {
        cmark_gfm_core_extensions_ensure_registered();
        return true;
    }();
    (void)registered;

    // CMARK_OPT_VALIDATE_UTF8 replaces invalid UTF-8 with U+FFFD while parsing.
    const ParserPtr parser(cmark_parser_new(CMARK_OPT_VALIDATE_UTF8));
    // NOTE: a document over the table budgets shows all of its tables as text, even the small ones.
    if (tables_within_budget(markdown)) attach_extension(parser.get(), "table");
    attach_extension(parser.get(), "strikethrough");
    attach_extension(parser.get(), "autolink");
    attach_extension(parser.get(), "tasklist");

    cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
    return NodePtr(cmark_parser_finish(parser.get()));
}

// ---------------------------------------------------------------------------- anchors

// Letters, combining marks, decimal digits and connector punctuation such as '_': the
// characters that GitHub keeps in an anchor, besides '-'.
bool is_anchor_character(utf8proc_int32_t code_point) {
    if (code_point == '-') return true;
    switch (utf8proc_category(code_point)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_PC: return true;
        default: return false;
    }
}

std::string to_nfc(const std::string& text) {
    const std::unique_ptr<utf8proc_uint8_t, FreeDeleter> composed(
        utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(text.c_str())));
    if (composed == nullptr) return text;
    return std::string(reinterpret_cast<const char*>(composed.get()));
}

}  // namespace

std::string render_for_terminal(std::string_view markdown, const TerminalStyle& style) {
    const NodePtr document = parse_markdown(markdown);
    TerminalRenderer renderer(style);
    return renderer.render(document.get());
}

// Follows GitHub: each space becomes a hyphen (so "a  b" gives "a--b" and a leading emoji
// leaves a leading hyphen), and nothing is trimmed or collapsed. The result is in NFC, so
// headings typed in NFC and NFD give the same anchor. Callers number duplicate headings by
// appending "-1", "-2" and so on to the anchors after the first.
std::string heading_anchor(std::string_view heading_text) {
    std::string anchor;
    for_each_code_point(heading_text, [&](utf8proc_int32_t code_point, std::string_view) {
        if (code_point == ' ') {
            anchor += '-';
        } else if (code_point >= 0 && is_anchor_character(code_point)) {
            append_utf8(anchor, utf8proc_tolower(code_point));
        }
    });
    return to_nfc(anchor);
}

}  // namespace dossier
