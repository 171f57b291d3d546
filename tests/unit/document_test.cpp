// Tests of Document: reading any encoding like its UTF-8 twin, lossless edits, and fuzzing.
#include <doctest/doctest.h>

#include <cstdint>
#include <exception>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/document.hpp"
#include "dossier/error.hpp"

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

// Returns the lines of `text` without their endings; LF, CRLF and lone CR end a line.
std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t offset = 0;
    while (offset < text.size()) {
        auto end = text.find_first_of("\r\n", offset);
        if (end == std::string_view::npos) {
            lines.emplace_back(text.substr(offset));
            break;
        }
        lines.emplace_back(text.substr(offset, end - offset));
        offset = end + (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? 2 : 1);
    }
    return lines;
}

std::string with_line_endings(std::string_view text, std::string_view ending) {
    std::string out;
    for (char c : text) {
        if (c == '\n') {
            out += ending;
        } else {
            out += c;
        }
    }
    return out;
}

// Encodes UTF-8 `text` as UTF-16 with a BOM, independently of encode_text.
std::string to_utf16(std::string_view text, bool little_endian) {
    std::string out = little_endian ? "\xFF\xFE" : "\xFE\xFF";
    auto put = [&](std::uint32_t unit) {
        char high = static_cast<char>(unit >> 8);
        char low = static_cast<char>(unit & 0xFF);
        out += little_endian ? low : high;
        out += little_endian ? high : low;
    };
    for (std::size_t i = 0; i < text.size();) {
        auto lead = static_cast<unsigned char>(text[i]);
        int length = 4;
        if (lead < 0x80) {
            length = 1;
        } else if (lead < 0xE0) {
            length = 2;
        } else if (lead < 0xF0) {
            length = 3;
        }
        std::uint32_t code_point = length == 1 ? lead : lead & (0x7F >> length);
        for (int k = 1; k < length; ++k) code_point = code_point << 6 | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        i += static_cast<std::size_t>(length);
        if (code_point >= 0x10000) {
            code_point -= 0x10000;
            put(0xD800 + (code_point >> 10));
            put(0xDC00 + (code_point & 0x3FF));
        } else {
            put(code_point);
        }
    }
    return out;
}

std::string normalise_endings(std::string_view text) {
    std::string out;
    for (const auto& line : lines_of(text)) out += line + "\n";
    return out;
}

const std::string clean_document =
    "---\n"
    "type: runbook\n"
    "title: Réinitialiser le VPN du siège\n"
    "owner: jdupont\n"
    "status: approved              # draft | review | approved | archived\n"
    "reviewed: 2026-11-02          # last review, a calendar date\n"
    "review_every: 6 months\n"
    "tags: [vpn, fortigate]\n"
    "related:\n"
    "  - assets/fw01\n"
    "  - credentials/fw01-admin\n"
    "note: |\n"
    "  first line\n"
    "  second line\n"
    "---\n"
    "# Réinitialiser le VPN du siège\n"
    "\n"
    "Setext heading\n"
    "--------------\n"
    "Text 😀.\n";

void check_reads_like_clean(std::string_view bytes) {
    auto clean = Document::parse(clean_document, "clean.md");
    auto variant = Document::parse(bytes, "variant.md");
    CHECK(variant.has_front_matter());
    CHECK(variant.front_matter().to_json() == clean.front_matter().to_json());
    CHECK(normalise_endings(variant.body()) == normalise_endings(clean.body()));
    CHECK(variant.body_first_line() == clean.body_first_line());
    CHECK(variant.type() == "runbook");
    CHECK(variant.to_bytes() == bytes);
}

// Strings that plain YAML would read differently or that break naive writers.
const std::vector<std::string> nasty_strings = {
    "",
    " ",
    "plain words",
    "key: value",
    "ends with colon:",
    "a:b",
    "# not a comment",
    "text # and a comment",
    "C#",
    "- leading dash",
    "-",
    "--",
    "---",
    "--- x",
    "...",
    "& anchor",
    "&anchor",
    "*alias",
    "!tag",
    "!!str",
    "| literal",
    "> folded",
    "%YAML 1.2",
    "@user",
    "`backtick`",
    "'single'",
    "\"double\"",
    "it's",
    "say \"hi\"",
    "back\\slash",
    "C:\\Users\\admin",
    "\\n is not a newline",
    "line\nbreak",
    "trailing newline\n",
    "\n",
    "windows\r\nline",
    "tab\tinside",
    "\tleading tab",
    "trailing tab\t",
    "yes",
    "no",
    "on",
    "off",
    "NO",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "12",
    "017",
    "0x1F",
    "0o17",
    "1.10",
    "1e3",
    ".inf",
    "-.inf",
    ".nan",
    "1_000",
    "10:00",
    "+33 1 23 45 67 89",
    "2024-11-02",
    "2024-02-30",
    "2024-1-5",
    "2024-11-02T10:15:00+01:00",
    " leading space",
    "trailing space ",
    "  ",
    "Société Générale",
    "Œuvre ß 中文 😀",
    "line\xE2\x80\xA8separator",
    "paragraph\xE2\x80\xA9separator",
    "next\xC2\x85line",
    "bom\xEF\xBB\xBFinside",
    "\xEF\xBB\xBF" "at start",
    "nbsp\xC2\xA0inside",
    "c1\xC2\x80" "control",
    "del\x7F",
    "bell\x07",
    "nul\0inside"s,
    "[flow, list]",
    "{flow: map}",
    "a, b",
    "?",
    "? question",
    ": colon first",
    "<<",
    "=",
    "{{ template }}",
    "<%= erb %>",
    "https://example.com/a?b=c&d=e#frag",
    "user@example.com",
    "10.0.0.1",
    "'",
    "\"",
    "\\",
    "\"\\",
};

// Sets `title` to `text` through yaml_quote_string and returns what a fresh read gives back.
std::string write_and_read_back(const std::string& text) {
    auto document = Document::parse("---\ntype: note\ntitle: old\nowner: x\n---\nbody\n", "doc.md");
    document.set("title", yaml_quote_string(text));
    auto reread = Document::parse(document.to_bytes(), "doc.md");
    const Value* title = reread.front_matter().find("title");
    REQUIRE(title);
    CHECK(title->scalar_type() == ScalarType::string);
    CHECK(reread.field("owner") == "x");
    CHECK(reread.front_matter().entries().size() == 3);
    return title->text();
}

// Returns a random string from pieces that are hard to write into YAML.
std::string random_nasty_string(std::mt19937& random) {
    static const std::vector<std::string> pieces = {
        "a", "Z", "0", "1", ".", "-", "--", "---", "+", "_", ":", ": ", " :", "#", " #", "# ", "&", "*", "!", "|",
        ">", "%", "@", "`", "'", "\"", "\\", "\\n", "\n", "\r", "\r\n", "\t", " ", "  ", ",", "[", "]", "{", "}",
        "?", "? ", "- ", "yes", "no", "null", "~", "true", "1.10", "0x1F", "2024-02-30", "2024-11-02", "10:00",
        "é", "中", "😀", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xC2\x85", "\xC2\xA0", "\xEF\xBB\xBF", "\x7F", "\x01",
        "\x1B", "\xC2\x80", "\xC2\x9F", "\xEF\xBF\xBE", "...", "<<", "=", "%YAML",
    };
    std::uniform_int_distribution<std::size_t> count(0, 8);
    std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
    std::string text;
    for (std::size_t n = count(random); n > 0; --n) text += pieces[pick(random)];
    return text;
}

// A few real-looking documents that the fuzz loop mutates.
const std::vector<std::string> fuzz_seeds = {
    clean_document,
    "\xEF\xBB\xBF---\r\ntitle: \"Quoted: title\"\r\ndate: 2017-04-05 16:08:01 -0800\r\n---\r\nbody\r\n",
    "---\ntitle: &t 'Welcome'\nhead:\n  meta:\n  - property: 'og:title'\n    content: *t\n---\n# Body\n",
    "---\n# Do not remove front matter.\n---\n\n## Methods\n",
    "+++\ntitle = \"x\"\n+++\nbody\n",
    "No front matter.\n\n```yaml\n---\nkey: value\n---\n```\n",
    "---\nexternal help file: a.xml\nModule Name: DnsServer\nms.date: 02/10/2026\n"
    "schema: 2.0.0\naliases:\n  - foreach\ntitle: ForEach-Object\n---\n# ForEach-Object\n",
};

// Returns `seed` with a few random byte flips, cuts and insertions of YAML-significant text.
std::string mutate(const std::string& seed, std::mt19937& random) {
    static const std::vector<std::string> insertions = {
        "---", "---\n", "...\n", "\"", "'", ":", ": ", "\t", "\0"s, "\n", "\r", "\r\n", "#", "[", "{", "]", "}",
        "&a ", "*a", "!!str ", "|\n", ">-\n", "- ", "? ", "%", "@", "\xEF\xBB\xBF", "\xFF\xFE", "\xE9", "\xC3",
        "2024-02-30", "\\", "\\_", "\\N", "\"\\x",
    };
    std::string text = seed;
    std::uniform_int_distribution<int> operations(1, 4);
    std::uniform_int_distribution<int> kind(0, 3);
    for (int n = operations(random); n > 0; --n) {
        std::uniform_int_distribution<std::size_t> position(0, text.size());
        std::size_t at = position(random);
        switch (kind(random)) {
            case 0:
                if (at < text.size()) text[at] = static_cast<char>(text[at] ^ (1 << (random() % 8)));
                break;
            case 1: text.resize(at); break;
            case 2: {
                std::uniform_int_distribution<std::size_t> pick(0, insertions.size() - 1);
                text.insert(at, insertions[pick(random)]);
                break;
            }
            default:
                if (at < text.size()) text.erase(at, 1 + random() % 8);
                break;
        }
    }
    return text;
}

// Crash inputs found by the fuzz loop, kept as regression cases.
const std::vector<std::string> fuzz_regressions = {
    "---\ntitle: \"\\N\"\n---\n",
    "---\ntitle: \"\\_\"\n---\n",
};

// Parses `bytes` and exercises the result; dossier::Error is the only allowed failure.
// Returns true when the document read.
bool exercise(const std::string& bytes) {
    try {
        auto document = Document::parse(bytes, "fuzz.md");
        CHECK(document.to_bytes() == bytes);
        (void)document.front_matter().to_json().dump();
        if (document.front_matter_format() != FrontMatterFormat::toml) {
            document.set("title", "\"fuzzed\"");
            (void)Document::parse(document.to_bytes(), "fuzz.md");
        }
        return true;
    } catch (const Error& error) {
        if (error.location()) CHECK(error.location()->path == "fuzz.md");
        return false;
    }
}

}  // namespace

TEST_CASE("document reads like its clean twin") {
    SUBCASE("UTF-8 BOM") { check_reads_like_clean("\xEF\xBB\xBF" + clean_document); }
    SUBCASE("UTF-16LE with BOM") { check_reads_like_clean(to_utf16(clean_document, true)); }
    SUBCASE("UTF-16BE with BOM") { check_reads_like_clean(to_utf16(clean_document, false)); }
    SUBCASE("UTF-16LE with BOM and CRLF") { check_reads_like_clean(to_utf16(with_line_endings(clean_document, "\r\n"), true)); }
    SUBCASE("CRLF") { check_reads_like_clean(with_line_endings(clean_document, "\r\n")); }
    SUBCASE("lone CR") { check_reads_like_clean(with_line_endings(clean_document, "\r")); }
    SUBCASE("mixed endings") {
        std::string mixed;
        int line = 0;
        const char* endings[] = {"\n", "\r\n", "\r"};
        for (char c : clean_document) {
            if (c == '\n') {
                mixed += endings[line++ % 3];
            } else {
                mixed += c;
            }
        }
        check_reads_like_clean(mixed);
    }
    SUBCASE("no final newline") { check_reads_like_clean(clean_document.substr(0, clean_document.size() - 1)); }
    SUBCASE("BOM, CRLF and no final newline") {
        auto crlf = with_line_endings(clean_document, "\r\n");
        check_reads_like_clean("\xEF\xBB\xBF" + crlf.substr(0, crlf.size() - 2));
    }
}

TEST_CASE("NUL byte in a document fails with path and line") {
    auto error = error_from([] { Document::parse("---\ntitle: x\n---\nbody\n\0\n"s, "acme/runbooks/a.md"); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
    REQUIRE(error->location());
    CHECK(error->location()->path == "acme/runbooks/a.md");
    CHECK(error->location()->line == 5);
}

TEST_CASE("Windows-1252 document fails with path and line") {
    auto error = error_from([] { Document::parse("---\ntitle: Soci\xE9t\xE9\n---\n", "acme/client.md"); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
    REQUIRE(error->location());
    CHECK(error->location()->path == "acme/client.md");
    CHECK(error->location()->line == 2);
    CHECK(std::string(error->what()).find("acme/client.md") != std::string::npos);
}

TEST_CASE("front matter behind a BOM is found") {
    auto document = Document::parse("\xEF\xBB\xBF---\ntitle: x\n---\n", "a.md");
    CHECK(document.has_front_matter());
    CHECK(document.field("title") == "x");
}

TEST_CASE("unchanged document writes identical bytes") {
    const std::vector<std::string> samples = {
        clean_document,
        "\xEF\xBB\xBF" + with_line_endings(clean_document, "\r\n"),
        to_utf16(clean_document, true),
        to_utf16(with_line_endings(clean_document, "\r\n"), false),
        "no front matter and no newline",
        "",
        "+++\ntitle = \"x\"\n+++\n",
    };
    for (const auto& bytes : samples) {
        CAPTURE(bytes);
        CHECK(Document::parse(bytes, "a.md").to_bytes() == bytes);
    }
}

TEST_CASE("document without front matter is a note") {
    auto document = Document::parse("# Title\n\nText\n", "a.md");
    CHECK_FALSE(document.has_front_matter());
    CHECK(document.type() == "note");
    CHECK(document.body() == "# Title\n\nText\n");
    CHECK(document.body_first_line() == 1);
    CHECK(document.front_matter().entries().empty());
}

TEST_CASE("TOML document reads as toml") {
    auto document = Document::parse("+++\ntitle = \"x\"\n+++\nbody\n", "a.md");
    CHECK(document.front_matter_format() == FrontMatterFormat::toml);
    CHECK_FALSE(document.has_front_matter());
    CHECK(document.front_matter().entries().empty());
    auto error = error_from([&] { document.set("title", "y"); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
}

TEST_CASE("set changes only the key's line") {
    struct Case {
        const char* key;
        const char* value;
        int line;
        const char* expected_line;
    };
    const Case cases[] = {
        {"owner", "mmartin", 4, "owner: mmartin"},
        {"status", "review", 5, "status: review              # draft | review | approved | archived"},
        {"reviewed", "2027-01-15", 6, "reviewed: 2027-01-15          # last review, a calendar date"},
        {"tags", "[vpn]", 8, "tags: [vpn]"},
        {"title", "\"Nouveau: titre\"", 3, "title: \"Nouveau: titre\""},
        {"owner", "", 4, "owner:"},
    };
    for (const auto& item : cases) {
        CAPTURE(std::string(item.key));
        CAPTURE(std::string(item.value));
        auto document = Document::parse(clean_document, "a.md");
        document.set(item.key, item.value);
        auto before = lines_of(clean_document);
        auto after = lines_of(document.text());
        REQUIRE(after.size() == before.size());
        for (std::size_t i = 0; i < before.size(); ++i) {
            CAPTURE(i + 1);
            if (static_cast<int>(i) + 1 == item.line) {
                CHECK(after[i] == item.expected_line);
            } else {
                CHECK(after[i] == before[i]);
            }
        }
    }
}

TEST_CASE("edit keeps number and date spelling") {
    std::string text =
        "---\nversion: 1.10\nzip: 017\nhex: 0x1F\nreviewed: 2026-11-02\nstamp: 2024-11-02T23:30:00-05:00\n"
        "country: NO\nflag: yes\nowner: a\n---\n";
    auto document = Document::parse(text, "a.md");
    document.set("owner", "b");
    auto expected = text;
    expected.replace(expected.find("owner: a"), 8, "owner: b");
    CHECK(document.text() == expected);
    CHECK(document.field("version") == "1.10");
    CHECK(document.field("zip") == "017");
    CHECK(document.field("stamp") == "2024-11-02T23:30:00-05:00");
    CHECK(document.front_matter().find("reviewed")->scalar_type() == ScalarType::date);
}

TEST_CASE("set keeps BOM, CRLF and other quoting") {
    std::string bytes = "\xEF\xBB\xBF---\r\ntitle: 'Quoted'\r\n# a comment\r\n\r\nowner: \"x\"   # who\r\n---\r\nbody\r\n";
    auto document = Document::parse(bytes, "a.md");
    document.set("owner", "y");
    CHECK(document.to_bytes() ==
          "\xEF\xBB\xBF---\r\ntitle: 'Quoted'\r\n# a comment\r\n\r\nowner: y   # who\r\n---\r\nbody\r\n");
}

TEST_CASE("set keeps UTF-16 and lone CR") {
    auto utf16 = Document::parse(to_utf16("---\r\ntitle: x\r\n---\r\n", true), "a.md");
    utf16.set("title", "y");
    CHECK(utf16.to_bytes() == to_utf16("---\r\ntitle: y\r\n---\r\n", true));

    auto mac = Document::parse("---\rtitle: x\rowner: a\r---\rbody\r", "a.md");
    mac.set("owner", "b");
    CHECK(mac.to_bytes() == "---\rtitle: x\rowner: b\r---\rbody\r");
    mac.set("status", "draft");
    CHECK(mac.to_bytes() == "---\rtitle: x\rowner: b\rstatus: draft\r---\rbody\r");
}

TEST_CASE("set keeps a trailing comment") {
    struct Case {
        const char* before;
        const char* value;
        const char* after;
    };
    const Case cases[] = {
        {"status: draft # draft | approved", "approved", "status: approved # draft | approved"},
        {"status: 'draft'  # note", "approved", "status: approved  # note"},
        {"status: \"a # b\" # note", "c", "status: c # note"},
        {"status: [a, b] # note", "[c]", "status: [c] # note"},
        {"status: # note", "draft", "status: draft # note"},
        {"status:   # note", "draft", "status:   draft # note"},
        {"status: draft # note", "", "status: # note"},
    };
    for (const auto& item : cases) {
        CAPTURE(std::string(item.before));
        auto document = Document::parse("---\ntitle: x\n"s + item.before + "\nowner: y\n---\n", "a.md");
        document.set("status", item.value);
        CHECK(document.text() == "---\ntitle: x\n"s + item.after + "\nowner: y\n---\n");
    }
}

TEST_CASE("set rejects what YAML would not store as typed") {
    auto document = Document::parse("---\ntitle: x\nstatus: draft\n---\n", "a.md");

    for (const char* value : {"approved # since March", "Port #3 uplink", "&anchor", "!tag value", "|", ">", "#3"}) {
        CAPTURE(value);
        CHECK_THROWS_AS(document.set("status", value), dossier::Error);
        CHECK(document.text() == "---\ntitle: x\nstatus: draft\n---\n");
    }
    document.set("status", "\"Port #3\"");
    CHECK(document.field("status") == "Port #3");
}

TEST_CASE("set_all changes several keys in one edit and appends the missing ones in order") {
    auto document = Document::parse("---\ntitle: x # kept\nowner:\ntags:\n  - a\n  - b\nstatus: draft\n---\nbody\n", "a.md");
    document.set_all({{"owner", "jdupont"}, {"serial", "\"0042\""}, {"tags", "[c]"}, {"title", "\"Deux: points\""},
                      {"notes", "\"line one\\nline two\""}});
    CHECK(document.text() ==
          "---\ntitle: \"Deux: points\" # kept\nowner: jdupont\ntags: [c]\nstatus: draft\nserial: \"0042\"\n"
          "notes: \"line one\\nline two\"\n---\nbody\n");
    CHECK(document.field("serial") == "0042");
    CHECK(document.field("notes") == "line one\nline two");
    CHECK(document.field("status") == "draft");
}

TEST_CASE("set_all leaves the document as it was when one value is not valid") {
    const std::string text = "---\ntitle: x\nstatus: draft\n---\n";
    auto document = Document::parse(text, "a.md");
    CHECK_THROWS_AS(document.set_all({{"title", "y"}, {"status", "Port #3 uplink"}}), dossier::Error);
    CHECK(document.text() == text);
    CHECK_THROWS_AS(document.set_all({{"title", "y"}, {"owner", "\"unclosed"}}), dossier::Error);
    CHECK(document.text() == text);
    CHECK_THROWS_AS(document.set_all({{"title", "y"}, {"title", "z"}}), std::invalid_argument);
    CHECK(document.text() == text);
}

TEST_CASE("set takes plain and quoted values without asking yaml-cpp, and reads them back") {
    auto document = Document::parse("---\ntitle: x\n---\n", "a.md");
    for (const char* value : {"Poste d'accueil (RDC), baie [2]", "https://10.0.0.1:8443/ui", "C# 12", "Société",
                              "\"tab\\there \\\"quoted\\\" \\\\ slash\""}) {
        CAPTURE(value);
        document.set("title", value);
        auto again = Document::parse(document.text(), "a.md");
        CHECK(again.field("title") == document.field("title"));
    }
    CHECK(document.field("title") == "tab\there \"quoted\" \\ slash");
    for (const char* value : {"a: b", "a #b", "a  b: c #d"}) {
        CAPTURE(value);
        CHECK_THROWS_AS(document.set("title", value), dossier::Error);
    }
}

TEST_CASE("set appends a missing key before the closing line") {
    auto document = Document::parse("---\ntitle: x\n# trailing comment\n---\nbody\n", "a.md");
    document.set("owner", "jdupont");
    CHECK(document.text() == "---\ntitle: x\n# trailing comment\nowner: jdupont\n---\nbody\n");

    auto empty = Document::parse("---\n---\nbody\n", "a.md");
    empty.set("title", "x");
    CHECK(empty.text() == "---\ntitle: x\n---\nbody\n");

    auto crlf = Document::parse("---\r\ntitle: x\r\n...\r\n", "a.md");
    crlf.set("owner", "y");
    CHECK(crlf.text() == "---\r\ntitle: x\r\nowner: y\r\n...\r\n");
}

TEST_CASE("set quotes a key that needs it") {
    auto document = Document::parse("---\ntitle: x\n---\n", "a.md");
    document.set("Module Name", "DnsServer");
    document.set("a: b", "1");
    CHECK(document.text() == "---\ntitle: x\nModule Name: DnsServer\n\"a: b\": 1\n---\n");
    CHECK(document.field("a: b") == "1");
}

TEST_CASE("set adds a block to a document without front matter") {
    SUBCASE("LF") {
        auto document = Document::parse("# Title\n\nText\n", "a.md");
        document.set("type", "runbook");
        CHECK(document.text() == "---\ntype: runbook\n---\n# Title\n\nText\n");
        CHECK(document.body() == "# Title\n\nText\n");
        CHECK(document.body_first_line() == 4);
    }
    SUBCASE("CRLF with BOM") {
        auto document = Document::parse("\xEF\xBB\xBF# Title\r\n", "a.md");
        document.set("type", "runbook");
        CHECK(document.to_bytes() == "\xEF\xBB\xBF---\r\ntype: runbook\r\n---\r\n# Title\r\n");
    }
    SUBCASE("empty file") {
        auto document = Document::parse("", "a.md");
        document.set("type", "note");
        CHECK(document.text() == "---\ntype: note\n---\n");
    }
    SUBCASE("file starting with a lone rule") {
        auto document = Document::parse("---", "a.md");
        document.set("type", "note");
        CHECK(document.field("type") == "note");
        CHECK(document.body() == "---");
    }
}

TEST_CASE("set replaces a multi-line value") {
    SUBCASE("block list") {
        auto document = Document::parse(clean_document, "a.md");
        document.set("related", "[assets/fw02]");
        auto expected = clean_document;
        expected.replace(expected.find("related:\n"), std::string("related:\n  - assets/fw01\n  - credentials/fw01-admin").size(),
                         "related: [assets/fw02]");
        CHECK(document.text() == expected);
    }
    SUBCASE("literal block") {
        auto document = Document::parse(clean_document, "a.md");
        document.set("note", "short");
        auto expected = clean_document;
        expected.replace(expected.find("note: |\n"), std::string("note: |\n  first line\n  second line").size(), "note: short");
        CHECK(document.text() == expected);
    }
    SUBCASE("block list with comment lines after it") {
        auto document = Document::parse("---\ntags:\n  - a\n  - b\n# about owner\n\nowner: x\n---\n", "a.md");
        document.set("tags", "[c]");
        CHECK(document.text() == "---\ntags: [c]\n# about owner\n\nowner: x\n---\n");
    }
    SUBCASE("literal block with a header comment") {
        auto document = Document::parse("---\nnote: | # keep\n  one\n  two\nowner: x\n---\n", "a.md");
        document.set("note", "short");
        CHECK(document.text() == "---\nnote: short # keep\nowner: x\n---\n");
    }
    SUBCASE("block list with a comment on the key line") {
        auto document = Document::parse("---\ntags: # keep\n  - a\nowner: x\n---\n", "a.md");
        document.set("tags", "[c]");
        CHECK(document.text() == "---\ntags: [c] # keep\nowner: x\n---\n");
    }
    SUBCASE("multi-line flow list holding a hash") {
        auto document = Document::parse("---\ntags: [\"#a\",\n  b]\nowner: x\n---\n", "a.md");
        document.set("tags", "[c]");
        CHECK(document.text() == "---\ntags: [c]\nowner: x\n---\n");
    }
    SUBCASE("scalar to block list replaced by scalar") {
        auto document = Document::parse("---\ntitle: x\nowner: y\n---\n", "a.md");
        document.set("title", "[a, b]");
        document.set("title", "z");
        CHECK(document.text() == "---\ntitle: z\nowner: y\n---\n");
    }
}

TEST_CASE("remove deletes only the key's lines") {
    SUBCASE("one-line key") {
        auto document = Document::parse(clean_document, "a.md");
        CHECK(document.remove("owner"));
        auto expected = clean_document;
        expected.erase(expected.find("owner: jdupont\n"), std::string("owner: jdupont\n").size());
        CHECK(document.text() == expected);
    }
    SUBCASE("block list") {
        auto document = Document::parse(clean_document, "a.md");
        CHECK(document.remove("related"));
        auto expected = clean_document;
        std::string lines = "related:\n  - assets/fw01\n  - credentials/fw01-admin\n";
        expected.erase(expected.find(lines), lines.size());
        CHECK(document.text() == expected);
    }
    SUBCASE("last key keeps the comment after it") {
        auto document = Document::parse("---\ntitle: x\nowner: y\n# end\n---\r\n", "a.md");
        CHECK(document.remove("owner"));
        CHECK(document.text() == "---\ntitle: x\n# end\n---\r\n");
    }
    SUBCASE("CRLF and BOM") {
        auto document = Document::parse("\xEF\xBB\xBF---\r\ntitle: x\r\nowner: y\r\n---\r\n", "a.md");
        CHECK(document.remove("title"));
        CHECK(document.to_bytes() == "\xEF\xBB\xBF---\r\nowner: y\r\n---\r\n");
    }
    SUBCASE("missing key") {
        auto document = Document::parse(clean_document, "a.md");
        CHECK_FALSE(document.remove("nothing"));
        CHECK(document.text() == clean_document);
        auto note = Document::parse("text\n", "a.md");
        CHECK_FALSE(note.remove("title"));
    }
}

TEST_CASE("setting twice gives the same bytes") {
    const char* values[] = {"mmartin", "\"a # b\"", "'it''s'", "[a, b]", "{a: 1}", "", "yes", "2026-01-01"};
    for (const char* value : values) {
        CAPTURE(std::string(value));
        auto once = Document::parse(clean_document, "a.md");
        once.set("owner", value);
        auto twice = Document::parse(once.to_bytes(), "a.md");
        twice.set("owner", value);
        CHECK(twice.to_bytes() == once.to_bytes());
    }
}

TEST_CASE("set rejects values that are not one line of YAML") {
    const char* values[] = {"a\nb", "[unclosed", "\"unclosed", "a: b", "- item", "*undefined", "2024-02-30", "x\r"};
    for (const char* value : values) {
        CAPTURE(std::string(value));
        auto document = Document::parse(clean_document, "a.md");
        auto error = error_from([&] { document.set("owner", value); });
        REQUIRE(error);
        CHECK(error->kind() == ErrorKind::invalid_input);
        CHECK(document.text() == clean_document);
    }
}

TEST_CASE("set on a key inside a top-level flow mapping is rejected") {
    auto document = Document::parse("---\n{title: x, owner: y}\n---\n", "a.md");
    auto error = error_from([&] { document.set("title", "z"); });
    REQUIRE(error);
    CHECK(document.text() == "---\n{title: x, owner: y}\n---\n");
}

TEST_CASE("set does not touch nested keys of the same name") {
    auto document = Document::parse("---\nhost:\n  title: inner\ntitle: outer\n---\n", "a.md");
    document.set("title", "new");
    CHECK(document.text() == "---\nhost:\n  title: inner\ntitle: new\n---\n");
}

TEST_CASE("quoted string reads back through set") {
    for (const auto& text : nasty_strings) {
        CAPTURE(text);
        CHECK(write_and_read_back(text) == text);
    }
}

TEST_CASE("random quoted strings read back through set") {
    std::mt19937 random(20261204);
    for (int i = 0; i < 1500; ++i) {
        auto text = random_nasty_string(random);
        CAPTURE(text);
        CHECK(write_and_read_back(text) == text);
    }
}

TEST_CASE("fuzz regression inputs fail cleanly") {
    for (const auto& bytes : fuzz_regressions) {
        CAPTURE(bytes);
        CHECK_NOTHROW(exercise(bytes));
    }
}

TEST_CASE("fuzzed documents parse or raise dossier::Error") {
    std::mt19937 random(5489);
    int read = 0;
    int failed = 0;
    for (int i = 0; i < 4000; ++i) {
        const auto& seed = fuzz_seeds[static_cast<std::size_t>(i) % fuzz_seeds.size()];
        auto bytes = mutate(seed, random);
        CAPTURE(bytes);
        try {
            if (exercise(bytes)) {
                ++read;
            } else {
                ++failed;
            }
        } catch (const std::exception& error) {
            FAIL("unexpected exception: " << error.what());
        }
    }
    MESSAGE("fuzzed documents: " << read << " read, " << failed << " failed with dossier::Error");
    CHECK(read > 0);
    CHECK(failed > 0);
}
