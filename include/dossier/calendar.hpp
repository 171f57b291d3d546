// Calendar dates and review periods ("6 months", "90 jours"), with no time of day and no time
// zone, and the one place where an instant becomes a date: today in the workspace's zone.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dossier {

// A period written "N unit": day(s), week(s), month(s), year(s), or in French jour(s),
// semaine(s), mois, an(s), année(s).
struct Period {
    enum class Unit { days, weeks, months, years };
    int count = 0;
    Unit unit = Unit::days;
};

// Returns the period written in `text`, or nullopt when `text` is not "N unit" with N of at
// most five digits and one space before a known unit.
std::optional<Period> parse_period(std::string_view text);

// Returns the date written YYYY-MM-DD in `text`, or nullopt when it is not a valid calendar date.
std::optional<std::chrono::year_month_day> parse_date(std::string_view text);

// Returns `date` written YYYY-MM-DD.
std::string format_date(std::chrono::year_month_day date);

// Returns `date` moved forward by `period`. Adding months or years keeps the day of the month
// unless that month is shorter, and then gives its last day: 2026-01-31 + 1 month is
// 2026-02-28, and 2024-02-29 + 1 year is 2025-02-28.
std::chrono::year_month_day add_period(std::chrono::year_month_day date, const Period& period);

// Returns the number of days from `from` to `to`: negative when `to` is before `from`.
int days_between(std::chrono::year_month_day from, std::chrono::year_month_day to);

// Returns true when `name` is a time zone of the system's database (tzdata), such as
// Europe/Paris or UTC: a relative path without "..", naming a zone file (one that starts
// with "TZif") under $TZDIR or /usr/share/zoneinfo.
bool is_known_time_zone(std::string_view name);

// Returns the calendar date, YYYY-MM-DD, of the instant `unix_seconds` in `time_zone`, or in
// the process's zone (TZ, else /etc/localtime) when `time_zone` is empty. Throws
// Error(invalid_input) for a zone that is_known_time_zone rejects: the C library would
// silently take it for UTC.
std::string local_date(std::int64_t unix_seconds, const std::string& time_zone);

}  // namespace dossier
