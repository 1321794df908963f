#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smartdairy {

// Calendar dates as days since 1970-01-01 (proleptic Gregorian), ISO text "YYYY-MM-DD"
// in JSON and storage (DESIGN.md §5). The farm's zone is a fixed UTC offset: Asia/Dhaka,
// the default, has had no daylight saving time since 2009.
using Day = int64_t;

inline constexpr int kDhakaOffsetMinutes = 6 * 60;

Day days_from_civil(int64_t y, unsigned m, unsigned d);

// "2026-11-22" → its day number; nullopt for anything else, including 2026-02-30.
std::optional<Day> parse_date(std::string_view text);

std::string format_date(Day day);

// The calendar date of an instant (microseconds UTC) at a fixed offset from UTC.
Day local_day(int64_t micros_utc, int offset_minutes);

// Microseconds UTC of local midnight starting `day` at the offset.
int64_t local_midnight_micros(Day day, int offset_minutes);

}  // namespace smartdairy
