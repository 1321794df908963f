#include "app/demo_data.h"

#include "core/clock.h"
#include "events/outbox.h"
#include "modules/billing/invoice_service.h"
#include "modules/billing/invoice_store.h"
#include "modules/catalog/product_service.h"
#include "modules/inventory/stock_service.h"
#include "modules/parties/customer_service.h"
#include "modules/parties/customer_store.h"
#include "modules/sales/order_service.h"

namespace smartdairy::app {

namespace {

constexpr const char* kActor = "demo";

struct DemoCustomer {
  const char* id;
  const char* name;
  const char* email;
  const char* phone;
  const char* kind;
  int64_t terms;
};

// The seed's customers (seeds/000: scripts/seed_demo.sh), plus two local dairy buyers.
constexpr DemoCustomer kCustomers[] = {
    {"11111111-1111-1111-1111-111111111111", "Acme Corp", "acme@example.com", "+44 20 1234 5678",
     "b2b", 30},
    {"22222222-2222-2222-2222-222222222222", "Beta Ltd", "beta@example.com", "+44 20 2345 6789",
     "b2b", 30},
    {"33333333-3333-3333-3333-333333333333", "Gamma LLC", "gamma@example.com", "+44 20 3456 7890",
     "b2b", 30},
    {"", "Dhaka Sweets & Dairy", "orders@dhakasweets.example", "+880 2 5555 0101", "b2b", 15},
    {"", "Rahima Khatun", "rahima@example.com", "+880 1711 000 222", "b2c", 0},
};

struct DemoProduct {
  const char* sku;
  const char* name;
  const char* description;
  const char* unit;
  int64_t price;      // minor units
  int64_t vat_rate;   // hundredths of a percent
  int64_t unit_cost;  // minor units
  int64_t on_hand;
  int64_t reorder_point;
};

constexpr DemoProduct kProducts[] = {
    // The seed's products, prices and stock (seeds/000).
    {"CAM-1001", "Camera Model A", "High-resolution camera", "piece", 39900, 1500, 28000, 10, 2},
    {"CAM-2002", "Camera Model B", "Professional camera", "piece", 59900, 1500, 42000, 5, 1},
    {"TRI-300", "Tripod", "Adjustable tripod", "piece", 4999, 1500, 3000, 50, 5},
    {"BAT-150", "Battery Pack", "Rechargeable battery", "piece", 2999, 1500, 1800, 100, 10},
    {"CABLE-01", "USB Cable", "USB-C cable 2m", "piece", 999, 1500, 400, 200, 20},
    // The seed's test and demo SKUs from its curl examples.
    {"TEST-001", "Test product", "Used by the seed's curl examples", "piece", 9999, 1500, 6000,
     1000, 10},
    {"DEMO-001", "Demo product", "Used by the seed's demo script", "piece", 19999, 1500, 12000,
     1000, 10},
    // The dairy catalog, BDT. Fresh unpackaged milk is VAT-exempt (DOMAIN.md).
    {"MILK-RAW", "Fresh milk (raw, bulk)", "Unpackaged fresh milk per litre", "litre", 7000, 0,
     5200, 400, 100},
    {"MILK-PAST-1L", "Pasteurised milk 1 L", "Pasteurised, packaged 1 litre", "piece", 9500, 1500,
     7000, 300, 60},
    {"YOG-500", "Yogurt (mishti doi) 500 g", "Sweet yogurt, clay pot", "piece", 12000, 1500, 8000,
     120, 30},
    {"GHEE-1KG", "Ghee 1 kg", "Clarified butter, tin", "piece", 140000, 1500, 105000, 25, 10},
    {"BUT-200", "Butter 200 g", "Salted butter", "piece", 25000, 1500, 18000, 60, 20},
    {"PAN-1KG", "Paneer 1 kg", "Fresh cottage cheese", "kg", 80000, 1500, 60000, 8, 10},
    {"CHS-200", "Cheese 200 g", "Hard cheese", "piece", 35000, 1500, 25000, 40, 10},
};

// A month of trading for the dashboard: orders on most days between 07:00 and 18:00, farm
// time, each day's production received into stock, older orders shipped and completed,
// invoices issued when the order was placed, most paid (some in part, some late), one order
// cancelled. Deterministic, so every demo database looks the same for the same day.
constexpr const char* kHistorySkus[] = {"MILK-RAW", "MILK-PAST-1L", "YOG-500",
                                        "BUT-200",  "CHS-200",      "GHEE-1KG"};
constexpr int kHistoryDays = 30;

template <class T>
Status status_of(const Result<T>& r) {
  return r.ok() ? Status() : Status(r.error());
}

// The order.created event appended after `seq`.
Result<events::Event> order_created_after(db::Connection& tx, int64_t seq) {
  SD_ASSIGN_OR_RETURN(auto evs, events::read_after(tx, seq, 16));
  for (auto& ev : evs) {
    if (ev.type == "order.created") return std::move(ev);
  }
  return Error::internal("the demo order left no order.created event");
}

Result<int> load_demo_history(db::Connection& tx, const modules::ModuleContext& ctx,
                              const std::vector<std::string>& customer_ids) {
  const int64_t now = ctx.clock.now_micros();
  const Day today = ctx.today();
  constexpr int64_t kHour = 3'600'000'000;
  uint32_t seed = 20261122;
  auto next = [&seed](uint32_t n) {
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) % n;
  };
  const char* methods[] = {"cash", "bank", "bkash", "card"};
  int placed = 0;
  for (int d = kHistoryDays - 1; d >= 0; --d) {
    int orders = 1 + static_cast<int>(next(3));
    for (int i = 0; i < orders; ++i) {
      int64_t at = local_midnight_micros(today - d, ctx.utc_offset_minutes) +
                   (7 + static_cast<int64_t>(next(12))) * kHour +
                   static_cast<int64_t>(next(60)) * 60'000'000;
      if (at > now) continue;
      FakeClock clock(at);
      modules::ModuleContext then{ctx.db, clock, ctx.currency, ctx.utc_offset_minutes};
      modules::sales::PlaceOrder cmd{
          customer_ids[next(static_cast<uint32_t>(customer_ids.size()))], {}, std::nullopt};
      size_t first = next(std::size(kHistorySkus));
      size_t lines = 1 + next(3);
      for (size_t l = 0; l < lines; ++l) {
        const char* sku = kHistorySkus[(first + l) % std::size(kHistorySkus)];
        int64_t most = std::string_view(sku) == "GHEE-1KG" ? 2 : 10;
        cmd.items.push_back(
            {sku, 1 + static_cast<int64_t>(next(static_cast<uint32_t>(most))), std::nullopt});
      }
      SD_ASSIGN_OR_RETURN(int64_t before, events::last_seq(tx));
      SD_ASSIGN_OR_RETURN(auto order, modules::sales::place_order(tx, then, cmd, false, kActor));
      ++placed;
      // The day's production replaces what the order takes.
      for (const auto& item : cmd.items) {
        SD_RETURN_IF_ERROR(status_of(modules::inventory::adjust(
            tx, then, {item.sku, item.qty, "production", {}, {}}, kActor)));
      }
      // The invoice, as the invoicer issues it when the order is placed.
      SD_ASSIGN_OR_RETURN(auto created, order_created_after(tx, before));
      SD_RETURN_IF_ERROR(modules::billing::issue_for_order_event(tx, then, created));
      SD_ASSIGN_OR_RETURN(auto invoice, modules::billing::store::find_by_order(tx, order.id));
      if (d == 20 && i == 0) {
        SD_RETURN_IF_ERROR(
            status_of(modules::sales::change_status(tx, then, order.id, "cancelled", kActor)));
        continue;
      }
      if (d >= 2) {
        SD_RETURN_IF_ERROR(
            status_of(modules::sales::change_status(tx, then, order.id, "shipped", kActor)));
        SD_RETURN_IF_ERROR(
            status_of(modules::sales::change_status(tx, then, order.id, "completed", kActor)));
      }
      // Most customers pay within a few days; some pay part; some have not paid yet.
      uint32_t pays = next(10);
      int64_t paid_at = std::min(now, at + static_cast<int64_t>(1 + next(5)) * 24 * kHour);
      if (!invoice || pays >= 8 || paid_at >= now) continue;
      int64_t amount = pays < 6 ? invoice->total : invoice->total / 2;
      if (amount <= 0) continue;
      FakeClock pay_clock(paid_at);
      modules::ModuleContext later{ctx.db, pay_clock, ctx.currency, ctx.utc_offset_minutes};
      SD_RETURN_IF_ERROR(status_of(modules::billing::record_payment(
          tx, later, invoice->id, {amount, methods[next(std::size(methods))], {}, paid_at},
          kActor)));
    }
  }
  return placed;
}

}  // namespace

Result<bool> load_demo_data(db::Connection& tx, const modules::ModuleContext& ctx) {
  SD_ASSIGN_OR_RETURN(auto existing, modules::parties::store::find(tx, kCustomers[0].id));
  if (existing) return false;
  std::vector<std::string> customer_ids;
  for (const auto& c : kCustomers) {
    modules::parties::Customer draft;
    draft.id = c.id;
    draft.name = c.name;
    draft.email = c.email;
    draft.phone = std::string(c.phone);
    draft.kind = c.kind;
    draft.payment_terms_days = c.terms;
    SD_ASSIGN_OR_RETURN(auto made, modules::parties::create_customer(tx, ctx, draft, kActor));
    customer_ids.push_back(made.id);
  }
  for (const auto& p : kProducts) {
    modules::catalog::Product draft;
    draft.sku = p.sku;
    draft.name = p.name;
    draft.description = p.description;
    draft.unit = p.unit;
    draft.price = p.price;
    draft.vat_rate = p.vat_rate;
    draft.unit_cost = p.unit_cost;
    SD_RETURN_IF_ERROR(modules::catalog::create_product(tx, ctx, draft, kActor));
    SD_RETURN_IF_ERROR(
        modules::inventory::open_item(tx, ctx, p.sku, p.on_hand, p.reorder_point, kActor));
  }
  SD_RETURN_IF_ERROR(status_of(load_demo_history(tx, ctx, customer_ids)));
  return true;
}

}  // namespace smartdairy::app
