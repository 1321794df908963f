#pragma once

#include <string>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/listing.h"
#include "modules/common/module_context.h"
#include "modules/hr/employee.h"

namespace smartdairy::modules::hr {

// Business rules for employees: what a valid employee is, unique emails, who may set a
// salary, and the events that record each change. No SQL (employee_store) and no HTTP.
// Field errors are 422 "invalid_field" with details = {field}.
class EmployeeService {
 public:
  explicit EmployeeService(const ModuleContext& ctx) : ctx_(ctx) {}

  // Creates an active employee and appends `employee.created`. 409 "email_taken" when another
  // employee has the email; 403 when `monthly_salary` is set by an actor without salary access.
  // Requires: a write transaction.
  Result<Employee> create(db::Connection& tx, NewEmployee in, const Actor& actor);

  // Applies the set fields and appends `employee.updated` naming what changed; a request that
  // changes nothing writes nothing. 404 "employee_not_found", 409 and 403 as for create.
  // Requires: a write transaction.
  Result<Employee> update(db::Connection& tx, const std::string& id, EmployeeChanges changes,
                          const Actor& actor);

  // 404 "employee_not_found" for an unknown id, including one that is not a UUID.
  Result<Employee> get(db::Connection& c, const std::string& id) const;

  // One page of employees in creation order; next_cursor is the last id on the page.
  Result<Listing<Employee>> list(db::Connection& c, const EmployeeQuery& query) const;

 private:
  ModuleContext ctx_;
};

}  // namespace smartdairy::modules::hr
