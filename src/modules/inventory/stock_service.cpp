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

boost::json::object level_json(const StockLevel& level) {
  return {{"sku", level.sku},
          {"on_hand", level.on_hand},
          {"reserved", level.reserved},
          {"available", level.available()},
          {"reorder_point", level.reorder_point},
          {"below_reorder", level.below_reorder()}};
}

// stock.adjusted and friends about one SKU: the level after the change, plus `data`.
Status emit(db::Connection& tx, const ModuleContext& ctx, const std::string& type,
            const std::string& actor, const StockLevel& level, boost::json::object data) {
  for (auto& kv : level_json(level)) data[kv.key()] = kv.value();
  auto ev =
      events::append(tx, {type, "stock_item", level.sku, actor, to_json_string(data)}, ctx.clock);
  if (!ev.ok()) return ev.error();
  return {};
}

// stock.reserved / stock.released: one event per order (or hand-made reservation) listing
// each line with its SKU's level after the change.
Status emit_lines(db::Connection& tx, const ModuleContext& ctx, const std::string& type,
                  const std::string& aggregate_type, const std::string& aggregate_id,
                  const std::string& actor, boost::json::object data, boost::json::array lines) {
  data["lines"] = std::move(lines);
  auto ev = events::append(tx, {type, aggregate_type, aggregate_id, actor, to_json_string(data)},
                           ctx.clock);
  if (!ev.ok()) return ev.error();
  return {};
}

boost::json::object line_json(const StockLevel& level, int64_t qty) {
  boost::json::object o = level_json(level);
  o["qty"] = qty;
  return o;
}

boost::json::object line_json(const StockLevel& level, int64_t qty, const std::string& res_id) {
  boost::json::object o = line_json(level, qty);
  o["reservation_id"] = res_id;
  return o;
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
  // Receipts, production and returns add stock, damage removes it; a count can go either
  // way. A mis-keyed receipt is corrected by a count, so that its ledger posting is right.
  const bool adds = adj.reason == "receipt" || adj.reason == "production" || adj.reason == "return";
  if ((adds && adj.qty < 0) || (adj.reason == "damage" && adj.qty > 0)) {
    return Error::invalid_field("invalid_quantity",
                                adj.reason +
                                    (adds ? " adds stock: qty must be positive."
                                          : " removes stock: qty must be negative.") +
                                    " Use reason \"count\" to correct a level either way.",
                                "qty");
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
  // One conditional UPDATE per line reserves and returns the new level. A refused line makes
  // the whole call fail; the caller's transaction (the writer's savepoint) then rolls back
  // the lines already reserved — every line or none.
  int64_t now = ctx.clock.now_micros();
  std::vector<size_t> short_lines;
  boost::json::array reserved;
  for (size_t i = 0; i < lines.size(); ++i) {
    SD_ASSIGN_OR_RETURN(auto level, store::reserve_returning(tx, lines[i].sku, lines[i].qty, now));
    if (!level) {
      short_lines.push_back(i);
      continue;
    }
    if (!short_lines.empty()) continue;
    reserved.push_back(line_json(*level, lines[i].qty));
  }
  if (!short_lines.empty()) {
    std::vector<std::string> details;
    std::string message;
    for (size_t i : short_lines) {
      SD_ASSIGN_OR_RETURN(auto level, level_of(tx, lines[i].sku));
      std::string line = lines[i].sku + ": " + std::to_string(lines[i].qty) + " ordered, " +
                         std::to_string(std::max<int64_t>(0, level.available())) + " available";
      details.push_back("items[" + std::to_string(i) + "] " + line);
      message += (message.empty() ? "" : "; ") + line;
    }
    Error e = Error::conflict("insufficient_stock", "Not enough stock for this order (" + message +
                                                        "). Lower the quantities or restock.");
    e.details = std::move(details);
    return e;
  }
  return emit_lines(tx, ctx, "stock.reserved", "order", order_id, actor, {{"order_id", order_id}},
                    std::move(reserved));
}

Status release_for_order(db::Connection& tx, const ModuleContext& ctx, const std::string& order_id,
                         const std::vector<Demand>& lines, const std::string& actor) {
  if (lines.empty()) return {};
  int64_t now = ctx.clock.now_micros();
  boost::json::array released;
  for (const auto& line : lines) {
    SD_ASSIGN_OR_RETURN(auto level, store::reserve_returning(tx, line.sku, -line.qty, now));
    if (!level) return Error::internal("release would make reserved negative for " + line.sku);
    released.push_back(line_json(*level, line.qty));
  }
  SD_RETURN_IF_ERROR(store::close_order_reservations(tx, order_id, "released", now));
  return emit_lines(tx, ctx, "stock.released", "order", order_id, actor, {{"order_id", order_id}},
                    std::move(released));
}

Status ship_for_order(db::Connection& tx, const ModuleContext& ctx, const std::string& order_id,
                      const std::string& order_number, const std::vector<Demand>& lines,
                      const std::string& actor) {
  int64_t now = ctx.clock.now_micros();
  for (const auto& line : lines) {
    SD_ASSIGN_OR_RETURN(auto product, catalog::get_product(tx, line.sku));
    SD_ASSIGN_OR_RETURN(bool unreserved, store::add_reserved(tx, line.sku, -line.qty, now));
    SD_ASSIGN_OR_RETURN(bool shipped, store::add_on_hand(tx, line.sku, -line.qty, now));
    if (!unreserved || !shipped) {
      return Error::internal("shipping " + line.sku + " would break the stock invariant");
    }
    SD_ASSIGN_OR_RETURN(auto level, level_of(tx, line.sku));
    SD_RETURN_IF_ERROR(record_move(tx, ctx, product, -line.qty, "shipment", order_number,
                                   std::nullopt, level.on_hand, actor));
    SD_RETURN_IF_ERROR(emit(tx, ctx, "stock.adjusted", actor, level,
                            {{"qty", -line.qty}, {"reason", "shipment"}, {"order_id", order_id}}));
  }
  return store::close_order_reservations(tx, order_id, "shipped", now);
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
  SD_RETURN_IF_ERROR(emit_lines(tx, ctx, "stock.reserved", "stock_item", sku, actor,
                                {{"order_id", nullptr}}, {line_json(level, qty, r.id)}));
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
  SD_RETURN_IF_ERROR(emit_lines(tx, ctx, "stock.released", "stock_item", found->sku, actor,
                                {{"order_id", nullptr}},
                                {line_json(level, found->qty, found->id)}));
  return std::move(*found);
}

}  // namespace smartdairy::modules::inventory
