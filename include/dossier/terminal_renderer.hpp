// Markdown (GitHub Flavored) rendered for a terminal with cmark-gfm.
#pragma once

#include <string>
#include <string_view>

namespace dossier {

struct TerminalStyle {
    bool color = false;  // ANSI escape sequences for headings, emphasis, code and links
    int width = 80;      // columns available for wrapping paragraphs and tables
};

// Renders `markdown` (a document body, without front matter) for a terminal: headings,
// emphasis, lists, block quotes, tables, fenced code, links with their targets, and
// thematic breaks. Without colour the output is plain text with no escape sequences.
// Terminal control characters found in the document are never passed through.
std::string render_for_terminal(std::string_view markdown, const TerminalStyle& style);

// Returns `text` safe to print as one line of a terminal: control characters (escape sequences
// included) removed, line breaks and tabs turned into spaces, invalid UTF-8 replaced by U+FFFD.
std::string terminal_safe_line(std::string_view text);

// Returns the anchor slug of a heading, as links to `#anchor` use it: lowercase, letters
// with accents kept, spaces to hyphens, punctuation dropped ("Paramètres réseau" gives
// "paramètres-réseau"). Link checks and tables of contents compare `#anchor` fragments with
// it. The result is in NFC, so callers normalise link fragments to NFC before comparing.
std::string heading_anchor(std::string_view heading_text);

}  // namespace dossier
