// Display widths of text in a terminal, and removal of terminal control characters.
//
// Widths are display columns as utf8proc_charwidth gives them: one per code point for Latin
// text, two for wide East Asian characters and most emoji, none for combining marks.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

#include "terminal_renderer_internal.hpp"

namespace dossier::render {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// True for C0 controls other than tab and line feed, for DEL and for C1 controls. A terminal
// acts on these (ESC starts escape sequences, U+009B is a one-byte CSI), so none may come
// from a document.
bool is_terminal_control(utf8proc_int32_t code_point) {
    if (code_point < 0x20) return code_point != '\t' && code_point != '\n';
    return code_point >= 0x7F && code_point <= 0x9F;
}

}  // namespace

int display_width(std::string_view text) {
    int width = 0;
    for_each_code_point(text, [&](utf8proc_int32_t code_point, std::string_view) {
        width += code_point < 0 ? 1 : std::max(utf8proc_charwidth(code_point), 0);
    });
    return width;
}

std::string strip_terminal_controls(std::string_view text) {
    std::string clean;
    clean.reserve(text.size());
    for_each_code_point(text, [&](utf8proc_int32_t code_point, std::string_view bytes) {
        if (code_point < 0) {
            clean += kReplacementCharacter;
        } else if (!is_terminal_control(code_point)) {
            clean += bytes;
        }
    });
    return clean;
}

std::string repeat(std::string_view text, int count) {
    std::string repeated;
    repeated.reserve(text.size() * static_cast<std::size_t>(std::max(count, 0)));
    for (int i = 0; i < count; ++i) repeated += text;
    return repeated;
}

}  // namespace dossier::render
