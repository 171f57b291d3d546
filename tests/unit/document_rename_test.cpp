// Tests of Document::rename_key: only the key's text changes, and bad renames change nothing.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "dossier/document.hpp"
#include "dossier/error.hpp"

using namespace dossier;
using namespace std::string_literals;

namespace {

const std::string review_document =
    "---\n"
    "title: Resolving no logs\n"
    "weight: 190\n"
    "last_reviewed_on: 2025-07-15   # checked by the on-call engineer\n"
    "review_in: 6 months\n"
    "---\n"
    "# Resolving no logs\n"
    "\n"
    "last_reviewed_on: this line is body text, not a key.\n";

std::string replaced(std::string text, std::string_view from, std::string_view to) {
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

// Returns the error that `document.rename_key(from, to)` throws, after checking that the
// document kept its bytes.
Error rename_error(const std::string& bytes, std::string_view from, std::string_view to) {
    auto document = Document::parse(bytes, "kb/a.md");
    try {
        document.rename_key(from, to);
    } catch (const Error& error) {
        CHECK(document.to_bytes() == bytes);
        return error;
    }
    FAIL("rename_key did not throw for ", to);
    return Error(ErrorKind::invalid_input, "");
}

}  // namespace

TEST_CASE("rename_key changes only the key's text") {
    auto document = Document::parse(review_document, "kb/a.md");

    CHECK(document.rename_key("last_reviewed_on", "reviewed"));
    CHECK(document.rename_key("review_in", "review_every"));

    auto expected = replaced(replaced(review_document, "last_reviewed_on: 2025", "reviewed: 2025"), "review_in:",
                             "review_every:");
    CHECK(document.to_bytes() == expected);
    CHECK(document.field("reviewed") == "2025-07-15");
    CHECK(document.field("review_every") == "6 months");
    CHECK(document.front_matter().find("last_reviewed_on") == nullptr);
}

TEST_CASE("rename_key keeps BOM and CRLF") {
    std::string bytes = "\xEF\xBB\xBF---\r\ntitle: Windows\r\nreview_in: 1 year\r\n---\r\nCorps\r\n";

    auto document = Document::parse(bytes, "kb/a.md");
    REQUIRE(document.rename_key("review_in", "review_every"));

    CHECK(document.to_bytes() == "\xEF\xBB\xBF---\r\ntitle: Windows\r\nreview_every: 1 year\r\n---\r\nCorps\r\n");
}

TEST_CASE("rename_key keeps UTF-16 and lone CR") {
    std::string utf16 = "\xFF\xFE-\0-\0-\0\n\0a\0:\0 \0" "1\0\n\0-\0-\0-\0\n\0"s;
    auto wide = Document::parse(utf16, "kb/wide.md");
    REQUIRE(wide.rename_key("a", "b"));
    CHECK(wide.to_bytes() == "\xFF\xFE-\0-\0-\0\n\0b\0:\0 \0" "1\0\n\0-\0-\0-\0\n\0"s);

    auto classic_mac = Document::parse("---\rold: 1\rnext: 2\r---\rBody\r", "kb/mac.md");
    REQUIRE(classic_mac.rename_key("old", "new"));
    CHECK(classic_mac.to_bytes() == "---\rnew: 1\rnext: 2\r---\rBody\r");
}

TEST_CASE("rename_key keeps a multi-line value and its comments") {
    std::string bytes =
        "---\n"
        "tags:        # kept\n"
        "  - vpn      # first\n"
        "  - fortigate\n"
        "notes: |\n"
        "  line one\n"
        "  line two\n"
        "---\n";

    auto document = Document::parse(bytes, "kb/a.md");
    REQUIRE(document.rename_key("tags", "labels"));
    REQUIRE(document.rename_key("notes", "remarks"));

    CHECK(document.to_bytes() == replaced(replaced(bytes, "tags:", "labels:"), "notes:", "remarks:"));
}

TEST_CASE("rename_key replaces a quoted key by a plain one") {
    auto single = Document::parse("---\n'review_in': 6 months\n---\n", "kb/a.md");
    auto spaced = Document::parse("---\n\"last reviewed\"  : 2025-01-02\n---\n", "kb/b.md");

    REQUIRE(single.rename_key("review_in", "review_every"));
    REQUIRE(spaced.rename_key("last reviewed", "reviewed"));

    CHECK(single.to_bytes() == "---\nreview_every: 6 months\n---\n");
    CHECK(spaced.to_bytes() == "---\nreviewed  : 2025-01-02\n---\n");
}

TEST_CASE("rename_key keeps spaces before the colon") {
    auto document = Document::parse("---\nreview_in   : 6 months\n---\n", "kb/a.md");

    REQUIRE(document.rename_key("review_in", "review_every"));

    CHECK(document.to_bytes() == "---\nreview_every   : 6 months\n---\n");
}

TEST_CASE("rename_key works inside a top-level flow mapping") {
    auto document = Document::parse("---\n{titre: Café, revue: 2025-01-02}\n---\n", "kb/a.md");

    REQUIRE(document.rename_key("revue", "reviewed"));

    CHECK(document.to_bytes() == "---\n{titre: Café, reviewed: 2025-01-02}\n---\n");
}

TEST_CASE("rename_key of an absent key returns false") {
    std::string nested = "---\nmeta:\n  review_in: 6 months\n---\n";
    std::string toml = "+++\nreview_in = \"6 months\"\n+++\n";
    for (const auto& bytes : {review_document, "# No front matter\n"s, nested, toml}) {
        CAPTURE(bytes);
        auto document = Document::parse(bytes, "kb/a.md");

        CHECK_FALSE(document.rename_key("absent", "present"));
        CHECK_FALSE(document.rename_key("review_every", "x"));
        CHECK(document.to_bytes() == bytes);
    }
    auto nested_document = Document::parse(nested, "kb/a.md");
    CHECK_FALSE(nested_document.rename_key("review_in", "review_every"));
}

TEST_CASE("rename_key to the same name changes nothing") {
    auto document = Document::parse(review_document, "kb/a.md");

    CHECK(document.rename_key("review_in", "review_in"));

    CHECK(document.to_bytes() == review_document);
}

TEST_CASE("rename_key rejects a key that already exists") {
    auto error = rename_error(review_document, "last_reviewed_on", "title");

    CHECK(error.kind() == ErrorKind::invalid_input);
    CHECK(std::string(error.what()) ==
          "cannot rename \"last_reviewed_on\" to \"title\" in kb/a.md: \"title\" already exists");
    CHECK_FALSE(error.hint().empty());
}

TEST_CASE("rename_key rejects keys that are not plain") {
    for (std::string_view key : {"", "yes", "NO", "12", "1.10", "~", "null", "a: b", "#x", "-x", "x #y", "line\nbreak",
                                 "tab\there", " padded", "trailing:", "2024-02-30", "\"quoted\""}) {
        CAPTURE(key);
        auto error = rename_error(review_document, "review_in", key);

        CHECK(error.kind() == ErrorKind::invalid_input);
        CHECK(std::string(error.what()).starts_with("invalid front-matter key: "));
    }
}

TEST_CASE("is_plain_key accepts ordinary keys") {
    for (std::string_view key : {"reviewed", "review_every", "ms.date", "last reviewed", "clé", "a-b", "x1"}) {
        CAPTURE(key);
        CHECK(is_plain_key(key));
    }
    CHECK_FALSE(is_plain_key("\xC3"));
}

TEST_CASE("rename_key rejects a key whose colon is on another line") {
    auto error = rename_error("---\n? review_in\n: 6 months\n---\n", "review_in", "review_every");

    CHECK(error.kind() == ErrorKind::invalid_input);
    CHECK(std::string(error.what()).find("review_in") != std::string::npos);
}

TEST_CASE("rename_key leaves the body alone") {
    auto document = Document::parse(review_document, "kb/a.md");

    REQUIRE(document.rename_key("last_reviewed_on", "reviewed"));

    CHECK(document.body() == "# Resolving no logs\n\nlast_reviewed_on: this line is body text, not a key.\n");
}

TEST_CASE("rename_key then set gives the same bytes as set alone") {
    auto renamed = Document::parse("---\nold: 1\n---\n", "kb/a.md");
    REQUIRE(renamed.rename_key("old", "new"));
    renamed.set("new", "2");

    CHECK(renamed.to_bytes() == "---\nnew: 2\n---\n");
}
