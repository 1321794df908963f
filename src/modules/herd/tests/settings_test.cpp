#include <gtest/gtest.h>

#include "modules/herd/tests/herd_fixture.h"

namespace smartdairy::modules::herd {
namespace {

TEST(ClockTime, ParsesHoursAndMinutesAndRefusesAnythingElse) {
  EXPECT_EQ(parse_clock_time("00:00"), 0);
  EXPECT_EQ(parse_clock_time("12:30"), 750);
  EXPECT_EQ(parse_clock_time("23:59"), 1439);
  EXPECT_FALSE(parse_clock_time("24:00"));
  EXPECT_FALSE(parse_clock_time("7:30"));
  EXPECT_FALSE(parse_clock_time("07:60"));
  EXPECT_FALSE(parse_clock_time("07-30"));
}

TEST(Sessions, AMilkingBelongsToTheFirstSessionNotYetEnded) {
  HerdSettings s;  // morning ends 12:00, evening 23:00
  EXPECT_EQ(s.session_at(5 * 60), "morning");
  EXPECT_EQ(s.session_at(12 * 60), "evening");
  EXPECT_EQ(s.session_at(23 * 60 + 30), "evening");
  EXPECT_FALSE(s.has_session("midday"));
  s.third_session = "midday";
  EXPECT_TRUE(s.has_session("midday"));
  EXPECT_EQ(s.session_at(13 * 60), "midday");
  EXPECT_EQ(s.session_at(17 * 60), "evening");
}

class SettingsStore : public HerdTest {};

TEST_F(SettingsStore, StartsWithTheDomainDefaultsAndKeepsWhatIsSaved) {
  auto s = store::load_settings(conn());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->raw_milk_sku, "MILK-RAW");
  EXPECT_EQ(s->voluntary_waiting_days, 60);
  EXPECT_EQ(s->calving_window_days, 9);
  EXPECT_FALSE(s->third_session);
  s->third_session = "night";
  s->voluntary_waiting_days = 75;
  ASSERT_TRUE(store::save_settings(conn(), *s).ok());
  auto again = store::load_settings(conn());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->third_session, "night");
  EXPECT_EQ(again->voluntary_waiting_days, 75);
}

}  // namespace
}  // namespace smartdairy::modules::herd
