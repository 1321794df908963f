"""Order to cash over HTTP against the real binary: the whole story of one order, 50 orders
racing for 10 units, cancelling, Idempotency-Key, and who may do what.

Money, the seed's unversioned paths: order_to_cash_money_test.py. kill -9: order_to_cash_crash_test.py.
"""

import datetime
import threading
import time
import unittest
from collections import Counter

import harness
from harness import ServerTestCase
from o2c_support import (AR, BANK, CASH, COGS, INVENTORY, REVENUE, VAT_PAYABLE, D, all_events,
                         create_customer, expect, get_invoice, get_order, invoices_of_order,
                         list_all, pay, patch_order, place_order, post_order, product_with_stock,
                         stock, trial_balance, user_token, wait_invoice, wait_invoicer_idle)


def retry_while_in_flight(send):
    """Sends until the answer is not 409 request_in_flight (the server says: retry soon)."""
    out = []

    def attempt():
        r = send()
        out.append(r)
        return r.error_code() != "request_in_flight"

    harness.wait_until(attempt, 30 * harness.SCALE, 0.05, "the key to leave 'in flight'")
    return out[-1]


SALES_PASSWORD = "it-Sl5-Secret-0101-qa"
VIEWER_PASSWORD = "it-Vw5-Secret-0102-qb"
ACCOUNTANT_PASSWORD = "it-Ac5-Secret-0103-qc"


class OrderToCashScenarioTest(ServerTestCase):
    """One order from placing to completion on a fresh server, so the ledger and the event log
    hold nothing but this story."""

    def setUp(self):
        self.server = self.new_server()
        self.admin = harness.admin_token(self.server)
        self.c = self.server.client()
        self.addCleanup(self.c.close)

    def assertBooksBalance(self, step):
        tb = trial_balance(self.c, self.admin)
        self.assertEqual(tb.total_debit, tb.total_credit, f"after {step}: {tb.body}")
        self.assertTrue(tb.balanced, f"after {step}")
        return tb

    def test_place_invoice_pay_ship_complete(self):
        c, admin = self.c, self.admin
        customer = create_customer(c, admin, terms=14)
        product = product_with_stock(c, admin, 10, price="99.99", unit_cost="40.00")
        sku = product["sku"]
        self.assertBooksBalance("opening stock")

        # Place: 2 x 99.99 at 15 % VAT, stock reserved in the same transaction.
        order = place_order(c, admin, customer["id"], (sku, 2))
        self.assertRegex(order["number"], r"^SO-\d{6}$")
        self.assertEqual(order["status"], "placed")
        self.assertEqual((order["subtotal"], order["vat_total"], order["total_amount"]),
                         ("199.98", "30.00", "229.98"))
        level = stock(c, admin, sku)
        self.assertEqual((level["on_hand"], level["reserved"], level["available"]), (10, 2, 8))
        self.assertBooksBalance("placing the order")

        # The invoicer issues the invoice asynchronously.
        inv = wait_invoice(c, admin, order["id"])
        self.assertRegex(inv["number"], r"^INV-\d{6}$")
        self.assertEqual(inv["status"], "issued")
        self.assertEqual(inv["order_id"], order["id"])
        self.assertEqual(inv["order_number"], order["number"])
        self.assertEqual(inv["total"], order["total_amount"])
        self.assertEqual(inv["subtotal"], order["subtotal"])
        self.assertEqual(inv["vat_total"], order["vat_total"])
        self.assertEqual(inv["amount_due"], "229.98")
        self.assertEqual(len(inv["lines"]), 1)
        self.assertEqual(inv["lines"][0]["sku"], sku)
        self.assertEqual(inv["lines"][0]["qty"], 2)
        issued = datetime.date.fromisoformat(inv["issue_date"])
        self.assertEqual(datetime.date.fromisoformat(inv["due_date"]),
                         issued + datetime.timedelta(days=14))
        self.assertBooksBalance("issuing the invoice")

        # Part payment.
        r = pay(c, admin, inv["id"], "100.00", "cash", "receipt-1")
        expect(r, 201, "part payment")
        inv = get_invoice(c, admin, inv["id"])
        self.assertEqual(inv["status"], "partially_paid")
        self.assertEqual(inv["amount_paid"], "100.00")
        self.assertEqual(inv["amount_due"], "129.98")
        self.assertBooksBalance("the part payment")

        # The rest.
        expect(pay(c, admin, inv["id"], "129.98", "bank"), 201, "final payment")
        inv = get_invoice(c, admin, inv["id"])
        self.assertEqual(inv["status"], "paid")
        self.assertEqual(inv["amount_due"], "0.00")
        self.assertEqual([p["amount"] for p in inv["payments"]], ["100.00", "129.98"])
        self.assertBooksBalance("the final payment")

        # Ship: the reserved units leave the warehouse.
        r = patch_order(c, admin, order["id"], "shipped")
        self.assertEqual(expect(r, 200, "ship")["status"], "shipped")
        level = stock(c, admin, sku)
        self.assertEqual((level["on_hand"], level["reserved"], level["available"]), (8, 0, 8))
        self.assertBooksBalance("shipping")

        r = patch_order(c, admin, order["id"], "completed")
        self.assertEqual(expect(r, 200, "complete")["status"], "completed")
        self.assertEqual(get_order(c, admin, order["id"])["status"], "completed")
        tb = self.assertBooksBalance("completing")

        # The books: AR settled, revenue and VAT as invoiced, COGS at unit cost.
        self.assertEqual(tb.balance(AR), D("0.00"))
        self.assertEqual(tb.credit(REVENUE), D(order["subtotal"]))
        self.assertEqual(tb.credit(VAT_PAYABLE), D(order["vat_total"]))
        self.assertEqual(tb.debit(COGS), 2 * D("40.00"))
        self.assertEqual(tb.debit(CASH), D("100.00"))
        self.assertEqual(tb.debit(BANK), D("129.98"))
        self.assertEqual(tb.balance(INVENTORY), 8 * D("40.00"))

        # The event log tells the same story, each fact exactly once.
        wait_invoicer_idle(c)
        events = all_events(c, admin)
        oid, iid = order["id"], inv["id"]

        def count(type_, pred):
            return sum(1 for e in events if e["type"] == type_ and pred(e))

        self.assertEqual(count("order.created", lambda e: e["aggregate_id"] == oid), 1)
        self.assertEqual(count("invoice.issued",
                               lambda e: e["data"].get("order_id") == oid
                               and e["aggregate_id"] == iid), 1)
        self.assertEqual(count("payment.received",
                               lambda e: e["data"].get("invoice_id") == iid), 2)
        self.assertEqual(count("order.updated", lambda e: e["aggregate_id"] == oid), 2)
        self.assertEqual(count("stock.reserved", lambda e: e["data"].get("order_id") == oid), 1)
        updates = [e["data"]["status"] for e in events
                   if e["type"] == "order.updated" and e["aggregate_id"] == oid]
        self.assertEqual(updates, ["shipped", "completed"])
        seqs = [e["seq"] for e in events]
        self.assertEqual(seqs, list(range(1, len(seqs) + 1)), "event seqs are gap-free")


class OrderToCashTest(ServerTestCase):
    """Shares one server. Each test makes its own customer and product; tests that compare the
    ledger before and after first wait until the invoicer has nothing in flight."""

    @classmethod
    def setUpClass(cls):
        cls.server = cls.class_server()
        cls.admin = harness.admin_token(cls.server)
        cls.sales = user_token(cls.server, "sales1", "sales", SALES_PASSWORD)
        cls.viewer = user_token(cls.server, "viewer1", "viewer", VIEWER_PASSWORD)
        cls.accountant = user_token(cls.server, "accountant1", "accountant", ACCOUNTANT_PASSWORD)

    def setUp(self):
        self.c = self.server.client()
        self.addCleanup(self.c.close)

    # -- concurrency ---------------------------------------------------------------------------

    def test_fifty_concurrent_orders_for_ten_units(self):
        admin = self.admin
        customer = create_customer(self.c, admin)
        sku = product_with_stock(self.c, admin, 10, price="5.00")["sku"]

        n = 50
        start = threading.Barrier(n)
        results = [None] * n

        def buyer(i):
            with self.server.client() as c:
                start.wait(timeout=harness.HTTP_TIMEOUT)
                try:
                    results[i] = post_order(c, admin, customer["id"], (sku, 1))
                except Exception as e:  # reported below, not swallowed
                    results[i] = e

        threads = [threading.Thread(target=buyer, args=(i,), daemon=True) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=harness.HTTP_TIMEOUT * 3)
        self.assertFalse([t for t in threads if t.is_alive()], "buyer threads hung")

        statuses = Counter(getattr(r, "status", repr(r)) for r in results)
        self.assertEqual(statuses, Counter({201: 10, 409: 40}), statuses)
        for r in results:
            if r.status == 409:
                self.assertJsonError(r, 409, "insufficient_stock")
        level = stock(self.c, admin, sku)
        self.assertEqual((level["on_hand"], level["reserved"], level["available"]), (10, 10, 0))

        placed = [r.body for r in results if r.status == 201]
        self.assertEqual(len({o["number"] for o in placed}), 10)
        for o in placed:
            wait_invoice(self.c, admin, o["id"])
        wait_invoicer_idle(self.c)
        invoices = list_all(self.c, admin, f"/api/v1/invoices?customer_id={customer['id']}")
        self.assertEqual(len(invoices), 10)
        self.assertEqual({i["order_id"] for i in invoices}, {o["id"] for o in placed})

    # -- cancelling ----------------------------------------------------------------------------

    def test_cancel_releases_stock_and_voids_the_invoice(self):
        c, admin = self.c, self.admin
        customer = create_customer(c, admin)
        sku = product_with_stock(c, admin, 10)["sku"]
        wait_invoicer_idle(c)
        before = trial_balance(c, admin)

        order = place_order(c, admin, customer["id"], (sku, 3))
        inv = wait_invoice(c, admin, order["id"])
        self.assertEqual(stock(c, admin, sku)["reserved"], 3)
        self.assertEqual(trial_balance(c, admin).balance(AR) - before.balance(AR),
                         D(inv["total"]))

        r = patch_order(c, admin, order["id"], "cancelled")
        self.assertEqual(expect(r, 200, "cancel")["status"], "cancelled")
        level = stock(c, admin, sku)
        self.assertEqual((level["on_hand"], level["reserved"], level["available"]), (10, 0, 10))
        inv = get_invoice(c, admin, inv["id"])
        self.assertEqual(inv["status"], "void")
        self.assertRegex(inv["credit_note_number"] or "", r"^CN-\d{6}$")
        after = trial_balance(c, admin)
        self.assertEqual(after.total_debit, after.total_credit)
        self.assertTrue(after.balanced)
        self.assertEqual(after.balance(AR), before.balance(AR), "the credit note clears AR")
        self.assertEqual(after.balance(REVENUE), before.balance(REVENUE))
        self.assertEqual(after.balance(VAT_PAYABLE), before.balance(VAT_PAYABLE))
        # A void invoice takes no payment.
        self.assertJsonError(pay(c, admin, inv["id"], "1.00"), 409, "invoice_void")

    def test_cancel_before_the_invoicer_runs_leaves_no_live_invoice(self):
        c, admin = self.c, self.admin
        customer = create_customer(c, admin)
        sku = product_with_stock(c, admin, 5)["sku"]
        wait_invoicer_idle(c)
        before = trial_balance(c, admin)
        order = place_order(c, admin, customer["id"], (sku, 1))
        expect(patch_order(c, admin, order["id"], "cancelled"), 200, "cancel at once")
        wait_invoicer_idle(c)
        # Whichever won the race, no invoice is left to collect and AR is where it was.
        live = [i for i in invoices_of_order(c, admin, order["id"]) if i["status"] != "void"]
        self.assertEqual(live, [])
        self.assertEqual(trial_balance(c, admin).balance(AR), before.balance(AR))
        self.assertEqual(stock(c, admin, sku)["reserved"], 0)

    def test_paid_or_part_paid_order_cannot_be_cancelled(self):
        c, admin = self.c, self.admin
        customer = create_customer(c, admin)
        sku = product_with_stock(c, admin, 10)["sku"]
        for amount in ("1.00", "114.99"):  # 114.99 = 99.99 + 15.00 VAT: paid in full
            order = place_order(c, admin, customer["id"], (sku, 1))
            inv = wait_invoice(c, admin, order["id"])
            expect(pay(c, admin, inv["id"], amount), 201, "payment")
            r = patch_order(c, admin, order["id"], "cancelled")
            self.assertJsonError(r, 409, "order_paid")
            self.assertIn(inv["number"], r.body["error"]["message"])
            self.assertEqual(get_order(c, admin, order["id"])["status"], "placed")
            self.assertIn(get_invoice(c, admin, inv["id"])["status"], ("partially_paid", "paid"))
        self.assertEqual(stock(c, admin, sku)["reserved"], 2, "nothing was released")

    def test_invalid_transitions_name_the_allowed_ones(self):
        c, admin = self.c, self.admin
        customer = create_customer(c, admin)
        sku = product_with_stock(c, admin, 10)["sku"]

        placed = place_order(c, admin, customer["id"], (sku, 1))
        r = patch_order(c, admin, placed["id"], "completed")
        self.assertJsonError(r, 409, "invalid_transition")
        self.assertIn("shipped or cancelled", r.body["error"]["message"])
        self.assertJsonError(patch_order(c, admin, placed["id"], "placed"), 409,
                             "invalid_transition")

        shipped = place_order(c, admin, customer["id"], (sku, 1))
        expect(patch_order(c, admin, shipped["id"], "shipped"), 200, "ship")
        r = patch_order(c, admin, shipped["id"], "cancelled")
        self.assertJsonError(r, 409, "invalid_transition")
        self.assertIn("completed", r.body["error"]["message"])

        cancelled = place_order(c, admin, customer["id"], (sku, 1))
        expect(patch_order(c, admin, cancelled["id"], "cancelled"), 200, "cancel")
        for target in ("placed", "shipped", "completed", "cancelled"):
            r = patch_order(c, admin, cancelled["id"], target)
            self.assertJsonError(r, 409, "invalid_transition")
            self.assertIn("final", r.body["error"]["message"])

        self.assertJsonError(patch_order(c, admin, placed["id"], "teleported"), 422,
                             "invalid_status")
        r = c.request("PATCH", f"/api/v1/orders/{placed['id']}",
                      body={"status": "shipped", "colour": "red"}, auth=admin)
        self.assertJsonError(r, 422, "unknown_field")
        self.assertEqual(get_order(c, admin, placed["id"])["status"], "placed")
        self.assertJsonError(patch_order(c, admin, "0190d6c2-0000-7000-8000-000000000000",
                                         "shipped"), 404)

    # -- Idempotency-Key -----------------------------------------------------------------------

    def test_idempotency_key_replays_the_same_order(self):
        c, admin = self.c, self.admin
        customer = create_customer(c, admin)
        sku = product_with_stock(c, admin, 10)["sku"]
        key = {"Idempotency-Key": "it-o2c-" + customer["id"]}

        first = post_order(c, admin, customer["id"], (sku, 2), headers=key)
        self.assertEqual(first.status, 201, str(first))
        self.assertIsNone(first.header("Idempotent-Replayed"))
        # Retried as the server asks while it still reports the key in flight (see
        # test_retry_right_after_the_response_is_replayed for why it sometimes does).
        again = retry_while_in_flight(
            lambda: post_order(c, admin, customer["id"], (sku, 2), headers=key))
        self.assertEqual(again.status, 201, str(again))
        self.assertEqual(again.header("Idempotent-Replayed"), "true")
        self.assertEqual(again.body["id"], first.body["id"])
        self.assertEqual(again.body["number"], first.body["number"])

        orders = list_all(c, admin, f"/api/v1/orders?customer_id={customer['id']}")
        self.assertEqual([o["id"] for o in orders], [first.body["id"]])
        self.assertEqual(stock(c, admin, sku)["reserved"], 2, "reserved once")

        other = retry_while_in_flight(
            lambda: post_order(c, admin, customer["id"], (sku, 3), headers=key))
        self.assertJsonError(other, 422, "idempotency_key_reused")
        self.assertEqual(len(list_all(c, admin, f"/api/v1/orders?customer_id={customer['id']}")),
                         1)
        self.assertEqual(stock(c, admin, sku)["reserved"], 2)

    def test_retry_right_after_the_response_is_replayed(self):
        # KNOWN SERVER BUG (fails until fixed): a client that has already received the 201 and
        # retries at once with the same Idempotency-Key sometimes gets 409 request_in_flight
        # ("still being processed") instead of the replay. The in-flight claim is released when
        # the write job is destroyed, and the writer thread destroys its batch only after it
        # has completed the HTTP handler (src/db/writer.cpp: batch.clear() after run_batch), so
        # the response can reach the client first. Under ASan the first try loses the race. In
        # a Release build on an idle machine the window is narrow, so other clients keep the
        # writer busy meanwhile (about 4 tries in 100 lose then); up to 600 tries (at most 8 s
        # once the bug is fixed) make the failure near-certain while the bug exists.
        c, admin = self.c, self.admin
        customer = create_customer(c, admin)
        sku = product_with_stock(c, admin, 1_000_000, price="1.00")["sku"]
        stop = threading.Event()

        def busy_writer():
            with self.server.client() as bc:
                while not stop.is_set():
                    post_order(bc, admin, customer["id"], (sku, 1))

        noise = [threading.Thread(target=busy_writer, daemon=True) for _ in range(6)]
        for t in noise:
            t.start()

        def stop_noise():
            stop.set()
            for t in noise:
                t.join(timeout=harness.HTTP_TIMEOUT + 10)

        self.addCleanup(stop_noise)
        deadline = time.monotonic() + 8.0
        for i in range(600):
            if i >= 100 and time.monotonic() > deadline:
                break
            key = {"Idempotency-Key": f"it-o2c-race-{customer['id']}-{i}"}
            first = post_order(c, admin, customer["id"], (sku, 1), headers=key)
            self.assertEqual(first.status, 201, str(first))
            again = post_order(c, admin, customer["id"], (sku, 1), headers=key)
            self.assertEqual(again.status, 201,
                             f"try {i}: retry after the response was received: {again}")
            self.assertEqual(again.body["id"], first.body["id"])

    # -- roles ---------------------------------------------------------------------------------

    def test_viewer_reads_orders_but_cannot_place_them(self):
        c = self.c
        customer = create_customer(c, self.admin)
        sku = product_with_stock(c, self.admin, 5)["sku"]
        order = place_order(c, self.admin, customer["id"], (sku, 1))

        self.assertEqual(get_order(c, self.viewer, order["id"])["number"], order["number"])
        expect(c.get("/api/v1/orders", auth=self.viewer), 200, "viewer lists orders")
        r = post_order(c, self.viewer, customer["id"], (sku, 1))
        self.assertJsonError(r, 403, "forbidden")
        self.assertJsonError(patch_order(c, self.viewer, order["id"], "cancelled"), 403)
        self.assertEqual(stock(c, self.admin, sku)["reserved"], 1)

    def test_accountant_records_payments_and_sales_cannot_read_the_ledger(self):
        c = self.c
        customer = create_customer(c, self.sales)
        sku = product_with_stock(c, self.admin, 5)["sku"]
        order = place_order(c, self.sales, customer["id"], (sku, 1))
        inv = wait_invoice(c, self.accountant, order["id"])

        r = pay(c, self.accountant, inv["id"], inv["total"], "bkash", "TX-1")
        body = expect(r, 201, "accountant records a payment")
        self.assertEqual(body["invoice"]["status"], "paid")
        self.assertEqual(body["recorded_by"], "accountant1")
        expect(c.get("/api/v1/ledger/trial-balance", auth=self.accountant), 200,
               "accountant reads the ledger")

        self.assertJsonError(c.get("/api/v1/ledger/trial-balance", auth=self.sales), 403,
                             "forbidden")
        self.assertJsonError(pay(c, self.sales, inv["id"], "1.00"), 403, "forbidden")
        self.assertJsonError(post_order(c, self.accountant, customer["id"], (sku, 1)), 403)


if __name__ == "__main__":
    unittest.main()
