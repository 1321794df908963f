"""Order to cash: money is exact, bad input is a 422 (never a 500), price overrides and credit
limits, and the seed's unversioned paths (/orders, /inventory, /billing/invoices)."""

import unittest

import harness
from harness import ServerTestCase
from o2c_support import (create_customer, create_product, expect, get_invoice, get_order,
                         order_body, pay, place_order, post_order, product_with_stock, stock,
                         user_token, wait_invoice)

SALES_PASSWORD = "it-Sl6-Secret-0201-ra"
MANAGER_PASSWORD = "it-Mg6-Secret-0202-rb"

INT64_MAX_MONEY = "92233720368547758.07"  # INT64_MAX minor units at 2 decimals


class OrderMoneyTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = cls.class_server()
        cls.admin = harness.admin_token(cls.server)
        cls.sales = user_token(cls.server, "sales2", "sales", SALES_PASSWORD)
        cls.manager = user_token(cls.server, "manager2", "manager", MANAGER_PASSWORD)
        with cls.server.client() as c:
            cls.customer = create_customer(c, cls.admin)

    def setUp(self):
        self.c = self.server.client()
        self.addCleanup(self.c.close)

    def totals(self, order):
        return order["subtotal"], order["vat_total"], order["total_amount"]

    # -- exact totals --------------------------------------------------------------------------

    def test_totals_are_exact_decimal_arithmetic(self):
        c, admin, cid = self.c, self.admin, self.customer["id"]
        dime = product_with_stock(c, admin, 100, price="0.10")["sku"]
        o = place_order(c, admin, cid, (dime, 3))
        # 0.1 * 3 is 0.30000000000000004 in floating point; VAT 0.045 rounds half away from 0.
        self.assertEqual(self.totals(o), ("0.30", "0.05", "0.35"))
        self.assertEqual((o["items"][0]["net"], o["items"][0]["vat"]), ("0.30", "0.05"))

        big = product_with_stock(c, admin, 100, price="99.99")["sku"]
        o = place_order(c, admin, cid, (big, 2))
        self.assertEqual(self.totals(o), ("199.98", "30.00", "229.98"))
        inv = wait_invoice(c, admin, o["id"])
        self.assertEqual((inv["subtotal"], inv["vat_total"], inv["total"]),
                         ("199.98", "30.00", "229.98"))
        self.assertEqual(inv["lines"][0]["unit_price"], "99.99")

        # VAT is rounded per line: two lines of 0.015 VAT are 0.02 + 0.02, not round(0.03).
        other_dime = product_with_stock(c, admin, 100, price="0.10")["sku"]
        o = place_order(c, admin, cid, (dime, 1), (other_dime, 1))
        self.assertEqual(self.totals(o), ("0.20", "0.04", "0.24"))

        # VAT-exempt fresh milk.
        milk = product_with_stock(c, admin, 100, price="1.33", vat_rate="0.00")["sku"]
        o = place_order(c, admin, cid, (milk, 7))
        self.assertEqual(self.totals(o), ("9.31", "0.00", "9.31"))

    def test_json_number_prices_parse_exactly(self):
        c = self.c
        p = create_product(c, self.admin, price=99.99)
        self.assertEqual(p["price"], "99.99")
        expect(c.post("/api/v1/inventory", {"sku": p["sku"], "on_hand": 5}, auth=self.admin), 201,
               "open stock")
        # 99.99 as a JSON number equals the catalog's "99.99": no override, so sales may send it.
        o = expect(post_order(c, self.sales, self.customer["id"], (p["sku"], 2, 99.99)), 201,
                   "order with a numeric price")
        self.assertEqual(self.totals(o), ("199.98", "30.00", "229.98"))
        self.assertEqual(create_product(c, self.admin, price=0.3)["price"], "0.30")
        self.assertEqual(create_product(c, self.admin, price=12)["price"], "12.00")

    def test_more_than_two_decimals_is_422(self):
        c = self.c
        body = {"sku": "THREE-DEC", "name": "Three decimals", "price": "1.001"}
        self.assertJsonError(c.post("/api/v1/products", body, auth=self.admin), 422)
        body["price"] = 1.001
        self.assertJsonError(c.post("/api/v1/products", body, auth=self.admin), 422)
        sku = product_with_stock(c, self.admin, 5, price="99.99")["sku"]
        for price in ("99.999", 99.999):
            r = post_order(c, self.admin, self.customer["id"], (sku, 1, price))
            self.assertJsonError(r, 422, "invalid_field")
            self.assertIn("items[0].price", r.body["error"]["details"])
        self.assertEqual(stock(c, self.admin, sku)["reserved"], 0)

    def test_overflowing_quantities_and_prices_are_422(self):
        c, admin, cid = self.c, self.admin, self.customer["id"]
        sku = product_with_stock(c, admin, 5, price="99.99")["sku"]
        for qty in (2**63, 2**63 - 1, 1_000_001, -(2**63), 1e6, 1e300, "2"):
            r = post_order(c, admin, cid, (sku, qty))
            self.assertJsonError(r, 422)
            self.assertIn("items[0].qty", r.body["error"]["details"], qty)
        # An integer literal beyond 64 bits is refused by the JSON parser itself: 400
        # malformed_json (by design, src/core/json.cpp), still not a 500.
        r = post_order(c, admin, cid, (sku, 10**30))
        self.assertJsonError(r, 400, "malformed_json")
        self.assertIn("does not fit in 64 bits", r.body["error"]["message"])
        for price in ("92233720368547758.08", "99999999999999999999.99", 1e300, 1e19):
            r = c.post("/api/v1/products",
                       {"sku": "HUGE-PRICE", "name": "Too dear", "price": price}, auth=admin)
            self.assertJsonError(r, 422)
            r = post_order(c, admin, cid, (sku, 1, price))
            self.assertJsonError(r, 422)

        # Under the business limit alone, over it once multiplied, taxed or summed
        # (src/modules/common/limits.h: a price up to 1,000,000,000.00, an order up to
        # 100,000,000,000.00).
        self.assertJsonError(c.post("/api/v1/products", {"sku": "DEAR", "name": "Dear",
                                                         "price": INT64_MAX_MONEY}, auth=admin),
                             422, "amount_out_of_range")
        dear = product_with_stock(c, admin, 1000, price="1000000000.00")["sku"]
        self.assertJsonError(post_order(c, admin, cid, (dear, 100)), 422, "amount_out_of_range")
        a = product_with_stock(c, admin, 1000, price="1000000000.00", vat_rate="0.00")["sku"]
        b = product_with_stock(c, admin, 1000, price="1000000000.00", vat_rate="0.00")["sku"]
        self.assertJsonError(post_order(c, admin, cid, (a, 50), (b, 51)), 422,
                             "amount_out_of_range")
        # An override that overflows is refused the same way.
        self.assertJsonError(post_order(c, admin, cid, (sku, 1_000_000, INT64_MAX_MONEY)), 422)
        self.assertEqual(stock(c, admin, sku)["reserved"], 0)

    def test_invalid_items_customers_and_fields_are_422(self):
        c, admin, cid = self.c, self.admin, self.customer["id"]
        sku = product_with_stock(c, admin, 5)["sku"]
        for qty in (0, -1):
            self.assertJsonError(post_order(c, admin, cid, (sku, qty)), 422, "invalid_field")
        self.assertJsonError(post_order(c, admin, cid, ("NO-SUCH-SKU", 1)), 422,
                             "product_not_found")
        self.assertJsonError(
            post_order(c, admin, "0190d6c2-0000-7000-8000-000000000000", (sku, 1)), 422,
            "customer_not_found")
        body = order_body(cid, (sku, 1))
        body["discount"] = "10%"
        r = c.post("/api/v1/orders", body, auth=admin)
        self.assertJsonError(r, 422, "unknown_field")
        self.assertEqual(r.body["error"]["details"], ["discount"])
        body = order_body(cid, (sku, 1))
        body["items"][0]["colour"] = "blue"
        r = c.post("/api/v1/orders", body, auth=admin)
        self.assertJsonError(r, 422, "unknown_field")
        self.assertEqual(r.body["error"]["details"], ["items[0].colour"])
        self.assertJsonError(c.post("/api/v1/orders", {"customer_id": cid, "items": []},
                                    auth=admin), 422)
        self.assertJsonError(post_order(c, admin, cid, (sku, 1), (sku, 1)), 422, "duplicate_sku")
        self.assertJsonError(c.post("/api/v1/orders", "[1, 2]", auth=admin,
                                    headers={"Content-Type": "application/json"}), 422)
        self.assertEqual(stock(c, admin, sku)["reserved"], 0, "no failed order reserved stock")

    # -- who may change a price ----------------------------------------------------------------

    def test_only_managers_may_override_the_catalog_price(self):
        c, cid = self.c, self.customer["id"]
        sku = product_with_stock(c, self.admin, 10, price="99.99")["sku"]
        r = post_order(c, self.sales, cid, (sku, 1, "89.99"))
        self.assertJsonError(r, 403, "price_override_forbidden")
        self.assertIn("items[0].price", r.body["error"]["details"])
        o = expect(post_order(c, self.sales, cid, (sku, 1, "99.99")), 201, "catalog price")
        self.assertEqual(o["items"][0]["price"], "99.99")
        o = expect(post_order(c, self.manager, cid, (sku, 1, "89.99")), 201, "manager override")
        self.assertEqual(self.totals(o), ("89.99", "13.50", "103.49"))
        self.assertEqual(stock(c, self.admin, sku)["reserved"], 2)

    # -- credit limit --------------------------------------------------------------------------

    def test_credit_limit(self):
        c, admin = self.c, self.admin
        customer = create_customer(c, admin, credit_limit="300.00")
        self.assertEqual(customer["credit_limit"], "300.00")
        sku = product_with_stock(c, admin, 10, price="99.99")["sku"]
        first = place_order(c, admin, customer["id"], (sku, 2))
        self.assertEqual(first["total_amount"], "229.98")
        r = post_order(c, admin, customer["id"], (sku, 2))
        self.assertJsonError(r, 409, "credit_limit_exceeded")
        self.assertEqual(stock(c, admin, sku)["reserved"], 2)
        # Paying the first invoice frees the limit again.
        inv = wait_invoice(c, admin, first["id"])
        expect(pay(c, admin, inv["id"], "229.98"), 201, "pay")
        expect(post_order(c, admin, customer["id"], (sku, 2)), 201, "order after paying")


class AmountLimitTest(ServerTestCase):
    """Amounts have business limits (src/modules/common/limits.h) low enough that the sums
    the ledger and the credit check make can never overflow into a 500."""

    def test_amounts_over_the_limits_are_refused_and_sums_stay_readable(self):
        srv = self.new_server()
        admin = harness.admin_token(srv)
        with srv.client() as c:
            customer = create_customer(c, admin)
            # A price each of whose sums used to overflow int64 in SQLite's SUM().
            r = c.post("/api/v1/products", {"sku": "HUGE-1", "name": "Huge",
                                            "price": "46116860184273879.04"}, auth=admin)
            self.assertJsonError(r, 422, "amount_out_of_range")
            # The largest price there is, VAT-exempt: 100 of them is the largest order.
            sku = product_with_stock(c, admin, 1000, price="1000000000.00",
                                     vat_rate="0.00", unit_cost="0.00")["sku"]
            first = place_order(c, admin, customer["id"], (sku, 100))
            self.assertEqual(first["total_amount"], "100000000000.00")
            self.assertJsonError(post_order(c, admin, customer["id"], (sku, 101)), 422,
                                 "amount_out_of_range")
            second = place_order(c, admin, customer["id"], (sku, 100))
            wait_invoice(c, admin, first["id"])
            wait_invoice(c, admin, second["id"])
            tb = expect(c.get("/api/v1/ledger/trial-balance", auth=admin), 200, "trial balance")
            self.assertEqual(tb["total_debit"], tb["total_credit"])
            self.assertEqual(tb["total_debit"], "200000000000.00")
            expect(c.request("PATCH", f"/api/v1/customers/{customer['id']}",
                             body={"credit_limit": "1.00"}, auth=admin), 200, "set credit limit")
            self.assertJsonError(post_order(c, admin, customer["id"], (sku, 1)), 409,
                                 "credit_limit_exceeded")


class SeedPathsTest(ServerTestCase):
    """The seed's unversioned paths keep working with a bearer token."""

    @classmethod
    def setUpClass(cls):
        cls.server = cls.class_server()
        cls.token = harness.admin_token(cls.server)

    def test_seed_paths(self):
        with self.server.client() as c:
            t = self.token
            customer = create_customer(c, t)
            create_product(c, t, price="99.99", sku="TEST-001")

            r = c.post("/inventory", {"sku": "TEST-001", "qty_on_hand": 50, "reorder_point": 5},
                       auth=t)
            self.assertEqual(expect(r, 201, "POST /inventory")["on_hand"], 50)
            listed = expect(c.get("/inventory", auth=t), 200, "GET /inventory")["items"]
            self.assertIn("TEST-001", [i["sku"] for i in listed])

            r = c.post("/orders", {"customer_id": customer["id"],
                                   "items": [{"sku": "TEST-001", "qty": 2, "price": 99.99}]},
                       auth=t)
            order = expect(r, 201, "POST /orders")
            for k in ("id", "status", "total_amount", "items"):
                self.assertIn(k, order)
            self.assertEqual(order["status"], "placed")
            self.assertEqual(order["total_amount"], "229.98")
            self.assertEqual([(i["sku"], i["qty"], i["price"]) for i in order["items"]],
                             [("TEST-001", 2, "99.99")])

            got = expect(c.get(f"/orders/{order['id']}", auth=t), 200, "GET /orders/{id}")
            self.assertEqual((got["id"], got["total_amount"]), (order["id"], "229.98"))

            r = c.request("PATCH", f"/orders/{order['id']}?status=shipped", auth=t)
            self.assertEqual(expect(r, 200, "PATCH /orders/{id}?status=shipped")["status"],
                             "shipped")
            self.assertEqual(get_order(c, t, order["id"])["status"], "shipped")
            self.assertEqual(stock(c, t, "TEST-001")["on_hand"], 48)

            r = c.post("/inventory/TEST-001/reserve", {"qty": 3}, auth=t)
            res = expect(r, 201, "POST /inventory/{sku}/reserve")
            self.assertEqual((res["sku"], res["qty"], res["status"]), ("TEST-001", 3, "active"))
            self.assertEqual(stock(c, t, "TEST-001")["reserved"], 3)

            r = c.post("/billing/invoices",
                       {"customer_id": customer["id"],
                        "lines": [{"description": "Delivery", "qty": 1, "unit_price": "50.00"}]},
                       auth=t)
            inv = expect(r, 201, "POST /billing/invoices")
            self.assertRegex(inv["number"], r"^INV-\d{6}$")
            self.assertEqual((inv["total"], inv["amount"]), ("57.50", "57.50"))
            r = c.post(f"/billing/invoices/{inv['id']}/pay", {"amount": "57.50", "method": "cash"},
                       auth=t)
            paid = expect(r, 201, "POST /billing/invoices/{id}/pay")
            self.assertEqual(paid["invoice"]["status"], "paid")
            self.assertEqual(get_invoice(c, t, inv["id"])["amount_due"], "0.00")

            # The seed order got its invoice too.
            self.assertEqual(wait_invoice(c, t, order["id"])["total"], "229.98")


if __name__ == "__main__":
    unittest.main()
