"""kill -9 during writes: acknowledged writes survive, the database stays consistent."""

import signal
import sqlite3
import threading
import time
import unittest

import harness
from harness import ServerTestCase, login

WRITERS = 8
WRITE_PHASE_SECONDS = 1.5


class CrashTest(ServerTestCase):

    @staticmethod
    def _writer(port, token, acked, errors, stop, idx):
        """Creates API tokens until stopped; records the id of each acknowledged one."""
        harness.post_until_stopped(port, token, "/api/v1/auth/tokens",
                                   lambda n: {"name": f"crash-{idx}-{n}"},
                                   lambda body: acked.append(body["id"]), errors, stop)

    def test_kill9_during_writes(self):
        srv = self.new_server()
        with srv.client() as c:
            s = login(c, "admin", srv.admin_password)
            first = harness.create_token(c, s, "crash-writer")
        token = first["token"]

        acked: list = []  # list.append is atomic under the GIL
        errors: list = []
        stop = threading.Event()
        threads = [threading.Thread(target=self._writer,
                                    args=(srv.port, token, acked, errors, stop, i), daemon=True)
                   for i in range(WRITERS)]
        for t in threads:
            t.start()
        try:
            # Write for a while, but make sure some writes were acknowledged before the kill
            # (a slow sanitizer build may need longer to get going).
            time.sleep(WRITE_PHASE_SECONDS)
            harness.wait_until(lambda: len(acked) >= 20, 60 * harness.SCALE, 0.05,
                               "20 acknowledged writes")
            srv.kill9()
            self.assertEqual(srv.returncode, -9)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=harness.HTTP_TIMEOUT + 10)
        self.assertFalse([t for t in threads if t.is_alive()], "writer threads hung")
        self.assertEqual(errors, [], "unexpected responses before the kill")
        acked_ids = set(acked)
        self.assertEqual(len(acked_ids), len(acked), "duplicate token ids")

        # The database after the crash, as SQLite recovers it from the WAL.
        db = sqlite3.connect(srv.db_path, timeout=30)
        try:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            self.assertEqual(db.execute("PRAGMA foreign_key_check").fetchall(), [])
            stored = {r[0] for r in db.execute("SELECT id FROM api_tokens")}
            missing = acked_ids - stored
            self.assertFalse(missing, f"{len(missing)} of {len(acked_ids)} acknowledged "
                             "tokens lost after kill -9")
            # Atomicity: every stored token has exactly one token.created event and back.
            events = db.execute("SELECT aggregate_id, COUNT(*) FROM events_log "
                                "WHERE type = 'token.created' GROUP BY aggregate_id").fetchall()
            self.assertEqual({a for a, _ in events}, stored)
            self.assertTrue(all(n == 1 for _, n in events))
            seqs = [r[0] for r in db.execute("SELECT seq FROM events_log ORDER BY seq")]
            self.assertEqual(seqs, list(range(1, len(seqs) + 1)), "events_log seq has gaps")
        finally:
            db.close()

        # Restart on the same directory: ready, consistent, and the log is gap-free.
        srv.start()
        with srv.client() as c:
            r = c.get("/readyz")
            self.assertEqual(r.status, 200, str(r))
            seqs = []
            after = 0
            while True:
                r = c.get(f"/api/v1/events?after={after}&limit=1000", auth=token)
                self.assertEqual(r.status, 200, str(r))
                seqs += [e["seq"] for e in r.body["items"]]
                if r.body["next_cursor"] is None:
                    break
                after = int(r.body["next_cursor"])
            self.assertEqual(seqs, list(range(1, len(seqs) + 1)), "events seq has gaps")
            self.assertGreaterEqual(len(seqs), len(acked_ids) + 2)
            # Writes work after recovery and continue the sequence.
            tok = harness.create_token(c, token, "after-crash")
            r = c.get(f"/api/v1/events?after={seqs[-1]}", auth=token)
            self.assertEqual([(e["seq"], e["aggregate_id"]) for e in r.body["items"]],
                             [(seqs[-1] + 1, tok["id"])])
        self.assertEqual(srv.stop(), 0, srv.output())

    def test_sigterm_during_writes(self):
        # Graceful shutdown under write load: exit 0, every acknowledged write is stored, and
        # no request fails with a 5xx other than 503 (shutting down).
        srv = self.new_server()
        token = harness.admin_token(srv, "drain-writer")
        acked: list = []
        errors: list = []
        stop = threading.Event()
        threads = [threading.Thread(target=self._writer,
                                    args=(srv.port, token, acked, errors, stop, i), daemon=True)
                   for i in range(WRITERS)]
        for t in threads:
            t.start()
        try:
            harness.wait_until(lambda: len(acked) >= 20, 60 * harness.SCALE, 0.05,
                               "20 acknowledged writes")
            srv.signal(signal.SIGTERM)
            rc = srv.wait()
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=harness.HTTP_TIMEOUT + 10)
        self.assertEqual(rc, 0, srv.output())
        self.assertEqual(errors, [])
        self.assertTrue(srv.find_log("stopped"), srv.output())
        db = sqlite3.connect(srv.db_path, timeout=30)
        try:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            stored = {r[0] for r in db.execute("SELECT id FROM api_tokens")}
            self.assertFalse(set(acked) - stored, "acknowledged tokens lost at shutdown")
            seqs = [r[0] for r in db.execute("SELECT seq FROM events_log ORDER BY seq")]
            self.assertEqual(seqs, list(range(1, len(seqs) + 1)))
        finally:
            db.close()


if __name__ == "__main__":
    unittest.main()
