#include <fmt/format.h>

#include "context.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/search_index.hpp"
#include "dossier/terminal_renderer.hpp"
#include "output.hpp"
#include "search_filters.hpp"

namespace dossier::cli {
namespace {

struct ListOptions {
    std::vector<std::string> inline_filters;
    FilterOptions filters;
    bool json = false;
    bool cached = false;
};

// Reads filters written as in a search (type:runbook owner:alice reviewed:<2024-01-01). Every
// name:value is a filter here, so that a field no document has gets its own notice.
SearchQuery read_inline_filters(const std::vector<std::string>& pieces) {
    SearchQuery query;
    for (const auto& piece : pieces) {
        auto parsed = parse_search_query(piece, [](std::string_view) { return true; });
        if (parsed.has_terms() || parsed.filters.empty()) {
            throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("not a filter: {}")), piece),
                        tr("list takes filters such as type:runbook or owner:alice; to find words, use dossier search"));
        }
        query.filters.insert(query.filters.end(), parsed.filters.begin(), parsed.filters.end());
    }
    return query;
}

void print_rows(const std::vector<SearchResult>& rows) {
    std::size_t type_width = 4;
    for (const auto& row : rows) type_width = std::max(type_width, row.type.size());
    std::string text;
    for (const auto& row : rows) {
        std::string title = row.problem.empty() ? row.title : fmt::format(fmt::runtime(tr("(unreadable: {})")), row.problem);
        text += fmt::format("{:<{}}  {}  {}  {}\n", terminal_safe_line(row.type.empty() ? "?" : row.type), type_width,
                            terminal_safe_line(row.reference()), terminal_safe_line(title),
                            row.owner.empty() ? "-" : terminal_safe_line(row.owner));
    }
    print_data(text);
}

void run_list(Context& context, const ListOptions& options) {
    SearchQuery from_options;
    std::vector<std::string> extra;
    apply_filter_options(context, options.filters, from_options, extra);
    SearchIndex& index = context.search_index(options.cached);
    auto pieces = options.inline_filters;
    pieces.insert(pieces.end(), extra.begin(), extra.end());
    SearchQuery query = read_inline_filters(pieces);
    query.filters.insert(query.filters.end(), from_options.filters.begin(), from_options.filters.end());
    check_filter_values(query);
    warn_unknown_fields(index, query);

    RefreshSummary rebuilt;
    auto rows = index.search(query, 0, &rebuilt);
    context.report_rebuild(rebuilt);

    if (options.json) {
        auto array = nlohmann::ordered_json::array();
        for (const auto& row : rows) {
            nlohmann::ordered_json item = {{"client", row.client}, {"path", row.path}, {"ref", row.reference()},
                                           {"type", row.type},     {"title", row.title}, {"owner", row.owner}};
            if (!row.problem.empty()) item["error"] = row.problem;
            array.push_back(item);
        }
        print_json(array);
        return;
    }
    print_rows(rows);
}

}  // namespace

void add_list_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<ListOptions>();
    auto* command = app.add_subcommand("list", tr("List documents with their type, reference, title and owner"));
    command->add_option("filter", options->inline_filters,
                        tr("Filters written as in search: type:runbook owner:alice tag:vpn reviewed:<2024-01-01"))
        ->type_name("FILTER");
    add_filter_options(command, options->filters);
    command->add_flag("--json", options->json, tr("Print a JSON array (see docs/en/json-output.md)"));
    command->add_flag("--cached", options->cached,
                      tr("List from the index as it is, without looking for changed files: faster, but it misses "
                         "every change since the last search, list or index command"));
    command->callback([&context, options] { run_list(context, *options); });
}

}  // namespace dossier::cli
