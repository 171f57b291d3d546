#include "search_filters.hpp"

#include <fmt/format.h>

#include "dossier/i18n.hpp"
#include "dossier/yaml_value.hpp"
#include "output.hpp"

namespace dossier::cli {
namespace {

// Reads one --where: the first pieces that make a condition; the pieces after it are words.
FieldFilter read_where(const std::vector<std::string>& pieces, std::vector<std::string>& extra_words) {
    std::string text;
    std::size_t used = 0;
    std::optional<FieldFilter> filter;
    while (used < pieces.size()) {
        text += (text.empty() ? "" : " ") + pieces[used++];
        filter = parse_condition(text);
        if (filter && !filter->value.empty()) break;
    }
    if (!filter) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid --where: {}")), text),
                    tr("write a field, an operator (= != < <= > >=) and a value: --where reviewed '<' 2024-01-01"));
    }
    if (filter->value.empty() || std::string_view("<>=!").find(filter->value.front()) != std::string_view::npos) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid --where: {}")), text),
                    tr("write a field, an operator (= != < <= > >=) and a value: --where reviewed '<' 2024-01-01"));
    }
    extra_words.insert(extra_words.end(), pieces.begin() + static_cast<std::ptrdiff_t>(used), pieces.end());
    return *filter;
}

}  // namespace

void add_filter_options(CLI::App* command, FilterOptions& options) {
    command->add_option("--client", options.client, tr("Only the documents of this client (its slug)"))
        ->type_name(client_value);
    command->add_option("--type", options.type, tr("Only the documents of this type, such as runbook"))
        ->type_name(type_value);
    command->add_option("--owner", options.owner, tr("Only the documents of this owner"));
    command->add_option("--tag", options.tags, tr("Only the documents with this tag; repeat for several"))
        ->type_name("TAG")
        ->allow_extra_args(false);
    command->add_option("--where", options.where,
                        tr("Only the documents whose field compares so with the value: FIELD OP VALUE, where OP is "
                           "= != < <= > >=, dates compared as dates; repeat for several"))
        ->expected(1, 3)
        ->type_name("FIELD OP VALUE");
}

void apply_filter_options(Context& context, const FilterOptions& options, SearchQuery& query,
                          std::vector<std::string>& extra_words) {
    if (!options.client.empty()) {
        context.client(options.client);  // "did you mean" for an unknown client
        query.filters.push_back({"client", CompareOp::equal, options.client});
    }
    if (!options.type.empty()) query.filters.push_back({"type", CompareOp::equal, options.type});
    if (!options.owner.empty()) query.filters.push_back({"owner", CompareOp::equal, options.owner});
    for (const auto& tag : options.tags) query.filters.push_back({"tags", CompareOp::equal, tag});
    for (const auto& pieces : options.where) query.filters.push_back(read_where(pieces, extra_words));
}

void check_filter_values(const SearchQuery& query) {
    for (const auto& filter : query.filters) {
        if (looks_like_invalid_date(filter.value)) {
            throw Error(ErrorKind::usage,
                        fmt::format(fmt::runtime(tr("invalid date in the filter on {}: {}")), filter.field, filter.value),
                        tr("write a calendar date as YYYY-MM-DD"));
        }
    }
}

void warn_unknown_fields(SearchIndex& index, const SearchQuery& query) {
    for (const auto& filter : query.filters) {
        if (filter.field == "client" || filter.field == "type" || index.has_field(filter.field)) continue;
        print_notice(fmt::format(fmt::runtime(tr("no document has a field named {}")), filter.field));
    }
}

}  // namespace dossier::cli
