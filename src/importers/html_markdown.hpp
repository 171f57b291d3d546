// HTML turned into CommonMark with GitHub's tables, for platform exports whose documents and
// notes are HTML. The HTML is parsed with libxml2's HTML parser, which repairs tag soup the
// way browsers do.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dossier::importers {

struct HtmlConversion {
    std::string markdown;
    // Translated sentences, one per construct that has no Markdown form and was changed or
    // left out (an underline, a script, a list inside a table cell...).
    std::vector<std::string> losses;
};

struct HtmlOptions {
    // Called for each <img> with its src and alt: returns the link to write in the Markdown, or
    // an empty string to leave the image out (the caller reports why). May be empty: images
    // then keep their src.
    std::function<std::string(const std::string& src, const std::string& alt)> image;
};

// Converts `html`, a whole page or a fragment in UTF-8: headings, paragraphs, line breaks,
// nested lists, bold, italic, strikethrough, inline code and <pre> blocks, links, images,
// block quotes, rules and tables (the first row becomes the header). Bad HTML is no error:
// the parser repairs it, and a text it cannot read at all gives an empty result.
HtmlConversion html_to_markdown(std::string_view html, const HtmlOptions& options = {});

// Returns `line` with a backslash before what would start a Markdown block at its start (a
// heading, a quote, a list item, a table row, a fence), so that text reads back as text.
std::string escape_block_start(std::string_view line);

// Returns a platform's notes or description as Markdown: HTML converted, plain text with its
// lines kept and the characters that would start a Markdown block at the start of a line
// escaped. CRLF becomes LF, and the text is trimmed. Adds to `losses`, when given, what the
// HTML had that Markdown cannot hold.
std::string notes_markdown(std::string_view text, std::vector<std::string>* losses = nullptr);

}  // namespace dossier::importers
