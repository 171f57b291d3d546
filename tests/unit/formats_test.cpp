// Checks of the string formats that type schemas name.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dossier/type_catalog.hpp"

using dossier::matches_format;

namespace {

struct FormatCase {
    const char* format;
    std::vector<std::string> valid;
    std::vector<std::string> invalid;
};

const std::vector<FormatCase> format_cases = {
    {"date", {"2026-11-02", "2024-02-29"}, {"2026-02-29", "2026-13-01", "02/11/2026", "2026-1-5", ""}},
    {"date-time",
     {"2026-11-02T09:30:00+01:00", "2026-11-02T09:30:00Z", "2026-11-02 09:30:00.25-05:00"},
     {"2026-11-02", "2026-11-02T24:00:00Z", "2026-11-02T09:30:00", "2026-11-02T09:30:00+1:00"}},
    {"email",
     {"jeanne.dupont@example.fr", "support+tickets@acme-industries.com", "élodie@exemple.fr"},
     {"jeanne", "@example.fr", "jeanne@", "jeanne@localhost", "jeanne..dupont@example.fr", "a b@example.fr",
      "jeanne@-example.fr"}},
    {"hostname",
     {"srv-01", "fw01.acme.lan", "mail.example.com.", std::string(63, 'a')},
     {"", "-srv", "srv-", "srv_01", "srv 01", std::string(64, 'a'), "a..b"}},
    {"ipv4", {"10.0.0.1", "255.255.255.255", "0.0.0.0"}, {"10.0.0.300", "10.0.0", "10.0.0.01", "10.0.0.1 ", "1.2.3.4.5"}},
    {"ipv6", {"2001:db8::1", "::1", "::ffff:192.0.2.1", "fe80::1:2:3:4"}, {"2001:db8:::1", "10.0.0.1", "2001:db8::g"}},
    {"ip", {"10.0.0.1", "2001:db8::1"}, {"10.0.0.256", "srv-01"}},
    {"cidr",
     {"10.0.0.0/24", "192.168.1.0/32", "2001:db8::/32", "0.0.0.0/0"},
     {"10.0.0.0", "10.0.0.0/33", "10.0.0.0/024", "2001:db8::/129", "10.0.0.0/", "/24"}},
    {"mac-address",
     {"00:1a:2b:3c:4d:5e", "00-1A-2B-3C-4D-5E"},
     {"00:1a:2b:3c:4d", "00:1a:2b-3c:4d:5e", "001a.2b3c.4d5e", "00:1a:2b:3c:4d:5g"}},
    {"uri",
     {"https://portal.example.com/login", "ssh://admin@10.0.0.1", "mailto:support@example.fr"},
     {"portal.example.com", "https://exa mple.com", "://x", "1http://x", "https://"}},
    {"period",
     {"90 days", "1 day", "6 months", "1 year", "2 weeks", "6 mois", "1 an", "2 ans", "1 année", "3 semaines", "10 jours"},
     {"six months", "6months", "6 Months", "-1 year", "1 decade", ""}},
};

}  // namespace

TEST_CASE("formats accept valid values and reject invalid ones") {
    for (const auto& format_case : format_cases) {
        for (const auto& text : format_case.valid) {
            INFO(format_case.format << ": " << text);
            CHECK(matches_format(format_case.format, text));
        }
        for (const auto& text : format_case.invalid) {
            INFO(format_case.format << ": " << text);
            CHECK_FALSE(matches_format(format_case.format, text));
        }
    }
}

TEST_CASE("unknown formats accept any text") {
    CHECK(matches_format("phone-number", "anything"));
    CHECK(matches_format("", ""));
}
