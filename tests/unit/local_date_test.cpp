// Unit tests of today's date in a time zone: the last second before local midnight and
// the first after it, on ordinary days and on the days clocks change, in zones far from UTC.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "dossier/calendar.hpp"
#include "dossier/error.hpp"

namespace {

using dossier::local_date;

struct Instant {
    const char* zone;
    std::int64_t unix_seconds;
    const char* utc;  // the instant in UTC, for the failure message
    const char* date;  // the local date expected
};

// The Unix times were computed with Python's datetime from the UTC times beside them.
const Instant instants[] = {
    {"Europe/Paris", 1768431599, "2026-01-14T22:59:59Z", "2026-01-14"},  // 23:59:59 in winter (UTC+1)
    {"Europe/Paris", 1768431600, "2026-01-14T23:00:00Z", "2026-01-15"},
    {"Europe/Paris", 1784066399, "2026-07-14T21:59:59Z", "2026-07-14"},  // 23:59:59 in summer (UTC+2)
    {"Europe/Paris", 1784066400, "2026-07-14T22:00:00Z", "2026-07-15"},
    {"Europe/Paris", 1774738799, "2026-03-28T22:59:59Z", "2026-03-28"},  // the night clocks go forward
    {"Europe/Paris", 1774738800, "2026-03-28T23:00:00Z", "2026-03-29"},
    {"Europe/Paris", 1774821599, "2026-03-29T21:59:59Z", "2026-03-29"},  // the evening after: UTC+2
    {"Europe/Paris", 1774821600, "2026-03-29T22:00:00Z", "2026-03-30"},
    {"Europe/Paris", 1792879199, "2026-10-24T21:59:59Z", "2026-10-24"},  // the night clocks go back
    {"Europe/Paris", 1792879200, "2026-10-24T22:00:00Z", "2026-10-25"},
    {"Europe/Paris", 1792969199, "2026-10-25T22:59:59Z", "2026-10-25"},  // the evening after: UTC+1
    {"Europe/Paris", 1792969200, "2026-10-25T23:00:00Z", "2026-10-26"},
    {"America/New_York", 1773028799, "2026-03-09T03:59:59Z", "2026-03-08"},  // after the US change
    {"America/New_York", 1773028800, "2026-03-09T04:00:00Z", "2026-03-09"},
    {"Pacific/Kiritimati", 1796378399, "2026-12-04T09:59:59Z", "2026-12-04"},  // UTC+14
    {"Pacific/Kiritimati", 1796378400, "2026-12-04T10:00:00Z", "2026-12-05"},
    {"Pacific/Pago_Pago", 1796468399, "2026-12-05T10:59:59Z", "2026-12-04"},  // UTC-11
    {"Pacific/Pago_Pago", 1796468400, "2026-12-05T11:00:00Z", "2026-12-05"},
    {"UTC", 1796468399, "2026-12-05T10:59:59Z", "2026-12-05"},
};

// Sets TZ for the life of the object, then puts the previous value back.
class ScopedZone {
public:
    explicit ScopedZone(const char* zone) {
        if (const char* current = std::getenv("TZ"); current != nullptr) previous_ = current;
        had_ = std::getenv("TZ") != nullptr;
        ::setenv("TZ", zone, 1);
        ::tzset();
    }
    ~ScopedZone() {
        if (had_) {
            ::setenv("TZ", previous_.c_str(), 1);
        } else {
            ::unsetenv("TZ");
        }
        ::tzset();
    }
    ScopedZone(const ScopedZone&) = delete;
    ScopedZone& operator=(const ScopedZone&) = delete;

private:
    std::string previous_;
    bool had_ = false;
};

TEST_CASE("local date changes at local midnight") {
    // The process runs in UTC, as CI runners do: the workspace's zone decides.
    ScopedZone utc("UTC");
    for (const auto& instant : instants) {
        CAPTURE(instant.zone);
        CAPTURE(instant.utc);
        CHECK(local_date(instant.unix_seconds, instant.zone) == instant.date);
    }
}

TEST_CASE("local date defaults to the process zone") {
    {
        ScopedZone paris("Europe/Paris");
        CHECK(local_date(1768431600, "") == "2026-01-15");
    }
    {
        ScopedZone pago_pago("Pacific/Pago_Pago");
        CHECK(local_date(1768431600, "") == "2026-01-14");
    }
}

TEST_CASE("local date restores the process zone") {
    ScopedZone tokyo("Asia/Tokyo");
    CHECK(local_date(1768431600, "Pacific/Pago_Pago") == "2026-01-14");
    CHECK(std::string(std::getenv("TZ")) == "Asia/Tokyo");
    CHECK(local_date(1768431600, "") == "2026-01-15");  // 08:00 in Tokyo
}

TEST_CASE("unknown time zone is an error") {
    for (const char* zone : {"Mars/Olympus_Mons", "Europe/Pariss", "../../etc/passwd", "/etc/localtime", "Europe/",
                             "UTC+2", "zone.tab", "tzdata.zi"}) {
        CAPTURE(zone);
        CHECK_FALSE(dossier::is_known_time_zone(zone));
        CHECK_THROWS_AS(local_date(1768431600, zone), dossier::Error);
    }
    CHECK(dossier::is_known_time_zone("Europe/Paris"));
    CHECK(dossier::is_known_time_zone("UTC"));
}

}  // namespace
