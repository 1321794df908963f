#include "modules/herd/health_store.h"

#include <string_view>

namespace smartdairy::modules::herd::store {

namespace {

constexpr std::string_view kColumns =
    "h.id, h.animal_id, a.ear_tag, h.day, h.kind, h.description, h.diagnosis, h.medication, "
    "h.dose, h.route, h.cost_minor, h.veterinarian, h.follow_up_date, h.last_dose_date, "
    "h.milk_withdrawal_days, h.meat_withdrawal_days, h.off_label, h.milk_withdrawal_end, "
    "h.meat_withdrawal_end, h.status, h.recorded_by, h.created_at, h.updated_at";

std::optional<Day> day_of(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return parse_date(*text);
}

std::optional<std::string> day_text(const std::optional<Day>& d) {
  if (!d) return std::nullopt;
  return format_date(*d);
}

HealthRecord read_record(const db::Query& q, Currency currency) {
  HealthRecord r;
  r.id = q.text(0);
  r.animal_id = q.text(1);
  r.ear_tag = q.text(2);
  r.day = parse_date(q.text(3)).value_or(0);
  r.kind = q.text(4);
  r.description = q.optional_text(5);
  r.diagnosis = q.optional_text(6);
  r.medication = q.optional_text(7);
  r.dose = q.optional_text(8);
  r.route = q.optional_text(9);
  if (auto m = q.optional_int64(10)) r.cost = Money::from_minor(*m, currency);
  r.veterinarian = q.optional_text(11);
  r.follow_up_date = day_of(q.optional_text(12));
  if (auto last = day_of(q.optional_text(13))) {
    Treatment t;
    t.last_dose_date = *last;
    t.milk_withdrawal_days = q.optional_int64(14).value_or(0);
    t.meat_withdrawal_days = q.optional_int64(15).value_or(0);
    t.off_label = q.int64(16) != 0;
    t.milk_withdrawal_end = day_of(q.optional_text(17)).value_or(*last);
    t.meat_withdrawal_end = day_of(q.optional_text(18)).value_or(*last);
    r.treatment = t;
  }
  r.status = q.text(19);
  r.recorded_by = q.text(20);
  r.created_at = q.int64(21);
  r.updated_at = q.int64(22);
  return r;
}

}  // namespace

Result<std::optional<AnimalFacts>> find_animal_facts(db::Connection& c, const std::string& id) {
  SD_ASSIGN_OR_RETURN(
      auto q, c.query("SELECT a.id, a.ear_tag, a.name, a.sex, a.status, a.birth_date, "
                      "a.disposal_kind, a.last_calving_date, coalesce(b.gestation_days, 283) "
                      "FROM herd_animals a LEFT JOIN herd_breeds b ON b.id = a.breed_id "
                      "WHERE a.id = ?",
                      id));
  SD_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return std::optional<AnimalFacts>{};
  AnimalFacts a;
  a.id = q.text(0);
  a.ear_tag = q.text(1);
  a.name = q.optional_text(2);
  a.sex = q.text(3);
  a.status = q.text(4);
  a.birth_date = day_of(q.optional_text(5));
  a.disposal_kind = q.optional_text(6);
  a.last_calving_date = day_of(q.optional_text(7));
  a.gestation_days = q.int64(8);
  return std::optional<AnimalFacts>{std::move(a)};
}

Status set_animal_status(db::Connection& c, const std::string& id, const std::string& status,
                         int64_t now) {
  return c.execute(
      "UPDATE herd_animals SET status = ?, version = version + 1, updated_at = ? WHERE id = ?",
      status, now, id);
}

Result<std::optional<HealthRecord>> find_health_record(db::Connection& c, const std::string& id,
                                                       Currency currency) {
  SD_ASSIGN_OR_RETURN(auto q, c.query("SELECT " + std::string(kColumns) +
                                          " FROM herd_health_records h JOIN herd_animals a ON "
                                          "a.id = h.animal_id WHERE h.id = ?",
                                      id));
  SD_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return std::optional<HealthRecord>{};
  return std::optional<HealthRecord>{read_record(q, currency)};
}

Status insert_health_record(db::Connection& c, const HealthRecord& r) {
  std::optional<int64_t> cost;
  if (r.cost) cost = r.cost->minor_units();
  std::optional<std::string> last_dose, milk_end, meat_end;
  std::optional<int64_t> milk_days, meat_days;
  bool off_label = false;
  if (r.treatment) {
    last_dose = format_date(r.treatment->last_dose_date);
    milk_end = format_date(r.treatment->milk_withdrawal_end);
    meat_end = format_date(r.treatment->meat_withdrawal_end);
    milk_days = r.treatment->milk_withdrawal_days;
    meat_days = r.treatment->meat_withdrawal_days;
    off_label = r.treatment->off_label;
  }
  return c.execute(
      "INSERT INTO herd_health_records (id, animal_id, day, kind, description, diagnosis, "
      "medication, dose, route, cost_minor, veterinarian, follow_up_date, last_dose_date, "
      "milk_withdrawal_days, meat_withdrawal_days, off_label, milk_withdrawal_end, "
      "meat_withdrawal_end, status, recorded_by, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      r.id, r.animal_id, format_date(r.day), r.kind, r.description, r.diagnosis, r.medication,
      r.dose, r.route, cost, r.veterinarian, day_text(r.follow_up_date), last_dose, milk_days,
      meat_days, off_label, milk_end, meat_end, r.status, r.recorded_by, r.created_at,
      r.updated_at);
}

Status update_health_record(db::Connection& c, const HealthRecord& r) {
  return c.execute(
      "UPDATE herd_health_records SET status = ?, follow_up_date = ?, description = ?, "
      "updated_at = ? WHERE id = ?",
      r.status, day_text(r.follow_up_date), r.description, r.updated_at, r.id);
}

Result<std::vector<HealthRecord>> list_health_records(db::Connection& c, const HealthQuery& q,
                                                      Currency currency) {
  // One statement for every filter combination (SR-07): an empty value switches it off.
  std::string sql = "SELECT " + std::string(kColumns) +
                    " FROM herd_health_records h JOIN herd_animals a ON a.id = h.animal_id "
                    "WHERE (? = '' OR h.id < ?) AND (? = '' OR h.animal_id = ?) "
                    "AND (? = '' OR h.kind = ?) AND (? = '' OR h.day >= ?) "
                    "AND (? = '' OR h.day <= ?) ORDER BY h.id DESC LIMIT ?";
  std::string animal = q.animal_id.value_or("");
  std::string kind = q.kind.value_or("");
  std::string from = q.from ? format_date(*q.from) : "";
  std::string to = q.to ? format_date(*q.to) : "";
  SD_ASSIGN_OR_RETURN(auto rows, c.query(sql, q.before, q.before, animal, animal, kind, kind, from,
                                         from, to, to, q.limit + 1));
  std::vector<HealthRecord> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, rows.step());
    if (!row) break;
    out.push_back(read_record(rows, currency));
  }
  return out;
}

Result<std::vector<AnimalWithdrawal>> withdrawals_on(db::Connection& c, Day on) {
  std::string day = format_date(on);
  SD_ASSIGN_OR_RETURN(auto rows,
                      c.query("SELECT a.id, a.ear_tag, a.name, h.id, h.day, h.milk_withdrawal_end, "
                              "h.meat_withdrawal_end FROM herd_health_records h "
                              "JOIN herd_animals a ON a.id = h.animal_id "
                              "WHERE h.last_dose_date IS NOT NULL AND h.day <= ? "
                              "AND (h.milk_withdrawal_end > ? OR h.meat_withdrawal_end > ?) "
                              "AND (a.disposal_date IS NULL OR a.disposal_date > ?) "
                              "ORDER BY a.ear_tag, a.id, h.day, h.id",
                              day, day, day, day));
  std::vector<AnimalWithdrawal> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, rows.step());
    if (!row) break;
    if (out.empty() || out.back().animal_id != rows.text(0)) {
      AnimalWithdrawal w;
      w.animal_id = rows.text(0);
      w.ear_tag = rows.text(1);
      w.name = rows.optional_text(2);
      out.push_back(std::move(w));
    }
    AnimalWithdrawal& w = out.back();
    WithheldBy by;
    by.record_id = rows.text(3);
    by.day = parse_date(rows.text(4)).value_or(0);
    by.milk_withdrawal_end = parse_date(rows.text(5)).value_or(0);
    by.meat_withdrawal_end = parse_date(rows.text(6)).value_or(0);
    if (by.milk_withdrawal_end > on && (!w.milk_until || *w.milk_until < by.milk_withdrawal_end)) {
      w.milk_until = by.milk_withdrawal_end;
    }
    if (by.meat_withdrawal_end > on && (!w.meat_until || *w.meat_until < by.meat_withdrawal_end)) {
      w.meat_until = by.meat_withdrawal_end;
    }
    w.records.push_back(std::move(by));
  }
  return out;
}

}  // namespace smartdairy::modules::herd::store
