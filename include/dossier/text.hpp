// Bytes to text: BOMs, UTF-16, line endings, UTF-8 validation, NFC and slugs.
#pragma once

#include <string>
#include <string_view>

namespace dossier {

enum class Bom { none, utf8, utf16le, utf16be };
enum class LineEnding { lf, crlf, cr };

// A file's content as UTF-8, plus what is needed to write it back byte for byte.
struct DecodedText {
    std::string utf8;                     // without the BOM; line endings as in the file
    Bom bom = Bom::none;
    LineEnding line_ending = LineEnding::lf;  // the first line ending found, else LF
    bool final_newline = true;
};

// Decodes `bytes`: strips a BOM, converts UTF-16 to UTF-8, and checks UTF-8 and NUL
// bytes. Throws Error(invalid_input) located at `display_path`, line and column of the first
// invalid byte; LF, CRLF and a lone CR each end a line.
DecodedText decode_text(std::string_view bytes, const std::string& display_path);

// Encodes `utf8` back with the BOM it was read with, as UTF-16 for a UTF-16 BOM.
std::string encode_text(std::string_view utf8, Bom bom);

// Returns the byte offset of the first invalid UTF-8 sequence, or npos when valid.
std::size_t find_invalid_utf8(std::string_view text);

// Returns `text` in Unicode Normalization Form C. `text` must be valid UTF-8.
std::string to_nfc(std::string_view text);

// Returns a key under which paths that differ only in case or normalisation collide.
std::string collision_key(std::string_view text);

// Returns the number of code points in the first `bytes` bytes of `text`.
int count_code_points(std::string_view text, std::size_t bytes);

// Returns a slug: lowercase ASCII letters, digits and single hyphens, accents removed
// ("Société Générale" gives "societe-generale", "Œuvre" gives "oeuvre"). May be empty.
std::string slugify(std::string_view text);

// Returns true when `slug` is non-empty and made of [a-z0-9] groups joined by single hyphens.
bool is_valid_slug(std::string_view slug);

}  // namespace dossier
