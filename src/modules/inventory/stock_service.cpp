#include "modules/inventory/stock_service.h"

#include <boost/json/object.hpp>

#include "core/json.h"
#include "core/uuid.h"
#include "events/outbox.h"
#include "modules/catalog/product_service.h"
#include "modules/common/limits.h"
#include "modules/inventory/stock_store.h"
#include "modules/ledger/ledger_service.h"

namespace smartdairy::modules::inventory {

namespace {

namespace account = ledger::account;

Result<StockLevel> level_of(db::Connection& conn, const std::string& sku) {
  SD_ASSIGN_OR_RETURN(auto level, store::find(conn, sku));
  if (level) return std::move(*level);
  return StockLevel{sku, 0, 0, 0, 0};
}

Status emit(db::Connection& tx, const ModuleContext& ctx, const std::string& type,
            const std::string& actor, const StockLevel& level, boost::json::object data) {
  data["sku"] = level.sku;
  data["on_hand"] = level.on_hand;
  data["reserved"] = level.reserved;
  data["available"] = level.available();
  data["reorder_point"] = level.reorder_point;
  data["below_reorder"] = level.below_reorder();
  auto ev =
      events::append(tx, {type, "stock_item", level.sku, actor, to_json_string(data)}, ctx.clock);
  if (!ev.ok()) return ev.error();
  return {};
}

// Records a move of `qty` (signed) and posts its value.
Status record_move(db::Connection& tx, const ModuleContext& ctx, const catalog::Product& product,
                   int64_t qty, const std::string& reason, const std::optional<std::string>& ref,
                   const std::optional<std::string>& note, int64_t on_hand_after,
                   const std::string& actor) {
  StockMove move{new_uuid_v7(), product.sku,       qty,           reason, ref,
                 note,          product.unit_cost, on_hand_after, actor,  ctx.clock.now_micros()};
  SD_RETURN_IF_ERROR(store::insert_move(tx, move));
  __extension__ using Int128 = __int128;
  Int128 value = static_cast<Int128>(qty < 0 ? -qty : qty) * product.unit_cost;
  if (value > kMaxDocumentTotal) {
    return Error::unprocessable("amount_out_of_range",
                                "The value of this stock move is too large to record.");
  }
  auto v = static_cast<int64_t>(value);
  ledger::JournalDraft j{reason == "shipment" ? "shipment" : "stock_adjustment",
                         move.id,
                         reason + " of " + std::to_string(qty) + " " + product.sku,
                         actor,
                         {}};
  if (reason == "shipment") {
    j.postings = {{std::string(account::kCostOfGoodsSold), v, 0},
                  {std::string(account::kInventory), 0, v}};
  } else if (qty > 0) {
    auto contra = reason == "receipt" ? account::kGoodsReceived : account::kInventoryAdjustments;
    j.postings = {{std::string(account::kInventory), v, 0}, {std::string(contra), 0, v}};
  } else {
    j.postings = {{std::string(account::kInventoryAdjustments), v, 0},
                  {std::string(account::kInventory), 0, v}};
  }
  auto posted = ledger::post(tx, ctx, std::move(j));
  if (!posted.ok()) return posted.error();
  return {};
}

Status check_qty(int64_t qty, bool allow_negative, const std::string& field) {
  if (qty == 0 || qty > kMaxQuantity || qty < (allow_negative ? -kMaxQuantity : 1)) {
    return Error::invalid_field("invalid_quantity",
                                allow_negative
                                    ? "qty must be a non-zero whole number between -1000000000 "
                                      "and 1000000000."
                                    : "qty must be a whole number from 1 to 1000000000.",
                                field);
  }
  return {};
}

}  // namespace

Result<StockLevel> get_level(db::Connection& conn, const std::string& sku) {
  SD_ASSIGN_OR_RETURN(auto product, catalog::get_product(conn, sku));
  return level_of(conn, product.sku);
}

Result<StockLevel> open_item(db::Connection& tx, const ModuleContext& ctx, const std::string& sku,
                             int64_t on_hand, int64_t reorder_point, const std::string& actor) {
  SD_ASSIGN_OR_RETURN(auto product, catalog::get_product(tx, sku));
  SD_ASSIGN_OR_RETURN(auto existing, store::find(tx, sku));
  if (existing) {
    Error e = Error::conflict("stock_item_exists",
                              sku + " is already tracked. Use POST /api/v1/inventory/" + sku +
                                  "/adjustments to change its stock.");
    e.details = {"sku"};
    return e;
  }
  if (on_hand < 0 || on_hand > kMaxQuantity) {
    return Error::invalid_field("invalid_quantity", "on_hand must be from 0 to 1000000000.",
                                "on_hand");
  }
  if (reorder_point < 0 || reorder_point > kMaxQuantity) {
    return Error::invalid_field("invalid_reorder_point",
                                "reorder_point must be from 0 to 1000000000.", "reorder_point");
  }
  int64_t now = ctx.clock.now_micros();
  SD_RETURN_IF_ERROR(store::ensure(tx, sku, now));
  SD_RETURN_IF_ERROR(store::set_reorder_point(tx, sku, reorder_point, now));
  if (on_hand > 0) {
    SD_ASSIGN_OR_RETURN(bool ok, store::add_on_hand(tx, sku, on_hand, now));
    if (!ok) return Error::internal("opening stock refused for " + sku);
    SD_RETURN_IF_ERROR(record_move(tx, ctx, product, on_hand, "receipt", std::nullopt,
                                   "opening stock", on_hand, actor));
  }
  SD_ASSIGN_OR_RETURN(auto level, level_of(tx, sku));
  SD_RETURN_IF_ERROR(
      emit(tx, ctx, "stock.adjusted", actor, level, {{"qty", on_hand}, {"reason", "receipt"}}));
  return level;
}

Result<StockLevel> set_reorder_point(db::Connection& tx, const ModuleContext& ctx,
                                     const std::string& sku, int64_t reorder_point,
                                     const std::string& actor) {
  SD_ASSIGN_OR_RETURN(auto product, catalog::get_product(tx, sku));
  if (reorder_point < 0 || reorder_point > kMaxQuantity) {
    return Error::invalid_field("invalid_reorder_point",
                                "reorder_point must be from 0 to 1000000000.", "reorder_point");
  }
  int64_t now = ctx.clock.now_micros();
  SD_RETURN_IF_ERROR(store::ensure(tx, sku, now));
  SD_RETURN_IF_ERROR(store::set_reorder_point(tx, sku, reorder_point, now));
  SD_ASSIGN_OR_RETURN(auto level, level_of(tx, sku));
  SD_RETURN_IF_ERROR(emit(tx, ctx, "stock.reorder_point_set", actor, level, {}));
  return level;
}

Result<StockLevel> adjust(db::Connection& tx, const ModuleContext& ctx, const Adjustment& adj,
                          const std::string& actor) {
  SD_ASSIGN_OR_RETURN(auto product, catalog::get_product(tx, adj.sku));
  SD_RETURN_IF_ERROR(check_qty(adj.qty, true, "qty"));
  bool known_reason = false;
  for (auto r : kAdjustmentReasons) known_reason = known_reason || r == adj.reason;
  if (!known_reason) {
    return Error::invalid_field("invalid_reason",
                                "reason must be one of receipt, count, damage, production, return.",
                                "reason");
  }
  int64_t now = ctx.clock.now_micros();
  SD_RETURN_IF_ERROR(store::ensure(tx, adj.sku, now));
  SD_ASSIGN_OR_RETURN(bool ok, store::add_on_hand(tx, adj.sku, adj.qty, now));
  if (!ok) {
    SD_ASSIGN_OR_RETURN(auto level, level_of(tx, adj.sku));
    Error e = Error::conflict("stock_below_reserved",
                              "Cannot remove " + std::to_string(-adj.qty) + " of " + adj.sku +
                                  ": " + std::to_string(level.on_hand) + " on hand and " +
                                  std::to_string(level.reserved) + " reserved, so at most " +
                                  std::to_string(level.available()) +
                                  " can be removed. Cancel or ship orders first.");
    e.details = {"qty"};
    return e;
  }
  SD_ASSIGN_OR_RETURN(auto level, level_of(tx, adj.sku));
  SD_RETURN_IF_ERROR(record_move(tx, ctx, product, adj.qty, adj.reason, adj.reference, adj.note,
                                 level.on_hand, actor));
  SD_RETURN_IF_ERROR(
      emit(tx, ctx, "stock.adjusted", actor, level, {{"qty", adj.qty}, {"reason", adj.reason}}));
  return level;
}

Status reserve_for_order(db::Connection& tx, const ModuleContext& ctx, const std::string& order_id,
                         const std::vector<Demand>& lines, const std::string& actor) {
  std::vector<std::string> short_lines;
  std::string message;
  for (size_t i = 0; i < lines.size(); ++i) {
    SD_ASSIGN_OR_RETURN(auto level, level_of(tx, lines[i].sku));
    if (level.available() < lines[i].qty) {
      std::string line = lines[i].sku + ": " + std::to_string(lines[i].qty) + " ordered, " +
                         std::to_string(std::max<int64_t>(0, level.available())) + " available";
      short_lines.push_back("items[" + std::to_string(i) + "] " + line);
      message += (message.empty() ? "" : "; ") + line;
    }
  }
  if (!short_lines.empty()) {
    Error e = Error::conflict("insufficient_stock", "Not enough stock for this order (" + message +
                                                        "). Lower the quantities or restock.");
    e.details = std::move(short_lines);
    return e;
  }
  int64_t now = ctx.clock.now_micros();
  for (const auto& line : lines) {
    SD_ASSIGN_OR_RETURN(bool ok, store::add_reserved(tx, line.sku, line.qty, now));
    if (!ok) return Error::internal("reservation refused after the availability check");
    Reservation r{new_uuid_v7(), line.sku, line.qty, order_id, std::nullopt, "active", now};
    SD_RETURN_IF_ERROR(store::insert_reservation(tx, r, actor));
    SD_ASSIGN_OR_RETURN(auto level, level_of(tx, line.sku));
    SD_RETURN_IF_ERROR(emit(tx, ctx, "stock.reserved", actor, level,
                            {{"qty", line.qty}, {"order_id", order_id}, {"reservation_id", r.id}}));
  }
  return {};
}

Status release_for_order(db::Connection& tx, const ModuleContext& ctx, const std::string& order_id,
                         const std::string& actor) {
  SD_ASSIGN_OR_RETURN(auto held, store::active_reservations_for_order(tx, order_id));
  int64_t now = ctx.clock.now_micros();
  for (const auto& r : held) {
    SD_ASSIGN_OR_RETURN(bool ok, store::add_reserved(tx, r.sku, -r.qty, now));
    if (!ok) return Error::internal("release would make reserved negative for " + r.sku);
    SD_RETURN_IF_ERROR(store::close_reservation(tx, r.id, "released", now));
    SD_ASSIGN_OR_RETURN(auto level, level_of(tx, r.sku));
    SD_RETURN_IF_ERROR(emit(tx, ctx, "stock.released", actor, level,
                            {{"qty", r.qty}, {"order_id", order_id}, {"reservation_id", r.id}}));
  }
  return {};
}

Status ship_for_order(db::Connection& tx, const ModuleContext& ctx, const std::string& order_id,
                      const std::string& order_number, const std::string& actor) {
  SD_ASSIGN_OR_RETURN(auto held, store::active_reservations_for_order(tx, order_id));
  int64_t now = ctx.clock.now_micros();
  for (const auto& r : held) {
    SD_ASSIGN_OR_RETURN(auto product, catalog::get_product(tx, r.sku));
    SD_ASSIGN_OR_RETURN(bool unreserved, store::add_reserved(tx, r.sku, -r.qty, now));
    SD_ASSIGN_OR_RETURN(bool shipped, store::add_on_hand(tx, r.sku, -r.qty, now));
    if (!unreserved || !shipped) {
      return Error::internal("shipping " + r.sku + " would break the stock invariant");
    }
    SD_RETURN_IF_ERROR(store::close_reservation(tx, r.id, "shipped", now));
    SD_ASSIGN_OR_RETURN(auto level, level_of(tx, r.sku));
    SD_RETURN_IF_ERROR(record_move(tx, ctx, product, -r.qty, "shipment", order_number, std::nullopt,
                                   level.on_hand, actor));
    SD_RETURN_IF_ERROR(emit(tx, ctx, "stock.adjusted", actor, level,
                            {{"qty", -r.qty}, {"reason", "shipment"}, {"order_id", order_id}}));
  }
  return {};
}

Result<Reservation> reserve(db::Connection& tx, const ModuleContext& ctx, const std::string& sku,
                            int64_t qty, const std::optional<std::string>& reference,
                            const std::string& actor) {
  SD_ASSIGN_OR_RETURN(auto product, catalog::get_product(tx, sku));
  SD_RETURN_IF_ERROR(check_qty(qty, false, "qty"));
  int64_t now = ctx.clock.now_micros();
  SD_RETURN_IF_ERROR(store::ensure(tx, sku, now));
  SD_ASSIGN_OR_RETURN(bool ok, store::add_reserved(tx, sku, qty, now));
  if (!ok) {
    SD_ASSIGN_OR_RETURN(auto level, level_of(tx, sku));
    Error e = Error::conflict("insufficient_stock",
                              "Cannot reserve " + std::to_string(qty) + " of " + sku + ": only " +
                                  std::to_string(level.available()) + " available.");
    e.details = {sku + ": " + std::to_string(qty) + " requested, " +
                 std::to_string(level.available()) + " available"};
    return e;
  }
  Reservation r{new_uuid_v7(), sku, qty, std::nullopt, reference, "active", now};
  SD_RETURN_IF_ERROR(store::insert_reservation(tx, r, actor));
  SD_ASSIGN_OR_RETURN(auto level, level_of(tx, sku));
  SD_RETURN_IF_ERROR(
      emit(tx, ctx, "stock.reserved", actor, level, {{"qty", qty}, {"reservation_id", r.id}}));
  return r;
}

Result<Reservation> release(db::Connection& tx, const ModuleContext& ctx,
                            const std::string& reservation_id, const std::string& actor) {
  std::optional<Reservation> found;
  if (is_uuid(reservation_id)) {
    SD_ASSIGN_OR_RETURN(found, store::find_reservation(tx, reservation_id));
  }
  if (!found) {
    return Error::not_found("reservation_not_found",
                            "No reservation has id '" + reservation_id.substr(0, 40) + "'.");
  }
  if (found->order_id) {
    return Error::conflict("reservation_belongs_to_order",
                           "This reservation belongs to an order; cancel the order to release "
                           "it.");
  }
  if (found->status != "active") {
    return Error::conflict("reservation_closed",
                           "This reservation is already " + found->status + ".");
  }
  int64_t now = ctx.clock.now_micros();
  SD_ASSIGN_OR_RETURN(bool ok, store::add_reserved(tx, found->sku, -found->qty, now));
  if (!ok) return Error::internal("release would make reserved negative");
  SD_RETURN_IF_ERROR(store::close_reservation(tx, found->id, "released", now));
  found->status = "released";
  SD_ASSIGN_OR_RETURN(auto level, level_of(tx, found->sku));
  SD_RETURN_IF_ERROR(emit(tx, ctx, "stock.released", actor, level,
                          {{"qty", found->qty}, {"reservation_id", found->id}}));
  return std::move(*found);
}

}  // namespace smartdairy::modules::inventory
