#include "index_search.hpp"

#include <charconv>
#include <deque>
#include <optional>
#include <variant>

#include "document_extract.hpp"
#include "dossier/search_tokenizer.hpp"
#include "dossier/yaml_value.hpp"

namespace dossier::index {
namespace {

constexpr char highlight_open = '\x01';
constexpr char highlight_close = '\x02';

std::string quoted_term(const SearchTerm& term) {
    std::string out = "\"";
    for (char c : term.text) {
        out += c;
        if (c == '"') out += '"';
    }
    out += '"';
    if (term.prefix) out += '*';
    return out;
}

std::string alternatives(const std::vector<SearchTerm>& terms) {
    std::string out = "(";
    for (std::size_t i = 0; i < terms.size(); ++i) {
        if (i > 0) out += " OR ";
        out += quoted_term(terms[i]);
    }
    return out + ")";
}

std::string sql_operator(CompareOp op) { return std::string(operator_text(op)); }

std::optional<double> as_number(std::string_view text) {
    double number = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return number;
}

using Parameter = std::variant<std::string, double>;

// SQL conditions on the documents table `d`, with their parameters in order.
struct Conditions {
    std::string sql;
    std::vector<Parameter> parameters;

    void add(std::string_view condition, std::initializer_list<Parameter> values) {
        sql += " AND ";
        sql += condition;
        parameters.insert(parameters.end(), values);
    }
};

bool is_ordering(CompareOp op) { return op != CompareOp::equal && op != CompareOp::not_equal; }

// `few_candidates`: the words of the query already narrow the documents, so each is looked
// up in `fields` by its primary key rather than listing every document the filter passes.
void add_filter(Conditions& conditions, const FieldFilter& filter, bool few_candidates) {
    // The client and the type are columns of every document: a file without front matter is
    // a note and has no type field.
    if (filter.field == "client" || filter.field == "type") {
        conditions.add("lower(d." + filter.field + ") " + sql_operator(filter.op) + " lower(?)", {filter.value});
        return;
    }

    const std::string in = few_candidates ? (filter.op == CompareOp::not_equal ? "NOT EXISTS " : "EXISTS ")
                                          : (filter.op == CompareOp::not_equal ? "d.id NOT IN " : "d.id IN ");
    const std::string select =
        few_candidates ? "(SELECT 1 FROM fields WHERE doc = d.id AND key = ? AND " : "(SELECT doc FROM fields WHERE key = ? AND ";
    // field: (no value) selects the documents where the field is absent or empty.
    if (filter.value.empty() && !is_ordering(filter.op)) {
        std::string membership = few_candidates ? (filter.op == CompareOp::equal ? "NOT EXISTS " : "EXISTS ")
                                                : (filter.op == CompareOp::equal ? "d.id NOT IN " : "d.id IN ");
        conditions.add(membership + select + "folded != '')", {filter.field});
        return;
    }
    if (is_calendar_date(filter.value)) {
        std::string op = is_ordering(filter.op) ? sql_operator(filter.op) : "=";
        conditions.add(in + select + "date " + op + " ?)", {filter.field, filter.value});
        return;
    }
    auto number = as_number(filter.value);
    std::string folded = fold_for_search(date_time_as_t_form(filter.value));
    if (is_ordering(filter.op)) {
        if (number) {
            conditions.add(in + select + "number " + sql_operator(filter.op) + " ?)", {filter.field, *number});
        } else {
            conditions.add(in + select + "folded " + sql_operator(filter.op) + " ?)", {filter.field, folded});
        }
        return;
    }
    if (number) {
        conditions.add(in + select + "(folded = ? OR number = ?))", {filter.field, folded, *number});
    } else {
        conditions.add(in + select + "folded = ?)", {filter.field, folded});
    }
}

void bind_all(Statement& statement, int first, const std::vector<Parameter>& parameters) {
    int index = first;
    for (const auto& parameter : parameters) {
        if (const auto* text = std::get_if<std::string>(&parameter)) {
            statement.bind(index++, std::string_view(*text));
        } else {
            statement.bind(index++, std::get<double>(parameter));
        }
    }
}

// Turns FTS5's marked snippet into one line of text and the ranges of its matching words.
void read_snippet(std::string_view marked, SearchResult& result) {
    while (!marked.empty() && (marked.back() == ' ' || marked.back() == '\n' || marked.back() == '\r')) {
        marked.remove_suffix(1);
    }
    std::size_t open = 0;
    bool last_was_space = false;
    for (char c : marked) {
        if (c == highlight_open) {
            open = result.snippet.size();
        } else if (c == highlight_close) {
            result.highlights.emplace_back(open, result.snippet.size());
        } else if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            if (!last_was_space) result.snippet += ' ';
            last_was_space = true;
        } else {
            result.snippet += c;
            last_was_space = c == ' ';
        }
    }
}

// The folded words of the query's terms, to find them again in a document's text.
struct QueryWords {
    std::vector<std::string> exact;
    std::vector<std::string> prefixes;  // the last word of a term written with *

    bool matches(std::string_view folded) const {
        for (const auto& word : exact) {
            if (folded == word) return true;
        }
        for (const auto& prefix : prefixes) {
            if (folded.starts_with(prefix)) return true;
        }
        return false;
    }
};

QueryWords query_words(const SearchQuery& query) {
    QueryWords words;
    for (const auto& group : query.required) {
        for (const auto& term : group) {
            std::vector<std::string> folded;
            tokenize_for_search(term.text, [&folded](const SearchToken& token) {
                folded.emplace_back(token.folded);
                return true;
            });
            for (std::size_t i = 0; i < folded.size(); ++i) {
                (term.prefix && i + 1 == folded.size() ? words.prefixes : words.exact).push_back(folded[i]);
            }
        }
    }
    return words;
}

constexpr std::size_t words_before = 6;
constexpr std::size_t words_after = 12;

// Returns the text around the first matching word of `text`, with the matching words between
// the markers that read_snippet reads, or nothing when no word matches. It reads the text
// once, up to the end of the window. FTS5's own snippet() takes time in the square of the
// matches: over 100 s for a 6 MB document of matching lines, measured here.
std::string marked_snippet(std::string_view text, const QueryWords& words) {
    struct Word {
        std::size_t begin, end;
        bool match;
    };
    std::deque<Word> window;
    std::optional<std::size_t> first_match;  // index in `window`
    bool more_before = false;  // words were dropped before the window
    bool more_after = false;
    tokenize_for_search(text, [&](const SearchToken& token) {
        if (first_match && window.size() > *first_match + words_after) {
            more_after = true;
            return false;
        }
        window.push_back({token.begin, token.end, words.matches(token.folded)});
        if (!first_match) {
            if (window.back().match) {
                first_match = window.size() - 1;
            } else if (window.size() > words_before) {
                window.pop_front();
                more_before = true;
            }
        }
        return true;
    });
    if (!first_match) return {};

    std::size_t begin = more_before ? window.front().begin : 0;
    std::size_t end = more_after ? window.back().end : text.size();
    std::string marked = more_before ? "… " : "";
    std::size_t position = begin;
    for (const auto& word : window) {
        if (!word.match) continue;
        marked.append(text.substr(position, word.begin - position));
        marked += '\x01';
        marked.append(text.substr(word.begin, word.end - word.begin));
        marked += '\x02';
        position = word.end;
    }
    marked.append(text.substr(position, end - position));
    if (more_after) marked += " …";
    return marked;
}

// Columns 6 to 10 of a search row: the texts where a snippet is looked for, in this order.
SearchResult read_row(const Statement& statement, const QueryWords* words) {
    SearchResult result;
    result.client = statement.text(0);
    result.path = statement.text(1);
    result.type = statement.text(2);
    result.title = statement.text(3);
    result.owner = statement.text(4);
    result.problem = statement.text(5);
    result.score = statement.real(11);
    if (words == nullptr) return result;
    for (int column = 6; column <= 10; ++column) {
        std::string marked = marked_snippet(statement.text(column), *words);
        if (marked.empty()) continue;
        read_snippet(marked, result);
        break;
    }
    return result;
}

}  // namespace

std::string fts5_expression(const SearchQuery& query) {
    std::string out;
    for (const auto& group : query.required) {
        if (!out.empty()) out += " AND ";
        out += alternatives(group);
    }
    if (!query.excluded.empty() && !out.empty()) out += " NOT " + alternatives(query.excluded);
    return out;
}

std::string fts5_excluded_expression(const SearchQuery& query) { return alternatives(query.excluded); }

std::vector<SearchResult> run_search(Database& database, const SearchQuery& query, std::size_t limit) {
    Conditions conditions;
    for (const auto& filter : query.filters) add_filter(conditions, filter, !query.required.empty());
    const std::string columns = "d.client, d.path, d.type, d.title, d.owner, d.problem, ";
    const std::string limit_sql = " LIMIT " + std::to_string(limit == 0 ? -1 : static_cast<long long>(limit));

    std::string sql;
    std::string match;
    if (!query.required.empty()) {
        // The best matches are chosen first from their rowid and score alone, and only their
        // text is read. The score is dossier_bm25() (see fts5_ranking.hpp) with the weights of
        // the table's rank, so title and headings weigh more. ORDER BY rank would make FTS5
        // sort every match in a statement of its own, which took 1.5 times as long.
        sql = "SELECT " + columns + "t.body, t.headings, t.fields, t.tags, t.title, best.score FROM (" +
              "SELECT text.rowid AS id, -dossier_bm25(text, 10.0, 5.0, 1.0, 2.0, 3.0) AS score FROM text " +
              (conditions.sql.empty() ? "" : "JOIN documents d ON d.id = text.rowid ") + "WHERE text MATCH ?" +
              conditions.sql +
              " ORDER BY score DESC" + limit_sql +
              ") AS best JOIN documents d ON d.id = best.id JOIN text t ON t.rowid = best.id ORDER BY best.score DESC";
        match = fts5_expression(query);
    } else if (!query.excluded.empty()) {
        sql = "SELECT " + columns + "'', '', '', '', '', 0 FROM documents d WHERE d.id NOT IN (SELECT rowid FROM text WHERE text MATCH ?)" +
              conditions.sql + " ORDER BY d.client, d.path" + limit_sql;
        match = fts5_excluded_expression(query);
    } else {
        sql = "SELECT " + columns + "'', '', '', '', '', 0 FROM documents d WHERE 1" + conditions.sql + " ORDER BY d.client, d.path" +
              limit_sql;
    }

    auto statement = database.prepare(sql);
    int first = 1;
    if (!match.empty()) statement.bind(first++, std::string_view(match));
    bind_all(statement, first, conditions.parameters);
    std::vector<SearchResult> results;
    QueryWords words = query_words(query);
    while (statement.step()) results.push_back(read_row(statement, query.required.empty() ? nullptr : &words));
    return results;
}

bool has_field(Database& database, std::string_view name) {
    auto statement = database.prepare("SELECT 1 FROM fields WHERE key = ?1 LIMIT 1");
    statement.bind(1, name);
    return statement.step();
}

}  // namespace dossier::index
