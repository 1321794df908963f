#include "modules/analytics/view_queries.h"

#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/money.h"
#include "modules/analytics/views.h"

namespace smartdairy::modules::analytics {

namespace json = boost::json;

namespace {

struct Range {
  std::string from;     // first day, YYYY-MM-DD
  std::string to_next;  // the day after the last
};

Result<Range> range_of(const ModuleContext& ctx, const ViewParams& p, int64_t default_days) {
  Day today = ctx.today();
  Day to = p.to.value_or(today);
  Day from = p.from.value_or(to - (default_days - 1));
  if (from > to) {
    return Error::invalid_field("invalid_range", "from must not be after to.", "from");
  }
  if (to - from + 1 > kMaxRangeDays) {
    return Error::invalid_field(
        "invalid_range", "Ask for at most " + std::to_string(kMaxRangeDays) + " days at a time.",
        "from");
  }
  return Range{format_date(from), format_date(to + 1)};
}

// Steps `q`, turning each row into a JSON object with `row(q)`.
template <class Row>
Result<json::array> rows_of(db::Query& q, Row row) {
  json::array out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) break;
    out.push_back(row(q));
  }
  return out;
}

Result<json::array> sales(db::Connection& conn, const ModuleContext& ctx, const ViewParams& p,
                          bool hourly) {
  SD_ASSIGN_OR_RETURN(Range r, range_of(ctx, p, hourly ? 2 : 30));
  std::string sql = hourly ? "SELECT hour, orders, subtotal, vat_total, total FROM "
                             "analytics_sales_by_hour WHERE hour >= ? AND hour < ? ORDER BY hour"
                           : "SELECT day, orders, subtotal, vat_total, total FROM "
                             "analytics_sales_by_day WHERE day >= ? AND day < ? ORDER BY day";
  SD_ASSIGN_OR_RETURN(auto q, conn.query(sql, r.from, r.to_next));
  auto money = [&](int64_t v) { return Money::from_minor(v, ctx.currency).to_json(); };
  return rows_of(q, [&](db::Query& row) {
    return json::object{{hourly ? "hour" : "day", row.text(0)},
                        {"orders", row.int64(1)},
                        {"subtotal", money(row.int64(2))},
                        {"vat_total", money(row.int64(3))},
                        {"total", money(row.int64(4))}};
  });
}

Result<json::array> by_product(db::Connection& conn, const ModuleContext& ctx,
                               const ViewParams& p) {
  SD_ASSIGN_OR_RETURN(Range r, range_of(ctx, p, 30));
  SD_ASSIGN_OR_RETURN(
      auto q, conn.query("SELECT a.sku, coalesce(p.name, a.sku), sum(a.qty), sum(a.net), "
                         "sum(a.vat), sum(a.total) FROM analytics_revenue_by_product a "
                         "LEFT JOIN products p ON p.sku = a.sku WHERE a.day >= ? AND a.day < ? "
                         "GROUP BY a.sku ORDER BY sum(a.total) DESC, a.sku",
                         r.from, r.to_next));
  auto money = [&](int64_t v) { return Money::from_minor(v, ctx.currency).to_json(); };
  return rows_of(q, [&](db::Query& row) {
    return json::object{{"sku", row.text(0)},         {"name", row.text(1)},
                        {"qty", row.int64(2)},        {"net", money(row.int64(3))},
                        {"vat", money(row.int64(4))}, {"total", money(row.int64(5))}};
  });
}

Result<json::array> by_customer(db::Connection& conn, const ModuleContext& ctx,
                                const ViewParams& p) {
  SD_ASSIGN_OR_RETURN(Range r, range_of(ctx, p, 30));
  SD_ASSIGN_OR_RETURN(
      auto q,
      conn.query("SELECT a.customer_id, coalesce(c.name, ''), sum(a.orders), sum(a.subtotal), "
                 "sum(a.vat_total), sum(a.total) FROM analytics_revenue_by_customer a "
                 "LEFT JOIN customers c ON c.id = a.customer_id WHERE a.day >= ? AND a.day < ? "
                 "GROUP BY a.customer_id ORDER BY sum(a.total) DESC, a.customer_id",
                 r.from, r.to_next));
  auto money = [&](int64_t v) { return Money::from_minor(v, ctx.currency).to_json(); };
  return rows_of(q, [&](db::Query& row) {
    return json::object{{"customer_id", row.text(0)},       {"name", row.text(1)},
                        {"orders", row.int64(2)},           {"subtotal", money(row.int64(3))},
                        {"vat_total", money(row.int64(4))}, {"total", money(row.int64(5))}};
  });
}

Result<json::array> by_status(db::Connection& conn, const ModuleContext& ctx) {
  SD_ASSIGN_OR_RETURN(auto q, conn.query("SELECT status, orders, total FROM "
                                         "analytics_orders_by_status ORDER BY status"));
  return rows_of(q, [&](db::Query& row) {
    return json::object{{"status", row.text(0)},
                        {"orders", row.int64(1)},
                        {"total", Money::from_minor(row.int64(2), ctx.currency).to_json()}};
  });
}

Result<json::array> stock(db::Connection& conn, const ViewParams& p) {
  SD_ASSIGN_OR_RETURN(
      auto q, conn.query("SELECT s.sku, coalesce(p.name, s.sku), coalesce(p.unit, ''), "
                         "s.on_hand, s.reserved, s.reorder_point FROM analytics_stock_levels s "
                         "LEFT JOIN products p ON p.sku = s.sku WHERE (? = 0 OR "
                         "(s.reorder_point > 0 AND s.on_hand - s.reserved <= s.reorder_point)) "
                         "ORDER BY s.sku",
                         int64_t{p.below_reorder}));
  return rows_of(q, [](db::Query& row) {
    int64_t on_hand = row.int64(3);
    int64_t reserved = row.int64(4);
    int64_t point = row.int64(5);
    return json::object{
        {"sku", row.text(0)},     {"name", row.text(1)},
        {"unit", row.text(2)},    {"on_hand", on_hand},
        {"reserved", reserved},   {"available", on_hand - reserved},
        {"reorder_point", point}, {"below_reorder", point > 0 && on_hand - reserved <= point}};
  });
}

// Six rows, one per bucket in order; with `bucket`, the open invoices in that bucket.
Result<json::array> ageing(db::Connection& conn, const ModuleContext& ctx, const ViewParams& p) {
  Day as_of = p.as_of.value_or(ctx.today());
  constexpr size_t kNone = std::size(kAgeingBuckets);
  size_t only = kNone;
  if (p.bucket) {
    for (size_t i = 0; i < kNone; ++i) {
      if (*p.bucket == kAgeingBuckets[i]) only = i;
    }
    if (only == kNone) {
      return Error::invalid_field(
          "invalid_bucket", "bucket must be one of current, 1-30, 31-60, 61-90, 91-120, >120.",
          "bucket");
    }
  }
  SD_ASSIGN_OR_RETURN(
      auto q, conn.query("SELECT r.invoice_id, r.number, r.customer_id, coalesce(c.name, ''), "
                         "r.due_date, r.total, r.amount_due FROM analytics_receivables r "
                         "LEFT JOIN customers c ON c.id = r.customer_id "
                         "ORDER BY r.due_date, r.number"));
  auto money = [&](int64_t v) { return Money::from_minor(v, ctx.currency).to_json(); };
  std::array<int64_t, 6> count{};
  std::array<int64_t, 6> due{};
  json::array invoices;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) break;
    auto due_date = parse_date(q.text(4));
    int64_t overdue = due_date ? as_of - *due_date : 0;
    size_t i = ageing_bucket(overdue);
    count[i] += 1;
    due[i] += q.int64(6);
    if (only == i) {
      invoices.push_back(json::object{{"invoice_id", q.text(0)},
                                      {"number", q.text(1)},
                                      {"customer_id", q.text(2)},
                                      {"customer_name", q.text(3)},
                                      {"due_date", q.text(4)},
                                      {"days_overdue", overdue > 0 ? overdue : 0},
                                      {"total", money(q.int64(5))},
                                      {"amount_due", money(q.int64(6))}});
    }
  }
  if (only != kNone) return invoices;
  json::array out;
  for (size_t i = 0; i < count.size(); ++i) {
    out.push_back(json::object{
        {"bucket", kAgeingBuckets[i]}, {"invoices", count[i]}, {"amount_due", money(due[i])}});
  }
  return out;
}

Result<json::array> cash(db::Connection& conn, const ModuleContext& ctx, const ViewParams& p) {
  SD_ASSIGN_OR_RETURN(Range r, range_of(ctx, p, 30));
  SD_ASSIGN_OR_RETURN(auto q,
                      conn.query("SELECT day, method, payments, amount FROM analytics_cash_by_day "
                                 "WHERE day >= ? AND day < ? ORDER BY day, method",
                                 r.from, r.to_next));
  return rows_of(q, [&](db::Query& row) {
    return json::object{{"day", row.text(0)},
                        {"method", row.text(1)},
                        {"payments", row.int64(2)},
                        {"amount", Money::from_minor(row.int64(3), ctx.currency).to_json()}};
  });
}

Result<json::array> farm_milk(db::Connection& conn, const ModuleContext& ctx, const ViewParams& p) {
  SD_ASSIGN_OR_RETURN(Range r, range_of(ctx, p, 30));
  SD_ASSIGN_OR_RETURN(
      auto q, conn.query("SELECT day, records, litres_ml, saleable_ml, withheld_ml, grade_a, "
                         "grade_b, grade_c, grade_r, grade_a_ml, grade_b_ml, grade_c_ml, "
                         "grade_r_ml FROM analytics_farm_milk_by_day WHERE day >= ? AND day < ? "
                         "ORDER BY day",
                         r.from, r.to_next));
  return rows_of(q, [](db::Query& row) {
    json::object grades;
    const char* names[] = {"A", "B", "C", "R"};
    for (int g = 0; g < 4; ++g) {
      grades[names[g]] =
          json::object{{"records", row.int64(5 + g)}, {"quantity_ml", row.int64(9 + g)}};
    }
    return json::object{{"day", row.text(0)},          {"records", row.int64(1)},
                        {"quantity_ml", row.int64(2)}, {"saleable_ml", row.int64(3)},
                        {"withheld_ml", row.int64(4)}, {"grades", std::move(grades)}};
  });
}

Result<json::array> farm_health_cost(db::Connection& conn, const ModuleContext& ctx) {
  SD_ASSIGN_OR_RETURN(auto q, conn.query("SELECT month, records, cost FROM "
                                         "analytics_farm_health_cost_by_month ORDER BY month"));
  return rows_of(q, [&](db::Query& row) {
    return json::object{{"month", row.text(0)},
                        {"records", row.int64(1)},
                        {"cost", Money::from_minor(row.int64(2), ctx.currency).to_json()}};
  });
}

Result<json::array> farm_herd(db::Connection& conn) {
  SD_ASSIGN_OR_RETURN(auto q, conn.query("SELECT status, animals FROM "
                                         "analytics_farm_herd_by_status ORDER BY status"));
  return rows_of(q, [](db::Query& row) {
    return json::object{{"status", row.text(0)}, {"animals", row.int64(1)}};
  });
}

}  // namespace

const std::vector<ViewInfo>& views() {
  static const std::vector<ViewInfo> all = {
      {"sales_by_hour", true, false, false, false},
      {"sales_by_day", true, false, false, false},
      {"revenue_by_product", true, false, false, false},
      {"revenue_by_customer", true, false, false, false},
      {"orders_by_status", false, false, false, false},
      {"stock_levels", false, false, false, true},
      {"ar_ageing", false, true, true, false},
      {"cash_by_day", true, false, false, false},
      {"farm_milk_by_day", true, false, false, false},
      {"farm_health_cost_by_month", false, false, false, false},
      {"farm_herd_by_status", false, false, false, false},
  };
  return all;
}

const ViewInfo* find_view(std::string_view name) {
  if (name == "stock_snapshot") name = "stock_levels";  // the seed's OLAP table
  for (const auto& v : views()) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

Result<json::object> read_view(db::Connection& conn, const ModuleContext& ctx, const ViewInfo& view,
                               const ViewParams& p) {
  Result<json::array> rows = json::array{};
  if (view.name == "sales_by_hour") {
    rows = sales(conn, ctx, p, true);
  } else if (view.name == "sales_by_day") {
    rows = sales(conn, ctx, p, false);
  } else if (view.name == "revenue_by_product") {
    rows = by_product(conn, ctx, p);
  } else if (view.name == "revenue_by_customer") {
    rows = by_customer(conn, ctx, p);
  } else if (view.name == "orders_by_status") {
    rows = by_status(conn, ctx);
  } else if (view.name == "stock_levels") {
    rows = stock(conn, p);
  } else if (view.name == "ar_ageing") {
    rows = ageing(conn, ctx, p);
  } else if (view.name == "cash_by_day") {
    rows = cash(conn, ctx, p);
  } else if (view.name == "farm_milk_by_day") {
    rows = farm_milk(conn, ctx, p);
  } else if (view.name == "farm_health_cost_by_month") {
    rows = farm_health_cost(conn, ctx);
  } else if (view.name == "farm_herd_by_status") {
    rows = farm_herd(conn);
  }
  if (!rows.ok()) return rows.error();
  return json::object{{"view", view.name}, {"rows", std::move(*rows)}};
}

}  // namespace smartdairy::modules::analytics
