// Tests of finding the front-matter block and reading it as a YAML mapping.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>

#include "dossier/error.hpp"
#include "dossier/front_matter.hpp"

using namespace dossier;
using namespace std::string_literals;

namespace {

template <typename Action>
std::optional<Error> error_from(Action&& action) {
    try {
        action();
    } catch (const Error& error) {
        return error;
    }
    return std::nullopt;
}

// Splits and parses `text` the way Document::parse does, without decoding.
Value read_front_matter(std::string_view text, const ParseLimits& limits = {}) {
    auto split = split_front_matter(text, "doc.md");
    REQUIRE(split.block);
    return parse_front_matter(text, *split.block, "doc.md", limits);
}

std::optional<Error> read_error(std::string_view text, const ParseLimits& limits = {}) {
    return error_from([&] { read_front_matter(text, limits); });
}

std::string body_of(std::string_view text) {
    auto split = split_front_matter(text, "doc.md");
    return std::string(text.substr(split.body_begin));
}

}  // namespace

TEST_CASE("front matter at byte 0 is found") {
    std::string text = "---\ntitle: VPN\n---\n# Body\n";
    auto split = split_front_matter(text, "doc.md");
    CHECK(split.format == FrontMatterFormat::yaml);
    REQUIRE(split.block);
    CHECK(split.block->yaml_begin == 4);
    CHECK(split.block->yaml_end == 15);
    CHECK(split.block->end == 19);
    CHECK(split.block->yaml_first_line == 2);
    CHECK(split.block->closing_line == 3);
    CHECK(split.body_begin == 19);
    CHECK(split.body_first_line == 4);
}

TEST_CASE("front matter not at byte 0 is body") {
    const char* texts[] = {
        "\n---\ntitle: x\n---\n",
        " ---\ntitle: x\n---\n",
        "# Title\n---\ntitle: x\n---\n",
        "<!-- comment -->\n---\ntitle: x\n---\n",
        "----\ntitle: x\n----\n",
        "--- title: x\n---\n",
    };
    for (const char* text : texts) {
        CAPTURE(std::string(text));
        auto split = split_front_matter(text, "doc.md");
        CHECK(split.format == FrontMatterFormat::none);
        CHECK_FALSE(split.block);
        CHECK(split.body_begin == 0);
        CHECK(split.body_first_line == 1);
    }
}

TEST_CASE("dots line closes front matter") {
    std::string text = "---\ntitle: x\n...\nbody\n";
    auto split = split_front_matter(text, "doc.md");
    REQUIRE(split.block);
    CHECK(split.block->closing_line == 3);
    CHECK(body_of(text) == "body\n");
}

TEST_CASE("only a whole dashes line closes front matter") {
    std::string text = "---\ntitle: x\n--- not a delimiter\nb: ---\n---   \nbody\n";
    auto split = split_front_matter(text, "doc.md");
    REQUIRE(split.block);
    CHECK(split.block->closing_line == 5);
    CHECK(split.body_first_line == 6);
}

TEST_CASE("dashes in an indented block scalar stay in the value") {
    std::string text = "---\nnote: |\n  before\n  ---\n  after\nowner: x\n---\nbody\n";
    auto value = read_front_matter(text);
    REQUIRE(value.find("note"));
    CHECK(value.find("note")->text() == "before\n---\nafter\n");
    REQUIRE(value.find("owner"));
    CHECK(value.find("owner")->text() == "x");
}

TEST_CASE("dashes in an indented quoted scalar stay in the value") {
    std::string text = "---\nnote: \"before\n  ---\n  after\"\n---\nbody\n";
    auto value = read_front_matter(text);
    REQUIRE(value.find("note"));
    CHECK(value.find("note")->text() == "before --- after");
}

TEST_CASE("dashes at column 0 inside a quoted scalar close the block") {
    // The closing rule looks at lines, not at YAML: the quoted scalar is then unterminated.
    std::string text = "---\nnote: \"before\n---\nafter\"\n---\n";
    auto error = read_error(text);
    REQUIRE(error);
    REQUIRE(error->location());
    CHECK(error->location()->line >= 2);
}

TEST_CASE("fenced code and PEM key in body stay body") {
    std::string text =
        "---\ntitle: x\n---\n"
        "```yaml\n---\nkey: value\n---\n```\n"
        "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n";
    auto value = read_front_matter(text);
    CHECK(value.entries().size() == 1);
    auto split = split_front_matter(text, "doc.md");
    CHECK(split.body_first_line == 4);
    CHECK(body_of(text).starts_with("```yaml\n---\n"));
}

TEST_CASE("file starting with a horizontal rule has no front matter") {
    SUBCASE("a lone dashes line with no line ending") {
        auto split = split_front_matter("---", "doc.md");
        CHECK(split.format == FrontMatterFormat::none);
    }
    SUBCASE("a setext heading underline later in the body") {
        std::string text = "Heading\n---\n\nText\n\n***\n";
        auto split = split_front_matter(text, "doc.md");
        CHECK(split.format == FrontMatterFormat::none);
        CHECK(split.body_first_line == 1);
    }
    SUBCASE("a setext heading and rule after front matter") {
        std::string text = "---\ntitle: x\n---\nHeading\n---\nText\n\n---\n";
        auto split = split_front_matter(text, "doc.md");
        REQUIRE(split.block);
        CHECK(split.block->closing_line == 3);
        CHECK(body_of(text) == "Heading\n---\nText\n\n---\n");
    }
}

TEST_CASE("empty front matter is an empty mapping") {
    auto value = read_front_matter("---\n---\nbody\n");
    CHECK(value.is_mapping());
    CHECK(value.entries().empty());
    CHECK(split_front_matter("---\n---\nbody\n", "doc.md").body_first_line == 3);
}

TEST_CASE("comment-only front matter is an empty mapping") {
    auto value = read_front_matter("---\n# Do not remove front matter.\n\n  # indented\n---\n");
    CHECK(value.is_mapping());
    CHECK(value.entries().empty());
}

TEST_CASE("unterminated front matter fails at line 1") {
    const char* texts[] = {"---\ntitle: x\nbody\n", "---\n", "---\r\ntitle: x\r\n", "---\ntitle: x\n-- \n"};
    for (const char* text : texts) {
        CAPTURE(std::string(text));
        auto error = error_from([&] { split_front_matter(text, "open.md"); });
        REQUIRE(error);
        CHECK(error->kind() == ErrorKind::invalid_input);
        REQUIRE(error->location());
        CHECK(error->location()->path == "open.md");
        CHECK(error->location()->line == 1);
        CHECK(error->location()->column == 1);
        CHECK(error->location()->line_text == "---");
    }
}

TEST_CASE("scalar or list root is an error") {
    const char* texts[] = {"---\njust a sentence\n---\n", "---\n- a\n- b\n---\n", "---\n42\n---\n",
                           "---\n[a, b]\n---\n"};
    for (const char* text : texts) {
        CAPTURE(std::string(text));
        auto error = read_error(text);
        REQUIRE(error);
        CHECK(error->kind() == ErrorKind::invalid_input);
        REQUIRE(error->location());
        CHECK(error->location()->line == 2);
    }
}

TEST_CASE("TOML front matter is toml without YAML") {
    std::string text = "+++\ntitle = \"x\"\n+++\nbody\n";
    auto split = split_front_matter(text, "doc.md");
    CHECK(split.format == FrontMatterFormat::toml);
    CHECK_FALSE(split.block);
}

TEST_CASE("body first line counts every line ending") {
    struct Case {
        const char* text;
        int body_first_line;
    };
    const Case cases[] = {
        {"---\na: 1\nb: 2\n---\nbody", 5},
        {"---\r\na: 1\r\nb: 2\r\n---\r\nbody", 5},
        {"---\ra: 1\rb: 2\r---\rbody", 5},
        {"---\na: 1\r\nb: 2\r---\nbody", 5},
        {"---\n---\n", 3},
        {"---\na: 1\n---", 4},
        {"no front matter\n", 1},
    };
    for (const auto& item : cases) {
        CAPTURE(std::string(item.text));
        CHECK(split_front_matter(item.text, "doc.md").body_first_line == item.body_first_line);
    }
}

TEST_CASE("lone CR front matter reads like LF") {
    auto lf = read_front_matter("---\ntitle: x\ntags:\n  - a\n  - b\nnote: |\n  one\n  two\n---\n");
    auto cr = read_front_matter("---\rtitle: x\rtags:\r  - a\r  - b\rnote: |\r  one\r  two\r---\r");
    auto crlf = read_front_matter("---\r\ntitle: x\r\ntags:\r\n  - a\r\n  - b\r\nnote: |\r\n  one\r\n  two\r\n---\r\n");
    CHECK(cr.to_json() == lf.to_json());
    CHECK(crlf.to_json() == lf.to_json());
    CHECK(lf.find("note")->text() == "one\ntwo\n");
    CHECK(cr.key_position(2) == lf.key_position(2));
}

TEST_CASE("key positions are file lines") {
    auto value = read_front_matter("---\n# comment\ntitle: x\n\n  \nowner: y\n---\n");
    REQUIRE(value.entries().size() == 2);
    CHECK(value.key_position(0) == std::pair{3, 1});
    CHECK(value.key_position(1) == std::pair{6, 1});
    CHECK(value.find("owner")->line() == 6);
    CHECK(value.find("owner")->column() == 8);
}

TEST_CASE("typing in front matter") {
    auto value = read_front_matter(
        "---\n"
        "a: yes\nb: no\nc: on\nd: off\ncountry: NO\n"
        "version: 1.10\nzip: 017\nhex: 0x1F\nthousand: 1_000\ntime: 10:00\ninf: .inf\n"
        "tilde: ~\nempty:\nquoted_number: \"12\"\nsingle: 'true'\nstr_tag: !!str 5\n"
        "literal: |\n  5\n"
        "date: 2024-02-29\nstamp: 2024-11-02T10:15:00+01:00\n"
        "---\n");
    auto type_of = [&](const char* key) {
        const Value* found = value.find(key);
        REQUIRE(found);
        return found->scalar_type();
    };
    CHECK(type_of("a") == ScalarType::string);
    CHECK(type_of("b") == ScalarType::string);
    CHECK(type_of("c") == ScalarType::string);
    CHECK(type_of("d") == ScalarType::string);
    CHECK(type_of("country") == ScalarType::string);
    CHECK(type_of("version") == ScalarType::floating);
    CHECK(type_of("zip") == ScalarType::integer);
    CHECK(type_of("hex") == ScalarType::integer);
    CHECK(type_of("thousand") == ScalarType::string);
    CHECK(type_of("time") == ScalarType::string);
    CHECK(type_of("inf") == ScalarType::floating);
    CHECK(type_of("tilde") == ScalarType::null);
    CHECK(type_of("empty") == ScalarType::null);
    CHECK(type_of("quoted_number") == ScalarType::string);
    CHECK(type_of("single") == ScalarType::string);
    CHECK(type_of("str_tag") == ScalarType::string);
    CHECK(type_of("literal") == ScalarType::string);
    CHECK(type_of("date") == ScalarType::date);
    CHECK(type_of("stamp") == ScalarType::timestamp);

    CHECK(value.find("version")->text() == "1.10");
    CHECK(value.find("zip")->text() == "017");
    CHECK(value.find("stamp")->text() == "2024-11-02T10:15:00+01:00");
    CHECK(value.find("country")->to_json() == "NO");
    CHECK(value.find("a")->to_json() == "yes");
    CHECK(value.find("quoted_number")->to_json() == "12");
    CHECK(value.find("str_tag")->to_json() == "5");
    CHECK(value.find("zip")->to_json() == 17);
    CHECK(value.find("tilde")->to_json().is_null());
    CHECK(value.find("empty")->to_json().is_null());
}

TEST_CASE("invalid plain dates are located errors") {
    struct Case {
        const char* text;
        int line;
        int column;
    };
    const Case cases[] = {
        {"---\ntitle: x\nreviewed: 2024-02-30\n---\n", 3, 11},
        {"---\ntitle: x\nreviewed: 2024-1-5\n---\n", 3, 11},
        {"---\nlist:\n  - 2023-02-29\n---\n", 3, 5},
        {"---\nstamp: 2024-02-30T10:00:00Z\n---\n", 2, 8},
    };
    for (const auto& item : cases) {
        CAPTURE(std::string(item.text));
        auto error = read_error(item.text);
        REQUIRE(error);
        CHECK(error->kind() == ErrorKind::invalid_input);
        REQUIRE(error->location());
        CHECK(error->location()->path == "doc.md");
        CHECK(error->location()->line == item.line);
        CHECK(error->location()->column == item.column);
    }
}

TEST_CASE("quoted invalid dates are strings") {
    auto value = read_front_matter("---\na: \"2024-02-30\"\nb: '2024-1-5'\nc: !!str 2024-02-30\n---\n");
    CHECK(value.find("a")->scalar_type() == ScalarType::string);
    CHECK(value.find("b")->scalar_type() == ScalarType::string);
    CHECK(value.find("c")->scalar_type() == ScalarType::string);
}

TEST_CASE("double-quoted escapes read as UTF-8") {
    auto value = read_front_matter(
        "---\nnel: \"a\\Nb\"\nnbsp: \"a\\_b\"\nlatin: \"caf\\xE9\"\nls: \"\\L\"\nemoji: \"\\U0001F600\"\n"
        "\"key\\_nbsp\": x\n---\n");
    CHECK(value.find("nel")->text() == "a\xC2\x85" "b");
    CHECK(value.find("nbsp")->text() == "a\xC2\xA0" "b");
    CHECK(value.find("latin")->text() == "caf\xC3\xA9");
    CHECK(value.find("ls")->text() == "\xE2\x80\xA8");
    CHECK(value.find("emoji")->text() == "\xF0\x9F\x98\x80");
    CHECK(value.find("key\xC2\xA0nbsp"));
    CHECK_NOTHROW((void)value.to_json().dump());
}

TEST_CASE("escaped surrogate is a located error") {
    auto error = read_error("---\ntitle: x\nemoji: \"\\uD83D\\uDE00\"\n---\n");
    REQUIRE(error);
    REQUIRE(error->location());
    CHECK(error->location()->line == 3);
}

TEST_CASE("unclosed quote before the closing line is an error") {
    const char* texts[] = {"---\ntitle: \"Oops\n---\nbody\n", "---\ntitle: 'Oops\nowner: x\n---\n",
                           "---\r\ntitle: \"Oops\r\n---\r\n"};
    for (const char* text : texts) {
        CAPTURE(std::string(text));
        auto error = read_error(text);
        REQUIRE(error);
        CHECK(error->kind() == ErrorKind::invalid_input);
        REQUIRE(error->location());
        CHECK(error->location()->path == "doc.md");
        CHECK(error->location()->line >= 2);
    }
}

TEST_CASE("closed quotes followed by line breaks read") {
    auto value = read_front_matter("---\ntitle: \"it's\"\nnote: 'say \"hi\"'\n\n\n---\n");
    CHECK(value.find("title")->text() == "it's");
    CHECK(value.find("note")->text() == "say \"hi\"");
}

TEST_CASE("date-time keeps its offset text") {
    auto value = read_front_matter("---\na: 2024-11-02T23:30:00-05:00\nb: 2017-04-05 16:08:01 -0800\n---\n");
    CHECK(value.find("a")->text() == "2024-11-02T23:30:00-05:00");
    CHECK(value.find("a")->to_json() == "2024-11-02T23:30:00-05:00");
    CHECK(value.find("b")->text() == "2017-04-05 16:08:01 -0800");
}

TEST_CASE("duplicate key names both lines") {
    auto error = read_error("---\ntitle: a\nowner: x\n\nsection: one\ntitle: b\n---\n");
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
    REQUIRE(error->location());
    CHECK(error->location()->line == 6);
    CHECK(error->location()->column == 1);
    std::string message = error->what();
    CHECK(message.find("title") != std::string::npos);
    CHECK(message.find("2") != std::string::npos);
    CHECK(message.find("6") != std::string::npos);
}

TEST_CASE("duplicate key in a nested mapping names both lines") {
    auto error = read_error("---\nhost:\n  name: a\n  ip: 10.0.0.1\n  name: b\n---\n");
    REQUIRE(error);
    REQUIRE(error->location());
    CHECK(error->location()->line == 5);
    CHECK(error->location()->column == 3);
    std::string message = error->what();
    CHECK(message.find("3") != std::string::npos);
    CHECK(message.find("5") != std::string::npos);
}

TEST_CASE("duplicate key quoted and plain collide") {
    auto error = read_error("---\ntitle: a\n\"title\": b\n---\n");
    REQUIRE(error);
    REQUIRE(error->location());
    CHECK(error->location()->line == 3);
}

TEST_CASE("tab indentation is a located error") {
    const char* texts[] = {
        "---\nhost:\n\tname: a\n---\n",
        "---\ntags:\n  - a\n\t- b\n---\n",
        "---\nnote: |\n\ttext\n---\n",
        "---\nhost:\n  name: a\n  \tip: b\n---\n",
    };
    for (const char* text : texts) {
        CAPTURE(std::string(text));
        auto error = read_error(text);
        REQUIRE(error);
        CHECK(error->kind() == ErrorKind::invalid_input);
        REQUIRE(error->location());
        CHECK(error->location()->line >= 3);
        CHECK(error->location()->line <= 4);
        CHECK(error->location()->line_text.find('\t') != std::string::npos);
    }
}

TEST_CASE("tab after a value indicator is allowed") {
    auto value = read_front_matter("---\ntitle:\tx\nnote: a\tb\n---\n");
    CHECK(value.find("title")->text() == "x");
    CHECK(value.find("note")->text() == "a\tb");
}

TEST_CASE("YAML syntax error is located at its line") {
    auto error = read_error("---\ntitle: x\naliases:\n  - %\n---\n");
    REQUIRE(error);
    REQUIRE(error->location());
    CHECK(error->location()->path == "doc.md");
    CHECK(error->location()->line == 4);
    CHECK(error->location()->column > 0);
    CHECK(error->location()->line_text == "  - %");
}

TEST_CASE("deep flow nesting is rejected") {
    std::string text = "---\ntitle: x\nkey: " + std::string(10'000, '[') + std::string(10'000, ']') + "\n---\n";
    auto error = read_error(text);
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
    REQUIRE(error->location());
    CHECK(error->location()->line == 3);
}

TEST_CASE("deep flow nesting after an apostrophe is rejected") {
    std::string nested;
    for (int i = 0; i < 5'000; ++i) nested += "{a: ";
    std::string text = "---\ntitle: it's mine\nkey: " + nested + "\n---\n";
    auto error = read_error(text);
    REQUIRE(error);
    REQUIRE(error->location());
}

TEST_CASE("deep block nesting is rejected") {
    SUBCASE("nested sequences on one line") {
        std::string text = "---\nkey:\n";
        for (int i = 0; i < 3'000; ++i) text += "- ";
        text += "x\n---\n";
        auto error = read_error(text);
        REQUIRE(error);
        REQUIRE(error->location());
    }
    SUBCASE("nested mappings by indentation") {
        std::string text = "---\n";
        for (int i = 0; i < 200; ++i) text += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
        text += "---\n";
        auto error = read_error(text);
        REQUIRE(error);
        REQUIRE(error->location());
        CHECK(error->location()->line > 2);
    }
    SUBCASE("moderate nesting within the limit reads") {
        std::string text = "---\n";
        for (int i = 0; i < 30; ++i) text += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
        text += "---\n";
        CHECK_NOTHROW(read_front_matter(text));
    }
}

TEST_CASE("alias bomb is rejected") {
    std::string text =
        "---\n"
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
        "---\n";
    auto error = read_error(text);
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
    REQUIRE(error->location());
    CHECK(error->location()->line >= 2);
}

TEST_CASE("alias to its own anchor is rejected") {
    auto error = read_error("---\nloop: &a [*a]\n---\n");
    REQUIRE(error);
    REQUIRE(error->location());
}

TEST_CASE("small aliases read") {
    auto value = read_front_matter("---\ntitle: &t 'Welcome'\nog_title: *t\n---\n");
    CHECK(value.find("og_title")->text() == "Welcome");
}

TEST_CASE("front matter over 1 MiB is rejected") {
    std::string text = "---\ntitle: x\n";
    while (text.size() < 1024 * 1024 + 100) text += "note_" + std::to_string(text.size()) + ": some words here\n";
    text += "---\nbody\n";
    auto error = read_error(text);
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
    REQUIRE(error->location());
    CHECK(error->location()->line == 2);
}

TEST_CASE("huge scalar is rejected") {
    std::string text = "---\nnote: " + std::string(2 * 1024 * 1024, 'x') + "\n---\n";
    auto error = read_error(text);
    REQUIRE(error);
    REQUIRE(error->location());
}

TEST_CASE("very long line reads") {
    std::string long_value(200'000, 'y');
    auto value = read_front_matter("---\ntitle: " + long_value + "\nowner: x\n---\n");
    CHECK(value.find("title")->text() == long_value);
    CHECK(value.find("owner")->line() == 3);
}

TEST_CASE("non-scalar key is an error") {
    auto error = read_error("---\n? [a, b]\n: value\n---\n");
    REQUIRE(error);
    REQUIRE(error->location());
    CHECK(error->location()->line == 2);
}

TEST_CASE("parse_yaml_mapping reads a whole YAML file") {
    std::string file = "# settings\nname: Acme MSP\nlanguage: fr\n";
    auto value = parse_yaml_mapping(file, 1, file, "dossier.yaml");
    CHECK(value.find("name")->text() == "Acme MSP");
    CHECK(value.key_position(1) == std::pair{3, 1});

    auto error = error_from([] {
        std::string broken = "name: a\nname: b\n";
        parse_yaml_mapping(broken, 1, broken, "dossier.yaml");
    });
    REQUIRE(error);
    REQUIRE(error->location());
    CHECK(error->location()->path == "dossier.yaml");
    CHECK(error->location()->line == 2);
}

TEST_CASE("line_at returns lines without endings") {
    std::string text = "one\r\ntwo\rthree\nfour";
    CHECK(line_at(text, 1) == "one");
    CHECK(line_at(text, 2) == "two");
    CHECK(line_at(text, 3) == "three");
    CHECK(line_at(text, 4) == "four");
    CHECK(line_at(text, 5) == "");
    CHECK(line_at(text, 0) == "");
}

TEST_CASE("error column counts code points") {
    auto error = read_error("---\ntitre: \"Société\" x\n---\n");
    REQUIRE(error);
    REQUIRE(error->location());
    CHECK(error->location()->line == 2);
    CHECK(error->location()->column == 18);
}
