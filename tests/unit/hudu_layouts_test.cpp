// Workspace types generated from Hudu's asset layouts: property names, JSON types and what a
// layout cannot describe exactly.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "importers/hudu_layouts.hpp"

namespace {

using dossier::importers::HuduFieldKind;
using dossier::importers::hudu_layouts;
using nlohmann::ordered_json;

ordered_json field(int id, const char* label, const char* field_type, int position) {
    return {{"id", id}, {"label", label}, {"field_type", field_type}, {"position", position}};
}

ordered_json layout(int id, const char* name, ordered_json fields) {
    return {{"id", id}, {"name", name}, {"fields", std::move(fields)}};
}

TEST_CASE("Hudu layout fields become typed properties") {
    auto date = field(3, "Renewal Date", "Date", 3);
    date["expiration"] = true;
    auto seats = field(2, "Seats", "Number", 2);
    seats["min"] = 0;
    const auto layouts = hudu_layouts({layout(
        21, "Licensing",
        {field(1, "Manufacturer", "Text", 1), seats, date, field(4, "License Key(s)", "Password", 4),
         field(5, "Associated Hardware", "AssetTag", 5), field(6, "Notes", "RichText", 6),
         field(7, "Managed", "CheckBox", 7), field(8, "Section", "Heading", 8)})});
    REQUIRE(layouts.size() == 1);
    const auto& type = layouts.front();
    CHECK(type.type_name == "hudu-licensing");
    CHECK(type.schema["x-dossier"]["folder"] == "licensing");
    CHECK(type.schema["x-dossier"]["key"] == "source");
    const auto& properties = type.schema["properties"];
    CHECK(properties["manufacturer"]["type"] == "string");
    CHECK(properties["seats"]["type"] == "number");
    CHECK(properties["seats"]["minimum"] == 0);
    CHECK(properties["renewal_date"]["format"] == "date");
    CHECK(properties["renewal_date"]["x-dossier"]["expiration"] == true);
    CHECK(properties["associated_hardware"]["type"] == "array");
    CHECK(properties["notes"]["type"] == "string");
    CHECK(properties["managed"]["type"] == "boolean");
    CHECK_FALSE(properties.contains("license_key_s"));  // a secret is no property
    CHECK_FALSE(properties.contains("section"));        // a heading has no value
    CHECK(type.has_secrets());
    CHECK(type.losses.empty());

    const auto* secret = type.field_labelled("license key(s)");
    REQUIRE(secret != nullptr);
    CHECK(secret->kind == HuduFieldKind::secret);
    CHECK(secret->property == "license_key_s");
}

TEST_CASE("Hudu layout properties avoid the shared fields") {
    const auto layouts = hudu_layouts({layout(
        3, "Network Device",
        {field(1, "Status", "Text", 1), field(2, "Title", "Text", 2), field(3, "Port", "Text", 3),
         field(4, "port", "Text", 4), field(5, "###", "Text", 5), field(6, "2nd IP", "Text", 6)})});
    REQUIRE(layouts.size() == 1);
    const auto& properties = layouts.front().schema["properties"];
    CHECK(properties.contains("hudu_status"));
    CHECK(properties.contains("hudu_title"));
    CHECK(properties.contains("port"));
    CHECK(properties.contains("port_2"));
    CHECK(properties.contains("field_5"));
    CHECK(properties.contains("column_2nd_ip"));
    CHECK_FALSE(properties.contains("status"));
}

TEST_CASE("Hudu layout skips destroyed fields") {
    auto destroyed = field(2, "Old", "Text", 2);
    destroyed["is_destroyed"] = true;
    const auto layouts = hudu_layouts({layout(3, "Printers", {field(1, "Model", "Text", 1), destroyed})});
    REQUIRE(layouts.size() == 1);
    CHECK(layouts.front().fields.size() == 1);
    CHECK_FALSE(layouts.front().schema["properties"].contains("old"));
    CHECK(layouts.front().field_labelled("Old") == nullptr);
}

TEST_CASE("Hudu layout reports unknown field types") {
    const auto layouts = hudu_layouts({layout(3, "Printers", {field(1, "Gauge", "Hologram", 1)})});
    REQUIRE(layouts.size() == 1);
    REQUIRE(layouts.front().losses.size() == 1);
    CHECK(layouts.front().losses.front().find("Hologram") != std::string::npos);
    CHECK_FALSE(layouts.front().schema["properties"]["gauge"].contains("type"));
}

TEST_CASE("Hudu layouts with one name get distinct types") {
    const auto layouts = hudu_layouts({layout(3, "Printers", ordered_json::array()),
                                       layout(4, "printers", ordered_json::array()),
                                       layout(5, "", ordered_json::array())});
    REQUIRE(layouts.size() == 2);  // a layout without a name is skipped
    CHECK(layouts[0].type_name == "hudu-printers");
    CHECK(layouts[1].type_name == "hudu-printers-4");
    CHECK(layouts[0].schema["x-dossier"]["folder"] != layouts[1].schema["x-dossier"]["folder"]);
}

}  // namespace
