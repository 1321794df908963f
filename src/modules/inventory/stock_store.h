#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/inventory/stock.h"

namespace smartdairy::modules::inventory::store {

Result<std::optional<StockLevel>> find(db::Connection& conn, std::string_view sku);
// Creates a zero row when the SKU has none yet.
Status ensure(db::Connection& tx, std::string_view sku, int64_t now);
Status set_reorder_point(db::Connection& tx, std::string_view sku, int64_t point, int64_t now);
// Adds `delta` to on_hand unless that would break 0 <= reserved <= on_hand; false then.
Result<bool> add_on_hand(db::Connection& tx, std::string_view sku, int64_t delta, int64_t now);
// Adds `delta` to reserved unless that would break the invariant; false then.
Result<bool> add_reserved(db::Connection& tx, std::string_view sku, int64_t delta, int64_t now);
// The same in one statement, returning the new level; nullopt when refused (or untracked).
Result<std::optional<StockLevel>> reserve_returning(db::Connection& tx, std::string_view sku,
                                                    int64_t delta, int64_t now);
Status insert_move(db::Connection& tx, const StockMove& move);
Status insert_reservation(db::Connection& tx, const Reservation& r, const std::string& actor);
// Closes the reservation rows of an order placed before an order's lines became its
// reservation (none for orders placed since).
Status close_order_reservations(db::Connection& tx, std::string_view order_id,
                                std::string_view status, int64_t now);
Result<std::optional<Reservation>> find_reservation(db::Connection& conn, std::string_view id);
Status close_reservation(db::Connection& tx, std::string_view id, std::string_view status,
                         int64_t now);
Result<std::vector<StockLevel>> list(db::Connection& conn, bool below_reorder_only,
                                     const std::string& after_sku, int64_t limit);
Result<std::vector<StockMove>> moves(db::Connection& conn, std::string_view sku,
                                     const std::string& after_id, int64_t limit);

}  // namespace smartdairy::modules::inventory::store
