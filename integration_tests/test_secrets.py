"""Secrets: the client secret and the access tokens never appear in any output; the token goes only to the
configured Halo host, also across redirects; TLS certificates are verified.

The whole suite is scanned as well (secret_scan.py, loaded by the root conftest.py): these tests drive the
outputs most likely to leak - a debug-level read through token renewal, retries and a failing stream,
failed checks, error traces - and check them themselves.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import logging
import re
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import airbyte_cdk.sources.streams.http.rate_limiting as cdk_rate_limiting
import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.models.airbyte_protocol_serializers import ConfiguredAirbyteCatalogSerializer

from halo_simulator import HaloSimulator, SimulatorOptions
from halo_simulator import auth as simulator_auth
from halo_simulator.options import ALL_AREAS
from integration_tests import oracle, secret_scan
from integration_tests.conftest import UNTHROTTLED
from integration_tests.harness import catalog_for, deadline, read_streams, records_by_stream, run_console
from source_halopsa import SourceHalopsa, auth

SOURCE = Path(__file__).resolve().parent.parent / "source_halopsa"


@pytest.fixture
def issued_tokens(monkeypatch):
    """Every access token the simulators of this test issue."""
    tokens: list[str] = []
    issue = simulator_auth.TokenStore.request

    def request(self, query, form):
        answer = issue(self, query, form)
        tokens.append(answer["access_token"])
        return answer

    monkeypatch.setattr(simulator_auth.TokenStore, "request", request)
    return tokens


def _write(tmp_path: Path, name: str, payload) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(payload))
    return str(path)


def _everything(output) -> list[str]:
    """Every message of an in-process run, serialised as the platform would see it."""
    return [
        json.dumps(message.__dict__, default=lambda value: getattr(value, "__dict__", str(value)))
        for message in output._messages
    ]


# --- No secret in any output --------------------------------------------------------------------------


def test_given_debug_read_through_renewal_and_a_403_then_no_secret_or_token_in_any_output(
    tmp_path, issued_tokens
):
    """`--debug` logs every request's headers, a 401 and its retry, and the refused stream's response."""
    with HaloSimulator(SimulatorOptions(scale="tiny", granted_areas=ALL_AREAS - {"invoices"})) as sim:
        config = {**sim.config(), **UNTHROTTLED, "start_date": "2026-06-01T00:00:00Z"}
        sim.set_faults([{"path": "^/api/Tickets$", "kind": "expire_token", "times": 1}])  # a second token
        catalog = catalog_for(config, ["tickets", "actions", "statuses", "teams", "invoices"])
        args = [
            "read",
            "--debug",
            "--config",
            _write(tmp_path, "config.json", config),
            "--catalog",
            _write(tmp_path, "catalog.json", ConfiguredAirbyteCatalogSerializer.dump(catalog)),
        ]
        code, messages, output = run_console(args, timeout=120)
    assert code == 1  # invoices is refused
    assert len(issued_tokens) == 2 and any(m["type"] == "RECORD" for m in messages)
    assert "Bearer ****" in output  # the debug log of a request's headers, masked
    assert secret_scan.leaks_in([output], [config["client_secret"], *issued_tokens]) == []


def test_given_failed_checks_and_syncs_in_process_when_scanned_then_no_secret_or_token(
    fresh_simulator, issued_tokens, monkeypatch
):
    monkeypatch.setattr(auth, "time", SimpleNamespace(sleep=lambda seconds: None, monotonic=time.monotonic))
    sim = fresh_simulator
    # Three workers, so statuses is read while tickets fails (one worker stops the sync at tickets first).
    config = {**sim.config(), **UNTHROTTLED, "num_workers": 3}
    sim.set_faults([{"path": "^/api/Tickets$", "status": 401, "every": 1}])  # rejected even after renewal
    with deadline(60):
        failed = read_streams(config, ["tickets", "statuses"], expecting_exception=True)
    statuses = [
        SourceHalopsa(config=bad).check(logging.getLogger("airbyte"), bad)
        for bad in (
            config,  # the probes are refused with 401
            {**config, "client_secret": "wrong-" + config["client_secret"]},
            {**config, "tenant": "someone-else"},
        )
    ]
    assert failed.errors and len(records_by_stream(failed)["statuses"]) == len(
        oracle.expected(sim, "statuses")
    )
    assert [status.status.name for status in statuses] == ["FAILED"] * 3
    texts = _everything(failed) + [status.message for status in statuses]
    assert len(issued_tokens) >= 3
    assert secret_scan.leaks_in(texts, [config["client_secret"], *issued_tokens]) == []


def test_given_check_and_discover_through_console_when_run_then_no_secret(tmp_path, simulator):
    config = {**simulator.config(), **UNTHROTTLED}
    outputs = [
        run_console([command, "--config", _write(tmp_path, f"{command}.json", payload)])[2]
        for command, payload in (
            ("check", config),
            ("check", {**config, "client_secret": "not-" + config["client_secret"]}),
            ("discover", config),
        )
    ]
    assert secret_scan.leaks_in(outputs, [config["client_secret"]]) == []


def test_given_suite_so_far_when_scanned_then_scan_is_live_and_finds_a_planted_secret():
    """The session-wide scan sees outputs, and would report a secret if one appeared in them."""
    assert secret_scan.SCAN.outputs > 0 and secret_scan.SCAN.secrets and secret_scan.SCAN.tokens
    probe = secret_scan.SecretScan()
    probe.add_secret("ab" * 32)
    probe.add_secret("cd" * 20, token=True)
    probe.scan(f'{{"log": "Authorization: Bearer {"cd" * 20}"}}', "a planted token")
    probe.scan("nothing here", "a clean output")
    assert [where for _, where in probe.leaks()] == ["a planted token"]


# --- The token goes only to the configured host ---------------------------------------------------------


class _Elsewhere:
    """A loopback server on another port that records what it is sent and answers like Halo would."""

    def __init__(self, answers: dict[str, object]):
        self.requests: list[dict] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                recorder.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length).decode() if length else "",
                    }
                )
                path = self.path.split("?")[0].rsplit("/", 1)[-1].lower()
                body = json.dumps(answers.get(path, {})).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_address[1]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def elsewhere(simulator):
    server = _Elsewhere(
        {
            "status": oracle.expected(simulator, "statuses"),
            "tickets": {"record_count": 0, "tickets": []},
            "fieldinfo": [],
        }
    )
    yield server
    server.close()


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"], ids=["test_other_host", "test_other_port"])
def test_given_halo_redirects_api_requests_elsewhere_when_syncing_and_checking_then_token_not_forwarded(
    fresh_simulator, elsewhere, issued_tokens, host
):
    sim = fresh_simulator
    target = f"http://{host}:{elsewhere.port}"
    sim.set_faults(
        [
            # the CDK's requester (statuses), the read-time lookup (FieldInfo), the check's probe (Tickets)
            {
                "path": f"^/api/{path}$",
                "status": 302,
                "headers": {"Location": f"{target}/api/{path}"},
                "every": 1,
            }
            for path in ("Status", "FieldInfo", "Tickets")
        ]
    )
    config = {**sim.config(), **UNTHROTTLED}
    with deadline(60):
        output = read_streams(config, ["statuses", "tickets"])
        status = SourceHalopsa(config=config).check(logging.getLogger("airbyte"), config)
    assert not output.errors and status.status.name == "SUCCEEDED"
    assert len(records_by_stream(output)["statuses"]) == len(oracle.expected(sim, "statuses"))
    followed = {request["path"].split("?")[0] for request in elsewhere.requests}
    assert followed == {"/api/Status", "/api/FieldInfo", "/api/Tickets"}
    assert issued_tokens
    for request in elsewhere.requests:
        assert "Authorization" not in request["headers"], request["path"]
        assert secret_scan.leaks_in([json.dumps(request)], [config["client_secret"], *issued_tokens]) == []


@pytest.mark.parametrize("status", [302, 307, 308])
def test_given_token_endpoint_redirects_elsewhere_when_checking_then_secret_not_posted_there(
    fresh_simulator, elsewhere, status
):
    sim = fresh_simulator
    target = f"http://localhost:{elsewhere.port}/auth/token"
    sim.set_faults([{"path": "^/auth/token$", "status": status, "headers": {"Location": target}, "every": 1}])
    config = {**sim.config(), **UNTHROTTLED}
    result = SourceHalopsa(config=config).check(logging.getLogger("airbyte"), config)
    assert result.status.name == "FAILED"
    assert "redirects to localhost" in result.message and "Authorisation Server URL" in result.message
    assert elsewhere.requests == []


# --- TLS stays verified ---------------------------------------------------------------------------------

INSECURE = [
    r"verify\s*=\s*False",
    r"CERT_NONE",
    r"check_hostname\s*=\s*False",
    r"_create_unverified_context",
    r"disable_warnings",
    r"CURL_CA_BUNDLE|REQUESTS_CA_BUNDLE",
    r"\bverify\s*:\s*false",
]


def test_given_connector_source_when_searched_then_nothing_turns_tls_verification_off():
    files = [path for path in SOURCE.rglob("*") if path.suffix in (".py", ".yaml")]
    assert len(files) >= 8
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if any(re.search(pattern, line, re.IGNORECASE) for pattern in INSECURE)
    ]
    assert found == []


def _self_signed(tmp_path: Path) -> ssl.SSLContext:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return context


@pytest.fixture
def untrusted_https(tmp_path):
    """A loopback HTTPS server whose certificate no CA signed; it records any request that gets through."""
    server = _Elsewhere({"status": [], "fieldinfo": [], "token": {"access_token": "x", "expires_in": 3600}})
    server.server.socket = _self_signed(tmp_path).wrap_socket(server.server.socket, server_side=True)
    server.server.handle_error = lambda request, address: None  # failed handshakes are expected
    yield server
    server.close()


def test_given_untrusted_certificate_when_checking_then_refused_before_anything_is_sent(untrusted_https):
    config = {
        "instance_url": f"https://127.0.0.1:{untrusted_https.port}",
        "client_id": "cid",
        "client_secret": "0123456789abcdef0123456789abcdef",
        "tenant": "acme",
    }
    result = SourceHalopsa(config=config).check(logging.getLogger("airbyte"), config)
    assert result.status.name == "FAILED"
    assert result.message.startswith("TLS certificate verification failed for 127.0.0.1")
    assert untrusted_https.requests == []  # the secret never left: no request completed the handshake


def test_given_untrusted_certificate_on_the_api_host_when_syncing_then_no_request_reaches_it(
    untrusted_https, simulator, monkeypatch
):
    """Token from the (plain loopback) simulator, pages from an HTTPS host with an untrusted certificate."""
    monkeypatch.setattr(cdk_rate_limiting, "time", SimpleNamespace(sleep=lambda seconds: None))
    config = {
        **simulator.config(),
        **UNTHROTTLED,
        "instance_url": f"https://127.0.0.1:{untrusted_https.port}",
        "authorization_server_url": f"{simulator.url}/auth",
    }
    with deadline(60):
        output = read_streams(config, ["statuses"], sync_mode=SyncMode.full_refresh, expecting_exception=True)
    assert output.errors and not output.records
    assert untrusted_https.requests == []
