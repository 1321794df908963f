#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/common/module_context.h"
#include "modules/inventory/stock.h"

namespace smartdairy::modules::inventory {

// Stock rules. Every function that changes stock runs inside the caller's write transaction
// (the single writer serialises them, SR-12), keeps 0 <= reserved <= on_hand, records a
// stock move for every on-hand change, posts its value to the ledger and appends its events.

// Level of a catalogued SKU (zeros when it never had stock); 404 for an unknown SKU.
Result<StockLevel> get_level(db::Connection& conn, const std::string& sku);

// Starts tracking a SKU: an opening receipt of `on_hand` and a reorder point. 409 when the
// SKU is already tracked.
Result<StockLevel> open_item(db::Connection& tx, const ModuleContext& ctx, const std::string& sku,
                             int64_t on_hand, int64_t reorder_point, const std::string& actor);

Result<StockLevel> set_reorder_point(db::Connection& tx, const ModuleContext& ctx,
                                     const std::string& sku, int64_t reorder_point,
                                     const std::string& actor);

// A signed adjustment for one of kAdjustmentReasons. Removing stock that is reserved is 409.
Result<StockLevel> adjust(db::Connection& tx, const ModuleContext& ctx, const Adjustment& adj,
                          const std::string& actor);

// An order's reservation is its lines while it is placed: the order (sales) keeps them, so
// reserving writes no row per line, only the SKUs' levels and one `stock.reserved` event. The
// caller passes the same lines again to release or ship them, once (the order's status
// transition table guarantees it).

// Reserves every line or none: 409 insufficient_stock lists each short line.
Status reserve_for_order(db::Connection& tx, const ModuleContext& ctx, const std::string& order_id,
                         const std::vector<Demand>& lines, const std::string& actor);

// Releases the order's reserved lines (cancel): one `stock.released` event with every line.
Status release_for_order(db::Connection& tx, const ModuleContext& ctx, const std::string& order_id,
                         const std::vector<Demand>& lines, const std::string& actor);

// Ships the order's reserved lines: on hand and reserved both fall, a shipment move is
// recorded and COGS is posted at the product's unit cost.
Status ship_for_order(db::Connection& tx, const ModuleContext& ctx, const std::string& order_id,
                      const std::string& order_number, const std::vector<Demand>& lines,
                      const std::string& actor);

// A reservation made by hand (the seed's POST /inventory/{sku}/reserve), and its release.
Result<Reservation> reserve(db::Connection& tx, const ModuleContext& ctx, const std::string& sku,
                            int64_t qty, const std::optional<std::string>& reference,
                            const std::string& actor);
Result<Reservation> release(db::Connection& tx, const ModuleContext& ctx,
                            const std::string& reservation_id, const std::string& actor);

}  // namespace smartdairy::modules::inventory
