#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/dates.h"
#include "core/money.h"

namespace smartdairy::modules::hr {

// Someone who works on the farm (the seed's `employees` table). Nobody is deleted: leaving
// sets `active` to false. `role` is a job title ("milker"), not a login role.
struct Employee {
  std::string id;     // UUIDv7
  std::string name;   // 1-200 bytes, trimmed
  std::string email;  // lower-case, unique
  std::string role;   // 1-64 bytes, trimmed
  std::optional<std::string> phone;
  std::optional<Day> hired_on;
  std::optional<Money> monthly_salary;  // only for callers holding employees.salary
  bool active = true;
  int64_t created_at = 0;  // microseconds UTC
  int64_t updated_at = 0;
};

// A new employee as the client sent it; EmployeeService checks and normalises it.
struct NewEmployee {
  std::string name;
  std::string email;
  std::string role;
  std::optional<std::string> phone;
  std::optional<Day> hired_on;
  std::optional<Money> monthly_salary;
};

// A field that an update may leave alone (nullopt), set, or clear (a held nullopt).
template <class T>
using Clearable = std::optional<std::optional<T>>;

// A partial update: only the fields that are set change.
struct EmployeeChanges {
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> role;
  Clearable<std::string> phone;
  Clearable<Day> hired_on;
  Clearable<Money> monthly_salary;
  std::optional<bool> active;
};

// Who is asking: the name recorded as the events' actor, and whether their role holds
// employees.salary (may see and set salaries).
struct Actor {
  std::string username;
  bool salary_access = false;
};

// A list request: a name or email prefix, an active filter, and a page after `after` (an
// employee id; ids sort by creation).
struct EmployeeQuery {
  std::optional<std::string> prefix;
  std::optional<bool> active;
  std::string after;
  int64_t limit = 50;
};

}  // namespace smartdairy::modules::hr
