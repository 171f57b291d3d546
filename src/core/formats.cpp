// Checks of the string formats that schemas name, written without std::regex so that checking
// thousands of documents stays cheap.
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>

#include "dossier/calendar.hpp"
#include "dossier/type_catalog.hpp"
#include "dossier/yaml_value.hpp"

namespace dossier {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Returns true when two digits start at text[position] and their number is at most `maximum`.
bool two_digits_at_most(std::string_view text, std::size_t position, int maximum) {
    if (position + 2 > text.size() || !is_digit(text[position]) || !is_digit(text[position + 1])) return false;
    return (text[position] - '0') * 10 + (text[position + 1] - '0') <= maximum;
}

bool is_ipv4(std::string_view text) {
    if (text.size() > 15) return false;
    std::string copy(text);
    std::array<unsigned char, 4> address{};
    // glibc's inet_pton rejects leading zeros and numbers above 255, as RFC 6943 recommends.
    return inet_pton(AF_INET, copy.c_str(), address.data()) == 1;
}

bool is_ipv6(std::string_view text) {
    if (text.size() > 45) return false;
    std::string copy(text);
    std::array<unsigned char, 16> address{};
    return inet_pton(AF_INET6, copy.c_str(), address.data()) == 1;
}

bool is_date_time(std::string_view text) {
    // YYYY-MM-DD, then T, t or a space (YAML's form), then HH:MM:SS, a fraction and an offset.
    if (text.size() < 20 || !is_calendar_date(text.substr(0, 10))) return false;
    if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return false;
    if (!two_digits_at_most(text, 11, 23) || text[13] != ':' || !two_digits_at_most(text, 14, 59) ||
        text[16] != ':' || !two_digits_at_most(text, 17, 60)) {
        return false;
    }
    std::size_t position = 19;
    if (position < text.size() && text[position] == '.') {
        ++position;
        auto digits_start = position;
        while (position < text.size() && is_digit(text[position])) ++position;
        if (position == digits_start) return false;
    }
    auto offset = text.substr(position);
    if (offset == "Z" || offset == "z") return true;
    return offset.size() == 6 && (offset[0] == '+' || offset[0] == '-') && two_digits_at_most(offset, 1, 23) &&
           offset[3] == ':' && two_digits_at_most(offset, 4, 59);
}

bool is_hostname_label(std::string_view label) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    return std::all_of(label.begin(), label.end(), [](char c) { return is_alpha(c) || is_digit(c) || c == '-'; });
}

bool is_hostname(std::string_view text) {
    if (!text.empty() && text.back() == '.') text.remove_suffix(1);  // a fully qualified name
    if (text.empty() || text.size() > 253) return false;
    std::size_t start = 0;
    while (true) {
        auto dot = text.find('.', start);
        if (!is_hostname_label(text.substr(start, dot - start))) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

bool is_email(std::string_view text) {
    auto at = text.rfind('@');
    if (at == std::string_view::npos || at == 0 || at > 64) return false;
    auto local = text.substr(0, at);
    auto domain = text.substr(at + 1);
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
    constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~.";
    for (char c : local) {
        bool allowed = is_alpha(c) || is_digit(c) || specials.find(c) != std::string_view::npos ||
                       static_cast<unsigned char>(c) >= 0x80;  // internationalised addresses (RFC 6531)
        if (!allowed) return false;
    }
    return domain.find('.') != std::string_view::npos && is_hostname(domain) && domain.back() != '.';
}

bool is_cidr(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos) return false;
    auto address = text.substr(0, slash);
    auto prefix = text.substr(slash + 1);
    if (prefix.empty() || prefix.size() > 3 || (prefix.size() > 1 && prefix.front() == '0')) return false;
    int length = 0;
    auto [end, error] = std::from_chars(prefix.data(), prefix.data() + prefix.size(), length);
    if (error != std::errc() || end != prefix.data() + prefix.size()) return false;
    if (is_ipv4(address)) return length <= 32;
    return is_ipv6(address) && length <= 128;
}

bool is_mac_address(std::string_view text) {
    if (text.size() != 17) return false;
    char separator = text[2];
    if (separator != ':' && separator != '-') return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        bool ok = i % 3 == 2 ? text[i] == separator : is_hex_digit(text[i]);
        if (!ok) return false;
    }
    return true;
}

bool is_uri(std::string_view text) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size() || !is_alpha(text.front())) {
        return false;
    }
    for (char c : text.substr(0, colon)) {
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
    }
    auto rest = text.substr(colon + 1);
    if (rest.starts_with("//") && rest.size() == 2) return false;
    return std::none_of(rest.begin(), rest.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\';
    });
}

bool is_period(std::string_view text) { return parse_period(text).has_value(); }

}  // namespace

bool matches_format(std::string_view format, std::string_view text) {
    if (format == "date") return is_calendar_date(text);
    if (format == "date-time") return is_date_time(text);
    if (format == "email") return is_email(text);
    if (format == "hostname") return is_hostname(text);
    if (format == "ipv4") return is_ipv4(text);
    if (format == "ipv6") return is_ipv6(text);
    if (format == "ip") return is_ipv4(text) || is_ipv6(text);
    if (format == "cidr") return is_cidr(text);
    if (format == "mac-address") return is_mac_address(text);
    if (format == "uri") return is_uri(text);
    if (format == "period") return is_period(text);
    return true;
}

}  // namespace dossier
