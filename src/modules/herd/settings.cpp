#include "modules/herd/herd.h"

namespace smartdairy::modules::herd {

std::optional<int> parse_clock_time(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (size_t i : {0U, 1U, 3U, 4U}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  int h = (text[0] - '0') * 10 + (text[1] - '0');
  int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

bool HerdSettings::has_session(std::string_view session) const {
  if (session == "morning" || session == "evening") return true;
  return third_session && *third_session == session;
}

int HerdSettings::session_end_minute(std::string_view session) const {
  const std::string* text = &evening_ends;
  if (session == "morning") text = &morning_ends;
  if (session == "midday") text = &midday_ends;
  if (session == "night") text = &night_ends;
  return parse_clock_time(*text).value_or(24 * 60 - 1);
}

std::string HerdSettings::session_at(int minute_of_day) const {
  std::string last = "evening";
  for (auto s : kAllSessions) {
    if (!has_session(s)) continue;
    if (minute_of_day < session_end_minute(s)) return std::string(s);
    last = std::string(s);
  }
  return last;  // after the last session's end: still the day's last session
}

namespace store {

Result<HerdSettings> load_settings(db::Connection& c) {
  SD_ASSIGN_OR_RETURN(auto q,
                      c.query("SELECT raw_milk_sku, third_session, morning_ends, midday_ends, "
                              "evening_ends, night_ends, grade_a_fat, grade_a_snf, grade_a_scc, "
                              "grade_b_fat, grade_b_snf, grade_b_scc, grade_c_fat, grade_c_snf, "
                              "grade_c_scc, reject_temp_dc, snf_clr_divisor, snf_fat_factor, "
                              "snf_constant, voluntary_waiting_days, pregnancy_check_days, "
                              "dry_off_days, calving_window_days, updated_at "
                              "FROM herd_settings WHERE id = 1"));
  SD_ASSIGN_OR_RETURN(bool has, q.step());
  HerdSettings s;
  if (!has) return s;
  int col = 0;
  s.raw_milk_sku = q.text(col++);
  s.third_session = q.optional_text(col++);
  s.morning_ends = q.text(col++);
  s.midday_ends = q.text(col++);
  s.evening_ends = q.text(col++);
  s.night_ends = q.text(col++);
  for (int64_t* v :
       {&s.grade_a_fat, &s.grade_a_snf, &s.grade_a_scc, &s.grade_b_fat, &s.grade_b_snf,
        &s.grade_b_scc, &s.grade_c_fat, &s.grade_c_snf, &s.grade_c_scc, &s.reject_temp_dc,
        &s.snf_clr_divisor, &s.snf_fat_factor, &s.snf_constant, &s.voluntary_waiting_days,
        &s.pregnancy_check_days, &s.dry_off_days, &s.calving_window_days, &s.updated_at}) {
    *v = q.int64(col++);
  }
  return s;
}

Status save_settings(db::Connection& c, const HerdSettings& s) {
  return c.execute(
      "UPDATE herd_settings SET raw_milk_sku = ?, third_session = ?, morning_ends = ?, "
      "midday_ends = ?, evening_ends = ?, night_ends = ?, grade_a_fat = ?, grade_a_snf = ?, "
      "grade_a_scc = ?, grade_b_fat = ?, grade_b_snf = ?, grade_b_scc = ?, grade_c_fat = ?, "
      "grade_c_snf = ?, grade_c_scc = ?, reject_temp_dc = ?, snf_clr_divisor = ?, "
      "snf_fat_factor = ?, snf_constant = ?, voluntary_waiting_days = ?, "
      "pregnancy_check_days = ?, dry_off_days = ?, calving_window_days = ?, updated_at = ? "
      "WHERE id = 1",
      s.raw_milk_sku, s.third_session, s.morning_ends, s.midday_ends, s.evening_ends, s.night_ends,
      s.grade_a_fat, s.grade_a_snf, s.grade_a_scc, s.grade_b_fat, s.grade_b_snf, s.grade_b_scc,
      s.grade_c_fat, s.grade_c_snf, s.grade_c_scc, s.reject_temp_dc, s.snf_clr_divisor,
      s.snf_fat_factor, s.snf_constant, s.voluntary_waiting_days, s.pregnancy_check_days,
      s.dry_off_days, s.calving_window_days, s.updated_at);
}

}  // namespace store

}  // namespace smartdairy::modules::herd
