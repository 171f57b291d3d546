// Unit tests of the value conversions of tabular imports (F15: French numbers and dates,
// leading zeros, spreadsheet booleans and lists).
#include <doctest/doctest.h>

#include "importers/field_values.hpp"

namespace {

using dossier::DateOrder;
using dossier::importers::ambiguous_comma;
using dossier::importers::convert_value;
using dossier::importers::FieldShape;
using dossier::importers::parse_boolean;
using dossier::importers::parse_date;
using dossier::importers::parse_number;
using dossier::importers::yaml_line;
using nlohmann::ordered_json;

const FieldShape text_field{"string", "", {}};
const FieldShape date_field{"string", "date", {}};
const FieldShape integer_field{"integer", "", {}};
const FieldShape number_field{"number", "", {}};
const FieldShape boolean_field{"boolean", "", {}};
const FieldShape list_field{"array", "", {}};
const FieldShape enum_field{"string", "", {"server", "access-point", "virtual-machine"}};

TEST_CASE("dates read in the given order") {
    CHECK(parse_date("03/12/2024", DateOrder::day_month_year) == "2024-12-03");
    CHECK(parse_date("03/12/2024", DateOrder::month_day_year) == "2024-03-12");
    CHECK(parse_date("3.1.2024", DateOrder::day_month_year) == "2024-01-03");
    CHECK(parse_date("2024/12/03", DateOrder::day_month_year) == "2024-12-03");
    CHECK(parse_date("2024-12-03T10:15:00Z", DateOrder::day_month_year) == "2024-12-03");
    CHECK(parse_date("2024-12-03 00:00:00 UTC", DateOrder::day_month_year) == "2024-12-03");
    CHECK(parse_date("03/12/2024 14:30", DateOrder::day_month_year) == "2024-12-03");
}

TEST_CASE("invalid dates are not converted") {
    CHECK_FALSE(parse_date("31/02/2024", DateOrder::day_month_year));
    CHECK_FALSE(parse_date("13/13/2024", DateOrder::month_day_year));
    CHECK_FALSE(parse_date("03/12/24", DateOrder::day_month_year));
    CHECK_FALSE(parse_date("03/12-2024", DateOrder::day_month_year));
    CHECK_FALSE(parse_date("2024", DateOrder::day_month_year));
    CHECK_FALSE(parse_date("next week", DateOrder::day_month_year));
    CHECK_FALSE(parse_date("03/12/2024", DateOrder::year_month_day));
}

TEST_CASE("French and English numbers") {
    CHECK(parse_number("1 234,56") == doctest::Approx(1234.56));
    CHECK(parse_number("1\xC2\xA0" "234,56") == doctest::Approx(1234.56));
    CHECK(parse_number("1\xE2\x80\xAF" "234") == doctest::Approx(1234));
    CHECK(parse_number("1,234.56") == doctest::Approx(1234.56));
    CHECK(parse_number("1.234,56") == doctest::Approx(1234.56));
    CHECK(parse_number("1,234,567") == doctest::Approx(1234567));
    CHECK(parse_number("-12") == doctest::Approx(-12));
    CHECK(parse_number("+7") == doctest::Approx(7));
    CHECK(parse_number("1.5e3") == doctest::Approx(1500));
    CHECK_FALSE(parse_number("12 €"));
    CHECK_FALSE(parse_number("1,2,3.4.5"));
    CHECK_FALSE(parse_number("abc"));
    CHECK_FALSE(parse_number(""));
}

TEST_CASE("a comma before three digits is noted") {
    CHECK(ambiguous_comma("1,234"));
    CHECK(ambiguous_comma(" 12,500 "));
    CHECK_FALSE(ambiguous_comma("1,23"));
    CHECK_FALSE(ambiguous_comma("1,2345"));
    CHECK_FALSE(ambiguous_comma("1,234.5"));
    CHECK_FALSE(ambiguous_comma("1,234,567"));
    CHECK_FALSE(ambiguous_comma(",234"));
    CHECK_FALSE(ambiguous_comma("1 234"));
    auto converted = convert_value("1,234", number_field, DateOrder::day_month_year);
    CHECK(converted.value.get<double>() == doctest::Approx(1.234));
    CHECK(std::string(converted.how).find("decimal comma") != std::string::npos);
    CHECK(std::string(convert_value("1,23", number_field, DateOrder::day_month_year).how) == "read as a number");
}

TEST_CASE("spreadsheet booleans") {
    for (const char* yes : {"true", "Yes", "OUI", "vrai", "1", "x", "Y"}) CHECK(parse_boolean(yes) == true);
    for (const char* no : {"false", "No", "non", "FAUX", "0", "n"}) CHECK(parse_boolean(no) == false);
    CHECK_FALSE(parse_boolean("maybe"));
}

TEST_CASE("text keeps leading zeros, loses edge spaces") {
    auto postal = convert_value("01234", text_field, DateOrder::day_month_year);
    CHECK(postal.value == "01234");
    CHECK(std::string(postal.how).empty());
    auto phone = convert_value(" 0612345678\xC2\xA0", text_field, DateOrder::day_month_year);
    CHECK(phone.value == "0612345678");
    CHECK(std::string(phone.how) == "trimmed");
    auto blank = convert_value("   ", text_field, DateOrder::day_month_year);
    CHECK(blank.value.is_null());
    CHECK(convert_value("", text_field, DateOrder::day_month_year).value.is_null());
}

TEST_CASE("schema type decides the conversion") {
    CHECK(convert_value("03/12/2024", date_field, DateOrder::day_month_year).value == "2024-12-03");
    CHECK(convert_value("2024-12-03", date_field, DateOrder::day_month_year).how == std::string());
    CHECK(convert_value(" 20 ", integer_field, DateOrder::day_month_year).value == 20);
    CHECK(convert_value("1 234", integer_field, DateOrder::day_month_year).value == 1234);
    CHECK(convert_value("12,5", integer_field, DateOrder::day_month_year).value == "12,5");  // the schema rejects it
    CHECK(convert_value("12,5", number_field, DateOrder::day_month_year).value == 12.5);
    CHECK(convert_value("Oui", boolean_field, DateOrder::day_month_year).value == true);
    CHECK(convert_value("core; dc ;", list_field, DateOrder::day_month_year).value == ordered_json({"core", "dc"}));
    CHECK(convert_value("a, b", list_field, DateOrder::day_month_year).value == ordered_json({"a", "b"}));
    CHECK(convert_value(R"(["x, y", "z"])", list_field, DateOrder::day_month_year).value == ordered_json({"x, y", "z"}));
    CHECK(convert_value("Access Point", enum_field, DateOrder::day_month_year).value == "access-point");
    CHECK(convert_value("Virtual_Machine", enum_field, DateOrder::day_month_year).value == "virtual-machine");
    CHECK(convert_value("toaster", enum_field, DateOrder::day_month_year).value == "toaster");
}

TEST_CASE("JSON values converted where the schema asks") {
    CHECK(convert_value(ordered_json(10), integer_field, DateOrder::day_month_year).value == 10);
    CHECK(convert_value(ordered_json(10), text_field, DateOrder::day_month_year).value == "10");
    CHECK(convert_value(ordered_json("x"), list_field, DateOrder::day_month_year).value == ordered_json({"x"}));
    CHECK(convert_value(ordered_json::array({" a "}), list_field, DateOrder::day_month_year).value ==
          ordered_json({"a"}));
}

TEST_CASE("YAML lines read back as written") {
    CHECK(yaml_line(ordered_json(), false) == "");
    CHECK(yaml_line("2024-12-03", true) == "2024-12-03");
    CHECK(yaml_line("2024-12-03", false) == "\"2024-12-03\"");
    CHECK(yaml_line("01234", false) == "\"01234\"");
    CHECK(yaml_line("NO", false) == "\"NO\"");
    CHECK(yaml_line("plain text", false) == "plain text");
    CHECK(yaml_line("two\nlines", false) == "\"two\\nlines\"");
    CHECK(yaml_line(ordered_json({"a", "b, c", "[x]"}), false) == R"([a, "b, c", "[x]"])");
    CHECK(yaml_line(ordered_json(true), false) == "true");
    CHECK(yaml_line(ordered_json(12.5), false) == "12.5");
    CHECK(yaml_line(ordered_json({{"name", "DSM"}}), false) == R"({"name": DSM})");
}

}  // namespace
