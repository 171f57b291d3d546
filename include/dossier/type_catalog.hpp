// The catalogue of document types: built-in schemas and templates, and a workspace's types/.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace dossier {

class Value;

// The source of a type's schema.
enum class TypeOrigin { built_in, workspace, overridden };

// One field of a type, described in one language.
struct FieldDescription {
    std::string name;
    std::string json_type;  // "string", "integer", "array"…; several joined with " | "; empty when any
    std::string format;     // "date", "ipv4"…; empty when none
    bool required = false;
    bool expiration = false;
    std::vector<std::string> allowed_values;  // from enum or const
    std::string title;
    std::string description;
    std::string example;  // the first of `examples`, as JSON text for non-strings
};

// A template's text and the file it came from, for error messages.
struct TemplateSource {
    std::string text;
    std::string origin;  // "templates/fr/runbook.md (built-in)" or the workspace file's path
    std::string language;
};

// A violation of a type's schema by one document's front matter.
struct SchemaViolation {
    std::string field;    // "ip_address", "tags[2]"; empty for the whole front matter
    std::string message;  // in the current language, starting with the field
    int line = 0;         // where the value (or for a missing field, the front matter) starts
    int column = 0;
};

// A schema or template of types/ that could not be used.
struct TypeProblem {
    std::filesystem::path path;
    std::string reason;
};

class DocumentType {
public:
    // Compiles `effective_schema` with valijson. Throws std::exception (valijson's runtime_error)
    // when valijson cannot use it.
    DocumentType(std::string name, nlohmann::ordered_json effective_schema, TypeOrigin origin);
    ~DocumentType();
    DocumentType(DocumentType&&) noexcept;
    DocumentType& operator=(DocumentType&&) noexcept;

    const std::string& name() const noexcept { return name_; }
    TypeOrigin origin() const noexcept { return origin_; }

    // Returns the type's title and description in `language` ("fr", "en"), falling back to English.
    std::string title(std::string_view language) const;
    std::string description(std::string_view language) const;

    // Returns the folder of a client repository where new documents of the type go ("" for the root).
    std::string folder() const;

    // Returns the field that identifies a document in imports, or "" when the type names none.
    std::string natural_key() const;

    // Returns the effective schema: the type's schema with the shared fields merged in.
    const nlohmann::ordered_json& schema() const noexcept { return schema_; }

    // Returns the top-level fields in schema order, described in `language`.
    std::vector<FieldDescription> fields(std::string_view language) const;

    // Returns the JSON type the schema gives a top-level field ("string", "integer"…), or "" when
    // the field is unknown or allows several types.
    std::string field_json_type(std::string_view field) const;

    // Returns the names of the fields that expire (x-dossier expiration).
    std::vector<std::string> expiration_fields() const;

    // Returns the template in `language`, falling back to English then French, or nullopt.
    std::optional<TemplateSource> template_source(std::string_view language) const;
    void set_template(TemplateSource source);

    // Validates `front_matter` (a mapping) against the schema. A top-level key without a value
    // counts as absent. Messages are in the current language. Thread-safe.
    std::vector<SchemaViolation> validate(const Value& front_matter) const;

private:
    struct Compiled;
    std::string name_;
    nlohmann::ordered_json schema_;
    TypeOrigin origin_;
    std::vector<TemplateSource> templates_;
    std::unique_ptr<Compiled> compiled_;
};

class TypeCatalog {
public:
    // Returns the built-in types only.
    static TypeCatalog built_in();

    // Returns the built-in types with the workspace's `types_dir` applied over them. A missing
    // folder is the same as an empty one. Unusable files are listed in problems(), never thrown.
    static TypeCatalog load(const std::filesystem::path& types_dir);

    // Returns the type named `name`, or nullptr.
    const DocumentType* find(std::string_view name) const;

    // Returns every usable type, sorted by name.
    std::vector<const DocumentType*> types() const;
    std::vector<std::string> names() const;

    const std::vector<TypeProblem>& problems() const noexcept { return problems_; }

    // Returns the problem of a type whose workspace schema is unusable, or nullptr.
    const TypeProblem* problem_for(std::string_view name) const;

private:
    void add_workspace_schema(const std::filesystem::path& path, const std::string& name,
                              const nlohmann::ordered_json& common);
    void add_workspace_template(const std::filesystem::path& path);

    std::vector<DocumentType> types_;
    std::vector<TypeProblem> problems_;
    std::vector<std::string> broken_names_;
};

// Returns true when `text` is valid for the schema format `format`. Unknown formats are valid.
bool matches_format(std::string_view format, std::string_view text);

}  // namespace dossier
