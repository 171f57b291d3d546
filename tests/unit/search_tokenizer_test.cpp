// Tests of the search tokenizer: accent folding, French elision, technical tokens, byte
// offsets, invalid UTF-8 and the 255-byte limit on words.
#include "dossier/search_tokenizer.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace {

using dossier::fold_for_search;
using dossier::SearchToken;
using dossier::tokenize_for_search;

// A token copied out of the callback, with the bytes of the text it covers.
struct Word {
    std::string folded;
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string original;
};

std::vector<Word> words_of(std::string_view text) {
    std::vector<Word> words;
    tokenize_for_search(text, [&](const SearchToken& token) {
        words.push_back(Word{std::string(token.folded), token.begin, token.end,
                             std::string(text.substr(token.begin, token.end - token.begin))});
        return true;
    });
    return words;
}

// Returns true when `text` is valid UTF-8 (no overlong forms, surrogates or code points
// above U+10FFFF), checked here independently of the tokenizer.
bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        auto byte = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        char32_t code_point = 0;
        if (byte < 0x80) {
            length = 1;
            code_point = byte;
        } else if ((byte >> 5) == 0x6) {
            length = 2;
            code_point = byte & 0x1F;
        } else if ((byte >> 4) == 0xE) {
            length = 3;
            code_point = byte & 0x0F;
        } else if ((byte >> 3) == 0x1E) {
            length = 4;
            code_point = byte & 0x07;
        }
        if (length == 0 || i + length > text.size()) return false;
        for (std::size_t k = 1; k < length; ++k) {
            auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) return false;
            code_point = (code_point << 6) | (next & 0x3F);
        }
        static constexpr char32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code_point < minimum[length] || code_point > 0x10FFFF) return false;
        if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;
        i += length;
    }
    return true;
}

}  // namespace

// --- accents and case ------------------------------------------------------------------

TEST_CASE("tokenizer folds French accents and case") {
    CHECK(fold_for_search("Société") == "societe");
    CHECK(fold_for_search("SOCIÉTÉ") == "societe");
    CHECK(fold_for_search("Societe") == "societe");
    CHECK(fold_for_search("Réinitialiser le VPN du siège") == "reinitialiser le vpn du siege");
    CHECK(fold_for_search("Noël à l'hôpital, garçon") == "noel a hopital garcon");
    CHECK(fold_for_search("ÎLE-DE-FRANCE") == "ile de france");
}

TEST_CASE("tokenizer expands ligatures and sharp s") {
    CHECK(fold_for_search("œuvre") == "oeuvre");
    CHECK(fold_for_search("Œuvre") == "oeuvre");
    CHECK(fold_for_search("cœur") == "coeur");
    CHECK(fold_for_search("Cæsar") == "caesar");
    CHECK(fold_for_search("ÆGIR") == "aegir");
    CHECK(fold_for_search("Straße") == "strasse");
    CHECK(fold_for_search("STRAẞE") == "strasse");
    CHECK(fold_for_search("ﬁchier") == "fichier");
}

TEST_CASE("tokenizer folds letters with two diacritics") {
    CHECK(fold_for_search("ệ") == "e");  // U+1EC7: dot below and circumflex
    CHECK(fold_for_search("Nguyễn Thị Mỹ") == "nguyen thi my");
    CHECK(fold_for_search("Ǖ") == "u");  // U+01D5: diaeresis and macron
    CHECK(fold_for_search("ḗ") == "e");  // U+1E17: macron and acute
    CHECK(fold_for_search("Ẫ") == "a");  // U+1EAA: circumflex and tilde
}

TEST_CASE("tokenizer folds decomposed input like composed input") {
    std::string decomposed = "Socie\u0301te\u0301";
    CHECK(fold_for_search(decomposed) == "societe");
    CHECK(fold_for_search("e\u0323\u0302") == "e");  // ệ written as e and two combining marks
    CHECK(fold_for_search("Nguye\u0302\u0303n") == "nguyen");
    CHECK(fold_for_search(decomposed) == fold_for_search("Société"));
}

TEST_CASE("tokenizer keeps a decomposed word whole") {
    std::string text = "la socie\u0301te\u0301 ferme";
    auto words = words_of(text);

    REQUIRE(words.size() == 3);
    CHECK(words[1].folded == "societe");
    CHECK(words[1].original == "socie\u0301te\u0301");
}

TEST_CASE("tokenizer folds letters without a decomposition") {
    CHECK(fold_for_search("Øresund") == "oresund");
    CHECK(fold_for_search("Łódź") == "lodz");
    CHECK(fold_for_search("Þór") == "thor");
    CHECK(fold_for_search("İstanbul") == "istanbul");
}

TEST_CASE("tokenizer keeps other scripts as words") {
    CHECK(fold_for_search("Ελλάδα") == "ελλαδα");
    CHECK(fold_for_search("МОСКВА") == "москва");
    CHECK(fold_for_search("東京 大阪") == "東京 大阪");
}

TEST_CASE("tokenizer gives no word for combining marks alone") {
    CHECK(fold_for_search("\u0301") == "");
    CHECK(fold_for_search("a \u0301\u0302 b") == "a b");
}

// --- French elision --------------------------------------------------------------------

TEST_CASE("tokenizer drops French elided words") {
    CHECK(fold_for_search("l'adresse") == "adresse");
    CHECK(fold_for_search("L'Adresse IP") == "adresse ip");
    CHECK(fold_for_search("d\u2019un serveur") == "un serveur");  // typographic apostrophe
    CHECK(fold_for_search("qu'il") == "il");
    CHECK(fold_for_search("jusqu'au bout") == "au bout");
    CHECK(fold_for_search("lorsqu'on redémarre") == "on redemarre");
    CHECK(fold_for_search("puisqu'elle") == "elle");
    CHECK(fold_for_search("s'il n'est pas là, c'est qu'il dort") == "il est pas la est il dort");
    CHECK(fold_for_search("j'ai m'a t'es") == "ai a es");
    CHECK(fold_for_search("l'été") == "ete");
}

TEST_CASE("tokenizer elides before a modifier letter apostrophe") {
    // U+02BC is the apostrophe of some keyboard layouts; Unicode classes it as a letter.
    CHECK(fold_for_search("l\u02BCadresse") == "adresse");
    CHECK(fold_for_search("d\u02BCun serveur") == "un serveur");
}

TEST_CASE("tokenizer splits English contractions without dropping words") {
    CHECK(fold_for_search("don't") == "don t");
    CHECK(fold_for_search("it's") == "it s");
    CHECK(fold_for_search("O'Brien") == "o brien");
    CHECK(fold_for_search("aujourd'hui") == "aujourd hui");
}

TEST_CASE("tokenizer keeps an elided word without a letter after it") {
    CHECK(fold_for_search("l'") == "l");
    CHECK(fold_for_search("l' adresse") == "l adresse");
    CHECK(fold_for_search("l'2") == "l 2");
    CHECK(fold_for_search("l''adresse") == "l adresse");
    CHECK(fold_for_search("l-adresse") == "l adresse");
}

TEST_CASE("tokenizer offsets skip the elided word") {
    std::string text = "d\u2019un l'adresse";
    auto words = words_of(text);

    REQUIRE(words.size() == 2);
    CHECK(words[0].folded == "un");
    CHECK(words[0].begin == 4);  // d, then the three bytes of U+2019
    CHECK(words[0].original == "un");
    CHECK(words[1].folded == "adresse");
    CHECK(words[1].original == "adresse");
}

// --- technical tokens ------------------------------------------------------------------

TEST_CASE("tokenizer splits technical tokens at punctuation") {
    CHECK(fold_for_search("SRV-01") == "srv 01");
    CHECK(fold_for_search("10.0.0.1") == "10 0 0 1");
    CHECK(fold_for_search("user@example.com") == "user example com");
    CHECK(fold_for_search("C:\\Users") == "c users");
    CHECK(fold_for_search("INC-2024-0042") == "inc 2024 0042");
    CHECK(fold_for_search("https://intranet.acme.fr/wiki?page=vpn") == "https intranet acme fr wiki page vpn");
    CHECK(fold_for_search("fe80::1%eth0") == "fe80 1 eth0");
    CHECK(fold_for_search("00:1A:2B:3C:4D:5E") == "00 1a 2b 3c 4d 5e");
    CHECK(fold_for_search("snake_case_name") == "snake case name");
}

TEST_CASE("tokenizer separates words at spaces and symbols") {
    CHECK(fold_for_search("vpn\u00A0fw") == "vpn fw");  // no-break space
    CHECK(fold_for_search("vpn🔥fw") == "vpn fw");
    CHECK(fold_for_search("a\tb\nc\r\nd") == "a b c d");
    CHECK(fold_for_search("--- *** ___ ...") == "");
    CHECK(fold_for_search("") == "");
}

TEST_CASE("tokenizer offsets cover the bytes of each word") {
    std::string text = "Société SRV-01, user@example.com";
    auto words = words_of(text);

    REQUIRE(words.size() == 6);
    CHECK(words[0].folded == "societe");
    CHECK(words[0].begin == 0);
    CHECK(words[0].end == 9);  // two é of two bytes each
    CHECK(words[1].folded == "srv");
    CHECK(words[1].begin == 10);
    CHECK(words[1].end == 13);
    CHECK(words[2].folded == "01");
    CHECK(words[2].begin == 14);
    CHECK(words[2].end == 16);
    CHECK(words[3].original == "user");
    CHECK(words[4].original == "example");
    CHECK(words[5].original == "com");
    CHECK(words[5].end == text.size());
}

TEST_CASE("tokenizer offsets round-trip to the folded word") {
    std::string text = "Œuvre: ĽUBICA d’Été, Straße №5 — ﬁn.";
    for (const auto& word : words_of(text)) {
        CAPTURE(word.original);
        CHECK(word.begin < word.end);
        CHECK(word.end <= text.size());
        CHECK(fold_for_search(word.original) == word.folded);
    }
}

TEST_CASE("tokenizer stops when the callback returns false") {
    std::vector<std::string> seen;
    tokenize_for_search("one two three", [&seen](const SearchToken& token) {
        seen.emplace_back(token.folded);
        return seen.size() < 2;
    });

    REQUIRE(seen.size() == 2);
    CHECK(seen[1] == "two");
}

// --- invalid UTF-8 ---------------------------------------------------------------------

TEST_CASE("tokenizer separates words at invalid UTF-8") {
    CHECK(fold_for_search("abc\xFF"
                          "def") == "abc def");
    CHECK(fold_for_search("abc\x80"
                          "def") == "abc def");  // lone continuation byte
    CHECK(fold_for_search("abc\xC3") == "abc");  // sequence cut at the end
    CHECK(fold_for_search("abc\xC3"
                          "def") == "abc def");  // lead byte then ASCII
    CHECK(fold_for_search("abc\xC0\xAF"
                          "def") == "abc def");  // overlong '/'
    CHECK(fold_for_search("abc\xED\xA0\x80"
                          "def") == "abc def");  // UTF-16 surrogate
    CHECK(fold_for_search("abc\xF4\x90\x80\x80"
                          "def") == "abc def");                 // above U+10FFFF
    CHECK(fold_for_search("caf\xE9 cr\xE8me") == "caf cr me");  // Windows-1252
    CHECK(fold_for_search("\xFF\xFE\xFD") == "");
}

TEST_CASE("tokenizer offsets stay right after invalid UTF-8") {
    std::string text =
        "\xE9t\xE9 \xFF"
        "société";
    auto words = words_of(text);

    REQUIRE(words.size() == 2);
    CHECK(words[0].original == "t");
    CHECK(words[1].begin == 5);
    CHECK(words[1].original == "société");
    CHECK(words[1].folded == "societe");
}

TEST_CASE("tokenizer gives valid UTF-8 for every byte value") {
    std::string text;
    for (int byte = 0; byte < 256; ++byte) {
        text += static_cast<char>(byte);
        text += "é";
    }
    for (const auto& word : words_of(text)) {
        CAPTURE(word.begin);
        CHECK(is_valid_utf8(word.folded));
        CHECK(word.end <= text.size());
    }
}

// --- long words ------------------------------------------------------------------------

TEST_CASE("tokenizer cuts an ASCII word at 255 bytes") {
    std::string text = std::string(300, 'A') + " next";
    auto words = words_of(text);

    REQUIRE(words.size() == 2);
    CHECK(words[0].folded == std::string(255, 'a'));
    CHECK(words[0].begin == 0);
    CHECK(words[0].end == 300);
    CHECK(words[1].folded == "next");
    CHECK(words[1].begin == 301);
}

TEST_CASE("tokenizer keeps a word of exactly 255 bytes") {
    CHECK(fold_for_search(std::string(255, 'x')) == std::string(255, 'x'));
    CHECK(fold_for_search(std::string(256, 'x')) == std::string(255, 'x'));
}

TEST_CASE("tokenizer cuts a multibyte word between characters") {
    std::string word;
    for (int i = 0; i < 200; ++i) word += "ж";  // two bytes each, folded to themselves
    auto words = words_of(word);

    REQUIRE(words.size() == 1);
    CHECK(words[0].folded.size() == 254);
    CHECK(is_valid_utf8(words[0].folded));
    CHECK(words[0].end == word.size());
}

TEST_CASE("tokenizer cut word is a prefix of its folding") {
    // 254 ASCII letters, then œ (folded to two bytes, one more than the limit allows), then
    // more letters. The cut word must be a prefix of the whole folded word.
    std::string text = std::string(254, 'a') + "œbc";
    std::string whole_folding = std::string(254, 'a') + "oebc";
    auto words = words_of(text);

    REQUIRE(words.size() == 1);
    CAPTURE(words[0].folded.substr(250));
    CHECK(words[0].folded.size() >= 254);
    CHECK(whole_folding.starts_with(words[0].folded));
}

TEST_CASE("tokenizer handles a megabyte word") {
    std::string text(1 << 20, 'z');
    auto words = words_of(text + " fin");

    REQUIRE(words.size() == 2);
    CHECK(words[0].folded.size() == 255);
    CHECK(words[1].folded == "fin");
}
