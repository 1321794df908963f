#include "modules/sales/order_store.h"

#include "modules/common/rows.h"

namespace smartdairy::modules::sales::store {

namespace {
constexpr const char* kColumns =
    "id, number, customer_id, customer_name, status, currency, subtotal, vat_total, total, "
    "notes, placed_on, version, created_at, updated_at, created_by";

Order read_row(const db::Query& q) {
  Order o;
  o.id = q.text(0);
  o.number = q.text(1);
  o.customer_id = q.text(2);
  o.customer_name = q.text(3);
  o.status = parse_status(q.text(4)).value_or(OrderStatus::kPlaced);
  o.currency = q.text(5);
  o.subtotal = q.int64(6);
  o.vat_total = q.int64(7);
  o.total = q.int64(8);
  o.notes = q.optional_text(9);
  o.placed_on = q.text(10);
  o.version = q.int64(11);
  o.created_at = q.int64(12);
  o.updated_at = q.int64(13);
  o.created_by = q.text(14);
  return o;
}

Status load_lines(db::Connection& conn, Order& o) {
  SD_ASSIGN_OR_RETURN(auto q, conn.query("SELECT sku, name, qty, unit, unit_price, vat_rate, net, "
                                         "vat, total FROM order_lines WHERE order_id = ? ORDER "
                                         "BY line_no",
                                         o.id));
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) break;
    o.lines.push_back({q.text(0), q.text(1), q.int64(2), q.text(3), q.int64(4), q.int64(5),
                       q.int64(6), q.int64(7), q.int64(8)});
  }
  return {};
}
}  // namespace

Status insert(db::Connection& tx, const Order& o) {
  SD_RETURN_IF_ERROR(tx.execute(
      "INSERT INTO orders (id, number, customer_id, customer_name, status, currency, subtotal, "
      "vat_total, total, notes, placed_on, version, created_at, updated_at, created_by) VALUES "
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      o.id, o.number, o.customer_id, o.customer_name, status_name(o.status), o.currency, o.subtotal,
      o.vat_total, o.total, o.notes, o.placed_on, o.version, o.created_at, o.updated_at,
      o.created_by));
  int64_t n = 0;
  for (const auto& l : o.lines) {
    SD_RETURN_IF_ERROR(tx.execute(
        "INSERT INTO order_lines (order_id, line_no, sku, name, qty, unit, unit_price, vat_rate, "
        "net, vat, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        o.id, ++n, l.sku, l.name, l.qty, l.unit, l.unit_price, l.vat_rate, l.net, l.vat, l.total));
  }
  return {};
}

Status update_status(db::Connection& tx, const Order& o) {
  return tx.execute("UPDATE orders SET status = ?, version = ?, updated_at = ? WHERE id = ?",
                    status_name(o.status), o.version, o.updated_at, o.id);
}

Result<std::optional<Order>> find(db::Connection& conn, std::string_view id) {
  SD_ASSIGN_OR_RETURN(
      auto q, conn.query(std::string("SELECT ") + kColumns + " FROM orders WHERE id = ?", id));
  SD_ASSIGN_OR_RETURN(bool has, q.step());
  if (!has) return std::optional<Order>{};
  Order o = read_row(q);
  SD_RETURN_IF_ERROR(load_lines(conn, o));
  return std::optional<Order>{std::move(o)};
}

Result<std::vector<Order>> list(db::Connection& conn, const OrderFilter& f,
                                const std::string& after, int64_t limit) {
  SD_ASSIGN_OR_RETURN(
      auto q, conn.query(std::string("SELECT ") + kColumns +
                             " FROM orders WHERE id > ? AND (? IS NULL OR status = ?) AND (? IS "
                             "NULL OR customer_id = ?) AND (? IS NULL OR placed_on >= ?) AND (? "
                             "IS NULL OR placed_on <= ?) ORDER BY id LIMIT ?",
                         after, f.status, f.status, f.customer_id, f.customer_id, f.from, f.from,
                         f.to, f.to, limit));
  SD_ASSIGN_OR_RETURN(auto out, collect_rows<Order>(q, read_row));
  for (auto& o : out) SD_RETURN_IF_ERROR(load_lines(conn, o));
  return out;
}

Result<int64_t> open_order_total(db::Connection& conn, std::string_view customer_id) {
  SD_ASSIGN_OR_RETURN(auto n, conn.scalar_int64("SELECT COALESCE(SUM(total), 0) FROM orders "
                                                "WHERE customer_id = ? AND status <> 'cancelled'",
                                                customer_id));
  return n.value_or(0);
}

}  // namespace smartdairy::modules::sales::store
