// Documents made from a type's template, and YAML for values given on the command line.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dossier/document.hpp"

#include "dossier/type_catalog.hpp"

namespace dossier {

// The values of a template's placeholders ({{title}}, {{today}}…).
struct TemplateValues {
    std::string title;
    std::string today;  // YYYY-MM-DD
    std::string owner;  // a technician id; may be empty
    std::string owner_name;
    std::string client;  // the client's name
    std::string client_slug;
};

// Returns the text of a new document made from `source`. Top-level front-matter values that
// contain placeholders are rewritten through Document::set: plain when YAML reads the result
// as the type the schema expects, quoted otherwise. The body gets the values as they are. Throws Error(invalid_input) located in the template for an unknown placeholder, a
// placeholder inside a nested front-matter value, or a template whose front matter is invalid.
std::string render_template(const TemplateSource& source, const TemplateValues& values, const DocumentType& type);

// A type's template made ready once for many documents that differ only in their title, as an
// import makes them. Parsing the template and replacing the other placeholders happens once.
class TitledTemplate {
public:
    // `values.title` is not used. Throws as render_template does.
    TitledTemplate(const TemplateSource& source, const TemplateValues& values, const DocumentType& type);

    // Returns the document that render_template gives for `title`, with `values` (each a
    // top-level key and one line of YAML, as for Document::set_all) set in the same edit. A
    // key of `values` wins over the template's value for it. Throws as Document::set_all does.
    Document render(std::string_view title, std::vector<std::pair<std::string, std::string>> values,
                    std::string display_path) const;

    // The template's front matter, with the values that hold {{title}} as the template has them.
    const Value& front_matter() const noexcept { return document_.front_matter(); }

private:
    const DocumentType& type_;
    TemplateValues values_;
    Document document_;  // every placeholder replaced but in the values that hold {{title}}
    std::vector<std::pair<std::string, std::string>> titled_;  // those keys, with their template text
    std::string body_;  // the body, with its placeholders
};

// Returns a template for a type that has none: type, title, owner, created, every required
// field without a value, and a heading.
TemplateSource generated_template(const DocumentType& type);

// Returns one line of YAML for `text` given as the value of `field`. When the schema types the
// field as a string, the result is text, plain or quoted (a date stays plain for a date field,
// and a value already in quotes is kept). Otherwise, or when `type` is null, it is `text` as
// written, which YAML types as it reads it.
std::string yaml_for_field(const DocumentType* type, std::string_view field, std::string_view text);

}  // namespace dossier
