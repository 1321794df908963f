#pragma once

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/module_context.h"

namespace smartdairy::app {

// The demo company (issue 3): the seed's three customers with their fixed ids, its five
// products with their prices and stock, TEST-001 and DEMO-001, and a dairy catalog in BDT,
// and a month of trading (orders, production receipts, shipments, invoices, payments, one
// cancellation) so that the dashboard has history; all created through the module services,
// at the times they are dated, so that events and ledger entries are the same as if people
// had typed them then. Returns false (and changes nothing) when the demo customers are
// already there.
Result<bool> load_demo_data(db::Connection& tx, const modules::ModuleContext& ctx);

}  // namespace smartdairy::app
