#include "dossier/search_tokenizer.hpp"

#include <array>
#include <cctype>
#include <vector>
#include <utf8proc.h>

namespace dossier {
namespace {

constexpr std::size_t max_token_bytes = 255;

// Letters that Unicode does not decompose into a base letter and a mark, folded by hand the
// way a French or European reader expects.
std::string_view special_fold(char32_t code_point) {
    switch (code_point) {
    case 0x00C6: case 0x00E6: return "ae";  // Æ æ
    case 0x0152: case 0x0153: return "oe";  // Œ œ
    case 0x00D8: case 0x00F8: return "o";   // Ø ø
    case 0x0141: case 0x0142: return "l";   // Ł ł
    case 0x0110: case 0x0111: return "d";   // Đ đ
    case 0x00D0: case 0x00F0: return "d";   // Ð ð
    case 0x00DE: case 0x00FE: return "th";  // Þ þ
    case 0x0126: case 0x0127: return "h";   // Ħ ħ
    case 0x0166: case 0x0167: return "t";   // Ŧ ŧ
    case 0x0131: return "i";                // dotless ı
    default: return {};
    }
}

bool is_word_category(utf8proc_category_t category) {
    switch (category) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return true;
    default:
        return false;
    }
}

void append_utf8(std::string& out, char32_t code_point) {
    std::array<utf8proc_uint8_t, 4> bytes{};
    auto length = utf8proc_encode_char(static_cast<utf8proc_int32_t>(code_point), bytes.data());
    out.append(reinterpret_cast<const char*>(bytes.data()), static_cast<std::size_t>(length));
}

// The part one code point takes in a word: whether it belongs to one, and its folded text
// (empty for a combining mark, which only extends the word).
struct Folding {
    bool in_word = false;
    std::string folded;
};

Folding compute_folding(char32_t code_point) {
    Folding folding;
    // U+02BC is a letter for Unicode, but in French text it stands for the apostrophe.
    if (code_point == 0x02BC) return folding;

    folding.in_word = is_word_category(utf8proc_category(static_cast<utf8proc_int32_t>(code_point)));
    if (!folding.in_word) return folding;

    if (auto special = special_fold(code_point); !special.empty()) {
        folding.folded = special;
        return folding;
    }
    std::array<utf8proc_int32_t, 32> decomposed{};
    int boundary = 0;
    auto options = static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                                  UTF8PROC_STRIPMARK);
    auto count = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(code_point), decomposed.data(),
                                         decomposed.size(), options, &boundary);
    if (count < 0 || static_cast<std::size_t>(count) > decomposed.size()) {
        append_utf8(folding.folded, code_point);
        return folding;
    }
    for (int i = 0; i < count; ++i) {
        auto part = static_cast<char32_t>(decomposed[static_cast<std::size_t>(i)]);
        if (auto special = special_fold(part); !special.empty()) {
            folding.folded += special;
        } else if (part < 0x80) {
            // Compatibility forms may expand into punctuation (½ gives 1⁄2): keep letters and digits.
            auto c = static_cast<char>(part);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) folding.folded += c;
        } else {
            append_utf8(folding.folded, part);
        }
    }
    return folding;
}

// Foldings of the code points most text uses (Latin, Greek, Cyrillic and the rest below
// U+3000), computed once.
constexpr char32_t table_size = 0x3000;

const Folding& folding_of(char32_t code_point, Folding& scratch) {
    static const std::vector<Folding> table = [] {
        std::vector<Folding> built(table_size);
        for (char32_t c = 0x80; c < table_size; ++c) built[c] = compute_folding(c);
        return built;
    }();
    if (code_point < table_size) return table[code_point];
    scratch = compute_folding(code_point);
    return scratch;
}

bool is_apostrophe(char32_t code_point) { return code_point == 0x27 || code_point == 0x2019 || code_point == 0x02BC; }

// French words that lose their vowel before another word: l'adresse, qu'il, jusqu'au.
bool is_elided_word(std::string_view folded) {
    static constexpr std::array<std::string_view, 14> words = {"l", "d",  "j",     "m",      "n",      "s",      "t",
                                                               "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu"};
    for (auto word : words) {
        if (folded == word) return true;
    }
    return false;
}

// Reads the code point at `offset`; `length` is 1 and the result invalid for a bad byte.
char32_t read_code_point(std::string_view text, std::size_t offset, std::size_t& length) {
    auto byte = static_cast<unsigned char>(text[offset]);
    if (byte < 0x80) {
        length = 1;
        return byte;
    }
    utf8proc_int32_t code_point = -1;
    auto read = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + offset),
                                 static_cast<utf8proc_ssize_t>(text.size() - offset), &code_point);
    if (read <= 0 || code_point < 0) {
        length = 1;
        return 0xFFFFFFFF;
    }
    length = static_cast<std::size_t>(read);
    return static_cast<char32_t>(code_point);
}

bool is_ascii_word_byte(unsigned char byte) {
    return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9');
}

}  // namespace

void tokenize_for_search(std::string_view text, const std::function<bool(const SearchToken&)>& on_token) {
    std::string folded;
    Folding scratch;
    std::size_t offset = 0;
    while (offset < text.size()) {
        // Skip separators.
        std::size_t length = 1;
        char32_t code_point = read_code_point(text, offset, length);
        bool starts_word = code_point < 0x80 ? is_ascii_word_byte(static_cast<unsigned char>(code_point))
                                             : code_point != 0xFFFFFFFF && folding_of(code_point, scratch).in_word;
        if (!starts_word) {
            offset += length;
            continue;
        }

        // Read the word.
        std::size_t begin = offset;
        folded.clear();
        bool cut = false;  // the folded word reached max_token_bytes: the rest is read, not kept
        while (offset < text.size()) {
            code_point = read_code_point(text, offset, length);
            if (code_point < 0x80) {
                auto byte = static_cast<unsigned char>(code_point);
                if (!is_ascii_word_byte(byte)) break;
                if (folded.size() < max_token_bytes && !cut) {
                    folded += static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte + 32 : byte);
                } else {
                    cut = true;
                }
            } else {
                if (code_point == 0xFFFFFFFF) break;
                const auto& folding = folding_of(code_point, scratch);
                if (!folding.in_word) break;
                if (folded.size() + folding.folded.size() <= max_token_bytes && !cut) {
                    folded += folding.folded;
                } else {
                    cut = true;
                }
            }
            offset += length;
        }
        std::size_t end = offset;

        // l'adresse: drop the elided word when an apostrophe and a letter follow it.
        if (offset < text.size() && is_elided_word(folded)) {
            std::size_t apostrophe_length = 1;
            if (is_apostrophe(read_code_point(text, offset, apostrophe_length)) &&
                offset + apostrophe_length < text.size()) {
                std::size_t next_length = 1;
                char32_t next = read_code_point(text, offset + apostrophe_length, next_length);
                bool next_is_letter = next < 0x80 ? std::isalpha(static_cast<unsigned char>(next)) != 0
                                                  : next != 0xFFFFFFFF && folding_of(next, scratch).in_word;
                if (next_is_letter) continue;
            }
        }
        // A word made only of combining marks folds to nothing and is no word.
        if (folded.empty()) continue;
        if (!on_token(SearchToken{folded, begin, end})) return;
    }
}

std::string fold_for_search(std::string_view text) {
    std::string out;
    tokenize_for_search(text, [&out](const SearchToken& token) {
        if (!out.empty()) out += ' ';
        out += token.folded;
        return true;
    });
    return out;
}

}  // namespace dossier
