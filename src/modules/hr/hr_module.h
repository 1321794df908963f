#pragma once

#include "http/idempotency.h"
#include "http/router.h"
#include "modules/common/module_context.h"
#include "modules/hr/employee_service.h"

namespace smartdairy::modules::hr {

// The hr module's entry point: employees (issue 3). Needs employees.read / employees.write;
// salaries are shown and set only for roles holding employees.salary.
class HrModule {
 public:
  // `idempotency` is shared by every module's creating POSTs and must outlive the module.
  HrModule(ModuleContext ctx, http::Idempotency& idempotency);

  // POST and GET /api/v1/employees, GET and PATCH /api/v1/employees/{id}.
  void register_routes(http::Router& router);

 private:
  ModuleContext ctx_;
  http::Idempotency& idempotency_;
  EmployeeService employees_;
};

}  // namespace smartdairy::modules::hr
