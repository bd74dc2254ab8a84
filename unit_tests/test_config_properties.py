"""Generated bad configs (hypothesis): each is refused with one line that names the field and the fix.

Missing and empty fields, URLs without a scheme, http on a public host, pasted paths, unicode, bad dates,
wrong types and bad tenants. Most examples go through the check itself (`check_halo_connection`, on the
config normalised as the source normalises it); a sample goes through `SourceHalopsa(config=...).check`
and through the `source-halopsa` console script, which must also answer in one line, without a
traceback, with Airbyte's config_error where it emits a trace. Halo is mocked: a config that passes
validation meets a Halo that knows only the tenant "acme". Examples are derandomized: the same configs
every run.
"""

from __future__ import annotations

import json
import logging
import re
import string
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
import requests_mock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from source_halopsa import SourceHalopsa, auth
from source_halopsa.check import check_halo_connection
from source_halopsa.config import normalize_config

INSTANCE = "https://acme.halopsa.com"
SECRET = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
VALID = {
    "instance_url": INSTANCE,
    "client_id": "0b6c4f3e-3f1e-4f4a-9f4e-2f7b8a1c9d2e",
    "client_secret": SECRET,
    "tenant": "acme",
}
# Messages name a field as the set-up form shows it: the spec's titles, not a copy of them.
TITLES = {
    name: prop["title"]
    for name, prop in SourceHalopsa()
    .spec(logging.getLogger("test"))
    .connectionSpecification["properties"]
    .items()
}
# Words of a fix: what to enter, where to copy it from, what to change it to.
FIX_WORDS = ("e.g.", "write it as", "use ", "copy ", "enter ", "change it", "leave ", "check ", "must be")
EXAMPLES = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# --- Strategies: (config, field the message must name) ------------------------------------------------

hosts = st.from_regex(r"[a-z][a-z0-9-]{0,15}(\.[a-z][a-z0-9-]{0,8}){1,3}", fullmatch=True).filter(
    lambda host: host != "localhost"
)
pasted_suffixes = st.sampled_from(
    ["", "/", "/api", "/api/", "/auth", "/auth/token", "/api/Tickets", "/swagger"]
)
junk_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


def _with(field: str, value: object) -> tuple[dict, str]:
    return {**VALID, field: value}, field


missing_or_empty = st.builds(
    lambda field, blank, drop: (
        ({k: v for k, v in VALID.items() if k != field}, field) if drop else _with(field, blank)
    ),
    st.sampled_from(["instance_url", "client_id", "client_secret"]),
    st.sampled_from(["", " ", "\t\n", "   \u00a0"]),
    st.booleans(),
)
without_scheme = st.builds(lambda host, path: _with("instance_url", host + path), hosts, pasted_suffixes)
http_public_host = st.builds(
    lambda host, path: _with("instance_url", f"http://{host}{path}"), hosts, pasted_suffixes
)
pasted_paths = st.sampled_from(
    [
        "C:\\Users\\me\\Downloads\\halo-api.txt",
        "/home/me/halo/api",
        "~/halo",
        "\\\\fileserver\\halo",
        "file:///etc/halo.json",
        "acme.halopsa.com/api/Tickets?page_no=1",
        "https://",
        "https:acme.halopsa.com",
        "www.acme.halopsa.com/auth/token",
        "https://acme.halopsa.com:99999/api",
        "https://acme halopsa.com",
    ]
).map(lambda url: _with("instance_url", url))
unicode_urls = junk_text.filter(lambda text: "://" not in text and text.strip()).map(
    lambda text: _with("instance_url", text)
) | st.sampled_from(
    ["ｈｔｔｐｓ://acme.halopsa.com", "https://acme.halopsa.com\u202e/api", "https://\u0430cme\u00a0.com"]
).map(lambda url: _with("instance_url", url))


def _not_iso(text: str) -> bool:
    value = text.strip()
    if not value:
        return False  # a blank start date means all history
    try:
        parsed = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    except ValueError:
        return True
    return parsed.year < 1980


bad_dates = (
    st.sampled_from(
        [
            "yesterday",
            "01/02/2024",
            "2024-13-01",
            "2024-02-30",
            "2024-1-1",
            "1970-01-01",
            "0001-01-01",
            "2024/01/01",
            "now",
        ]
    )
    | junk_text.filter(_not_iso)
    | st.dates(max_value=date(1979, 12, 31)).map(lambda day: day.isoformat())
).map(lambda value: _with("start_date", value))

not_text = st.one_of(
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
TEXT_FIELDS = [
    "instance_url",
    "client_id",
    "client_secret",
    "tenant",
    "authorization_server_url",
    "scope",
    "start_date",
]
INT_FIELDS = {
    "lookback_window_minutes": (0, 10080),
    "rate_limit_requests": (1, None),
    "rate_limit_window_seconds": (1, None),
    "actions_window_days": (1, 31),
    "num_workers": (1, 8),
}


def _bad_int(field: str):
    low, high = INT_FIELDS[field]
    out_of_range = st.integers(max_value=low - 1) | (
        st.integers(min_value=high + 1) if high else st.nothing()
    )
    return st.one_of(
        out_of_range,
        st.text(max_size=5),
        st.floats(allow_nan=False),
        st.booleans(),
        st.lists(st.integers(), max_size=2),
    )


wrong_types = st.one_of(
    st.builds(_with, st.sampled_from(TEXT_FIELDS), not_text),
    st.sampled_from(sorted(INT_FIELDS)).flatmap(
        lambda field: _bad_int(field).map(lambda value: _with(field, value))
    ),
)
unknown_tenants = junk_text.filter(lambda text: text.strip() and text.strip() != "acme").map(
    lambda tenant: _with("tenant", tenant)
)
bad_configs = st.one_of(
    missing_or_empty,
    without_scheme,
    http_public_host,
    pasted_paths,
    unicode_urls,
    bad_dates,
    wrong_types,
    unknown_tenants,
)

# --- Halo, mocked ---------------------------------------------------------------------------------------


def _mock_halo(mocker: requests_mock.Mocker) -> None:
    def token(request, context):
        if request.qs.get("tenant") != ["acme"]:
            context.status_code = 500  # what Halo answers for a wrong tenant (halopsa-api.md §1.5)
            return "Tenant not found"
        return json.dumps({"access_token": "mock-token-7c1d", "expires_in": 3600})

    mocker.get(re.compile(f"^{re.escape(INSTANCE)}/api/"), json={"record_count": 0})  # every probe
    mocker.get(f"{INSTANCE}/api/authinfo", json={"auth_url": f"{INSTANCE}/auth", "tenant_id": "acme"})
    mocker.post(f"{INSTANCE}/auth/token", text=token)


def _check(config: dict) -> tuple[bool, str | None]:
    """The connection check on the config as the source normalises it, against the mocked Halo."""
    auth._SOURCES.clear()
    normalized = json.loads(json.dumps(config))
    normalize_config(normalized)
    with (
        requests_mock.Mocker() as mocker,
        mock.patch.object(auth, "time", SimpleNamespace(sleep=lambda s: None, monotonic=time.monotonic)),
    ):
        _mock_halo(mocker)
        return check_halo_connection(normalized)


def _assert_refused_in_one_line(message: str | None, field: str) -> None:
    assert message, "a bad config passed the check"
    assert "\n" not in message and "\r" not in message, f"more than one line: {message!r}"
    assert TITLES[field] in message, f"{TITLES[field]!r} not named in {message!r}"
    assert any(word in message for word in FIX_WORDS), f"no fix in {message!r}"
    assert "Traceback" not in message and SECRET not in message


# --- Properties -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "strategy",
    [
        pytest.param(missing_or_empty, id="test_missing_or_empty"),
        pytest.param(without_scheme, id="test_url_without_scheme"),
        pytest.param(http_public_host, id="test_http_on_public_host"),
        pytest.param(pasted_paths, id="test_pasted_paths"),
        pytest.param(unicode_urls, id="test_unicode"),
        pytest.param(bad_dates, id="test_bad_dates"),
        pytest.param(wrong_types, id="test_wrong_types"),
        pytest.param(unknown_tenants, id="test_bad_tenant"),
    ],
)
def test_given_bad_config_when_checking_then_one_line_naming_field_and_fix(strategy):
    @EXAMPLES
    @given(strategy)
    def refused(case):
        config, field = case
        succeeded, message = _check(config)
        assert not succeeded
        _assert_refused_in_one_line(message, field)

    refused()


@settings(max_examples=40, derandomize=True, deadline=None)
@given(
    st.sampled_from(
        ["", "/", "/api", "/api/", "/auth", "/auth/token", "/API/Tickets", "/api/swagger/index.html"]
    ),
    st.sampled_from(["https://acme.halopsa.com", "HTTPS://ACME.HaloPSA.com", "https://Acme.halopsa.com"]),
    st.sampled_from(["", " ", "\t", "\n"]),
)
def test_given_pasted_variant_of_the_right_url_when_checking_then_accepted(suffix, root, padding):
    assert _check({**VALID, "instance_url": f"{padding}{root}{suffix}{padding}"}) == (True, None)


@settings(max_examples=20, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bad_configs)
def test_given_bad_config_when_checking_through_the_source_then_failed_status_in_one_line(case):
    config, field = case
    auth._SOURCES.clear()
    with (
        requests_mock.Mocker() as mocker,
        mock.patch.object(auth, "time", SimpleNamespace(sleep=lambda s: None, monotonic=time.monotonic)),
    ):
        _mock_halo(mocker)
        status = SourceHalopsa(config=config).check(logging.getLogger("airbyte"), config)
    assert status.status.name == "FAILED"
    _assert_refused_in_one_line(status.message, field)


# --- The console script, on a sample -------------------------------------------------------------------

CONSOLE_SAMPLE = [
    ({**VALID, "instance_url": "acme.halopsa.com/api"}, "instance_url"),
    ({**VALID, "instance_url": "http://acme.halopsa.com"}, "instance_url"),
    ({k: v for k, v in VALID.items() if k != "client_secret"}, "client_secret"),
    ({**VALID, "start_date": "31/12/2024"}, "start_date"),
    ({**VALID, "actions_window_days": 0}, "actions_window_days"),
    ({**VALID, "num_workers": 0}, "num_workers"),
    ({**VALID, "rate_limit_requests": "300"}, "rate_limit_requests"),
    ({**VALID, "tenant": ["acme"]}, "tenant"),
    ({**VALID, "instance_url": "https://acme.halopsa.com:99999"}, "instance_url"),
]
SCRIPT = str(Path(sys.executable).with_name("source-halopsa"))


def _console(tmp_path: Path, index: int, command: str, config: dict) -> tuple[int, list[dict], str]:
    path = tmp_path / f"config-{index}-{command}.json"
    path.write_text(json.dumps(config))
    args = [SCRIPT, command, "--config", str(path)]
    if command == "read":
        catalog = tmp_path / "catalog.json"
        args += ["--catalog", str(catalog)]
    process = subprocess.run(args, capture_output=True, text=True, timeout=60)
    messages = [json.loads(line) for line in process.stdout.splitlines() if line.startswith("{")]
    return process.returncode, messages, process.stdout + process.stderr


def test_given_sample_of_bad_configs_when_run_through_console_script_then_one_line_and_config_error(tmp_path):
    (tmp_path / "catalog.json").write_text(json.dumps({"streams": []}))
    # Every sample config through `check`; a few through `read`, which validates the same way.
    jobs = [(index, "check", config, field) for index, (config, field) in enumerate(CONSOLE_SAMPLE)]
    jobs += [(index, "read", *CONSOLE_SAMPLE[index]) for index in (0, 4, 7)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda job: (job, _console(tmp_path, *job[:3])), jobs))
    for (index, command, _, field), (code, messages, output) in results:
        assert "Traceback" not in output and SECRET not in output, (index, command)
        if command == "check":
            statuses = [m["connectionStatus"] for m in messages if m["type"] == "CONNECTION_STATUS"]
            assert code == 0 and len(statuses) == 1 and statuses[0]["status"] == "FAILED", (
                index,
                output[-500:],
            )
            _assert_refused_in_one_line(statuses[0]["message"], field)
        else:
            errors = [
                m["trace"]["error"]
                for m in messages
                if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"
            ]
            assert code == 1 and len(errors) == 1, (index, output[-500:])
            assert errors[0]["failure_type"] == "config_error"
            _assert_refused_in_one_line(errors[0]["message"], field)
            assert not [m for m in messages if m["type"] == "RECORD"]


def test_given_realistic_secret_when_masked_then_messages_stay_readable():
    """The CDK masks the secret wherever it appears: a short secret would mask letters of every message."""
    assert len(SECRET) >= 32 and set(SECRET) <= set(string.hexdigits)
