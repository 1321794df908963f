#include "core/dates.h"

#include <gtest/gtest.h>

namespace smartdairy {
namespace {

TEST(Dates, RoundTripsAndRefusesImpossibleDates) {
  EXPECT_EQ(parse_date("1970-01-01"), 0);
  EXPECT_EQ(parse_date("2026-11-22"), days_from_civil(2026, 11, 22));
  EXPECT_EQ(format_date(*parse_date("2024-02-29")), "2024-02-29");
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("2026-13-01"));
  EXPECT_FALSE(parse_date("2026-1-01"));
  EXPECT_FALSE(parse_date("2026-01-01T00"));
  EXPECT_FALSE(parse_date("abcd-ef-gh"));
  for (Day d = -1000; d < 1000; d += 7) EXPECT_EQ(parse_date(format_date(d)), d);
}

TEST(Dates, LocalDayUsesTheFarmOffset) {
  // 2026-11-21T18:30:00Z is already 2026-11-22 00:30 in Dhaka (UTC+6).
  int64_t micros = (*parse_date("2026-11-21") * 86400 + 18 * 3600 + 1800) * 1'000'000LL;
  EXPECT_EQ(format_date(local_day(micros, 0)), "2026-11-21");
  EXPECT_EQ(format_date(local_day(micros, kDhakaOffsetMinutes)), "2026-11-22");
  EXPECT_EQ(local_midnight_micros(*parse_date("2026-11-22"), kDhakaOffsetMinutes),
            (*parse_date("2026-11-21") * 86400 + 18 * 3600) * 1'000'000LL);
  EXPECT_EQ(format_date(local_day(-1, 0)), "1969-12-31");
}

}  // namespace
}  // namespace smartdairy
