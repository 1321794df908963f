"""Demo data and invoice PDFs: `smartdairy seed --demo` and GET /api/v1/invoices/{id}/pdf."""

import os
import shutil
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
