// Parsing of GitHub Flavored Markdown with cmark-gfm 0.29, with a budget on table size.

#include <cmark-gfm-core-extensions.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "terminal_renderer_internal.hpp"

namespace dossier::render {
namespace {

// cmark-gfm 0.29.0.gfm.6 creates a node for every cell of a table, including the empty
// cells that complete short rows. It also parses each row in time that grows with the square
// of its cell count: in one run of the Debian 12 package, a 5,000-column table of 10 rows
// took about 2 s. Documents whose estimated tables exceed either budget are parsed without
// the table extension, so their tables show as text. Both budgets are rough estimates that
// keep parsing to a fraction of a second.
constexpr std::int64_t kMaxTableCells = 100'000;
constexpr std::int64_t kMaxTableRowCost = 16'000'000;  // sum over lines of (pipes + 1)^2

struct ParserDeleter {
    void operator()(cmark_parser* parser) const noexcept { cmark_parser_free(parser); }
};

using ParserPtr = std::unique_ptr<cmark_parser, ParserDeleter>;

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

}  // namespace

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

}  // namespace dossier::render
