#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/sales/order.h"

namespace smartdairy::modules::sales::store {

Status insert(db::Connection& tx, const Order& o);
Status update_status(db::Connection& tx, const Order& o);
Result<std::optional<Order>> find(db::Connection& conn, std::string_view id);
Result<std::vector<Order>> list(db::Connection& conn, const OrderFilter& f,
                                const std::string& after, int64_t limit);
// Sum of totals of the customer's orders that are not cancelled.
Result<int64_t> open_order_total(db::Connection& conn, std::string_view customer_id);

}  // namespace smartdairy::modules::sales::store
