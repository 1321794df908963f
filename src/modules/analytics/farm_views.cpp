#include "modules/analytics/farm_views.h"

#include <array>
#include <map>
#include <optional>
#include <utility>

#include "modules/analytics/sums.h"

namespace smartdairy::modules::analytics {

namespace {

// analytics_farm_milk_by_day: records, litres, saleable, withheld, then records and
// millilitres of grades A, B, C and R.
constexpr std::array<const char*, 12> kMilkColumns = {
    "records", "litres_ml", "saleable_ml", "withheld_ml", "grade_a",    "grade_b",
    "grade_c", "grade_r",   "grade_a_ml",  "grade_b_ml",  "grade_c_ml", "grade_r_ml"};
using MilkSums = SumsOf<12>;
constexpr std::array<std::string_view, 4> kGrades = {"A", "B", "C", "R"};

struct MilkFact {
  std::string day;
  int64_t quantity_ml = 0;
  int64_t withheld = 0;
  std::string grade;
  bool operator==(const MilkFact&) const = default;
};

std::array<int64_t, 12> milk_contribution(const MilkFact& m) {
  const int64_t q = m.quantity_ml;
  const bool withheld = m.withheld != 0;
  std::array<int64_t, 12> v{};
  v[0] = 1;
  v[1] = q;
  v[2] = !withheld && m.grade != "R" ? q : 0;
  v[3] = withheld ? q : 0;
  for (size_t g = 0; g < kGrades.size(); ++g) {
    if (m.grade == kGrades[g]) {
      v[4 + g] = 1;
      v[8 + g] = q;
    }
  }
  return v;
}

struct FarmDeltas {
  std::map<Key2, MilkSums> milk;
  std::map<Key2, SumsOf<2>> health;  // records, cost
  std::map<Key2, SumsOf<1>> status;  // animals
};

Result<std::optional<MilkFact>> milk_row(db::Connection& tx, const char* sql,
                                         const std::string& id) {
  SD_ASSIGN_OR_RETURN(auto q, tx.query(sql, id));
  SD_ASSIGN_OR_RETURN(bool has, q.step());
  if (!has) return std::optional<MilkFact>();
  return std::optional<MilkFact>(MilkFact{q.text(0), q.int64(1), q.int64(2), q.text(3)});
}

Status refresh_milk(db::Connection& tx, FarmDeltas& d, const std::string& id) {
  SD_ASSIGN_OR_RETURN(auto counted, milk_row(tx,
                                             "SELECT day, quantity_ml, withheld, grade FROM "
                                             "analytics_farm_milk_facts WHERE record_id = ?",
                                             id));
  SD_ASSIGN_OR_RETURN(auto now, milk_row(tx,
                                         "SELECT day, quantity_ml, withheld <> 0, grade FROM "
                                         "herd_milk_records WHERE id = ?",
                                         id));
  if (counted == now) return {};
  if (counted) d.milk[{counted->day, ""}].add(-1, milk_contribution(*counted));
  if (!now) return tx.execute("DELETE FROM analytics_farm_milk_facts WHERE record_id = ?", id);
  d.milk[{now->day, ""}].add(+1, milk_contribution(*now));
  return tx.execute(
      "INSERT INTO analytics_farm_milk_facts (record_id, day, quantity_ml, withheld, grade) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (record_id) DO UPDATE SET day = excluded.day, "
      "quantity_ml = excluded.quantity_ml, withheld = excluded.withheld, grade = excluded.grade",
      id, now->day, now->quantity_ml, now->withheld, now->grade);
}

using MonthCost = std::pair<std::string, int64_t>;

Result<std::optional<MonthCost>> health_row(db::Connection& tx, const char* sql,
                                            const std::string& id) {
  SD_ASSIGN_OR_RETURN(auto q, tx.query(sql, id));
  SD_ASSIGN_OR_RETURN(bool has, q.step());
  if (!has) return std::optional<MonthCost>();
  return std::optional<MonthCost>(MonthCost{q.text(0), q.int64(1)});
}

Status refresh_health(db::Connection& tx, FarmDeltas& d, const std::string& id) {
  SD_ASSIGN_OR_RETURN(auto counted, health_row(tx,
                                               "SELECT month, cost_minor FROM "
                                               "analytics_farm_health_facts WHERE record_id = ?",
                                               id));
  SD_ASSIGN_OR_RETURN(auto now, health_row(tx,
                                           "SELECT substr(day, 1, 7), coalesce(cost_minor, 0) "
                                           "FROM herd_health_records WHERE id = ?",
                                           id));
  if (counted == now) return {};
  if (counted) d.health[{counted->first, ""}].add(-1, {1, counted->second});
  if (!now) return tx.execute("DELETE FROM analytics_farm_health_facts WHERE record_id = ?", id);
  d.health[{now->first, ""}].add(+1, {1, now->second});
  return tx.execute(
      "INSERT INTO analytics_farm_health_facts (record_id, month, cost_minor) VALUES (?, ?, ?) "
      "ON CONFLICT (record_id) DO UPDATE SET month = excluded.month, "
      "cost_minor = excluded.cost_minor",
      id, now->first, now->second);
}

Result<std::optional<std::string>> status_row(db::Connection& tx, const char* sql,
                                              const std::string& id) {
  SD_ASSIGN_OR_RETURN(auto q, tx.query(sql, id));
  SD_ASSIGN_OR_RETURN(bool has, q.step());
  if (!has) return std::optional<std::string>();
  return std::optional<std::string>(q.text(0));
}

Status refresh_animal(db::Connection& tx, FarmDeltas& d, const std::string& id) {
  SD_ASSIGN_OR_RETURN(
      auto counted,
      status_row(tx, "SELECT status FROM analytics_farm_animal_facts WHERE animal_id = ?", id));
  SD_ASSIGN_OR_RETURN(auto now, status_row(tx, "SELECT status FROM herd_animals WHERE id = ?", id));
  if (counted == now) return {};
  if (counted) d.status[{*counted, ""}].add(-1, {1});
  if (!now) return tx.execute("DELETE FROM analytics_farm_animal_facts WHERE animal_id = ?", id);
  d.status[{*now, ""}].add(+1, {1});
  return tx.execute(
      "INSERT INTO analytics_farm_animal_facts (animal_id, status) VALUES (?, ?) "
      "ON CONFLICT (animal_id) DO UPDATE SET status = excluded.status",
      id, *now);
}

// The dam and the calf (if one was born alive) of a calving.
Status animals_of_calving(db::Connection& tx, const std::string& calving_id,
                          std::set<std::string>& animals) {
  SD_ASSIGN_OR_RETURN(
      auto q, tx.query("SELECT dam_id, calf_id FROM herd_calvings WHERE id = ?", calving_id));
  SD_ASSIGN_OR_RETURN(bool has, q.step());
  if (!has) return {};  // not a calving of this database: nothing to count
  animals.insert(q.text(0));
  if (!q.is_null(1)) animals.insert(q.text(1));
  return {};
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

const std::vector<std::string>& farm_event_types() {
  static const std::vector<std::string> types = {
      "animal.registered", "animal.updated",    "animal.status_changed", "animal.disposed",
      "milk.recorded",     "milk.corrected",    "milk.posted",           "health.recorded",
      "health.updated",    "breeding.serviced", "breeding.checked",      "calving.recorded"};
  return types;
}

bool is_herd_event(std::string_view type) {
  for (std::string_view prefix : {"animal.", "milk.", "health.", "breeding.", "calving."}) {
    if (starts_with(type, prefix)) return true;
  }
  return false;
}

void FarmViewUpdater::note(const events::Event& ev) {
  if (!is_herd_event(ev.type)) return;
  herd_touched_ = true;
  if (ev.type == "milk.recorded" || ev.type == "milk.corrected") {
    milk_.insert(ev.aggregate_id);
  } else if (ev.type == "health.recorded" || ev.type == "health.updated") {
    health_.insert(ev.aggregate_id);
  } else if (starts_with(ev.type, "animal.")) {
    animals_.insert(ev.aggregate_id);
  } else if (ev.type == "calving.recorded") {
    calvings_.insert(ev.aggregate_id);
  }
}

Status FarmViewUpdater::flush(db::Connection& tx) {
  auto milk = std::exchange(milk_, {});
  auto health = std::exchange(health_, {});
  auto animals = std::exchange(animals_, {});
  auto calvings = std::exchange(calvings_, {});
  herd_touched_ = false;
  for (const auto& id : calvings) SD_RETURN_IF_ERROR(animals_of_calving(tx, id, animals));
  FarmDeltas d;
  for (const auto& id : milk) SD_RETURN_IF_ERROR(refresh_milk(tx, d, id));
  for (const auto& id : health) SD_RETURN_IF_ERROR(refresh_health(tx, d, id));
  for (const auto& id : animals) SD_RETURN_IF_ERROR(refresh_animal(tx, d, id));
  SD_RETURN_IF_ERROR(write_sums(tx, "analytics_farm_milk_by_day", {"day"}, kMilkColumns, d.milk));
  SD_RETURN_IF_ERROR(write_sums(tx, "analytics_farm_health_cost_by_month", {"month"},
                                {"records", "cost"}, d.health));
  return write_sums(tx, "analytics_farm_herd_by_status", {"status"}, {"animals"}, d.status);
}

// The facts are inserted in key order (a sorted append to their B-tree rather than a random
// insert per row: about three times faster for 10 years of milk).
Status rebuild_farm_views(db::Connection& tx) {
  return tx.exec(
      "DELETE FROM analytics_farm_milk_facts; DELETE FROM analytics_farm_milk_by_day; "
      "DELETE FROM analytics_farm_health_facts; DELETE FROM analytics_farm_health_cost_by_month; "
      "DELETE FROM analytics_farm_animal_facts; DELETE FROM analytics_farm_herd_by_status;"
      "INSERT INTO analytics_farm_milk_facts (record_id, day, quantity_ml, withheld, grade) "
      "SELECT id, day, quantity_ml, withheld <> 0, grade FROM herd_milk_records ORDER BY id;"
      "INSERT INTO analytics_farm_milk_by_day (day, records, litres_ml, saleable_ml, "
      "withheld_ml, grade_a, grade_b, grade_c, grade_r, grade_a_ml, grade_b_ml, grade_c_ml, "
      "grade_r_ml) "
      "SELECT day, count(*), sum(quantity_ml), "
      "sum(CASE WHEN withheld = 0 AND grade <> 'R' THEN quantity_ml ELSE 0 END), "
      "sum(CASE WHEN withheld <> 0 THEN quantity_ml ELSE 0 END), "
      "sum(grade = 'A'), sum(grade = 'B'), sum(grade = 'C'), sum(grade = 'R'), "
      "sum(CASE WHEN grade = 'A' THEN quantity_ml ELSE 0 END), "
      "sum(CASE WHEN grade = 'B' THEN quantity_ml ELSE 0 END), "
      "sum(CASE WHEN grade = 'C' THEN quantity_ml ELSE 0 END), "
      "sum(CASE WHEN grade = 'R' THEN quantity_ml ELSE 0 END) "
      "FROM herd_milk_records GROUP BY day;"
      "INSERT INTO analytics_farm_health_facts (record_id, month, cost_minor) "
      "SELECT id, substr(day, 1, 7), coalesce(cost_minor, 0) FROM herd_health_records "
      "ORDER BY id;"
      "INSERT INTO analytics_farm_health_cost_by_month (month, records, cost) "
      "SELECT substr(day, 1, 7) AS m, count(*), sum(coalesce(cost_minor, 0)) "
      "FROM herd_health_records GROUP BY m;"
      "INSERT INTO analytics_farm_animal_facts (animal_id, status) "
      "SELECT id, status FROM herd_animals ORDER BY id;"
      "INSERT INTO analytics_farm_herd_by_status (status, animals) "
      "SELECT status, count(*) FROM herd_animals GROUP BY status;");
}

}  // namespace smartdairy::modules::analytics
