#include "modules/hr/employee_service.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <utility>

#include "core/text.h"
#include "core/uuid.h"
#include "events/outbox.h"
#include "modules/hr/employee_store.h"

namespace smartdairy::modules::hr {

namespace json = boost::json;

namespace {
constexpr size_t kMaxName = 200;
constexpr size_t kMaxEmail = 254;  // RFC 5321's limit on a forward path
constexpr size_t kMaxRole = 64;
constexpr size_t kMaxPhone = 32;
const Day kEarliestHire = days_from_civil(1900, 1, 1);

Error field_error(std::string_view field, std::string message) {
  Error e = Error::unprocessable("invalid_field", std::move(message));
  e.details.emplace_back(field);
  return e;
}

Error not_found(const std::string& id) {
  // Only a well-formed id is echoed back; anything else could be arbitrary text.
  std::string which = is_uuid(id) ? "with id '" + id + "'" : "with that id";
  return Error::not_found("employee_not_found",
                          "There is no employee " + which +
                              ". Find employees with GET /api/v1/employees?q=<name or email>.");
}

Error email_taken(const std::string& email) {
  Error e = Error::conflict("email_taken",
                            "Another employee already has the email '" + email +
                                "'. Use a different address, or update that employee instead "
                                "(find them with GET /api/v1/employees?q=<email>).");
  e.details.emplace_back("email");
  return e;
}

Error salary_forbidden() {
  Error e = Error::forbidden(
      "Your role cannot set 'monthly_salary' (it needs employees.salary). Leave the field out, "
      "or ask an admin or accountant to set it.");
  e.details.emplace_back("monthly_salary");
  return e;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

bool has_control(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

// Trimmed text of 1..max bytes without control characters.
Result<std::string> clean_text(std::string_view field, std::string_view value, size_t max) {
  std::string out = trim(value);
  if (out.empty() || out.size() > max || has_control(out)) {
    return field_error(field, "Field '" + std::string(field) + "' must be 1 to " +
                                  std::to_string(max) +
                                  " bytes of text without control characters.");
  }
  return out;
}

bool valid_domain(std::string_view d) {
  if (d.empty() || d.find('.') == std::string_view::npos) return false;
  size_t label = 0;
  char prev = '.';
  for (char c : d) {
    if (c == '.') {
      if (label == 0 || prev == '-') return false;
      label = 0;
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
      if (label == 0 && c == '-') return false;
      if (++label > 63) return false;
    } else {
      return false;
    }
    prev = c;
  }
  return label > 0 && prev != '-';
}

bool valid_local_part(std::string_view l) {
  if (l.empty() || l.size() > 64 || l.front() == '.' || l.back() == '.') return false;
  if (l.find("..") != std::string_view::npos) return false;
  for (char c : l) {
    if (c <= 0x20 || c >= 0x7f || c == '@' || c == '"' || c == '(' || c == ')' || c == ',' ||
        c == ':' || c == ';' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\') {
      return false;
    }
  }
  return true;
}

// Lower-cased, trimmed, and shaped like name@example.com (ASCII; an international domain
// is written in its xn-- form).
Result<std::string> clean_email(std::string_view value) {
  std::string email = ascii_lower(trim(value));
  size_t at = email.find('@');
  bool ok = email.size() <= kMaxEmail && at != std::string::npos &&
            valid_local_part(std::string_view(email).substr(0, at)) &&
            valid_domain(std::string_view(email).substr(at + 1));
  if (!ok) {
    return field_error("email",
                       "Field 'email' must be an address like name@example.com (ASCII, at most " +
                           std::to_string(kMaxEmail) + " bytes).");
  }
  return email;
}

// Trimmed; digits with optional '+', spaces, '-', '.', '(' and ')'. Blank means none.
Result<std::optional<std::string>> clean_phone(std::string_view value) {
  std::string phone = trim(value);
  if (phone.empty()) return std::optional<std::string>{};
  bool digit = false;
  bool ok = phone.size() <= kMaxPhone;
  for (char c : phone) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c != '+' && c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      ok = false;
    }
  }
  if (!ok || !digit) {
    return field_error("phone",
                       "Field 'phone' must be a phone number like +880 1712 345678: "
                       "digits, spaces, '+', '-', '.', '(' and ')', at most " +
                           std::to_string(kMaxPhone) + " bytes.");
  }
  return std::optional<std::string>{std::move(phone)};
}

Status check_hired_on(Day day, Day today) {
  if (day > today) {
    return field_error("hired_on", "Field 'hired_on' cannot be in the future; today is " +
                                       format_date(today) + " on the farm.");
  }
  if (day < kEarliestHire) {
    return field_error("hired_on", "Field 'hired_on' must be on or after 1900-01-01.");
  }
  return {};
}

Status check_salary(const Money& salary, Currency currency) {
  if (salary.currency() != currency) {
    return field_error("monthly_salary",
                       "Field 'monthly_salary' must be in " + std::string(currency.code) + ".");
  }
  if (salary.minor_units() < 0) {
    return field_error("monthly_salary", "Field 'monthly_salary' cannot be negative.");
  }
  return {};
}

Status append_event(db::Connection& tx, const Clock& clock, std::string type, const Employee& e,
                    const Actor& actor, const json::object& data) {
  events::EventDraft d;
  d.type = std::move(type);
  d.aggregate_type = "employee";
  d.aggregate_id = e.id;
  d.actor = actor.username;
  d.data = json::serialize(data);
  auto appended = events::append(tx, std::move(d), clock);
  if (!appended.ok()) return std::move(appended).error();
  return {};
}

json::value optional_json(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value();
}

json::value date_json(const std::optional<Day>& d) {
  return d ? json::value(format_date(*d)) : json::value();
}
}  // namespace

Result<Employee> EmployeeService::create(db::Connection& tx, NewEmployee in, const Actor& actor) {
  if (in.monthly_salary && !actor.salary_access) return salary_forbidden();
  Employee e;
  SD_ASSIGN_OR_RETURN(e.name, clean_text("name", in.name, kMaxName));
  SD_ASSIGN_OR_RETURN(e.email, clean_email(in.email));
  SD_ASSIGN_OR_RETURN(e.role, clean_text("role", in.role, kMaxRole));
  if (in.phone) {
    SD_ASSIGN_OR_RETURN(e.phone, clean_phone(*in.phone));
  }
  if (in.hired_on) SD_RETURN_IF_ERROR(check_hired_on(*in.hired_on, ctx_.today()));
  e.hired_on = in.hired_on;
  if (in.monthly_salary) SD_RETURN_IF_ERROR(check_salary(*in.monthly_salary, ctx_.currency));
  e.monthly_salary = in.monthly_salary;

  SD_ASSIGN_OR_RETURN(auto holder, store::find_employee_id_by_email(tx, e.email));
  if (holder) return email_taken(e.email);
  e.id = new_uuid_v7();
  e.active = true;
  e.created_at = ctx_.clock.now_micros();
  e.updated_at = e.created_at;
  if (Status st = store::insert_employee(tx, e); !st.ok()) {
    if (st.error().kind == ErrorKind::kConflict) return email_taken(e.email);
    return std::move(st).error();
  }
  // The salary stays out of the event: the outbox is readable by roles that may not see it.
  SD_RETURN_IF_ERROR(append_event(tx, ctx_.clock, "employee.created", e, actor,
                                  {{"name", e.name},
                                   {"email", e.email},
                                   {"role", e.role},
                                   {"phone", optional_json(e.phone)},
                                   {"hired_on", date_json(e.hired_on)},
                                   {"active", e.active}}));
  return e;
}

Result<Employee> EmployeeService::update(db::Connection& tx, const std::string& id,
                                         EmployeeChanges changes, const Actor& actor) {
  if (changes.monthly_salary && !actor.salary_access) return salary_forbidden();
  if (!is_uuid(id)) return not_found(id);
  SD_ASSIGN_OR_RETURN(auto found, store::find_employee(tx, id, ctx_.currency));
  if (!found) return not_found(id);
  Employee e = *found;
  json::array changed;
  json::object data;
  // Records a changed field and its new value for the event.
  auto note = [&changed, &data](std::string_view field, json::value value) {
    changed.emplace_back(field);
    data[field] = std::move(value);
  };

  if (changes.name) {
    SD_ASSIGN_OR_RETURN(std::string name, clean_text("name", *changes.name, kMaxName));
    if (name != e.name) {
      e.name = std::move(name);
      note("name", json::value(e.name));
    }
  }
  if (changes.email) {
    SD_ASSIGN_OR_RETURN(std::string email, clean_email(*changes.email));
    if (email != e.email) {
      SD_ASSIGN_OR_RETURN(auto holder, store::find_employee_id_by_email(tx, email));
      if (holder) return email_taken(email);
      e.email = std::move(email);
      note("email", json::value(e.email));
    }
  }
  if (changes.role) {
    SD_ASSIGN_OR_RETURN(std::string role, clean_text("role", *changes.role, kMaxRole));
    if (role != e.role) {
      e.role = std::move(role);
      note("role", json::value(e.role));
    }
  }
  if (changes.phone) {
    std::optional<std::string> phone;
    if (*changes.phone) {
      SD_ASSIGN_OR_RETURN(phone, clean_phone(**changes.phone));
    }
    if (phone != e.phone) {
      e.phone = std::move(phone);
      note("phone", optional_json(e.phone));
    }
  }
  if (changes.hired_on) {
    if (*changes.hired_on) SD_RETURN_IF_ERROR(check_hired_on(**changes.hired_on, ctx_.today()));
    if (*changes.hired_on != e.hired_on) {
      e.hired_on = *changes.hired_on;
      note("hired_on", date_json(e.hired_on));
    }
  }
  if (changes.monthly_salary) {
    if (*changes.monthly_salary) {
      SD_RETURN_IF_ERROR(check_salary(**changes.monthly_salary, ctx_.currency));
    }
    if (*changes.monthly_salary != e.monthly_salary) {
      e.monthly_salary = *changes.monthly_salary;
      // Named in `changed` for the audit trail; the amount is never in the event.
      changed.emplace_back("monthly_salary");
    }
  }
  if (changes.active && *changes.active != e.active) {
    e.active = *changes.active;
    note("active", json::value(e.active));
  }

  if (changed.empty()) return e;
  e.updated_at = ctx_.clock.now_micros();
  if (Status st = store::update_employee(tx, e); !st.ok()) {
    if (st.error().kind == ErrorKind::kConflict) return email_taken(e.email);
    return std::move(st).error();
  }
  data["changed"] = std::move(changed);
  SD_RETURN_IF_ERROR(append_event(tx, ctx_.clock, "employee.updated", e, actor, data));
  return e;
}

Result<Employee> EmployeeService::get(db::Connection& c, const std::string& id) const {
  if (!is_uuid(id)) return not_found(id);
  SD_ASSIGN_OR_RETURN(auto found, store::find_employee(c, id, ctx_.currency));
  if (!found) return not_found(id);
  return std::move(*found);
}

Result<Listing<Employee>> EmployeeService::list(db::Connection& c,
                                                const EmployeeQuery& query) const {
  SD_ASSIGN_OR_RETURN(auto rows, store::list_employees(c, query, ctx_.currency));
  return make_listing(std::move(rows), query.limit, [](const Employee& e) { return e.id; });
}

}  // namespace smartdairy::modules::hr
