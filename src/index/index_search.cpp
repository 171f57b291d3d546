#include "index_search.hpp"

#include <charconv>
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

void add_filter(Conditions& conditions, const FieldFilter& filter) {
    // The client and the type are columns of every document: a file without front matter is
    // a note and has no type field.
    if (filter.field == "client" || filter.field == "type") {
        conditions.add("lower(d." + filter.field + ") " + sql_operator(filter.op) + " lower(?)", {filter.value});
        return;
    }

    const std::string in = filter.op == CompareOp::not_equal ? "d.id NOT IN " : "d.id IN ";
    const std::string select = "(SELECT doc FROM fields WHERE key = ? AND ";
    // field: (no value) asks for documents where the field is absent or empty.
    if (filter.value.empty() && !is_ordering(filter.op)) {
        std::string membership = filter.op == CompareOp::equal ? "d.id NOT IN " : "d.id IN ";
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

SearchResult read_row(const Statement& statement) {
    SearchResult result;
    result.client = statement.text(0);
    result.path = statement.text(1);
    result.type = statement.text(2);
    result.title = statement.text(3);
    result.owner = statement.text(4);
    result.problem = statement.text(5);
    read_snippet(statement.text(6), result);
    result.score = statement.real(7);
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
    for (const auto& filter : query.filters) add_filter(conditions, filter);
    const std::string columns = "d.client, d.path, d.type, d.title, d.owner, d.problem, ";
    const std::string limit_sql = " LIMIT " + std::to_string(limit == 0 ? -1 : static_cast<long long>(limit));

    std::string sql;
    std::string match;
    if (!query.required.empty()) {
        sql = "SELECT " + columns + "snippet(text, -1, char(1), char(2), '…', 16), -rank " +
              "FROM text JOIN documents d ON d.id = text.rowid WHERE text MATCH ?" + conditions.sql +
              " ORDER BY rank" + limit_sql;
        match = fts5_expression(query);
    } else if (!query.excluded.empty()) {
        sql = "SELECT " + columns + "'', 0 FROM documents d WHERE d.id NOT IN (SELECT rowid FROM text WHERE text MATCH ?)" +
              conditions.sql + " ORDER BY d.client, d.path" + limit_sql;
        match = fts5_excluded_expression(query);
    } else {
        sql = "SELECT " + columns + "'', 0 FROM documents d WHERE 1" + conditions.sql + " ORDER BY d.client, d.path" +
              limit_sql;
    }

    auto statement = database.prepare(sql);
    int first = 1;
    if (!match.empty()) statement.bind(first++, std::string_view(match));
    bind_all(statement, first, conditions.parameters);
    std::vector<SearchResult> results;
    while (statement.step()) results.push_back(read_row(statement));
    return results;
}

bool has_field(Database& database, std::string_view name) {
    auto statement = database.prepare("SELECT 1 FROM fields WHERE key = ?1 LIMIT 1");
    statement.bind(1, name);
    return statement.step();
}

}  // namespace dossier::index
