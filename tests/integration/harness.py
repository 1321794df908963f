"""Test harness for the smartdairy integration tests (Python standard library only).

Starts the real binary (env SMARTDAIRY_BIN) on 127.0.0.1:0 with a temporary data directory,
collects its JSON log lines in a thread, and offers small HTTP helpers:

  * Client: keep-alive http.client wrapper returning Response(status, headers, body)
  * raw_request(): one hand-made request over a plain socket, for malformed input
  * login()/create_token(): a cookie session (cookie + csrf) or a bearer token

Everything started here is stopped by the test's cleanups, and by an atexit hook as a last
resort, so a failing or interrupted test never leaves a server behind.

Timeouts are generous (the suite also runs against ASan+UBSan builds on loaded 2-core CI
machines) and can be scaled with SMARTDAIRY_IT_TIMEOUT_SCALE (a float, default 1).
"""

from __future__ import annotations

import atexit
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

SCALE = float(os.environ.get("SMARTDAIRY_IT_TIMEOUT_SCALE", "1") or "1")
START_TIMEOUT = 60.0 * SCALE  # first start hashes the admin password and migrates
STOP_TIMEOUT = 30.0 * SCALE
HTTP_TIMEOUT = 30.0 * SCALE
CLI_TIMEOUT = 60.0 * SCALE

ADMIN_PASSWORD = "it-Qz7-Secret-0001-xk"
HOST = "127.0.0.1"

# Sanitizer reports on stderr mean a real bug even when the process exits 0
# (UBSan does not abort by default).
SANITIZER_MARKERS = (
    "ERROR: AddressSanitizer",
    "ERROR: LeakSanitizer",
    "runtime error:",
    "ERROR: ThreadSanitizer",
    "WARNING: ThreadSanitizer",
)


def binary() -> str:
    path = os.environ.get("SMARTDAIRY_BIN", "")
    if not path:
        raise RuntimeError(
            "SMARTDAIRY_BIN is not set: run with SMARTDAIRY_BIN=/path/to/smartdairy "
            "(ctest sets it)")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise RuntimeError(f"SMARTDAIRY_BIN={path!r} is not an executable file")
    return os.path.abspath(path)


def base_env(extra: Optional[dict] = None) -> dict:
    """The environment for a child: ours minus any SMARTDAIRY_* settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SMARTDAIRY_") or k in ("SMARTDAIRY_BIN",)}
    env.pop("SMARTDAIRY_BIN", None)
    # Sanitizer builds: report to stderr, never hang on a report.
    env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    if extra:
        env.update(extra)
    return env


def wait_until(pred: Callable[[], Any], timeout: float, interval: float = 0.05,
               what: str = "condition") -> Any:
    """Polls pred() until it returns something truthy; raises AssertionError on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.1f}s waiting for {what}")
        time.sleep(interval)


# --------------------------------------------------------------------------------------------
# Processes

_live_lock = threading.Lock()
_live: set = set()


def _kill_all_live() -> None:
    with _live_lock:
        procs = list(_live)
    for p in procs:
        if p.poll() is None:
            try:
                p.kill()
                p.wait(timeout=10)
            except Exception:
                pass


atexit.register(_kill_all_live)


def run_cli(args: Iterable[str], env: Optional[dict] = None, timeout: float = CLI_TIMEOUT,
            stdin: Optional[str] = None) -> subprocess.CompletedProcess:
    """Runs `smartdairy ARGS` to completion and returns the CompletedProcess (text mode)."""
    return subprocess.run([binary(), *args], env=base_env(env), capture_output=True, text=True,
                          timeout=timeout, input=stdin, stdin=None if stdin is not None
                          else subprocess.DEVNULL)


class Server:
    """One `smartdairy serve` process on 127.0.0.1:0 with its own data directory."""

    def __init__(self, data_dir: Optional[str] = None, admin_password: Optional[str] =
                 ADMIN_PASSWORD):
        self._tmp = None
        if data_dir is None:
            self._tmp = tempfile.mkdtemp(prefix="sd-it-")
            data_dir = os.path.join(self._tmp, "data")
        self.data_dir = data_dir
        self.admin_password = admin_password
        self.proc: Optional[subprocess.Popen] = None
        self.port: Optional[int] = None
        self.args: list = []
        self._lock = threading.Lock()
        self._lines: list = []  # raw stdout lines, every start of this Server
        self._stderr: list = []
        self._threads: list = []
        self._listening = threading.Event()
        self._start_index = 0  # index into _lines where the current run started
        self.returncode: Optional[int] = None

    # -- paths -------------------------------------------------------------------------------
    @property
    def db_path(self) -> str:
        return os.path.join(self.data_dir, "smartdairy.db")

    @property
    def address(self) -> tuple:
        return (HOST, self.port)

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self, env: Optional[dict] = None, args: Iterable[str] = (),
              timeout: float = START_TIMEOUT) -> "Server":
        """Starts the server and waits for its "listening" log line; returns self."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        extra = {}
        if self.admin_password is not None:
            extra["SMARTDAIRY_ADMIN_PASSWORD"] = self.admin_password
        if env:
            extra.update(env)
        self.args = ["serve", "--listen", f"{HOST}:0", "--data-dir", self.data_dir, *args]
        self._listening.clear()
        self.port = None
        self.returncode = None
        with self._lock:
            self._start_index = len(self._lines)
        self.proc = subprocess.Popen([binary(), *self.args], env=base_env(extra),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        with _live_lock:
            _live.add(self.proc)
        proc = self.proc
        t_out = threading.Thread(target=self._read_stdout, args=(proc,), daemon=True)
        t_err = threading.Thread(target=self._read_stderr, args=(proc,), daemon=True)
        t_out.start()
        t_err.start()
        self._threads = [t_out, t_err]
        deadline = time.monotonic() + timeout
        while not self._listening.wait(0.05):
            if proc.poll() is not None:
                self._join_readers()
                raise AssertionError(
                    f"server exited with {proc.returncode} before listening\n" + self.output())
            if time.monotonic() > deadline:
                self.kill9()
                raise AssertionError(f"server did not log 'listening' within {timeout:.0f}s\n"
                                     + self.output())
        return self

    def _read_stdout(self, proc: subprocess.Popen) -> None:
        for raw in iter(proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._lock:
                self._lines.append(line)
            if '"listening"' in line and not self._listening.is_set():
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                if obj.get("msg") == "listening" and "port" in obj:
                    self.port = int(obj["port"])
                    self._listening.set()
        proc.stdout.close()

    def _read_stderr(self, proc: subprocess.Popen) -> None:
        for raw in iter(proc.stderr.readline, b""):
            with self._lock:
                self._stderr.append(raw.decode("utf-8", "replace").rstrip("\n"))
        proc.stderr.close()

    def _join_readers(self) -> None:
        for t in self._threads:
            t.join(timeout=10)

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig: int) -> None:
        if self.running():
            self.proc.send_signal(sig)

    def wait(self, timeout: float = STOP_TIMEOUT) -> int:
        """Waits for exit (raises subprocess.TimeoutExpired) and returns the exit code."""
        assert self.proc is not None
        rc = self.proc.wait(timeout=timeout)
        self._join_readers()
        self.returncode = rc
        with _live_lock:
            _live.discard(self.proc)
        return rc

    def stop(self, timeout: float = STOP_TIMEOUT) -> Optional[int]:
        """SIGTERM, wait; SIGKILL if it does not exit in time. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.wait(timeout)

    def kill9(self) -> Optional[int]:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.kill()
        return self.wait()

    def cleanup(self) -> None:
        """Stops the process if still running and removes the temp directory."""
        try:
            if self.proc is not None and self.proc.poll() is None:
                self.stop()
        finally:
            if self.proc is not None and self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=10)
            if self._tmp is not None:
                shutil.rmtree(self._tmp, ignore_errors=True)

    # -- logs --------------------------------------------------------------------------------
    def lines(self, all_runs: bool = True) -> list:
        with self._lock:
            return list(self._lines if all_runs else self._lines[self._start_index:])

    def stderr_lines(self) -> list:
        with self._lock:
            return list(self._stderr)

    def records(self, all_runs: bool = True) -> list:
        """The stdout lines that parse as JSON objects."""
        out = []
        for line in self.lines(all_runs):
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                out.append(obj)
        return out

    def find_log(self, msg: str, all_runs: bool = False) -> list:
        return [r for r in self.records(all_runs) if r.get("msg") == msg]

    def output(self) -> str:
        return ("--- stdout ---\n" + "\n".join(self.lines()[-200:]) +
                "\n--- stderr ---\n" + "\n".join(self.stderr_lines()[-200:]))

    def sanitizer_reports(self) -> list:
        return [l for l in self.stderr_lines() if any(m in l for m in SANITIZER_MARKERS)]

    # -- HTTP --------------------------------------------------------------------------------
    def client(self, timeout: float = HTTP_TIMEOUT) -> "Client":
        return Client(HOST, self.port, timeout)

    def connect(self, timeout: float = HTTP_TIMEOUT) -> socket.socket:
        return socket.create_connection(self.address, timeout=timeout)


# --------------------------------------------------------------------------------------------
# HTTP

@dataclass
class Response:
    status: int
    headers: Any  # http.client.HTTPMessage (case-insensitive .get / .get_all)
    body: Any  # parsed JSON when the response is JSON, else text
    raw: bytes = b""

    def header(self, name: str, default: Optional[str] = None) -> Optional[str]:
        return self.headers.get(name, default)

    def error_code(self) -> Optional[str]:
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return self.body["error"].get("code")
        return None

    def __str__(self) -> str:
        return f"HTTP {self.status} {self.raw[:500]!r}"


class Client:
    """A keep-alive HTTP/1.1 client for one server. Not thread-safe: one per thread."""

    def __init__(self, host: str, port: int, timeout: float = HTTP_TIMEOUT):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn: Optional[http.client.HTTPConnection] = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def request(self, method: str, path: str, body: Any = None,
                headers: Optional[dict] = None, auth: Any = None, csrf: bool = True,
                retry: Optional[bool] = None) -> Response:
        """Sends one request. `body`: dict/list -> JSON, str/bytes -> as is.
        `auth`: a Session (cookie, plus X-CSRF-Token on unsafe methods when csrf=True), a
        bearer token string, or None. Safe methods are retried once on a fresh connection if
        the server closed the kept-alive one (idle timeout)."""
        hdrs = {}
        data = None
        if body is not None:
            if isinstance(body, (dict, list)):
                data = json.dumps(body).encode()
                hdrs["Content-Type"] = "application/json"
            elif isinstance(body, str):
                data = body.encode()
            else:
                data = body
        if isinstance(auth, Session):
            hdrs["Cookie"] = auth.cookie_header
            if csrf and method not in ("GET", "HEAD", "OPTIONS"):
                hdrs["X-CSRF-Token"] = auth.csrf
        elif isinstance(auth, str):
            hdrs["Authorization"] = "Bearer " + auth
        if headers:
            hdrs.update(headers)
        if retry is None:
            retry = method in ("GET", "HEAD")
        attempts = 2 if retry else 1
        for attempt in range(attempts):
            conn = self._connection()
            try:
                conn.request(method, path, body=data, headers=hdrs)
                resp = conn.getresponse()
                raw = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest, http.client.BadStatusLine):
                self.close()
                if attempt + 1 < attempts:
                    continue
                raise
            if resp.will_close:
                self.close()
            return Response(resp.status, resp.headers, decode_body(resp.headers, raw), raw)
        raise AssertionError("unreachable")

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw) -> Response:
        return self.request("POST", path, body=body, **kw)

    def delete(self, path: str, **kw) -> Response:
        return self.request("DELETE", path, **kw)


def decode_body(headers: Any, raw: bytes) -> Any:
    ctype = (headers.get("Content-Type") or "").lower()
    if "json" in ctype and raw:
        try:
            return json.loads(raw)
        except ValueError:
            pass
    return raw.decode("utf-8", "replace")


@dataclass
class Session:
    """A logged-in cookie session."""
    cookie_value: str
    csrf: str
    set_cookie: str
    user: dict = field(default_factory=dict)

    @property
    def cookie_header(self) -> str:
        return "sd_session=" + self.cookie_value


def parse_set_cookie(value: str) -> tuple:
    """'n=v; A; B=c' -> ('n', 'v', {'a': '', 'b': 'c'}) with lower-case attribute names."""
    parts = [p.strip() for p in value.split(";")]
    name, _, val = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        if not p:
            continue
        k, _, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip()
    return name.strip(), val.strip(), attrs


def login(client: Client, username: str, password: str) -> Session:
    r = client.post("/api/v1/auth/login", {"username": username, "password": password})
    if r.status != 200:
        raise AssertionError(f"login as {username} failed: {r}")
    sc = r.header("Set-Cookie")
    if not sc:
        raise AssertionError(f"login returned no Set-Cookie: {r}")
    name, val, _ = parse_set_cookie(sc)
    if name != "sd_session":
        raise AssertionError(f"unexpected cookie {sc!r}")
    return Session(val, r.body["csrf_token"], sc, r.body.get("user", {}))


def create_token(client: Client, auth: Any, name: str = "it") -> dict:
    r = client.post("/api/v1/auth/tokens", {"name": name}, auth=auth)
    if r.status != 201:
        raise AssertionError(f"token creation failed: {r}")
    return r.body


def admin_token(server: Server, name: str = "it-admin") -> str:
    with server.client() as c:
        s = login(c, "admin", server.admin_password)
        return create_token(c, s, name)["token"]


def role_tokens(server: Server, prefix: str, passwords: dict) -> dict:
    """Bearer tokens by role: the admin's, and one for a new user `{prefix}-{role}` of each
    role in `passwords` ({role: password})."""
    tokens = {}
    with server.client() as c:
        admin = login(c, "admin", server.admin_password)
        tokens["admin"] = create_token(c, admin, f"{prefix}-admin")["token"]
        for role, password in passwords.items():
            add_user(server, f"{prefix}-{role}", role, password)
            s = login(c, f"{prefix}-{role}", password)
            tokens[role] = create_token(c, s, f"{prefix}-{role}")["token"]
    return tokens


def add_user(server: Server, username: str, role: str, password: str) -> subprocess.CompletedProcess:
    """`smartdairy user add` against the server's data directory (works while it runs)."""
    cp = run_cli(["user", "--data-dir", server.data_dir, "add", username, "--role", role],
                 env={"SMARTDAIRY_PASSWORD": password})
    if cp.returncode != 0:
        raise AssertionError(f"user add {username} failed ({cp.returncode}): "
                             f"{cp.stdout}{cp.stderr}")
    return cp


# --------------------------------------------------------------------------------------------
# Raw sockets

@dataclass
class RawResponse:
    status: int
    reason: str
    headers: dict  # lower-case name -> last value
    body: bytes
    closed: bool  # the server closed the connection after the response

    def json(self) -> Any:
        return json.loads(self.body)


# Bytes read past the end of a response (pipelining), kept per socket for the next read.
_leftover: "weakref.WeakKeyDictionary[socket.socket, bytes]" = weakref.WeakKeyDictionary()


def read_response(sock: socket.socket, timeout: float = HTTP_TIMEOUT,
                  head_only: bool = False) -> Optional[RawResponse]:
    """Reads one HTTP/1.1 response (Content-Length framing; head_only for HEAD requests).
    None if the peer closed (or reset) the connection before sending any byte."""
    sock.settimeout(timeout)
    buf = _leftover.pop(sock, b"")
    try:
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                if not buf:
                    return None
                raise AssertionError(f"connection closed inside the response head: {buf!r}")
            buf += chunk
    except ConnectionResetError:
        if not buf:
            return None
        raise
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    version, _, status_reason = lines[0].partition(" ")
    status_s, _, reason = status_reason.partition(" ")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    n = 0 if head_only else int(headers.get("content-length", "0"))
    body = rest
    while len(body) < n:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed inside the response body: {buf!r}")
        body += chunk
    if len(body) > n:
        _leftover[sock] = body[n:]
    closed = headers.get("connection", "").lower() == "close"
    return RawResponse(int(status_s), reason, headers, body[:n], closed)


def post_until_stopped(port: int, token: str, path: str, make_body: Callable[[int], Any],
                       on_created: Callable[[Any], None], errors: list,
                       stop: threading.Event) -> None:
    """POSTs make_body(n) (n = 0, 1, ...) on one keep-alive connection until `stop` is set,
    calling on_created(body) for every 201 and recording any status other than 201 or 503 in
    `errors`. A server killed mid-request (the point of the crash tests) only makes it
    reconnect: that request was not acknowledged."""
    conn = None
    n = 0
    headers = {"Content-Type": "application/json", "Authorization": "Bearer " + token}
    while not stop.is_set():
        try:
            if conn is None:
                conn = http.client.HTTPConnection(HOST, port, timeout=HTTP_TIMEOUT)
            data = json.dumps(make_body(n))
            n += 1
            conn.request("POST", path, body=data, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()  # the complete body, or an exception
            if resp.status == 201:
                on_created(json.loads(raw))
            elif resp.status != 503:
                errors.append(f"HTTP {resp.status}: {raw[:300]!r}")
            if resp.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException, ValueError):
            if conn is not None:
                conn.close()
                conn = None
            if stop.is_set():
                break
            time.sleep(0.01)
    if conn is not None:
        conn.close()


def raw_request(server: Server, data: bytes, timeout: float = HTTP_TIMEOUT,
                head_only: bool = False) -> Optional[RawResponse]:
    """Sends `data` on a fresh connection and reads one response (None: closed without one)."""
    with server.connect(timeout) as s:
        s.sendall(data)
        return read_response(s, timeout, head_only)


def wait_closed_by_peer(sock: socket.socket, timeout: float) -> bool:
    """True when the peer closes (EOF or reset) within `timeout`; discards any bytes read."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return False
        except (ConnectionResetError, ConnectionAbortedError):
            return True
        if not chunk:
            return True


# --------------------------------------------------------------------------------------------
# Test case base

class ServerTestCase(unittest.TestCase):
    """Base class: new_server() registers cleanups; sanitizer reports fail the test."""

    def new_server(self, start: bool = True, env: Optional[dict] = None,
                   args: Iterable[str] = (), **kw) -> Server:
        srv = Server(**kw)
        self.addCleanup(self._finish_server, srv)
        if start:
            srv.start(env=env, args=args)
        return srv

    def _finish_server(self, srv: Server) -> None:
        srv.cleanup()
        reports = srv.sanitizer_reports()
        if reports:
            self.fail("sanitizer reported problems:\n" + "\n".join(srv.stderr_lines()[-100:]))

    @classmethod
    def class_server(cls, env: Optional[dict] = None, args: Iterable[str] = (), **kw) -> Server:
        """A server shared by the tests of one class (setUpClass), stopped at class end."""
        srv = Server(**kw)
        cls.addClassCleanup(cls._finish_class_server, srv)
        srv.start(env=env, args=args)
        return srv

    @staticmethod
    def _finish_class_server(srv: Server) -> None:
        srv.cleanup()
        reports = srv.sanitizer_reports()
        if reports:
            raise AssertionError("sanitizer reported problems:\n" +
                                 "\n".join(srv.stderr_lines()[-100:]))

    def assertJsonError(self, r: Any, status: int, code: Optional[str] = None) -> None:
        self.assertEqual(r.status, status, str(r))
        body = r.body if isinstance(r, Response) else r.json()
        self.assertIsInstance(body, dict, str(r))
        self.assertIn("error", body, str(r))
        err = body["error"]
        for k in ("code", "message", "details", "request_id"):
            self.assertIn(k, err, str(r))
        if code is not None:
            self.assertEqual(err["code"], code, str(r))
