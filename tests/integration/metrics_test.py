"""GET /metrics: Prometheus text exposition."""

import os
import re
import subprocess
import unittest

import harness
from harness import ServerTestCase, login

PROMTOOL = "/usr/bin/promtool"


def sample(text: str, name: str, **labels: str) -> float:
    """The value of the first sample `name` whose labels include `labels`."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)", line)
        if not m or m.group(1) != name:
            continue
        have = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        if all(have.get(k) == v for k, v in labels.items()):
            return float(m.group(3))
    raise AssertionError(f"no sample {name}{labels}")


class MetricsTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = cls.class_server()
        # Some traffic first so that the write path and several routes have observations.
        with cls.server.client() as c:
            s = login(c, "admin", cls.server.admin_password)
            harness.create_token(c, s, "metrics")
            c.get("/api/nope")
            c.get("/api/v1/auth/me")

    def fetch(self):
        with self.server.client() as c:
            r = c.get("/metrics")
        self.assertEqual(r.status, 200, str(r))
        return r

    def test_content(self):
        r = self.fetch()
        self.assertTrue(r.header("Content-Type").startswith("text/plain"), r.header("Content-Type"))
        self.assertIsInstance(r.body, str)
        text = r.body
        for name in ("smartdairy_http_requests_total", "smartdairy_writer_commit_duration_seconds_bucket",
                     "process_resident_memory_bytes", "smartdairy_http_request_duration_seconds_bucket",
                     "smartdairy_writer_commits_total", "smartdairy_http_connections_open",
                     "process_open_fds"):
            with self.subTest(metric=name):
                self.assertRegex(text, rf"(?m)^{name}[{{ ]")
        self.assertGreater(sample(text, "process_resident_memory_bytes"), 0)
        self.assertGreaterEqual(sample(text, "smartdairy_writer_commits_total"), 1)
        self.assertGreaterEqual(
            sample(text, "smartdairy_http_requests_total", route="/api/v1/auth/login", code="2xx"), 1)
        self.assertGreaterEqual(sample(text, "smartdairy_writer_commit_duration_seconds_count"), 1)
        self.assertEqual(sample(text, "smartdairy_writer_failed"), 0)
        # No secrets or user data in metrics.
        self.assertNotIn(self.server.admin_password, text)

    def test_counters_increase(self):
        def healthz_2xx():
            return sample(self.fetch().body, "smartdairy_http_requests_total", route="/healthz",
                          code="2xx")
        before = healthz_2xx()
        with self.server.client() as c:
            for _ in range(3):
                self.assertEqual(c.get("/healthz").status, 200)
        self.assertGreaterEqual(healthz_2xx(), before + 3)

    @unittest.skipUnless(os.access(PROMTOOL, os.X_OK), "promtool not installed")
    def test_promtool_check_metrics(self):
        text = self.fetch().raw
        cp = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True,
                            timeout=60)
        out = (cp.stdout + cp.stderr).decode("utf-8", "replace")
        self.assertEqual(cp.returncode, 0, out)
        self.assertEqual(out.strip(), "", out)


if __name__ == "__main__":
    unittest.main()
