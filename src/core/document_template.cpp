#include "dossier/document_template.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/front_matter.hpp"
#include "dossier/i18n.hpp"
#include "dossier/yaml_value.hpp"

namespace dossier {
namespace {

constexpr std::array<std::string_view, 6> placeholder_names = {"title", "owner", "today",
                                                               "owner_name", "client", "client_slug"};

std::string_view placeholder_value(std::string_view name, const TemplateValues& values) {
    if (name == "title") return values.title;
    if (name == "today") return values.today;
    if (name == "owner") return values.owner;
    if (name == "owner_name") return values.owner_name;
    if (name == "client") return values.client;
    return values.client_slug;
}

SourceLocation location_of(const TemplateSource& source, std::size_t offset) {
    SourceLocation location;
    location.path = source.origin;
    location.line = 1 + static_cast<int>(std::count(source.text.begin(), source.text.begin() + static_cast<long>(offset), '\n'));
    auto line_start = source.text.rfind('\n', offset == 0 ? 0 : offset - 1);
    line_start = line_start == std::string::npos || offset == 0 ? 0 : line_start + 1;
    location.column = 1 + count_code_points(std::string_view(source.text).substr(line_start), offset - line_start);
    auto line_end = source.text.find('\n', offset);
    location.line_text = source.text.substr(line_start, line_end == std::string::npos ? std::string::npos : line_end - line_start);
    return location;
}

// Checks that every {{name}} of the template is known, so that a typo fails loudly.
void check_placeholders(const TemplateSource& source) {
    for (auto open = source.text.find("{{"); open != std::string::npos; open = source.text.find("{{", open + 2)) {
        auto close = source.text.find("}}", open + 2);
        auto name = close == std::string::npos ? std::string_view() : std::string_view(source.text).substr(open + 2, close - open - 2);
        if (std::find(placeholder_names.begin(), placeholder_names.end(), name) == placeholder_names.end()) {
            auto shown = close == std::string::npos ? source.text.substr(open, 12) : source.text.substr(open, close + 2 - open);
            throw Error(ErrorKind::invalid_input, location_of(source, open),
                        fmt::format(fmt::runtime(tr("unknown placeholder in template {}: {}")), source.origin, shown),
                        tr("use {{title}}, {{today}}, {{owner}}, {{owner_name}}, {{client}} or {{client_slug}}"));
        }
    }
}

std::string substitute(std::string_view text, const TemplateValues& values) {
    std::string result;
    std::size_t position = 0;
    for (auto open = text.find("{{"); open != std::string_view::npos; open = text.find("{{", position)) {
        auto close = text.find("}}", open + 2);
        result.append(text.substr(position, open - position));
        result.append(placeholder_value(text.substr(open + 2, close - open - 2), values));
        position = close + 2;
    }
    result.append(text.substr(position));
    return result;
}

bool is_date_field(const DocumentType& type, std::string_view field) {
    const auto& properties = type.schema().value("properties", nlohmann::ordered_json::object());
    auto property = properties.find(std::string(field));
    if (property == properties.end() || !property->is_object()) return false;
    auto format = property->value("format", "");
    return format == "date" || format == "date-time";
}

}  // namespace

std::string yaml_for_field(const DocumentType* type, std::string_view field, std::string_view text) {
    if (type == nullptr || type->field_json_type(field) != "string") return std::string(text);
    // A value the user quoted ('title="Deux: points"') is already YAML for a string.
    bool quoted = text.size() >= 2 && (text.front() == '"' || text.front() == '\'') && text.back() == text.front();
    if (quoted) return std::string(text);
    auto plain_type = resolve_plain_scalar(text);
    bool date_like = plain_type == ScalarType::date || plain_type == ScalarType::timestamp;
    if (date_like && is_date_field(*type, field)) return std::string(text);
    return yaml_quote_string(text);
}

TitledTemplate::TitledTemplate(const TemplateSource& source, const TemplateValues& values, const DocumentType& type)
    : type_(type), values_(values), document_([&] {
          check_placeholders(source);
          return Document::parse(source.text, source.origin);
      }()) {
    const auto& text = document_.text();
    // Placeholders are replaced only in top-level values, and this check runs before any is
    // replaced, so that a title which contains "{{" is inserted as text.
    auto template_body_begin = text.size() - document_.body().size();
    std::size_t in_front_matter = 0;
    for (auto at = text.find("{{"); at < template_body_begin; at = text.find("{{", at + 2)) ++in_front_matter;
    std::size_t in_top_level_values = 0;
    for (const auto& [key, value] : document_.front_matter().entries()) {
        if (!value.is_scalar()) continue;
        for (auto at = value.text().find("{{"); at != std::string::npos; at = value.text().find("{{", at + 2)) {
            ++in_top_level_values;
        }
    }
    if (in_front_matter != in_top_level_values) {
        throw Error(ErrorKind::invalid_input, location_of(source, source.text.find("{{")),
                    fmt::format(fmt::runtime(tr("placeholder inside a nested front-matter value in template {}")),
                                source.origin),
                    tr("use placeholders only as whole top-level values, such as title: \"{{title}}\", or in the body"));
    }

    // The values without the title are set now, those with it for each document.
    std::vector<std::pair<std::string, std::string>> replacements;
    for (const auto& [key, value] : document_.front_matter().entries()) {
        if (!value.is_scalar() || value.text().find("{{") == std::string::npos) continue;
        if (value.text().find("{{title}}") != std::string::npos) {
            titled_.emplace_back(key, value.text());
            continue;
        }
        auto rendered = substitute(value.text(), values_);
        replacements.emplace_back(key, rendered.empty() ? std::string() : yaml_for_field(&type_, key, rendered));
    }
    document_.set_all(replacements);
    body_ = std::string(document_.body());
}

Document TitledTemplate::render(std::string_view title, std::vector<std::pair<std::string, std::string>> values,
                                std::string display_path) const {
    auto placeholder_values = values_;
    placeholder_values.title = std::string(title);
    for (const auto& [key, text] : titled_) {
        const bool given = std::any_of(values.begin(), values.end(), [&](const auto& value) { return value.first == key; });
        if (given) continue;
        auto rendered = substitute(text, placeholder_values);
        values.emplace_back(key, rendered.empty() ? std::string() : yaml_for_field(&type_, key, rendered));
    }
    Document document = document_;
    document.set_display_path(std::move(display_path));
    document.set_all(values);
    document.replace_body(substitute(body_, placeholder_values));
    return document;
}

std::string render_template(const TemplateSource& source, const TemplateValues& values, const DocumentType& type) {
    return TitledTemplate(source, values, type).render(values.title, {}, source.origin).text();
}

TemplateSource generated_template(const DocumentType& type) {
    std::string text = fmt::format("---\ntype: {}\ntitle: \"{{{{title}}}}\"\nowner: \"{{{{owner}}}}\"\n"
                                   "created: \"{{{{today}}}}\"\n",
                                   type.name());
    for (const auto& field : type.fields("en")) {
        bool written = field.name == "type" || field.name == "title";
        if (field.required && !written) text += field.name + ":\n";
    }
    text += "---\n# {{title}}\n";
    return {text, fmt::format("{} (generated from the schema)", type.name()), "en"};
}

}  // namespace dossier
