"""Authentication and authorization over HTTP against the real binary."""

import json
import threading
import time
import unittest

import harness
from harness import ADMIN_PASSWORD, ServerTestCase, add_user, create_token, login

VIEWER_PASSWORD = "it-Vw4-Secret-0002-kd"
MANAGER_PASSWORD = "it-Mg9-Secret-0003-pz"
GENERIC_401 = "Wrong username or password."


class AuthTest(ServerTestCase):
    """Shares one server; each test uses its own sessions and tokens."""

    @classmethod
    def setUpClass(cls):
        cls.server = cls.class_server()
        add_user(cls.server, "viewer1", "viewer", VIEWER_PASSWORD)

    def setUp(self):
        self.c = self.server.client()
        self.addCleanup(self.c.close)

    def test_login_sets_session_cookie(self):
        r = self.c.post("/api/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD})
        self.assertEqual(r.status, 200, str(r))
        self.assertEqual(r.body["user"]["username"], "admin")
        self.assertEqual(r.body["user"]["role"], "admin")
        self.assertIn("events.read", r.body["user"]["permissions"])
        self.assertTrue(r.body["csrf_token"])
        self.assertTrue(r.body["expires_at"])
        cookies = r.headers.get_all("Set-Cookie")
        self.assertEqual(len(cookies), 1, cookies)
        name, value, attrs = harness.parse_set_cookie(cookies[0])
        self.assertEqual(name, "sd_session")
        self.assertGreaterEqual(len(value), 32)
        self.assertIn("httponly", attrs)
        self.assertEqual(attrs.get("samesite", "").lower(), "strict")
        self.assertEqual(attrs.get("path"), "/")
        self.assertNotIn("secure", attrs, "plain HTTP without --behind-tls: no Secure")
        # The session value is not echoed in the body.
        self.assertNotIn(value, r.raw.decode())

    def test_username_is_case_insensitive(self):
        s = login(self.c, "ADMIN", ADMIN_PASSWORD)
        self.assertEqual(s.user["username"], "admin")

    def test_wrong_password_and_unknown_user_get_the_same_401(self):
        r1 = self.c.post("/api/v1/auth/login", {"username": "admin", "password": "not-it-at-all"})
        r2 = self.c.post("/api/v1/auth/login",
                         {"username": "nobody-here", "password": "not-it-at-all"})
        for r in (r1, r2):
            self.assertJsonError(r, 401, "invalid_credentials")
            self.assertEqual(r.body["error"]["message"], GENERIC_401)
            self.assertIsNone(r.header("Set-Cookie"))
        self.assertEqual(r1.body["error"]["details"], r2.body["error"]["details"])

    def test_token_name_must_say_something(self):
        s = login(self.c, "admin", ADMIN_PASSWORD)
        for name in ("", "   "):
            with self.subTest(name=name):
                r = self.c.post("/api/v1/auth/tokens", {"name": name}, auth=s)
                self.assertJsonError(r, 422, "invalid_field")
                self.assertIn("name", r.body["error"]["details"])

    def test_login_body_validation(self):
        r = self.c.post("/api/v1/auth/login", {"username": "admin"})
        self.assertEqual(r.status, 422, str(r))
        r = self.c.post("/api/v1/auth/login",
                        {"username": "admin", "password": ADMIN_PASSWORD, "remember": True})
        self.assertJsonError(r, 422, "unknown_field")
        self.assertIn("remember", r.body["error"]["details"])
        r = self.c.post("/api/v1/auth/login", '{"username": "admin", "password": ',
                        headers={"Content-Type": "application/json"})
        self.assertJsonError(r, 400, "malformed_json")
        r = self.c.post("/api/v1/auth/login",
                        '{"username":"admin","username":"x","password":"y"}',
                        headers={"Content-Type": "application/json"})
        self.assertJsonError(r, 400, "malformed_json")

    def test_me_via_cookie_and_via_bearer(self):
        s = login(self.c, "admin", ADMIN_PASSWORD)
        r = self.c.get("/api/v1/auth/me", auth=s)
        self.assertEqual(r.status, 200, str(r))
        self.assertEqual(r.body["username"], "admin")
        self.assertEqual(r.body["role"], "admin")
        self.assertEqual(r.body["authenticated_by"], "session")
        self.assertEqual(r.body["id"], s.user["id"])
        self.assertIn("tokens.manage", r.body["permissions"])
        # The session's CSRF token, for a browser tab that did not log in itself.
        self.assertEqual(r.body["csrf_token"], s.csrf)

        tok = create_token(self.c, s, "me-test")
        self.assertTrue(tok["token"].startswith("sdt_"), tok)
        with self.server.client() as other:  # a fresh connection, no cookie
            r = other.get("/api/v1/auth/me", auth=tok["token"])
            self.assertEqual(r.status, 200, str(r))
            self.assertEqual(r.body["authenticated_by"], "token")
            self.assertEqual(r.body["username"], "admin")
            self.assertNotIn("csrf_token", r.body)

    def test_401_without_or_with_bad_credentials(self):
        s = login(self.c, "admin", ADMIN_PASSWORD)
        cases = [
            {},
            {"Authorization": "Bearer sdt_bogusbogusbogusbogusbogusbogusbogus"},
            {"Authorization": "Bearer "},
            {"Authorization": "Bearer"},
            {"Authorization": "Basic YWRtaW46YWRtaW4="},
            {"Authorization": "sdt_notbearer"},
            {"Cookie": "sd_session=bogus"},
            {"Cookie": "other=1"},
            # A malformed Authorization header never falls back to the (valid) cookie.
            {"Authorization": "Basic YWRtaW46YWRtaW4=", "Cookie": s.cookie_header},
        ]
        for hdrs in cases:
            with self.subTest(headers=hdrs):
                r = self.c.get("/api/v1/auth/me", headers=hdrs)
                self.assertJsonError(r, 401, None)
                self.assertEqual(r.header("WWW-Authenticate"), 'Bearer realm="smartdairy"')
                self.assertNotIn("username", r.raw.decode())

    def test_bearer_scheme_is_case_insensitive(self):
        s = login(self.c, "admin", ADMIN_PASSWORD)
        tok = create_token(self.c, s, "scheme-case")
        for scheme in ("bearer", "BEARER"):
            with self.subTest(scheme=scheme):
                r = self.c.get("/api/v1/auth/me",
                               headers={"Authorization": f"{scheme} {tok['token']}"})
                self.assertEqual(r.status, 200, str(r))

    def test_viewer_forbidden_on_events(self):
        s = login(self.c, "viewer1", VIEWER_PASSWORD)
        r = self.c.get("/api/v1/auth/me", auth=s)
        self.assertEqual(r.status, 200, str(r))
        self.assertEqual(r.body["role"], "viewer")
        self.assertNotIn("events.read", r.body["permissions"])
        r = self.c.get("/api/v1/events", auth=s)
        self.assertJsonError(r, 403, "forbidden")
        tok = create_token(self.c, s, "viewer-token")
        r = self.c.get("/api/v1/events", auth=tok["token"])
        self.assertJsonError(r, 403, "forbidden")

    def test_user_added_while_running_then_manager_reads_events(self):
        add_user(self.server, "manager1", "manager", MANAGER_PASSWORD)
        s = login(self.c, "manager1", MANAGER_PASSWORD)
        r = self.c.get("/api/v1/events?limit=1000", auth=s)
        self.assertEqual(r.status, 200, str(r))
        names = [(e["type"], e["data"].get("username")) for e in r.body["items"]]
        self.assertIn(("user.created", "manager1"), names)

    def test_admin_reads_events(self):
        s = login(self.c, "admin", ADMIN_PASSWORD)
        tok = create_token(self.c, s, "events-test")
        r = self.c.get("/api/v1/events?limit=1000", auth=s)
        self.assertEqual(r.status, 200, str(r))
        items = r.body["items"]
        self.assertIn("next_cursor", r.body)
        for e in items:
            for k in ("seq", "id", "type", "aggregate_type", "aggregate_id", "occurred_at",
                      "actor", "data"):
                self.assertIn(k, e)
        seqs = [e["seq"] for e in items]
        self.assertEqual(seqs, sorted(seqs))
        created = {e["data"].get("username"): e for e in items if e["type"] == "user.created"}
        self.assertIn("admin", created)
        self.assertIn("viewer1", created)
        self.assertEqual(created["admin"]["actor"], "system")
        self.assertEqual(created["viewer1"]["actor"], "cli")
        toks = [e for e in items if e["type"] == "token.created" and e["aggregate_id"] == tok["id"]]
        self.assertEqual(len(toks), 1, items)
        self.assertEqual(toks[0]["actor"], "admin")
        self.assertEqual(toks[0]["data"]["name"], "events-test")
        self.assertNotIn(tok["token"], r.raw.decode())

        # Paging: after= and limit= walk the same sequence.
        r1 = self.c.get("/api/v1/events?limit=1", auth=s)
        self.assertEqual(r1.status, 200, str(r1))
        self.assertEqual(len(r1.body["items"]), 1)
        self.assertEqual(r1.body["next_cursor"], str(items[0]["seq"]))
        r2 = self.c.get(f"/api/v1/events?after={r1.body['next_cursor']}&limit=1", auth=s)
        self.assertEqual(r2.body["items"][0]["seq"], items[1]["seq"])
        r3 = self.c.get("/api/v1/events?limit=0", auth=s)
        self.assertJsonError(r3, 422, "invalid_parameter")

    def test_csrf_required_for_cookie_writes(self):
        s = login(self.c, "admin", ADMIN_PASSWORD)
        r = self.c.post("/api/v1/auth/tokens", {"name": "no-csrf"}, auth=s, csrf=False)
        self.assertJsonError(r, 403, "csrf_token_invalid")
        r = self.c.post("/api/v1/auth/tokens", {"name": "bad-csrf"}, auth=s, csrf=False,
                        headers={"X-CSRF-Token": s.csrf[:-1] + ("A" if s.csrf[-1] != "A" else "B")})
        self.assertJsonError(r, 403, "csrf_token_invalid")
        other = login(self.c, "admin", ADMIN_PASSWORD)  # another session's token won't do
        r = self.c.post("/api/v1/auth/tokens", {"name": "other-csrf"}, auth=s, csrf=False,
                        headers={"X-CSRF-Token": other.csrf})
        self.assertJsonError(r, 403, "csrf_token_invalid")
        # The right token from a cross-site page is still refused (Sec-Fetch-Site, SR-20).
        r = self.c.post("/api/v1/auth/tokens", {"name": "cross-site"}, auth=s,
                        headers={"Sec-Fetch-Site": "cross-site"})
        self.assertJsonError(r, 403, "csrf_token_invalid")
        r = self.c.post("/api/v1/auth/tokens", {"name": "same-origin"}, auth=s,
                        headers={"Sec-Fetch-Site": "same-origin"})
        self.assertEqual(r.status, 201, str(r))
        r = self.c.post("/api/v1/auth/tokens", {"name": "with-csrf"}, auth=s)
        self.assertEqual(r.status, 201, str(r))
        self.assertTrue(r.body["token"].startswith("sdt_"))
        self.assertTrue(r.body["id"])
        # A DELETE without CSRF is refused too, and the token survives.
        r2 = self.c.delete(f"/api/v1/auth/tokens/{r.body['id']}", auth=s, csrf=False)
        self.assertJsonError(r2, 403, "csrf_token_invalid")
        me = self.c.get("/api/v1/auth/me", auth=r.body["token"])
        self.assertEqual(me.status, 200, str(me))
        # None of the refused attempts created a token.
        names = [t["name"] for t in self.c.get("/api/v1/auth/tokens", auth=s).body["items"]]
        self.assertIn("with-csrf", names)
        for n in ("no-csrf", "bad-csrf", "other-csrf"):
            self.assertNotIn(n, names)

    def test_bearer_writes_need_no_csrf(self):
        s = login(self.c, "admin", ADMIN_PASSWORD)
        tok = create_token(self.c, s, "bearer-writer")
        with self.server.client() as b:
            r = b.post("/api/v1/auth/tokens", {"name": "made-by-bearer", "expires_in_days": 7},
                       auth=tok["token"])
            self.assertEqual(r.status, 201, str(r))
            self.assertTrue(r.body["expires_at"])
            r = b.get("/api/v1/auth/tokens", auth=tok["token"])
            self.assertEqual(r.status, 200, str(r))
            self.assertIn("made-by-bearer", [t["name"] for t in r.body["items"]])
            for t in r.body["items"]:
                self.assertNotIn("token", t, "the secret is shown only at creation")

    def test_revoked_token_is_refused_immediately(self):
        s = login(self.c, "admin", ADMIN_PASSWORD)
        tok = create_token(self.c, s, "to-revoke")
        with self.server.client() as b:
            self.assertEqual(b.get("/api/v1/auth/me", auth=tok["token"]).status, 200)
            r = self.c.delete(f"/api/v1/auth/tokens/{tok['id']}", auth=s)
            self.assertEqual(r.status, 204, str(r))
            r = b.get("/api/v1/auth/me", auth=tok["token"])
            self.assertJsonError(r, 401)
            r = self.c.delete(f"/api/v1/auth/tokens/{tok['id']}", auth=s)
            self.assertJsonError(r, 404, "token_not_found")

    def test_token_revoked_with_itself(self):
        s = login(self.c, "admin", ADMIN_PASSWORD)
        tok = create_token(self.c, s, "self-revoke")
        with self.server.client() as b:
            r = b.delete(f"/api/v1/auth/tokens/{tok['id']}", auth=tok["token"])
            self.assertEqual(r.status, 204, str(r))
            self.assertJsonError(b.get("/api/v1/auth/me", auth=tok["token"]), 401)

    def test_viewer_cannot_revoke_admin_token(self):
        s = login(self.c, "admin", ADMIN_PASSWORD)
        tok = create_token(self.c, s, "admins-own")
        v = login(self.c, "viewer1", VIEWER_PASSWORD)
        r = self.c.delete(f"/api/v1/auth/tokens/{tok['id']}", auth=v)
        self.assertJsonError(r, 404, "token_not_found")
        self.assertEqual(self.c.get("/api/v1/auth/me", auth=tok["token"]).status, 200)

    def test_logout_ends_the_session(self):
        s = login(self.c, "admin", ADMIN_PASSWORD)
        self.assertEqual(self.c.get("/api/v1/auth/me", auth=s).status, 200)
        r = self.c.post("/api/v1/auth/logout", auth=s, csrf=False)
        self.assertJsonError(r, 403, "csrf_token_invalid")
        r = self.c.post("/api/v1/auth/logout", auth=s)
        self.assertEqual(r.status, 204, str(r))
        name, value, attrs = harness.parse_set_cookie(r.header("Set-Cookie") or "")
        self.assertEqual(name, "sd_session")
        self.assertEqual(value, "")
        self.assertEqual(attrs.get("max-age"), "0")
        r = self.c.get("/api/v1/auth/me", auth=s)
        self.assertJsonError(r, 401)
        # Also on a new connection (no per-connection state).
        with self.server.client() as other:
            self.assertEqual(other.get("/api/v1/auth/me", auth=s).status, 401)

    def test_cli_passwd_while_running_ends_sessions(self):
        add_user(self.server, "pwchange", "sales", VIEWER_PASSWORD)
        s = login(self.c, "pwchange", VIEWER_PASSWORD)
        tok = create_token(self.c, s, "survives-passwd")
        self.assertEqual(self.c.get("/api/v1/auth/me", auth=s).status, 200)
        new_pw = "it-Ch2-Secret-0004-qa"
        cp = harness.run_cli(["user", "--data-dir", self.server.data_dir, "passwd", "pwchange"],
                             env={"SMARTDAIRY_PASSWORD": new_pw})
        self.assertEqual(cp.returncode, 0, cp.stdout + cp.stderr)
        self.assertNotIn(new_pw, cp.stdout + cp.stderr)
        # Logins always read the database: the change applies at once.
        r = self.c.post("/api/v1/auth/login", {"username": "pwchange", "password": VIEWER_PASSWORD})
        self.assertJsonError(r, 401, "invalid_credentials")
        login(self.c, "pwchange", new_pw)
        # Existing sessions end once the server revalidates its cache (10 s by design).
        harness.wait_until(lambda: self.c.get("/api/v1/auth/me", auth=s).status == 401,
                           40 * harness.SCALE, 0.5, "the old session to be refused")
        # API tokens are not tied to the password.
        self.assertEqual(self.c.get("/api/v1/auth/me", auth=tok["token"]).status, 200)
        events = self.c.get("/api/v1/events?limit=1000",
                            auth=login(self.c, "admin", ADMIN_PASSWORD)).body["items"]
        self.assertIn(("user.password_changed", "cli"),
                      [(e["type"], e["actor"]) for e in events
                       if e["data"].get("username") == "pwchange"])


class PasswordAndSessionsTest(ServerTestCase):
    """POST /api/v1/auth/password, GET /api/v1/auth/sessions, DELETE .../sessions/{id}."""

    def test_change_own_password_ends_other_sessions(self):
        srv = self.new_server()
        add_user(srv, "farmer1", "farm", VIEWER_PASSWORD)
        c = srv.client()
        self.addCleanup(c.close)
        a = login(c, "farmer1", VIEWER_PASSWORD)
        b = login(c, "farmer1", VIEWER_PASSWORD)
        tok = create_token(c, a, "farm-script")
        new_pw = "it-Fm5-Secret-0005-rv"
        # Validation: CSRF, wrong current password, weak new password (nothing changes).
        r = c.post("/api/v1/auth/password", {"current_password": VIEWER_PASSWORD,
                                             "new_password": new_pw}, auth=a, csrf=False)
        self.assertJsonError(r, 403, "csrf_token_invalid")
        r = c.post("/api/v1/auth/password", {"current_password": "not-the-current-one",
                                             "new_password": new_pw}, auth=a)
        self.assertJsonError(r, 422, "wrong_password")
        for weak in ("short", "it-farmer1-Secret", "WinnieThePooh"):
            with self.subTest(weak=weak):
                r = c.post("/api/v1/auth/password", {"current_password": VIEWER_PASSWORD,
                                                     "new_password": weak}, auth=a)
                self.assertJsonError(r, 422, "weak_password")
        self.assertEqual(c.get("/api/v1/auth/me", auth=b).status, 200)

        r = c.post("/api/v1/auth/password", {"current_password": VIEWER_PASSWORD,
                                             "new_password": new_pw}, auth=a)
        self.assertEqual(r.status, 204, str(r))
        self.assertEqual(c.get("/api/v1/auth/me", auth=a).status, 200, "current session kept")
        self.assertJsonError(c.get("/api/v1/auth/me", auth=b), 401)  # at once, same node
        r = c.post("/api/v1/auth/login", {"username": "farmer1", "password": VIEWER_PASSWORD})
        self.assertJsonError(r, 401, "invalid_credentials")
        login(c, "farmer1", new_pw)
        self.assertEqual(c.get("/api/v1/auth/me", auth=tok["token"]).status, 200)

    def test_list_and_end_own_sessions(self):
        srv = self.new_server()
        add_user(srv, "vet1", "vet", VIEWER_PASSWORD)
        c = srv.client()
        self.addCleanup(c.close)
        a = login(c, "vet1", VIEWER_PASSWORD)
        b = login(c, "vet1", VIEWER_PASSWORD)
        adm = login(c, "admin", ADMIN_PASSWORD)
        r = c.get("/api/v1/auth/sessions", auth=a)
        self.assertEqual(r.status, 200, str(r))
        items = r.body["items"]
        self.assertEqual(len(items), 2, items)
        self.assertEqual(sorted(i["current"] for i in items), [False, True])
        for i in items:
            self.assertNotIn(a.cookie_value, json.dumps(i))
            self.assertNotIn(b.cookie_value, json.dumps(i))
            self.assertEqual(i["remote_ip"], "127.0.0.1")
        other = next(i["id"] for i in items if not i["current"])
        admin_id = next(i["id"] for i in c.get("/api/v1/auth/sessions", auth=adm).body["items"]
                        if i["current"])
        # Not someone else's session, not without CSRF.
        self.assertJsonError(c.delete(f"/api/v1/auth/sessions/{admin_id}", auth=a), 404)
        self.assertEqual(c.get("/api/v1/auth/me", auth=adm).status, 200)
        r = c.delete(f"/api/v1/auth/sessions/{other}", auth=a, csrf=False)
        self.assertJsonError(r, 403, "csrf_token_invalid")
        r = c.delete(f"/api/v1/auth/sessions/{other}", auth=a)
        self.assertEqual(r.status, 204, str(r))
        self.assertJsonError(c.get("/api/v1/auth/me", auth=b), 401)
        self.assertEqual(c.get("/api/v1/auth/me", auth=a).status, 200)
        self.assertEqual(len(c.get("/api/v1/auth/sessions", auth=a).body["items"]), 1)
        self.assertJsonError(c.delete(f"/api/v1/auth/sessions/{other}", auth=a), 404)


class TokenRevocationRaceTest(ServerTestCase):

    def test_revoked_token_never_accepted_after_204(self):
        srv = self.new_server(args=["--threads", "8", "--readers", "4", "--access-log",
                                    "false"])
        c = srv.client()
        self.addCleanup(c.close)
        s = login(c, "admin", ADMIN_PASSWORD)
        deadline = time.monotonic() + 15 * harness.SCALE
        for it in range(500):
            if time.monotonic() > deadline:
                break
            tok = create_token(c, s, f"race-{it}")
            go = threading.Event()

            def hammer(token=tok["token"]):
                with srv.client() as hc:
                    go.wait()
                    for _ in range(3):
                        hc.get("/api/v1/auth/me", auth=token)
            threads = [threading.Thread(target=hammer, daemon=True) for _ in range(10)]
            for t in threads:
                t.start()
            go.set()  # first uses of the token race with its revocation
            r = c.delete(f"/api/v1/auth/tokens/{tok['id']}", auth=s)
            self.assertEqual(r.status, 204, str(r))
            for t in threads:
                t.join(harness.HTTP_TIMEOUT)
            with srv.client() as after:
                r = after.get("/api/v1/auth/me", auth=tok["token"])
            self.assertEqual(r.status, 401, f"iteration {it}: token revoked (204) earlier "
                             "is still accepted")


class LoginThrottleTest(ServerTestCase):
    """Own server: throttling state (per user and per address) must not leak into others."""

    def test_repeated_failures_are_throttled(self):
        srv = self.new_server()
        c = srv.client()
        self.addCleanup(c.close)
        statuses = []
        throttled = None
        # Five failures are free; after that each attempt must wait 1 s, 2 s, 4 s... We send
        # attempts back to back, so one of the next ones must land inside the wait.
        for i in range(12):
            r = c.post("/api/v1/auth/login", {"username": "admin", "password": f"wrong-{i}"})
            statuses.append(r.status)
            if r.status == 429:
                throttled = r
                break
            self.assertJsonError(r, 401, "invalid_credentials")
        self.assertIsNotNone(throttled, f"never throttled: {statuses}")
        self.assertGreaterEqual(len(statuses), 6, statuses)
        self.assertEqual(statuses[:5], [401] * 5)
        self.assertJsonError(throttled, 429, "too_many_attempts")
        retry_after = throttled.header("Retry-After")
        self.assertIsNotNone(retry_after)
        self.assertTrue(retry_after.isdigit() and 1 <= int(retry_after) <= 60, retry_after)

        # The throttle answers before checking the password: even the right one gets 429 (or,
        # if the wait just ran out, 200) but never a hint that it was right or wrong.
        r = c.post("/api/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD})
        self.assertIn(r.status, (200, 429), str(r))

        # Other accounts are not throttled by admin's failures.
        add_user(srv, "bystander", "viewer", VIEWER_PASSWORD)
        login(c, "bystander", VIEWER_PASSWORD)

        # Honouring Retry-After, the right password gets in.
        deadline = time.monotonic() + 90
        while True:
            r = c.post("/api/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD})
            if r.status != 429:
                break
            self.assertLess(time.monotonic(), deadline, "still throttled")
            time.sleep(int(r.header("Retry-After") or "1") + 0.2)
        self.assertEqual(r.status, 200, str(r))
        warn = srv.find_log("login throttled")
        self.assertTrue(warn, "throttling is logged as a warning")


class SecretsNotLoggedTest(ServerTestCase):

    def test_passwords_and_tokens_never_logged(self):
        srv = self.new_server()
        add_user(srv, "viewer1", "viewer", VIEWER_PASSWORD)
        wrong = "it-wrong-Secret-9876"
        secrets = [ADMIN_PASSWORD, VIEWER_PASSWORD, wrong]
        with srv.client() as c:
            r = c.post("/api/v1/auth/login", {"username": "admin", "password": wrong})
            self.assertEqual(r.status, 401)
            r = c.post("/api/v1/auth/login", {"username": wrong, "password": wrong})
            self.assertEqual(r.status, 401)
            s = login(c, "admin", ADMIN_PASSWORD)
            v = login(c, "viewer1", VIEWER_PASSWORD)
            secrets += [s.cookie_value, s.csrf, v.cookie_value, v.csrf]
            tok = create_token(c, s, "log-check")
            secrets.append(tok["token"])
            # Use the token and the session in requests that log (including failures).
            self.assertEqual(c.get("/api/v1/auth/me", auth=tok["token"]).status, 200)
            self.assertEqual(c.get("/api/v1/events", auth=v).status, 403)
            self.assertEqual(c.post("/api/v1/auth/tokens", {"name": "x"}, auth=s,
                                    csrf=False).status, 403)
            self.assertEqual(c.delete(f"/api/v1/auth/tokens/{tok['id']}", auth=s).status, 204)
            self.assertEqual(c.get("/api/v1/auth/me", auth=tok["token"]).status, 401)
            self.assertEqual(c.post("/api/v1/auth/logout", auth=s).status, 204)
        self.assertEqual(srv.stop(), 0, srv.output())  # flushes the log
        text = "\n".join(srv.lines()) + "\n".join(srv.stderr_lines())
        self.assertIn('"msg":"login failed"', text)
        self.assertIn('"msg":"csrf check failed"', text)
        self.assertIn('"msg":"authorization failure"', text)
        for secret in secrets:
            self.assertNotIn(secret, text, "a secret appears in the server log")
        # The token's random part must not appear either (e.g. logged without its prefix).
        self.assertNotIn(tok["token"][len("sdt_"):], text)


class CliUserAddTest(ServerTestCase):

    def test_documented_user_add_form(self):
        srv = self.new_server(start=False)
        cp = harness.run_cli(["user", "add", "alice", "--role", "accountant", "--data-dir",
                              srv.data_dir], env={"SMARTDAIRY_PASSWORD": VIEWER_PASSWORD})
        self.assertEqual(cp.returncode, 0, cp.stdout + cp.stderr)
        self.assertIn("created user alice", cp.stdout)

    def test_user_list_and_duplicate(self):
        srv = self.new_server()
        add_user(srv, "carol", "accountant", VIEWER_PASSWORD)
        cp = harness.run_cli(["user", "--data-dir", srv.data_dir, "add", "carol", "--role",
                              "viewer"], env={"SMARTDAIRY_PASSWORD": VIEWER_PASSWORD})
        self.assertNotEqual(cp.returncode, 0)
        self.assertIn("already exists", cp.stderr)
        cp = harness.run_cli(["user", "--data-dir", srv.data_dir, "add", "dave", "--role",
                              "cowboy"], env={"SMARTDAIRY_PASSWORD": VIEWER_PASSWORD})
        self.assertNotEqual(cp.returncode, 0)
        self.assertIn("Unknown role", cp.stderr)
        cp = harness.run_cli(["user", "--data-dir", srv.data_dir, "list"])
        self.assertEqual(cp.returncode, 0, cp.stderr)
        self.assertIn("carol", cp.stdout)
        self.assertIn("accountant", cp.stdout)
        self.assertNotIn("dave", cp.stdout)
        with srv.client() as c:
            self.assertEqual(login(c, "carol", VIEWER_PASSWORD).user["role"], "accountant")


if __name__ == "__main__":
    unittest.main()
