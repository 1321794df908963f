#include "modules/analytics/views.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <set>

#include "core/clock.h"
#include "core/dates.h"

namespace smartdairy::modules::analytics {

namespace json = boost::json;

namespace {

// The farm's offset in seconds, bound wherever a UTC instant becomes a local hour or day.
int64_t offset_seconds(const ModuleContext& ctx) {
  return static_cast<int64_t>(ctx.utc_offset_minutes) * 60;
}

// An order's contribution to the views, added (sign +1) or taken back (sign -1) as of
// `status`. The amounts, hour, day and customer of an order never change; only its status.
Status apply_order(db::Connection& tx, const ModuleContext& ctx, const std::string& order_id,
                   const std::string& status, int64_t sign) {
  SD_RETURN_IF_ERROR(
      tx.execute("INSERT INTO analytics_orders_by_status (status, orders, total) "
                 "SELECT ?, ?, ? * total FROM orders WHERE id = ? "
                 "ON CONFLICT (status) DO UPDATE SET orders = orders + excluded.orders, "
                 "total = total + excluded.total",
                 status, sign, sign, order_id));
  SD_RETURN_IF_ERROR(
      tx.execute("DELETE FROM analytics_orders_by_status WHERE status = ? AND orders = 0", status));
  if (status == "cancelled") return {};

  const int64_t off = offset_seconds(ctx);
  SD_RETURN_IF_ERROR(tx.execute(
      "INSERT INTO analytics_sales_by_hour (hour, orders, subtotal, vat_total, total) "
      "SELECT strftime('%Y-%m-%dT%H:00', created_at / 1000000 + ?, 'unixepoch'), ?, "
      "? * subtotal, ? * vat_total, ? * total FROM orders WHERE id = ? "
      "ON CONFLICT (hour) DO UPDATE SET orders = orders + excluded.orders, "
      "subtotal = subtotal + excluded.subtotal, vat_total = vat_total + excluded.vat_total, "
      "total = total + excluded.total",
      off, sign, sign, sign, sign, order_id));
  SD_RETURN_IF_ERROR(tx.execute(
      "INSERT INTO analytics_sales_by_day (day, orders, subtotal, vat_total, total) "
      "SELECT placed_on, ?, ? * subtotal, ? * vat_total, ? * total FROM orders WHERE id = ? "
      "ON CONFLICT (day) DO UPDATE SET orders = orders + excluded.orders, "
      "subtotal = subtotal + excluded.subtotal, vat_total = vat_total + excluded.vat_total, "
      "total = total + excluded.total",
      sign, sign, sign, sign, order_id));
  SD_RETURN_IF_ERROR(tx.execute(
      "INSERT INTO analytics_revenue_by_customer "
      "(day, customer_id, orders, subtotal, vat_total, total) "
      "SELECT placed_on, customer_id, ?, ? * subtotal, ? * vat_total, ? * total FROM orders "
      "WHERE id = ? "
      "ON CONFLICT (day, customer_id) DO UPDATE SET orders = orders + excluded.orders, "
      "subtotal = subtotal + excluded.subtotal, vat_total = vat_total + excluded.vat_total, "
      "total = total + excluded.total",
      sign, sign, sign, sign, order_id));
  SD_RETURN_IF_ERROR(tx.execute(
      "INSERT INTO analytics_revenue_by_product (day, sku, qty, net, vat, total) "
      "SELECT o.placed_on, l.sku, ? * l.qty, ? * l.net, ? * l.vat, ? * l.total "
      "FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.order_id = ? "
      "ON CONFLICT (day, sku) DO UPDATE SET qty = qty + excluded.qty, net = net + excluded.net, "
      "vat = vat + excluded.vat, total = total + excluded.total",
      sign, sign, sign, sign, order_id));
  if (sign > 0) return {};
  // Taking an order back may empty a row; a rebuild would not have it.
  SD_RETURN_IF_ERROR(tx.execute(
      "DELETE FROM analytics_sales_by_hour WHERE orders = 0 AND hour = "
      "(SELECT strftime('%Y-%m-%dT%H:00', created_at / 1000000 + ?, 'unixepoch') FROM orders "
      "WHERE id = ?)",
      off, order_id));
  SD_RETURN_IF_ERROR(
      tx.execute("DELETE FROM analytics_sales_by_day WHERE orders = 0 AND day = "
                 "(SELECT placed_on FROM orders WHERE id = ?)",
                 order_id));
  SD_RETURN_IF_ERROR(tx.execute(
      "DELETE FROM analytics_revenue_by_customer WHERE orders = 0 AND (day, customer_id) = "
      "(SELECT placed_on, customer_id FROM orders WHERE id = ?)",
      order_id));
  return tx.execute(
      "DELETE FROM analytics_revenue_by_product WHERE qty = 0 AND day = "
      "(SELECT placed_on FROM orders WHERE id = ?) AND sku IN "
      "(SELECT sku FROM order_lines WHERE order_id = ?)",
      order_id, order_id);
}

// Replaces what the order was counted as with what it is now.
Status refresh_order(db::Connection& tx, const ModuleContext& ctx, const std::string& order_id) {
  SD_ASSIGN_OR_RETURN(auto now, tx.scalar_text("SELECT status FROM orders WHERE id = ?", order_id));
  if (!now) return {};  // not an order of this database (nothing to count)
  SD_ASSIGN_OR_RETURN(
      auto before,
      tx.scalar_text("SELECT status FROM analytics_order_facts WHERE order_id = ?", order_id));
  if (before == now) return {};
  if (before) SD_RETURN_IF_ERROR(apply_order(tx, ctx, order_id, *before, -1));
  SD_RETURN_IF_ERROR(apply_order(tx, ctx, order_id, *now, +1));
  return tx.execute(
      "INSERT INTO analytics_order_facts (order_id, status) VALUES (?, ?) "
      "ON CONFLICT (order_id) DO UPDATE SET status = excluded.status",
      order_id, *now);
}

Status refresh_stock(db::Connection& tx, const std::string& sku) {
  SD_RETURN_IF_ERROR(tx.execute("DELETE FROM analytics_stock_levels WHERE sku = ?", sku));
  return tx.execute(
      "INSERT INTO analytics_stock_levels (sku, on_hand, reserved, reorder_point) "
      "SELECT sku, on_hand, reserved, reorder_point FROM stock_items WHERE sku = ?",
      sku);
}

constexpr const char* kOpenInvoices =
    "SELECT id, number, customer_id, due_date, total, total - amount_paid FROM invoices "
    "WHERE status IN ('issued', 'partially_paid') AND total > amount_paid";

Status refresh_invoice(db::Connection& tx, const std::string& invoice_id) {
  SD_RETURN_IF_ERROR(
      tx.execute("DELETE FROM analytics_receivables WHERE invoice_id = ?", invoice_id));
  return tx.execute(std::string("INSERT INTO analytics_receivables "
                                "(invoice_id, number, customer_id, due_date, total, amount_due) ") +
                        kOpenInvoices + " AND id = ?",
                    invoice_id);
}

// A payment is immutable and its event is applied exactly once: it is added, never replaced.
Status add_payment(db::Connection& tx, const ModuleContext& ctx, const std::string& payment_id) {
  return tx.execute(
      "INSERT INTO analytics_cash_by_day (day, method, payments, amount) "
      "SELECT date(received_at / 1000000 + ?, 'unixepoch'), method, 1, amount FROM payments "
      "WHERE id = ? "
      "ON CONFLICT (day, method) DO UPDATE SET payments = payments + excluded.payments, "
      "amount = amount + excluded.amount",
      offset_seconds(ctx), payment_id);
}

// The SKUs a stock event names: its aggregate (a stock item) and the SKUs of its lines.
std::set<std::string> skus_of(const events::Event& ev) {
  std::set<std::string> out;
  if (ev.aggregate_type == "stock_item") out.insert(ev.aggregate_id);
  boost::system::error_code ec;
  json::value data = json::parse(ev.data, ec);
  if (ec || !data.is_object()) return out;
  const auto& obj = data.get_object();
  if (const auto* sku = obj.if_contains("sku"); sku != nullptr && sku->is_string()) {
    out.insert(std::string(sku->get_string()));
  }
  if (const auto* lines = obj.if_contains("lines"); lines != nullptr && lines->is_array()) {
    for (const auto& l : lines->get_array()) {
      const auto* sku = l.is_object() ? l.get_object().if_contains("sku") : nullptr;
      if (sku != nullptr && sku->is_string()) out.insert(std::string(sku->get_string()));
    }
  }
  return out;
}

std::optional<std::string> string_field(const std::string& data, std::string_view key) {
  boost::system::error_code ec;
  json::value v = json::parse(data, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto* f = v.get_object().if_contains(key);
  if (f == nullptr || !f->is_string()) return std::nullopt;
  return std::string(f->get_string());
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

const std::vector<std::string>& followed_event_types() {
  static const std::vector<std::string> kTypes = {
      "order.created",  "order.updated",    "invoice.issued",
      "invoice.voided", "payment.received", "stock.adjusted",
      "stock.reserved", "stock.released",   "stock.reorder_point_set"};
  return kTypes;
}

size_t ageing_bucket(int64_t days_overdue) {
  if (days_overdue <= 0) return 0;
  if (days_overdue <= 30) return 1;
  if (days_overdue <= 60) return 2;
  if (days_overdue <= 90) return 3;
  if (days_overdue <= 120) return 4;
  return 5;
}

Status apply_event(db::Connection& tx, const ModuleContext& ctx, const events::Event& ev) {
  if (starts_with(ev.type, "order.")) return refresh_order(tx, ctx, ev.aggregate_id);
  if (starts_with(ev.type, "stock.")) {
    for (const auto& sku : skus_of(ev)) SD_RETURN_IF_ERROR(refresh_stock(tx, sku));
    return {};
  }
  if (ev.type == "invoice.issued" || ev.type == "invoice.voided") {
    return refresh_invoice(tx, ev.aggregate_id);
  }
  if (ev.type == "payment.received") {
    SD_RETURN_IF_ERROR(refresh_invoice(tx, ev.aggregate_id));
    auto payment_id = string_field(ev.data, "id");
    if (!payment_id) {
      return Error::internal("payment.received event " + std::to_string(ev.seq) +
                             " has no payment id");
    }
    return add_payment(tx, ctx, *payment_id);
  }
  return {};
}

Status rebuild(db::Connection& tx, const ModuleContext& ctx) {
  SD_RETURN_IF_ERROR(
      tx.exec("DELETE FROM analytics_order_facts; DELETE FROM analytics_sales_by_hour; "
              "DELETE FROM analytics_sales_by_day; DELETE FROM analytics_revenue_by_product; "
              "DELETE FROM analytics_revenue_by_customer; DELETE FROM analytics_orders_by_status; "
              "DELETE FROM analytics_stock_levels; DELETE FROM analytics_receivables; "
              "DELETE FROM analytics_cash_by_day;"));
  SD_RETURN_IF_ERROR(
      tx.exec("INSERT INTO analytics_order_facts (order_id, status) SELECT id, status FROM orders;"
              "INSERT INTO analytics_orders_by_status (status, orders, total) "
              "SELECT status, count(*), sum(total) FROM orders GROUP BY status;"
              "INSERT INTO analytics_sales_by_day (day, orders, subtotal, vat_total, total) "
              "SELECT placed_on, count(*), sum(subtotal), sum(vat_total), sum(total) FROM orders "
              "WHERE status <> 'cancelled' GROUP BY placed_on;"
              "INSERT INTO analytics_revenue_by_customer "
              "(day, customer_id, orders, subtotal, vat_total, total) "
              "SELECT placed_on, customer_id, count(*), sum(subtotal), sum(vat_total), sum(total) "
              "FROM orders WHERE status <> 'cancelled' GROUP BY placed_on, customer_id;"
              "INSERT INTO analytics_revenue_by_product (day, sku, qty, net, vat, total) "
              "SELECT o.placed_on, l.sku, sum(l.qty), sum(l.net), sum(l.vat), sum(l.total) "
              "FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status <> 'cancelled' "
              "GROUP BY o.placed_on, l.sku;"
              "INSERT INTO analytics_stock_levels (sku, on_hand, reserved, reorder_point) "
              "SELECT sku, on_hand, reserved, reorder_point FROM stock_items;"));
  const int64_t off = offset_seconds(ctx);
  SD_RETURN_IF_ERROR(
      tx.execute("INSERT INTO analytics_sales_by_hour (hour, orders, subtotal, vat_total, total) "
                 "SELECT strftime('%Y-%m-%dT%H:00', created_at / 1000000 + ?, 'unixepoch') AS h, "
                 "count(*), sum(subtotal), sum(vat_total), sum(total) FROM orders "
                 "WHERE status <> 'cancelled' GROUP BY h",
                 off));
  SD_RETURN_IF_ERROR(
      tx.execute(std::string("INSERT INTO analytics_receivables "
                             "(invoice_id, number, customer_id, due_date, total, amount_due) ") +
                 kOpenInvoices));
  SD_RETURN_IF_ERROR(tx.execute(
      "INSERT INTO analytics_cash_by_day (day, method, payments, amount) "
      "SELECT date(received_at / 1000000 + ?, 'unixepoch') AS d, method, count(*), sum(amount) "
      "FROM payments GROUP BY d, method",
      off));
  // Everything committed so far is now counted: the consumer resumes after it.
  return tx.execute(
      "INSERT INTO consumer_offsets (consumer, last_seq, updated_at) "
      "VALUES (?, (SELECT coalesce(max(seq), 0) FROM events_log), ?) "
      "ON CONFLICT (consumer) DO UPDATE SET last_seq = excluded.last_seq, "
      "updated_at = excluded.updated_at",
      kConsumerName, ctx.clock.now_micros());
}

Result<Kpis> read_kpis(db::Connection& conn, const ModuleContext& ctx) {
  Kpis k;
  Day today = ctx.today();
  k.today = format_date(today);
  SD_ASSIGN_OR_RETURN(
      auto seq,
      conn.scalar_int64("SELECT last_seq FROM consumer_offsets WHERE consumer = ?", kConsumerName));
  k.seq = seq.value_or(0);
  {
    SD_ASSIGN_OR_RETURN(
        auto q,
        conn.query("SELECT orders, total FROM analytics_sales_by_day WHERE day = ?", k.today));
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (has) {
      k.orders_today = q.int64(0);
      k.sales_today = q.int64(1);
    }
  }
  {
    SD_ASSIGN_OR_RETURN(auto q, conn.query("SELECT coalesce(sum(amount_due), 0), "
                                           "coalesce(sum(CASE WHEN due_date < ? THEN amount_due "
                                           "ELSE 0 END), 0) FROM analytics_receivables",
                                           k.today));
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (has) {
      k.outstanding_receivables = q.int64(0);
      k.overdue_receivables = q.int64(1);
    }
  }
  SD_ASSIGN_OR_RETURN(auto below, conn.scalar_int64("SELECT count(*) FROM analytics_stock_levels "
                                                    "WHERE reorder_point > 0 AND "
                                                    "on_hand - reserved <= reorder_point"));
  k.below_reorder = below.value_or(0);
  return k;
}

}  // namespace smartdairy::modules::analytics
