// The plaintext-secret rule: private keys, provider tokens, password lines and random-looking
// strings next to secret words, outside the document's age block, code blocks included.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "dossier/document.hpp"
#include "dossier/i18n.hpp"
#include "rules.hpp"
#include "secret_shapes.hpp"
#include "text_scan.hpp"

namespace dossier::rules {
namespace {

// What a finding calls each kind of secret (English msgids, translated when reported).
constexpr const char* private_key_kind = N_("private key");
constexpr const char* high_entropy_kind = N_("random-looking string next to a secret word");

// The words that make a line's random-looking strings suspect.
constexpr std::string_view secret_words[] = {"password",   "passwd",     "pwd",         "passphrase",   "secret",
                                             "token",      "api key",    "api_key",     "apikey",       "api-key",
                                             "access key", "access_key", "private key", "private_key",  "mot de passe",
                                             "mdp",        "clé",        "bearer",      "authorization"};

// The words of lines where hexadecimal strings are digests, not secrets: certificate
// thumbprints, file hashes.
constexpr std::string_view digest_words[] = {"thumbprint", "fingerprint", "hash",   "checksum", "digest",
                                             "sha1",       "sha-1",       "sha256", "sha-256",  "md5"};

template <std::size_t Size>
bool mentions_any(std::string_view folded_line, const std::string_view (&words)[Size]) {
    return std::any_of(std::begin(words), std::end(words),
                       [&](std::string_view word) { return folded_line.find(word) != std::string_view::npos; });
}

// True for values that stand for a secret without being one: <password>, ${VAR}, {{var}},
// $env:PW, %PW%, ***, xxx, n/a, your-password, a URL or a vault reference, and code such as
// getpass() or Read-Host. "changeme" is a password and is not one of them.
bool is_placeholder(std::string_view value) {
    if (value.size() < 3) return true;
    if (std::string_view("<${[(%").find(value.front()) != std::string_view::npos) return true;
    if (value.find_first_of("()[]{}") != std::string_view::npos || value.find("://") != std::string_view::npos) {
        return true;
    }
    if (value.find_first_not_of("*xX.#-_?\xE2\x80\xA2") == std::string_view::npos) return true;  // also •

    auto folded = fold(value);
    for (std::string_view word : {"none",    "null",   "nil",  "n/a",   "empty",    "redacted", "hidden", "masked",
                                  "unknown", "unset",  "tbd",  "todo",  "required", "optional", "true",   "false",
                                  "value",   "string", "text", "aucun", "vide",     "valeur",   "inconnu"}) {
        if (folded == word) return true;
    }
    for (std::string_view part : {"example", "exemple", "sample", "dummy", "placeholder", "your", "votre"}) {
        if (folded.find(part) != std::string::npos) return true;
    }
    // A .NET type name (System.Security.SecureString) is what a command prints in its place.
    bool type_name = std::count(value.begin(), value.end(), '.') >= 2 && value.front() >= 'A' && value.front() <= 'Z' &&
                     std::all_of(value.begin(), value.end(), [](char c) { return is_ascii_letter(c) || c == '.'; });
    if (type_name) return true;
    // A PowerShell cmdlet name (Verb-Noun) is code that reads the secret.
    auto hyphen = value.find('-');
    bool cmdlet = hyphen != std::string_view::npos && hyphen > 1 && value[0] >= 'A' && value[0] <= 'Z' &&
                  hyphen + 1 < value.size() && value[hyphen + 1] >= 'A' && value[hyphen + 1] <= 'Z' &&
                  std::all_of(value.begin(), value.end(), [](char c) { return is_ascii_letter(c) || c == '-'; });
    return cmdlet;
}

// The words of `key: value` lines, `key=value` pairs and two-cell table rows that name a secret.
constexpr std::string_view secret_keys[] = {"password",    "passwd", "pwd",           "passphrase", "mot de passe",
                                            "mdp",         "secret", "client_secret", "secret_key", "token",
                                            "api_key",     "apikey", "api-key",       "api key",    "access_key",
                                            "private_key", "clé"};

// True when `text[at]` continues the word before it, as in "passwords" or "password_hash".
// Letters outside ASCII do, but not the no-break spaces of French typography.
bool continues_word(std::string_view text, std::size_t at) {
    if (at >= text.size()) return false;
    if (text.compare(at, 2, "\xC2\xA0") == 0 || text.compare(at, 3, "\xE2\x80\xAF") == 0) return false;
    return is_alphanumeric(text[at]) || text[at] == '_' || (static_cast<unsigned char>(text[at]) & 0x80) != 0;
}

// Returns the offset just past the qualifier that may follow a secret word before its
// separator, as in "Clé WPA :", "Password (admin):" or "mot de passe root =", or `at`.
std::size_t skip_qualifier(std::string_view folded, std::string_view line, std::size_t at) {
    auto start = folded.find_first_not_of(' ', at);
    if (start == std::string_view::npos) return at;
    if (folded[start] == '(') {
        auto close = folded.find(')', start);
        return close == std::string_view::npos || close - start > 24 ? at : close + 1;
    }
    auto end = start;
    while (end < folded.size() && (is_alphanumeric(folded[end]) || folded[end] == '-')) ++end;
    auto word = folded.substr(start, end - start);
    auto original = line.substr(start, end - start);
    bool acronym = original.size() >= 2 && std::all_of(original.begin(), original.end(),
                                                       [](char c) { return is_upper_or_digit(c) || c == '-'; });
    bool known = word == "admin" || word == "root" || word == "wifi" || word == "wi-fi" || word == "administrateur";
    return acronym || known ? end : at;
}

// Returns the value that follows a separator at `line[at]` (':' or '='), or nullopt: a quoted
// string, or a bare word ended by a space or punctuation. A bare lower-case word followed by
// another word, or any bare word followed by two, is prose ("Password: see the vault").
std::optional<std::pair<std::string_view, std::size_t>> value_after(std::string_view line, std::size_t at) {
    auto start = line.find_first_not_of(" \t*_", at + 1);
    if (start == std::string_view::npos) return std::nullopt;
    char quote = line[start];
    if (quote == '"' || quote == '\'' || quote == '`') {
        auto end = line.find(quote, start + 1);
        if (end == std::string_view::npos) return std::nullopt;
        return std::pair{line.substr(start + 1, end - start - 1), start + 1};
    }
    auto end = line.find_first_of(" \t;&|,<>\"'`", start);
    if (end == std::string_view::npos) end = line.size();
    auto value = line.substr(start, end - start);
    for (std::string_view ending : {"**", "\xE2\x80\xA6", "...", "."}) {  // bold, "…" and a sentence's end
        if (value.ends_with(ending)) value.remove_suffix(ending.size());
    }

    // Prose: a lower-case word followed by another word, or any value followed by two.
    auto words_after = 0;
    for (auto next = end; next < line.size() && (line[next] == ' ' || line[next] == '\t') && words_after < 2;) {
        next = line.find_first_not_of(" \t", next);
        if (next == std::string_view::npos || !is_ascii_letter(line[next])) break;
        ++words_after;
        next = line.find_first_of(" \t", next);
        if (next == std::string_view::npos) break;
    }
    bool lower_word = std::all_of(value.begin(), value.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (static_cast<unsigned char>(c) & 0x80) != 0;
    });
    if (words_after >= 2 || (words_after == 1 && lower_word)) return std::nullopt;
    return std::pair{value, start};
}

// Returns the offset of a secret written after a secret word and ':' or '=' in `line`, and
// the word as written: "Password: hunter2", "pwd=hunter2", "mot de passe : x", "--token=x",
// "DB_PASSWORD=x", "\"password\": \"x\"".
std::optional<std::pair<std::size_t, std::string_view>> find_secret_assignment(std::string_view line,
                                                                               std::string_view folded) {
    for (std::size_t at = 0; at < folded.size(); ++at) {
        // A character test first: this loop sees every byte of every body.
        char c = folded[at];
        bool may_start = c == 'a' || c == 'c' || c == 'm' || c == 'p' || c == 's' || c == 't';
        if (!may_start || (at > 0 && is_alphanumeric(folded[at - 1]))) continue;
        for (std::string_view key : secret_keys) {
            auto after = at + key.size();
            if (key.front() != c || folded.compare(at, key.size(), key) != 0 || continues_word(folded, after)) continue;
            auto separator = folded.find_first_not_of(" \t*_\"'`]", skip_qualifier(folded, line, after));
            // French typography puts a no-break space, or a narrow one, before the colon.
            for (std::string_view space : {"\xC2\xA0", "\xE2\x80\xAF"}) {
                if (separator != std::string_view::npos && folded.compare(separator, space.size(), space) == 0) {
                    separator = folded.find_first_not_of(' ', separator + space.size());
                }
            }
            if (separator == std::string_view::npos || (folded[separator] != ':' && folded[separator] != '=')) continue;
            auto value = value_after(line, separator);
            // "password=password" and "token=value" show the syntax, not a secret.
            if (value && !is_placeholder(value->first) && fold(value->first) != key) {
                return std::pair{value->second, line.substr(at, key.size())};
            }
        }
    }
    return std::nullopt;
}

bool is_table_delimiter(std::string_view line) {
    return line.find('-') != std::string_view::npos && line.find_first_not_of("|-: \t") == std::string_view::npos;
}

std::string_view strip_cell(std::string_view cell) {
    auto start = cell.find_first_not_of(" \t*`");
    if (start == std::string_view::npos) return {};
    auto end = cell.find_last_not_of(" \t*`:");
    return cell.substr(start, end == std::string_view::npos || end < start ? 0 : end - start + 1);
}

// Returns the offset of a secret in a table row whose cell names a secret and whose next cell
// contains it: "| Password | hunter2 |". Header rows, followed by the delimiter row, are skipped.
std::optional<std::pair<std::size_t, std::string_view>> find_secret_cell(std::string_view line,
                                                                         std::string_view next_line) {
    auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] != '|' || is_table_delimiter(line) ||
        is_table_delimiter(next_line)) {
        return std::nullopt;
    }
    std::vector<std::pair<std::string_view, std::size_t>> cells;
    for (auto start = first + 1; start < line.size();) {
        auto end = line.find('|', start);
        if (end == std::string_view::npos) end = line.size();
        auto cell = strip_cell(line.substr(start, end - start));
        cells.emplace_back(cell, cell.empty() ? start : static_cast<std::size_t>(cell.data() - line.data()));
        start = end + 1;
    }
    for (std::size_t i = 0; i + 1 < cells.size(); ++i) {
        auto name = fold(cells[i].first);
        bool secret = std::find(std::begin(secret_keys), std::end(secret_keys), name) != std::end(secret_keys);
        if (secret && !is_placeholder(cells[i + 1].first)) return std::pair{cells[i + 1].second, cells[i].first};
    }
    return std::nullopt;
}

// True when a front-matter key names a secret: password, api_key, db-password, Client Secret…
bool is_secret_key(std::string_view key) {
    auto normalized = fold(key);
    std::replace_if(
        normalized.begin(), normalized.end(), [](char c) { return c == '-' || c == ' ' || c == '.'; }, '_');
    for (std::string_view exact : {"password", "passwd", "pwd", "passphrase", "secret", "token", "api_key", "apikey",
                                   "access_key", "secret_key", "private_key", "mot_de_passe", "mdp"}) {
        if (normalized == exact) return true;
    }
    for (std::string_view suffix : {"_password", "_passwd", "_pwd", "_passphrase", "_secret", "_token", "_api_key",
                                    "_apikey", "_secret_key", "_private_key"}) {
        if (normalized.ends_with(suffix)) return true;
    }
    return false;
}

std::string secret_message(const char* kind) {
    return fmt::format(fmt::runtime(tr("{} in clear text: keep it in the age block of a credential (dossier secret "
                                       "set), and change it if Git history has it")),
                       tr(kind));
}

std::string secret_value_message(std::string_view key) {
    return fmt::format(fmt::runtime(tr("value of {} in clear text: keep it in the age block of a credential (dossier "
                                       "secret set), and change it if Git history has it")),
                       key);
}

// Reports the front-matter values whose key names a secret, on lines not reported yet.
void check_secret_fields(const CheckedDocument& document, const Value& mapping, std::vector<int>& reported_lines,
                         std::vector<Finding>& findings) {
    for (const auto& [key, value] : mapping.entries()) {
        if (key == ignore_key) continue;
        if (value.is_mapping()) check_secret_fields(document, value, reported_lines, findings);
        for (const auto& item : value.items()) {
            if (item.is_mapping()) check_secret_fields(document, item, reported_lines, findings);
        }
        bool secret = is_secret_key(key) && value.is_scalar() && value.scalar_type() != ScalarType::null &&
                      value.scalar_type() != ScalarType::boolean && !is_placeholder(value.text());
        if (!secret || std::find(reported_lines.begin(), reported_lines.end(), value.line()) != reported_lines.end()) {
            continue;
        }
        reported_lines.push_back(value.line());
        findings.push_back(
            make_finding(document, "plaintext-secret", value.line(), value.column(), secret_value_message(key), key));
    }
}

}  // namespace

void check_plaintext_secrets(const CheckedDocument& document, const CheckEnvironment&, std::vector<Finding>& findings) {
    // Secret fields of the front matter come first, because "value of api_key" tells more
    // than the kind of string the value is.
    std::vector<int> reported_lines;
    check_secret_fields(document, document.document->front_matter(), reported_lines, findings);
    auto report = [&](const TextLine& line, std::size_t offset, std::string message) {
        findings.push_back(
            make_finding(document, "plaintext-secret", line.number, column_of(line, offset), std::move(message)));
    };

    auto lines = lines_outside_age_block(document);
    int body_first_line = document.document->body_first_line();
    std::string folded;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& line = lines[i];
        if (std::find(reported_lines.begin(), reported_lines.end(), line.number) != reported_lines.end()) continue;
        bool next_follows = i + 1 < lines.size() && lines[i + 1].number == line.number + 1;
        auto next = next_follows ? lines[i + 1].text : std::string_view();
        if (auto key = find_private_key(line.text, next)) {
            report(line, *key, secret_message(private_key_kind));
            continue;
        }
        if (auto token = find_token(line.text)) {
            report(line, token->offset, secret_message(token->kind));
            continue;
        }
        folded.assign(line.text);
        fold_in_place(folded);
        if (line.number >= body_first_line) {
            auto assignment = find_secret_assignment(line.text, folded);
            if (!assignment) assignment = find_secret_cell(line.text, next);
            if (assignment) {
                report(line, assignment->first, secret_value_message(assignment->second));
                continue;
            }
        }
        auto random = find_random_string(line.text);
        bool digest = random && random->second && mentions_any(folded, digest_words);
        if (random && !digest && mentions_any(folded, secret_words)) {
            report(line, random->first, secret_message(high_entropy_kind));
        }
    }
}

}  // namespace dossier::rules
