// Search queries: words, phrases, prefixes, exclusions and field filters.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dossier {

enum class CompareOp { equal, not_equal, less, less_equal, greater, greater_equal };

// A condition on a front-matter field, or on the document's client: `type:runbook`,
// `reviewed:<2024-01-01`, `--where expires '<=' 2025-06-30`. The field `tag` names `tags`.
struct FieldFilter {
    std::string field;
    CompareOp op = CompareOp::equal;
    std::string value;
};

// A word or a phrase to find, as typed; `prefix` for a trailing * (vpn*).
struct SearchTerm {
    std::string text;
    bool prefix = false;
};

struct SearchQuery {
    // Every group must match; a group matches when one of its terms does (a OR b).
    std::vector<std::vector<SearchTerm>> required;
    // No term of this list may match (-word).
    std::vector<SearchTerm> excluded;
    std::vector<FieldFilter> filters;
    // Parts of the query that contain no word to search, such as a lone "-" or "(", ignored.
    std::vector<std::string> ignored;

    bool has_terms() const { return !required.empty() || !excluded.empty(); }
    bool empty() const { return !has_terms() && filters.empty(); }
};

inline constexpr std::size_t max_query_bytes = 4096;
inline constexpr std::size_t max_query_terms = 64;

// The fields that are always filters when written `name:value`.
bool is_builtin_filter_field(std::string_view name);

// Parses `text`:
// - words separated by spaces must all match, and "a phrase" matches its words in order;
// - word* matches the words that begin so, -word excludes, and OR in capitals between two
//   terms matches either;
// - `name:value`, `name:<value` (operators = != < <= > >=) and `name:"a value"` are filters
//   when `name` is built in (client, type, owner, tag, status) or `is_field(name)` returns
//   true. Otherwise they are words, so C:\Users and https://x are searched as typed.
// Every other character only separates words. Throws Error(usage) only for a query longer
// than max_query_bytes or with more than max_query_terms terms.
SearchQuery parse_search_query(std::string_view text, const std::function<bool(std::string_view)>& is_field);

// Parses one condition of --where given as FIELD OP VALUE in one piece ("reviewed<2024-01-01",
// "owner = alice") or nullopt when `text` contains no operator after a field name.
std::optional<FieldFilter> parse_condition(std::string_view text);

// Parses an operator written as = == != < <= > >=, or nullopt.
std::optional<CompareOp> parse_operator(std::string_view text);

std::string_view operator_text(CompareOp op);

}  // namespace dossier
