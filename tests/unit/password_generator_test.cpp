// Tests of the password and passphrase generator and of the shipped word lists.
#include "dossier/password_generator.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/error.hpp"

namespace {

using dossier::Error;
using dossier::ErrorKind;
using dossier::generate_passphrase;
using dossier::generate_password;
using dossier::word_list;

constexpr std::string_view lower = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view digits = "0123456789";
constexpr std::string_view symbols = "-_.+=/";

bool has_any(std::string_view text, std::string_view set) { return text.find_first_of(set) != std::string_view::npos; }

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t end; (end = text.find(separator, start)) != std::string_view::npos; start = end + 1)
        parts.emplace_back(text.substr(start, end - start));
    parts.emplace_back(text.substr(start));
    return parts;
}

void check_usage_error(auto&& call) {
    try {
        call();
        FAIL("no error for a value out of range");
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::usage);
    }
}

}  // namespace

TEST_CASE("password generator: each word list has at least 2048 distinct valid words") {
    for (std::string_view language : {"en", "fr"}) {
        CAPTURE(language);
        auto list = word_list(language);
        CHECK(list.size() >= 2048);
        std::set<std::string_view> distinct(list.begin(), list.end());
        CHECK(distinct.size() == list.size());
        CHECK(std::is_sorted(list.begin(), list.end()));
        for (std::string_view word : list) {
            CAPTURE(word);
            CHECK(word.size() >= 3);
            CHECK(word.size() <= 9);
            CHECK(word.find_first_not_of(lower) == std::string_view::npos);
        }
    }
    // Words that a French list without accents holds, and English ones.
    auto has = [](std::string_view language, std::string_view word) {
        auto list = word_list(language);
        return std::find(list.begin(), list.end(), word) != list.end();
    };
    CHECK(has("fr", "maison"));
    CHECK(has("fr", "jardin"));
    CHECK(has("fr", "soleil"));
    CHECK(has("en", "garden"));
    // Another language uses the English list; the lists differ.
    CHECK(word_list("de").data() == word_list("en").data());
    CHECK(word_list("fr").data() != word_list("en").data());
}

TEST_CASE("password generator: the embedded word lists are the files of wordlists/") {
    for (std::string_view language : {"en", "fr"}) {
        CAPTURE(language);
        std::ifstream file(std::string(DOSSIER_SOURCE_DIR "/wordlists/") + std::string(language) + ".txt");
        REQUIRE(file);
        std::ostringstream text;
        text << file.rdbuf();
        std::vector<std::string> lines = split(text.str(), '\n');
        REQUIRE(!lines.empty());
        CHECK(lines.back().empty());  // the file ends with a newline
        lines.pop_back();
        auto list = word_list(language);
        CHECK(std::equal(lines.begin(), lines.end(), list.begin(), list.end()));
    }
}

TEST_CASE("password generator: passwords have the requested length and every character class") {
    for (int length : {8, 9, 12, 20, 64, 1024}) {
        CAPTURE(length);
        for (int i = 0; i < 50; ++i) {
            dossier::SecretBytes password = generate_password(length);
            std::string_view text = password.view();
            REQUIRE(text.size() == static_cast<std::size_t>(length));
            CHECK(has_any(text, lower));
            CHECK(has_any(text, upper));
            CHECK(has_any(text, digits));
            CHECK(has_any(text, symbols));
            CHECK(text.find_first_not_of(std::string(lower) + std::string(upper) + std::string(digits) +
                                         std::string(symbols)) == std::string_view::npos);
        }
    }
    CHECK(generate_password(32).view() != generate_password(32).view());
}

TEST_CASE("password generator: lengths and word counts out of range are usage errors") {
    for (int length : {-1, 0, 7, 1025, 100000}) {
        CAPTURE(length);
        check_usage_error([&] { generate_password(length); });
    }
    for (int words : {-1, 0, 2, 65}) {
        CAPTURE(words);
        check_usage_error([&] { generate_passphrase(words, "en"); });
    }
}

TEST_CASE("password generator: passphrases are the requested number of listed words joined with hyphens") {
    for (std::string_view language : {"en", "fr", "xx"}) {
        auto list = word_list(language);
        std::set<std::string_view> words(list.begin(), list.end());
        for (int count : {3, 4, 6, 10, 64}) {
            CAPTURE(language);
            CAPTURE(count);
            dossier::SecretBytes passphrase = generate_passphrase(count, language);
            std::vector<std::string> parts = split(passphrase.view(), '-');
            CHECK(parts.size() == static_cast<std::size_t>(count));
            for (const std::string& part : parts) CHECK(words.count(part) == 1);
        }
    }
    // French passphrases come from the French list.
    auto french = word_list("fr");
    std::set<std::string_view> french_words(french.begin(), french.end());
    for (const std::string& part : split(generate_passphrase(8, "fr").view(), '-'))
        CHECK(french_words.count(part) == 1);
}

TEST_CASE("password generator: every character and word can come out") {
    // Over 20,000 characters, a given one of the 68 is missing with probability (67/68)^20000,
    // about 1e-129: the test cannot fail by chance.
    std::map<char, int> seen;
    int total = 0;
    while (total < 20000) {
        dossier::SecretBytes password = generate_password(1000);
        for (char c : password.view()) ++seen[c];
        total += 1000;
    }
    std::string alphabet = std::string(lower) + std::string(upper) + std::string(digits) + std::string(symbols);
    for (char c : alphabet) {
        CAPTURE(c);
        CHECK(seen[c] > 0);
        // Expected 294 each; 150 to 450 is far outside chance (more than 8 standard deviations).
        CHECK(seen[c] > 150);
        CHECK(seen[c] < 450);
    }
    CHECK(seen.size() == alphabet.size());

    // The first and the last words of a list come out too: 64 * 800 draws from at most 2,700
    // words miss a given word with probability below 1e-8.
    for (std::string_view language : {"en", "fr"}) {
        CAPTURE(language);
        auto list = word_list(language);
        std::set<std::string> drawn;
        for (int i = 0; i < 800; ++i)
            for (const std::string& word : split(generate_passphrase(64, language).view(), '-')) drawn.insert(word);
        CHECK(drawn.count(std::string(list.front())) == 1);
        CHECK(drawn.count(std::string(list.back())) == 1);
    }
}
