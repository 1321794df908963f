#include "modules/herd/breeding_store.h"

#include <string_view>

namespace smartdairy::modules::herd::store {

namespace {

constexpr std::string_view kColumns =
    "s.id, s.animal_id, a.ear_tag, s.day, s.method, s.sire_id, s.semen_batch, s.technician, "
    "s.heat_detection, s.notes, s.pregnancy_status, s.check_due, s.expected_calving, "
    "s.vwp_warning, s.recorded_by, s.created_at, s.updated_at";

Day day_of(const std::string& text) { return parse_date(text).value_or(0); }

Service read_service(const db::Query& q) {
  Service s;
  s.id = q.text(0);
  s.animal_id = q.text(1);
  s.ear_tag = q.text(2);
  s.day = day_of(q.text(3));
  s.method = q.text(4);
  s.sire_id = q.optional_text(5);
  s.semen_batch = q.optional_text(6);
  s.technician = q.optional_text(7);
  s.heat_detection = q.optional_text(8);
  s.notes = q.optional_text(9);
  s.status = q.text(10);
  s.check_due = day_of(q.text(11));
  s.expected_calving = day_of(q.text(12));
  s.vwp_warning = q.int64(13) != 0;
  s.recorded_by = q.text(14);
  s.created_at = q.int64(15);
  s.updated_at = q.int64(16);
  return s;
}

Result<std::vector<Service>> read_services(db::Query& rows) {
  std::vector<Service> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, rows.step());
    if (!row) break;
    out.push_back(read_service(rows));
  }
  return out;
}

// Rows of (service id, animal id, ear tag, name, day, expected calving).
Result<std::vector<CalendarItem>> read_items(db::Query& rows) {
  std::vector<CalendarItem> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, rows.step());
    if (!row) break;
    CalendarItem i;
    i.service_id = rows.text(0);
    i.animal_id = rows.text(1);
    i.ear_tag = rows.text(2);
    i.name = rows.optional_text(3);
    i.day = day_of(rows.text(4));
    i.expected_calving = day_of(rows.text(5));
    out.push_back(std::move(i));
  }
  return out;
}

constexpr std::string_view kFrom =
    " FROM herd_services s JOIN herd_animals a ON a.id = s.animal_id ";

}  // namespace

Result<std::optional<Service>> find_service(db::Connection& c, const std::string& id) {
  SD_ASSIGN_OR_RETURN(
      auto q,
      c.query("SELECT " + std::string(kColumns) + std::string(kFrom) + "WHERE s.id = ?", id));
  SD_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return std::optional<Service>{};
  return std::optional<Service>{read_service(q)};
}

Result<std::vector<PregnancyCheck>> checks_of(db::Connection& c, const std::string& service_id) {
  SD_ASSIGN_OR_RETURN(auto rows, c.query("SELECT id, service_id, day, result, method, "
                                         "recorded_by, created_at FROM herd_pregnancy_checks "
                                         "WHERE service_id = ? ORDER BY day, id",
                                         service_id));
  std::vector<PregnancyCheck> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, rows.step());
    if (!row) break;
    PregnancyCheck k;
    k.id = rows.text(0);
    k.service_id = rows.text(1);
    k.day = day_of(rows.text(2));
    k.result = rows.text(3);
    k.method = rows.optional_text(4);
    k.recorded_by = rows.text(5);
    k.created_at = rows.int64(6);
    out.push_back(std::move(k));
  }
  return out;
}

Result<std::optional<Service>> open_service_of(db::Connection& c, const std::string& animal_id) {
  SD_ASSIGN_OR_RETURN(auto q, c.query("SELECT " + std::string(kColumns) + std::string(kFrom) +
                                          "WHERE s.animal_id = ? AND s.pregnancy_status IN "
                                          "('pending', 'confirmed') ORDER BY s.day DESC, s.id "
                                          "DESC LIMIT 1",
                                      animal_id));
  SD_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return std::optional<Service>{};
  return std::optional<Service>{read_service(q)};
}

Status insert_service(db::Connection& c, const Service& s) {
  return c.execute(
      "INSERT INTO herd_services (id, animal_id, day, method, sire_id, semen_batch, technician, "
      "heat_detection, pregnancy_status, check_due, expected_calving, vwp_warning, notes, "
      "recorded_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?)",
      s.id, s.animal_id, format_date(s.day), s.method, s.sire_id, s.semen_batch, s.technician,
      s.heat_detection, s.status, format_date(s.check_due), format_date(s.expected_calving),
      s.vwp_warning, s.notes, s.recorded_by, s.created_at, s.updated_at);
}

Status set_service_status(db::Connection& c, const std::string& id, const std::string& status,
                          int64_t now) {
  return c.execute("UPDATE herd_services SET pregnancy_status = ?, updated_at = ? WHERE id = ?",
                   status, now, id);
}

Status insert_check(db::Connection& c, const PregnancyCheck& k) {
  return c.execute(
      "INSERT INTO herd_pregnancy_checks (id, service_id, day, result, method, recorded_by, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      k.id, k.service_id, format_date(k.day), k.result, k.method, k.recorded_by, k.created_at);
}

Result<std::vector<Service>> list_services(db::Connection& c, const ServiceQuery& q) {
  std::string animal = q.animal_id.value_or("");
  std::string status = q.status.value_or("");
  SD_ASSIGN_OR_RETURN(
      auto rows, c.query("SELECT " + std::string(kColumns) + std::string(kFrom) +
                             "WHERE (? = '' OR s.id < ?) AND (? = '' OR s.animal_id = ?) "
                             "AND (? = '' OR s.pregnancy_status = ?) ORDER BY s.id DESC LIMIT ?",
                         q.before, q.before, animal, animal, status, status, q.limit + 1));
  return read_services(rows);
}

Result<std::vector<CalendarItem>> checks_due(db::Connection& c, Day from, Day to,
                                             Day overdue_before) {
  SD_ASSIGN_OR_RETURN(
      auto rows, c.query("SELECT s.id, a.id, a.ear_tag, a.name, s.check_due, s.expected_calving" +
                             std::string(kFrom) +
                             "WHERE s.pregnancy_status = 'pending' AND a.disposal_kind IS NULL "
                             "AND s.check_due <= ? AND (s.check_due >= ? OR s.check_due < ?) "
                             "ORDER BY s.check_due, a.ear_tag",
                         format_date(to), format_date(from), format_date(overdue_before)));
  SD_ASSIGN_OR_RETURN(auto items, read_items(rows));
  for (auto& i : items) i.overdue = i.day < overdue_before;
  return items;
}

Result<std::vector<CalendarItem>> calvings_due(db::Connection& c, Day from, Day to) {
  SD_ASSIGN_OR_RETURN(
      auto rows,
      c.query("SELECT s.id, a.id, a.ear_tag, a.name, s.expected_calving, s.expected_calving" +
                  std::string(kFrom) +
                  "WHERE s.pregnancy_status = 'confirmed' AND a.disposal_kind IS NULL "
                  "AND s.expected_calving BETWEEN ? AND ? ORDER BY s.expected_calving, a.ear_tag",
              format_date(from), format_date(to)));
  return read_items(rows);
}

Result<std::vector<CalendarItem>> dry_offs_due(db::Connection& c, Day from, Day to,
                                               int64_t dry_off_days) {
  SD_ASSIGN_OR_RETURN(
      auto rows,
      c.query("SELECT s.id, a.id, a.ear_tag, a.name, s.expected_calving, s.expected_calving" +
                  std::string(kFrom) +
                  "WHERE s.pregnancy_status = 'confirmed' AND a.disposal_kind IS NULL "
                  "AND a.status = 'lactating' AND s.expected_calving BETWEEN ? AND ? "
                  "ORDER BY s.expected_calving, a.ear_tag",
              format_date(from + dry_off_days), format_date(to + dry_off_days)));
  SD_ASSIGN_OR_RETURN(auto items, read_items(rows));
  for (auto& i : items) i.day = i.expected_calving - dry_off_days;
  return items;
}

}  // namespace smartdairy::modules::herd::store
