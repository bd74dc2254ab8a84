"""Values the manifest needs at read time that only Halo knows, fetched once per sync.

- Where a first sync of `actions` starts when no start date is set. `/Actions` is read in one-day
  windows, so "all history" needs a first day; no action predates its ticket, so the earliest
  ticket bounds the backfill.
- Which custom fields `tickets` must ask for: `include_custom_fields` takes a comma list of
  FieldInfo ids (halo-swagger-2024.json, /Tickets), so "all custom fields" needs their ids.
- How long an `/Actions` window Halo really serves (pip-halopsa claims one day at most, untested).
- Where a first sync of `timesheet_events` starts: its earliest event, which may predate every ticket
  (shifts, breaks), so the events before the earliest ticket are asked for in one request.

Each is also a check of a guess about Halo, made while syncing (BEHAVIOR.md §15): `order` honoured
by the earliest-ticket probe, `include_custom_fields` honoured on list rows, the `/Actions` window not
silently cut short, and whether `/CRMNote` answers can be cut at Halo's default page. A failed check
adapts (reads every ticket, shorter windows) or stops the streams that depend on it with one line
naming the Halo behaviour (`_halo_refusals`); it never lets rows go missing.

The probes cost a few requests, made only when a stream that needs them is selected.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import requests
from airbyte_cdk.models import ConfiguredAirbyteCatalog, FailureType, SyncMode
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_halopsa.auth import REQUEST_TIMEOUT_SECONDS, rate_limit_wait_seconds, token_source_for
from source_halopsa.budget import charge_request
from source_halopsa.config import parse_start_date
from source_halopsa.records import normalize_datetime, page_rows, parse_instant

logger = logging.getLogger("airbyte")

HISTORY_START_KEY = "_halo_history_start"
TIMESHEET_START_KEY = "_halo_timesheet_start"
CUSTOM_FIELD_IDS_KEY = "_halo_custom_field_ids"
ACTIONS_WINDOW_KEY = "_halo_actions_window"
MILESTONES_LISTED_KEY = "_halo_milestones_listed"  # read by the manifest's project_milestones parent
REFUSALS_KEY = "_halo_refusals"  # stream name -> why it stops, read by HaloRecordExtractor
CUSTOM_FIELDS = "(streams with custom fields)"  # the refusal key for every stream asking for them
CRMNOTE_DEFAULT_PAGE_KEY = "_halo_default_page_possible_CRMNote"  # read by HaloRecordExtractor
# Halo's default page when `count` is not honoured (halopsa-api.md §9, Servosity/msp-skills #203).
DEFAULT_PAGE_ROWS = 50
ACTIONS_COUNT = 1000  # rows asked of an /Actions window, as the manifest's `window_count` for actions
STREAMS_WITH_CUSTOM_FIELD_FILTER = {
    "tickets",
    "projects",
    "project_tasks",
    "opportunities",
    "deleted_tickets",
}
EARLIEST_TICKET_PARAMS = {
    "pageinate": "true",
    "page_size": "100",
    "page_no": "1",
    "order": "dateoccurred",
    "orderdesc": "false",
}


def with_read_context(
    config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog, state_manager: Any
) -> Mapping[str, Any]:
    selected = {stream.stream.name for stream in catalog.streams}
    saved = {
        stream.stream.name: state_manager.get_stream_state(stream.stream.name, None) or {}
        for stream in catalog.streams
        if stream.sync_mode == SyncMode.incremental
    }
    context: dict[str, Any] = {}
    if (
        "actions" in selected
        and not config.get("start_date")
        and HISTORY_START_KEY not in config
        and not saved.get("actions")
    ):
        start = earliest_ticket_date(config)
        if start:
            context[HISTORY_START_KEY] = start
    if (
        "timesheet_events" in selected
        and not config.get("start_date")
        and TIMESHEET_START_KEY not in config
        and not saved.get("timesheet_events")
    ):
        history = (
            context.get(HISTORY_START_KEY) or config.get(HISTORY_START_KEY) or earliest_ticket_date(config)
        )
        if history:
            context[TIMESHEET_START_KEY] = earliest_timesheet_date(config, history)
    # project_milestones reads lazily from the project rows only while it has no state (the CDK's rule).
    if (
        "project_milestones" in selected
        and MILESTONES_LISTED_KEY not in config
        and not saved.get("project_milestones")
    ):
        context[MILESTONES_LISTED_KEY] = milestones_listed(config)
    # A check that fails, or cannot be made, stops only the streams that depend on it (HaloRecordExtractor).
    refusals: dict[str, str] = {}
    if "actions" in selected and ACTIONS_WINDOW_KEY not in config:
        try:
            context[ACTIONS_WINDOW_KEY] = actions_window(config, _actions_since(config, saved.get("actions")))
        except CheckFailed as error:
            refusals["actions"] = error.message or "the /Actions window check failed"
    if (
        "crm_notes" in selected
        and CRMNOTE_DEFAULT_PAGE_KEY not in config
        and _refresh_may_be_due(config, saved.get("crm_notes"), "contact_history")
    ):
        context[CRMNOTE_DEFAULT_PAGE_KEY] = default_page_possible(config, "CRMNote", "actions|notes|crmnotes")
    with_custom_fields = selected & STREAMS_WITH_CUSTOM_FIELD_FILTER
    if with_custom_fields and CUSTOM_FIELD_IDS_KEY not in config:
        try:
            ids = custom_field_ids(config)
            if ids and not custom_fields_listed(config, ids, _custom_field_list(selected)):
                refusals[CUSTOM_FIELDS] = CUSTOM_FIELDS_UNLISTED
            context[CUSTOM_FIELD_IDS_KEY] = ids
        except CheckFailed as error:
            refusals[CUSTOM_FIELDS] = error.message or "the custom-field check failed"
    if refusals:
        context[REFUSALS_KEY] = refusals
    return {**config, **context} if context else config


def _actions_since(config: Mapping[str, Any], state: Mapping[str, Any] | None) -> datetime | None:
    """Where an incremental `actions` sync starts reading: its saved cursor less the lookback."""
    saved = parse_instant((state or {}).get("datetime"))
    if saved is None:
        return None
    lookback = config.get("lookback_window_minutes")
    since = saved - timedelta(minutes=lookback if isinstance(lookback, int) and lookback >= 0 else 10)
    start = config.get("start_date")
    return max(since, parse_start_date(start)) if start else since


# The CDK starts a refreshed stream's window a little early (by the last sync's duration): a probe for
# such a stream is skipped only when its next read is further off than this.
_REFRESH_MARGIN = timedelta(hours=1)


def _refresh_may_be_due(config: Mapping[str, Any], state: Mapping[str, Any] | None, area: str) -> bool:
    """Whether a stream read once per refresh interval may be read in this sync (see manifest.yaml). A
    substream reads nothing unless its parent, on the same interval, is due too (crm_notes and clients)."""
    state = state or {}
    parents = state.get("parent_state") if isinstance(state.get("parent_state"), dict) else {}
    if any(
        isinstance(parent, dict) and not _refresh_may_be_due(config, parent, area)
        for parent in parents.values()
    ):
        return False
    last = parse_instant((state.get("state") or state).get("synced_through"))
    if last is None:
        return True
    minutes = config.get(f"refresh_minutes_{area}")  # filled in by the spec's config normalization
    if not isinstance(minutes, int):
        return True
    # A substream's saved state holds the last sync's length, by which the CDK starts its window earlier.
    early = state.get("lookback_window") if isinstance(state.get("lookback_window"), (int, float)) else 0
    margin = _REFRESH_MARGIN + timedelta(seconds=early)
    return datetime.now(timezone.utc) + margin >= last + timedelta(minutes=minutes)


CUSTOM_FIELDS_UNLISTED = (
    "Halo ignored include_custom_fields on list rows (a ticket has custom fields on its own but none in the "
    "list), so {stream} would lose every custom field: deselect it, or report it with your Halo version."
)


def _get(config: Mapping[str, Any], path: str, params: Mapping[str, str]) -> Any:
    """GET with the shared token; transient failures (429, 5xx, resets) are retried like the streams'."""
    source = token_source_for(config)
    for attempt in range(1, _TRIES + 1):
        response = None
        charge_request()  # before the token, which waiting on the budget could outlive
        token = source.token()
        try:
            response = requests.get(
                f"{config['instance_url']}/api/{path}",
                params=params,
                headers={"Authorization": f"Bearer {token}"},
                timeout=REQUEST_TIMEOUT_SECONDS,
            )
        except (requests.ConnectionError, requests.Timeout):
            if attempt == _TRIES:
                raise
        else:
            if response.status_code == 401 and attempt == 1:
                # Churn: the retry carries a fresh token. A second 401 is not churn (the streams, which
                # retry 401s as long as tokens keep being accepted elsewhere, report it).
                source.reject(token)
                continue
            if response.ok:
                source.accept(token)
            if response.status_code not in (429, 500, 502, 503, 504) or attempt == _TRIES:
                response.raise_for_status()
                return response.json()
        wait = (
            rate_limit_wait_seconds(config)
            if response is not None and response.status_code == 429
            else 2**attempt
        )
        logger.info(f"Halo did not answer /{path} ({attempt} of {_TRIES}); retrying in {wait:.0f} s.")
        time.sleep(wait)
    raise AssertionError("unreachable")


_TRIES = 5


def earliest_ticket_date(config: Mapping[str, Any]) -> str | None:
    """The day before the earliest `dateoccurred`, from the first page of tickets by opening date.

    That page holds the earliest ticket only if Halo honours `order=dateoccurred`, a parameter only the
    swagger documents: the last ticket by `orderdesc=true` must differ from the first and open no earlier
    than the page's last. If Halo ignored `order`, every ticket is read (one request per 100) rather than
    letting actions of older tickets go unread.
    """
    try:
        body = _get(config, "Tickets", EARLIEST_TICKET_PARAMS)
        rows = page_rows(body, "tickets", "/Tickets")
        total = body.get("record_count") if isinstance(body, dict) else None
        more = (
            total > len(rows)
            if isinstance(total, int)
            else len(rows) >= int(EARLIEST_TICKET_PARAMS["page_size"])
        )
        if more and not _ordered_by_opening(config, rows):
            logger.warning(
                "Halo ignored order=dateoccurred on /Tickets: every ticket is read once to find the earliest, "
                "where actions start (set a Start date to skip this)."
            )
            rows = list(_every_row(config, "Tickets", "tickets", {}))
    except (requests.RequestException, ValueError) as error:
        logger.warning(f"Could not find the earliest ticket ({type(error).__name__}); actions start in 2000.")
        return None
    dates = [_opened(row) for row in rows]
    dates = [date for date in dates if date]
    if not dates:
        return None
    earliest = parse_start_date(min(dates)) - timedelta(days=1)
    logger.info(
        f"No start date set: actions are read from {earliest:%Y-%m-%d}, the day before the earliest ticket."
    )
    return earliest.strftime("%Y-%m-%dT00:00:00Z")


# Asked of /TimesheetEvent for the years before the earliest ticket, as the stream asks of its windows.
TIMESHEET_COUNT = 100000


def earliest_timesheet_date(config: Mapping[str, Any], history_start: str) -> str:
    """Where `timesheet_events` start: the day before its earliest event before `history_start` (a day's
    margin for a Halo reading dates in the tenant's time zone), else `history_start`.

    One request for 2000-01-01 up to `history_start`. An answer that may be cut short (as many rows as
    asked; exactly Halo's default page of 50, its page cap of 100, or 1000, a cap on unpaged answers; fewer
    rows than a record_count above them), or none at all, starts the windows in 2000 instead: more
    requests, no event missed.
    """
    params = {
        "start_date": "2000-01-01T00:00:00Z",
        "end_date": history_start,
        "count": str(TIMESHEET_COUNT),
    }
    try:
        body = _get(config, "TimesheetEvent", params)
        rows = page_rows(body, "timesheetevents", "/TimesheetEvent")
    except (requests.RequestException, ValueError) as error:
        logger.info(
            f"Could not ask for timesheet events before {history_start[:10]} ({type(error).__name__})."
        )
        return "2000-01-01T00:00:00Z"
    if _window_cut_short(rows, body, TIMESHEET_COUNT):
        return "2000-01-01T00:00:00Z"
    starts = [start for row in rows if (start := parse_instant(row.get("start_date"))) is not None]
    if len(starts) < len(rows):
        return "2000-01-01T00:00:00Z"  # an event without a readable start: no earliest to trust
    if not starts:
        return history_start
    return (min(starts) - timedelta(days=1)).astimezone(timezone.utc).strftime("%Y-%m-%dT00:00:00Z")


def _window_cut_short(rows: list[Any], body: Any, count: int) -> bool:
    """Whether an unpaged window answer may lack rows, by the signs of the manifest's split_window_cut_short:
    `count` rows or more; exactly Halo's default page of 50, its page cap of 100, or 1000 (a cap on unpaged
    answers); fewer rows than a record_count above them."""
    total = body.get("record_count") if isinstance(body, dict) else None
    return (
        len(rows) >= count
        or len(rows) in (DEFAULT_PAGE_ROWS, 100, 1000)
        or (isinstance(total, int) and total > len(rows))
    )


def _opened(row: Mapping[str, Any]) -> str | None:
    value = row.get("dateoccurred")
    return normalize_datetime(value) if isinstance(value, str) and len(value) >= 19 else None


def _ordered_by_opening(config: Mapping[str, Any], page: list[dict[str, Any]]) -> bool:
    """Whether Halo sorted by `dateoccurred`: the page ascends and the newest ticket is not the page's first."""
    dates = [_opened(row) or "" for row in page]
    if dates != sorted(dates):
        return False
    newest = page_rows(
        _get(config, "Tickets", {**EARLIEST_TICKET_PARAMS, "page_size": "1", "orderdesc": "true"}), "tickets"
    )
    return (
        bool(newest) and newest[0].get("id") != page[0].get("id") and (_opened(newest[0]) or "") >= dates[-1]
    )


def _every_row(
    config: Mapping[str, Any], path: str, key: str, params: Mapping[str, str]
) -> Iterator[dict[str, Any]]:
    """Every row of a paged list, one request per 100, stopping from record_count and the rows seen.

    Without a record_count, a page shorter than the longest so far ends the list. A page that starts like
    the one before means Halo ignored `page_no`: an error, since the rest would never be read.
    """
    page, seen, longest, previous_first = 1, 0, 0, None
    while True:
        body = _get(config, path, {**params, "pageinate": "true", "page_size": "100", "page_no": str(page)})
        rows = page_rows(body, key, "/" + path)
        if rows and previous_first is not None and rows[0].get("id") == previous_first:
            raise ValueError(f"Halo answered page {page} of /{path} with page {page - 1} again")
        yield from rows
        seen += len(rows)
        longest = max(longest, len(rows))
        total = body.get("record_count") if isinstance(body, dict) else None
        if not rows or (seen >= total if isinstance(total, int) else len(rows) < longest):
            return
        previous_first = rows[0].get("id")
        page += 1


# Window lengths tried, longest first, when Halo serves less of an /Actions window than asked.
_SHORTER_WINDOWS = (
    timedelta(hours=12),
    timedelta(hours=6),
    timedelta(hours=3),
    timedelta(hours=1),
    timedelta(minutes=15),
)
_EDGE = timedelta(minutes=1)


def actions_window(config: Mapping[str, Any], since: datetime | None = None) -> str:
    """The `/Actions` window length to read with, checked against Halo: an ISO 8601 duration.

    pip-halopsa says Halo limits windows to one day; if Halo silently served only part of a longer
    window, actions would vanish. So the newest action Halo knows of (a ticket's `lastactiondate`) is
    looked up at the head and at the tail of a window of the configured length: if either misses it,
    Halo cut the window short, and shorter windows are tried until both find it.

    An incremental sync reading from `since` needs one window for the whole stretch when Halo serves it:
    none is checked for a stretch shorter than the shortest window the check knows, and a stretch of up to
    a year is read in one window if Halo's answer for it is whole and holds the newest action (no action is
    newer, so a window cut after it loses none). An idle tenant then costs one request, not one per day.
    """
    window = timedelta(days=config.get("actions_window_days") or 1)
    stretch = datetime.now(timezone.utc) - since if since is not None else None
    if stretch is not None and stretch <= _SHORTER_WINDOWS[-1]:
        return _iso(window)
    try:
        reference, newest = _newest_action(config)
    except (requests.RequestException, ValueError) as error:
        raise _unavailable("the newest ticket action", error) from error
    if reference is None:
        return _iso(window)
    if newest and stretch is not None and window < stretch <= _LONGEST_STRETCH:
        # Whole hours, with an hour to spare for the CDK's own later `now`.
        length = timedelta(hours=int(stretch.total_seconds() // 3600) + 2)
        if _stretch_served(config, reference, since, length):
            return _iso(length)
    candidates = [window, *(length for length in _SHORTER_WINDOWS if length < window)]
    for length in candidates:
        if all(
            _window_serves(config, reference, start, length)
            for start in (reference[1] - _EDGE, reference[1] + _EDGE - length)
        ):
            if length < window:
                logger.warning(
                    f"Halo served only part of a {_iso(window)} /Actions window (the action at {reference[1]:%Y-%m-%dT%H:%M:%S} "
                    f"was missing): actions are read in {_iso(length)} windows instead."
                )
            return _iso(length)
    raise CheckFailed(
        message=f"Halo's /Actions did not return ticket {reference[0]}'s action at {reference[1]:%Y-%m-%dT%H:%M:%S} even in a "
        f"{_iso(candidates[-1])} window: Halo cuts /Actions date windows short or hides actions from this agent; "
        "actions cannot be read completely (deselect actions, or report it with your Halo version).",
        failure_type=FailureType.system_error,
    )


def _newest_action(config: Mapping[str, Any]) -> tuple[tuple[int, datetime] | None, bool]:
    """(ticket id, time) of the latest `lastactiondate` on the first page of tickets by that date, and
    whether that is the tenant's newest action: the page is in that order, or holds every ticket.

    Any ticket's last action will do as a reference for the window check, whether or not Halo honours
    `order`; reading a whole stretch in one window needs the newest (actions_window).
    """
    params = {
        "pageinate": "true",
        "page_size": "100",
        "page_no": "1",
        "order": "lastactiondate",
        "orderdesc": "true",
    }
    body = _get(config, "Tickets", params)
    rows = page_rows(body, "tickets", "/Tickets")
    best: tuple[int, datetime] | None = None
    times = []
    for row in rows:
        when = parse_instant(row.get("lastactiondate"))
        if when is not None:
            times.append(when)
            if isinstance(row.get("id"), int) and (best is None or when > best[1]):
                best = (row["id"], when)
    total = body.get("record_count") if isinstance(body, dict) else None
    every_ticket = len(rows) < 100 and not (isinstance(total, int) and total > len(rows))
    in_order = all(earlier >= later for earlier, later in zip(times, times[1:], strict=False))
    return best, every_ticket or in_order


def _window_serves(
    config: Mapping[str, Any], reference: tuple[int, datetime], start: datetime, length: timedelta
) -> bool:
    """Whether Halo's answer for [start, start + length] holds the reference action."""
    params = {
        "count": str(ACTIONS_COUNT),
        "excludesys": "false",
        "startdate": _param(start),
        "enddate": _param(start + length),
    }
    try:
        rows = page_rows(_get(config, "Actions", params), "actions", "/Actions")
    except requests.HTTPError as error:
        if error.response is not None and error.response.status_code == 400:
            return False  # Halo refused the window's length
        raise
    return _holds(rows, reference)


def _holds(rows: list[dict[str, Any]], reference: tuple[int, datetime]) -> bool:
    """Whether an /Actions answer holds the reference action (its ticket, at its time)."""
    ticket, when = reference
    return any(
        row.get("ticket_id") == ticket
        and (at := parse_instant(row.get("datetime"))) is not None
        and abs(at - when) < timedelta(seconds=1)
        for row in rows
    )


_LONGEST_STRETCH = timedelta(days=366)


def _stretch_served(
    config: Mapping[str, Any], reference: tuple[int, datetime], since: datetime, length: timedelta
) -> bool:
    """Whether Halo answers [since, since + length] whole: not cut at a page, and holding the newest action
    when that lies in the stretch."""
    params = {
        "count": str(ACTIONS_COUNT),
        "excludesys": "false",
        "startdate": _param(since),
        "enddate": _param(since + length),
    }
    try:
        body = _get(config, "Actions", params)
        rows = page_rows(body, "actions", "/Actions")
    except requests.HTTPError as error:
        if error.response is not None and error.response.status_code == 400:
            return False  # Halo refused the window's length
        raise
    if _window_cut_short(rows, body, ACTIONS_COUNT):
        return False
    return reference[1] < since or _holds(rows, reference)


def _param(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso(length: timedelta) -> str:
    """timedelta -> ISO 8601 duration, as the manifest's `step` takes it."""
    seconds = int(length.total_seconds())
    if seconds % 86400 == 0:
        return f"P{seconds // 86400}D"
    if seconds % 3600 == 0:
        return f"PT{seconds // 3600}H"
    return f"PT{seconds // 60}M" if seconds % 60 == 0 else f"PT{seconds}S"


def default_page_possible(config: Mapping[str, Any], path: str, key: str, clients_to_try: int = 5) -> bool:
    """Whether an unpaged list may cut its answers at Halo's default page of 50 rows (halopsa-api.md §9).

    Asked with `count=1`, then `count=2`: 1 then 2 rows proves `count` honoured; more than 50 rows
    proves there is no such cut. Either answers "no". A list with fewer rows proves nothing, so it is
    asked without `client_id` first (where Halo allows that), then for the first few clients; with no
    proof, the cut stays possible and an answer of exactly 50 rows stops the stream (HaloRecordExtractor).
    """
    try:
        clients = page_rows(_get(config, "Client", _FIRST_CLIENTS), "clients", "/Client")
        for client in [None, *(row.get("id") for row in clients)][: clients_to_try + 1]:
            scope = {"client_id": str(client)} if client is not None else {}
            one = page_rows(_get(config, path, {**scope, "count": "1"}), key, "/" + path)
            if len(one) > DEFAULT_PAGE_ROWS:
                return False
            if len(one) == 1:
                two = page_rows(_get(config, path, {**scope, "count": "2"}), key, "/" + path)
                if len(two) == 2:
                    return False
    except (requests.RequestException, ValueError) as error:
        logger.warning(f"Could not check whether /{path} honours count ({type(error).__name__}).")
    return True


_FIRST_CLIENTS = {"pageinate": "true", "page_size": "5", "page_no": "1", "order": "id"}


def _custom_field_list(selected: set[str]) -> str:
    """The list endpoint the custom-field check reads: one a selected stream reads."""
    if selected & {"tickets", "project_tasks", "deleted_tickets"}:
        return "Tickets"
    return "Projects" if "projects" in selected else "Opportunities"


def milestones_listed(config: Mapping[str, Any]) -> bool:
    """Whether /Projects list rows carry each project's milestones in full (the 2024 swagger has them only
    on a project's own record, `Faults`, not on `Faults_List`).

    The row of the first page holding the most milestones is compared with that project read alone. A page
    where no row holds any proves nothing (rows may always carry an empty list), so it counts as "no", as
    does a check that cannot be made: a first sync then reads each project alone, which loses nothing.
    """
    try:
        page = _get(config, "Projects", _FIRST_PROJECTS)
        listed = [
            row for row in page_rows(page, "tickets", "/Projects") if _milestone_rows(row.get("milestones"))
        ]
        if not listed:
            return False
        row = max(listed, key=lambda candidate: len(candidate["milestones"]))
        single = _get(config, f"Projects/{row['id']}", {"includedetails": "true"})
    except (requests.RequestException, ValueError, KeyError) as error:
        logger.warning(f"Could not check whether /Projects rows carry milestones ({type(error).__name__}).")
        return False
    full = single.get("milestones") if isinstance(single, dict) else None
    if _milestone_ids(full) != _milestone_ids(row["milestones"]):
        logger.info(
            f"Halo's /Projects row for project {row['id']} does not list the milestones its own record has: "
            "project_milestones reads each project alone on this first sync."
        )
        return False
    return True


_FIRST_PROJECTS = {"pageinate": "true", "page_size": "20", "page_no": "1", "order": "id"}


def _milestone_rows(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def _milestone_ids(value: Any) -> list[str] | None:
    return sorted(str(item.get("id")) for item in value) if _milestone_rows(value) else None


def custom_fields_listed(config: Mapping[str, Any], ids: str, path: str = "Tickets") -> bool:
    """Whether Halo honours `include_custom_fields` on list rows (absent from the 2024 swagger).

    A row asked for every custom field that comes back without any is compared with the same ticket
    read alone: custom fields there but not in the list mean every row's would be lost.
    """
    try:
        params = {"pageinate": "true", "page_size": "1", "page_no": "1", "include_custom_fields": ids}
        rows = page_rows(_get(config, path, params), "tickets", "/" + path)
        if not rows or rows[0].get("customfields") or not isinstance(rows[0].get("id"), int):
            return True
        single = _get(config, f"{path}/{rows[0]['id']}", {"includedetails": "true"})
    except (requests.RequestException, ValueError) as error:
        raise _unavailable("a ticket with its custom fields", error) from error
    if isinstance(single, dict) and single.get("customfields"):
        logger.warning(
            f"Halo ignored include_custom_fields on /{path}: ticket {rows[0]['id']} has custom fields on its own but "
            "none in the list; the streams that carry custom fields stop rather than lose them."
        )
        return False
    return True


def custom_field_ids(config: Mapping[str, Any]) -> str:
    """Every custom field's id, comma-separated; empty when Halo has none or refuses to list them."""
    try:
        rows = page_rows(_get(config, "FieldInfo", {"count": "100000"}), "fields")
    except requests.HTTPError as error:
        if error.response is not None and error.response.status_code in (403, 404):
            logger.warning(
                f"Halo refused to list custom fields (HTTP {error.response.status_code}): tickets come without customfields. Grant the API "
                "application Read on Assets (custom field set-up) to get them."
            )
            return ""
        raise _unavailable("custom fields", error) from error
    except (requests.RequestException, ValueError) as error:
        raise _unavailable("custom fields", error) from error
    ids = sorted(
        {
            int(row["id"])
            for row in rows
            if isinstance(row.get("id"), (int, float)) and not isinstance(row.get("id"), bool)
        }
    )
    return ",".join(str(field_id) for field_id in ids)


def project_ids(
    config: Mapping[str, Any], changed_since: str | None = None, among: set[int] | None = None
) -> set[int]:
    """The id of every project, open or closed, of those changed since a time, or of those among some ticket
    ids (`ticketids`, a swagger parameter of /Projects whose reading the caller checks): one request per page."""
    try:
        params = {"lastupdatefromdate": changed_since} if changed_since else {}
        if among:
            params["ticketids"] = ",".join(str(i) for i in sorted(among))
        rows = list(_every_row(config, "Projects", "tickets", params))
    except (requests.RequestException, ValueError) as error:
        raise _unavailable("the project list", error) from error
    return {int(row["id"]) for row in rows if isinstance(row.get("id"), (int, float))}


class CheckFailed(AirbyteTracedException):
    """A read-time look-up or check that failed: it stops the streams that depend on it, not the sync.

    Token failures are not this: nothing can be read without a token, so they end the sync at once.
    """


def _unavailable(what: str, error: Exception) -> CheckFailed:
    status = getattr(getattr(error, "response", None), "status_code", None)
    return CheckFailed(
        message=f"Halo did not list {what} after {_TRIES} tries ({'HTTP ' + str(status) if status else type(error).__name__}); "
        "try the sync again later.",
        internal_message=f"{type(error).__name__} reading {what}",
        failure_type=FailureType.transient_error,
    )
