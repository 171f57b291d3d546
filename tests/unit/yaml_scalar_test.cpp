// Tests of plain-scalar typing (YAML 1.2 core schema plus dates), date checks and quoting.
#include <doctest/doctest.h>

#include <string>

#include "dossier/yaml_value.hpp"

using namespace dossier;

namespace {

const char* type_name(ScalarType type) {
    switch (type) {
        case ScalarType::null: return "null";
        case ScalarType::boolean: return "boolean";
        case ScalarType::integer: return "integer";
        case ScalarType::floating: return "floating";
        case ScalarType::string: return "string";
        case ScalarType::date: return "date";
        case ScalarType::timestamp: return "timestamp";
    }
    return "?";
}

struct TypingCase {
    const char* text;
    ScalarType type;
};

}  // namespace

TEST_CASE("plain scalars follow the YAML 1.2 core schema") {
    const TypingCase cases[] = {
        // YAML 1.1 booleans are strings in 1.2; "NO" is the country code of Norway.
        {"yes", ScalarType::string},
        {"no", ScalarType::string},
        {"on", ScalarType::string},
        {"off", ScalarType::string},
        {"NO", ScalarType::string},
        {"Yes", ScalarType::string},
        {"y", ScalarType::string},
        {"true", ScalarType::boolean},
        {"True", ScalarType::boolean},
        {"FALSE", ScalarType::boolean},
        {"tRUE", ScalarType::string},
        {"~", ScalarType::null},
        {"", ScalarType::null},
        {"null", ScalarType::null},
        {"NULL", ScalarType::null},
        {"nUll", ScalarType::string},
        {"017", ScalarType::integer},
        {"0x1F", ScalarType::integer},
        {"0o17", ScalarType::integer},
        {"-12", ScalarType::integer},
        {"+12", ScalarType::integer},
        {"0b101", ScalarType::string},
        {"1_000", ScalarType::string},
        {"10:00", ScalarType::string},
        {"1.10", ScalarType::floating},
        {"1.", ScalarType::floating},
        {".5", ScalarType::floating},
        {"1e3", ScalarType::floating},
        {"-1.5E-3", ScalarType::floating},
        {".inf", ScalarType::floating},
        {"-.Inf", ScalarType::floating},
        {".NaN", ScalarType::floating},
        {"inf", ScalarType::string},
        {"1.2.3", ScalarType::string},
        {"1,5", ScalarType::string},
        {"v1.10", ScalarType::string},
        {"+33 1 23 45 67 89", ScalarType::string},
        {"2024-02-29", ScalarType::date},
        {"2024-11-02T10:15:00+01:00", ScalarType::timestamp},
        {"2024-11-02 10:15:00 Z", ScalarType::timestamp},
        {"2017-04-05 16:08:01 -0800", ScalarType::timestamp},
        {"2024-11-02T10:15:00.25Z", ScalarType::timestamp},
        {"10.0.0.1", ScalarType::string},
        {"SRV-01", ScalarType::string},
    };
    for (const auto& item : cases) {
        CAPTURE(std::string(item.text));
        CHECK(type_name(resolve_plain_scalar(item.text)) == std::string(type_name(item.type)));
    }
}

TEST_CASE("scalar JSON keeps integers, floats and date text") {
    CHECK(Value::make_scalar(ScalarType::integer, "017", false, 1, 1).to_json() == 17);
    CHECK(Value::make_scalar(ScalarType::integer, "0x1F", false, 1, 1).to_json() == 31);
    CHECK(Value::make_scalar(ScalarType::integer, "0o17", false, 1, 1).to_json() == 15);
    CHECK(Value::make_scalar(ScalarType::integer, "-12", false, 1, 1).to_json() == -12);
    CHECK(Value::make_scalar(ScalarType::floating, "1.10", false, 1, 1).to_json() == 1.1);
    CHECK(Value::make_scalar(ScalarType::floating, "+1.5", false, 1, 1).to_json() == 1.5);
    CHECK(Value::make_scalar(ScalarType::floating, ".inf", false, 1, 1).to_json() == ".inf");
    CHECK(Value::make_scalar(ScalarType::boolean, "True", false, 1, 1).to_json() == true);
    CHECK(Value::make_scalar(ScalarType::boolean, "false", false, 1, 1).to_json() == false);
    CHECK(Value::make_scalar(ScalarType::null, "", false, 1, 1).to_json().is_null());
    CHECK(Value::make_scalar(ScalarType::date, "2024-02-29", false, 1, 1).to_json() == "2024-02-29");
    CHECK(Value::make_scalar(ScalarType::timestamp, "2024-11-02T10:15:00+01:00", false, 1, 1).to_json() ==
          "2024-11-02T10:15:00+01:00");
    CHECK(Value::make_scalar(ScalarType::integer, "99999999999999999999", false, 1, 1).to_json() ==
          "99999999999999999999");
}

TEST_CASE("is_calendar_date table") {
    CHECK(is_calendar_date("2024-02-29"));
    CHECK(is_calendar_date("2000-02-29"));
    CHECK(is_calendar_date("2026-12-31"));
    CHECK(is_calendar_date("2026-01-01"));
    CHECK_FALSE(is_calendar_date("2023-02-29"));
    CHECK_FALSE(is_calendar_date("1900-02-29"));
    CHECK_FALSE(is_calendar_date("2024-02-30"));
    CHECK_FALSE(is_calendar_date("2024-04-31"));
    CHECK_FALSE(is_calendar_date("2024-13-01"));
    CHECK_FALSE(is_calendar_date("2024-00-10"));
    CHECK_FALSE(is_calendar_date("2024-01-00"));
    CHECK_FALSE(is_calendar_date("2024-1-5"));
    CHECK_FALSE(is_calendar_date("24-01-05"));
    CHECK_FALSE(is_calendar_date("2024-01-05 "));
    CHECK_FALSE(is_calendar_date("2024/01/05"));
    CHECK_FALSE(is_calendar_date(""));
}

TEST_CASE("looks_like_invalid_date table") {
    CHECK(looks_like_invalid_date("2024-02-30"));
    CHECK(looks_like_invalid_date("2024-1-5"));
    CHECK(looks_like_invalid_date("2023-02-29"));
    CHECK(looks_like_invalid_date("2024-13-01"));
    CHECK(looks_like_invalid_date("2024-02-30T10:00:00Z"));
    CHECK_FALSE(looks_like_invalid_date("2024-02-29"));
    CHECK_FALSE(looks_like_invalid_date("2024-02-29T23:59:59+01:00"));
    CHECK_FALSE(looks_like_invalid_date("1-2-3"));
    CHECK_FALSE(looks_like_invalid_date("SRV-2024-1-5x"));
    CHECK_FALSE(looks_like_invalid_date("2024"));
}

TEST_CASE("yaml_quote_string keeps safe text plain") {
    CHECK(yaml_quote_string("Réinitialiser le VPN") == "Réinitialiser le VPN");
    CHECK(yaml_quote_string("jdupont") == "jdupont");
    CHECK(yaml_quote_string("a:b") == "a:b");
    CHECK(yaml_quote_string("C#") == "C#");
}

TEST_CASE("yaml_quote_string quotes text that plain would change") {
    const char* needs_quotes[] = {
        "",     "yes",   "true",      "null",       "~",      "1.10",       "017",   "0x1F",
        ".inf", "12",    "2024-11-02", "2024-1-5",  "- item", "key: value", "a #b",  "#tag",
        "&a",   "*a",    "!tag",      "|",          ">",      "%x",         "@user", "`cmd`",
        "'q'",  "\"q\"", " lead",     "trail ",     "---",    "...",        "a\nb",  "tab\there",
        "end:", "?",     "[a]",       "{a}",        ",",
        // Strings in the core schema that YAML 1.1 readers type as booleans or numbers.
        "NO",   "on",    "Off",       "y",          "1_000",  "10:00",      "0b101", "<<",
    };
    for (const char* text : needs_quotes) {
        CAPTURE(std::string(text));
        auto quoted = yaml_quote_string(text);
        CHECK(quoted.size() >= 2);
        CHECK(quoted.front() == '"');
        CHECK(quoted.back() == '"');
    }
}

TEST_CASE("yaml_quote_string escapes") {
    CHECK(yaml_quote_string("say: \"hi\"") == "\"say: \\\"hi\\\"\"");
    CHECK(yaml_quote_string("it's \"fine\"") == "it's \"fine\"");
    CHECK(yaml_quote_string("back\\slash: x") == "\"back\\\\slash: x\"");
    CHECK(yaml_quote_string("line\nbreak") == "\"line\\nbreak\"");
    CHECK(yaml_quote_string("cr\rhere") == "\"cr\\rhere\"");
    CHECK(yaml_quote_string("bell\x07") == "\"bell\\x07\"");
    CHECK(yaml_quote_string("ls\xE2\x80\xA8") == "\"ls\\L\"");
    CHECK(yaml_quote_string("ps\xE2\x80\xA9") == "\"ps\\P\"");
    CHECK(yaml_quote_string("nel\xC2\x85") == "\"nel\\u0085\"");
    CHECK(yaml_quote_string("c1\xC2\x9F") == "\"c1\\u009F\"");
    CHECK(yaml_quote_string("bom\xEF\xBB\xBF") == "\"bom\\uFEFF\"");
    CHECK(yaml_quote_string("non\xEF\xBF\xBF") == "\"non\\uFFFF\"");
    CHECK(yaml_quote_string("- caf\xC3\xA9 \xF0\x9F\x98\x80") == "\"- caf\xC3\xA9 \xF0\x9F\x98\x80\"");
}

TEST_CASE("yaml_quote_string output is one line") {
    const char* texts[] = {"a\nb", "a\r\nb", "\n", "x\xE2\x80\xA8y", "x\xC2\x85y"};
    for (const char* text : texts) {
        CAPTURE(std::string(text));
        auto quoted = yaml_quote_string(text);
        CHECK(quoted.find('\n') == std::string::npos);
        CHECK(quoted.find('\r') == std::string::npos);
    }
}
