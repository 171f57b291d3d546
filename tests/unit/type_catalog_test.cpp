// Tests of the type catalogue: built-in types, workspace types, templates and validation messages.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dossier/atomic_file.hpp"
#include "dossier/document.hpp"
#include "dossier/document_template.hpp"
#include "dossier/error.hpp"
#include "dossier/type_catalog.hpp"
#include "temporary_folder.hpp"

namespace {

using dossier::Document;
using dossier::DocumentType;
using dossier::TypeCatalog;

const std::vector<std::string> built_in_names = {
    "application", "asset", "backup", "certificate", "client", "contact", "contract", "credential", "domain",
    "incident",    "kb",    "licence", "network",   "note",   "procedure", "runbook", "site"};

std::vector<std::string> messages_for(const DocumentType& type, const std::string& text) {
    auto document = Document::parse(text, "test.md");
    std::vector<std::string> messages;
    for (const auto& violation : type.validate(document.front_matter())) messages.push_back(violation.message);
    return messages;
}

const DocumentType& built_in(const TypeCatalog& catalog, const std::string& name) {
    const auto* type = catalog.find(name);
    REQUIRE(type != nullptr);
    return *type;
}

void write(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    dossier::write_file_atomically(path, text);
}

}  // namespace

TEST_CASE("built-in catalogue has every MSP type") {
    auto catalog = TypeCatalog::built_in();
    CHECK(catalog.names() == built_in_names);
    CHECK(catalog.problems().empty());
}

TEST_CASE("built-in types have English and French templates") {
    auto catalog = TypeCatalog::built_in();
    for (const auto* type : catalog.types()) {
        for (std::string language : {"en", "fr"}) {
            INFO(type->name() << " in " << language);
            auto source = type->template_source(language);
            REQUIRE(source.has_value());
            CHECK(source->language == language);
            CHECK(source->text.find("{{title}}") != std::string::npos);
        }
    }
}

TEST_CASE("every template makes a valid document in both languages") {
    auto catalog = TypeCatalog::built_in();
    dossier::TemplateValues values{"Serveur de fichiers « Lyon » : 2e étage", "2026-12-04", "jdupont", "Jeanne Dupont",
                                   "Atelier Numérique", "atelier-numerique"};
    for (const auto* type : catalog.types()) {
        for (std::string language : {"en", "fr"}) {
            INFO(type->name() << " in " << language);
            auto source = type->template_source(language);
            REQUIRE(source.has_value());
            auto document = Document::parse(dossier::render_template(*source, values, *type), "new.md");
            CHECK(document.body().find(values.client) != std::string_view::npos);
            if (type->name() == "note") {
                CHECK_FALSE(document.has_front_matter());
                continue;
            }
            CHECK(document.field("title") == values.title);
            CHECK(document.type() == type->name());
            for (const auto& field : type->fields(language)) {
                const auto* value = document.front_matter().find(field.name);
                bool empty = value == nullptr || (value->is_scalar() && value->scalar_type() == dossier::ScalarType::null);
                if (field.required && empty) {
                    REQUIRE_MESSAGE(!field.example.empty(), field.name << " is required but has no example");
                    document.set(field.name, dossier::yaml_for_field(type, field.name, field.example));
                }
            }
            auto violations = type->validate(document.front_matter());
            for (const auto& violation : violations) FAIL_CHECK(violation.message);
        }
    }
}

TEST_CASE("every field of a built-in type is described in both languages") {
    auto catalog = TypeCatalog::built_in();
    for (const auto* type : catalog.types()) {
        CHECK_FALSE(type->title("fr").empty());
        CHECK(type->title("fr") != "");
        for (const auto& field : type->fields("fr")) {
            INFO(type->name() << "." << field.name);
            CHECK_FALSE(field.title.empty());
            CHECK_FALSE(field.description.empty());
            CHECK_FALSE(field.example.empty());
        }
    }
}

TEST_CASE("expiration fields are marked") {
    auto catalog = TypeCatalog::built_in();
    auto asset = built_in(catalog, "asset").expiration_fields();
    CHECK(std::find(asset.begin(), asset.end(), "warranty_expires") != asset.end());
    for (std::string name : {"domain", "certificate", "licence", "contract"}) {
        auto fields = built_in(catalog, name).expiration_fields();
        INFO(name);
        CHECK(std::find(fields.begin(), fields.end(), "expires") != fields.end());
    }
}

TEST_CASE("schema messages name the field, the rule and the value") {
    auto catalog = TypeCatalog::built_in();
    const auto& asset = built_in(catalog, "asset");
    std::string header = "---\ntype: asset\ntitle: Serveur\nasset_type: server\n";

    CHECK(messages_for(asset, header + "ip_address: 10.0.0.300\n---\n") ==
          std::vector<std::string>{"ip_address: \"10.0.0.300\" is not a valid IPv4 address"});
    CHECK(messages_for(asset, header + "os_version: 1.10\n---\n") ==
          std::vector<std::string>{
              "os_version: 1.10 is read as a number, but the field holds text: write it in quotes, as \"1.10\""});
    CHECK(messages_for(asset, "---\ntype: asset\ntitle: Serveur\n---\n") ==
          std::vector<std::string>{"asset_type: required field is missing"});
    auto enum_messages = messages_for(asset, "---\ntype: asset\ntitle: Serveur\nasset_type: castle\n---\n");
    REQUIRE(enum_messages.size() == 1);
    CHECK(enum_messages[0].starts_with("asset_type: \"castle\" is not one of the allowed values: server, workstation"));
    CHECK(messages_for(asset, header + "mac_address: 00:1a:2b\nreviewed: 2026-11-02\n---\n") ==
          std::vector<std::string>{"mac_address: \"00:1a:2b\" is not a valid MAC address, such as 00:1a:2b:3c:4d:5e"});
    CHECK(messages_for(asset, header + "tags: vpn\n---\n") ==
          std::vector<std::string>{"tags: \"vpn\" is text, but the schema expects a list"});
    CHECK(messages_for(asset, header + "hostname: [a, b]\n---\n") ==
          std::vector<std::string>{"hostname: the value is a list, but the schema expects text"});
    CHECK(messages_for(asset, header + "status: finished\n---\n").at(0).starts_with("status: \"finished\" is not one"));
    CHECK(messages_for(asset, header + "review_every: six months\n---\n") ==
          std::vector<std::string>{"review_every: \"six months\" is not a valid period: write 90 days, 6 months or 1 year"});
}

TEST_CASE("violations point at the value's line and column") {
    auto catalog = TypeCatalog::built_in();
    const auto& asset = built_in(catalog, "asset");
    auto document =
        Document::parse("---\ntype: asset\ntitle: Serveur\nasset_type: server\nip_address:   10.0.0.300\n---\n", "a.md");
    auto violations = asset.validate(document.front_matter());
    REQUIRE(violations.size() == 1);
    CHECK(violations[0].field == "ip_address");
    CHECK(violations[0].line == 5);
    CHECK(violations[0].column == 15);
}

TEST_CASE("a key without a value counts as absent") {
    auto catalog = TypeCatalog::built_in();
    const auto& asset = built_in(catalog, "asset");
    CHECK(messages_for(asset, "---\ntype: asset\ntitle: S\nasset_type: server\nhostname:\nip_address:\n---\n").empty());
    CHECK(messages_for(asset, "---\ntype: asset\ntitle: S\nasset_type:\n---\n") ==
          std::vector<std::string>{"asset_type: required field is missing"});
}

TEST_CASE("items of a list are checked against their format") {
    auto catalog = TypeCatalog::built_in();
    const auto& domain = built_in(catalog, "domain");
    auto fields = domain.fields("en");
    auto nameservers = std::find_if(fields.begin(), fields.end(), [](const auto& f) { return f.name == "nameservers"; });
    REQUIRE(nameservers != fields.end());
    auto messages = messages_for(domain, "---\ntype: domain\ntitle: d\ndomain_name: example.fr\nexpires: 2027-01-01\n"
                                         "registrar: Gandi\nnameservers: [ns1.example.fr, not_a_host]\n---\n");
    REQUIRE(messages.size() == 1);
    CHECK(messages[0] == "nameservers[1]: \"not_a_host\" is not a valid host name");
}

TEST_CASE("values for string fields are quoted when YAML would retype them") {
    auto catalog = TypeCatalog::built_in();
    const auto* asset = catalog.find("asset");
    CHECK(dossier::yaml_for_field(asset, "os_version", "1.10") == "\"1.10\"");
    CHECK(dossier::yaml_for_field(asset, "hostname", "srv-01") == "srv-01");
    CHECK(dossier::yaml_for_field(asset, "warranty_expires", "2027-03-31") == "2027-03-31");
    CHECK(dossier::yaml_for_field(asset, "title", "2027-03-31") == "\"2027-03-31\"");
    CHECK(dossier::yaml_for_field(asset, "tags", "[vpn, lyon]") == "[vpn, lyon]");
    CHECK(dossier::yaml_for_field(nullptr, "version", "1.10") == "1.10");
}

TEST_CASE("unknown placeholder in a template is located") {
    auto catalog = TypeCatalog::built_in();
    dossier::TemplateSource source{"---\ntype: kb\ntitle: \"{{title}}\"\n---\n# {{titel}}\n", "types/kb.en.md", "en"};
    try {
        dossier::render_template(source, {"T", "2026-12-04", "", "", "C", "c"}, *catalog.find("kb"));
        FAIL("an unknown placeholder must throw");
    } catch (const dossier::Error& error) {
        REQUIRE(error.location().has_value());
        CHECK(error.location()->line == 5);
        CHECK(error.location()->column == 3);
        CHECK(std::string(error.what()).find("{{titel}}") != std::string::npos);
    }
}

TEST_CASE("workspace types add and override built-in types") {
    dossier::test::TemporaryFolder folder("dossier-types");
    auto types = folder.path() / "types";
    write(types / "README.md", "# Types\n");
    write(types / "printer-lease.schema.json", R"({
      "type": "object",
      "title": "Printer lease",
      "x-dossier": {"folder": "leases", "fr": {"title": "Location d'imprimante"}},
      "required": ["lessor"],
      "properties": {"lessor": {"type": "string", "title": "Lessor"}, "ends": {"type": "string", "format": "date",
                     "x-dossier": {"expiration": true}}}
    })");
    write(types / "printer-lease.fr.md", "---\ntype: printer-lease\ntitle: \"{{title}}\"\nlessor:\n---\n# {{title}}\n");
    write(types / "asset.schema.json", R"({"type": "object", "required": ["serial_number"],
      "properties": {"serial_number": {"type": "string"}}})");
    write(types / "runbook.en.md", "---\ntype: runbook\ntitle: \"{{title}}\"\n---\n# {{title}}\n\nOur own runbook.\n");

    auto catalog = TypeCatalog::load(types);
    CHECK(catalog.problems().empty());

    const auto* lease = catalog.find("printer-lease");
    REQUIRE(lease != nullptr);
    CHECK(lease->origin() == dossier::TypeOrigin::workspace);
    CHECK(lease->folder() == "leases");
    CHECK(lease->title("fr") == "Location d'imprimante");
    CHECK(lease->title("en") == "Printer lease");
    CHECK(lease->expiration_fields() == std::vector<std::string>{"ends", "expires"});
    CHECK(lease->template_source("en")->language == "fr");  // the only template there is
    CHECK(messages_for(*lease, "---\ntype: printer-lease\ntitle: x\n---\n") ==
          std::vector<std::string>{"lessor: required field is missing"});

    const auto* asset = catalog.find("asset");
    REQUIRE(asset != nullptr);
    CHECK(asset->origin() == dossier::TypeOrigin::overridden);
    CHECK(messages_for(*asset, "---\ntype: asset\ntitle: x\n---\n") ==
          std::vector<std::string>{"serial_number: required field is missing"});
    CHECK(asset->template_source("fr")->origin == "templates/fr/asset.md (built-in)");

    const auto* runbook = catalog.find("runbook");
    REQUIRE(runbook != nullptr);
    CHECK(runbook->origin() == dossier::TypeOrigin::built_in);
    CHECK(runbook->template_source("en")->text.find("Our own runbook.") != std::string::npos);
    CHECK(runbook->template_source("fr")->origin == "templates/fr/runbook.md (built-in)");
}

TEST_CASE("unusable type files are reported with their path and reason") {
    dossier::test::TemporaryFolder folder("dossier-types");
    auto types = folder.path() / "types";
    write(types / "broken.schema.json", "{\"type\": \"object\",\n  \"properties\": {,}}\n");
    write(types / "contact.schema.json", R"({"type": "array"})");
    write(types / "odd.schema.json", R"({"type": "object", "properties": {"x": {"type": "strnig"}}})");
    write(types / "escape.schema.json", R"({"type": "object", "x-dossier": {"folder": "../outside"}})");
    write(types / "ghost.en.md", "# {{title}}\n");
    write(types / "notes.txt", "stray file\n");
    write(types / "Bad_Name.schema.json", R"({"type": "object"})");
    write(types / "badregex.schema.json", R"({"type": "object", "properties": {"a": {"type": "string", "pattern": "([a-z"}}})");

    auto catalog = TypeCatalog::load(types);
    auto reason_for = [&](const std::string& file_name) {
        for (const auto& problem : catalog.problems()) {
            if (problem.path.filename() == file_name) return problem.reason;
        }
        return std::string("(no problem reported)");
    };
    CHECK(reason_for("broken.schema.json").find("line 2") != std::string::npos);
    CHECK(reason_for("contact.schema.json") == "the schema's root must say \"type\": \"object\"");
    CHECK(reason_for("odd.schema.json").starts_with("not a schema that valijson accepts"));
    CHECK(reason_for("escape.schema.json").find("inside the client repository") != std::string::npos);
    CHECK(reason_for("ghost.en.md").starts_with("template of an unknown type: ghost"));
    CHECK(reason_for("notes.txt").starts_with("not a type file"));
    CHECK(reason_for("Bad_Name.schema.json").starts_with("invalid type name"));
    CHECK(reason_for("badregex.schema.json").starts_with("not a schema that valijson accepts: invalid pattern ([a-z"));

    // A broken override never falls back to the built-in schema silently.
    CHECK(catalog.find("contact") == nullptr);
    REQUIRE(catalog.problem_for("contact") != nullptr);
    CHECK(catalog.find("asset") != nullptr);
}

TEST_CASE("generated template lists the required fields") {
    dossier::test::TemporaryFolder folder("dossier-types");
    auto types = folder.path() / "types";
    write(types / "rack.schema.json", R"({"type": "object", "required": ["room", "units"],
      "properties": {"room": {"type": "string"}, "units": {"type": "integer"}}})");
    auto catalog = TypeCatalog::load(types);
    const auto* rack = catalog.find("rack");
    REQUIRE(rack != nullptr);
    CHECK_FALSE(rack->template_source("en").has_value());
    auto text = dossier::render_template(dossier::generated_template(*rack), {"Baie A", "2026-12-04", "jd", "", "C", "c"},
                                         *rack);
    CHECK(text == "---\ntype: rack\ntitle: Baie A\nowner: jd\ncreated: 2026-12-04\nroom:\nunits:\n---\n# Baie A\n");
}

TEST_CASE("long value is checked against a pattern without crashing") {
    auto catalog = TypeCatalog::built_in();
    const auto& network = built_in(catalog, "network");
    std::string value(60000, '1');
    auto messages = messages_for(network, "---\ntype: network\ntitle: n\ndhcp_range: \"" + value + "\"\n---\n");
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].starts_with("dhcp_range: the value has 60000 bytes, too long to check against the pattern"));
}

TEST_CASE("patterns are checked and long values shortened in messages") {
    auto catalog = TypeCatalog::built_in();
    const auto& network = built_in(catalog, "network");
    auto messages = messages_for(network, "---\ntype: network\ntitle: n\nvlan_id: \"0\"\n---\n");
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].starts_with("vlan_id: \"0\" does not match the pattern ^"));

    std::string long_text(300, 'x');
    auto asset_messages = messages_for(built_in(catalog, "asset"),
                                       "---\ntype: asset\ntitle: a\nasset_type: server\nhostname: " + long_text + "\n---\n");
    REQUIRE(asset_messages.size() == 1);
    CHECK(asset_messages[0] == "hostname: \"" + std::string(120, 'x') + "…\" is not a valid host name");
}
