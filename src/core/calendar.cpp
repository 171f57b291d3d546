#include "dossier/calendar.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <utility>

#include <fmt/format.h>

#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/yaml_value.hpp"

namespace chrono = std::chrono;

namespace dossier {

std::optional<Period> parse_period(std::string_view text) {
    auto space = text.find(' ');
    if (space == std::string_view::npos || space == 0 || space > 5) return std::nullopt;
    auto digits = text.substr(0, space);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;

    Period period;
    std::from_chars(digits.data(), digits.data() + digits.size(), period.count);

    using Unit = Period::Unit;
    static constexpr std::array<std::pair<std::string_view, Unit>, 17> units = {{
        {"day", Unit::days},       {"days", Unit::days},      {"jour", Unit::days},       {"jours", Unit::days},
        {"week", Unit::weeks},     {"weeks", Unit::weeks},    {"semaine", Unit::weeks},   {"semaines", Unit::weeks},
        {"month", Unit::months},   {"months", Unit::months},  {"mois", Unit::months},     {"year", Unit::years},
        {"years", Unit::years},    {"an", Unit::years},       {"ans", Unit::years},       {"année", Unit::years},
        {"années", Unit::years},
    }};
    auto unit = text.substr(space + 1);
    auto found = std::find_if(units.begin(), units.end(), [&](const auto& entry) { return entry.first == unit; });
    if (found == units.end()) return std::nullopt;
    period.unit = found->second;
    return period;
}

std::optional<chrono::year_month_day> parse_date(std::string_view text) {
    if (!is_calendar_date(text)) return std::nullopt;
    int year = 0;
    unsigned month = 0;
    unsigned day = 0;
    std::from_chars(text.data(), text.data() + 4, year);
    std::from_chars(text.data() + 5, text.data() + 7, month);
    std::from_chars(text.data() + 8, text.data() + 10, day);
    return chrono::year_month_day{chrono::year{year}, chrono::month{month}, chrono::day{day}};
}

std::string format_date(chrono::year_month_day date) {
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                       static_cast<unsigned>(date.day()));
}

chrono::year_month_day add_period(chrono::year_month_day date, const Period& period) {
    switch (period.unit) {
        case Period::Unit::days: return chrono::sys_days{date} + chrono::days{period.count};
        case Period::Unit::weeks: return chrono::sys_days{date} + chrono::weeks{period.count};
        case Period::Unit::months: date += chrono::months{period.count}; break;
        case Period::Unit::years: date += chrono::years{period.count}; break;
    }
    // The same day may not exist in the new month (31 in a 30-day month, 29 February).
    if (!date.ok()) date = chrono::year_month_day_last{date.year(), chrono::month_day_last{date.month()}};
    return date;
}

int days_between(chrono::year_month_day from, chrono::year_month_day to) {
    return static_cast<int>((chrono::sys_days{to} - chrono::sys_days{from}).count());
}

bool is_known_time_zone(std::string_view name) {
    if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) return false;
    if (name.find_first_of(" \t\n:") != std::string_view::npos) return false;
    const char* folder = std::getenv("TZDIR");
    const std::filesystem::path base = folder != nullptr && *folder != '\0' ? folder : "/usr/share/zoneinfo";
    std::error_code error;
    const auto path = base / std::string(name);
    if (!std::filesystem::is_regular_file(path, error)) return false;
    // Zone files start with "TZif". The folder also contains tables such as zone.tab.
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) return false;
    char magic[4] = {};
    const bool zone_file = std::fread(magic, 1, sizeof magic, file) == sizeof magic && std::string_view(magic, 4) == "TZif";
    std::fclose(file);
    return zone_file;
}

std::string local_date(std::int64_t unix_seconds, const std::string& time_zone) {
    if (!time_zone.empty() && !is_known_time_zone(time_zone)) {
        throw Error(ErrorKind::invalid_input, fmt::format(fmt::runtime(tr("unknown time zone: {}")), time_zone),
                    tr("give a zone of the tz database, such as Europe/Paris or UTC (install the tzdata package "
                       "if none is known)"));
    }
    // localtime_r reads the zone from TZ, so a zone other than the process's is set for the
    // call and put back after it, under a lock.
    static std::mutex zone_lock;
    std::lock_guard guard(zone_lock);
    std::optional<std::string> previous;
    if (!time_zone.empty()) {
        if (const char* current = std::getenv("TZ"); current != nullptr) previous = current;
        ::setenv("TZ", time_zone.c_str(), 1);
        ::tzset();
    }
    const auto instant = static_cast<std::time_t>(unix_seconds);
    std::tm local{};
    const bool converted = localtime_r(&instant, &local) != nullptr;
    if (!time_zone.empty()) {
        if (previous) {
            ::setenv("TZ", previous->c_str(), 1);
        } else {
            ::unsetenv("TZ");
        }
        ::tzset();
    }
    if (!converted) {
        throw Error(ErrorKind::invalid_input, fmt::format(fmt::runtime(tr("cannot convert the time {} to a date")),
                                                          unix_seconds));
    }
    return format_date(std::chrono::year_month_day{std::chrono::year{local.tm_year + 1900},
                                                   std::chrono::month{static_cast<unsigned>(local.tm_mon + 1)},
                                                   std::chrono::day{static_cast<unsigned>(local.tm_mday)}});
}

}  // namespace dossier
