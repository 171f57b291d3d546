// The filter options that search and list share: --client, --type, --owner, --tag, --where.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "context.hpp"
#include "dossier/search_query.hpp"

namespace dossier::cli {

struct FilterOptions {
    std::string client;
    std::string type;
    std::string owner;
    std::vector<std::string> tags;
    std::vector<std::vector<std::string>> where;  // each: FIELD OP VALUE, in one to three pieces
};

// Declares the filter options of `command`.
void add_filter_options(CLI::App* command, FilterOptions& options);

// Adds the filters of `options` to `query`. Words that CLI11 gave to --where but that follow a
// complete condition go to `extra_words`. Throws Error(usage) for a --where without an
// operator, and Error(not_found) for an unknown client.
void apply_filter_options(Context& context, const FilterOptions& options, SearchQuery& query,
                          std::vector<std::string>& extra_words);

// Throws Error(usage) for a filter whose value has the shape of a date but is not a valid one,
// such as 2027-02-30.
void check_filter_values(const SearchQuery& query);

// Warns on standard error about filters on fields that no indexed document has.
void warn_unknown_fields(SearchIndex& index, const SearchQuery& query);

}  // namespace dossier::cli
