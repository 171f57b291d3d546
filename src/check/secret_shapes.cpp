// Provider tokens, PEM private keys and random-looking strings, found by their shape.
#include "secret_shapes.hpp"

#include <algorithm>
#include <string>

#include "dossier/i18n.hpp"
#include "text_scan.hpp"

namespace dossier::rules {
namespace {

// A provider's token: a fixed prefix, then `min` to `max` characters of its alphabet.
struct TokenShape {
    std::string_view prefix;
    const char* kind;
    std::size_t min = 0;
    std::size_t max = 0;
    bool (*allowed)(char);
};

bool is_token_character(char c) { return is_alphanumeric(c) || c == '_' || c == '-'; }
bool is_alphanumeric_or_underscore(char c) { return is_alphanumeric(c) || c == '_'; }

// The documented shapes of common providers' secrets.
constexpr TokenShape token_shapes[] = {
    {"AKIA", N_("AWS access key ID"), 16, 16, is_upper_or_digit},
    {"ASIA", N_("AWS access key ID"), 16, 16, is_upper_or_digit},
    {"ghp_", N_("GitHub token"), 36, 36, is_alphanumeric},
    {"gho_", N_("GitHub token"), 36, 36, is_alphanumeric},
    {"ghu_", N_("GitHub token"), 36, 36, is_alphanumeric},
    {"ghs_", N_("GitHub token"), 36, 36, is_alphanumeric},
    {"ghr_", N_("GitHub token"), 36, 36, is_alphanumeric},
    {"github_pat_", N_("GitHub token"), 22, 255, is_alphanumeric_or_underscore},
    {"glpat-", N_("GitLab token"), 20, 255, is_token_character},
    {"xoxa-", N_("Slack token"), 10, 255, is_token_character},
    {"xoxb-", N_("Slack token"), 10, 255, is_token_character},
    {"xoxp-", N_("Slack token"), 10, 255, is_token_character},
    {"xoxr-", N_("Slack token"), 10, 255, is_token_character},
    {"xoxs-", N_("Slack token"), 10, 255, is_token_character},
    {"sk_live_", N_("Stripe secret key"), 24, 255, is_alphanumeric},
    {"rk_live_", N_("Stripe secret key"), 24, 255, is_alphanumeric},
    {"AIza", N_("Google API key"), 35, 35, is_token_character},
    {"sk-ant-", N_("Anthropic API key"), 32, 255, is_token_character},
    {"sk-", N_("OpenAI API key"), 32, 255, is_token_character},
    {"AGE-SECRET-KEY-1", N_("age secret key"), 58, 58, is_upper_or_digit},
};

// True for documentation values such as AKIAIOSFODNN7EXAMPLE or ghp_xxxxxxxx…: they contain
// "example" or repeat a few characters.
bool is_sample_token(std::string_view random_part) {
    return fold(random_part).find("example") != std::string::npos ||
           distinct_characters(random_part) < std::min<std::size_t>(10, random_part.size() / 2);
}

// Returns the kind of provider token that starts at `line[at]`, or nullptr.
const char* token_kind_at(std::string_view line, std::size_t at) {
    for (const auto& shape : token_shapes) {
        if (line[at] != shape.prefix.front() || line.compare(at, shape.prefix.size(), shape.prefix) != 0) continue;
        auto start = at + shape.prefix.size();
        auto end = start;
        while (end < line.size() && end - start < shape.max && shape.allowed(line[end])) ++end;
        auto random_part = line.substr(start, end - start);
        bool bounded = end == line.size() || !is_token_character(line[end]);
        bool mixed = std::any_of(random_part.begin(), random_part.end(), is_digit) &&
                     std::any_of(random_part.begin(), random_part.end(), is_ascii_letter);
        if (random_part.size() >= shape.min && bounded && mixed && !is_sample_token(random_part)) return shape.kind;
    }
    return nullptr;
}

// True when a JSON Web Token (eyJ….eyJ….signature) starts at `line[at]`.
bool is_jwt_at(std::string_view line, std::size_t at) {
    auto segment_end = [&](std::size_t from) {
        while (from < line.size() && is_token_character(line[from])) ++from;
        return from;
    };
    if (line.compare(at, 3, "eyJ") != 0) return false;
    auto header_end = segment_end(at);
    if (header_end - at < 10 || header_end >= line.size() || line[header_end] != '.') return false;
    auto payload = header_end + 1;
    auto payload_end = segment_end(payload);
    return line.compare(payload, 3, "eyJ") == 0 && payload_end - payload >= 10 && payload_end < line.size() &&
           line[payload_end] == '.';
}

bool is_base64_line(std::string_view line) {
    auto start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) return false;
    auto text = line.substr(start);
    return text.size() >= 16 && std::all_of(text.begin(), text.end(), [](char c) {
               return is_alphanumeric(c) || c == '+' || c == '/' || c == '=';
           });
}

}  // namespace

std::optional<SecretMatch> find_token(std::string_view line) {
    for (std::size_t at = 0; at < line.size(); ++at) {
        // A character test first: this loop sees every byte of every document.
        char c = line[at];
        bool may_start = c == 'A' || c == 'e' || c == 'g' || c == 'r' || c == 's' || c == 'x';
        if (!may_start || (at > 0 && is_token_character(line[at - 1]))) continue;
        if (const char* kind = token_kind_at(line, at)) return SecretMatch{kind, at};
        if (is_jwt_at(line, at)) return SecretMatch{N_("JSON Web Token"), at};
    }
    return std::nullopt;
}

std::optional<std::size_t> find_private_key(std::string_view line, std::string_view next_line) {
    auto begin = line.find("-----BEGIN ");
    if (begin == std::string_view::npos) return std::nullopt;
    auto end = line.find("-----", begin + 11);
    if (end == std::string_view::npos) return std::nullopt;
    auto label = line.substr(begin + 11, end - begin - 11);
    if (!label.ends_with("PRIVATE KEY") && !label.ends_with("PRIVATE KEY BLOCK")) return std::nullopt;

    auto rest = line.substr(end + 5);
    bool material = is_base64_line(rest.substr(0, rest.find(' ', rest.find_first_not_of(' ')))) ||
                    is_base64_line(next_line) || next_line.starts_with("Proc-Type:");
    if (!material) return std::nullopt;
    return begin;
}

std::optional<std::pair<std::size_t, bool>> find_random_string(std::string_view line) {
    auto is_base64 = [](char c) { return is_alphanumeric(c) || c == '+' || c == '/' || c == '_' || c == '-'; };
    std::size_t at = 0;
    while (at < line.size()) {
        auto end = at;
        while (end < line.size() && is_base64(line[end])) ++end;
        auto token = line.substr(at, end - at);
        while (end < line.size() && line[end] == '=') ++end;
        if (token.size() >= 20) {
            bool hex = std::all_of(token.begin(), token.end(), [](char c) {
                return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            });
            bool digits = std::any_of(token.begin(), token.end(), is_digit);
            bool upper = std::any_of(token.begin(), token.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
            bool lower = std::any_of(token.begin(), token.end(), [](char c) { return c >= 'a' && c <= 'z'; });
            std::size_t run = 0;
            std::size_t longest_lower_run = 0;
            for (char c : token) {
                run = c >= 'a' && c <= 'z' ? run + 1 : 0;
                longest_lower_run = std::max(longest_lower_run, run);
            }
            double entropy = shannon_entropy(token);
            bool random_hex = hex && digits && (upper || lower) && entropy > 3.0;
            bool random_base64 = digits && upper && lower && entropy > 4.0;
            if ((random_hex || random_base64) && longest_lower_run < 7) return std::pair{at, hex};
        }
        at = end + 1;
    }
    return std::nullopt;
}

}  // namespace dossier::rules
