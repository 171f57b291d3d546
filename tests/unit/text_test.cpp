// Tests of decoding and encoding bytes, UTF-8 checks, NFC, collision keys and slugs.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/error.hpp"
#include "dossier/text.hpp"

using namespace dossier;
using namespace std::string_literals;

namespace {

// Runs `action` and returns the dossier::Error it throws, or nothing when it returns.
template <typename Action>
std::optional<Error> error_from(Action&& action) {
    try {
        action();
    } catch (const Error& error) {
        return error;
    }
    return std::nullopt;
}

// Encodes ASCII-only `text` as UTF-16 code units, independently of encode_text.
std::string ascii_to_utf16(std::string_view text, bool little_endian) {
    std::string out;
    for (char c : text) {
        out += little_endian ? c : '\0';
        out += little_endian ? '\0' : c;
    }
    return out;
}

}  // namespace

TEST_CASE("decode_text strips a UTF-8 BOM") {
    auto decoded = decode_text("\xEF\xBB\xBFtitle: x\n", "a.md");
    CHECK(decoded.bom == Bom::utf8);
    CHECK(decoded.utf8 == "title: x\n");
    CHECK(decoded.line_ending == LineEnding::lf);
    CHECK(decoded.final_newline);
}

TEST_CASE("decode_text reads UTF-16 with a BOM") {
    SUBCASE("little endian") {
        auto decoded = decode_text("\xFF\xFE"s + ascii_to_utf16("a: b\r\n", true), "a.md");
        CHECK(decoded.bom == Bom::utf16le);
        CHECK(decoded.utf8 == "a: b\r\n");
        CHECK(decoded.line_ending == LineEnding::crlf);
    }
    SUBCASE("big endian") {
        auto decoded = decode_text("\xFE\xFF"s + ascii_to_utf16("a: b\n", false), "a.md");
        CHECK(decoded.bom == Bom::utf16be);
        CHECK(decoded.utf8 == "a: b\n");
    }
    SUBCASE("surrogate pair and accented letter") {
        // U+00E9 then U+1F600 (D83D DE00), little endian.
        std::string bytes = "\xFF\xFE\xE9\x00\x3D\xD8\x00\xDE"s;
        auto decoded = decode_text(bytes, "a.md");
        CHECK(decoded.utf8 == "\xC3\xA9\xF0\x9F\x98\x80");
    }
}

TEST_CASE("decode_text records line endings") {
    CHECK(decode_text("a\r\nb\r\n", "a.md").line_ending == LineEnding::crlf);
    CHECK(decode_text("a\rb\r", "a.md").line_ending == LineEnding::cr);
    CHECK(decode_text("a\nb\r\n", "a.md").line_ending == LineEnding::lf);
    CHECK(decode_text("a\r\nb\n", "a.md").line_ending == LineEnding::crlf);
    CHECK(decode_text("no ending", "a.md").line_ending == LineEnding::lf);
}

TEST_CASE("decode_text records a missing final newline") {
    CHECK_FALSE(decode_text("a\nb", "a.md").final_newline);
    CHECK(decode_text("a\nb\n", "a.md").final_newline);
    CHECK(decode_text("a\rb\r", "a.md").final_newline);
    CHECK(decode_text("", "a.md").final_newline);
}

TEST_CASE("NUL byte fails naming path and line") {
    auto error = error_from([] { decode_text("---\ntitle: x\n---\nbody\0more\n"s, "clients/acme/a.md"); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
    REQUIRE(error->location());
    CHECK(error->location()->path == "clients/acme/a.md");
    CHECK(error->location()->line == 4);
    CHECK(error->location()->column == 5);
    CHECK(std::string(error->what()).find("clients/acme/a.md") != std::string::npos);
}

TEST_CASE("Windows-1252 byte fails naming path and line") {
    // "café" saved as Windows-1252: 0xE9 is not valid UTF-8 here.
    auto error = error_from([] { decode_text("---\ntitle: x\n---\nLe caf\xE9 est pr\xEAt\n", "notes/cafe.md"); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
    REQUIRE(error->location());
    CHECK(error->location()->path == "notes/cafe.md");
    CHECK(error->location()->line == 4);
    CHECK(error->location()->column == 7);
    CHECK(std::string(error->what()).find("notes/cafe.md") != std::string::npos);
    CHECK(std::string(error->what()).find("4") != std::string::npos);
}

TEST_CASE("invalid UTF-8 sequences are rejected") {
    const std::vector<std::string> invalid = {
        "\xC0\xAF",          // overlong "/"
        "\xE0\x80\xAF",      // overlong "/"
        "\xED\xA0\x80",      // UTF-16 surrogate encoded in UTF-8
        "\xF4\x90\x80\x80",  // past U+10FFFF
        "\xC3",              // truncated at the end
        "\x80",              // lone continuation byte
        "\xFF",
    };
    for (const auto& sequence : invalid) {
        CAPTURE(sequence);
        auto error = error_from([&] { decode_text("ok\n" + sequence + "\n", "a.md"); });
        REQUIRE(error);
        REQUIRE(error->location());
        CHECK(error->location()->line == 2);
    }
}

TEST_CASE("invalid byte line counts lone CR line endings") {
    auto error = error_from([] { decode_text("one\rtwo\rthree \xE9\r", "mac.md"); });
    REQUIRE(error);
    REQUIRE(error->location());
    CHECK(error->location()->line == 3);
}

TEST_CASE("invalid byte line counts CRLF once") {
    auto error = error_from([] { decode_text("one\r\ntwo\r\n\xE9\r\n", "win.md"); });
    REQUIRE(error);
    REQUIRE(error->location());
    CHECK(error->location()->line == 3);
}

TEST_CASE("UTF-16 errors are located") {
    SUBCASE("odd number of bytes") {
        auto error = error_from([] { decode_text("\xFF\xFE" + ascii_to_utf16("a\nb", true) + "x", "odd.md"); });
        REQUIRE(error);
        CHECK(error->kind() == ErrorKind::invalid_input);
        REQUIRE(error->location());
        CHECK(error->location()->path == "odd.md");
        CHECK(error->location()->line == 2);
    }
    SUBCASE("unpaired surrogate") {
        auto bytes = "\xFF\xFE" + ascii_to_utf16("a\nb\n", true) + "\x3D\xD8" + ascii_to_utf16("c", true);
        auto error = error_from([&] { decode_text(bytes, "surrogate.md"); });
        REQUIRE(error);
        CHECK(error->kind() == ErrorKind::invalid_input);
        REQUIRE(error->location());
        CHECK(error->location()->path == "surrogate.md");
        CHECK(error->location()->line == 3);
    }
    SUBCASE("U+0000 in UTF-16") {
        auto bytes = "\xFF\xFE" + ascii_to_utf16("a\nb", true) + "\0\0"s;
        auto error = error_from([&] { decode_text(bytes, "nul16.md"); });
        REQUIRE(error);
        REQUIRE(error->location());
        CHECK(error->location()->line == 2);
    }
}

TEST_CASE("encode_text gives back the bytes decode_text read") {
    const std::vector<std::string> samples = {
        "plain\n",
        "\xEF\xBB\xBF---\r\ntitle: x\r\n---\r\nbody",
        "\xFF\xFE"s + ascii_to_utf16("---\r\ntitle: x\r\n---\r\n", true) + "\xE9\x00\x3D\xD8\x00\xDE"s,
        "\xFE\xFF"s + ascii_to_utf16("---\ntitle: x\n---\n", false) + "\x00\xE9\xD8\x3D\xDE\x00"s,
        "mixed\r\nendings\rhere\n",
        "",
        "\xEF\xBB\xBF",
        "\xFF\xFE",
    };
    for (const auto& bytes : samples) {
        CAPTURE(bytes);
        auto decoded = decode_text(bytes, "a.md");
        CHECK(encode_text(decoded.utf8, decoded.bom) == bytes);
    }
}

TEST_CASE("find_invalid_utf8 returns the offset") {
    CHECK(find_invalid_utf8("abc") == std::string_view::npos);
    CHECK(find_invalid_utf8("ab\xE9z") == 2);
    CHECK(find_invalid_utf8("\xC3\xA9\xC3") == 2);
}

TEST_CASE("to_nfc composes decomposed letters") {
    CHECK(to_nfc("Soci\x65\xCC\x81t\x65\xCC\x81") == "Soci\xC3\xA9t\xC3\xA9");
    CHECK(to_nfc("d\xC3\xA9j\xC3\xA0") == "d\xC3\xA9j\xC3\xA0");
    CHECK(to_nfc("") == "");
}

TEST_CASE("to_nfc rejects invalid UTF-8") {
    auto error = error_from([] { to_nfc("caf\xE9"); });
    REQUIRE(error);
    CHECK(error->kind() == ErrorKind::invalid_input);
}

TEST_CASE("collision_key folds case and normalisation") {
    std::string nfc = "runbooks/Caf\xC3\xA9.md";
    std::string nfd = "runbooks/cafe\xCC\x81.md";
    std::string upper = "RUNBOOKS/CAF\xC3\x89.MD";
    CHECK(collision_key(nfc) == collision_key(nfd));
    CHECK(collision_key(nfc) == collision_key(upper));
    CHECK(collision_key(nfc) != collision_key("runbooks/cafe.md"));
    CHECK(collision_key("Stra\xC3\x9F" "e") == collision_key("STRASSE"));
}

TEST_CASE("count_code_points counts multi-byte letters once") {
    CHECK(count_code_points("abc", 3) == 3);
    CHECK(count_code_points("\xC3\xA9t\xC3\xA9", 5) == 3);
    CHECK(count_code_points("\xF0\x9F\x98\x80x", 4) == 1);
    CHECK(count_code_points("ab", 10) == 2);
}

TEST_CASE("slugify table") {
    struct Case {
        const char* text;
        const char* slug;
    };
    const Case cases[] = {
        {"Soci\xC3\xA9t\xC3\xA9 G\xC3\xA9n\xC3\xA9rale", "societe-generale"},
        {"\xC5\x92uvre", "oeuvre"},
        {"  VPN -- reset!  ", "vpn-reset"},
        {"SRV-01", "srv-01"},
        {"Stra\xC3\x9F" "e", "strasse"},
        {"l'adresse", "l-adresse"},
        {"\xEF\xAC\x81" "chier", "fichier"},  // the "fi" ligature
        {"Cura\xC3\xA7" "ao", "curacao"},
        {"\xE4\xB8\xAD\xE6\x96\x87", ""},
        {"", ""},
        {"---", ""},
        {"a_b.c", "a-b-c"},
    };
    for (const auto& item : cases) {
        CAPTURE(std::string(item.text));
        CHECK(slugify(item.text) == item.slug);
    }
}

TEST_CASE("slugify results are valid slugs") {
    const char* names[] = {"Acme Corp", "\xC3\x89" "cole n\xC2\xB0" "5", "x", "9 lives", "A--B"};
    for (const char* name : names) {
        CAPTURE(std::string(name));
        CHECK(is_valid_slug(slugify(name)));
    }
}

TEST_CASE("is_valid_slug table") {
    CHECK(is_valid_slug("acme"));
    CHECK(is_valid_slug("acme-2"));
    CHECK(is_valid_slug("a"));
    CHECK_FALSE(is_valid_slug(""));
    CHECK_FALSE(is_valid_slug("-acme"));
    CHECK_FALSE(is_valid_slug("acme-"));
    CHECK_FALSE(is_valid_slug("ac--me"));
    CHECK_FALSE(is_valid_slug("Acme"));
    CHECK_FALSE(is_valid_slug("ac_me"));
    CHECK_FALSE(is_valid_slug("soci\xC3\xA9t\xC3\xA9"));
    CHECK_FALSE(is_valid_slug("a b"));
}
