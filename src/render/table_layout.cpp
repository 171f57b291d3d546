// Layout of GitHub Flavored Markdown tables: column widths, cells wrapped in their columns,
// cell alignment, and the rule under the header rows.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "terminal_renderer_internal.hpp"

namespace dossier::render {
namespace {

// A table column shrunk to fit the width keeps at least this many columns.
constexpr int kMinColumnWidth = 6;

// Shrinks the widest columns until a row fits `available` columns. Leaves the widths as
// they are when even columns of kMinColumnWidth would not fit, so the rows run over.
void fit_columns(std::vector<int>& widths, int available) {
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

void append_aligned(std::vector<Span>& spans, const Line& line, int width, char alignment) {
    const int padding = std::max(width - line.width, 0);
    int left = 0;
    if (alignment == 'r') left = padding;
    if (alignment == 'c') left = padding / 2;

    spans.push_back(Span{std::string(static_cast<std::size_t>(left), ' '), 0, true});
    spans.insert(spans.end(), line.spans.begin(), line.spans.end());
    spans.push_back(Span{std::string(static_cast<std::size_t>(padding - left), ' '), 0, true});
}

// Appends to `lines` the lines of one table row, as many as its tallest wrapped cell needs.
void append_row_lines(std::vector<std::vector<Span>>& lines, const std::vector<InlineItems>& cells,
                      const std::vector<int>& widths, const std::vector<char>& alignments) {
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
            append_aligned(spans, cell_line, widths[c], c < alignments.size() ? alignments[c] : '\0');
        }
        lines.push_back(std::move(spans));
    }
}

std::vector<Span> table_rule(const std::vector<int>& widths) {
    std::string rule;
    for (std::size_t c = 0; c < widths.size(); ++c) {
        if (c > 0) rule += "─┼─";
        rule += repeat("─", widths[c]);
    }
    return {Span{rule, kFaint, false}};
}

}  // namespace

std::vector<std::vector<Span>> table_lines(const TableState& table, int available) {
    std::size_t columns = table.alignments.size();
    for (const auto& row : table.rows) columns = std::max(columns, row.size());
    std::vector<int> widths(columns, 0);
    for (const auto& row : table.rows) {
        for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], single_line_width(row[c]));
    }
    fit_columns(widths, available);

    std::vector<std::vector<Span>> lines;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        append_row_lines(lines, table.rows[r], widths, table.alignments);
        if (r + 1 == table.header_rows) lines.push_back(table_rule(widths));
    }
    return lines;
}

}  // namespace dossier::render
