"""Field-level rules: who may set credit terms or see unit costs, adjustment signs, and
invoice references that do not exist."""

import unittest

import harness
from harness import ServerTestCase, add_user, login
from o2c_support import create_customer, expect, place_order, product_with_stock, unique


class FieldRulesTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = cls.class_server()
        cls.admin = harness.admin_token(cls.srv)
        cls.c = cls.srv.client()
        cls.addClassCleanup(cls.c.close)
        for name, role in (("sally", "sales"), ("andy", "accountant"), ("vera", "viewer")):
            add_user(cls.srv, name, role, "Pw-" + role + "-8c1f-0001")
        cls.sales = login(cls.c, "sally", "Pw-sales-8c1f-0001")
        cls.accountant = login(cls.c, "andy", "Pw-accountant-8c1f-0001")
        cls.viewer = login(cls.c, "vera", "Pw-viewer-8c1f-0001")

    def test_only_roles_that_extend_credit_set_limits_and_terms(self):
        c = self.c
        name = unique("Shop")
        body = {"name": name, "email": f"{name.lower()}@example.com"}
        # Sales may create a customer on the default terms...
        customer = expect(c.post("/api/v1/customers", body, auth=self.sales), 201, "create")
        # ...but not give it credit or longer terms.
        r = c.post("/api/v1/customers", {**body, "email": "x" + body["email"],
                                         "credit_limit": "5000.00"}, auth=self.sales)
        self.assertJsonError(r, 403, "credit_terms_forbidden")
        self.assertEqual(r.body["error"]["details"], ["credit_limit"])
        path = f"/api/v1/customers/{customer['id']}"
        self.assertJsonError(c.request("PATCH", path, body={"credit_limit": "99999999.00"},
                                       auth=self.sales), 403, "credit_terms_forbidden")
        self.assertJsonError(c.request("PATCH", path, body={"payment_terms_days": 90},
                                       auth=self.sales), 403, "credit_terms_forbidden")
        self.assertEqual(expect(c.request("PATCH", path, body={"phone": "+880 1711 000 000"},
                                          auth=self.sales), 200, "sales edits contact")["phone"],
                         "+880 1711 000 000")
        updated = expect(c.request("PATCH", path, body={"credit_limit": "5000.00"},
                                   auth=self.accountant), 200, "accountant sets the limit")
        self.assertEqual(updated["credit_limit"], "5000.00")

    def test_unit_cost_is_shown_only_to_roles_that_see_margins(self):
        sku = product_with_stock(self.c, self.admin, 5, unit_cost="40.00")["sku"]
        as_admin = expect(self.c.get(f"/api/v1/products/{sku}", auth=self.admin), 200, "admin")
        self.assertEqual(as_admin["unit_cost"], "40.00")
        as_accountant = expect(self.c.get(f"/api/v1/products/{sku}", auth=self.accountant), 200,
                               "accountant")
        self.assertEqual(as_accountant["unit_cost"], "40.00")
        for who in (self.viewer, self.sales):
            seen = expect(self.c.get(f"/api/v1/products/{sku}", auth=who), 200, "read")
            self.assertNotIn("unit_cost", seen)
            listed = expect(self.c.get("/api/v1/products?limit=500", auth=who), 200, "list")
            self.assertTrue(all("unit_cost" not in p for p in listed["items"]))

    def test_adjustment_signs_follow_their_reason(self):
        sku = product_with_stock(self.c, self.admin, 10)["sku"]
        path = f"/api/v1/inventory/{sku}/adjustments"
        for qty, reason in ((-3, "receipt"), (-1, "production"), (-2, "return"), (4, "damage")):
            r = self.c.post(path, {"qty": qty, "reason": reason}, auth=self.admin)
            self.assertJsonError(r, 422, "invalid_quantity")
            self.assertIn("count", r.body["error"]["message"])
        # A mis-keyed receipt is corrected with a count, in either direction.
        level = expect(self.c.post(path, {"qty": -3, "reason": "count"}, auth=self.admin), 201,
                       "count down")
        self.assertEqual(level["on_hand"], 7)
        tb = expect(self.c.get("/api/v1/ledger/trial-balance", auth=self.admin), 200, "tb")
        self.assertEqual(tb["total_debit"], tb["total_credit"])

    def test_an_invoice_naming_what_does_not_exist_is_422(self):
        customer = create_customer(self.c, self.admin)
        r = self.c.post("/api/v1/invoices",
                        {"customer_id": "0190d6c2-0000-7000-8000-000000000000",
                         "lines": [{"description": "Hay", "qty": 1, "unit_price": "10.00"}]},
                        auth=self.admin)
        self.assertJsonError(r, 422, "customer_not_found")
        r = self.c.post("/api/v1/invoices",
                        {"customer_id": customer["id"], "lines": [{"sku": "NO-SUCH", "qty": 1}]},
                        auth=self.admin)
        self.assertJsonError(r, 422, "product_not_found")
        self.assertEqual(r.body["error"]["details"], ["lines[0].sku"])


    def test_a_status_change_retried_with_its_key_is_replayed_not_refused(self):
        c = self.c
        customer = create_customer(c, self.admin)
        sku = product_with_stock(c, self.admin, 5)["sku"]
        order = place_order(c, self.admin, customer["id"], (sku, 1))
        path = f"/api/v1/orders/{order['id']}"
        key = {"Idempotency-Key": unique("ship")}
        first = c.request("PATCH", path, body={"status": "shipped"}, auth=self.admin, headers=key)
        self.assertEqual(expect(first, 200, "ship")["status"], "shipped")
        # The client lost the answer and retries: same answer, shipped once.
        again = c.request("PATCH", path, body={"status": "shipped"}, auth=self.admin, headers=key)
        self.assertEqual(again.status, 200, str(again))
        self.assertEqual(again.header("Idempotent-Replayed"), "true")
        self.assertEqual(again.body["version"], first.body["version"])
        self.assertEqual(expect(c.get(f"/api/v1/inventory/{sku}", auth=self.admin), 200,
                                "stock")["on_hand"], 4)
        # Without the key, a second "shipped" is the transition it is.
        self.assertJsonError(c.request("PATCH", path, body={"status": "shipped"},
                                       auth=self.admin), 409, "invalid_transition")
        # A stale If-Match is 412 (the version is now 2).
        stale = c.request("PATCH", path, body={"status": "completed"}, auth=self.admin,
                          headers={"If-Match": '"1"'})
        self.assertJsonError(stale, 412, "version_mismatch")
        done = c.request("PATCH", path, body={"status": "completed"}, auth=self.admin,
                         headers={"If-Match": 'W/"2"'})
        self.assertEqual(expect(done, 200, "complete")["status"], "completed")

if __name__ == "__main__":
    unittest.main()
