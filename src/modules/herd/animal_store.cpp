#include "modules/herd/animal_store.h"

#include <map>
#include <string_view>

namespace smartdairy::modules::herd::store {

namespace {
// The first parameter of every animal query is the farm's day.
constexpr std::string_view kSelect =
    "SELECT a.id, a.ear_tag, a.rfid, a.name, a.breed_id, b.code, b.name, a.sex, a.birth_date, "
    "a.status, a.sire_id, a.dam_id, a.acquisition_kind, a.acquisition_date, "
    "a.acquisition_cost_minor, a.disposal_date, a.disposal_kind, a.disposal_note, "
    "a.last_calving_date, a.notes, a.version, a.created_at, a.updated_at, "
    "EXISTS (SELECT 1 FROM herd_health_records h WHERE h.animal_id = a.id "
    "        AND h.milk_withdrawal_end > ?) "
    "FROM herd_animals a LEFT JOIN herd_breeds b ON b.id = a.breed_id ";

// One statement for every filter combination (SR-07): an empty value switches a filter off.
constexpr std::string_view kListWhere =
    "WHERE a.ear_tag > ? "
    "AND (? = '' OR a.status = ?) "
    "AND (? = '' OR a.breed_id = ?) "
    "AND (? = '' OR a.ear_tag LIKE ? ESCAPE '\\') "
    "AND (? = '' OR a.sex = ?) "
    "AND (? = '' OR a.ear_tag LIKE ? ESCAPE '\\' OR lower(a.name) LIKE ? ESCAPE '\\' "
    "     OR lower(a.name) LIKE ? ESCAPE '\\') "
    "ORDER BY a.ear_tag LIMIT ?";

std::optional<Day> day_of(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return parse_date(*text);
}

std::optional<std::string> date_text(const std::optional<Day>& d) {
  if (!d) return std::nullopt;
  return format_date(*d);
}

Animal read_animal(const db::Query& q) {
  Animal a;
  int col = 0;
  a.id = q.text(col++);
  a.ear_tag = q.text(col++);
  a.rfid = q.optional_text(col++);
  a.name = q.optional_text(col++);
  a.breed_id = q.optional_text(col++);
  auto code = q.optional_text(col++);
  auto breed_name = q.optional_text(col++);
  if (a.breed_id && code) a.breed = BreedRef{*a.breed_id, *code, breed_name.value_or("")};
  a.sex = q.text(col++);
  a.birth_date = day_of(q.optional_text(col++));
  a.status = q.text(col++);
  a.sire_id = q.optional_text(col++);
  a.dam_id = q.optional_text(col++);
  a.acquisition_kind = q.text(col++);
  a.acquisition_date = day_of(q.optional_text(col++));
  a.acquisition_cost_minor = q.optional_int64(col++);
  a.disposal_date = day_of(q.optional_text(col++));
  a.disposal_kind = q.optional_text(col++);
  a.disposal_note = q.optional_text(col++);
  a.last_calving_date = day_of(q.optional_text(col++));
  a.notes = q.optional_text(col++);
  a.version = q.int64(col++);
  a.created_at = q.int64(col++);
  a.updated_at = q.int64(col++);
  a.in_milk_withdrawal = q.int64(col++) != 0;
  return a;
}

Result<std::optional<Animal>> find_where(db::Connection& c, std::string_view where,
                                         const std::string& value, Day today) {
  SD_ASSIGN_OR_RETURN(
      auto q, c.query(std::string(kSelect) + std::string(where), format_date(today), value));
  SD_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return std::optional<Animal>{};
  return std::optional<Animal>{read_animal(q)};
}

// A LIKE pattern for strings starting with `prefix`, wildcards escaped.
std::string prefix_pattern(std::string_view prefix) {
  std::string out;
  for (char c : prefix) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

Result<std::optional<AnimalRef>> find_ref(db::Connection& c, const std::optional<std::string>& id,
                                          std::optional<std::string>* sire = nullptr,
                                          std::optional<std::string>* dam = nullptr) {
  if (!id) return std::optional<AnimalRef>{};
  SD_ASSIGN_OR_RETURN(auto q,
                      c.query("SELECT id, ear_tag, name, sex, sire_id, dam_id FROM herd_animals "
                              "WHERE id = ?",
                              *id));
  SD_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return std::optional<AnimalRef>{};
  AnimalRef r{q.text(0), q.text(1), q.optional_text(2), q.text(3)};
  if (sire != nullptr) *sire = q.optional_text(4);
  if (dam != nullptr) *dam = q.optional_text(5);
  return std::optional<AnimalRef>{std::move(r)};
}

Status read_pedigree(db::Connection& c, const Animal& a, Pedigree& p) {
  std::optional<std::string> ss;
  std::optional<std::string> sd;
  std::optional<std::string> ds;
  std::optional<std::string> dd;
  SD_ASSIGN_OR_RETURN(p.sire, find_ref(c, a.sire_id, &ss, &sd));
  SD_ASSIGN_OR_RETURN(p.dam, find_ref(c, a.dam_id, &ds, &dd));
  SD_ASSIGN_OR_RETURN(p.sire_sire, find_ref(c, ss));
  SD_ASSIGN_OR_RETURN(p.sire_dam, find_ref(c, sd));
  SD_ASSIGN_OR_RETURN(p.dam_sire, find_ref(c, ds));
  SD_ASSIGN_OR_RETURN(p.dam_dam, find_ref(c, dd));
  return {};
}

Status read_milk(db::Connection& c, AnimalDetail& d, Day today) {
  const std::string& id = d.animal.id;
  SD_ASSIGN_OR_RETURN(
      auto q,
      c.query("SELECT id, day, session, quantity_ml, fat, snf, protein, grade, withheld "
              "FROM herd_milk_records WHERE animal_id = ? ORDER BY day DESC, "
              "CASE session WHEN 'morning' THEN 0 WHEN 'midday' THEN 1 WHEN 'evening' THEN 2 "
              "ELSE 3 END DESC LIMIT 10",
              id));
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    MilkEntry m;
    m.id = q.text(0);
    m.day = parse_date(q.text(1)).value_or(0);
    m.session = q.text(2);
    m.quantity_ml = q.int64(3);
    m.fat = q.optional_int64(4);
    m.snf = q.optional_int64(5);
    m.protein = q.optional_int64(6);
    m.grade = q.text(7);
    m.withheld = q.int64(8) != 0;
    d.latest_milk.push_back(std::move(m));
  }
  SD_ASSIGN_OR_RETURN(auto days, c.query("SELECT day, SUM(quantity_ml) FROM herd_milk_records "
                                         "WHERE animal_id = ? AND day > ? AND day <= ? "
                                         "GROUP BY day ORDER BY day",
                                         id, format_date(today - 90), format_date(today)));
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, days.step());
    if (!row) break;
    d.milk_by_day.push_back({parse_date(days.text(0)).value_or(0), days.int64(1)});
  }
  return {};
}

Status read_health(db::Connection& c, AnimalDetail& d, Day today) {
  SD_ASSIGN_OR_RETURN(
      auto q, c.query("SELECT id, day, kind, description, diagnosis, medication, cost_minor, "
                      "veterinarian, milk_withdrawal_end, meat_withdrawal_end, status "
                      "FROM herd_health_records WHERE animal_id = ? "
                      "ORDER BY day DESC, id DESC LIMIT 200",
                      d.animal.id));
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    HealthEntry h;
    h.id = q.text(0);
    h.day = parse_date(q.text(1)).value_or(0);
    h.kind = q.text(2);
    h.description = q.optional_text(3);
    h.diagnosis = q.optional_text(4);
    h.medication = q.optional_text(5);
    h.cost_minor = q.optional_int64(6);
    h.veterinarian = q.optional_text(7);
    h.milk_withdrawal_end = day_of(q.optional_text(8));
    h.meat_withdrawal_end = day_of(q.optional_text(9));
    h.status = q.text(10);
    d.health.push_back(std::move(h));
  }
  SD_ASSIGN_OR_RETURN(auto w,
                      c.query("SELECT (SELECT MAX(milk_withdrawal_end) FROM herd_health_records "
                              "        WHERE animal_id = ? AND milk_withdrawal_end > ?), "
                              "       (SELECT MAX(meat_withdrawal_end) FROM herd_health_records "
                              "        WHERE animal_id = ? AND meat_withdrawal_end > ?)",
                              d.animal.id, format_date(today), d.animal.id, format_date(today)));
  SD_ASSIGN_OR_RETURN(bool row, w.step());
  if (row && (!w.is_null(0) || !w.is_null(1))) {
    d.withdrawal = CurrentWithdrawal{day_of(w.optional_text(0)), day_of(w.optional_text(1))};
  }
  return {};
}

Status read_breeding(db::Connection& c, AnimalDetail& d) {
  SD_ASSIGN_OR_RETURN(auto q,
                      c.query("SELECT id, day, method, sire_id, semen_batch, pregnancy_status, "
                              "check_due, expected_calving FROM herd_services WHERE animal_id = ? "
                              "ORDER BY day DESC, id DESC LIMIT 100",
                              d.animal.id));
  std::map<std::string, size_t> index;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    ServiceEntry s;
    s.id = q.text(0);
    s.day = parse_date(q.text(1)).value_or(0);
    s.method = q.text(2);
    s.sire_id = q.optional_text(3);
    s.semen_batch = q.optional_text(4);
    s.pregnancy_status = q.text(5);
    s.check_due = parse_date(q.text(6)).value_or(0);
    s.expected_calving = parse_date(q.text(7)).value_or(0);
    index[s.id] = d.breeding.size();
    d.breeding.push_back(std::move(s));
  }
  SD_ASSIGN_OR_RETURN(
      auto checks,
      c.query("SELECT p.id, p.service_id, p.day, p.result, p.method FROM herd_pregnancy_checks p "
              "JOIN herd_services s ON s.id = p.service_id WHERE s.animal_id = ? "
              "ORDER BY p.day, p.id",
              d.animal.id));
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, checks.step());
    if (!row) break;
    auto it = index.find(checks.text(1));
    if (it == index.end()) continue;
    d.breeding[it->second].checks.push_back({checks.text(0), parse_date(checks.text(2)).value_or(0),
                                             checks.text(3), checks.optional_text(4)});
  }
  return {};
}

Status read_calvings_and_offspring(db::Connection& c, AnimalDetail& d) {
  SD_ASSIGN_OR_RETURN(
      auto q, c.query("SELECT c.id, c.day, c.difficulty, c.calf_id, k.ear_tag, c.service_id "
                      "FROM herd_calvings c LEFT JOIN herd_animals k ON k.id = c.calf_id "
                      "WHERE c.dam_id = ? ORDER BY c.day DESC, c.id DESC",
                      d.animal.id));
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    d.calvings.push_back({q.text(0), parse_date(q.text(1)).value_or(0), q.int64(2),
                          q.optional_text(3), q.optional_text(4), q.optional_text(5)});
  }
  SD_ASSIGN_OR_RETURN(
      auto o, c.query("SELECT id, ear_tag, name, sex FROM herd_animals "
                      "WHERE sire_id = ? OR dam_id = ? ORDER BY birth_date, ear_tag LIMIT 500",
                      d.animal.id, d.animal.id));
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, o.step());
    if (!row) break;
    d.offspring.push_back({o.text(0), o.text(1), o.optional_text(2), o.text(3)});
  }
  return {};
}
}  // namespace

Result<std::optional<Animal>> find_animal(db::Connection& c, const std::string& id, Day today) {
  return find_where(c, "WHERE a.id = ?", id, today);
}

Result<std::optional<Animal>> find_animal_by_tag(db::Connection& c, const std::string& tag,
                                                 Day today) {
  return find_where(c, "WHERE a.ear_tag = ?", tag, today);
}

Result<std::optional<std::string>> find_animal_id_by_rfid(db::Connection& c,
                                                          const std::string& rfid) {
  return c.scalar_text("SELECT id FROM herd_animals WHERE rfid = ?", rfid);
}

Status insert_animal(db::Connection& c, const Animal& a) {
  return c.execute(
      "INSERT INTO herd_animals (id, ear_tag, rfid, name, breed_id, sex, birth_date, status, "
      "sire_id, dam_id, acquisition_kind, acquisition_date, acquisition_cost_minor, "
      "disposal_date, disposal_kind, disposal_note, last_calving_date, notes, version, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?)",
      a.id, a.ear_tag, a.rfid, a.name, a.breed_id, a.sex, date_text(a.birth_date), a.status,
      a.sire_id, a.dam_id, a.acquisition_kind, date_text(a.acquisition_date),
      a.acquisition_cost_minor, date_text(a.disposal_date), a.disposal_kind, a.disposal_note,
      date_text(a.last_calving_date), a.notes, a.version, a.created_at, a.updated_at);
}

Status update_animal(db::Connection& c, const Animal& a, int64_t previous_version) {
  SD_RETURN_IF_ERROR(c.execute(
      "UPDATE herd_animals SET rfid = ?, name = ?, breed_id = ?, birth_date = ?, status = ?, "
      "sire_id = ?, dam_id = ?, disposal_date = ?, disposal_kind = ?, disposal_note = ?, "
      "last_calving_date = ?, notes = ?, version = ?, updated_at = ? "
      "WHERE id = ? AND version = ?",
      a.rfid, a.name, a.breed_id, date_text(a.birth_date), a.status, a.sire_id, a.dam_id,
      date_text(a.disposal_date), a.disposal_kind, a.disposal_note, date_text(a.last_calving_date),
      a.notes, a.version, a.updated_at, a.id, previous_version));
  if (c.changes() != 1) {
    return Error::conflict("animal_changed", "Animal " + a.ear_tag +
                                                 " was changed by someone else meanwhile. "
                                                 "Reload it and try again.");
  }
  return {};
}

Result<bool> is_descendant(db::Connection& c, const std::string& ancestor,
                           const std::string& candidate) {
  SD_ASSIGN_OR_RETURN(
      auto v, c.scalar_int64("WITH RECURSIVE d(id) AS ("
                             "  SELECT id FROM herd_animals WHERE sire_id = ? OR dam_id = ? "
                             "  UNION "
                             "  SELECT a.id FROM herd_animals a JOIN d "
                             "    ON a.sire_id = d.id OR a.dam_id = d.id) "
                             "SELECT EXISTS (SELECT 1 FROM d WHERE id = ?)",
                             ancestor, ancestor, candidate));
  return v.value_or(0) != 0;
}

Result<std::optional<Day>> earliest_offspring_birth(db::Connection& c, const std::string& id) {
  SD_ASSIGN_OR_RETURN(auto v, c.scalar_text("SELECT MIN(birth_date) FROM herd_animals "
                                            "WHERE (sire_id = ? OR dam_id = ?) "
                                            "AND birth_date IS NOT NULL",
                                            id, id));
  return day_of(v);
}

Result<std::vector<Animal>> list_animals(db::Connection& c, const AnimalQuery& q, Day today) {
  std::string status = q.status.value_or("");
  std::string breed = q.breed_id.value_or("");
  std::string tag = q.tag_prefix && !q.tag_prefix->empty() ? upper(*q.tag_prefix) : "";
  std::string tag_like = tag.empty() ? "" : prefix_pattern(tag);
  std::string sex = q.sex.value_or("");
  std::string text = q.q && !q.q->empty() ? *q.q : "";
  std::string text_tag = text.empty() ? "" : prefix_pattern(upper(text));
  std::string text_name = text.empty() ? "" : prefix_pattern(lower(text));
  std::string text_word = text.empty() ? "" : "% " + text_name;
  SD_ASSIGN_OR_RETURN(auto rows,
                      c.query(std::string(kSelect) + std::string(kListWhere), format_date(today),
                              q.after, status, status, breed, breed, tag, tag_like, sex, sex, text,
                              text_tag, text_name, text_word, q.limit + 1));
  std::vector<Animal> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, rows.step());
    if (!row) break;
    out.push_back(read_animal(rows));
  }
  return out;
}

Status read_detail(db::Connection& c, AnimalDetail& d, Day today) {
  SD_RETURN_IF_ERROR(read_pedigree(c, d.animal, d.pedigree));
  SD_RETURN_IF_ERROR(read_milk(c, d, today));
  SD_RETURN_IF_ERROR(read_health(c, d, today));
  SD_RETURN_IF_ERROR(read_breeding(c, d));
  SD_RETURN_IF_ERROR(read_calvings_and_offspring(c, d));
  return {};
}

Result<std::optional<ServiceRow>> find_service_row(db::Connection& c, const std::string& id) {
  SD_ASSIGN_OR_RETURN(auto q, c.query("SELECT id, animal_id, day, sire_id, pregnancy_status "
                                      "FROM herd_services WHERE id = ?",
                                      id));
  SD_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return std::optional<ServiceRow>{};
  return std::optional<ServiceRow>{ServiceRow{
      q.text(0), q.text(1), parse_date(q.text(2)).value_or(0), q.optional_text(3), q.text(4)}};
}

Status mark_service_calved(db::Connection& c, const std::string& id, int64_t now) {
  return c.execute(
      "UPDATE herd_services SET pregnancy_status = 'calved', updated_at = ? WHERE id = ?", now, id);
}

Status insert_calving(db::Connection& c, const CalvingRow& r) {
  return c.execute(
      "INSERT INTO herd_calvings (id, dam_id, service_id, day, difficulty, calf_id, notes, "
      "recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      r.id, r.dam_id, r.service_id, format_date(r.day), r.difficulty, r.calf_id, r.notes,
      r.recorded_by, r.created_at);
}

}  // namespace smartdairy::modules::herd::store
