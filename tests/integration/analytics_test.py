"""Analytics over HTTP against the real binary: the views follow orders, payments and stock as
they happen; `smartdairy analytics rebuild` computes the same views from the source tables; the
SQL console reads analytics tables only, for admin and manager only.
"""

import unittest
from decimal import Decimal

import harness
from harness import ServerTestCase
from o2c_support import (D, create_customer, expect, open_stock, create_product, pay, patch_order,
                         place_order, user_token, wait_invoice)

VIEWS = ["sales_by_hour", "sales_by_day", "revenue_by_product", "revenue_by_customer",
         "orders_by_status", "stock_levels", "ar_ageing", "cash_by_day"]

VIEWER_PASSWORD = "it-Vw6-Secret-0201-an"
MANAGER_PASSWORD = "it-Mg6-Secret-0202-an"
SALES_PASSWORD = "it-Sl6-Secret-0203-an"
FARM_PASSWORD = "it-Fm6-Secret-0204-an"


def analytics_lag(c) -> float:
    for line in c.get("/metrics").body.splitlines():
        if line.startswith('smartdairy_consumer_lag_events{consumer="analytics.views"}'):
            return float(line.split()[-1])
    raise AssertionError("no lag gauge for analytics.views in /metrics")


class AnalyticsTest(ServerTestCase):
    def setUp(self):
        self.server = self.new_server()
        self.admin = harness.admin_token(self.server)
        self.c = self.server.client()
        self.addCleanup(self.c.close)

    def view(self, name, query="", token=None):
        r = self.c.get(f"/api/v1/analytics/{name}{query}", auth=token or self.admin)
        return expect(r, 200, f"view {name}")

    def kpis(self, token=None):
        return expect(self.c.get("/api/v1/analytics/kpis", auth=token or self.admin), 200, "kpis")

    def wait_views_current(self):
        harness.wait_until(lambda: analytics_lag(self.c) == 0, 60 * harness.SCALE, 0.02,
                           "analytics.views lag 0")

    def all_views(self):
        return {name: self.view(name) for name in VIEWS}

    def test_views_follow_the_business_and_a_rebuild_agrees(self):
        c, admin = self.c, self.admin
        customer = create_customer(c, admin, terms=14)
        milk = create_product(c, admin, price="70.00", vat_rate="0.00")
        ghee = create_product(c, admin, price="1000.00", vat_rate="15.00")
        open_stock(c, admin, milk["sku"], 100, reorder_point=95)
        open_stock(c, admin, ghee["sku"], 10, reorder_point=2)

        first = place_order(c, admin, customer["id"], (milk["sku"], 3), (ghee["sku"], 1))
        second = place_order(c, admin, customer["id"], (milk["sku"], 2))
        cancelled = place_order(c, admin, customer["id"], (ghee["sku"], 2))
        expect(patch_order(c, admin, cancelled["id"], "cancelled"), 200, "cancel")
        invoice = wait_invoice(c, admin, first["id"])
        expect(pay(c, admin, invoice["id"], "500.00", method="bkash"), 201, "part payment")
        wait_invoice(c, admin, second["id"])
        self.wait_views_current()

        # Today's sales: the two orders not cancelled (210 + 1150, and 140).
        k = self.kpis()
        self.assertEqual(k["orders_today"], 2)
        self.assertEqual(D(k["sales_today"]), D("1500.00"))
        self.assertEqual(D(k["outstanding_receivables"]), D("1360.00") - D("500.00") + D("140.00"))
        self.assertEqual(D(k["overdue_receivables"]), D("0"))
        self.assertEqual(k["below_reorder"], 1)  # milk: 95 available at reorder point 95
        self.assertGreater(k["seq"], 0)

        today = k["today"]
        day = self.view("sales_by_day")["rows"]
        self.assertEqual(len(day), 1)
        self.assertEqual((day[0]["day"], day[0]["orders"], D(day[0]["total"])),
                         (today, 2, D("1500.00")))
        hours = self.view("sales_by_hour")["rows"]
        self.assertEqual(sum(h["orders"] for h in hours), 2)
        self.assertTrue(all(h["hour"].startswith(today) or h["hour"] < today for h in hours))

        products = {r["sku"]: r for r in self.view("revenue_by_product")["rows"]}
        self.assertEqual(products[milk["sku"]]["qty"], 5)
        self.assertEqual(D(products[milk["sku"]]["total"]), D("350.00"))
        self.assertEqual(products[ghee["sku"]]["qty"], 1)  # the cancelled 2 are not sales
        self.assertEqual(D(products[ghee["sku"]]["vat"]), D("150.00"))
        customers = self.view("revenue_by_customer")["rows"]
        self.assertEqual([(r["customer_id"], r["name"], r["orders"]) for r in customers],
                         [(customer["id"], customer["name"], 2)])

        statuses = {r["status"]: r["orders"] for r in self.view("orders_by_status")["rows"]}
        self.assertEqual(statuses, {"placed": 2, "cancelled": 1})

        levels = {r["sku"]: r for r in self.view("stock_levels")["rows"]}
        self.assertEqual((levels[milk["sku"]]["reserved"], levels[milk["sku"]]["available"],
                          levels[milk["sku"]]["below_reorder"]), (5, 95, True))
        self.assertEqual(levels[ghee["sku"]]["reserved"], 1)
        below = self.view("stock_levels", "?below_reorder=true")["rows"]
        self.assertEqual([r["sku"] for r in below], [milk["sku"]])
        self.assertEqual(self.view("stock_snapshot")["rows"], self.view("stock_levels")["rows"])

        ageing = self.view("ar_ageing")["rows"]
        self.assertEqual([b["bucket"] for b in ageing],
                         ["current", "1-30", "31-60", "61-90", "91-120", ">120"])
        self.assertEqual(sum(D(b["amount_due"]) for b in ageing), D(k["outstanding_receivables"]))
        self.assertEqual(ageing[0]["invoices"], 2)
        current = self.view("ar_ageing", "?bucket=current")["rows"]
        self.assertEqual(sorted(r["number"] for r in current), sorted(
            [invoice["number"], wait_invoice(c, admin, second["id"])["number"]]))

        cash = self.view("cash_by_day")["rows"]
        self.assertEqual([(r["day"], r["method"], r["payments"], D(r["amount"])) for r in cash],
                         [(today, "bkash", 1, D("500.00"))])

        # Shipping moves the reserved milk out of stock; the view follows.
        expect(patch_order(c, admin, second["id"], "shipped"), 200, "ship")
        self.wait_views_current()
        levels = {r["sku"]: r for r in self.view("stock_levels")["rows"]}
        self.assertEqual((levels[milk["sku"]]["on_hand"], levels[milk["sku"]]["reserved"]),
                         (98, 3))
        statuses = {r["status"]: r["orders"] for r in self.view("orders_by_status")["rows"]}
        self.assertEqual(statuses, {"placed": 1, "shipped": 1, "cancelled": 1})

        # A rebuild from the source tables, with the server stopped, gives the same views.
        before = self.all_views()
        self.server.stop()
        cp = harness.run_cli(["analytics", "rebuild", "--data-dir", self.server.data_dir])
        self.assertEqual(cp.returncode, 0, cp.stdout + cp.stderr)
        self.assertIn("rebuilt", cp.stdout)
        self.server.start()
        c = self.c = self.server.client()  # a new port
        self.addCleanup(c.close)
        self.assertEqual(self.all_views(), before)
        # ...and the consumer carries on from there: one more order counts once.
        place_order(c, admin, customer["id"], (milk["sku"], 1))
        self.wait_views_current()
        self.assertEqual(self.kpis()["orders_today"], 3)

    def test_parameters_are_checked(self):
        r = self.c.get("/api/v1/analytics/users", auth=self.admin)
        self.assertEqual((r.status, r.error_code()), (404, "unknown_view"))
        r = self.c.get("/api/v1/analytics/stock_levels?from=2026-01-01", auth=self.admin)
        self.assertEqual((r.status, r.error_code()), (422, "unknown_parameter"))
        r = self.c.get("/api/v1/analytics/sales_by_day?from=2026-13-01", auth=self.admin)
        self.assertEqual(r.status, 422)
        r = self.c.get("/api/v1/analytics/sales_by_day?from=2026-02-01&to=2026-01-01",
                       auth=self.admin)
        self.assertEqual((r.status, r.error_code()), (422, "invalid_range"))
        r = self.c.get("/api/v1/analytics/ar_ageing?bucket=later", auth=self.admin)
        self.assertEqual((r.status, r.error_code()), (422, "invalid_bucket"))
        r = self.c.get("/api/v1/analytics/kpis")
        self.assertEqual(r.status, 401)

    def test_sql_console_reads_analytics_only_for_admin_and_manager(self):
        c, admin = self.c, self.admin
        customer = create_customer(c, admin)
        milk = create_product(c, admin, price="70.00", vat_rate="0.00")
        open_stock(c, admin, milk["sku"], 10)
        place_order(c, admin, customer["id"], (milk["sku"], 2))
        self.wait_views_current()

        sql = "SELECT day, orders, total FROM analytics_sales_by_day"
        out = expect(c.post("/api/v1/analytics/query", {"sql": sql}, auth=admin), 200, "query")
        self.assertEqual(out["columns"], ["day", "orders", "total"])
        self.assertEqual([r[1:] for r in out["rows"]], [[1, 14000]])
        self.assertFalse(out["truncated"])
        # The seed's GET /query?sql=…
        seed = expect(c.get("/query?sql=SELECT%20count(*)%20AS%20n%20FROM%20analytics_stock_levels",
                            auth=admin), 200, "seed query")
        self.assertEqual(seed, {"columns": ["n"], "rows": [[1]], "truncated": False})

        for bad in ["SELECT username, password_hash FROM users", "SELECT * FROM sqlite_master",
                    "DELETE FROM analytics_sales_by_day", "PRAGMA writable_schema = 1",
                    "ATTACH DATABASE '/tmp/x.db' AS x", "SELECT load_extension('x')",
                    "SELECT count(*) FROM sessions"]:
            r = c.post("/api/v1/analytics/query", {"sql": bad}, auth=admin)
            self.assertEqual((r.status, r.error_code()), (403, "sql_not_allowed"), bad)
        r = c.post("/api/v1/analytics/query", {"sql": "SELECT 1; SELECT 2"}, auth=admin)
        self.assertEqual((r.status, r.error_code()), (422, "sql_invalid"))
        r = c.post("/api/v1/analytics/query", {
            "sql": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                   "SELECT count(*) FROM n"}, auth=admin)
        self.assertEqual((r.status, r.error_code()), (422, "sql_timeout"))
        self.assertIn("2000 ms", r.body["error"]["message"])
        # Nothing was changed by the refused statements.
        again = expect(c.post("/api/v1/analytics/query", {"sql": sql}, auth=admin), 200, "query")
        self.assertEqual(again["rows"], out["rows"])

        manager = user_token(self.server, "an-manager", "manager", MANAGER_PASSWORD)
        expect(c.post("/api/v1/analytics/query", {"sql": sql}, auth=manager), 200, "manager query")
        viewer = user_token(self.server, "an-viewer", "viewer", VIEWER_PASSWORD)
        sales = user_token(self.server, "an-sales", "sales", SALES_PASSWORD)
        farm = user_token(self.server, "an-farm", "farm", FARM_PASSWORD)
        for token in (viewer, sales):
            self.assertEqual(c.post("/api/v1/analytics/query", {"sql": sql}, auth=token).status,
                             403)
            self.assertEqual(c.get("/query?sql=SELECT%201", auth=token).status, 403)
            # ...but they see the dashboard's figures.
            self.assertEqual(c.get("/api/v1/analytics/kpis", auth=token).status, 200)
        self.assertEqual(c.get("/api/v1/analytics/kpis", auth=farm).status, 403)


if __name__ == "__main__":
    unittest.main()
