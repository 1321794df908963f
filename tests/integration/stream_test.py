"""GET /api/v1/stream (server-sent events) against the real binary: an order's events arrive
live and in order, Last-Event-ID resumes with exactly the missed events, each role sees only
what it may read, heartbeats, the per-user cap, and SIGTERM with a stream open.
"""

import json
import re
import signal
import socket
import threading
import time
import unittest
from typing import Any, Callable, Optional

import harness
from harness import ServerTestCase
from o2c_support import (all_events, create_customer, expect, place_order, product_with_stock,
                         user_token, wait_invoice, wait_invoicer_idle)

TIMEOUT = 30.0 * harness.SCALE
FARM_PASSWORD = "it-Fm7-Secret-0201-sa"
VIEWER_PASSWORD = "it-Vw7-Secret-0202-sb"


class SseStream:
    """One GET /api/v1/stream over a plain socket, parsed by a reader thread as bytes come."""

    def __init__(self, server: harness.Server, token: Optional[str],
                 last_event_id: Optional[Any] = None, query: str = "",
                 session: Optional[harness.Session] = None):
        self.sock = server.connect(TIMEOUT)
        lines = [f"GET /api/v1/stream{query} HTTP/1.1", f"Host: {harness.HOST}",
                 "Accept: text/event-stream"]
        if token is not None:
            lines.append("Authorization: Bearer " + token)
        if session is not None:
            lines.append("Cookie: " + session.cookie_header)
        if last_event_id is not None:
            lines.append(f"Last-Event-ID: {last_event_id}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.cv = threading.Condition()
        self.messages: list = []  # dicts: id (int or None), event, data (parsed JSON)
        self.pings = 0
        self.retry: Optional[int] = None
        self.closed = False
        self.raw = b""
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError(f"closed inside the response head: {head!r}")
            head += chunk
        head, _, rest = head.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split(" ")[1])
        self.headers = {}
        for line in header_lines:
            k, _, v = line.partition(":")
            self.headers[k.strip().lower()] = v.strip()
        if self.status != 200:
            n = int(self.headers.get("content-length", "0"))
            while len(rest) < n:
                rest += self.sock.recv(65536)
            self.body = json.loads(rest[:n]) if n else None
            self.sock.close()
            self.closed = True
            return
        self._buf = rest
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        with self.cv:
            self._parse()
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                with self.cv:
                    self.raw += chunk
                    self._buf += chunk
                    self._parse()
        except OSError:
            pass
        with self.cv:
            self.closed = True
            self.cv.notify_all()

    def _parse(self) -> None:
        while b"\n\n" in self._buf:
            block, _, self._buf = self._buf.partition(b"\n\n")
            msg = {"id": None, "event": "message", "data": None}
            fields = False
            for line in block.decode("utf-8").split("\n"):
                if line.startswith(":"):
                    self.pings += 1
                    continue
                name, _, value = line.partition(": ")
                if name == "retry":
                    self.retry = int(value)
                elif name == "id":
                    msg["id"] = int(value)
                    fields = True
                elif name == "event":
                    msg["event"] = value
                    fields = True
                elif name == "data":
                    msg["data"] = json.loads(value)
                    fields = True
            if fields:
                self.messages.append(msg)
        self.cv.notify_all()

    def wait(self, pred: Callable[["SseStream"], Any], what: str,
             timeout: float = TIMEOUT) -> Any:
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                v = pred(self)
                if v:
                    return v
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}; got "
                                         f"{[(m['id'], m['event']) for m in self.messages]}")
                self.cv.wait(left)

    def events(self, *types: str) -> list:
        with self.cv:
            return [m for m in self.messages if not types or m["event"] in types]

    def outbox(self) -> list:
        """The messages that are outbox events (not derived ones such as kpi.snapshot)."""
        with self.cv:
            return [m for m in self.messages if m["event"] not in ("kpi.snapshot", "reset")]

    def of_order(self, order_id: str) -> list:
        """The order's order.created, stock.reserved and invoice.issued, as received."""
        out = []
        with self.cv:
            for m in self.messages:
                d = m["data"] or {}
                inner = d.get("data") or {}
                if (d.get("aggregate_id") == order_id or inner.get("order_id") == order_id
                        or inner.get("id") == order_id):
                    out.append(m)
        return out

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def order_types(msgs: list) -> list:
    return [m["event"] for m in msgs if m["event"] in
            ("order.created", "stock.reserved", "invoice.issued")]


class StreamTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = cls.class_server()
        cls.admin = harness.admin_token(cls.server)
        cls.farm = user_token(cls.server, "farmer", "farm", FARM_PASSWORD)
        with cls.server.client() as c:
            cls.customer = create_customer(c, cls.admin)
            cls.product = product_with_stock(c, cls.admin, 1000)

    def setUp(self):
        self.c = self.server.client()
        self.addCleanup(self.c.close)

    def open(self, token: Optional[str], **kw) -> SseStream:
        s = SseStream(self.server, token, **kw)
        self.addCleanup(s.close)
        return s

    def place(self) -> dict:
        return place_order(self.c, self.admin, self.customer["id"], (self.product["sku"], 1))

    def wait_order_events(self, s: SseStream, order_id: str) -> list:
        s.wait(lambda st: len(order_types(st.of_order(order_id))) >= 3,
               f"the three events of order {order_id}")
        return [m for m in s.of_order(order_id) if m["event"] in
                ("order.created", "stock.reserved", "invoice.issued")]

    def test_an_order_streams_created_reserved_invoiced_in_order(self):
        s = self.open(self.admin)
        self.assertEqual(s.status, 200)
        self.assertEqual(s.headers.get("content-type"), "text/event-stream")
        self.assertEqual(s.headers.get("cache-control"), "no-store")
        self.assertEqual(s.headers.get("x-accel-buffering"), "no")
        self.assertEqual(s.headers.get("x-content-type-options"), "nosniff")
        self.assertIn("content-security-policy", s.headers)
        self.assertNotIn("content-length", s.headers)
        s.wait(lambda st: st.retry is not None, "retry:")
        self.assertEqual(s.retry, 2000)

        order = self.place()
        msgs = self.wait_order_events(s, order["id"])
        # The stream keeps the outbox's order. Placing an order reserves its stock before it
        # appends order.created (one transaction), so stock.reserved comes first; the invoice,
        # issued by the billing consumer after the commit, always comes last.
        self.assertEqual(sorted(order_types(msgs)),
                         ["invoice.issued", "order.created", "stock.reserved"])
        self.assertEqual(order_types(msgs)[-1], "invoice.issued")
        outbox = [e["type"] for e in all_events(self.c, self.admin)
                  if e["seq"] in {m["id"] for m in msgs}]
        self.assertEqual(order_types(msgs), outbox)
        seqs = [m["id"] for m in msgs]
        self.assertEqual(seqs, sorted(seqs))
        self.assertEqual(len(set(seqs)), 3)
        every_id = [m["id"] for m in s.events() if m["id"] is not None]
        self.assertEqual(every_id, sorted(every_id), "ids never go back")
        outbox_ids = [m["id"] for m in s.outbox()]
        self.assertEqual(outbox_ids, sorted(set(outbox_ids)), "ids increase, no duplicate")
        for m in msgs:
            self.assertEqual(m["data"]["seq"], m["id"])
            self.assertEqual(m["data"]["type"], m["event"])
        # The envelope is exactly what GET /api/v1/events shows.
        for m in msgs:
            body = expect(self.c.get(f"/api/v1/events?after={m['id'] - 1}&limit=1",
                                     auth=self.admin), 200, "read event")
            self.assertEqual(body["items"][0], m["data"])
        self.assertRegex(msgs[0]["data"]["occurred_at"],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
        # Streaming does not count as a request in flight: only this /metrics request does.
        metrics = self.c.get("/metrics").body
        in_flight = re.search(r"(?m)^smartdairy_http_requests_in_flight (\S+)$", metrics)
        self.assertEqual(in_flight and in_flight.group(1), "1")
        clients = re.search(r"(?m)^smartdairy_sse_clients (\S+)$", metrics)
        self.assertGreaterEqual(float(clients.group(1)), 1)

    def test_last_event_id_replays_exactly_the_missed_events(self):
        s = self.open(self.admin)
        first = self.place()
        seen = self.wait_order_events(s, first["id"])
        s.close()
        last = max(m["id"] for m in s.outbox())
        self.assertEqual(last, seen[-1]["id"])

        # Missed while disconnected.
        missed = self.place()
        wait_invoice(self.c, self.admin, missed["id"])
        wait_invoicer_idle(self.c)
        expected = [e for e in all_events(self.c, self.admin) if e["seq"] > last]
        self.assertGreaterEqual(len(expected), 3)

        for how in ("header", "query"):
            with self.subTest(how=how):
                if how == "header":
                    again = self.open(self.admin, last_event_id=last)
                else:
                    again = self.open(self.admin, query=f"?last_event_id={last}")
                self.assertEqual(again.status, 200)
                again.wait(lambda st: len(st.outbox()) >= len(expected), "the replay")
                got = again.outbox()[:len(expected)]
                self.assertEqual([m["id"] for m in got], [e["seq"] for e in expected])
                self.assertEqual([m["data"] for m in got], expected)
                # ...then live, with no gap and no duplicate.
                live = self.place()
                self.wait_order_events(again, live["id"])
                ids = [m["id"] for m in again.outbox()]
                self.assertEqual(ids, sorted(set(ids)))
                self.assertEqual(ids[0], last + 1)
                self.assertEqual(ids, list(range(last + 1, ids[-1] + 1)), "gap-free")
                again.close()
                wait_invoicer_idle(self.c)
                last = ids[-1]
                expected = [e for e in all_events(self.c, self.admin) if e["seq"] > last]

    def test_farm_sees_stock_but_not_orders_or_invoices(self):
        farm = self.open(self.farm)
        admin = self.open(self.admin)
        order = self.place()
        self.wait_order_events(admin, order["id"])
        farm.wait(lambda st: st.events("stock.reserved"), "stock.reserved for the farm")
        # The farm stream is behind no one: by now it would hold order.* had it been sent.
        time.sleep(0.2)
        types = {m["event"] for m in farm.events()}
        self.assertIn("stock.reserved", types)
        self.assertFalse({t for t in types if t.startswith(("order.", "invoice.", "payment.",
                                                             "customer.", "user.", "token.",
                                                             "kpi."))},
                         types)

    def test_kpi_snapshot_reaches_roles_with_analytics_read(self):
        viewer = self.open(user_token(self.server, "viewer1", "viewer", VIEWER_PASSWORD))
        order = self.place()
        kpi = viewer.wait(lambda st: [m for m in st.events("kpi.snapshot")
                                      if m["data"]["seq"] >= 1], "a kpi.snapshot")[-1]
        self.assertEqual(kpi["data"]["type"], "kpi.snapshot")
        self.assertIsInstance(kpi["data"]["data"], dict)
        if kpi["id"] is not None:
            self.assertEqual(kpi["id"], kpi["data"]["seq"])
        # The viewer reads orders but not users or tokens.
        viewer.wait(lambda st: [m for m in st.of_order(order["id"])
                                if m["event"] == "order.created"], "order.created")
        self.assertFalse(viewer.events("user.created", "token.created"))

    def test_bad_requests(self):
        self.assertEqual(self.open(None).status, 401)
        bad = self.open(self.admin, last_event_id="x1")
        self.assertEqual(bad.status, 400)
        self.assertEqual(bad.body["error"]["code"], "invalid_last_event_id")
        since = self.open(self.admin, query="?since=yesterday")
        self.assertEqual(since.status, 422)
        ok = self.open(self.admin, query="?since=now")
        self.assertEqual(ok.status, 200)

    def test_resume_beyond_the_outbox_sends_reset(self):
        wait_invoicer_idle(self.c)
        top = all_events(self.c, self.admin)[-1]["seq"]
        s = self.open(self.admin, last_event_id=top + 1000)
        s.wait(lambda st: st.events("reset"), "event: reset")
        reset = s.events("reset")[0]
        self.assertGreaterEqual(reset["id"], top)
        self.assertEqual(reset["data"]["type"], "reset")


class StreamLimitsTest(ServerTestCase):

    def test_heartbeat_and_per_user_cap(self):
        srv = self.new_server(args=["--sse-heartbeat-ms", "200", "--sse-max-per-user", "2"])
        token = harness.admin_token(srv)
        a = SseStream(srv, token)
        self.addCleanup(a.close)
        t0 = time.monotonic()
        a.wait(lambda st: st.pings >= 2, "two heartbeats")
        self.assertLess(time.monotonic() - t0, 3.0 * harness.SCALE)
        b = SseStream(srv, token)
        self.addCleanup(b.close)
        self.assertEqual(b.status, 200)
        refused = SseStream(srv, token)
        self.assertEqual(refused.status, 429)
        self.assertEqual(refused.body["error"]["code"], "too_many_streams")
        # Closing a stream frees its slot (the server notices the close at once).
        b.close()
        def reopened() -> bool:
            s = SseStream(srv, token)
            s.close()
            return s.status == 200
        harness.wait_until(reopened, TIMEOUT, 0.05, "a free stream slot")

    def test_logout_and_token_revocation_end_the_stream(self):
        srv = self.new_server(args=["--sse-heartbeat-ms", "200"])
        with srv.client() as c:
            session = harness.login(c, "admin", srv.admin_password)
            by_cookie = SseStream(srv, None, session=session)
            self.addCleanup(by_cookie.close)
            self.assertEqual(by_cookie.status, 200)
            created = harness.create_token(c, session, "streamer")
            by_token = SseStream(srv, created["token"])
            self.addCleanup(by_token.close)
            self.assertEqual(by_token.status, 200)
            by_token.wait(lambda st: st.pings >= 1, "a heartbeat on the token's stream")

            r = c.request("DELETE", f"/api/v1/auth/tokens/{created['id']}", auth=session)
            self.assertEqual(r.status, 204, str(r))
            by_token.wait(lambda st: st.closed, "the revoked token's stream to end", 5)
            self.assertFalse(by_cookie.closed, "only the revoked token's stream ends")

            r = c.post("/api/v1/auth/logout", auth=session)
            self.assertEqual(r.status, 204, str(r))
            by_cookie.wait(lambda st: st.closed, "the logged-out session's stream to end", 5)

    def test_sigterm_with_an_open_stream_exits_promptly(self):
        srv = self.new_server()
        token = harness.admin_token(srv)
        s = SseStream(srv, token)
        self.addCleanup(s.close)
        s.wait(lambda st: st.retry is not None, "the stream to start")
        t0 = time.monotonic()
        srv.signal(signal.SIGTERM)
        self.assertEqual(srv.wait(), 0, srv.output())
        elapsed = time.monotonic() - t0
        s.wait(lambda st: st.closed, "the server to close the stream", 5)
        self.assertFalse(srv.find_log("shutdown grace period over"),
                         "an open stream must not hold the drain\n" + srv.output())
        self.assertLess(elapsed, 2.0 * harness.SCALE, srv.output())


if __name__ == "__main__":
    unittest.main()
