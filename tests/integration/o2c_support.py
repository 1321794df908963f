"""Setup and read helpers shared by the order-to-cash integration tests (order_to_cash*_test.py).

Every helper takes a harness.Client and a bearer token and asserts the HTTP status it needs, so
a test reads as the story it checks: make a customer, a product with stock, place an order, wait
for its invoice, pay it, look at the trial balance.

Money in JSON is a decimal string; compare it as decimal.Decimal, never as float.
"""

from __future__ import annotations

import itertools
import re
import threading
import uuid
from decimal import Decimal
from typing import Any, Optional

import harness
from harness import Client, Response

# Generous: the suite also runs under ASan+UBSan on two loaded cores.
INVOICE_TIMEOUT = 60.0 * harness.SCALE

_counter = itertools.count(1)
_counter_lock = threading.Lock()


def unique(prefix: str) -> str:
    """A short name no other test uses (SKUs allow letters, digits, '-', '_', '.')."""
    with _counter_lock:
        n = next(_counter)
    return f"{prefix}-{n}-{uuid.uuid4().hex[:6]}"


def D(text: Any) -> Decimal:
    return Decimal(str(text))


def expect(r: Response, status: int, what: str) -> Any:
    if r.status != status:
        raise AssertionError(f"{what}: expected HTTP {status}, got {r}")
    return r.body


# ------------------------------------------------------------------------------------------
# Users

def user_token(server: harness.Server, username: str, role: str, password: str) -> str:
    """Adds a user with `role` (CLI) and returns a bearer token of theirs."""
    harness.add_user(server, username, role, password)
    with server.client() as c:
        s = harness.login(c, username, password)
        return harness.create_token(c, s, f"{username}-token")["token"]


# ------------------------------------------------------------------------------------------
# Master data

def create_customer(c: Client, token: str, terms: int = 30,
                    credit_limit: Optional[str] = None, kind: str = "b2b") -> dict:
    name = unique("Customer")
    body = {"name": name, "email": f"{name.lower()}@example.com", "kind": kind,
            "payment_terms_days": terms}
    if credit_limit is not None:
        body["credit_limit"] = credit_limit
    return expect(c.post("/api/v1/customers", body, auth=token), 201, "create customer")


def create_product(c: Client, token: str, price: Any = "99.99", vat_rate: str = "15.00",
                   unit_cost: str = "40.00", sku: Optional[str] = None) -> dict:
    body = {"sku": sku or unique("SKU"), "name": unique("Product"), "price": price,
            "vat_rate": vat_rate, "unit_cost": unit_cost}
    return expect(c.post("/api/v1/products", body, auth=token), 201, "create product")


def open_stock(c: Client, token: str, sku: str, on_hand: int, reorder_point: int = 0) -> dict:
    body = {"sku": sku, "on_hand": on_hand, "reorder_point": reorder_point}
    return expect(c.post("/api/v1/inventory", body, auth=token), 201, "open stock")


def product_with_stock(c: Client, token: str, on_hand: int, **product: Any) -> dict:
    p = create_product(c, token, **product)
    open_stock(c, token, p["sku"], on_hand)
    return p


def stock(c: Client, token: str, sku: str) -> dict:
    return expect(c.get(f"/api/v1/inventory/{sku}", auth=token), 200, "read stock")


# ------------------------------------------------------------------------------------------
# Orders and invoices

def order_body(customer_id: str, *items: tuple) -> dict:
    """items: (sku, qty) or (sku, qty, price)."""
    lines = []
    for it in items:
        line = {"sku": it[0], "qty": it[1]}
        if len(it) > 2:
            line["price"] = it[2]
        lines.append(line)
    return {"customer_id": customer_id, "items": lines}


def post_order(c: Client, token: str, customer_id: str, *items: tuple,
               headers: Optional[dict] = None) -> Response:
    return c.post("/api/v1/orders", order_body(customer_id, *items), auth=token, headers=headers)


def place_order(c: Client, token: str, customer_id: str, *items: tuple) -> dict:
    return expect(post_order(c, token, customer_id, *items), 201, "place order")


def patch_order(c: Client, token: str, order_id: str, status: str) -> Response:
    return c.request("PATCH", f"/api/v1/orders/{order_id}", body={"status": status}, auth=token)


def get_order(c: Client, token: str, order_id: str) -> dict:
    return expect(c.get(f"/api/v1/orders/{order_id}", auth=token), 200, "read order")


def invoices_of_order(c: Client, token: str, order_id: str) -> list:
    body = expect(c.get(f"/api/v1/invoices?order_id={order_id}", auth=token), 200,
                  "list invoices of an order")
    return body["items"]


def wait_invoice(c: Client, token: str, order_id: str,
                 timeout: float = INVOICE_TIMEOUT) -> dict:
    """Waits for the asynchronous invoicer to issue the order's invoice; returns it in full."""
    items = harness.wait_until(lambda: invoices_of_order(c, token, order_id), timeout, 0.05,
                               f"the invoice of order {order_id}")
    if len(items) != 1:
        raise AssertionError(f"order {order_id} has {len(items)} invoices: {items}")
    return get_invoice(c, token, items[0]["id"])


def get_invoice(c: Client, token: str, invoice_id: str) -> dict:
    return expect(c.get(f"/api/v1/invoices/{invoice_id}", auth=token), 200, "read invoice")


def pay(c: Client, token: str, invoice_id: str, amount: Any, method: str = "cash",
        reference: Optional[str] = None) -> Response:
    body = {"amount": amount, "method": method}
    if reference is not None:
        body["reference"] = reference
    return c.post(f"/api/v1/invoices/{invoice_id}/payments", body, auth=token)


def list_all(c: Client, token: str, path: str, limit: int = 500) -> list:
    """Every item of a cursor-paged listing (path may already carry a query)."""
    sep = "&" if "?" in path else "?"
    out: list = []
    cursor = None
    while True:
        url = f"{path}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = expect(c.get(url, auth=token), 200, f"list {path}")
        out.extend(body["items"])
        cursor = body.get("next_cursor")
        if not cursor:
            return out


# ------------------------------------------------------------------------------------------
# Ledger, events, metrics

AR, CASH, BANK, INVENTORY, VAT_PAYABLE, REVENUE, COGS = (
    "1100", "1000", "1010", "1300", "2200", "4000", "5000")


class TrialBalance:
    def __init__(self, body: dict):
        self.body = body
        self.accounts = {a["code"]: a for a in body["accounts"]}
        self.total_debit = D(body["total_debit"])
        self.total_credit = D(body["total_credit"])
        self.balanced = body["balanced"]

    def debit(self, code: str) -> Decimal:
        return D(self.accounts[code]["debit"])

    def credit(self, code: str) -> Decimal:
        return D(self.accounts[code]["credit"])

    def balance(self, code: str) -> Decimal:
        """debit - credit."""
        return D(self.accounts[code]["balance"])


def trial_balance(c: Client, token: str) -> TrialBalance:
    return TrialBalance(expect(c.get("/api/v1/ledger/trial-balance", auth=token), 200,
                               "trial balance"))


def all_events(c: Client, admin: str) -> list:
    out: list = []
    after = 0
    while True:
        body = expect(c.get(f"/api/v1/events?after={after}&limit=1000", auth=admin), 200,
                      "read events")
        out.extend(body["items"])
        if not body["next_cursor"]:
            return out
        after = int(body["next_cursor"])


def invoicer_lag(c: Client) -> Optional[float]:
    """smartdairy_consumer_lag_events for billing.invoicer from /metrics (None if absent)."""
    r = c.get("/metrics")
    if r.status != 200:
        return None
    m = re.search(r'^smartdairy_consumer_lag_events\{[^}]*consumer="billing\.invoicer"[^}]*\}'
                  r'\s+(\S+)$', r.body, re.M)
    return float(m.group(1)) if m else None


def wait_invoicer_idle(c: Client, timeout: float = INVOICE_TIMEOUT) -> None:
    """Waits until the invoicer has applied every committed event (nothing async in flight)."""
    harness.wait_until(lambda: invoicer_lag(c) == 0, timeout, 0.05, "billing.invoicer lag 0")
