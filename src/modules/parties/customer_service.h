#pragma once

#include <string>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/module_context.h"
#include "modules/parties/customer.h"

namespace smartdairy::modules::parties {

// Rules for customers; the SQL is in customer_store. All writes run inside the caller's
// write transaction and append their event there.

// `draft.id` may be set (demo data with the seed's fixed ids); otherwise a UUIDv7 is made.
Result<Customer> create_customer(db::Connection& tx, const ModuleContext& ctx, Customer draft,
                                 const std::string& actor);

Result<Customer> update_customer(db::Connection& tx, const ModuleContext& ctx,
                                 const std::string& id, const CustomerPatch& patch,
                                 const std::string& actor);

// 404 customer_not_found when absent (or when `id` is not a UUID).
Result<Customer> get_customer(db::Connection& conn, const std::string& id);

// For an order: the customer exists and is not archived.
Result<Customer> get_active_customer(db::Connection& conn, const std::string& id);

// "ana@farm.bd" → ok; the address is stored lower-cased.
Status check_email(const std::string& email);

}  // namespace smartdairy::modules::parties
