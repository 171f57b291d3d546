#include "document_extract.hpp"

#include <charconv>

#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/search_tokenizer.hpp"
#include "dossier/text.hpp"
#include "dossier/yaml_value.hpp"

namespace dossier::index {
namespace {

constexpr std::string_view age_begin = "-----BEGIN AGE ENCRYPTED FILE-----";
constexpr std::string_view age_end = "-----END AGE ENCRYPTED FILE-----";
constexpr std::size_t max_fields = 500;
constexpr int max_depth = 8;

struct LineView {
    std::string_view text;  // without its line ending
    std::size_t next = 0;
};

LineView line_at_offset(std::string_view text, std::size_t offset) {
    // A plain loop: string_view::find_first_of calls memchr once per character of the text.
    std::size_t end = offset;
    while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
    if (end == text.size()) return {text.substr(offset), text.size()};
    std::size_t next = end + (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? 2 : 1);
    return {text.substr(offset, end - offset), next};
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// Returns the text of an ATX heading line (# Title #), or nullopt.
std::optional<std::string_view> atx_heading(std::string_view line) {
    std::size_t indent = 0;
    while (indent < line.size() && indent < 4 && line[indent] == ' ') ++indent;
    if (indent > 3) return std::nullopt;
    std::size_t level = 0;
    while (indent + level < line.size() && line[indent + level] == '#') ++level;
    if (level == 0 || level > 6) return std::nullopt;
    std::size_t after = indent + level;
    if (after < line.size() && line[after] != ' ' && line[after] != '\t') return std::nullopt;
    std::string_view text = trim(line.substr(after));
    auto closing = text.find_last_not_of('#');
    if (closing == std::string_view::npos) return std::string_view{};
    if (closing + 1 < text.size() && (text[closing] == ' ' || text[closing] == '\t')) text = trim(text.substr(0, closing));
    return text;
}

// Returns the fence's character and length when `line` opens or closes a fenced code block.
std::optional<std::pair<char, std::size_t>> fence(std::string_view line) {
    std::size_t indent = 0;
    while (indent < line.size() && indent < 4 && line[indent] == ' ') ++indent;
    if (indent > 3 || indent >= line.size() || (line[indent] != '`' && line[indent] != '~')) return std::nullopt;
    char c = line[indent];
    std::size_t length = 0;
    while (indent + length < line.size() && line[indent + length] == c) ++length;
    if (length < 3) return std::nullopt;
    return std::make_pair(c, length);
}

bool is_setext_underline(std::string_view line) {
    line = trim(line);
    if (line.empty() || (line.front() != '=' && line.front() != '-')) return false;
    return line.find_first_not_of(line.front()) == std::string_view::npos;
}

// Collects the headings of a Markdown body, outside fenced code, one per line.
std::string headings_of(std::string_view body, std::string& first_heading) {
    std::string headings;
    char fence_char = '\0';  // the open fence's character, '\0' outside fenced code
    std::size_t fence_length = 0;
    std::string_view previous;
    for (std::size_t offset = 0; offset < body.size();) {
        auto line = line_at_offset(body, offset);
        offset = line.next;
        if (auto marker = fence(line.text)) {
            if (fence_char == '\0') {
                fence_char = marker->first;
                fence_length = marker->second;
            } else if (marker->first == fence_char && marker->second >= fence_length &&
                       trim(line.text).find_first_not_of(marker->first) == std::string_view::npos) {
                fence_char = '\0';
            }
            previous = {};
            continue;
        }
        if (fence_char != '\0') continue;
        std::optional<std::string_view> heading = atx_heading(line.text);
        if (!heading && is_setext_underline(line.text) && !trim(previous).empty() && !atx_heading(previous)) {
            heading = trim(previous);
        }
        if (heading && !heading->empty()) {
            if (first_heading.empty()) first_heading = std::string(*heading);
            headings.append(*heading).append("\n");
        }
        previous = line.text;
    }
    return headings;
}

bool holds_age_block(std::string_view text) { return text.find(age_begin) != std::string_view::npos; }

std::optional<double> number_of(const Value& value) {
    if (value.scalar_type() != ScalarType::integer && value.scalar_type() != ScalarType::floating) return std::nullopt;
    double number = 0;
    const auto& text = value.text();
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return number;
}

std::optional<std::string> date_of(const Value& value) {
    const auto& text = value.text();
    if (text.size() >= 10 && is_calendar_date(std::string_view(text).substr(0, 10)) &&
        (text.size() == 10 || text[10] == 'T' || text[10] == 't' || text[10] == ' ')) {
        return text.substr(0, 10);
    }
    return std::nullopt;
}

void add_fields(const Value& value, const std::string& key, int depth, ExtractedDocument& out) {
    if (out.fields.size() >= max_fields || depth > max_depth) return;
    if (value.is_mapping()) {
        for (const auto& [child_key, child] : value.entries()) {
            add_fields(child, key.empty() ? child_key : key + "." + child_key, depth + 1, out);
        }
        return;
    }
    if (value.is_sequence()) {
        for (const auto& item : value.items()) add_fields(item, key, depth + 1, out);
        return;
    }
    if (value.scalar_type() == ScalarType::null || holds_age_block(value.text())) return;

    IndexedField field{key, value.text(), fold_for_search(date_time_as_t_form(value.text())), date_of(value),
                       number_of(value)};
    if (key == "tags") {
        out.tags.append(field.value).append("\n");
    } else if (key != "title") {
        out.field_text.append(field.value).append("\n");
    }
    out.fields.push_back(std::move(field));
}

}  // namespace

std::string date_time_as_t_form(std::string_view text) {
    std::string out(text);
    if (out.size() > 11 && out[10] == ' ' && is_calendar_date(std::string_view(out).substr(0, 10)) &&
        out[11] >= '0' && out[11] <= '9') {
        out[10] = 'T';
    }
    return out;
}

std::string without_age_blocks(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t offset = 0;
    while (offset < text.size()) {
        auto begin = text.find(age_begin, offset);
        if (begin == std::string_view::npos) break;
        out.append(text.substr(offset, begin - offset));
        auto end = text.find(age_end, begin + age_begin.size());
        offset = end == std::string_view::npos ? text.size() : end + age_end.size();
    }
    if (offset < text.size()) out.append(text.substr(offset));
    return out;
}

namespace {

// Returns `bytes` with each byte that is not part of valid UTF-8, and each NUL, made a space.
std::string with_invalid_bytes_as_spaces(std::string_view bytes) {
    std::string text(bytes);
    std::size_t offset = 0;
    while (offset < text.size()) {
        auto invalid = find_invalid_utf8(std::string_view(text).substr(offset));
        if (invalid == std::string_view::npos) break;
        text[offset + invalid] = ' ';
        offset += invalid + 1;
    }
    for (auto& c : text) {
        if (c == '\0') c = ' ';
    }
    return text;
}

// Bytes 1 and 2 mark the matching words of FTS5's snippets: a document's own are spaces.
void blank_snippet_markers(std::string& text) {
    for (auto& c : text) {
        if (c == '\x01' || c == '\x02') c = ' ';
    }
}

// A front-matter value shown in listings; an age block there leaves nothing to show.
std::string listed_value(const std::string& value) { return holds_age_block(value) ? std::string() : value; }

}  // namespace

ExtractedDocument extract_document(std::string_view bytes, const std::string& display_path, std::string_view stem) {
    ExtractedDocument out;
    std::string first_heading;
    try {
        auto document = Document::parse(bytes, display_path);
        out.type = listed_value(document.type());
        out.title = listed_value(document.field("title"));
        out.owner = listed_value(document.field("owner"));
        add_fields(document.front_matter(), {}, 0, out);
        out.body = without_age_blocks(document.body());
    } catch (const Error& error) {
        out.problem = error.what();
        out.type.clear();
        out.fields.clear();
        out.field_text.clear();
        out.tags.clear();
        // Keep the words of a document that cannot be read as one, so that it is still found.
        std::string text;
        try {
            text = decode_text(bytes, display_path).utf8;
        } catch (const Error&) {
            text = with_invalid_bytes_as_spaces(bytes);  // such as one Windows-1252 "é"
        }
        out.body = without_age_blocks(text);
    }
    out.headings = headings_of(out.body, first_heading);
    out.title_text = !out.title.empty() ? out.title : !first_heading.empty() ? first_heading : std::string(stem);
    for (auto* column : {&out.title_text, &out.headings, &out.body, &out.field_text, &out.tags}) {
        blank_snippet_markers(*column);
    }
    return out;
}

}  // namespace dossier::index
