// Service-level stories for an order: placing, invoicing, paying, shipping, cancelling —
// checked against stock, invoices and the ledger after each step.
#include <gtest/gtest.h>

#include "modules/billing/invoice_service.h"
#include "modules/billing/invoice_store.h"
#include "modules/catalog/product_service.h"
#include "modules/common/limits.h"
#include "modules/inventory/stock_service.h"
#include "modules/ledger/ledger_service.h"
#include "modules/parties/customer_service.h"
#include "modules/sales/order_service.h"
#include "tests/testing/module_fixture.h"

namespace smartdairy::modules::sales {
namespace {

class OrderFlowTest : public testing::ModuleTest {
 protected:
  std::string customer(std::optional<int64_t> credit_limit = std::nullopt) {
    parties::Customer c;
    c.name = "Acme Corp";
    c.email = "acme" + std::to_string(++n_) + "@example.com";
    c.payment_terms_days = 30;
    c.credit_limit = credit_limit;
    auto out = tx([&](db::Connection& t) { return parties::create_customer(t, ctx(), c, "t"); });
    EXPECT_TRUE(out.ok()) << out.error().message;
    return out.ok() ? out->id : "";
  }

  void product(const std::string& sku, int64_t price, int64_t vat_rate, int64_t stock,
               int64_t unit_cost = 0) {
    catalog::Product p;
    p.sku = sku;
    p.name = sku + " name";
    p.price = price;
    p.vat_rate = vat_rate;
    p.unit_cost = unit_cost;
    auto made = tx([&](db::Connection& t) { return catalog::create_product(t, ctx(), p, "t"); });
    ASSERT_TRUE(made.ok()) << made.error().message;
    auto opened =
        tx([&](db::Connection& t) { return inventory::open_item(t, ctx(), sku, stock, 0, "t"); });
    ASSERT_TRUE(opened.ok()) << opened.error().message;
  }

  Result<Order> place(const std::string& customer_id, std::vector<ItemRequest> items,
                      bool may_override = false) {
    PlaceOrder cmd{customer_id, std::move(items), std::nullopt};
    return tx([&](db::Connection& t) { return place_order(t, ctx(), cmd, may_override, "t"); });
  }

  Result<Order> move(const std::string& id, const std::string& to) {
    return tx([&](db::Connection& t) { return change_status(t, ctx(), id, to, "t"); });
  }

  // Runs the invoicer over every order.created so far, as the consumer would.
  void run_invoicer() {
    for (const auto& ev : events_of("order.created")) {
      auto st = tx([&](db::Connection& t) -> Result<bool> {
        SD_RETURN_IF_ERROR(billing::issue_for_order_event(t, ctx(), ev));
        return true;
      });
      ASSERT_TRUE(st.ok()) << st.error().message;
    }
  }

  billing::Invoice invoice_of(const std::string& order_id) {
    auto inv = billing::store::find_by_order(conn(), order_id);
    EXPECT_TRUE(inv.ok() && inv->has_value());
    return inv.ok() && inv->has_value() ? **inv : billing::Invoice{};
  }

  inventory::StockLevel stock(const std::string& sku) {
    auto l = inventory::get_level(conn(), sku);
    EXPECT_TRUE(l.ok());
    return l.ok() ? *l : inventory::StockLevel{};
  }

  void expect_ledger_balances() {
    auto tb = ledger::trial_balance(conn(), "");
    ASSERT_TRUE(tb.ok());
    EXPECT_EQ(tb->total_debit, tb->total_credit);
  }

  int64_t balance(const std::string& code) {
    auto tb = ledger::trial_balance(conn(), "");
    for (const auto& a : tb->accounts) {
      if (a.code == code) return a.debit - a.credit;
    }
    return 0;
  }

  int n_ = 0;
};

TEST(OrderTransitions, TableAllowsExactlyTheLifecycle) {
  const OrderStatus all[] = {OrderStatus::kPlaced, OrderStatus::kShipped, OrderStatus::kCompleted,
                             OrderStatus::kCancelled};
  int allowed = 0;
  for (auto from : all) {
    for (auto to : all) {
      bool expected = (from == OrderStatus::kPlaced && to == OrderStatus::kShipped) ||
                      (from == OrderStatus::kShipped && to == OrderStatus::kCompleted) ||
                      (from == OrderStatus::kPlaced && to == OrderStatus::kCancelled);
      EXPECT_EQ(can_transition(from, to), expected)
          << status_name(from) << " -> " << status_name(to);
      allowed += can_transition(from, to);
    }
  }
  EXPECT_EQ(allowed, 3);
  for (auto s : all) EXPECT_EQ(parse_status(status_name(s)), s);
  EXPECT_FALSE(parse_status("draft"));
}

TEST_F(OrderFlowTest, VatIsExactPerLineAndRoundsHalfUp) {
  std::string c = customer();
  product("A", 10, 1500, 100);    // 0.10 at 15 %
  product("B", 9999, 1500, 100);  // 99.99 at 15 %
  product("MILK", 7000, 0, 100);  // fresh milk, exempt
  auto o = place(c, {{"A", 3, std::nullopt}, {"B", 2, std::nullopt}, {"MILK", 5, std::nullopt}});
  ASSERT_TRUE(o.ok()) << o.error().message;
  ASSERT_EQ(o->lines.size(), 3u);
  EXPECT_EQ(o->lines[0].net, 30);
  EXPECT_EQ(o->lines[0].vat, 5);  // 4.5 minor units rounds to 5
  EXPECT_EQ(o->lines[1].net, 19998);
  EXPECT_EQ(o->lines[1].vat, 3000);  // 2999.7 → 3000
  EXPECT_EQ(o->lines[2].vat, 0);
  EXPECT_EQ(o->subtotal, 30 + 19998 + 35000);
  EXPECT_EQ(o->vat_total, 5 + 3000);
  EXPECT_EQ(o->total, o->subtotal + o->vat_total);
  EXPECT_EQ(o->number, "SO-000001");
}

TEST_F(OrderFlowTest, ReservesEveryLineOrNone) {
  std::string c = customer();
  product("A", 100, 1500, 5);
  product("B", 100, 1500, 1);
  auto o = place(c, {{"A", 2, std::nullopt}, {"B", 3, std::nullopt}});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, "insufficient_stock");
  ASSERT_EQ(o.error().details.size(), 1u);
  EXPECT_NE(o.error().details[0].find("B: 3 ordered, 1 available"), std::string::npos)
      << o.error().details[0];
  EXPECT_EQ(stock("A").reserved, 0);
  EXPECT_EQ(stock("B").reserved, 0);
  // The refused order used no number: the next one is still SO-000001.
  auto ok = place(c, {{"A", 5, std::nullopt}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->number, "SO-000001");
  EXPECT_EQ(stock("A").reserved, 5);
  EXPECT_EQ(stock("A").available(), 0);
}

TEST_F(OrderFlowTest, OneStockReservedEventListsEveryLine) {
  std::string c = customer();
  product("A", 100, 1500, 5);
  product("B", 100, 1500, 7);
  auto o = place(c, {{"A", 2, std::nullopt}, {"B", 3, std::nullopt}});
  ASSERT_TRUE(o.ok());
  auto reserved = events_of("stock.reserved");
  ASSERT_EQ(reserved.size(), 1u);
  EXPECT_EQ(reserved[0].aggregate_id, o->id);
  EXPECT_NE(reserved[0].data.find(R"("sku":"A","on_hand":5,"reserved":2,"available":3)"),
            std::string::npos)
      << reserved[0].data;
  EXPECT_NE(reserved[0].data.find(R"("sku":"B","on_hand":7,"reserved":3,"available":4)"),
            std::string::npos)
      << reserved[0].data;
}

// The order's lines are its reservation: placing writes no reservation row, and shipping or
// cancelling moves the levels by the lines, once.
TEST_F(OrderFlowTest, AnOrdersLinesAreItsReservation) {
  std::string c = customer();
  product("A", 100, 1500, 10);
  product("B", 100, 1500, 10);
  auto shipped = place(c, {{"A", 2, std::nullopt}, {"B", 3, std::nullopt}});
  auto cancelled = place(c, {{"A", 4, std::nullopt}});
  ASSERT_TRUE(shipped.ok() && cancelled.ok());
  EXPECT_EQ(scalar("SELECT count(*) FROM reservations"), 0);
  EXPECT_EQ(stock("A").reserved, 6);
  ASSERT_TRUE(move(shipped->id, "shipped").ok());
  EXPECT_EQ(stock("A").reserved, 4);
  EXPECT_EQ(stock("A").on_hand, 8);
  EXPECT_EQ(stock("B").reserved, 0);
  EXPECT_EQ(stock("B").on_hand, 7);
  ASSERT_TRUE(move(cancelled->id, "cancelled").ok());
  EXPECT_EQ(stock("A").reserved, 0);
  EXPECT_EQ(stock("A").on_hand, 8);
  auto released = events_of("stock.released");
  ASSERT_EQ(released.size(), 1u);
  EXPECT_NE(released[0].data.find(R"("sku":"A","on_hand":8,"reserved":0,"available":8,)"),
            std::string::npos)
      << released[0].data;
  EXPECT_FALSE(move(cancelled->id, "shipped").ok());
  EXPECT_EQ(stock("A").on_hand, 8);
}

// Orders placed before the lines became the reservation have a reservation row per line:
// shipping or cancelling them closes those rows, so none stays active.
TEST_F(OrderFlowTest, ReservationRowsOfOrdersPlacedBeforeTheUpgradeAreClosed) {
  std::string c = customer();
  product("A", 100, 1500, 10);
  auto shipped = place(c, {{"A", 2, std::nullopt}});
  auto cancelled = place(c, {{"A", 3, std::nullopt}});
  ASSERT_TRUE(shipped.ok() && cancelled.ok());
  for (const auto* o : {&*shipped, &*cancelled}) {
    ASSERT_TRUE(conn()
                    .execute("INSERT INTO reservations (id, sku, qty, order_id, status, actor, "
                             "created_at) VALUES (?, 'A', ?, ?, 'active', 't', 0)",
                             o->id + "-r", o->lines[0].qty, o->id)
                    .ok());
  }
  ASSERT_TRUE(move(shipped->id, "shipped").ok());
  ASSERT_TRUE(move(cancelled->id, "cancelled").ok());
  EXPECT_EQ(scalar("SELECT count(*) FROM reservations WHERE status = 'active'"), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM reservations WHERE status = 'shipped' AND order_id = '" +
                   shipped->id + "'"),
            1);
  EXPECT_EQ(scalar("SELECT count(*) FROM reservations WHERE status = 'released' AND order_id = '" +
                   cancelled->id + "'"),
            1);
  EXPECT_EQ(stock("A").reserved, 0);
  EXPECT_EQ(stock("A").on_hand, 8);
}

TEST_F(OrderFlowTest, PriceOverrideNeedsThePermission) {
  std::string c = customer();
  product("A", 1000, 1500, 10);
  auto same = place(c, {{"A", 1, 1000}});
  EXPECT_TRUE(same.ok());
  auto other = place(c, {{"A", 1, 900}});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorKind::kForbidden);
  auto manager = place(c, {{"A", 1, 900}}, true);
  ASSERT_TRUE(manager.ok());
  EXPECT_EQ(manager->lines[0].unit_price, 900);
}

TEST_F(OrderFlowTest, QuantitiesAndReferencesAreChecked) {
  std::string c = customer();
  product("A", 1000, 1500, 10);
  EXPECT_EQ(place(c, {{"A", 0, std::nullopt}}).error().code, "invalid_quantity");
  EXPECT_EQ(place(c, {{"A", -1, std::nullopt}}).error().code, "invalid_quantity");
  EXPECT_EQ(place(c, {{"A", 1, std::nullopt}, {"A", 1, std::nullopt}}).error().code,
            "duplicate_sku");
  EXPECT_EQ(place(c, {{"NOPE", 1, std::nullopt}}).error().kind, ErrorKind::kUnprocessable);
  EXPECT_EQ(place("11111111-1111-1111-1111-111111111111", {{"A", 1, std::nullopt}}).error().kind,
            ErrorKind::kUnprocessable);
  EXPECT_EQ(place(c, {}).error().code, "invalid_items");
}

TEST_F(OrderFlowTest, AmountsOverTheBusinessLimitsAreRefused) {
  std::string c = customer();
  catalog::Product huge;
  huge.sku = "HUGE";
  huge.name = "Huge";
  huge.price = kMaxUnitAmount + 1;
  auto refused =
      tx([&](db::Connection& t) { return catalog::create_product(t, ctx(), huge, "t"); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "amount_out_of_range");
  product("BIG", kMaxUnitAmount, 0, kMaxLineQty);
  const int64_t most = kMaxDocumentTotal / kMaxUnitAmount;
  auto o = place(c, {{"BIG", most + 1, std::nullopt}});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, "amount_out_of_range");
  auto largest = place(c, {{"BIG", most, std::nullopt}});
  ASSERT_TRUE(largest.ok()) << largest.error().message;
  EXPECT_EQ(largest->total, kMaxDocumentTotal);
  auto manager = place(c, {{"BIG", 1, kMaxUnitAmount + 1}}, true);
  ASSERT_FALSE(manager.ok());
  EXPECT_EQ(manager.error().code, "amount_out_of_range");
}

TEST_F(OrderFlowTest, CreditLimitCountsOpenOrdersAndPayments) {
  std::string c = customer(30000);                       // 300.00
  product("A", 10000, 1500, 100);                        // 115.00 with VAT
  ASSERT_TRUE(place(c, {{"A", 2, std::nullopt}}).ok());  // 230.00 open
  auto refused = place(c, {{"A", 1, std::nullopt}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "credit_limit_exceeded");
  // A payment lowers the open balance and makes room again.
  run_invoicer();
  auto first = events_of("order.created").front().aggregate_id;
  auto paid = tx([&](db::Connection& t) {
    return billing::record_payment(t, ctx(), invoice_of(first).id, {11500, "cash", {}, {}}, "t");
  });
  ASSERT_TRUE(paid.ok()) << paid.error().message;
  EXPECT_TRUE(place(c, {{"A", 1, std::nullopt}}).ok());
}

TEST_F(OrderFlowTest, OrderToCashKeepsTheLedgerBalanced) {
  std::string c = customer();
  product("A", 9999, 1500, 10, 6000);
  auto o = place(c, {{"A", 2, std::nullopt}});
  ASSERT_TRUE(o.ok());
  expect_ledger_balances();
  run_invoicer();
  billing::Invoice inv = invoice_of(o->id);
  EXPECT_EQ(inv.number, "INV-000001");
  EXPECT_EQ(inv.total, o->total);
  EXPECT_EQ(inv.status, "issued");
  EXPECT_EQ(parse_date(inv.due_date).value() - parse_date(inv.issue_date).value(), 30);
  EXPECT_EQ(balance("1100"), o->total);
  expect_ledger_balances();

  auto part = tx([&](db::Connection& t) {
    return billing::record_payment(t, ctx(), inv.id, {10000, "bkash", {"TX1"}, {}}, "t");
  });
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(part->first.status, "partially_paid");
  auto over = tx([&](db::Connection& t) {
    return billing::record_payment(t, ctx(), inv.id, {o->total, "cash", {}, {}}, "t");
  });
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, "overpayment");
  auto rest = tx([&](db::Connection& t) {
    return billing::record_payment(t, ctx(), inv.id, {o->total - 10000, "bank", {}, {}}, "t");
  });
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->first.status, "paid");
  EXPECT_EQ(balance("1100"), 0);
  EXPECT_EQ(balance("1020"), 10000);
  expect_ledger_balances();

  ASSERT_TRUE(move(o->id, "shipped").ok());
  EXPECT_EQ(stock("A").on_hand, 8);
  EXPECT_EQ(stock("A").reserved, 0);
  EXPECT_EQ(balance("5000"), 2 * 6000);
  expect_ledger_balances();
  ASSERT_TRUE(move(o->id, "completed").ok());
  auto again = move(o->id, "cancelled");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "invalid_transition");
  EXPECT_NE(again.error().message.find("final"), std::string::npos);
  EXPECT_EQ(balance("4000"), -o->subtotal);
  EXPECT_EQ(balance("2200"), -o->vat_total);
}

TEST_F(OrderFlowTest, CancelVoidsTheUnpaidInvoiceAndReleasesStock) {
  std::string c = customer();
  product("A", 5000, 1500, 10);
  auto o = place(c, {{"A", 4, std::nullopt}});
  ASSERT_TRUE(o.ok());
  run_invoicer();
  auto cancelled = move(o->id, "cancelled");
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().message;
  billing::Invoice inv = invoice_of(o->id);
  EXPECT_EQ(inv.status, "void");
  EXPECT_EQ(inv.credit_note_number, "CN-000001");
  EXPECT_EQ(stock("A").reserved, 0);
  EXPECT_EQ(stock("A").on_hand, 10);
  EXPECT_EQ(balance("1100"), 0);
  EXPECT_EQ(balance("4000"), 0);
  expect_ledger_balances();
  EXPECT_EQ(events_of("invoice.voided").size(), 1u);
  EXPECT_EQ(events_of("stock.released").size(), 1u);
}

TEST_F(OrderFlowTest, APartPaidOrderCannotBeCancelled) {
  std::string c = customer();
  product("A", 5000, 1500, 10);
  auto o = place(c, {{"A", 1, std::nullopt}});
  run_invoicer();
  ASSERT_TRUE(
      tx([&](db::Connection& t) {
        return billing::record_payment(t, ctx(), invoice_of(o->id).id, {100, "cash", {}, {}}, "t");
      }).ok());
  auto refused = move(o->id, "cancelled");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "order_paid");
  EXPECT_EQ(stock("A").reserved, 1);
}

TEST_F(OrderFlowTest, AnOrderCancelledBeforeInvoicingGetsNoInvoice) {
  std::string c = customer();
  product("A", 5000, 1500, 10);
  auto o = place(c, {{"A", 1, std::nullopt}});
  ASSERT_TRUE(move(o->id, "cancelled").ok());
  run_invoicer();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM invoices"), 0);
  expect_ledger_balances();
}

TEST_F(OrderFlowTest, TheInvoicerIssuesOneInvoicePerOrderEvenWhenReplayed) {
  std::string c = customer();
  product("A", 5000, 1500, 10);
  ASSERT_TRUE(place(c, {{"A", 1, std::nullopt}}).ok());
  ASSERT_TRUE(place(c, {{"A", 1, std::nullopt}}).ok());
  run_invoicer();
  run_invoicer();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM invoices"), 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM invoices WHERE number IN ('INV-000001', 'INV-000002')"),
            2);
  EXPECT_EQ(events_of("invoice.issued").size(), 2u);
}

TEST_F(OrderFlowTest, StockNeverGoesBelowWhatIsReserved) {
  std::string c = customer();
  product("A", 5000, 1500, 10);
  ASSERT_TRUE(place(c, {{"A", 6, std::nullopt}}).ok());
  auto removed = tx([&](db::Connection& t) {
    return inventory::adjust(t, ctx(), {"A", -5, "damage", std::nullopt, std::nullopt}, "t");
  });
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().code, "stock_below_reserved");
  auto ok = tx([&](db::Connection& t) {
    return inventory::adjust(t, ctx(), {"A", -4, "damage", std::nullopt, std::nullopt}, "t");
  });
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->on_hand, 6);
  EXPECT_EQ(ok->reserved, 6);
  expect_ledger_balances();
}

TEST_F(OrderFlowTest, PriceChangesNeverTouchExistingOrders) {
  std::string c = customer();
  product("A", 5000, 1500, 10);
  auto o = place(c, {{"A", 1, std::nullopt}});
  ASSERT_TRUE(tx([&](db::Connection& t) {
                catalog::ProductPatch p;
                p.price = 9000;
                return catalog::update_product(t, ctx(), "A", p, "t");
              }).ok());
  auto again = get_order(conn(), o->id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->lines[0].unit_price, 5000);
  run_invoicer();
  EXPECT_EQ(invoice_of(o->id).lines[0].unit_price, 5000);
}

}  // namespace
}  // namespace smartdairy::modules::sales
