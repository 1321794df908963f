#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/money.h"
#include "core/result.h"
#include "db/sqlite.h"
#include "modules/hr/employee.h"

// SQL for the employees table. Returns domain types; decides no business rules. Salaries are
// stored as minor units of `currency`, the currency the module runs with.
namespace smartdairy::modules::hr::store {

Result<std::optional<Employee>> find_employee(db::Connection& c, const std::string& id,
                                              Currency currency);
// The id of the employee with this (lower-case) email, if any.
Result<std::optional<std::string>> find_employee_id_by_email(db::Connection& c,
                                                             const std::string& email);
// Requires: a write transaction. A taken email is a conflict error from the UNIQUE index.
Status insert_employee(db::Connection& c, const Employee& e);
// Writes every mutable column of `e`. Requires: a write transaction.
Status update_employee(db::Connection& c, const Employee& e);
// Employees matching `q`, in id order after q.after, at most q.limit + 1 rows (the extra one
// tells the caller there is another page).
Result<std::vector<Employee>> list_employees(db::Connection& c, const EmployeeQuery& q,
                                             Currency currency);

}  // namespace smartdairy::modules::hr::store
