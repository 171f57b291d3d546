// Declarations shared by the source files of the terminal renderer: display widths, styled
// lines, word wrapping, table layout, the line writer and the Markdown parser.
#pragma once

#include <cmark-gfm.h>
#include <utf8proc.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dossier::render {

// ---------------------------------------------------------------------------- text

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

// Returns the display width of `text` in terminal columns. Each invalid UTF-8 byte counts as
// one column.
int display_width(std::string_view text);

// Returns `text` without terminal controls, with each invalid UTF-8 byte replaced by U+FFFD.
std::string strip_terminal_controls(std::string_view text);

// Returns `text` repeated `count` times, or an empty string when `count` is not positive.
std::string repeat(std::string_view text, int count);

// ---------------------------------------------------------------------------- styled lines

// SGR attributes of a span, combined as bit flags. Plain mode ignores them.
enum StyleFlag : unsigned {
    kBold = 1U << 0,
    kItalic = 1U << 1,
    kStrike = 1U << 2,
    kCode = 1U << 3,
    kLinkText = 1U << 4,
    kFaint = 1U << 5,  // link targets and markup: quote bars, rules, table borders
};

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

// Wraps `items` into lines of at most `width` columns, breaking at spaces. A word wider than
// `width` gets a line of its own, or is split between code points when `split_long_words`.
std::vector<Line> wrap_items(const InlineItems& items, int width, bool split_long_words);

// Returns the width of `items` on one line, with one space between words.
int single_line_width(const InlineItems& items);

// ---------------------------------------------------------------------------- tables

// Cells and column alignments of the table being read.
struct TableState {
    std::vector<char> alignments;  // 'l', 'c', 'r', or 0 (left) for each column
    std::vector<std::vector<InlineItems>> rows;
    std::size_t header_rows = 0;
};

// Lays out `table` within `available` columns: the cells of each row wrapped in their columns
// and separated by '│', and a rule under the header rows. Returns the spans of each output
// line. Rows run past `available` when even the narrowest allowed columns would not fit.
std::vector<std::vector<Span>> table_lines(const TableState& table, int available);

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

    void push_container(Container container);
    void pop_container();

    // True when the innermost container is shown and has not written its first line yet.
    bool innermost_container_unstarted() const;

    int content_width() const;

    void set_blank_line_pending(bool pending) { blank_line_pending_ = pending; }

    // Writes the blank line that separates the next block from the previous one, if any.
    void begin_block();

    void write_line(std::vector<Span> content);

    std::string take_output() { return std::move(out_); }

private:
    std::size_t shown_containers() const;
    void write_spans(std::vector<Span>& spans);

    bool color_;
    int width_;
    std::vector<Container> containers_;
    int prefix_width_ = 0;  // of the shown containers
    bool blank_line_pending_ = false;
    std::string out_;
};

// ---------------------------------------------------------------------------- parsing

struct NodeDeleter {
    void operator()(cmark_node* node) const noexcept { cmark_node_free(node); }
};

using NodePtr = std::unique_ptr<cmark_node, NodeDeleter>;

// Parses `markdown` as GitHub Flavored Markdown with the strikethrough, autolink and tasklist
// extensions, and with the table extension unless the document's tables exceed a size budget.
// Throws std::logic_error when cmark-gfm lacks one of those extensions.
NodePtr parse_markdown(std::string_view markdown);

}  // namespace dossier::render
