#include "modules/hr/hr_module.h"

namespace smartdairy::modules::hr {

HrModule::HrModule(ModuleContext ctx, http::Idempotency& idempotency)
    : ctx_(ctx), idempotency_(idempotency), employees_(ctx_) {}

// register_routes is in employee_routes.cpp, next to the handlers.

}  // namespace smartdairy::modules::hr
