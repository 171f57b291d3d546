// The personal-data rule: IBANs, payment card numbers, French NIR and US SSN, each with its
// checksum, in documents whose confidentiality is public or internal.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "dossier/document.hpp"
#include "dossier/i18n.hpp"
#include "rules.hpp"
#include "text_scan.hpp"

namespace dossier::rules {
namespace {

// The IBAN length of each country of the SWIFT IBAN registry (ISO 13616). French overseas
// territories use FR IBANs.
constexpr std::pair<std::string_view, std::size_t> iban_lengths[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22},
    {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27},
    {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27},
    {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HN", 28}, {"HR", 21}, {"HU", 28},
    {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28},
    {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22},
    {"MK", 19}, {"MN", 20}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23},
    {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24},
    {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28},
    {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
};

// Returns the remainder modulo 97 of the decimal number in `digits`, letters counting as
// two digits (A = 10 … Z = 35), as ISO 7064 MOD 97-10 reads IBANs.
int mod97(std::string_view digits) {
    int remainder = 0;
    for (char c : digits) {
        int value = is_digit(c) ? c - '0' : c - 'A' + 10;
        remainder = (remainder * (value >= 10 ? 100 : 10) + value) % 97;
    }
    return remainder;
}

// True when a number may end before `line[end]`: not inside a word, nor before more digits
// after a decimal point, a comma or a hyphen (4111111111111111.5 is a decimal number).
bool ends_number(std::string_view line, std::size_t end) {
    if (end >= line.size()) return true;
    bool more_digits =
        (line[end] == '.' || line[end] == ',' || line[end] == '-') && end + 1 < line.size() && is_digit(line[end + 1]);
    return !is_word_byte(line[end]) && !more_digits;
}

// A number found in a line: where it starts and ends, and what it is.
struct PersonalNumber {
    std::size_t begin = 0;
    std::size_t end = 0;
    const char* kind = nullptr;
};

// Reads up to `count` characters accepted by `accept` from `line[at]`, allowing one
// `separator` between groups. Returns them without separators and moves `at` past them.
template <typename Accept>
std::string read_grouped(std::string_view line, std::size_t& at, std::size_t count, Accept accept, char separator) {
    std::string compact;
    while (at < line.size() && compact.size() < count) {
        if (line[at] == separator && !compact.empty() && at + 1 < line.size() && accept(line[at + 1])) {
            ++at;
            continue;
        }
        if (!accept(line[at])) break;
        compact += line[at++];
    }
    return compact;
}

// An IBAN in print (grouped by four) or electronic form with a valid MOD 97 checksum.
std::optional<PersonalNumber> iban_at(std::string_view line, std::size_t at) {
    if (at + 4 > line.size() || !(line[at] >= 'A' && line[at] <= 'Z') ||
        !(line[at + 1] >= 'A' && line[at + 1] <= 'Z') || !is_digit(line[at + 2]) || !is_digit(line[at + 3])) {
        return std::nullopt;
    }
    auto country = line.substr(at, 2);
    auto known = std::find_if(std::begin(iban_lengths), std::end(iban_lengths),
                              [&](const auto& entry) { return entry.first == country; });
    if (known == std::end(iban_lengths)) return std::nullopt;

    auto end = at;
    auto iban = read_grouped(
        line, end, known->second, [](char c) { return is_upper_or_digit(c); }, ' ');
    if (iban.size() != known->second || !ends_number(line, end)) return std::nullopt;
    if (mod97(iban.substr(4) + iban.substr(0, 4)) != 1) return std::nullopt;
    return PersonalNumber{at, end, N_("IBAN")};
}

bool passes_luhn(std::string_view digits) {
    int sum = 0;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        int digit = digits[digits.size() - 1 - i] - '0';
        if (i % 2 == 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
        sum += digit;
    }
    return sum % 10 == 0;
}

// True when `digits` starts with the issuer prefix of a major card network, at a length that
// network issues: Visa, Mastercard, American Express, Discover, JCB, Diners Club, UnionPay.
bool has_card_prefix(std::string_view digits) {
    auto prefix = [&](std::size_t length) { return std::stoi(std::string(digits.substr(0, length))); };
    auto size = digits.size();
    // 13-digit Visa numbers, an early format, are not reported: 13-digit identifiers such as SMB
    // file ids are common in command output.
    if (digits[0] == '4') return size == 16 || size == 19;
    if ((prefix(2) >= 51 && prefix(2) <= 55) || (prefix(4) >= 2221 && prefix(4) <= 2720)) return size == 16;
    if (prefix(2) == 34 || prefix(2) == 37) return size == 15;
    bool long_card = size >= 16 && size <= 19;
    if (prefix(4) == 6011 || (prefix(3) >= 644 && prefix(3) <= 649) || prefix(2) == 65) return long_card;
    if (prefix(4) >= 3528 && prefix(4) <= 3589) return long_card;
    if ((prefix(3) >= 300 && prefix(3) <= 305) || prefix(2) == 36 || prefix(2) == 38 || prefix(2) == 39) {
        return size >= 14 && size <= 19;
    }
    return prefix(2) == 62 && long_card;
}

// A payment card number of 14 to 19 digits, grouped by spaces or hyphens in groups of three
// digits or more, with a valid Luhn digit and a known issuer prefix.
std::optional<PersonalNumber> card_at(std::string_view line, std::size_t at) {
    std::string digits;
    auto end = at;
    char separator = 0;
    std::size_t group = 0;
    while (end < line.size()) {
        char c = line[end];
        if (is_digit(c)) {
            digits += c;
            ++group;
            ++end;
            continue;
        }
        bool may_separate = (c == ' ' || c == '-') && (separator == 0 || separator == c) && group >= 3 &&
                            end + 1 < line.size() && is_digit(line[end + 1]);
        if (!may_separate) break;
        separator = c;
        group = 0;
        ++end;
    }
    if (!ends_number(line, end) || group < 3 || digits.size() < 13 || digits.size() > 19) return std::nullopt;
    if (!passes_luhn(digits) || !has_card_prefix(digits)) return std::nullopt;
    return PersonalNumber{at, end, N_("payment card number")};
}

// A French social security number (NIR): sex, year, month, department (2A and 2B for
// Corsica), commune, order and a key of 97 - (number mod 97), compact or grouped as
// "1 85 05 78 006 084 36".
std::optional<PersonalNumber> nir_at(std::string_view line, std::size_t at) {
    static constexpr std::size_t groups[] = {1, 2, 2, 2, 3, 3, 2};
    for (bool spaced : {false, true}) {
        std::string compact;
        auto end = at;
        bool read = true;
        for (std::size_t i = 0; i < std::size(groups) && read; ++i) {
            if (spaced && i > 0) {
                read = end < line.size() && line[end] == ' ';
                ++end;
            }
            for (std::size_t k = 0; k < groups[i] && read; ++k, ++end) {
                bool corsica = i == 3 && k == 1 && end < line.size() && (line[end] == 'A' || line[end] == 'B') &&
                               line[end - 1] == '2';
                read = end < line.size() && (is_digit(line[end]) || corsica);
                if (read) compact += line[end];
            }
        }
        if (!read || !ends_number(line, end)) continue;

        int month = std::stoi(compact.substr(3, 2));
        bool valid_month = (month >= 1 && month <= 12) || (month >= 20 && month <= 42) || month >= 50;
        if (std::string_view("123478").find(compact[0]) == std::string_view::npos || !valid_month) return std::nullopt;
        auto number = compact.substr(0, 13);
        if (number[6] == 'A') number.replace(5, 2, "19");
        if (number[6] == 'B') number.replace(5, 2, "18");
        int key = std::stoi(compact.substr(13, 2));
        if (key != 97 - static_cast<int>(std::stoull(number) % 97)) return std::nullopt;
        return PersonalNumber{at, end, N_("French social security number (NIR)")};
    }
    return std::nullopt;
}

// A US social security number written AAA-GG-SSSS outside the ranges never issued (area 000,
// 666 or 900-999, group 00, serial 0000), and other than the three specimen numbers of wallet
// inserts and advertisements.
std::optional<PersonalNumber> ssn_at(std::string_view line, std::size_t at) {
    if (at + 11 > line.size() || line[at + 3] != '-' || line[at + 6] != '-') return std::nullopt;
    auto text = line.substr(at, 11);
    for (std::size_t i : {0, 1, 2, 4, 5, 7, 8, 9, 10}) {
        if (!is_digit(text[i])) return std::nullopt;
    }
    if (!ends_number(line, at + 11)) return std::nullopt;
    auto area = text.substr(0, 3);
    if (area == "000" || area == "666" || area[0] == '9' || text.substr(4, 2) == "00" || text.substr(7) == "0000" ||
        text == "078-05-1120" || text == "219-09-9999" || text == "123-45-6789") {
        return std::nullopt;
    }
    return PersonalNumber{at, at + 11, N_("US social security number")};
}

// Returns the byte ranges of `line` that are URLs or link destinations, where numbers are
// identifiers rather than personal data.
std::vector<std::pair<std::size_t, std::size_t>> url_ranges(std::string_view line) {
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    std::size_t start = 0;
    while (start < line.size()) {
        auto end = line.find_first_of(" \t", start);
        if (end == std::string_view::npos) end = line.size();
        auto word = line.substr(start, end - start);
        if (word.find("://") != std::string_view::npos || word.find("www.") != std::string_view::npos ||
            word.find("](") != std::string_view::npos) {
            ranges.emplace_back(start, end);
        }
        start = end + 1;
    }
    return ranges;
}

// Returns the number of digits from `line[at]` on, in a run of digits, spaces, hyphens and the
// A or B of a Corsican NIR, up to the longest number looked for.
std::size_t digits_ahead(std::string_view line, std::size_t at) {
    std::size_t digits = 0;
    for (auto end = std::min(line.size(), at + 32); at < end; ++at) {
        char c = line[at];
        if (is_digit(c)) {
            ++digits;
        } else if (c != ' ' && c != '-' && c != 'A' && c != 'B') {
            break;
        }
    }
    return digits;
}

std::vector<PersonalNumber> personal_numbers(std::string_view line) {
    std::vector<PersonalNumber> found;
    std::optional<std::vector<std::pair<std::size_t, std::size_t>>> urls;
    for (std::size_t at = 0; at < line.size(); ++at) {
        bool word_start = at == 0 || (!is_word_byte(line[at - 1]) && line[at - 1] != '-' && line[at - 1] != '.' &&
                                      line[at - 1] != ',' && line[at - 1] != '+' && line[at - 1] != '/');
        if (!word_start || !is_alphanumeric(line[at])) continue;

        std::optional<PersonalNumber> number = iban_at(line, at);
        // An SSN, the shortest number looked for, has 9 digits: most numbers have fewer.
        bool long_number = !number && is_digit(line[at]) && digits_ahead(line, at) >= 9;
        if (long_number) number = nir_at(line, at);
        if (long_number && !number) number = ssn_at(line, at);
        if (long_number && !number) number = card_at(line, at);
        if (!number) continue;
        if (!urls) urls = url_ranges(line);
        bool in_url =
            std::any_of(urls->begin(), urls->end(), [&](auto range) { return at >= range.first && at < range.second; });
        if (!in_url) found.push_back(*number);
        at = number->end;
    }
    return found;
}

}  // namespace

// Documents without a confidentiality value are checked as internal, the value of most
// built-in templates: leaving the field out must not hide personal data.
void check_personal_data(const CheckedDocument& document, const CheckEnvironment&, std::vector<Finding>& findings) {
    auto level = document.document->field("confidentiality");
    if (!level.empty() && level != "public" && level != "internal") return;

    for (const auto& line : lines_outside_age_block(document)) {
        for (const auto& number : personal_numbers(line.text)) {
            auto message =
                level.empty()
                    ? fmt::format(fmt::runtime(tr("{} in a document without confidentiality, which counts as internal: "
                                                  "mark it confidential or restricted, or remove the number")),
                                  tr(number.kind))
                    : fmt::format(fmt::runtime(tr("{} in a document whose confidentiality is {}: mark it confidential "
                                                  "or restricted, or remove the number")),
                                  tr(number.kind), level);
            findings.push_back(make_finding(document, "personal-data", line.number, column_of(line, number.begin),
                                            std::move(message)));
        }
    }
}

}  // namespace dossier::rules
