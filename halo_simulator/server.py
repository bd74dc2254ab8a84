"""HaloSimulator: a real HTTP server on 127.0.0.1 in a daemon thread, plus Python mirrors of the control plane.

    with HaloSimulator(SimulatorOptions(scale="tiny")) as sim:
        requests.post(f"{sim.url}/auth/token?tenant=acme", data={...})

HTTP/1.1 keep-alive with Nagle off and a buffered writer: without both, Nagle plus delayed ACK add ~40 ms
to every request (airbyte-cdk.md §6). Bodies are serialised once per response.
"""

from __future__ import annotations

import io
import socket
import struct
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from . import control, errors
from .auth import TokenStore
from .backend import TenantBackend
from .clock import Clock
from .faults import FaultInjector, FaultRule
from .options import SimulatorOptions
from .ratelimit import RollingWindow
from .routes import Request, Response, dispatch
from .stats import Stats

TOKEN_PATHS = ("/auth/token", "/token")


class HaloSimulator:
    def __init__(self, options: SimulatorOptions | None = None) -> None:
        self.options = options or SimulatorOptions()
        self.clock = Clock()
        self.backend = TenantBackend(self.options, self.clock)
        self.tokens = TokenStore(self.clock, self.options)
        self._stats = Stats()
        self.faults = FaultInjector(self.options.seed)
        if self.options.fault_rules:
            self.faults.set_rules(list(self.options.fault_rules))
        self.ratelimit = RollingWindow(*self.options.rate_limit) if self.options.rate_limit else None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> HaloSimulator:
        server = ThreadingHTTPServer(("127.0.0.1", self.options.port), _Handler)
        server.daemon_threads = True
        server.sim = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="halo-simulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> HaloSimulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("simulator is not running; call start() or use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def config(self) -> dict:
        """A connector config for this instance."""
        cfg = {
            "instance_url": self.url,
            "client_id": self.options.client_id,
            "client_secret": self.options.client_secret,
        }
        if self.options.hosted:
            cfg["tenant"] = self.options.tenant
        return cfg

    # ------------------------------------------------------------------ control plane mirrors

    def reset(self) -> None:
        """Initial data again; fault rules back to options.fault_rules (none by default)."""
        self.backend.reset()
        self.faults.set_rules(list(self.options.fault_rules))

    def mutate(self, spec: dict | None = None, **kinds: int) -> dict:
        return self.backend.mutate({**(spec or {}), **kinds})

    def set_faults(self, rules: list[dict]) -> None:
        self.faults.set_rules(rules)

    def clear_faults(self) -> None:
        self.faults.clear()

    def stats(self) -> dict:
        return self._stats.snapshot()

    def reset_stats(self) -> None:
        self._stats.reset()

    def advance_clock(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def revoke_tokens(self) -> int:
        return self.tokens.revoke_all()

    # ------------------------------------------------------------------ request pipeline

    def serve(self, handler: _Handler, method: str) -> None:
        split = urlsplit(handler.path)
        path, query = split.path, split.query
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        if path.lower().startswith("/_sim/"):
            handler.send(control.handle(self, method, path, body))
            return
        is_token = path.lower().rstrip("/") in TOKEN_PATHS
        try:
            resp = self._serve_api(handler, method, path, query, body)
        except Exception:  # a simulator bug must not look like a dropped connection
            traceback.print_exc()
            resp = Response(500, b"Internal Server Error", "text/plain")
        # recorded before the bytes leave, so a client that reads /_sim/stats next sees its request
        self._stats.record(method, path, query, resp.status if isinstance(resp, Response) else 0, is_token)
        if isinstance(resp, Response):
            handler.send(resp)
        else:
            handler.abort(reset=resp == "reset")

    def _serve_api(
        self, handler: _Handler, method: str, path: str, query: str, body: bytes
    ) -> Response | str:
        """The response to send, or "reset"/"close" to drop the connection without one."""
        if self.ratelimit is not None and not self.ratelimit.allow():
            limit, window = self.options.rate_limit  # type: ignore[misc]
            return _error(errors.rate_limited(limit, window))
        rule = self.faults.match(method, path) if self.faults.active else None
        params = {k.lower(): v for k, v in parse_qsl(query, keep_blank_values=True)}
        page_cap = None
        malformed = False
        if rule is not None:
            early = self._apply_fault(rule, params)
            if early is not None:
                return early
            page_cap = rule.size if rule.kind == "page_cap" else None
            malformed = rule.kind == "malformed"
        content_type = handler.headers.get("Content-Type", "")
        form = dict(parse_qsl(body.decode("utf-8", "replace"))) if "form" in content_type.lower() else {}
        headers = {k.lower(): v for k, v in handler.headers.items()}
        resp = dispatch(Request(self, method, path, params, form, headers, page_cap=page_cap))
        if malformed and resp.status == 200:
            resp = Response(200, resp.body[: max(1, len(resp.body) // 2)], resp.content_type)
        return resp

    def _apply_fault(self, rule: FaultRule, params: dict) -> Response | str | None:
        """Acts on a fired rule: a response or "reset"/"close" when the request ends here, else None."""
        if rule.status is not None:
            return _error(errors.injected(rule.status, rule.body, rule.headers))
        if rule.kind in ("delay", "timeout"):
            time.sleep(rule.seconds)
        if rule.kind == "timeout":
            return "close"
        if rule.kind == "reset":
            return "reset"
        if rule.kind == "expire_token":
            self.tokens.revoke_all()
            return _error(errors.unauthorized())
        if rule.kind == "repeat_page":
            params["page_no"] = "1"
        return None


def _error(e: errors.HaloError) -> Response:
    return Response(e.status, e.body, e.content_type, e.headers)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""

    def log_message(self, format, *args) -> None:  # noqa: A002 - BaseHTTPRequestHandler's signature
        pass

    def _dispatch(self, method: str) -> None:
        self.server.sim.serve(self, method)  # type: ignore[attr-defined]

    def do_GET(self) -> None:  # noqa: N802
        self._dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch("DELETE")

    def do_PUT(self) -> None:  # noqa: N802
        self._dispatch("PUT")

    def send(self, resp: Response) -> None:
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(resp.body)

    def abort(self, reset: bool) -> None:
        """Close the connection without a response (RST when reset, FIN otherwise)."""
        self.close_connection = True
        try:
            if reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
            self.connection.close()
        except OSError:
            pass
        self.wfile = io.BytesIO()  # anything the base class still flushes goes nowhere
