#include "modules/hr/employee_store.h"

#include <string_view>

#include "core/text.h"

namespace smartdairy::modules::hr::store {

namespace {
constexpr std::string_view kFindById =
    "SELECT id, name, email, role, phone, hired_on, monthly_salary_minor, active, created_at, "
    "updated_at FROM employees WHERE id = ?";

// One statement for every filter combination, so that no SQL is assembled from pieces
// (SR-07): an empty pattern or a negative `active` switches that filter off.
constexpr std::string_view kList =
    "SELECT id, name, email, role, phone, hired_on, monthly_salary_minor, active, created_at, "
    "updated_at FROM employees "
    "WHERE id > ? "
    "AND (? = '' OR lower(name) LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\' "
    "     OR email LIKE ? ESCAPE '\\') "
    "AND (? < 0 OR active = ?) "
    "ORDER BY id LIMIT ?";

Employee read_employee(const db::Query& q, Currency currency) {
  Employee e;
  e.id = q.text(0);
  e.name = q.text(1);
  e.email = q.text(2);
  e.role = q.text(3);
  e.phone = q.optional_text(4);
  if (auto d = q.optional_text(5)) e.hired_on = parse_date(*d);
  if (auto m = q.optional_int64(6)) e.monthly_salary = Money::from_minor(*m, currency);
  e.active = q.int64(7) != 0;
  e.created_at = q.int64(8);
  e.updated_at = q.int64(9);
  return e;
}

std::optional<std::string> date_text(const std::optional<Day>& d) {
  if (!d) return std::nullopt;
  return format_date(*d);
}

std::optional<int64_t> minor_units(const std::optional<Money>& m) {
  if (!m) return std::nullopt;
  return m->minor_units();
}

// A LIKE pattern matching strings that start with `prefix`, compared in lower case, with
// the pattern's own wildcards escaped.
std::string prefix_pattern(std::string_view prefix) {
  std::string out;
  for (char c : ascii_lower(prefix)) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}
}  // namespace

Result<std::optional<Employee>> find_employee(db::Connection& c, const std::string& id,
                                              Currency currency) {
  SD_ASSIGN_OR_RETURN(auto q, c.query(kFindById, id));
  SD_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return std::optional<Employee>{};
  return std::optional<Employee>{read_employee(q, currency)};
}

Result<std::optional<std::string>> find_employee_id_by_email(db::Connection& c,
                                                             const std::string& email) {
  return c.scalar_text("SELECT id FROM employees WHERE email = ?", email);
}

Status insert_employee(db::Connection& c, const Employee& e) {
  return c.execute(
      "INSERT INTO employees (id, name, email, role, phone, hired_on, monthly_salary_minor, "
      "active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      e.id, e.name, e.email, e.role, e.phone, date_text(e.hired_on), minor_units(e.monthly_salary),
      e.active, e.created_at, e.updated_at);
}

Status update_employee(db::Connection& c, const Employee& e) {
  return c.execute(
      "UPDATE employees SET name = ?, email = ?, role = ?, phone = ?, hired_on = ?, "
      "monthly_salary_minor = ?, active = ?, updated_at = ? WHERE id = ?",
      e.name, e.email, e.role, e.phone, date_text(e.hired_on), minor_units(e.monthly_salary),
      e.active, e.updated_at, e.id);
}

Result<std::vector<Employee>> list_employees(db::Connection& c, const EmployeeQuery& q,
                                             Currency currency) {
  std::string starts;
  std::string word_starts;
  if (q.prefix && !q.prefix->empty()) {
    starts = prefix_pattern(*q.prefix);
    word_starts = "% " + starts;
  }
  int64_t active = q.active ? (*q.active ? 1 : 0) : -1;
  SD_ASSIGN_OR_RETURN(auto rows, c.query(kList, q.after, starts, starts, word_starts, starts,
                                         active, active, q.limit + 1));
  std::vector<Employee> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool row, rows.step());
    if (!row) break;
    out.push_back(read_employee(rows, currency));
  }
  return out;
}

}  // namespace smartdairy::modules::hr::store
