#include "modules/herd/milk_store.h"

#include <algorithm>
#include <string_view>

namespace smartdairy::modules::herd::store {

namespace {
constexpr std::string_view kAnimalColumns =
    "SELECT id, ear_tag, sex, status, birth_date, disposal_date FROM herd_animals ";

constexpr std::string_view kRecordColumns =
    "SELECT m.id, m.animal_id, a.ear_tag, m.day, m.session, m.quantity_ml, m.fat, m.snf, "
    "m.protein, m.temperature_dc, m.scc, m.lactometer_clr, m.snf_computed, m.grade, m.withheld, "
    "m.withheld_by, m.posting_id, m.posted_ml, m.recorded_by, m.notes, m.version, m.created_at, "
    "m.updated_at FROM herd_milk_records m JOIN herd_animals a ON a.id = m.animal_id ";

// One statement for every filter combination (SR-07): an empty text or a negative number
// switches a filter off.
constexpr std::string_view kListFilters =
    "WHERE m.id > ? AND (? = '' OR m.day >= ?) AND (? = '' OR m.day <= ?) "
    "AND (? = '' OR m.session = ?) AND (? = '' OR m.animal_id = ?) "
    "AND (? < 0 OR m.withheld = ?) ORDER BY m.id LIMIT ?";

constexpr std::string_view kPostingColumns =
    "SELECT id, day, session, sku, saleable_ml, litres, carry_ml, actor, created_at "
    "FROM herd_milk_postings ";

std::optional<Day> day_of(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return parse_date(*text);
}

MilkAnimal read_animal(const db::Query& q) {
  MilkAnimal a;
  a.id = q.text(0);
  a.ear_tag = q.text(1);
  a.sex = q.text(2);
  a.status = q.text(3);
  a.birth_date = day_of(q.optional_text(4));
  a.disposal_date = day_of(q.optional_text(5));
  return a;
}

MilkRecord read_record(const db::Query& q) {
  MilkRecord r;
  int col = 0;
  r.id = q.text(col++);
  r.animal_id = q.text(col++);
  r.ear_tag = q.text(col++);
  r.day = parse_date(q.text(col++)).value_or(0);
  r.session = q.text(col++);
  r.quantity_ml = q.int64(col++);
  r.fat = q.optional_int64(col++);
  r.snf = q.optional_int64(col++);
  r.protein = q.optional_int64(col++);
  r.temperature_dc = q.optional_int64(col++);
  r.scc = q.optional_int64(col++);
  r.lactometer_clr = q.optional_int64(col++);
  r.snf_computed = q.int64(col++) != 0;
  r.grade = q.text(col++);
  r.withheld = q.int64(col++) != 0;
  r.withheld_by = q.optional_text(col++);
  r.posting_id = q.optional_text(col++);
  r.posted_ml = q.int64(col++);
  r.recorded_by = q.text(col++);
  r.notes = q.optional_text(col++);
  r.version = q.int64(col++);
  r.created_at = q.int64(col++);
  r.updated_at = q.int64(col++);
  return r;
}

MilkPosting read_posting(const db::Query& q) {
  MilkPosting p;
  p.id = q.text(0);
  p.day = parse_date(q.text(1)).value_or(0);
  p.session = q.text(2);
  p.sku = q.text(3);
  p.saleable_ml = q.int64(4);
  p.litres = q.int64(5);
  p.carry_ml = q.int64(6);
  p.actor = q.text(7);
  p.created_at = q.int64(8);
  return p;
}

Result<std::optional<MilkAnimal>> one_animal(Result<db::Query> query) {
  if (!query.ok()) return std::move(query).error();
  SD_ASSIGN_OR_RETURN(bool row, query->step());
  if (!row) return std::optional<MilkAnimal>{};
  return std::optional<MilkAnimal>{read_animal(*query)};
}

// How many values one set-based look-up binds: "IN (?, ?, ...)" with kInChunk places.
constexpr size_t kInChunk = 64;

const std::string& in_list() {
  static const std::string list = [] {
    std::string s = "(";
    for (size_t i = 0; i < kInChunk; ++i) s += i == 0 ? "?" : ", ?";
    return s + ")";
  }();
  return list;
}

// Binds values[from, from + kInChunk) from parameter `first` on; past the end of `values`
// the last value again (an IN list does not mind repeats). Requires: values not empty.
void bind_chunk(db::Query& q, int first, const std::vector<std::string>& values, size_t from) {
  for (size_t k = 0; k < kInChunk; ++k) {
    q.bind(first + static_cast<int>(k), values[std::min(from + k, values.size() - 1)]);
  }
}

Status animals_in(db::Connection& c, const std::string& sql, const std::vector<std::string>& keys,
                  std::vector<MilkAnimal>& out) {
  for (size_t from = 0; from < keys.size(); from += kInChunk) {
    SD_ASSIGN_OR_RETURN(auto q, c.prepare(sql));
    bind_chunk(q, 1, keys, from);
    for (;;) {
      SD_ASSIGN_OR_RETURN(bool row, q.step());
      if (!row) break;
      out.push_back(read_animal(q));
    }
  }
  return {};
}

Result<std::optional<MilkRecord>> one_record(Result<db::Query> query) {
  if (!query.ok()) return std::move(query).error();
  SD_ASSIGN_OR_RETURN(bool row, query->step());
  if (!row) return std::optional<MilkRecord>{};
  return std::optional<MilkRecord>{read_record(*query)};
}
}  // namespace

Result<std::optional<MilkAnimal>> find_milk_animal(db::Connection& c, const std::string& id) {
  return one_animal(c.query(std::string(kAnimalColumns) + "WHERE id = ?", id));
}

Result<std::optional<MilkAnimal>> find_milk_animal_by_tag(db::Connection& c,
                                                          const std::string& ear_tag) {
  return one_animal(c.query(std::string(kAnimalColumns) + "WHERE ear_tag = ?", ear_tag));
}

Result<std::vector<MilkAnimal>> all_milk_animals(db::Connection& c) {
  SD_ASSIGN_OR_RETURN(auto q, c.query(kAnimalColumns));
  std::vector<MilkAnimal> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    out.push_back(read_animal(q));
  }
  return out;
}

Result<std::optional<std::string>> withholding_treatment(db::Connection& c,
                                                         const std::string& animal_id, Day day) {
  std::string d = format_date(day);
  return c.scalar_text(
      "SELECT id FROM herd_health_records WHERE animal_id = ? "
      "AND milk_withdrawal_end IS NOT NULL AND COALESCE(last_dose_date, day) <= ? "
      "AND ? < milk_withdrawal_end ORDER BY milk_withdrawal_end DESC, id LIMIT 1",
      animal_id, d, d);
}

Result<std::vector<MilkWithdrawal>> all_milk_withdrawals(db::Connection& c) {
  SD_ASSIGN_OR_RETURN(auto q, c.query("SELECT id, animal_id, COALESCE(last_dose_date, day), "
                                      "milk_withdrawal_end FROM herd_health_records "
                                      "WHERE milk_withdrawal_end IS NOT NULL "
                                      "ORDER BY milk_withdrawal_end DESC, id"));
  std::vector<MilkWithdrawal> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    auto from = parse_date(q.text(2));
    auto until = parse_date(q.text(3));
    if (!from || !until) continue;
    out.push_back({q.text(0), q.text(1), *from, *until});
  }
  return out;
}

Result<std::vector<MilkAnimal>> find_milk_animals(db::Connection& c,
                                                  const std::vector<std::string>& ids,
                                                  const std::vector<std::string>& ear_tags) {
  static const std::string by_id = std::string(kAnimalColumns) + "WHERE id IN " + in_list();
  static const std::string by_tag = std::string(kAnimalColumns) + "WHERE ear_tag IN " + in_list();
  std::vector<MilkAnimal> out;
  SD_RETURN_IF_ERROR(animals_in(c, by_id, ids, out));
  SD_RETURN_IF_ERROR(animals_in(c, by_tag, ear_tags, out));
  return out;
}

Result<std::vector<MilkRecord>> milk_records_on(
    db::Connection& c,
    const std::vector<std::pair<Day, std::vector<std::string>>>& animals_by_day) {
  static const std::string sql =
      std::string(kRecordColumns) + "WHERE m.day = ? AND m.animal_id IN " + in_list();
  std::vector<MilkRecord> out;
  for (const auto& [day, animals] : animals_by_day) {
    const std::string d = format_date(day);
    for (size_t from = 0; from < animals.size(); from += kInChunk) {
      SD_ASSIGN_OR_RETURN(auto q, c.prepare(sql));
      q.bind(1, d);
      bind_chunk(q, 2, animals, from);
      for (;;) {
        SD_ASSIGN_OR_RETURN(bool row, q.step());
        if (!row) break;
        out.push_back(read_record(q));
      }
    }
  }
  return out;
}

Result<std::vector<MilkWithdrawal>> milk_withdrawals_of(db::Connection& c,
                                                        const std::vector<std::string>& animal_ids,
                                                        Day from, Day to) {
  // The conditions of withholding_treatment, for the days from..to at once.
  static const std::string sql =
      "SELECT id, animal_id, COALESCE(last_dose_date, day), milk_withdrawal_end "
      "FROM herd_health_records WHERE milk_withdrawal_end IS NOT NULL "
      "AND COALESCE(last_dose_date, day) <= ? AND ? < milk_withdrawal_end AND animal_id IN " +
      in_list() + " ORDER BY milk_withdrawal_end DESC, id";
  const std::string first = format_date(from);
  const std::string last = format_date(to);
  std::vector<MilkWithdrawal> out;
  for (size_t at = 0; at < animal_ids.size(); at += kInChunk) {
    SD_ASSIGN_OR_RETURN(auto q, c.prepare(sql));
    q.bind(1, last);
    q.bind(2, first);
    bind_chunk(q, 3, animal_ids, at);
    for (;;) {
      SD_ASSIGN_OR_RETURN(bool row, q.step());
      if (!row) break;
      auto start = parse_date(q.text(2));
      auto until = parse_date(q.text(3));
      if (!start || !until) continue;
      out.push_back({q.text(0), q.text(1), *start, *until});
    }
  }
  return out;
}

Result<std::optional<MilkRecord>> find_milk_record(db::Connection& c, const std::string& id) {
  return one_record(c.query(std::string(kRecordColumns) + "WHERE m.id = ?", id));
}

Result<std::optional<MilkRecord>> find_milk_record_at(db::Connection& c,
                                                      const std::string& animal_id, Day day,
                                                      const std::string& session) {
  return one_record(
      c.query(std::string(kRecordColumns) + "WHERE m.animal_id = ? AND m.day = ? AND m.session = ?",
              animal_id, format_date(day), session));
}

Status insert_milk_record(db::Connection& c, const MilkRecord& r) {
  return c.execute(
      "INSERT INTO herd_milk_records (id, animal_id, day, session, quantity_ml, fat, snf, "
      "protein, temperature_dc, scc, lactometer_clr, snf_computed, grade, withheld, withheld_by, "
      "posting_id, posted_ml, recorded_by, notes, version, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      r.id, r.animal_id, format_date(r.day), r.session, r.quantity_ml, r.fat, r.snf, r.protein,
      r.temperature_dc, r.scc, r.lactometer_clr, r.snf_computed, r.grade, r.withheld, r.withheld_by,
      r.posting_id, r.posted_ml, r.recorded_by, r.notes, r.version, r.created_at, r.updated_at);
}

Status insert_milk_records(db::Connection& c, const std::vector<const MilkRecord*>& records) {
  // 32, 16, ..., 1 rows a statement: six cached statements at most.
  constexpr size_t kMaxRows = 32;
  static const auto statements = [] {
    std::vector<std::string> out(kMaxRows + 1);
    for (size_t n = 1; n <= kMaxRows; n *= 2) {
      std::string sql =
          "INSERT INTO herd_milk_records (id, animal_id, day, session, quantity_ml, fat, snf, "
          "protein, temperature_dc, scc, lactometer_clr, snf_computed, grade, withheld, "
          "withheld_by, posting_id, posted_ml, recorded_by, notes, version, created_at, "
          "updated_at) VALUES ";
      for (size_t i = 0; i < n; ++i) {
        sql += i == 0 ? "" : ", ";
        sql += "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
      }
      out[n] = std::move(sql);
    }
    return out;
  }();
  size_t at = 0;
  while (at < records.size()) {
    size_t n = kMaxRows;
    while (n > records.size() - at) n /= 2;
    SD_ASSIGN_OR_RETURN(auto q, c.prepare(statements[n]));
    int index = 1;
    for (size_t i = at; i < at + n; ++i) {
      const MilkRecord& r = *records[i];
      q.bind(index++, r.id);
      q.bind(index++, r.animal_id);
      q.bind(index++, format_date(r.day));
      q.bind(index++, r.session);
      q.bind(index++, r.quantity_ml);
      q.bind(index++, r.fat);
      q.bind(index++, r.snf);
      q.bind(index++, r.protein);
      q.bind(index++, r.temperature_dc);
      q.bind(index++, r.scc);
      q.bind(index++, r.lactometer_clr);
      q.bind(index++, r.snf_computed);
      q.bind(index++, r.grade);
      q.bind(index++, r.withheld);
      q.bind(index++, r.withheld_by);
      q.bind(index++, r.posting_id);
      q.bind(index++, r.posted_ml);
      q.bind(index++, r.recorded_by);
      q.bind(index++, r.notes);
      q.bind(index++, r.version);
      q.bind(index++, r.created_at);
      q.bind(index++, r.updated_at);
    }
    SD_RETURN_IF_ERROR(q.run());
    at += n;
  }
  return {};
}

Status update_milk_record(db::Connection& c, const MilkRecord& r) {
  return c.execute(
      "UPDATE herd_milk_records SET quantity_ml = ?, fat = ?, snf = ?, protein = ?, "
      "temperature_dc = ?, scc = ?, lactometer_clr = ?, snf_computed = ?, grade = ?, "
      "withheld = ?, withheld_by = ?, notes = ?, version = ?, updated_at = ? WHERE id = ?",
      r.quantity_ml, r.fat, r.snf, r.protein, r.temperature_dc, r.scc, r.lactometer_clr,
      r.snf_computed, r.grade, r.withheld, r.withheld_by, r.notes, r.version, r.updated_at, r.id);
}

Result<std::vector<MilkRecord>> list_milk_records(db::Connection& c, const MilkQuery& q) {
  std::string from = q.from ? format_date(*q.from) : "";
  std::string to = q.to ? format_date(*q.to) : "";
  std::string session = q.session.value_or("");
  std::string animal = q.animal_id.value_or("");
  int64_t withheld = q.withheld ? (*q.withheld ? 1 : 0) : -1;
  SD_ASSIGN_OR_RETURN(auto rows, c.query(std::string(kRecordColumns) + std::string(kListFilters),
                                         q.after, from, from, to, to, session, session, animal,
                                         animal, withheld, withheld, q.limit + 1));
  std::vector<MilkRecord> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, rows.step());
    if (!row) break;
    out.push_back(read_record(rows));
  }
  return out;
}

Status insert_milk_correction(db::Connection& c, const MilkCorrection& m) {
  return c.execute(
      "INSERT INTO herd_milk_corrections (id, record_id, previous, reason, actor, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      m.id, m.record_id, m.previous, m.reason, m.actor, m.created_at);
}

Result<std::vector<MilkCorrection>> list_milk_corrections(db::Connection& c,
                                                          const std::string& record_id) {
  SD_ASSIGN_OR_RETURN(auto q, c.query("SELECT id, record_id, previous, reason, actor, created_at "
                                      "FROM herd_milk_corrections WHERE record_id = ? "
                                      "ORDER BY rowid",
                                      record_id));
  std::vector<MilkCorrection> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.int64(5)});
  }
  return out;
}

// The WHERE clause repeats the partial index's condition word for word, so SQLite uses it.
Result<std::vector<UnpostedMilk>> unposted_milk(db::Connection& c, Day day,
                                                const std::string& session) {
  SD_ASSIGN_OR_RETURN(
      auto q,
      c.query(
          "SELECT id, CASE WHEN withheld = 1 OR grade = 'R' THEN 0 ELSE quantity_ml END, posted_ml "
          "FROM herd_milk_records WHERE day = ? AND session = ? AND "
          "posted_ml <> CASE WHEN withheld = 1 OR grade = 'R' THEN 0 ELSE quantity_ml END "
          "ORDER BY id",
          format_date(day), session));
  std::vector<UnpostedMilk> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    out.push_back({q.text(0), q.int64(1), q.int64(1) - q.int64(2)});
  }
  return out;
}

Result<std::vector<std::pair<Day, std::string>>> sessions_with_unposted_milk(db::Connection& c) {
  SD_ASSIGN_OR_RETURN(
      auto q,
      c.query("SELECT DISTINCT day, session FROM herd_milk_records WHERE "
              "posted_ml <> CASE WHEN withheld = 1 OR grade = 'R' THEN 0 ELSE quantity_ml END "
              "ORDER BY day, session"));
  std::vector<std::pair<Day, std::string>> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    if (auto d = parse_date(q.text(0))) out.emplace_back(*d, q.text(1));
  }
  return out;
}

Status mark_posted(db::Connection& c, const std::string& record_id, const std::string& posting_id,
                   int64_t posted_ml) {
  return c.execute("UPDATE herd_milk_records SET posting_id = ?, posted_ml = ? WHERE id = ?",
                   posting_id, posted_ml, record_id);
}

Result<int64_t> settle_milk_before(db::Connection& c, Day before) {
  SD_RETURN_IF_ERROR(c.execute(
      "UPDATE herd_milk_records SET posted_ml = CASE WHEN withheld = 1 OR grade = 'R' THEN 0 "
      "ELSE quantity_ml END WHERE day < ? AND "
      "posted_ml <> CASE WHEN withheld = 1 OR grade = 'R' THEN 0 ELSE quantity_ml END",
      format_date(before)));
  return c.changes();
}

Result<int64_t> last_posting_carry(db::Connection& c) {
  SD_ASSIGN_OR_RETURN(auto carry, c.scalar_int64("SELECT carry_ml FROM herd_milk_postings "
                                                 "ORDER BY rowid DESC LIMIT 1"));
  return carry.value_or(0);
}

Status insert_milk_posting(db::Connection& c, const MilkPosting& p) {
  return c.execute(
      "INSERT INTO herd_milk_postings (id, day, session, sku, saleable_ml, litres, carry_ml, "
      "actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      p.id, format_date(p.day), p.session, p.sku, p.saleable_ml, p.litres, p.carry_ml, p.actor,
      p.created_at);
}

Result<std::vector<MilkPosting>> list_milk_postings(db::Connection& c, std::optional<Day> from,
                                                    std::optional<Day> to, int64_t limit) {
  std::string f = from ? format_date(*from) : "";
  std::string t = to ? format_date(*to) : "";
  SD_ASSIGN_OR_RETURN(auto q, c.query(std::string(kPostingColumns) +
                                          "WHERE (? = '' OR day >= ?) AND (? = '' OR day <= ?) "
                                          "ORDER BY day, rowid LIMIT ?",
                                      f, f, t, t, limit));
  std::vector<MilkPosting> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    out.push_back(read_posting(q));
  }
  return out;
}

}  // namespace smartdairy::modules::herd::store
