// The rules about documents' form and encryption: file-name, ambiguous-yaml, stale-recipients,
// conflict-marker.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "dossier/credential.hpp"
#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/text.hpp"
#include "file_cache.hpp"
#include "rules.hpp"
#include "text_scan.hpp"

namespace fs = std::filesystem;

namespace dossier::rules {
namespace {

// ---------------------------------------------------------------------------- ambiguous-yaml

constexpr const char* read_as_boolean =
    N_("{}: {} is read as a boolean by YAML 1.1 readers such as PyYAML: write it quoted, {}");
constexpr const char* read_as_number =
    N_("{}: {} is read as a number by YAML 1.1 readers such as PyYAML: write it quoted, {}");

// Returns what a YAML 1.1 reader makes of plain `text` that YAML 1.2 reads as a string
// (read_as_boolean or read_as_number), or nullptr. yaml_quote_string quotes the strings that
// such readers read as another type.
const char* yaml_1_1_reading(std::string_view text) {
    if (yaml_quote_string(text) == text) return nullptr;
    auto folded = fold(text);
    for (std::string_view word : {"y", "n", "yes", "no", "on", "off"}) {
        if (folded == word) return read_as_boolean;
    }
    bool numeric = std::all_of(text.begin(), text.end(), [](char c) {
        return is_digit(c) || c == '_' || c == ':' || c == '.' || c == '+' || c == '-' || c == 'b' || c == 'x' ||
               (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
    bool starts_numeric = !text.empty() && (is_digit(text[0]) || text[0] == '+' || text[0] == '-' || text[0] == '.');
    return numeric && starts_numeric ? read_as_number : nullptr;
}

std::size_t significant_digits(std::string_view number) {
    auto mantissa = number.substr(0, number.find_first_of("eE"));
    std::string digits;
    for (char c : mantissa) {
        if (is_digit(c)) digits += c;
    }
    auto first = digits.find_first_not_of('0');
    return first == std::string::npos ? 0 : digits.size() - first;
}

// Returns the finding message for a plain scalar whose reading depends on the YAML reader or
// loses characters, or an empty string. `json_type` and `format` are the schema's for the
// field ("" when unknown).
std::string ambiguity_of(const std::string& field, const Value& value, const std::string& json_type,
                         const std::string& format) {
    const auto& text = value.text();
    auto quoted = yaml_quote_string(text);
    auto say = [&](const char* message) { return fmt::format(fmt::runtime(tr(message)), field, text, quoted); };
    bool wants_number = json_type == "number" || json_type == "integer";
    bool has_sign = !text.empty() && (text[0] == '+' || text[0] == '-');
    auto digits = std::string_view(text).substr(has_sign ? 1 : 0);

    switch (value.scalar_type()) {
        case ScalarType::string: {
            // A field whose schema wants a boolean or a number gets a schema finding instead.
            const char* reading = yaml_1_1_reading(text);
            bool intended =
                (reading == read_as_boolean && json_type == "boolean") || (reading == read_as_number && wants_number);
            if (reading == nullptr || intended) return {};
            return say(reading);
        }
        case ScalarType::integer:
            if (digits.size() > 1 && digits[0] == '0' && is_digit(digits[1])) {
                return say(
                    N_("{}: {} is read as a number without its leading zero (an octal number in YAML 1.1): "
                       "write it quoted, {}"));
            }
            if (significant_digits(digits) > 15) {
                return say(N_("{}: {} is read as a number too long to keep every digit: write it quoted, {}"));
            }
            return {};
        case ScalarType::floating: {
            if (wants_number) return {};
            auto point = digits.find('.');
            bool exponent = digits.find_first_of("eE") != std::string_view::npos;
            bool trailing_zero =
                point != std::string_view::npos && !exponent && digits.size() > point + 1 && digits.back() == '0';
            bool leading_zero = point != std::string_view::npos && point > 1 && digits[0] == '0';
            if (trailing_zero || leading_zero || significant_digits(digits) > 15) {
                return say(N_("{}: {} is read as a number that loses digits: write it quoted, {}"));
            }
            return {};
        }
        case ScalarType::date:
        case ScalarType::timestamp:
            if (json_type != "string" || format == "date" || format == "date-time") return {};
            return say(
                N_("{}: {} is read as a date by most YAML readers, but the schema wants text: write it quoted, "
                   "{}"));
        default:
            return {};
    }
}

void check_ambiguous_value(const CheckedDocument& document, const std::string& field, const Value& value,
                           const std::string& json_type, const std::string& format, std::vector<Finding>& findings) {
    if (value.is_sequence() || value.is_mapping()) {
        for (const auto& item : value.items()) check_ambiguous_value(document, field, item, {}, {}, findings);
        for (const auto& [key, entry] : value.entries())
            check_ambiguous_value(document, field, entry, {}, {}, findings);
        return;
    }
    if (value.quoted()) return;
    auto message = ambiguity_of(field, value, json_type, format);
    if (!message.empty()) {
        findings.push_back(
            make_finding(document, "ambiguous-yaml", value.line(), value.column(), std::move(message), field));
    }
}

// ---------------------------------------------------------------------------- stale-recipients

// The digest of a recipients file, or why it cannot be read.
struct RecipientsState {
    std::string digest;
    std::string problem;
};

// Returns the state of the recipients file `file`, nearest to `document`, from this thread's cache.
const RecipientsState& recipients_state(const CheckedDocument& document, const fs::path& file) {
    thread_local StampedCache<RecipientsState> cache;
    return cache.get(file.string(), index::stat_file(file), [&] {
        try {
            return RecipientsState{recipients_digest(nearest_recipients(document.client_dir, document.path).recipients),
                                   {}};
        } catch (const Error& error) {
            return RecipientsState{
                {}, error.hint().empty() ? std::string(error.what()) : std::string(error.what()) + ": " + error.hint()};
        }
    });
}

// Returns the nearest recipients file for `document` up to its client's folder, or nullopt.
std::optional<fs::path> nearest_recipients_file(const CheckedDocument& document) {
    auto found = find_recipients_file(document.client_dir, document.path);
    if (!found) return std::nullopt;
    return document.client_dir / *found;
}

std::string reference_of(const CheckedDocument& document) {
    auto path = document.path.ends_with(".md") ? document.path.substr(0, document.path.size() - 3) : document.path;
    return document.client + "/" + path;
}

}  // namespace

// Only the file's own name is checked: a folder with a bad name would otherwise give one
// finding per document inside it. The names that Git hosts show specially (README.md,
// CHANGELOG.md…) keep their capitals.
void check_file_name(const CheckedDocument& document, const CheckEnvironment&, std::vector<Finding>& findings) {
    auto name = document.file.filename().string();
    for (std::string_view conventional :
         {"README.md", "CHANGELOG.md", "CONTRIBUTING.md", "LICENSE.md", "SECURITY.md", "CODE_OF_CONDUCT.md"}) {
        if (name == conventional) return;
    }
    auto dot = name.rfind('.');
    auto stem = name.substr(0, dot);
    auto extension = dot == std::string::npos ? std::string() : name.substr(dot);
    auto lower_extension = fold(extension);
    if (is_valid_slug(stem) && extension == lower_extension) return;

    auto slug = find_invalid_utf8(stem) == std::string::npos ? slugify(stem) : std::string();
    auto message = slug.empty()
                       ? fmt::format(fmt::runtime(tr("file name is not a lower-case slug: {}: use lower-case letters, "
                                                     "digits and single hyphens")),
                                     name)
                       : fmt::format(fmt::runtime(tr("file name is not a lower-case slug: {}: rename it to {} with "
                                                     "dossier mv")),
                                     name, slug + lower_extension);
    findings.push_back(make_finding(document, "file-name", 0, 0, std::move(message)));
}

void check_ambiguous_yaml(const CheckedDocument& document, const CheckEnvironment&, std::vector<Finding>& findings) {
    for (const auto& [key, value] : document.document->front_matter().entries()) {
        if (key == ignore_key) continue;
        std::string json_type;
        std::string format;
        if (document.type != nullptr) {
            json_type = document.type->field_json_type(key);
            const auto& properties = document.type->schema().value("properties", nlohmann::ordered_json::object());
            if (auto property = properties.find(key); property != properties.end() && property->is_object()) {
                format = property->value("format", "");
            }
        }
        check_ambiguous_value(document, key, value, json_type, format, findings);
    }
}

void check_recipients(const CheckedDocument& document, const CheckEnvironment&, std::vector<Finding>& findings) {
    if (document.client_dir.empty()) return;
    std::optional<AgeBlockSpan> block;
    try {
        block = find_age_block(document.document->text(), document.display_path);
    } catch (const Error& error) {
        findings.push_back(syntax_finding(error, document.display_path));
        return;
    }
    if (!block) return;

    const Value* digest = document.document->front_matter().find("recipients");
    auto reference = reference_of(document);
    auto report = [&](const Value* at, std::string message) {
        findings.push_back(make_finding(document, "stale-recipients", at != nullptr ? at->line() : block->line,
                                        at != nullptr ? at->column() : 1, std::move(message), "recipients"));
    };

    auto file = nearest_recipients_file(document);
    if (!file) {
        report(digest, fmt::format(fmt::runtime(tr("no {} file in the folders of this secret: grant access with "
                                                   "dossier access grant TECHNICIAN --client {}")),
                                   recipients_file_name, document.client));
        return;
    }
    const auto& state = recipients_state(document, *file);
    auto shown = file->lexically_relative(document.client_dir).generic_string();
    if (!state.problem.empty()) {
        report(digest, state.problem);
    } else if (digest == nullptr || digest->scalar_or_empty().empty()) {
        // dossier writes the digest into credentials only; other documents cannot be compared.
        if (document.document->type() != "credential") return;
        report(digest, fmt::format(fmt::runtime(tr("the secret has no recipients digest, so it may not be encrypted "
                                                   "to the recipients of {}: encrypt it again with dossier secret edit "
                                                   "{}")),
                                   shown, reference));
    } else if (digest->scalar_or_empty() != state.digest) {
        report(digest, fmt::format(fmt::runtime(tr("the secret is not encrypted to the current recipients of {}: "
                                                   "encrypt it again with dossier secret edit {}, or every such secret "
                                                   "of the client with dossier access grant")),
                                   shown, reference));
    }
}

// Git writes "<<<<<<< label", then "=======", then ">>>>>>> label" at column 0. A lone
// "=======" is also a Markdown heading underline, so only the three lines in that order count.
void check_conflict_markers(const CheckedDocument& document, const CheckEnvironment&, std::vector<Finding>& findings) {
    std::string_view text = document.document->text();
    int line_number = 0;
    int opened = 0;  // the line of the last "<<<<<<<", 0 when none is open
    bool separated = false;
    bool in_fence = false;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (line.ends_with('\r')) line.remove_suffix(1);
        start = end + 1;
        ++line_number;

        if (line.starts_with("```") || line.starts_with("~~~")) in_fence = !in_fence;
        if (in_fence) continue;
        auto marker = [&](std::string_view prefix) {
            return line.starts_with(prefix) && (line.size() == prefix.size() || line[prefix.size()] == ' ');
        };
        if (marker("<<<<<<<")) {
            opened = line_number;
            separated = false;
        } else if (opened != 0 && line == "=======") {
            separated = true;
        } else if (opened != 0 && separated && marker(">>>>>>>")) {
            findings.push_back(make_finding(
                document, "conflict-marker", opened, 1,
                fmt::format(fmt::runtime(tr("conflict markers from a merge, lines {} to {}: keep the right text and "
                                            "remove the <<<<<<<, ======= and >>>>>>> lines (dossier resolve does it "
                                            "for a merge that sync left)")),
                            opened, line_number)));
            opened = 0;
            separated = false;
        }
    }
}

}  // namespace dossier::rules
