// Word wrapping of inline items into lines of a given display width.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "terminal_renderer_internal.hpp"

namespace dossier::render {
namespace {

void append_to_line(Line& line, std::string_view text, unsigned style, int width) {
    if (!line.spans.empty() && line.spans.back().style == style && !line.spans.back().padding) {
        line.spans.back().text += text;
    } else {
        line.spans.push_back(Span{std::string(text), style, false});
    }
    line.width += width;
}

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

}  // namespace

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

}  // namespace dossier::render
