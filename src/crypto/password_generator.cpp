// Random passwords and passphrases, drawn with libsodium's randombytes_uniform (unbiased).
#include "dossier/password_generator.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "sodium_setup.hpp"

namespace dossier {

namespace detail {
// Generated from wordlists/*.txt by cmake/EmbedWordLists.cmake.
std::string_view embedded_word_list(std::string_view language) noexcept;
}  // namespace detail

namespace {

constexpr std::string_view lower = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view digits = "0123456789";
// Symbols that a shell and a YAML plain scalar take literally wherever they appear: no quote,
// space, $, !, *, #, &, ~, :, %, @, `, comma, brackets or backslash.
constexpr std::string_view symbols = "-_.+=/";

constexpr std::size_t alphabet_size = lower.size() + upper.size() + digits.size() + symbols.size();

constexpr std::array<char, alphabet_size> make_alphabet() {
    std::array<char, alphabet_size> alphabet{};
    std::size_t i = 0;
    for (std::string_view part : {lower, upper, digits, symbols})
        for (char c : part) alphabet[i++] = c;
    return alphabet;
}
constexpr std::array<char, alphabet_size> alphabet = make_alphabet();

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> words;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty()) words.push_back(line);
    }
    return words;
}

}  // namespace

SecretBytes generate_password(int length) {
    if (length < 8 || length > 1024) {
        throw Error(ErrorKind::usage,
                    fmt::format(fmt::runtime(tr("a password has 8 to 1024 characters, not {}")), length),
                    tr("choose a length such as --length 24"));
    }
    crypto::ensure_sodium();
    SecretBytes password(static_cast<std::size_t>(length));
    // Draw every character uniformly and start again until each class is present: the result is
    // uniform among the passwords that hold all four classes.
    for (;;) {
        bool has_lower = false, has_upper = false, has_digit = false, has_symbol = false;
        for (std::size_t i = 0; i < password.size(); ++i) {
            char c = alphabet[randombytes_uniform(static_cast<std::uint32_t>(alphabet.size()))];
            password.data()[i] = c;
            has_lower |= lower.find(c) != std::string_view::npos;
            has_upper |= upper.find(c) != std::string_view::npos;
            has_digit |= digits.find(c) != std::string_view::npos;
            has_symbol |= symbols.find(c) != std::string_view::npos;
        }
        if (has_lower && has_upper && has_digit && has_symbol) return password;
    }
}

SecretBytes generate_passphrase(int words, std::string_view language) {
    if (words < 3 || words > 64) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("a passphrase has 3 to 64 words, not {}")), words),
                    tr("choose a number of words such as --words 6"));
    }
    crypto::ensure_sodium();
    std::span<const std::string_view> list = word_list(language);
    std::vector<std::uint32_t> picks(static_cast<std::size_t>(words));
    std::size_t size = picks.size() - 1;  // the hyphens
    for (std::uint32_t& pick : picks) {
        pick = randombytes_uniform(static_cast<std::uint32_t>(list.size()));
        size += list[pick].size();
    }
    SecretBytes passphrase(size);
    char* out = passphrase.data();
    for (std::size_t i = 0; i < picks.size(); ++i) {
        if (i > 0) *out++ = '-';
        std::string_view word = list[picks[i]];
        std::memcpy(out, word.data(), word.size());
        out += word.size();
    }
    sodium_memzero(picks.data(), picks.size() * sizeof(std::uint32_t));
    return passphrase;
}

std::span<const std::string_view> word_list(std::string_view language) {
    static const std::vector<std::string_view> english = split_lines(detail::embedded_word_list("en"));
    static const std::vector<std::string_view> french = split_lines(detail::embedded_word_list("fr"));
    if (language == "fr") return french;
    return english;
}

}  // namespace dossier
