"""The parts of the HaloPSA source that the manifest cannot say, ordered by CDK role."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import InitVar, dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson
import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.auth.declarative_authenticator import DeclarativeAuthenticator
from airbyte_cdk.sources.declarative.expanders.record_expander import RecordExpander
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.declarative.extractors.record_filter import RecordFilter
from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString
from airbyte_cdk.sources.declarative.migrations.state_migration import StateMigration
from airbyte_cdk.sources.declarative.requesters.paginators.strategies.pagination_strategy import (
    PaginationStrategy,
)
from airbyte_cdk.sources.declarative.transformations.config_transformations.config_transformation import (
    ConfigTransformation,
)
from airbyte_cdk.sources.declarative.transformations.transformation import RecordTransformation
from airbyte_cdk.sources.declarative.validators.validation_strategy import ValidationStrategy
from airbyte_cdk.sources.streams.call_rate import APIBudget
from airbyte_cdk.sources.streams.http import HttpClient
from airbyte_cdk.sources.streams.http.error_handlers.backoff_strategy import BackoffStrategy
from airbyte_cdk.sources.streams.http.error_handlers.error_handler import ErrorHandler
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ErrorResolution, ResponseAction
from airbyte_cdk.sources.types import Config, Record, StreamSlice, StreamState
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_halopsa.auth import rate_limit_wait_seconds, token_source_for
from source_halopsa.budget import charge, requests_charged_to
from source_halopsa.config import ConfigError, check_field, normalize_config
from source_halopsa.progress import emit_estimate, is_first_page
from source_halopsa.read_context import CUSTOM_FIELDS, DEFAULT_PAGE_ROWS, REFUSALS_KEY, project_ids
from source_halopsa.records import (
    UnknownEnvelope,
    coerce_cursor_value,
    normalize_record,
    page_rows,
    parse_instant,
)

logger = logging.getLogger("airbyte")

# --- Config -------------------------------------------------------------------------------------------


class HaloConfigNormalization(ConfigTransformation):
    """Trims pasted values and reduces the instance URL to its root (`/api`, `/auth` suffixes go)."""

    def transform(self, config: MutableMapping[str, Any]) -> None:
        normalize_config(config)


@dataclass
class HaloConfigValidation(ValidationStrategy):
    """Rejects a config field's value that cannot work, in one line naming the field and the fix, before
    any request is made (the spec's own validation names no field)."""

    field_name: str

    def validate(self, value: Any) -> None:
        try:
            check_field(self.field_name, value)
        except ConfigError as error:
            raise AirbyteTracedException(message=str(error), failure_type=FailureType.config_error) from None


# --- Authentication -----------------------------------------------------------------------------------


@dataclass
class HaloAuthenticator(DeclarativeAuthenticator):
    """Bearer token from the process-wide token source shared by every stream (see auth.py).

    Halo tokens can die before their expiry (another process's token may revoke them), so the CDK's
    one refresh per request is not enough: as a ResponseAwareAuthenticator this drops the token a 401
    was sent with, and the error handler's RETRY signs the retry with a fresh one, as often as churn
    needs. Tokens rejected in a row with nothing accepted between stop the sync (auth.py).
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    api_budget: APIBudget | None = None  # filled in by the CDK: token requests count in it too

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._source = token_source_for(self.config)

    @property
    def auth_header(self) -> str:
        return "Authorization"

    @property
    def token(self) -> str:
        made = self._source.requests_made
        token = self._source.token()
        if self.api_budget is not None:
            charge(self.api_budget, self._source.requests_made - made)  # a renewal, after the fact
        return f"Bearer {token}"

    def update_from_response(self, request: requests.PreparedRequest, response: requests.Response) -> None:
        sent = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        if response.status_code == 401:
            self._source.reject(sent)
        elif response.ok:
            self._source.accept(sent)


# --- State ---------------------------------------------------------------------------------------------


@dataclass
class HaloCursorStateMigration(StateMigration):
    """Reads a saved cursor in any date form, and drops one that is no date at all.

    A hand-edited, older or foreign state would otherwise stop the stream with a parse error; a dropped
    cursor makes the stream start again from the start date, which re-reads and loses nothing.
    """

    cursor_field: str
    parameters: InitVar[Mapping[str, Any]] = None
    # The field an earlier version kept the cursor in: its value carries over (0.2.0's `project_tasks`).
    previous_field: str | None = None

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._field = InterpolatedString.create(self.cursor_field, parameters=parameters or {}).eval({})

    def should_migrate(self, stream_state: Mapping[str, Any]) -> bool:
        if not isinstance(stream_state, Mapping):
            return False
        if self.previous_field and self._field not in stream_state and self.previous_field in stream_state:
            return True
        value = stream_state.get(self._field)
        return value is not None and coerce_cursor_value(value) != value

    def migrate(self, stream_state: Mapping[str, Any]) -> Mapping[str, Any]:
        if self.previous_field and self._field not in stream_state:
            stream_state = {
                **{k: v for k, v in stream_state.items() if k != self.previous_field},
                self._field: stream_state[self.previous_field],
            }
        value = stream_state[self._field]
        coerced = coerce_cursor_value(value)
        if coerced is None:
            logger.warning(
                f"Saved state {self._field}={value!r} is not a date: reading from the start date again."
            )
            return {key: item for key, item in stream_state.items() if key != self._field}
        return {**stream_state, self._field: coerced}


# --- Error handling -----------------------------------------------------------------------------------


@dataclass
class HaloBackoff(BackoffStrategy):
    """How long to wait before a retry: a slice of the rolling window after a 429, short otherwise.

    Halo sends no Retry-After (halopsa-api.md §5) and its limit is a rolling window, so a 429 frees up
    only as earlier requests age out: retrying every few seconds would burn the retries in a minute.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]] = None

    def backoff_time(
        self, response_or_exception: requests.Response | requests.RequestException | None, attempt_count: int
    ) -> float | None:
        if isinstance(response_or_exception, requests.Response) and response_or_exception.status_code == 429:
            wait = rate_limit_wait_seconds(self.config)
            logger.info(
                f"Halo's rate limit was reached (another integration may share it); waiting {wait:.0f} s."
            )
            return wait
        if isinstance(response_or_exception, requests.Response) and response_or_exception.status_code == 401:
            return 0.0  # the retry carries a fresh token: nothing to wait for
        return float(min(2**attempt_count, 30))


@dataclass
class HaloAnswerGuard(ErrorHandler):
    """Retries a successful answer that cannot be read as the page asked for: not JSON, or a repeated page.

    - Not JSON (a page cut short by a dropped connection or a proxy, an HTML error page): requested again.
      Halo never answers a list with `{}`, so that counts as unreadable too.
    - A page starting with the same row as page 1 or as the page before it: an endpoint that ignores
      `page_no` answers page 1 again (halocli saw it on /CRMNote; django-psa stops when a page's first id
      repeats). Emitted, its rows would be duplicated and the rows of the page asked for never read. The
      first row id of each page is kept per listing (the URL without `page_no`).

    A Halo that keeps doing either fails the stream after the retries instead of syncing a wrong set. The
    body decoded here is kept on the response (`answer_body`), so the paginator and the extractor do not
    decode it again. Used first in a CompositeErrorHandler: it answers None for everything else, which
    hands the response on to the next handler.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    data_key: str = ""
    max_retries: int = 10

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._key = InterpolatedString.create(self.data_key, parameters=parameters).eval({})
        self._stream = parameters.get("name", "")
        self._first_ids: dict[str, dict[int, Any]] = {}
        self._lock = threading.Lock()

    @property
    def max_time(self) -> int | None:
        return None

    def interpret_response(
        self, response_or_exception: requests.Response | Exception | None
    ) -> ErrorResolution | None:
        response = response_or_exception
        if not isinstance(response, requests.Response) or not 200 <= response.status_code < 300:
            return None
        try:
            body = answer_body(response)
        except orjson.JSONDecodeError:
            body = {}
        if body == {}:
            return _retry(
                f"Halo's answer for {self._stream} was not valid JSON (cut short?); it is requested again."
            )
        listing, page = _listing_and_page(response.request.url)
        if page is None:
            return None
        try:
            rows = page_rows(body, self._key)
        except UnknownEnvelope:
            return None  # the extractor reports it
        first = rows[0].get("id") if rows else None
        if first is None:
            return None
        with self._lock:
            seen = self._first_ids.setdefault(listing, {})
            repeated = next((p for p in {1, page - 1} if p < page and seen.get(p) == first), None)
            if repeated is None:
                seen[page] = first
                return None
        message = (
            f"Halo answered page {page} of {self._stream} with the rows of page {repeated} again (the endpoint "
            "ignored page_no); the page is requested again rather than read twice."
        )
        logger.warning(message)
        return _retry(message)


def _retry(message: str) -> ErrorResolution:
    return ErrorResolution(
        response_action=ResponseAction.RETRY, failure_type=FailureType.transient_error, error_message=message
    )


def answer_body(response: requests.Response) -> Any:
    """The decoded JSON of a Halo answer, decoded once and kept on the response: the guard, the paginator
    and the extractor all read it, and so does the CDK's `response.json()` (the manifest's response-filter
    predicates), which would otherwise decode it again with the stdlib. Raises orjson.JSONDecodeError for a
    body that is not JSON."""
    # Not getattr: the CDK's SafeResponse (a lazily read child's answer) makes up None for any attribute.
    body = response.__dict__.get(_ANSWER_BODY, _UNDECODED)
    if body is _UNDECODED:
        body = orjson.loads(response.content)
        setattr(response, _ANSWER_BODY, body)
        response.json = lambda **_: body  # this one response's method: requests itself is unchanged
    return body


_ANSWER_BODY = "halo_answer_body"
_UNDECODED = object()


def _listing_and_page(url: str | None) -> tuple[str, int | None]:
    """The request URL without `page_no`, and the page number it asked for (None when not paged)."""
    parts = urlsplit(url or "")
    query = parse_qsl(parts.query, keep_blank_values=True)
    pages = [value for name, value in query if name == "page_no"]
    rest = sorted((name, value) for name, value in query if name != "page_no")
    listing = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(rest), ""))
    return listing, int(pages[-1]) if pages and pages[-1].isdigit() else None


# --- Extraction and transformation --------------------------------------------------------------------


@dataclass
class HaloRecordExtractor(RecordExtractor):
    """Rows of a Halo list response, whether wrapped in an envelope or a bare JSON array.

    Halo is inconsistent: `/Tickets` wraps rows in `{"record_count", "tickets": [...]}`, `/Status`
    returns a bare array, and `/Agent` switches to `results` when paginated (halopsa-api.md §2.3).
    """

    data_key: str
    parameters: InitVar[Mapping[str, Any]]
    config: Config = None
    # The source's request budget, filled in by the CDK: the change-filter check below spends from it.
    api_budget: APIBudget | None = None
    # Rows holding a list of child records (an invoice's lines). A row whose list Halo left off (absent or
    # null) is marked LIST_LEFT_OFF, the expander's truncation indicator: its truncated_list_retriever reads it.
    record_expander: RecordExpander | None = None

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        # Custom components receive manifest strings uninterpolated.
        self._key = InterpolatedString.create(self.data_key, parameters=parameters).eval({})
        self._stream = parameters.get("name", "")
        self._check_change_filter = bool(parameters.get("changed_since"))
        # Unpaged lists asked for `unpaged_count` rows: an answer that may be cut short stops the stream.
        self._count = int(parameters.get("unpaged_count") or 0)
        self._default_page_possible = (self.config or {}).get(
            f"_halo_default_page_possible_{parameters.get('path', '')}", True
        )
        # A read-time check (read_context.py) found, or could not rule out, that this stream would lose rows.
        refusals = (self.config or {}).get(REFUSALS_KEY) or {}
        self._refusal = refusals.get(self._stream) or (
            refusals.get(CUSTOM_FIELDS, "").replace("{stream}", self._stream)
            if parameters.get("custom_fields")
            else None
        )

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        if self._refusal:
            raise AirbyteTracedException(message=self._refusal, failure_type=FailureType.system_error)
        body = answer_body(response)
        if self._stream and isinstance(body, dict) and is_first_page(response):
            emit_estimate(self._stream, body.get("record_count"))
        rows = rows_of(response, body, self._key)
        if self._check_change_filter and _asks_for_changes(response) and _more_than_a_page(rows, body):
            # An ignored filter only costs when the list needs more than one page: checked then, once a sync.
            self._check_change_filter = False
            self._report_ignored_change_filter(response)
        if (
            self._count
            and not _paged(response)
            and _cut_short(rows, body, self._count, self._default_page_possible)
        ):
            raise AirbyteTracedException(
                message=f"Halo's {_path_of(response)} answer may be cut short ({len(rows)} rows for a `count` of "
                f"{self._count}, record_count {body.get('record_count') if isinstance(body, dict) else 'absent'}): "
                "Halo may ignore `count` there and serve its default page of 50, so rows would be lost. "
                f"Deselect {self._stream}, or report it with your Halo version.",
                failure_type=FailureType.system_error,
            )
        if self.record_expander is None:
            yield from rows
            return
        listed = self.record_expander.expand_records_from_field[0]
        for row in rows:
            if not isinstance(row.get(listed), list):
                row[LIST_LEFT_OFF] = True
            yield from self.record_expander.expand_record(row)

    def _report_ignored_change_filter(self, response: requests.Response) -> None:
        """Warn when Halo ignores `lastupdatefromdate` (no public client is seen using it): the same request
        for a window in 2999 must list nothing. Rows are complete either way (an ignored filter lists every
        row); only the cost grows, so this is a warning, made once a sync when an answer spans more than a page."""
        parts = urlsplit(response.request.url)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        query.update(_FUTURE_WINDOW, page_no="1", page_size="1")
        try:
            _, answer = HttpClient(
                name=f"{self._stream}_change_filter_check", logger=logger, api_budget=self.api_budget
            ).send_request(
                "GET",
                urlunsplit(parts._replace(query=urlencode(query))),
                request_kwargs={"timeout": 30},
                headers={"Authorization": response.request.headers.get("Authorization", "")},
            )
            listed = rows_of(answer, orjson.loads(answer.content or b"null"), self._key)
        except Exception as error:  # advice only: the rows this sync read are complete either way
            logger.info(
                f"Could not check whether Halo honours lastupdatefromdate on {_path_of(response)}: {error}"
            )
            return
        if listed:
            logger.warning(
                f"Halo ignores lastupdatefromdate on {_path_of(response)} (a change window in 2999 listed rows), so "
                f"{self._stream} is read in full on every sync: every row still arrives, at the cost of a full read. "
                "Report it with your Halo version."
            )


# Marks a row whose child list Halo left off (the truncation_indicator_path of the manifest's expanders).
LIST_LEFT_OFF = "_halo_list_left_off"

# A change window no row can fall in: Halo honouring the change filter lists nothing for it.
_FUTURE_WINDOW = {"lastupdatefromdate": "2999-01-01T00:00:00Z", "lastupdatetodate": "2999-01-01T00:00:01Z"}


def _more_than_a_page(rows: list[Any], body: Any) -> bool:
    total = body.get("record_count") if isinstance(body, dict) else None
    return len(rows) >= 100 or (isinstance(total, int) and total > len(rows))


def _asks_for_changes(response: requests.Response) -> bool:
    url = response.request.url if response.request is not None else None
    return "lastupdatefromdate=" in urlsplit(url or "").query


def _cut_short(rows: list[Any], body: Any, count: int, default_page_possible: bool) -> bool:
    """Whether an unpaged answer may lack rows: `count` reached, fewer rows than a total record_count,
    or exactly Halo's default page where the read-time check could not rule that page out."""
    total = body.get("record_count") if isinstance(body, dict) else None
    return (
        len(rows) >= count
        or (isinstance(total, int) and total > len(rows))
        or (len(rows) == DEFAULT_PAGE_ROWS and default_page_possible)
    )


def _paged(response: requests.Response) -> bool:
    """Whether the request paged: a partition router's parent list inherits the child's `unpaged_count`."""
    url = response.request.url if response.request is not None else None
    return "pageinate=true" in urlsplit(url or "").query.lower()


def _path_of(response: requests.Response) -> str:
    url = response.request.url if response.request is not None else None
    return "/" + urlsplit(url or "").path.split("/api/", 1)[-1]


def rows_of(response: requests.Response, body: Any, key: str) -> list[dict[str, Any]]:
    """The answer's rows; an envelope the connector does not know stops the stream in one line."""
    try:
        return page_rows(body, key, _path_of(response))
    except UnknownEnvelope as error:
        raise AirbyteTracedException(message=str(error), failure_type=FailureType.system_error) from None


@dataclass
class HaloDeduplicateFilter(RecordFilter):
    """Emits each record once per sync: once within its slice, and only in the slice that owns it.

    Within a slice, by primary key: a page can be read twice when rows leave the result set mid-read
    (HaloPageIncrement steps back), or when Halo serves a page again. Keys are kept for the most recent
    slices only, so memory follows the largest slice, not the whole sync.

    Across slices, by ownership, for streams whose slices can overlap in Halo's answers:
    - `window_field`: the record belongs to the date window holding that field, [start, end + 1 s). Halo's
      window filters may return what *overlaps* the window (a timesheet event crossing a boundary comes
      back in both windows), and windows end a second before the next starts while Halo's times carry
      fractions, so windows are asked up to the next window's start and the owner keeps the record.
    - `partition_field`: the record belongs to the partition whose value it carries (a note to its client),
      so a Halo that ignored the partition's filter could not repeat rows in every partition; a row that
      names no owner is emitted once per sync.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    condition: str = ""

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        key = parameters.get("dedup_key") or ["id"]
        self._key_fields = [key] if isinstance(key, str) else list(key)
        self._window_field = parameters.get("window_field")
        self._partition_field = parameters.get("partition_field")
        self._unowned: set[tuple[Any, ...]] = set()
        self._seen: OrderedDict[str, set[Any]] = OrderedDict()
        self._lock = threading.Lock()

    def filter_records(
        self,
        records: Iterable[Mapping[str, Any]],
        stream_state: StreamState,
        stream_slice: StreamSlice | None = None,
        next_page_token: Mapping[str, Any] | None = None,
    ) -> Iterable[Mapping[str, Any]]:
        seen = self._seen_in(stream_slice)
        owns = self._owner_check(stream_slice)
        for record in records:
            if owns is not None and not owns(record):
                continue
            key = tuple(_key_part(record.get(name)) for name in self._key_fields)
            with self._lock:
                if key in seen:
                    continue
                seen.add(key)
            yield record

    def _owner_check(self, stream_slice: StreamSlice | None) -> Callable[[Mapping[str, Any]], bool] | None:
        if stream_slice is None:
            return None
        if self._window_field and stream_slice.cursor_slice.get("start_time"):
            start = parse_instant(stream_slice.cursor_slice["start_time"])
            end = parse_instant(stream_slice.cursor_slice["end_time"]) + WINDOW_END_MARGIN
            field = self._window_field

            def in_window(record: Mapping[str, Any]) -> bool:
                value = record.get(field)
                when = parse_instant(value) if isinstance(value, str) else None
                return when is None or start <= when < end

            return in_window
        if self._partition_field and self._partition_field in stream_slice.partition:
            owner, field = _key_part(stream_slice.partition[self._partition_field]), self._partition_field

            def in_partition(record: Mapping[str, Any]) -> bool:
                if record.get(field) not in (None, ""):
                    return _key_part(record.get(field)) == owner
                # A row naming no owner is kept once for the whole stream, in whichever partition came first.
                key = tuple(_key_part(record.get(name)) for name in self._key_fields)
                with self._lock:
                    if key in self._unowned:
                        return False
                    self._unowned.add(key)
                    return True

            return in_partition
        return None

    def _seen_in(self, stream_slice: StreamSlice | None) -> set[Any]:
        slice_key = orjson.dumps(
            [dict(stream_slice.partition), dict(stream_slice.cursor_slice)] if stream_slice else None,
            option=orjson.OPT_SORT_KEYS,
            default=str,
        ).decode()
        with self._lock:
            if slice_key not in self._seen:
                self._seen[slice_key] = set()
                while len(self._seen) > MAX_TRACKED_SLICES:
                    self._seen.popitem(last=False)
            self._seen.move_to_end(slice_key)
            return self._seen[slice_key]


# Windows are asked for up to the next window's start (manifest: end_time + PT1S, the cursor granularity).
WINDOW_END_MARGIN = timedelta(seconds=1)


# Slices read at once are bounded by the concurrency level (Concurrent requests, at most 8), so 16 covers them all.
MAX_TRACKED_SLICES = 16


def _key_part(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


@dataclass
class HaloProjectRowFilter(HaloDeduplicateFilter):
    """Sorts `/Tickets` rows by their relation to projects: `keep: tasks` or `keep: not_projects`.

    Whether `/Tickets` lists project tasks by default or only with `includeprojects` (a flag adding project
    headers, or the 2024 swagger's int list: 0 = neither, 2 = projects) is unknown, so the streams ask
    `includeprojects=true`, which lists tickets, tasks and project headers under both readings. Which ids are projects is
    known only from `/Projects`, read once per sync and only once a row needs it: `tasks` keeps the rows
    whose parent is a project (project_tasks); `not_projects` drops the project headers (tickets).
    """

    keep: str = "tasks"
    api_budget: APIBudget | None = None  # filled in by the CDK: the /Projects look-ups count in it

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        super().__post_init__(parameters)
        self._project_ids: dict[str | None, set[int]] = {}
        self._projects_lock = threading.Lock()
        self._parents: dict[int, bool] = {}  # parent id -> is a project, learnt a page at a time
        self._lookups = 0

    def filter_records(
        self,
        records: Iterable[Mapping[str, Any]],
        stream_state: StreamState,
        stream_slice: StreamSlice | None = None,
        next_page_token: Mapping[str, Any] | None = None,
    ) -> Iterable[Mapping[str, Any]]:
        # A project header listed in a change window changed in it too, so dropping headers needs only the
        # projects changed since the window's start (one small read on an incremental sync). A task's parent
        # may be any project, so keeping tasks needs them all.
        kept = super().filter_records(records, stream_state, stream_slice, next_page_token)
        if self.keep == "tasks":
            rows = list(kept)
            projects = self._projects_among({p for row in rows if (p := _parent_of(row))}, rows)
            yield from (row for row in rows if _parent_of(row) in projects)
            return
        since = (stream_slice or {}).get("start_time")
        for record in kept:
            if _key_part(record.get("id")) not in self._projects(since):
                yield record

    def _read_project_ids(self, changed_since: str | None = None, among: set[int] | None = None) -> set[int]:
        budget = self.api_budget
        with requests_charged_to((lambda: charge(budget, 1)) if budget is not None else None):
            return project_ids(self.config, changed_since, among)

    def _projects_among(self, parents: set[int], rows: list[Mapping[str, Any]]) -> set[int]:
        """Which of a page's parents are projects. The first few pages ask /Projects about their parents only
        (`ticketids`), with the page's child rows asked too: a task is never a project, so Halo listing one
        means it does not keep `ticketids` to projects, and every project id is read instead, as it is after
        those few pages (a full sync) or when Halo ignores `ticketids` (it then lists every project)."""
        with self._projects_lock:
            if None in self._project_ids:
                return self._project_ids[None]
            unknown = parents - self._parents.keys()
            if unknown and self._lookups < _PROJECT_LOOKUPS:
                self._lookups += 1
                children = {_key_part(row.get("id")) for row in rows if _parent_of(row)} - unknown
                listed = self._read_project_ids(among=unknown | children)
                if listed - unknown - children:  # ignored: the whole list came back
                    self._project_ids[None] = listed
                elif listed & children:
                    logger.info(
                        "Halo's /Projects listed tickets for `ticketids`: reading every project id instead."
                    )
                    self._project_ids[None] = self._read_project_ids()
                else:
                    self._parents.update((parent, parent in listed) for parent in unknown)
            elif unknown:
                self._project_ids[None] = self._read_project_ids()
            if None in self._project_ids:
                return self._project_ids[None]
            return {parent for parent in parents if self._parents[parent]}

    def _projects(self, changed_since: str | None) -> set[int]:
        with self._projects_lock:
            if changed_since not in self._project_ids:
                self._project_ids[changed_since] = self._read_project_ids(changed_since)
            return self._project_ids[changed_since]


# Pages whose parents project_tasks asks /Projects about by id before reading every project id instead.
_PROJECT_LOOKUPS = 3


def _parent_of(row: Mapping[str, Any]) -> int | None:
    parent = row.get("parent_id")
    return (
        int(parent) if isinstance(parent, (int, float)) and not isinstance(parent, bool) and parent else None
    )


@dataclass
class HaloRecordNormalizer(RecordTransformation):
    """Halo's quirks, once: `1900-01-01` empty dates to null, naive UTC datetimes to `…Z`, `12.0` ids to `12`."""

    parameters: InitVar[Mapping[str, Any]] = None

    def transform(
        self,
        record: dict[str, Any],
        config: Config | None = None,
        stream_state: StreamState | None = None,
        stream_slice: StreamSlice | None = None,
    ) -> None:
        normalize_record(record)


# --- Pagination ---------------------------------------------------------------------------------------


class _PageNumber(int):
    """A page number that remembers what the pages before it showed: rows, total, page length."""

    def __new__(
        cls, page: int, rows_before: int, total_before: int | None = None, page_length: int = 0
    ) -> _PageNumber:
        number = super().__new__(cls, page)
        number.rows_before = rows_before
        number.total_before = total_before
        number.page_length = page_length
        return number

    def __getnewargs__(self) -> tuple[int, int, int | None, int]:
        # The CDK deep-copies request options, page token included.
        return int(self), self.rows_before, self.total_before, self.page_length


@dataclass
class HaloPageIncrement(PaginationStrategy):
    """`page_no` paging that stops from `record_count` and the rows actually returned.

    Halo caps pages at 100 without saying so (HaloAPI issue #90), so the rows seen so far are
    counted, not inferred from the requested page size, and no empty page is requested after the last.
    """

    page_size: int
    parameters: InitVar[Mapping[str, Any]] = None
    start_from_page: int = 1
    data_key: str = ""

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._key = InterpolatedString.create(self.data_key, parameters=parameters or {}).eval({})

    @property
    def initial_token(self) -> Any:
        return _PageNumber(self.start_from_page, 0)

    def next_page_token(
        self,
        response: requests.Response,
        last_page_size: int,
        last_record: Record | None,
        last_page_token_value: Any | None,
        page_size_override: int | None = None,
        stream_slice: StreamSlice | None = None,
    ) -> Any | None:
        page = int(last_page_token_value or self.start_from_page)
        requested = page_size_override or self.page_size
        rows_before = getattr(last_page_token_value, "rows_before", (page - self.start_from_page) * requested)
        total, page_rows_count = _page_counts(response, self._key)
        # Count the page's own rows, not the records the CDK kept: filters drop some (project tasks,
        # duplicates) and invoice lines are several per row, so last_page_size says nothing about paging.
        rows_on_page = last_page_size if page_rows_count is None else page_rows_count
        if rows_on_page == 0:
            return None
        rows_seen = rows_before + rows_on_page
        page_length = max(getattr(last_page_token_value, "page_length", 0), rows_on_page)
        if total is None:
            # No total to stop on: a page as long as the longest so far may be followed by more, whatever
            # size was asked (one tenant's /Asset served 50 rows a page for any page_size: §9).
            return (
                _PageNumber(page + 1, rows_seen, None, page_length) if rows_on_page >= page_length else None
            )
        total_before = getattr(last_page_token_value, "total_before", None)
        if total_before is not None and total < total_before:
            # Rows left the result set while we paged (updated past the frozen upper bound, or deleted), so
            # every later row moved up: step back to re-read what slid onto pages already read. The
            # records read twice are dropped by HaloDeduplicateFilter.
            resume_at = max(rows_before - (total_before - total), 0)
            back = self.start_from_page + resume_at // page_length
            return _PageNumber(back, (back - self.start_from_page) * page_length, total, page_length)
        return _PageNumber(page + 1, rows_seen, total, page_length) if rows_seen < total else None

    def get_page_size(self) -> int | None:
        return self.page_size


def _page_counts(response: requests.Response, data_key: str) -> tuple[int | None, int | None]:
    """(record_count, rows in the page's list) from a Halo answer; None where absent."""
    try:
        body = answer_body(response)
    except orjson.JSONDecodeError:
        return None, None
    count = body.get("record_count") if isinstance(body, dict) else None
    total = int(count) if isinstance(count, (int, float)) and not isinstance(count, bool) else None
    try:
        return total, len(page_rows(body, data_key))
    except UnknownEnvelope:
        return total, None  # the extractor reports it
