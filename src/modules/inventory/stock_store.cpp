#include "modules/inventory/stock_store.h"

#include "modules/common/rows.h"

namespace smartdairy::modules::inventory::store {

namespace {
StockLevel read_level(const db::Query& q) {
  return StockLevel{q.text(0), q.int64(1), q.int64(2), q.int64(3), q.int64(4)};
}

Reservation read_reservation(const db::Query& q) {
  return Reservation{q.text(0),          q.text(1), q.int64(2), q.optional_text(3),
                     q.optional_text(4), q.text(5), q.int64(6)};
}

constexpr const char* kReservationColumns = "id, sku, qty, order_id, reference, status, created_at";
}  // namespace

Result<std::optional<StockLevel>> find(db::Connection& conn, std::string_view sku) {
  SD_ASSIGN_OR_RETURN(auto q, conn.query("SELECT sku, on_hand, reserved, reorder_point, "
                                         "updated_at FROM stock_items WHERE sku = ?",
                                         sku));
  SD_ASSIGN_OR_RETURN(bool has, q.step());
  if (!has) return std::optional<StockLevel>{};
  return std::optional<StockLevel>{read_level(q)};
}

Status ensure(db::Connection& tx, std::string_view sku, int64_t now) {
  return tx.execute(
      "INSERT INTO stock_items (sku, updated_at) VALUES (?, ?) ON CONFLICT (sku) DO NOTHING", sku,
      now);
}

Status set_reorder_point(db::Connection& tx, std::string_view sku, int64_t point, int64_t now) {
  return tx.execute("UPDATE stock_items SET reorder_point = ?, updated_at = ? WHERE sku = ?", point,
                    now, sku);
}

Result<bool> add_on_hand(db::Connection& tx, std::string_view sku, int64_t delta, int64_t now) {
  SD_RETURN_IF_ERROR(
      tx.execute("UPDATE stock_items SET on_hand = on_hand + ?, updated_at = ? "
                 "WHERE sku = ? AND on_hand + ? >= reserved",
                 delta, now, sku, delta));
  return tx.changes() == 1;
}

Result<bool> add_reserved(db::Connection& tx, std::string_view sku, int64_t delta, int64_t now) {
  SD_RETURN_IF_ERROR(
      tx.execute("UPDATE stock_items SET reserved = reserved + ?, updated_at = ? "
                 "WHERE sku = ? AND reserved + ? BETWEEN 0 AND on_hand",
                 delta, now, sku, delta));
  return tx.changes() == 1;
}

Result<std::optional<StockLevel>> reserve_returning(db::Connection& tx, std::string_view sku,
                                                    int64_t delta, int64_t now) {
  SD_ASSIGN_OR_RETURN(auto q,
                      tx.query("UPDATE stock_items SET reserved = reserved + ?, updated_at = ? "
                               "WHERE sku = ? AND reserved + ? BETWEEN 0 AND on_hand "
                               "RETURNING sku, on_hand, reserved, reorder_point, updated_at",
                               delta, now, sku, delta));
  SD_ASSIGN_OR_RETURN(bool has, q.step());
  if (!has) return std::optional<StockLevel>{};
  StockLevel level = read_level(q);
  SD_RETURN_IF_ERROR(q.run());
  return std::optional<StockLevel>{std::move(level)};
}

Status insert_move(db::Connection& tx, const StockMove& m) {
  return tx.execute(
      "INSERT INTO stock_moves (id, sku, qty, reason, reference, note, unit_cost, "
      "on_hand_after, actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      m.id, m.sku, m.qty, m.reason, m.reference, m.note, m.unit_cost, m.on_hand_after, m.actor,
      m.created_at);
}

Status insert_reservation(db::Connection& tx, const Reservation& r, const std::string& actor) {
  return tx.execute(
      "INSERT INTO reservations (id, sku, qty, order_id, reference, status, actor, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      r.id, r.sku, r.qty, r.order_id, r.reference, r.status, actor, r.created_at);
}

Status close_order_reservations(db::Connection& tx, std::string_view order_id,
                                std::string_view status, int64_t now) {
  return tx.execute(
      "UPDATE reservations SET status = ?, closed_at = ? WHERE order_id = ? AND status = 'active'",
      status, now, order_id);
}

Result<std::optional<Reservation>> find_reservation(db::Connection& conn, std::string_view id) {
  SD_ASSIGN_OR_RETURN(auto q, conn.query(std::string("SELECT ") + kReservationColumns +
                                             " FROM reservations WHERE id = ?",
                                         id));
  SD_ASSIGN_OR_RETURN(bool has, q.step());
  if (!has) return std::optional<Reservation>{};
  return std::optional<Reservation>{read_reservation(q)};
}

Status close_reservation(db::Connection& tx, std::string_view id, std::string_view status,
                         int64_t now) {
  return tx.execute("UPDATE reservations SET status = ?, closed_at = ? WHERE id = ?", status, now,
                    id);
}

Result<std::vector<StockLevel>> list(db::Connection& conn, bool below_reorder_only,
                                     const std::string& after_sku, int64_t limit) {
  SD_ASSIGN_OR_RETURN(auto q,
                      conn.query("SELECT sku, on_hand, reserved, reorder_point, updated_at FROM "
                                 "stock_items WHERE sku > ? AND (? = 0 OR (reorder_point > 0 AND "
                                 "on_hand - reserved <= reorder_point)) ORDER BY sku LIMIT ?",
                                 after_sku, int64_t{below_reorder_only}, limit));
  return collect_rows<StockLevel>(q, read_level);
}

Result<std::vector<StockMove>> moves(db::Connection& conn, std::string_view sku,
                                     const std::string& after_id, int64_t limit) {
  SD_ASSIGN_OR_RETURN(
      auto q, conn.query("SELECT id, sku, qty, reason, reference, note, unit_cost, "
                         "on_hand_after, actor, created_at FROM stock_moves WHERE sku = ? AND "
                         "id > ? ORDER BY id LIMIT ?",
                         sku, after_id, limit));
  return collect_rows<StockMove>(q, [](const db::Query& r) {
    return StockMove{r.text(0),          r.text(1),  r.int64(2), r.text(3), r.optional_text(4),
                     r.optional_text(5), r.int64(6), r.int64(7), r.text(8), r.int64(9)};
  });
}

}  // namespace smartdairy::modules::inventory::store
