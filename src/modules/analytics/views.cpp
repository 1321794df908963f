#include "modules/analytics/views.h"

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <set>
#include <utility>

#include "core/clock.h"
#include "core/dates.h"
#include "modules/analytics/sums.h"

namespace smartdairy::modules::analytics {

namespace json = boost::json;

namespace {

// The farm's offset in seconds, bound wherever a UTC instant becomes a local hour or day.
int64_t offset_seconds(const ModuleContext& ctx) {
  return static_cast<int64_t>(ctx.utc_offset_minutes) * 60;
}

// Sums of contributions per key, written once per key when a batch is flushed. For sales
// rows: orders, subtotal, vat_total, total; for products: qty, net, vat, total; for
// statuses: orders, -, -, total; for cash: payments, -, -, amount.
using Sums = SumsOf<4>;
struct Deltas {
  std::map<Key2, Sums> hour, day, status, customer, product, cash;
};

void add_to(Sums& s, int64_t sign, int64_t count, int64_t a, int64_t b, int64_t c) {
  s.add(sign, {count, a, b, c});
}

struct OrderRow {
  std::string status;
  std::optional<std::string> counted_as;  // the status the views last counted it with
  std::string hour, day, customer_id;
  int64_t subtotal = 0, vat_total = 0, total = 0;
};
struct LineRow {
  std::string sku;
  int64_t qty = 0, net = 0, vat = 0, total = 0;
};

// Adds (sign +1) or takes back (-1) what an order counts for as of `status`.
void count_order(Deltas& d, const OrderRow& o, const std::vector<LineRow>& lines,
                 const std::string& status, int64_t sign) {
  add_to(d.status[{status, ""}], sign, 1, 0, 0, o.total);
  if (status == "cancelled") return;
  add_to(d.hour[{o.hour, ""}], sign, 1, o.subtotal, o.vat_total, o.total);
  add_to(d.day[{o.day, ""}], sign, 1, o.subtotal, o.vat_total, o.total);
  add_to(d.customer[{o.day, o.customer_id}], sign, 1, o.subtotal, o.vat_total, o.total);
  for (const auto& l : lines) add_to(d.product[{o.day, l.sku}], sign, l.qty, l.net, l.vat, l.total);
}

// Replaces what the order was counted as with what it is now.
Status refresh_order(db::Connection& tx, const ModuleContext& ctx, Deltas& d,
                     const std::string& order_id) {
  OrderRow o;
  {
    SD_ASSIGN_OR_RETURN(
        auto q, tx.query("SELECT o.status, f.status, "
                         "strftime('%Y-%m-%dT%H:00', o.created_at / 1000000 + ?, 'unixepoch'), "
                         "o.placed_on, o.customer_id, o.subtotal, o.vat_total, o.total "
                         "FROM orders o LEFT JOIN analytics_order_facts f ON f.order_id = o.id "
                         "WHERE o.id = ?",
                         offset_seconds(ctx), order_id));
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) return {};  // not an order of this database: nothing to count
    o = OrderRow{q.text(0), q.optional_text(1), q.text(2),  q.text(3),
                 q.text(4), q.int64(5),         q.int64(6), q.int64(7)};
  }
  if (o.counted_as == o.status) return {};
  std::vector<LineRow> lines;
  SD_ASSIGN_OR_RETURN(auto q, tx.query("SELECT sku, qty, net, vat, total FROM order_lines "
                                       "WHERE order_id = ?",
                                       order_id));
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) break;
    lines.push_back({q.text(0), q.int64(1), q.int64(2), q.int64(3), q.int64(4)});
  }
  if (o.counted_as) count_order(d, o, lines, *o.counted_as, -1);
  count_order(d, o, lines, o.status, +1);
  return tx.execute(
      "INSERT INTO analytics_order_facts (order_id, status) VALUES (?, ?) "
      "ON CONFLICT (order_id) DO UPDATE SET status = excluded.status",
      order_id, o.status);
}

// A payment is immutable and its event is applied exactly once: it is added, never replaced.
Status count_payment(db::Connection& tx, const ModuleContext& ctx, Deltas& d,
                     const std::string& payment_id) {
  SD_ASSIGN_OR_RETURN(auto q, tx.query("SELECT date(received_at / 1000000 + ?, 'unixepoch'), "
                                       "method, amount FROM payments WHERE id = ?",
                                       offset_seconds(ctx), payment_id));
  SD_ASSIGN_OR_RETURN(bool has, q.step());
  if (!has) return Error::internal("payment " + payment_id + " of a payment.received is missing");
  add_to(d.cash[{q.text(0), q.text(1)}], +1, 1, 0, 0, q.int64(2));
  return {};
}

Status refresh_stock(db::Connection& tx, const std::string& sku) {
  return tx.execute(
      "INSERT INTO analytics_stock_levels (sku, on_hand, reserved, reorder_point) "
      "SELECT sku, on_hand, reserved, reorder_point FROM stock_items WHERE sku = ? "
      "ON CONFLICT (sku) DO UPDATE SET on_hand = excluded.on_hand, "
      "reserved = excluded.reserved, reorder_point = excluded.reorder_point",
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

// Writes the summed deltas of a batch.
Status write_deltas(db::Connection& tx, const Deltas& d) {
  const std::array<const char*, 4> sales = {"orders", "subtotal", "vat_total", "total"};
  SD_RETURN_IF_ERROR(write_sums(tx, "analytics_sales_by_hour", {"hour"}, sales, d.hour));
  SD_RETURN_IF_ERROR(write_sums(tx, "analytics_sales_by_day", {"day"}, sales, d.day));
  SD_RETURN_IF_ERROR(
      write_sums(tx, "analytics_revenue_by_customer", {"day", "customer_id"}, sales, d.customer));
  SD_RETURN_IF_ERROR(write_sums(tx, "analytics_revenue_by_product", {"day", "sku"},
                                {"qty", "net", "vat", "total"}, d.product));
  SD_RETURN_IF_ERROR(write_sums(tx, "analytics_orders_by_status", {"status"},
                                {"orders", nullptr, nullptr, "total"}, d.status));
  return write_sums(tx, "analytics_cash_by_day", {"day", "method"},
                    {"payments", nullptr, nullptr, "amount"}, d.cash);
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
  static const std::vector<std::string> types = {
      "order.created",  "order.updated",    "invoice.issued",
      "invoice.voided", "payment.received", "stock.adjusted",
      "stock.reserved", "stock.released",   "stock.reorder_point_set"};
  static const std::vector<std::string> all = [] {
    std::vector<std::string> out = types;
    out.insert(out.end(), farm_event_types().begin(), farm_event_types().end());
    return out;
  }();
  return all;
}

size_t ageing_bucket(int64_t days_overdue) {
  if (days_overdue <= 0) return 0;
  if (days_overdue <= 30) return 1;
  if (days_overdue <= 60) return 2;
  if (days_overdue <= 90) return 3;
  if (days_overdue <= 120) return 4;
  return 5;
}

void ViewUpdater::note(const events::Event& ev) {
  if (is_herd_event(ev.type)) {
    farm_.note(ev);
  } else if (starts_with(ev.type, "order.")) {
    orders_.insert(ev.aggregate_id);
  } else if (starts_with(ev.type, "stock.")) {
    for (const auto& sku : skus_of(ev)) skus_.insert(sku);
  } else if (ev.type == "invoice.issued" || ev.type == "invoice.voided") {
    invoices_.insert(ev.aggregate_id);
  } else if (ev.type == "payment.received") {
    invoices_.insert(ev.aggregate_id);
    auto payment_id = string_field(ev.data, "id");
    if (payment_id) {
      payments_.push_back(std::move(*payment_id));
    } else if (!malformed_) {
      malformed_ = Error::internal("payment.received event " + std::to_string(ev.seq) +
                                   " has no payment id");
    }
  }
}

Status ViewUpdater::flush(db::Connection& tx) {
  auto orders = std::exchange(orders_, {});
  auto invoices = std::exchange(invoices_, {});
  auto skus = std::exchange(skus_, {});
  auto payments = std::exchange(payments_, {});
  auto farm = std::exchange(farm_, {});
  flushed_herd_events_ = farm.herd_touched();
  if (auto bad = std::exchange(malformed_, std::nullopt)) return *bad;
  Deltas d;
  for (const auto& id : orders) SD_RETURN_IF_ERROR(refresh_order(tx, ctx_, d, id));
  for (const auto& id : payments) SD_RETURN_IF_ERROR(count_payment(tx, ctx_, d, id));
  SD_RETURN_IF_ERROR(write_deltas(tx, d));
  for (const auto& id : invoices) SD_RETURN_IF_ERROR(refresh_invoice(tx, id));
  for (const auto& sku : skus) SD_RETURN_IF_ERROR(refresh_stock(tx, sku));
  return farm.flush(tx);
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
  SD_RETURN_IF_ERROR(rebuild_farm_views(tx));
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
