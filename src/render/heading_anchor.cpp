// Anchor slugs of headings, as GitHub makes them for links to `#anchor`.

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "dossier/terminal_renderer.hpp"
#include "terminal_renderer_internal.hpp"

namespace dossier {
namespace {

struct FreeDeleter {
    void operator()(void* pointer) const noexcept { std::free(pointer); }
};

void append_utf8(std::string& out, utf8proc_int32_t code_point) {
    utf8proc_uint8_t buffer[4];
    const auto length = utf8proc_encode_char(code_point, buffer);
    out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(length));
}

// Letters, combining marks, decimal digits and connector punctuation such as '_': the
// characters that GitHub keeps in an anchor, besides '-'.
bool is_anchor_character(utf8proc_int32_t code_point) {
    if (code_point == '-') return true;
    switch (utf8proc_category(code_point)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_PC: return true;
        default: return false;
    }
}

std::string to_nfc(const std::string& text) {
    const std::unique_ptr<utf8proc_uint8_t, FreeDeleter> composed(
        utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(text.c_str())));
    if (composed == nullptr) return text;
    return std::string(reinterpret_cast<const char*>(composed.get()));
}

}  // namespace

// Follows GitHub: each space becomes a hyphen (so "a  b" gives "a--b" and a leading emoji
// leaves a leading hyphen), and nothing is trimmed or collapsed. The result is in NFC, so
// headings typed in NFC and NFD give the same anchor. Callers number duplicate headings by
// appending "-1", "-2" and so on to the anchors after the first.
std::string heading_anchor(std::string_view heading_text) {
    std::string anchor;
    render::for_each_code_point(heading_text, [&](utf8proc_int32_t code_point, std::string_view) {
        if (code_point == ' ') {
            anchor += '-';
        } else if (code_point >= 0 && is_anchor_character(code_point)) {
            append_utf8(anchor, utf8proc_tolower(code_point));
        }
    });
    return to_nfc(anchor);
}

}  // namespace dossier
