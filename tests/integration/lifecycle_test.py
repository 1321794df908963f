"""Start, restart, shutdown, files and command line of the real binary."""

import os
import signal
import stat
import subprocess
import tempfile
import time
import unittest

import harness
from harness import ServerTestCase, Server, login, run_cli, wait_closed_by_peer

GRACEFUL_EXIT_LIMIT = 5.0  # README: exits 0 within 5 seconds


def req(method, target, headers=None, body=b""):
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class HealthTest(ServerTestCase):

    def test_healthz_and_readyz(self):
        srv = self.new_server()
        with srv.client() as c:
            r = c.get("/healthz")
            self.assertEqual(r.status, 200, str(r))
            self.assertEqual(r.body, {"status": "ok"})
            r = c.get("/readyz")
            self.assertEqual(r.status, 200, str(r))
            self.assertEqual(r.body, {"status": "ready"})


class ShutdownTest(ServerTestCase):

    def test_sigterm_with_idle_keep_alive_connections(self):
        srv = self.new_server()
        socks = []
        try:
            for _ in range(5):
                s = srv.connect()
                socks.append(s)
                s.sendall(req("GET", "/healthz"))
                self.assertEqual(harness.read_response(s).status, 200)
            started = time.monotonic()
            srv.signal(signal.SIGTERM)
            rc = srv.wait(timeout=harness.STOP_TIMEOUT)
            elapsed = time.monotonic() - started
            self.assertEqual(rc, 0, srv.output())
            self.assertLess(elapsed, GRACEFUL_EXIT_LIMIT * harness.SCALE,
                            "SIGTERM took too long\n" + srv.output())
            for s in socks:
                self.assertTrue(wait_closed_by_peer(s, 5), "idle connection left open")
        finally:
            for s in socks:
                s.close()
        self.assertTrue(srv.find_log("stopped"), srv.output())
        self.assertTrue(srv.find_log("signal received; draining"), srv.output())
        self.assertFalse(srv.find_log("shutdown grace period over"),
                         "idle connections must be closed at once, not waited for\n"
                         + srv.output())

    def test_sigint_exits_0(self):
        srv = self.new_server()
        srv.signal(signal.SIGINT)
        self.assertEqual(srv.wait(), 0, srv.output())
        self.assertTrue(srv.find_log("stopped"), srv.output())

    def test_in_flight_request_finishes_during_shutdown(self):
        # A login whose body is only half sent is in flight (headers read). SIGTERM must let
        # it finish: the server answers it, then closes the connection and exits 0.
        srv = self.new_server()
        body = ('{"username":"admin","password":"%s"}' % srv.admin_password).encode()
        head = req("POST", "/api/v1/auth/login",
                   {"Content-Type": "application/json", "Content-Length": str(len(body))})
        with srv.connect() as s:
            s.sendall(head + body[:10])
            time.sleep(1.0)  # let the server read the head (only a lower bound matters)
            srv.signal(signal.SIGTERM)
            time.sleep(0.3)
            s.sendall(body[10:])
            r = harness.read_response(s)
            self.assertIsNotNone(r, "in-flight request dropped at shutdown\n" + srv.output())
            self.assertEqual(r.status, 200, r.body)
            self.assertTrue(r.closed, "response during drain must carry Connection: close")
            self.assertTrue(wait_closed_by_peer(s, 10))
        self.assertEqual(srv.wait(), 0, srv.output())

    def test_no_new_connections_after_sigterm(self):
        srv = self.new_server()
        port = srv.port
        self.assertEqual(srv.stop(), 0, srv.output())
        with self.assertRaises(OSError):
            import socket
            socket.create_connection(("127.0.0.1", port), timeout=5).close()


class RestartTest(ServerTestCase):

    def test_restart_keeps_users_and_prints_no_new_password(self):
        srv = self.new_server(start=False, admin_password=None)  # generated password
        srv.start()
        created = [r for r in srv.records() if "created the first user" in r.get("msg", "")]
        self.assertEqual(len(created), 1, srv.output())
        pw_lines = [r for r in srv.records() if "password" in r]
        self.assertEqual(len(pw_lines), 1, srv.output())
        self.assertEqual(pw_lines[0].get("level"), "warn")
        password = pw_lines[0]["password"]
        self.assertGreaterEqual(len(password), 16)
        with srv.client() as c:
            s = login(c, "admin", password)
            tok = harness.create_token(c, s, "survives-restart")
        self.assertEqual(srv.stop(), 0, srv.output())

        srv.start()  # same data dir
        second = srv.records(all_runs=False)
        self.assertFalse([r for r in second if "password" in r],
                         "second start printed a password\n" + srv.output())
        self.assertFalse([r for r in second if "created the first user" in r.get("msg", "")])
        self.assertFalse(srv.find_log("applied migrations"), "migrations re-applied")
        with srv.client() as c:
            s = login(c, "admin", password)
            self.assertEqual(c.get("/api/v1/auth/me", auth=tok["token"]).status, 200)
            self.assertEqual(c.get("/readyz").status, 200)
        # ADMIN_PASSWORD on a later start does not change the existing admin.
        self.assertEqual(srv.stop(), 0, srv.output())
        srv.start(env={"SMARTDAIRY_ADMIN_PASSWORD": "another-Passw0rd-xyz"})
        with srv.client() as c:
            login(c, "admin", password)
            r = c.post("/api/v1/auth/login", {"username": "admin",
                                              "password": "another-Passw0rd-xyz"})
            self.assertEqual(r.status, 401)

    def test_session_survives_restart(self):
        srv = self.new_server()
        with srv.client() as c:
            s = login(c, "admin", srv.admin_password)
        self.assertEqual(srv.stop(), 0, srv.output())
        srv.start()
        with srv.client() as c:
            r = c.get("/api/v1/auth/me", auth=s)
            self.assertEqual(r.status, 200, str(r))
            self.assertEqual(r.body["authenticated_by"], "session")

    def test_weak_admin_password_refused(self):
        for pw in ("short", "my-admin-password-1", "WinnieThePooh"):
            with self.subTest(password=pw):
                srv = self.new_server(start=False, admin_password=pw)
                with self.assertRaises(AssertionError) as cm:
                    srv.start()
                self.assertIn("exited with", str(cm.exception))
                self.assertNotEqual(srv.proc.returncode, 0)
                self.assertIn("cannot create the first admin", srv.output())
                self.assertNotIn(pw, srv.output(), "the rejected password is echoed")
                self.assertFalse(os.path.exists(srv.db_path) and self._has_users(srv.db_path))

    @staticmethod
    def _has_users(db_path):
        import sqlite3
        db = sqlite3.connect(db_path)
        try:
            return db.execute("SELECT COUNT(*) FROM users").fetchone()[0] > 0
        except sqlite3.Error:
            return False
        finally:
            db.close()


class FilesTest(ServerTestCase):

    def test_data_dir_and_db_modes(self):
        srv = self.new_server()
        with srv.client() as c:
            login(c, "admin", srv.admin_password)  # some writes
        self.assertEqual(stat.S_IMODE(os.stat(srv.data_dir).st_mode), 0o700)
        self.assertEqual(stat.S_IMODE(os.stat(srv.db_path).st_mode), 0o600)
        for suffix in ("-wal", "-shm"):
            p = srv.db_path + suffix
            if os.path.exists(p):
                self.assertEqual(stat.S_IMODE(os.stat(p).st_mode), 0o600, p)

    def test_open_data_dir_is_tightened(self):
        srv = Server()
        self.addCleanup(self._finish_server, srv)
        os.makedirs(srv.data_dir)
        os.chmod(srv.data_dir, 0o755)
        srv.start()
        self.assertEqual(stat.S_IMODE(os.stat(srv.data_dir).st_mode), 0o700)
        self.assertTrue(srv.find_log("tightened data directory permissions to 0700"))

    def test_data_dir_is_a_file(self):
        srv = Server()
        self.addCleanup(self._finish_server, srv)
        os.makedirs(os.path.dirname(srv.data_dir), exist_ok=True)
        with open(srv.data_dir, "w") as f:
            f.write("x")
        with self.assertRaises(AssertionError):
            srv.start()
        self.assertNotEqual(srv.proc.returncode, 0)
        self.assertIn("not a directory", srv.output())


class CommandLineTest(unittest.TestCase):

    def test_version(self):
        cp = run_cli(["version"])
        self.assertEqual(cp.returncode, 0, cp.stderr)
        self.assertRegex(cp.stdout, r"^smartdairy \d+\.\d+\.\d+")
        cp2 = run_cli(["--version"])
        self.assertEqual(cp2.returncode, 0, cp2.stderr)
        self.assertIn(cp.stdout.split()[1], cp2.stdout)

    def test_help(self):
        cp = run_cli(["--help"])
        self.assertEqual(cp.returncode, 0, cp.stderr)
        for word in ("serve", "migrate", "user", "version", "Smart Dairy"):
            self.assertIn(word, cp.stdout)
        cp = run_cli(["serve", "--help"])
        self.assertEqual(cp.returncode, 0, cp.stderr)
        for word in ("--listen", "--data-dir", "--header-timeout-ms", "SMARTDAIRY_LISTEN"):
            self.assertIn(word, cp.stdout)

    def test_no_subcommand_fails(self):
        cp = run_cli([])
        self.assertNotEqual(cp.returncode, 0)

    def test_invalid_listen(self):
        with tempfile.TemporaryDirectory(prefix="sd-it-") as tmp:
            d = os.path.join(tmp, "data")
            for listen, expect in (("nonsense", "--listen must be HOST:PORT"),
                                   ("127.0.0.1:99999", "invalid port"),
                                   ("127.0.0.1:http", "invalid port"),
                                   ("999.1.1.1:0", "Cannot parse listen address")):
                with self.subTest(listen=listen):
                    cp = run_cli(["serve", "--listen", listen, "--data-dir", d],
                                 env={"SMARTDAIRY_ADMIN_PASSWORD": harness.ADMIN_PASSWORD},
                                 timeout=harness.START_TIMEOUT)
                    self.assertNotEqual(cp.returncode, 0, cp.stdout)
                    self.assertIn(expect, cp.stdout + cp.stderr)
                    self.assertNotIn('"msg":"listening"', cp.stdout)

    def test_port_in_use(self):
        import socket
        with socket.socket() as blocker, tempfile.TemporaryDirectory(prefix="sd-it-") as tmp:
            blocker.bind(("127.0.0.1", 0))
            blocker.listen(1)
            port = blocker.getsockname()[1]
            cp = run_cli(["serve", "--listen", f"127.0.0.1:{port}", "--data-dir",
                          os.path.join(tmp, "data")],
                         env={"SMARTDAIRY_ADMIN_PASSWORD": harness.ADMIN_PASSWORD},
                         timeout=harness.START_TIMEOUT)
            self.assertNotEqual(cp.returncode, 0, cp.stdout)
            self.assertIn("Cannot listen", cp.stdout + cp.stderr)

    def test_invalid_option_values(self):
        with tempfile.TemporaryDirectory(prefix="sd-it-") as tmp:
            d = os.path.join(tmp, "data")
            for args in (["--header-timeout-ms", "5"], ["--log-level", "loud"],
                         ["--threads", "-1"], ["--no-such-flag"]):
                with self.subTest(args=args):
                    cp = run_cli(["serve", "--listen", "127.0.0.1:0", "--data-dir", d, *args],
                                 timeout=harness.START_TIMEOUT)
                    self.assertNotEqual(cp.returncode, 0, cp.stdout)
                    self.assertNotIn('"msg":"listening"', cp.stdout)

    def test_migrate(self):
        with tempfile.TemporaryDirectory(prefix="sd-it-") as tmp:
            d = os.path.join(tmp, "data")
            cp = run_cli(["migrate", "--data-dir", d])
            self.assertEqual(cp.returncode, 0, cp.stderr)
            self.assertRegex(cp.stdout, r"applied [1-9]\d* migration")
            cp = run_cli(["migrate", "--data-dir", d])
            self.assertEqual(cp.returncode, 0, cp.stderr)
            self.assertIn("applied 0 migration", cp.stdout)
            self.assertEqual(stat.S_IMODE(os.stat(d).st_mode), 0o700)
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(d, "smartdairy.db")).st_mode),
                             0o600)


if __name__ == "__main__":
    unittest.main()
