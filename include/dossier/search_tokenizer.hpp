// The words the search index stores and looks up: accents folded, French elision removed.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace dossier {

// One word of a text: its folded form and where it was in the text, as byte offsets.
struct SearchToken {
    std::string_view folded;  // valid until the callback returns
    std::size_t begin = 0;
    std::size_t end = 0;
};

// Splits `text` into words and calls `on_token` for each, in order, until it returns false.
// A word is a run of letters, digits and combining marks. Every other character separates
// words, so "SRV-01" gives srv and 01, and "10.0.0.1" gives 10, 0, 0 and 1. Each word is
// case-folded, with its accents removed and compatibility forms expanded (Société gives
// societe, œ gives oe, ﬁ gives fi, Straße gives strasse). A French elided word before an
// apostrophe (l', d', qu', jusqu'…) followed by a letter gives no word, so "l'adresse" gives
// adresse. Invalid UTF-8 bytes separate words. Words longer than 255 bytes are cut there.
// Indexing and queries use this one function, so a word typed matches the word stored.
void tokenize_for_search(std::string_view text, const std::function<bool(const SearchToken&)>& on_token);

// Returns the words of `text` folded as tokenize_for_search does, joined by single spaces.
std::string fold_for_search(std::string_view text);

}  // namespace dossier
