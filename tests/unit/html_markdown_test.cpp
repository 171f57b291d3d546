// Unit tests of the HTML to Markdown converter of the IT Glue import.
#include <doctest/doctest.h>

#include <string>

#include "importers/html_markdown.hpp"

namespace {

using dossier::importers::html_to_markdown;
using dossier::importers::HtmlOptions;

std::string markdown(const std::string& html) { return html_to_markdown(html).markdown; }

TEST_CASE("html headings and paragraphs become Markdown blocks") {
    CHECK(markdown("<h1>Title</h1><p>One  \n two</p><h3>Part</h3><p>Three</p>") ==
          "# Title\n\nOne two\n\n### Part\n\nThree");
}

TEST_CASE("html inline marks keep their spaces outside") {
    CHECK(markdown("<p>Restart: <b>sunday only </b>and <i>never</i> <code>a*b</code></p>") ==
          "Restart: **sunday only** and *never* `a*b`");
    CHECK(markdown("<p><s>old</s> <strong>new</strong></p>") == "~~old~~ **new**");
}

TEST_CASE("html text that looks like Markdown is escaped") {
    CHECK(markdown("<p># not a heading</p>") == "\\# not a heading");
    CHECK(markdown("<p>1. not a list, a*b [x]</p>") == "1\\. not a list, a\\*b \\[x\\]");
    CHECK(markdown("<p>svc_backup and _x_</p>") == "svc_backup and \\_x\\_");
}

TEST_CASE("html nested lists become indented Markdown lists") {
    CHECK(markdown("<ul><li>one<ul><li>one.a</li><li>one.b</li></ul></li><li>two</li></ul>") ==
          "- one\n  - one.a\n  - one.b\n- two");
    CHECK(markdown("<ol start=\"3\"><li>three</li><li>four<ol><li>sub</li></ol></li></ol>") ==
          "3. three\n4. four\n   1. sub");
}

TEST_CASE("html line breaks become hard breaks") {
    CHECK(markdown("<p>first<br>second<br/></p>") == "first\\\nsecond");
}

TEST_CASE("html links and images keep their targets") {
    CHECK(markdown("<p><a href=\"https://example.com/a b\">site</a> <a href=\"https://x.example\"></a></p>") ==
          "[site](<https://example.com/a b>) [https://x.example](https://x.example)");
    CHECK(markdown("<p><img src=\"img/a.png\" alt=\"capture\"></p>") == "![capture](img/a.png)");
    HtmlOptions options;
    options.image = [](const std::string& src, const std::string&) { return src == "keep.png" ? "files/keep.png" : ""; };
    CHECK(html_to_markdown("<p><img src=\"keep.png\" alt=\"a\"><img src=\"gone.png\"></p>", options).markdown ==
          "![a](files/keep.png)");
}

TEST_CASE("html tables become GFM tables") {
    CHECK(markdown("<table><tr><th>Step</th><th>Action</th></tr><tr><td>1</td><td>a | b</td></tr></table>") ==
          "| Step | Action |\n| --- | --- |\n| 1 | a \\| b |");
    auto merged = html_to_markdown("<table><tr><td colspan=\"2\">wide</td></tr><tr><td>x</td><td>y</td></tr></table>");
    CHECK(merged.markdown == "| wide |  |\n| --- | --- |\n| x | y |");
    REQUIRE(merged.losses.size() == 1);
    CHECK(merged.losses[0].find("spans several columns") != std::string::npos);
}

TEST_CASE("html pre blocks become fenced code") {
    CHECK(markdown("<pre>set policy 12\n  set srcintf \"lan\"\nend</pre>") ==
          "```\nset policy 12\n  set srcintf \"lan\"\nend\n```");
    CHECK(markdown("<pre>a ``` b</pre>") == "````\na ``` b\n````");
}

TEST_CASE("html without a Markdown form is reported") {
    auto result = html_to_markdown("<p><u>under</u> text</p><script>alert(1)</script><p>x<sup>2</sup></p>");
    CHECK(result.markdown == "under text\n\nx2");
    CHECK(result.losses.size() == 3);
}

TEST_CASE("html page keeps its body only") {
    CHECK(markdown("<!DOCTYPE html><html><head><title>T</title></head><body><p>Body &amp; more</p></body></html>") ==
          "Body & more");
    CHECK(markdown("   ").empty());
    CHECK(markdown("<p>Rôle : <b>dimanche</b> — é</p>") == "Rôle : **dimanche** — é");
}

}  // namespace
