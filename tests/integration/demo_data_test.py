"""Demo data and invoice PDFs: `smartdairy seed --demo` and GET /api/v1/invoices/{id}/pdf."""

import datetime
import os
import shutil
import sqlite3
import tempfile
import time
import unittest

from harness import ServerTestCase, add_user, admin_token, login, run_cli, wait_until

ACME = "11111111-1111-1111-1111-111111111111"


class DemoDataTest(ServerTestCase):
    def test_seed_loads_the_seed_company_once_and_fast(self):
        srv = self.new_server(start=False)
        t0 = time.monotonic()
        first = run_cli(["seed", "--demo", "--data-dir", srv.data_dir])
        elapsed = time.monotonic() - t0
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertIn("demo data loaded", first.stdout)
        self.assertLess(elapsed, 5.0)  # the issue asks for < 1 s; loaded CI machines vary
        again = run_cli(["seed", "--demo", "--data-dir", srv.data_dir])
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("already present", again.stdout)

        srv.start()
        token = admin_token(srv)
        with srv.client() as c:
            customers = c.get("/api/v1/customers?limit=50", auth=token).body["items"]
            ids = {x["name"]: x["id"] for x in customers}
            self.assertEqual(ids["Acme Corp"], ACME)
            self.assertEqual(ids["Beta Ltd"], "22222222-2222-2222-2222-222222222222")
            self.assertEqual(ids["Gamma LLC"], "33333333-3333-3333-3333-333333333333")
            cam = c.get("/api/v1/products/CAM-1001", auth=token).body
            self.assertEqual(cam["price"], "399.00")
            stock = c.get("/api/v1/inventory/CAM-1001", auth=token).body
            self.assertEqual((stock["on_hand"], stock["reorder_point"]), (10, 2))
            milk = c.get("/api/v1/products/MILK-RAW", auth=token).body
            self.assertEqual(milk["vat_rate"], "0.00")  # fresh milk is VAT-exempt
            for sku in ("CAM-2002", "TRI-300", "BAT-150", "CABLE-01", "TEST-001", "DEMO-001",
                        "MILK-PAST-1L", "YOG-500", "GHEE-1KG", "BUT-200", "PAN-1KG", "CHS-200"):
                self.assertEqual(c.get("/api/v1/products/" + sku, auth=token).status, 200, sku)
            low = c.get("/api/v1/inventory?below_reorder=true", auth=token).body["items"]
            self.assertEqual([x["sku"] for x in low], ["PAN-1KG"])
            # Opening stock is valued in the ledger, and the books balance.
            tb = c.get("/api/v1/ledger/trial-balance", auth=token).body
            self.assertEqual(tb["total_debit"], tb["total_credit"])
            self.assertNotEqual(tb["total_debit"], "0.00")


def row_counts(data_dir):
    """Rows of the tables the demo writes, read straight from the database file."""
    con = sqlite3.connect(os.path.join(data_dir, "smartdairy.db"))
    try:
        return {t: con.execute("SELECT COUNT(*) FROM " + t).fetchone()[0]
                for t in ("events_log", "herd_breeds", "herd_animals", "herd_milk_records",
                          "herd_milk_postings", "herd_health_records", "herd_services",
                          "herd_calvings", "stock_moves")}
    finally:
        con.close()


class DemoHerdTest(ServerTestCase):
    def test_seed_loads_a_farm_that_fills_every_herd_screen(self):
        srv = self.new_server(start=False)
        t0 = time.monotonic()
        first = run_cli(["seed", "--demo", "--data-dir", srv.data_dir])
        elapsed = time.monotonic() - t0
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertIn("a herd of 255 cattle", first.stdout)
        self.assertLess(elapsed, 5.0)  # about a second on a 2-core machine
        before = row_counts(srv.data_dir)
        self.assertEqual(before["herd_breeds"], 5)
        self.assertEqual(before["herd_animals"], 265)  # 255 live and 10 disposed
        self.assertGreater(before["herd_milk_records"], 13000)  # 90 days, two sessions
        again = run_cli(["seed", "--demo", "--data-dir", srv.data_dir])
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("already present", again.stdout)
        self.assertEqual(row_counts(srv.data_dir), before)  # the second run changed nothing

        con = sqlite3.connect(os.path.join(srv.data_dir, "smartdairy.db"))
        last_seq = con.execute("SELECT max(seq) FROM events_log").fetchone()[0]
        con.close()
        srv.start()
        token = admin_token(srv)
        with srv.client() as c:
            def kpis_with_everything():
                # The views read each row as it is now, so they are complete once they have
                # followed every event the seed appended.
                k = c.get("/api/v1/herd/kpis", auth=token).body
                return k if k["seq"] >= last_seq else None
            k = wait_until(kpis_with_everything, 60, what="the farm views to catch up")
            self.assertEqual(k["total_cattle"], 255)
            self.assertTrue(70 <= k["lactating"] <= 80, k["lactating"])
            self.assertTrue(800 <= float(k["litres_yesterday"]) <= 1000, k["litres_yesterday"])
            self.assertGreaterEqual(len(k["in_withdrawal"]), 1)
            self.assertGreaterEqual(len(k["calvings_due_30d"]), 1)
            self.assertGreaterEqual(len(k["checks_due"]), 1)  # overdue pregnancy checks
            self.assertGreaterEqual(len([m for m in k["health_cost_by_month"]
                                         if m["cost"] != "0.00"]), 10)
            today = datetime.date.fromisoformat(k["today"])
            cal = c.get("/api/v1/herd/breeding/calendar", auth=token).body
            self.assertTrue([x for x in cal["checks_due"] if not x.get("overdue")],
                            "a pregnancy check due in the coming days")
            self.assertTrue(cal["calvings_due"])
            # The treated cows' milk of yesterday was withheld, and stays out of stock.
            withheld = c.get("/api/v1/herd/milk?withheld=true&day=%s"
                             % (today - datetime.timedelta(days=1)), auth=token).body["items"]
            self.assertTrue(withheld)
            self.assertTrue(all(r["posted_ml"] == 0 for r in withheld))
            # Pedigrees: a calf of a cow born on the farm shows both parents and grandparents.
            calves = c.get("/api/v1/herd/animals?status=calf&limit=200",
                           auth=token).body["items"]
            self.assertTrue(all(x["dam_id"] and x["sire_id"] for x in calves))
            pedigrees = [c.get("/api/v1/herd/animals/" + x["id"], auth=token).body["pedigree"]
                         for x in calves]
            self.assertTrue([p for p in pedigrees if p["dam"] and p["sire"] and p["dam_dam"]
                             and p["dam_sire"]])
            # Stock: only the last two days were posted; older milk counts as delivered.
            postings = c.get("/api/v1/herd/milk/postings", auth=token).body["items"]
            days = sorted({p["day"] for p in postings})
            self.assertEqual(days, [str(today - datetime.timedelta(days=2)),
                                    str(today - datetime.timedelta(days=1))])
            posted = sum(p["litres"] for p in postings)
            self.assertTrue(1500 <= posted <= 2000, posted)
            old = c.get("/api/v1/herd/milk?day=%s&limit=200"
                        % (today - datetime.timedelta(days=30)), auth=token).body["items"]
            self.assertTrue(old)
            for r in old:
                saleable = 0 if r["withheld"] or r["grade"] == "R" else r["quantity_ml"]
                self.assertEqual((r["posted_ml"], r["posting_id"]), (saleable, None))
            raw = c.get("/api/v1/inventory/MILK-RAW", auth=token).body
            self.assertLess(raw["on_hand"], 400 + posted + 200)  # not 90 days of litres
            grades = c.get("/api/v1/analytics/farm_milk_by_day?from=%s&to=%s"
                           % (today - datetime.timedelta(days=90), today),
                           auth=token).body
            mix = {g: sum(row["grades"][g]["records"] for row in grades["rows"])
                   for g in "ABCR"}
            self.assertGreater(mix["A"] + mix["B"], 10 * (mix["C"] + mix["R"]), mix)
            self.assertGreaterEqual(mix["C"], 1, mix)
            self.assertGreaterEqual(mix["R"], 1, mix)
            # The server's start-up posting found nothing old to post.
            time.sleep(1.0)
            again = c.get("/api/v1/herd/milk/postings", auth=token).body["items"]
            self.assertEqual(len(again), len(postings))


class InvoicePdfTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        tmp = tempfile.mkdtemp(prefix="sd-it-")
        cls.addClassCleanup(shutil.rmtree, tmp, True)
        data_dir = os.path.join(tmp, "data")
        cp = run_cli(["seed", "--demo", "--data-dir", data_dir])
        assert cp.returncode == 0, cp.stderr
        cls.srv = cls.class_server(data_dir=data_dir)
        cls.token = admin_token(cls.srv)

    def invoice_for_new_order(self, c):
        r = c.post("/api/v1/orders", {"customer_id": ACME,
                                      "items": [{"sku": "GHEE-1KG", "qty": 1},
                                                {"sku": "MILK-RAW", "qty": 20}]},
                   auth=self.token)
        self.assertEqual(r.status, 201, str(r))
        order_id = r.body["id"]

        def issued():
            items = c.get("/api/v1/invoices?order_id=" + order_id, auth=self.token).body["items"]
            return items[0] if items else None
        return wait_until(issued, 30, what="invoice issued")

    def test_pdf_has_the_invoice_and_its_totals(self):
        with self.srv.client() as c:
            inv = self.invoice_for_new_order(c)
            r = c.get("/api/v1/invoices/%s/pdf" % inv["id"], auth=self.token)
            self.assertEqual(r.status, 200)
            self.assertEqual(r.header("Content-Type"), "application/pdf")
            self.assertIn(inv["number"], r.header("Content-Disposition"))
            self.assertTrue(r.raw.startswith(b"%PDF-"))
            self.assertIn(b"%%EOF", r.raw[-32:])
            self.assertLess(len(r.raw), 100_000)

    def test_pdf_of_an_unknown_invoice_is_404_and_needs_permission(self):
        with self.srv.client() as c:
            r = c.get("/api/v1/invoices/0190b1d2-0000-7000-8000-000000000000/pdf",
                      auth=self.token)
            self.assertJsonError(r, 404, "invoice_not_found")
            self.assertJsonError(c.get("/api/v1/invoices/x/pdf"), 401)
            add_user(self.srv, "farmhand", "farm", "farm-password-0001")
            s = login(c, "farmhand", "farm-password-0001")
            inv = self.invoice_for_new_order(c)
            self.assertJsonError(c.get("/api/v1/invoices/%s/pdf" % inv["id"], auth=s), 403)


if __name__ == "__main__":
    unittest.main()
