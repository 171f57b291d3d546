#include "dossier/search_query.hpp"

#include <array>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/search_tokenizer.hpp"

namespace dossier {
namespace {

// NUL counts as a space: FTS5 would read it as the end of the query.
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '\0';
}

bool is_field_name_char(char c, bool first) {
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    return first ? letter : letter || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// One space-separated piece of the query; a double quote opens text that runs to the next
// double quote (or the end), spaces included.
struct Item {
    std::string text;
    bool excluded = false;
};

std::vector<Item> split_items(std::string_view text) {
    std::vector<Item> items;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_space(text[i])) ++i;
        if (i >= text.size()) break;
        Item item;
        if (text[i] == '-' && i + 1 < text.size() && !is_space(text[i + 1])) {
            item.excluded = true;
            ++i;
        }
        bool in_quotes = false;
        while (i < text.size() && (in_quotes || !is_space(text[i]))) {
            if (text[i] == '"') in_quotes = !in_quotes;
            item.text += text[i];
            ++i;
        }
        items.push_back(std::move(item));
    }
    return items;
}

std::string without_quotes(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\0') {
            out += ' ';
        } else if (c != '"') {
            out += c;
        }
    }
    return out;
}

bool has_words(std::string_view text) {
    bool found = false;
    tokenize_for_search(text, [&found](const SearchToken&) {
        found = true;
        return false;
    });
    return found;
}

// Reads an operator at the start of `text` and returns its length, 0 for none.
std::size_t read_operator(std::string_view text, CompareOp& op) {
    static constexpr std::array<std::pair<std::string_view, CompareOp>, 7> operators = {{
        {"!=", CompareOp::not_equal},
        {"<=", CompareOp::less_equal},
        {">=", CompareOp::greater_equal},
        {"==", CompareOp::equal},
        {"<", CompareOp::less},
        {">", CompareOp::greater},
        {"=", CompareOp::equal},
    }};
    for (const auto& [spelling, value] : operators) {
        if (text.starts_with(spelling)) {
            op = value;
            return spelling.size();
        }
    }
    return 0;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

CompareOp negated(CompareOp op) {
    switch (op) {
    case CompareOp::equal: return CompareOp::not_equal;
    case CompareOp::not_equal: return CompareOp::equal;
    case CompareOp::less: return CompareOp::greater_equal;
    case CompareOp::less_equal: return CompareOp::greater;
    case CompareOp::greater: return CompareOp::less_equal;
    case CompareOp::greater_equal: return CompareOp::less;
    }
    return op;
}

// Returns the filter that `item` writes as name:value, or nullopt when it is not one.
std::optional<FieldFilter> as_filter(const Item& item, const std::function<bool(std::string_view)>& is_field) {
    std::string_view text = item.text;
    auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    for (std::size_t i = 0; i < colon; ++i) {
        if (!is_field_name_char(text[i], i == 0)) return std::nullopt;
    }
    std::string_view name = text.substr(0, colon);
    if (!is_builtin_filter_field(name) && !(is_field && is_field(name))) return std::nullopt;

    FieldFilter filter;
    filter.field = name == "tag" ? "tags" : std::string(name);
    std::string_view rest = text.substr(colon + 1);
    rest.remove_prefix(read_operator(rest, filter.op));
    filter.value = std::string(trim(without_quotes(rest)));
    if (item.excluded) filter.op = negated(filter.op);
    return filter;
}

}  // namespace

bool is_builtin_filter_field(std::string_view name) {
    return name == "client" || name == "type" || name == "owner" || name == "tag" || name == "tags" ||
           name == "status";
}

std::optional<CompareOp> parse_operator(std::string_view text) {
    CompareOp op = CompareOp::equal;
    std::size_t length = read_operator(text, op);
    if (length == 0 || length != text.size()) return std::nullopt;
    return op;
}

std::string_view operator_text(CompareOp op) {
    switch (op) {
    case CompareOp::equal: return "=";
    case CompareOp::not_equal: return "!=";
    case CompareOp::less: return "<";
    case CompareOp::less_equal: return "<=";
    case CompareOp::greater: return ">";
    case CompareOp::greater_equal: return ">=";
    }
    return "=";
}

std::optional<FieldFilter> parse_condition(std::string_view text) {
    text = trim(text);
    std::size_t end = 0;
    while (end < text.size() && is_field_name_char(text[end], end == 0)) ++end;
    if (end == 0) return std::nullopt;
    FieldFilter filter;
    filter.field = std::string(text.substr(0, end));
    if (filter.field == "tag") filter.field = "tags";
    std::string_view rest = trim(text.substr(end));
    std::size_t length = read_operator(rest, filter.op);
    if (length == 0) return std::nullopt;
    filter.value = std::string(trim(without_quotes(rest.substr(length))));
    return filter;
}

SearchQuery parse_search_query(std::string_view text, const std::function<bool(std::string_view)>& is_field) {
    if (text.size() > max_query_bytes) {
        throw Error(ErrorKind::usage,
                    fmt::format(fmt::runtime(tr("the query is too long: {} bytes, more than the {} allowed")), text.size(),
                                max_query_bytes),
                    tr("search for fewer words, or for a phrase that is shorter"));
    }

    SearchQuery query;
    bool join_with_previous = false;
    std::size_t term_count = 0;
    auto items = split_items(text);
    for (std::size_t i = 0; i < items.size(); ++i) {
        const Item& item = items[i];
        if (auto filter = as_filter(item, is_field)) {
            query.filters.push_back(std::move(*filter));
            continue;
        }
        // OR joins the term before it with the term after it; anywhere else it is a word.
        if (item.text == "OR" && !item.excluded && !query.required.empty() && !join_with_previous &&
            i + 1 < items.size() && !items[i + 1].excluded && has_words(items[i + 1].text)) {
            join_with_previous = true;
            continue;
        }

        SearchTerm term;
        std::string_view raw = item.text;
        while (!raw.empty() && raw.back() == '*') {
            term.prefix = true;
            raw.remove_suffix(1);
        }
        term.text = without_quotes(raw);
        if (!has_words(term.text)) {
            query.ignored.push_back((item.excluded ? "-" : "") + item.text);
            join_with_previous = false;
            continue;
        }
        if (++term_count > max_query_terms) {
            throw Error(ErrorKind::usage,
                        fmt::format(fmt::runtime(tr("the query has more than {} words and phrases")), max_query_terms),
                        tr("search for fewer words; a filter such as type:runbook narrows the results too"));
        }
        if (item.excluded) {
            query.excluded.push_back(std::move(term));
        } else if (join_with_previous) {
            query.required.back().push_back(std::move(term));
        } else {
            query.required.push_back({std::move(term)});
        }
        join_with_previous = false;
    }
    return query;
}

}  // namespace dossier
