"""kill -9 while orders are being placed: every acknowledged order survives exactly once, every
order gets exactly one invoice after the restart, document numbers have no gaps, and the books
balance."""

import threading
import time
import unittest

import harness
from harness import ServerTestCase
from o2c_support import (create_customer, expect, list_all, product_with_stock, trial_balance,
                         wait_invoicer_idle)

WRITERS = 4
LOAD_SECONDS = 2.0


def place_orders_until(port, token, body, acked, errors, stop):
    """Places the same order over and over; records (id, number) of each acknowledged one."""
    harness.post_until_stopped(port, token, "/api/v1/orders", lambda n: body,
                               lambda order: acked.append((order["id"], order["number"])),
                               errors, stop)


class OrderCrashTest(ServerTestCase):

    def test_kill9_while_placing_orders(self):
        srv = self.new_server()
        token = harness.admin_token(srv)
        with srv.client() as c:
            customer = create_customer(c, token)
            sku = product_with_stock(c, token, 1_000_000, price="12.50")["sku"]
        body = {"customer_id": customer["id"], "items": [{"sku": sku, "qty": 1}]}

        acked: list = []  # list.append is atomic under the GIL
        errors: list = []
        stop = threading.Event()
        threads = [threading.Thread(target=place_orders_until,
                                    args=(srv.port, token, body, acked, errors, stop),
                                    daemon=True) for _ in range(WRITERS)]
        for t in threads:
            t.start()
        try:
            time.sleep(LOAD_SECONDS)
            # A slow sanitizer build may need longer to acknowledge anything.
            harness.wait_until(lambda: len(acked) >= 10, 60 * harness.SCALE, 0.05,
                               "10 acknowledged orders")
            srv.kill9()
            self.assertEqual(srv.returncode, -9)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=harness.HTTP_TIMEOUT + 10)
        self.assertFalse([t for t in threads if t.is_alive()], "order threads hung")
        self.assertEqual(errors, [], "unexpected responses before the kill")

        srv.start()
        with srv.client() as c:
            # Every acknowledged order is there, once, as acknowledged.
            for order_id, number in acked:
                got = expect(c.get(f"/api/v1/orders/{order_id}", auth=token), 200,
                             f"acknowledged order {number}")
                self.assertEqual(got["number"], number)
            orders = list_all(c, token, "/api/v1/orders")
            ids = [o["id"] for o in orders]
            self.assertEqual(len(ids), len(set(ids)))
            self.assertLessEqual({i for i, _ in acked}, set(ids))
            self.assertEqual(len(acked), len({i for i, _ in acked}))
            n = len(orders)
            self.assertEqual(sorted(o["number"] for o in orders),
                             [f"SO-{k:06d}" for k in range(1, n + 1)], "SO numbers have gaps")

            # The invoicer catches up: one invoice per order, INV numbers without gaps.
            harness.wait_until(lambda: len(list_all(c, token, "/api/v1/invoices")) >= n,
                               60 * harness.SCALE, 0.1, f"{n} invoices")
            wait_invoicer_idle(c)
            invoices = list_all(c, token, "/api/v1/invoices")
            per_order = {}
            for inv in invoices:
                per_order.setdefault(inv["order_id"], []).append(inv["number"])
            self.assertEqual(set(per_order), set(ids), "every order has an invoice")
            self.assertEqual([k for k, v in per_order.items() if len(v) != 1], [],
                             "orders with more than one invoice")
            self.assertEqual(sorted(i["number"] for i in invoices),
                             [f"INV-{k:06d}" for k in range(1, n + 1)], "INV numbers have gaps")

            level = expect(c.get(f"/api/v1/inventory/{sku}", auth=token), 200, "stock")
            self.assertEqual(level["reserved"], n, "one unit reserved per surviving order")
            tb = trial_balance(c, token)
            self.assertEqual(tb.total_debit, tb.total_credit, tb.body)
            self.assertTrue(tb.balanced)


if __name__ == "__main__":
    unittest.main()
