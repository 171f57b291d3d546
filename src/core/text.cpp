#include "dossier/text.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

namespace dossier {
namespace {

// Returns the 1-based line and column (in code points) of `offset`. LF, CRLF and a lone CR
// each end a line, as in split_front_matter. The bytes before `offset` must be valid UTF-8.
SourceLocation location_of_offset(std::string_view text, std::size_t offset, const std::string& display_path) {
    offset = std::min(offset, text.size());
    int line = 1;
    std::size_t line_begin = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        bool lone_cr = text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n');
        if (text[i] == '\n' || lone_cr) {
            ++line;
            line_begin = i + 1;
        }
    }
    int column = count_code_points(text.substr(line_begin), offset - line_begin) + 1;
    return SourceLocation{display_path, line, column, {}};
}

void append_utf8(std::string& out, char32_t code_point) {
    utf8proc_uint8_t buffer[4];
    auto length = utf8proc_encode_char(static_cast<utf8proc_int32_t>(code_point), buffer);
    out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(length));
}

std::string utf16_to_utf8(std::string_view bytes, bool little_endian, const std::string& display_path) {
    auto unit_at = [&](std::size_t i) -> char16_t {
        auto first = static_cast<unsigned char>(bytes[i]);
        auto second = static_cast<unsigned char>(bytes[i + 1]);
        return static_cast<char16_t>(little_endian ? (second << 8 | first) : (first << 8 | second));
    };

    // Decodes the whole code units first, so an odd last byte is reported at its line.
    std::size_t whole_units_end = bytes.size() - bytes.size() % 2;
    std::string out;
    out.reserve(bytes.size());
    for (std::size_t i = 0; i < whole_units_end; i += 2) {
        char32_t unit = unit_at(i);
        if (unit >= 0xD800 && unit <= 0xDBFF && i + 3 < whole_units_end) {
            char32_t low = unit_at(i + 2);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
                i += 2;
                continue;
            }
        }
        if (unit >= 0xD800 && unit <= 0xDFFF) {
            auto location = location_of_offset(out, out.size(), display_path);
            throw Error(ErrorKind::invalid_input, location,
                        fmt::format(fmt::runtime(tr("invalid UTF-16 text: unpaired surrogate in {} at line {}")),
                                    display_path, location.line),
                        tr("save the file as UTF-8"));
        }
        append_utf8(out, unit);
    }

    if (whole_units_end != bytes.size()) {
        throw Error(ErrorKind::invalid_input, location_of_offset(out, out.size(), display_path),
                    fmt::format(fmt::runtime(tr("invalid UTF-16 text: odd number of bytes in {}")), display_path),
                    tr("save the file as UTF-8"));
    }
    return out;
}

LineEnding first_line_ending(std::string_view text) {
    auto at = text.find_first_of("\r\n");
    if (at == std::string_view::npos || text[at] == '\n') return LineEnding::lf;
    return at + 1 < text.size() && text[at + 1] == '\n' ? LineEnding::crlf : LineEnding::cr;
}

struct FreeDeleter {
    void operator()(void* pointer) const noexcept { std::free(pointer); }
};

std::string map_utf8(std::string_view text, int options) {
    utf8proc_uint8_t* mapped = nullptr;
    auto length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                               static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                               static_cast<utf8proc_option_t>(options));
    std::unique_ptr<utf8proc_uint8_t, FreeDeleter> owner(mapped);
    if (length < 0) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("invalid UTF-8 text: {}")), utf8proc_errmsg(length)));
    }
    return std::string(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(length));
}

// Letters that Unicode decomposition leaves whole but that have a usual ASCII spelling.
const char* ascii_spelling(char32_t code_point) {
    switch (code_point) {
        case U'œ': case U'Œ': return "oe";
        case U'æ': case U'Æ': return "ae";
        case U'ß': return "ss";
        case U'ø': case U'Ø': return "o";
        case U'đ': case U'Đ': return "d";
        case U'ł': case U'Ł': return "l";
        case U'þ': case U'Þ': return "th";
        default: return nullptr;
    }
}

}  // namespace

std::size_t find_invalid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        utf8proc_int32_t code_point = 0;
        auto length = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
                                       static_cast<utf8proc_ssize_t>(text.size() - i), &code_point);
        if (length <= 0) return i;
        i += static_cast<std::size_t>(length);
    }
    return std::string_view::npos;
}

DecodedText decode_text(std::string_view bytes, const std::string& display_path) {
    DecodedText decoded;
    if (bytes.starts_with("\xEF\xBB\xBF")) {
        decoded.bom = Bom::utf8;
        decoded.utf8 = bytes.substr(3);
    } else if (bytes.starts_with("\xFF\xFE")) {
        decoded.bom = Bom::utf16le;
        decoded.utf8 = utf16_to_utf8(bytes.substr(2), true, display_path);
    } else if (bytes.starts_with("\xFE\xFF")) {
        decoded.bom = Bom::utf16be;
        decoded.utf8 = utf16_to_utf8(bytes.substr(2), false, display_path);
    } else {
        decoded.utf8 = bytes;
    }

    auto invalid = find_invalid_utf8(decoded.utf8);
    if (invalid != std::string_view::npos) {
        auto location = location_of_offset(decoded.utf8, invalid, display_path);
        throw Error(ErrorKind::invalid_input, location,
                    fmt::format(fmt::runtime(tr("invalid UTF-8 text in {} at line {}")), display_path, location.line),
                    tr("save the file as UTF-8, for example with: iconv -f WINDOWS-1252 -t UTF-8"));
    }
    auto nul = decoded.utf8.find('\0');
    if (nul != std::string::npos) {
        auto location = location_of_offset(decoded.utf8, nul, display_path);
        throw Error(ErrorKind::invalid_input, location,
                    fmt::format(fmt::runtime(tr("NUL byte in {} at line {}")), display_path, location.line),
                    tr("a text file has no NUL bytes: if it is UTF-16 without a byte order mark, save it as UTF-8"));
    }

    decoded.line_ending = first_line_ending(decoded.utf8);
    decoded.final_newline = decoded.utf8.empty() || decoded.utf8.back() == '\n' || decoded.utf8.back() == '\r';
    return decoded;
}

std::string encode_text(std::string_view utf8, Bom bom) {
    switch (bom) {
        case Bom::none: return std::string(utf8);
        case Bom::utf8: return "\xEF\xBB\xBF" + std::string(utf8);
        case Bom::utf16le:
        case Bom::utf16be: break;
    }

    bool little_endian = bom == Bom::utf16le;
    std::string out = little_endian ? "\xFF\xFE" : "\xFE\xFF";
    auto put_unit = [&](char32_t unit) {
        char high = static_cast<char>((unit >> 8) & 0xFF);
        char low = static_cast<char>(unit & 0xFF);
        out += little_endian ? low : high;
        out += little_endian ? high : low;
    };
    std::size_t i = 0;
    while (i < utf8.size()) {
        utf8proc_int32_t code_point = 0;
        auto length = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data() + i),
                                       static_cast<utf8proc_ssize_t>(utf8.size() - i), &code_point);
        if (length <= 0) break;
        i += static_cast<std::size_t>(length);
        auto value = static_cast<char32_t>(code_point);
        if (value >= 0x10000) {
            value -= 0x10000;
            put_unit(0xD800 + (value >> 10));
            put_unit(0xDC00 + (value & 0x3FF));
        } else {
            put_unit(value);
        }
    }
    return out;
}

std::string to_nfc(std::string_view text) { return map_utf8(text, UTF8PROC_STABLE | UTF8PROC_COMPOSE); }

std::string collision_key(std::string_view text) {
    return map_utf8(text, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
}

int count_code_points(std::string_view text, std::size_t bytes) {
    int count = 0;
    for (std::size_t i = 0; i < bytes && i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++count;
    }
    return count;
}

std::string slugify(std::string_view text) {
    std::string decomposed = map_utf8(text, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT);
    std::string slug;
    bool pending_hyphen = false;
    auto append = [&](std::string_view piece) {
        if (pending_hyphen && !slug.empty()) slug += '-';
        pending_hyphen = false;
        slug += piece;
    };

    std::size_t i = 0;
    while (i < decomposed.size()) {
        utf8proc_int32_t code_point = 0;
        auto length = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(decomposed.data() + i),
                                       static_cast<utf8proc_ssize_t>(decomposed.size() - i), &code_point);
        i += static_cast<std::size_t>(length);
        auto category = utf8proc_category(code_point);
        if (category == UTF8PROC_CATEGORY_MN || category == UTF8PROC_CATEGORY_MC) continue;

        if (code_point < 0x80 && std::isalnum(code_point)) {
            append(std::string(1, static_cast<char>(std::tolower(code_point))));
        } else if (const char* spelling = ascii_spelling(static_cast<char32_t>(code_point))) {
            append(spelling);
        } else {
            pending_hyphen = true;
        }
    }
    return slug;
}

bool is_valid_slug(std::string_view slug) {
    if (slug.empty() || slug.front() == '-' || slug.back() == '-') return false;
    char previous = '\0';
    for (char c : slug) {
        bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        if (!allowed || (c == '-' && previous == '-')) return false;
        previous = c;
    }
    return true;
}

}  // namespace dossier
