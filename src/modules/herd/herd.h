#pragma once

// The herd's shared vocabulary (issue 5): the words every part of the herd module uses, and
// the farm's settings. Each part (animals, milk, health, breeding) has its own header for
// its records.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/dates.h"
#include "core/result.h"
#include "db/sqlite.h"

namespace smartdairy::modules::herd {

inline constexpr std::array<std::string_view, 9> kAnimalStatuses = {
    "calf", "heifer", "lactating", "dry", "pregnant", "bull", "sold", "dead", "culled"};
inline constexpr std::array<std::string_view, 2> kSexes = {"female", "male"};
inline constexpr std::array<std::string_view, 4> kBreedKinds = {"dairy", "beef", "dual",
                                                                "indigenous"};
inline constexpr std::array<std::string_view, 3> kAcquisitionKinds = {"born", "purchased",
                                                                      "donated"};
inline constexpr std::array<std::string_view, 3> kDisposalKinds = {"sold", "dead", "culled"};
inline constexpr std::array<std::string_view, 7> kHealthKinds = {
    "checkup", "symptom", "diagnosis", "treatment", "surgery", "vaccination", "deworming"};
inline constexpr std::array<std::string_view, 3> kServiceMethods = {"natural", "ai", "et"};
inline constexpr std::array<std::string_view, 4> kGrades = {"A", "B", "C", "R"};

// Milking sessions in the order of the day; `midday` and `night` exist only when the farm's
// settings name one of them as its third session.
inline constexpr std::array<std::string_view, 4> kAllSessions = {"morning", "midday", "evening",
                                                                 "night"};

template <size_t N>
bool one_of(const std::array<std::string_view, N>& words, std::string_view w) {
  for (auto x : words) {
    if (x == w) return true;
  }
  return false;
}

// The farm's settings (the herd_settings row). Percentages in hundredths (425 is 4.25 %),
// temperatures in tenths of a degree, SCC in thousand cells/ml, factors in ten-thousandths.
struct HerdSettings {
  std::string raw_milk_sku = "MILK-RAW";
  std::optional<std::string> third_session;  // "midday" or "night"; none: two sessions
  std::string morning_ends = "12:00";
  std::string midday_ends = "16:00";
  std::string evening_ends = "23:00";
  std::string night_ends = "23:59";
  int64_t grade_a_fat = 350, grade_a_snf = 850, grade_a_scc = 200;
  int64_t grade_b_fat = 320, grade_b_snf = 830, grade_b_scc = 400;
  int64_t grade_c_fat = 280, grade_c_snf = 800, grade_c_scc = 750;
  int64_t reject_temp_dc = 100;
  int64_t snf_clr_divisor = 4, snf_fat_factor = 2000, snf_constant = 3600;
  int64_t voluntary_waiting_days = 60;
  int64_t pregnancy_check_days = 35;
  int64_t dry_off_days = 60;
  int64_t calving_window_days = 9;
  int64_t updated_at = 0;

  // True for morning and evening, and for the third session when one is configured.
  bool has_session(std::string_view session) const;
  // The session a milking at `minute_of_day` (local, 0..1439) belongs to: the first whose
  // end time has not passed.
  std::string session_at(int minute_of_day) const;
  // Local minute of the day (0..1439) at which `session` ends.
  int session_end_minute(std::string_view session) const;
};

// Parses "HH:MM" (00:00..23:59) into minutes since midnight.
std::optional<int> parse_clock_time(std::string_view text);

namespace store {
Result<HerdSettings> load_settings(db::Connection& c);
// Requires: a write transaction.
Status save_settings(db::Connection& c, const HerdSettings& s);
}  // namespace store

}  // namespace smartdairy::modules::herd
