#pragma once

#include <string>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/module_context.h"
#include "modules/sales/order.h"

namespace smartdairy::modules::sales {

// Places an order in one transaction: customer active, products active, quantities
// bounded, prices from the catalog (a different price needs `may_override_price`, else 403),
// totals and VAT exact in minor units, the credit limit respected, stock reserved for every
// line or none, number SO-000001, event order.created (stock.reserved from inventory).
Result<Order> place_order(db::Connection& tx, const ModuleContext& ctx, const PlaceOrder& cmd,
                          bool may_override_price, const std::string& actor);

// Moves an order along kTransitions: shipping ships the reserved stock, cancelling voids an
// unpaid invoice and releases the stock. Anything else is 409 naming the allowed moves.
Result<Order> change_status(db::Connection& tx, const ModuleContext& ctx, const std::string& id,
                            const std::string& to, const std::string& actor);

Result<Order> get_order(db::Connection& conn, const std::string& id);

}  // namespace smartdairy::modules::sales
