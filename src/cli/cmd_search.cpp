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

struct SearchOptions {
    std::vector<std::string> words;
    FilterOptions filters;
    std::size_t limit = 20;
    bool json = false;
    bool cached = false;
};

std::string join_words(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& word : words) text += (text.empty() ? "" : " ") + word;
    return text;
}

nlohmann::ordered_json to_json(const SearchResult& result) {
    auto highlights = nlohmann::ordered_json::array();
    for (const auto& [begin, end] : result.highlights) highlights.push_back({begin, end});
    nlohmann::ordered_json item = {{"client", result.client}, {"path", result.path},       {"ref", result.reference()},
                                   {"type", result.type},     {"title", result.title},     {"owner", result.owner},
                                   {"score", result.score},   {"snippet", result.snippet}, {"highlights", highlights}};
    if (!result.problem.empty()) item["error"] = result.problem;
    return item;
}

// The snippet with its matching words in bold yellow on a terminal.
std::string highlighted_snippet(const SearchResult& result, bool color) {
    std::string out;
    std::size_t position = 0;
    for (const auto& [begin, end] : result.highlights) {
        if (begin < position || end > result.snippet.size()) continue;
        out += terminal_safe_line(std::string_view(result.snippet).substr(position, begin - position));
        out += styled(terminal_safe_line(std::string_view(result.snippet).substr(begin, end - begin)), "1;33", color);
        position = end;
    }
    out += terminal_safe_line(std::string_view(result.snippet).substr(position));
    return out;
}

std::string format_result(const SearchResult& result, bool color) {
    std::string title = !result.problem.empty()
                            ? fmt::format(fmt::runtime(tr("(unreadable: {})")), result.problem)
                            : result.title;
    std::string line = styled(terminal_safe_line(result.reference()), "1", color);
    if (!title.empty()) line += "  " + terminal_safe_line(title);
    if (!result.type.empty()) line += "  " + styled("[" + terminal_safe_line(result.type) + "]", "2", color);
    line += "\n";
    if (!result.snippet.empty()) line += "    " + highlighted_snippet(result, color) + "\n";
    return line;
}

void run_search(Context& context, SearchOptions& options) {
    SearchQuery filters_only;
    std::vector<std::string> words = options.words;
    apply_filter_options(context, options.filters, filters_only, words);

    SearchIndex& index = context.search_index(options.cached);
    std::string text = join_words(words);
    auto query = parse_search_query(text, [&index](std::string_view name) { return index.has_field(name); });
    query.filters.insert(query.filters.end(), filters_only.filters.begin(), filters_only.filters.end());
    constexpr std::size_t max_notices = 3;
    for (std::size_t i = 0; i < query.ignored.size() && i < max_notices; ++i) {
        print_notice(fmt::format(fmt::runtime(tr("ignored {}: it contains no word to search for")), query.ignored[i]));
    }
    if (query.ignored.size() > max_notices) {
        print_notice(fmt::format(fmt::runtime(tr("ignored {} more parts that contain no word")),
                                 query.ignored.size() - max_notices));
    }
    if (query.empty()) {
        throw Error(ErrorKind::usage, tr("nothing to search for"),
                    tr("give words, a \"phrase\" in quotes, a prefix such as vpn*, or a filter such as type:runbook"));
    }
    check_filter_values(query);
    warn_unknown_fields(index, query);

    RefreshSummary rebuilt;
    auto results = index.search(query, options.limit, &rebuilt);
    context.report_rebuild(rebuilt);
    context.debug(fmt::format("search: {} results", results.size()));

    if (options.json) {
        auto array = nlohmann::ordered_json::array();
        for (const auto& result : results) array.push_back(to_json(result));
        print_json(array);
        return;
    }
    if (results.empty()) {
        print_notice(tr("no document matches"));
        return;
    }
    bool color = context.color_stdout();
    std::string out;
    for (const auto& result : results) out += format_result(result, color);
    print_data(out);
}

}  // namespace

void add_search_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<SearchOptions>();
    auto* command = app.add_subcommand(
        "search", tr("Search the documents of every client: words, \"phrases\", prefix*, -excluded, field:value filters"));
    command->add_option("query", options->words,
                        tr("Words to find; \"a phrase\" in quotes; vpn* for a prefix; -word to exclude; a OR b; filters "
                           "such as type:runbook, client:acme, reviewed:<2024-01-01"))
        ->type_name("QUERY");
    add_filter_options(command, options->filters);
    command->add_option("--limit", options->limit, tr("Show at most this many documents, best first (0: all)"))
        ->check(CLI::Range(0, 1000000))
        ->capture_default_str();
    command->add_flag("--json", options->json, tr("Print a JSON array (see docs/en/json-output.md)"));
    command->add_flag("--cached", options->cached,
                      tr("Search the index as it is, without looking for changed files: faster, but it misses "
                         "every change since the last search, list or index command"));
    command->callback([&context, options] { run_search(context, *options); });
}

}  // namespace dossier::cli
