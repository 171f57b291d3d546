// Tests of Markdown rendered for a terminal, its control-character stripping, its bounded
// work on pathological input, and heading anchors.
#include <doctest/doctest.h>

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/terminal_renderer.hpp"

using namespace dossier;
using namespace std::string_literals;

namespace {

std::string plain(std::string_view markdown, int width = 80) {
    return render_for_terminal(markdown, TerminalStyle{false, width});
}

std::string colored(std::string_view markdown, int width = 80) {
    return render_for_terminal(markdown, TerminalStyle{true, width});
}

std::string repeat(std::string_view text, int count) {
    std::string repeated;
    for (int i = 0; i < count; ++i) repeated += text;
    return repeated;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

// Counts code points by skipping UTF-8 continuation bytes.
int count_code_points(std::string_view text) {
    int count = 0;
    for (char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
    }
    return count;
}

// Returns the length of the UTF-8 sequence that `lead` starts, or 0 when it starts none.
std::size_t sequence_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) return 2;
    if ((lead & 0xF0) == 0xE0) return 3;
    if ((lead & 0xF8) == 0xF0) return 4;
    return 0;
}

// Checks the structure of UTF-8: each lead byte is followed by its continuation bytes.
bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t length = sequence_length(static_cast<unsigned char>(text[i]));
        if (length == 0 || i + length > text.size()) return false;
        for (std::size_t k = 1; k < length; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
        }
        i += length;
    }
    return true;
}

// Returns the offset of the first byte that a terminal would act on: a C0 control other
// than tab and line feed, ESC, DEL, or a C1 control (U+0080 to U+009F, bytes C2 80 to C2 9F).
// Returns npos when there is none.
std::size_t find_terminal_control(std::string_view output) {
    for (std::size_t i = 0; i < output.size(); ++i) {
        const auto byte = static_cast<unsigned char>(output[i]);
        if (byte < 0x20 && byte != '\t' && byte != '\n') return i;
        if (byte == 0x7F) return i;
        if (byte == 0xC2 && i + 1 < output.size()) {
            const auto next = static_cast<unsigned char>(output[i + 1]);
            if (next >= 0x80 && next <= 0x9F) return i;
        }
    }
    return std::string_view::npos;
}

// Returns the offset of the first ESC that does not start an SGR sequence (ESC [ digits
// and semicolons, then 'm'), or npos when every ESC does.
std::size_t find_non_sgr_escape(std::string_view output) {
    for (std::size_t i = 0; i < output.size(); ++i) {
        if (output[i] != '\x1b') continue;
        if (i + 1 >= output.size() || output[i + 1] != '[') return i;
        std::size_t k = i + 2;
        while (k < output.size() && (std::isdigit(static_cast<unsigned char>(output[k])) || output[k] == ';')) ++k;
        if (k >= output.size() || output[k] != 'm') return i;
        i = k;
    }
    return std::string_view::npos;
}

// Removes every SGR sequence, leaving the text a colour terminal would show.
std::string strip_sgr(std::string_view output) {
    std::string text;
    for (std::size_t i = 0; i < output.size(); ++i) {
        if (output[i] == '\x1b') {
            i = output.find('m', i);
            continue;
        }
        text += output[i];
    }
    return text;
}

// Control characters in every place a document can put text.
const std::vector<std::string> kAttacks = {
    "\x1b]0;evil\x07",         // OSC: set the window title
    "\x1b[2J",                 // CSI: clear the screen
    "\x1b]8;;http://x\x1b\\",  // OSC 8 hyperlink
    "\xc2\x9b" "31m",          // C1 CSI as UTF-8
    "\x9b" "31m",              // C1 CSI as a raw byte (invalid UTF-8)
    "\x7f\x08\r\x0b\x0c",      // DEL, backspace, carriage return, vertical tab, form feed
};

std::string document_with(const std::string& attack) {
    return "# Title " + attack + "\n\n" +
           "Text " + attack + " *em" + attack + "* `code" + attack + "` [link" + attack + "](http://x/" + attack +
           ") ![alt" + attack + "](img" + attack + ".png) <span" + attack + ">\n\n" +
           "- item " + attack + "\n\n" +
           "> quote " + attack + "\n\n" +
           "```" + attack + "\ncode " + attack + "\n```\n\n" +
           "    indented " + attack + "\n\n" +
           "| a" + attack + " | b |\n|---|---|\n| " + attack + " | c |\n\n" +
           "<div>" + attack + "</div>\n\n" +
           "Entities &#27;[2J &#x1b;]0;t&#7; &#155;31m &#127;\n";
}

}  // namespace

// ------------------------------------------------------------------------------- headings

TEST_CASE("level 1 heading is underlined with '=' per code point") {
    CHECK(plain("# Paramètres réseau") == "Paramètres réseau\n=================\n");
}

TEST_CASE("level 2 heading is underlined with '-'") {
    CHECK(plain("## Accès") == "Accès\n-----\n");
    CHECK(plain("Accès\n-----") == "Accès\n-----\n");
}

TEST_CASE("headings of level 3 to 6 keep their '#' marks") {
    CHECK(plain("### Détails") == "### Détails\n");
    CHECK(plain("###### Six") == "###### Six\n");
}

TEST_CASE("heading drops inline markup in plain mode") {
    CHECK(plain("# *Mise* à **jour**") == "Mise à jour\n===========\n");
}

// ------------------------------------------------------------------------------- paragraphs

TEST_CASE("blocks are separated by one blank line") {
    CHECK(plain("a\n\n\n\nb") == "a\n\nb\n");
    CHECK(plain("# T\ntext") == "T\n=\n\ntext\n");
}

TEST_CASE("soft line break becomes a space") {
    CHECK(plain("one\ntwo") == "one two\n");
}

TEST_CASE("hard line break starts a new line") {
    CHECK(plain("one  \ntwo") == "one\ntwo\n");
    CHECK(plain("one\\\ntwo") == "one\ntwo\n");
}

TEST_CASE("paragraph wraps at the width on word boundaries") {
    CHECK(plain("one two three four five", 9) == "one two\nthree\nfour five\n");
}

TEST_CASE("wrapping counts accented letters as one column") {
    // "Le contrôleur de" is 16 columns but 17 bytes, so it fits a width of 16.
    const std::string text = "Le contrôleur de domaine réplique vers le site secondaire";
    const std::string output = plain(text, 16);
    CHECK(output == "Le contrôleur de\ndomaine réplique\nvers le site\nsecondaire\n");
    for (const std::string& line : lines_of(output)) CHECK(count_code_points(line) <= 16);
}

TEST_CASE("word longer than the width gets a line of its own") {
    CHECK(plain("a verylongword b", 5) == "a\nverylongword\nb\n");
}

TEST_CASE("empty document renders as nothing") {
    CHECK(plain("").empty());
    CHECK(plain("\n\n   \n").empty());
}

// ------------------------------------------------------------------------------- inlines

TEST_CASE("plain mode drops emphasis markers") {
    CHECK(plain("*x* and **y** and ***z*** and _w_") == "x and y and z and w\n");
}

TEST_CASE("plain mode keeps backticks around inline code") {
    CHECK(plain("run `make test` now") == "run `make test` now\n");
}

TEST_CASE("plain mode keeps strikethrough markers") {
    CHECK(plain("~~old~~ new") == "~~old~~ new\n");
}

TEST_CASE("link target follows its text") {
    CHECK(plain("see the [guide](https://example.com/guide)") == "see the guide (https://example.com/guide)\n");
    CHECK(plain("[section](#paramètres-réseau)") == "section (#paramètres-réseau)\n");
}

TEST_CASE("link whose text is its target shows it once") {
    CHECK(plain("<https://example.com>") == "https://example.com\n");
    CHECK(plain("visit https://example.com/a now") == "visit https://example.com/a now\n");
    CHECK(plain("www.example.com") == "www.example.com\n");
    CHECK(plain("admin@example.com") == "admin@example.com\n");
}

TEST_CASE("link target may wrap to the next line") {
    CHECK(plain("read [the guide](https://e.com/g)", 16) == "read the guide\n(https://e.com/g)\n");
}

TEST_CASE("image shows its alternative text and target") {
    CHECK(plain("![logo](logo.png)") == "[image: logo] (logo.png)\n");
    CHECK(plain("![network map](map.svg)") == "[image: network map] (map.svg)\n");
    CHECK(plain("![](empty.png)") == "[image] (empty.png)\n");
}

TEST_CASE("raw HTML is shown as text") {
    CHECK(plain("<div>\n<script>alert(1)</script>\n</div>") == "<div>\n<script>alert(1)</script>\n</div>\n");
    CHECK(plain("a <b>bold</b> word") == "a <b>bold</b> word\n");
}

// ------------------------------------------------------------------------------- lists

TEST_CASE("bullet list items get bullets") {
    CHECK(plain("- a\n- b\n* c") == "• a\n• b\n\n• c\n");
}

TEST_CASE("nested lists are indented per level") {
    CHECK(plain("- a\n  - b\n    - c\n- d") == "• a\n  ◦ b\n    ▪ c\n• d\n");
    CHECK(plain("1. a\n   - b\n2. c") == "1. a\n   • b\n2. c\n");
}

TEST_CASE("ordered list counts from its start") {
    CHECK(plain("3. c\n4. d") == "3. c\n4. d\n");
    CHECK(plain("1) a\n2) b") == "1) a\n2) b\n");
}

TEST_CASE("ordered list numbers are right-aligned") {
    std::string markdown;
    for (int i = 1; i <= 10; ++i) markdown += std::to_string(i) + ". x\n";
    const std::vector<std::string> lines = lines_of(plain(markdown));
    REQUIRE(lines.size() == 10);
    CHECK(lines[0] == " 1. x");
    CHECK(lines[8] == " 9. x");
    CHECK(lines[9] == "10. x");
}

TEST_CASE("task list items show their checkbox") {
    CHECK(plain("- [ ] todo\n- [x] done") == "• [ ] todo\n• [x] done\n");
}

TEST_CASE("loose list items are separated by blank lines") {
    CHECK(plain("- a\n\n- b") == "• a\n\n• b\n");
    CHECK(plain("- a\n\n  more\n- b") == "• a\n\n  more\n\n• b\n");
}

TEST_CASE("wrapped list item continues under its text") {
    CHECK(plain("- alpha beta gamma delta epsilon", 22) == "• alpha beta gamma\n  delta epsilon\n");
}

TEST_CASE("empty list item still shows its bullet") {
    CHECK(plain("- a\n-\n- c") == "• a\n•\n• c\n");
}

// ------------------------------------------------------------------------------- quotes

TEST_CASE("block quote lines start with a bar") {
    CHECK(plain("> a\n>\n> b") == "│ a\n│\n│ b\n");
    CHECK(plain("> > nested") == "│ │ nested\n");
    CHECK(plain("> - item") == "│ • item\n");
}

TEST_CASE("block quote wraps within the width") {
    CHECK(plain("> alpha beta gamma delta epsilon", 24) == "│ alpha beta gamma delta\n│ epsilon\n");
}

// ------------------------------------------------------------------------------- code

TEST_CASE("fenced code block is indented and kept verbatim") {
    const std::string markdown = "```bash\necho  \"a   b\"\n\n\texit 0\n```";
    CHECK(plain(markdown) == "    echo  \"a   b\"\n\n    \texit 0\n");
}

TEST_CASE("code block lines are never wrapped") {
    const std::string line = "command --with --many --options --that --pass --the --width";
    CHECK(plain("```\n" + line + "\n```", 20) == "    " + line + "\n");
}

TEST_CASE("indented code block is indented by four spaces") {
    CHECK(plain("text\n\n    x = 1\n    y = 2") == "text\n\n    x = 1\n    y = 2\n");
}

TEST_CASE("code block in a list is indented under the item") {
    CHECK(plain("- a\n\n  ```\n  code\n  ```") == "• a\n\n      code\n");
}

// ------------------------------------------------------------------------------- tables

TEST_CASE("table columns are aligned") {
    const std::string markdown =
        "| Nom | IP | Rôle |\n"
        "|:----|---:|:----:|\n"
        "| srv-01 | 10.0.0.1 | contrôleur |\n"
        "| é | 1 | x |\n";
    CHECK(plain(markdown) ==
          "Nom    │       IP │    Rôle\n"
          "───────┼──────────┼───────────\n"
          "srv-01 │ 10.0.0.1 │ contrôleur\n"
          "é      │        1 │     x\n");
}

TEST_CASE("table without body rows still has its separator") {
    CHECK(plain("| a | bb |\n|---|---|") == "a │ bb\n──┼───\n");
}

TEST_CASE("table cells keep inline markup in plain mode") {
    CHECK(plain("| `x` | [y](http://z) |\n|---|---|\n| 1 | 2 |") ==
          "`x` │ y (http://z)\n"
          "────┼─────────────\n"
          "1   │ 2\n");
}

TEST_CASE("table wider than the width wraps its cells") {
    const std::string markdown =
        "| Nom | Description |\n"
        "|---|---|\n"
        "| srv-01 | Contrôleur de domaine principal avec réplication vers le site "
        "secondaire |\n"
        "| x | supercalifragilisticexpialidocious-très-long |\n";
    const std::string output = plain(markdown, 40);
    CHECK(output ==
          "Nom    │ Description\n"
          "───────┼────────────────────────────────\n"
          "srv-01 │ Contrôleur de domaine principal\n"
          "       │ avec réplication vers le site\n"
          "       │ secondaire\n"
          "x      │ supercalifragilisticexpialidoci\n"
          "       │ ous-très-long\n");
    for (const std::string& line : lines_of(output)) CHECK(count_code_points(line) <= 40);
}

TEST_CASE("table cell split never cuts a UTF-8 sequence") {
    const std::string markdown = "| a | b |\n|---|---|\n| x | " + repeat("é", 100) + " |\n";
    const std::string output = plain(markdown, 30);
    CHECK(is_valid_utf8(output));
    for (const std::string& line : lines_of(output)) CHECK(count_code_points(line) <= 30);
}

// ------------------------------------------------------------------------------- breaks

TEST_CASE("thematic break spans the width") {
    CHECK(plain("a\n\n---\n\nb", 10) == "a\n\n──────────\n\nb\n");
}

TEST_CASE("thematic break in a quote leaves room for the bar") {
    CHECK(plain("> ***", 30) == "│ " + repeat("─", 28) + "\n");
}

// ------------------------------------------------------------------------------- colour

TEST_CASE("colour mode makes headings bold") {
    CHECK(colored("# Titre") == "\x1b[1mTitre\x1b[0m\n\x1b[1m=====\x1b[0m\n");
    CHECK(colored("### Titre") == "\x1b[1m### Titre\x1b[0m\n");
}

TEST_CASE("colour mode marks inline spans with SGR codes") {
    CHECK(colored("*a* **b** `c` ~~d~~ [e](http://f)") ==
          "\x1b[3ma\x1b[0m \x1b[1mb\x1b[0m \x1b[36mc\x1b[0m \x1b[9md\x1b[0m \x1b[4;34me\x1b[0m "
          "\x1b[2m(http://f)\x1b[0m\n");
}

TEST_CASE("colour mode keeps a link underlined between its words") {
    CHECK(colored("[two words](http://x)") == "\x1b[4;34mtwo words\x1b[0m \x1b[2m(http://x)\x1b[0m\n");
}

TEST_CASE("colour mode colours code blocks and quote bars") {
    CHECK(colored("```\nx\n```") == "    \x1b[36mx\x1b[0m\n");
    CHECK(colored("> q") == "\x1b[2m│ \x1b[0mq\n");
}

TEST_CASE("colour mode shows the same text as plain mode without markers") {
    const std::string markdown = "# T\n\nSome *very* **long** text that wraps, with a [link](http://x).\n\n- a\n- b\n";
    CHECK(strip_sgr(colored(markdown, 20)) == plain(markdown, 20));
}

TEST_CASE("plain mode writes no escape sequences") {
    const std::string markdown = "# T\n\n*a* **b** `c` ~~d~~ [e](http://f)\n\n> q\n\n```\nx\n```\n\n|a|\n|-|\n|b|\n";
    CHECK(plain(markdown).find('\x1b') == std::string::npos);
}

// ------------------------------------------------------------------------------- safety

TEST_CASE("escape sequences in a document never reach the terminal") {
    for (const std::string& attack : kAttacks) {
        CAPTURE(attack);
        const std::string output = plain(document_with(attack));
        CHECK(find_terminal_control(output) == std::string::npos);
        CHECK(is_valid_utf8(output));
    }
}

TEST_CASE("colour mode writes no escape sequences but its own SGR codes") {
    for (const std::string& attack : kAttacks) {
        CAPTURE(attack);
        const std::string output = colored(document_with(attack));
        CHECK(find_non_sgr_escape(output) == std::string::npos);
        CHECK(find_terminal_control(strip_sgr(output)) == std::string::npos);
    }
}

TEST_CASE("control characters are removed and the text around them kept") {
    CHECK(plain("a\x07" "b \x1b[2Jc") == "ab [2Jc\n");
    CHECK(plain("x &#27;[31m y") == "x [31m y\n");
    CHECK(plain("x &#155;31m y") == "x 31m y\n");
}

TEST_CASE("invalid UTF-8 becomes replacement characters") {
    const std::string output = plain("a\x9b" "b \xff");
    CHECK(output == "a\xEF\xBF\xBD" "b \xEF\xBF\xBD\n");
}

// ------------------------------------------------------------------------------- pathological input

TEST_CASE("deeply nested block quotes are indented to a limit") {
    const std::string output = plain(std::string(10'000, '>') + " x");
    CHECK(output == repeat("│ ", 10) + "x\n");
}

TEST_CASE("deeply nested lists are indented to a limit") {
    const std::string output = plain(repeat("- ", 10'000) + "x");
    CHECK(output == "• ◦ ▪ • ◦ ▪ • ◦ ▪ • x\n");
}

TEST_CASE("deeply nested quotes and lists keep text readable") {
    const std::string output = plain(repeat("> 1. ", 5'000) + "one two three four five six seven eight nine ten");
    for (const std::string& line : lines_of(output)) CHECK(count_code_points(line) <= 80);
}

TEST_CASE("long runs of asterisks and brackets render") {
    CHECK(plain("x" + std::string(100'000, '[')) == "x" + std::string(100'000, '[') + "\n");
    CHECK(!plain(std::string(100'000, '*')).empty());
    CHECK(plain(std::string(100'000, '*') + "a" + std::string(100'000, '*')) == "a\n");
    CHECK(!plain(repeat("*a ", 50'000)).empty());
    CHECK(!plain(repeat("[a](", 50'000)).empty());
}

TEST_CASE("deeply nested images render") {
    const std::string output = plain(repeat("![", 10'000) + "a" + repeat("](u)", 10'000), 1'000'000);
    CHECK(output.find("[image: a] (u)]") != std::string::npos);
}

TEST_CASE("table of 5,000 columns renders") {
    const std::string markdown =
        repeat("|a", 5'000) + "|\n" + repeat("|-", 5'000) + "|\n" + repeat(repeat("|b", 5'000) + "|\n", 10);
    const std::string output = plain(markdown);
    CHECK(output.find('a') != std::string::npos);
    CHECK(output.find('b') != std::string::npos);
}

TEST_CASE("wide table header over many short rows renders") {
    // Each short row would be completed with 4,999 empty cells.
    const std::string markdown = repeat("x|", 5'000) + "\n" + repeat("-|", 5'000) + "\n" + repeat("x\n", 5'000);
    CHECK(!plain(markdown).empty());
}

TEST_CASE("table of many rows still renders as a table") {
    const std::string markdown = "| a | b |\n|---|---|\n" + repeat("| x | y |\n", 1'000);
    const std::vector<std::string> lines = lines_of(plain(markdown));
    REQUIRE(lines.size() == 1'002);
    CHECK(lines[1] == "──┼──");
    CHECK(lines[1'001] == "x │ y");
}

TEST_CASE("very narrow widths still render every word") {
    CHECK(plain("one two", 0) == "one\ntwo\n");
    CHECK(plain("one two", -5) == "one\ntwo\n");
}

// ------------------------------------------------------------------------------- anchors

TEST_CASE("anchor of a French heading keeps its accents") {
    CHECK(heading_anchor("Paramètres réseau") == "paramètres-réseau");
    CHECK(heading_anchor("Accès à distance") == "accès-à-distance");
    CHECK(heading_anchor("ÉTÉ 2024") == "été-2024");
    CHECK(heading_anchor("Œuvre") == "œuvre");
}

TEST_CASE("anchor drops punctuation") {
    CHECK(heading_anchor("What's new? (v1.2)") == "whats-new-v12");
    CHECK(heading_anchor("Sauvegarde : règles & rétention") == "sauvegarde--règles--rétention");
    CHECK(heading_anchor("L’adresse IP") == "ladresse-ip");
    CHECK(heading_anchor("« Serveur »") == "-serveur-");
}

TEST_CASE("anchor keeps hyphens and underscores") {
    CHECK(heading_anchor("snake_case-name") == "snake_case-name");
    CHECK(heading_anchor("SRV-01") == "srv-01");
}

TEST_CASE("anchor drops emoji and symbols") {
    CHECK(heading_anchor("🚀 Déploiement") == "-déploiement");
    CHECK(heading_anchor("Prix € / mois") == "prix---mois");
    CHECK(heading_anchor("→ Étape") == "-étape");
}

TEST_CASE("anchor turns each space into a hyphen") {
    CHECK(heading_anchor("a  b") == "a--b");
    CHECK(heading_anchor("a - b") == "a---b");
}

TEST_CASE("anchor of a decomposed heading is composed") {
    CHECK(heading_anchor("Parame\xcc\x80tres") == "paramètres");
}

TEST_CASE("anchor of an empty heading is empty") {
    CHECK(heading_anchor("").empty());
    CHECK(heading_anchor("?!").empty());
}
