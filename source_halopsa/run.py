"""Console entry point `source-halopsa`."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from airbyte_cdk.entrypoint import AirbyteEntrypoint
from airbyte_cdk.logger import PRINT_BUFFER
from airbyte_cdk.models import AirbyteMessage, ConfiguredAirbyteCatalog, ConnectorSpecification, FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_halopsa.auth import token_source_for
from source_halopsa.config import ConfigError, normalize_config, validate_config
from source_halopsa.source import SourceHalopsa


class _InvalidConfig(AirbyteTracedException):
    """A config or catalog rejected before any stream is read: reported in one line, without a traceback."""


class _HaloEntrypoint(AirbyteEntrypoint):
    """The CDK's entrypoint, with the connector's one-line config messages before its spec validation.

    The CDK validates the config against the spec first, and its messages name no field ("Config
    validation error: 0 is less than the minimum of 1"). `validate_config` covers the spec's constraints
    with messages that name the field and the fix; the spec validation still runs after it.
    """

    @staticmethod
    def validate_connection(source_spec: ConnectorSpecification, config: Mapping[str, Any]) -> None:
        normalized = dict(config)
        normalize_config(normalized)  # blank optional fields are dropped, as they are for the sync
        try:
            validate_config(normalized)
        except ConfigError as error:
            raise _InvalidConfig(message=str(error), failure_type=FailureType.config_error) from None
        AirbyteEntrypoint.validate_connection(source_spec, config)

    def read(
        self, source_spec: ConnectorSpecification, config: Any, catalog: Any, state: list[Any]
    ) -> Iterable[AirbyteMessage]:
        """Refuse what would fail every stream before the first one starts.

        The CDK silently skips catalog streams the source lacks, and reports credentials Halo rejects once
        per stream, each with a traceback, then again as a fatal error with another; here both end the
        read with one line. The token fetched here is the one the streams then use (auth.py).
        """
        self.set_up_secret_filter(config, source_spec.connectionSpecification)
        self.validate_connection(source_spec, config)
        _refuse_unknown_streams(self.source, catalog)
        if catalog.streams:
            try:
                token_source_for(self.source._config).token()
            except AirbyteTracedException as error:
                raise _InvalidConfig(message=error.message, failure_type=error.failure_type) from None
        yield from super().read(source_spec, config, catalog, state)


def _refuse_unknown_streams(source: SourceHalopsa, catalog: ConfiguredAirbyteCatalog) -> None:
    known = [stream["name"] for stream in source.resolved_manifest["streams"]]
    unknown = [entry.stream.name for entry in catalog.streams if entry.stream.name not in known]
    if not unknown:
        return
    named = ", ".join(
        name + "".join(f" (did you mean {match}?)" for match in difflib.get_close_matches(name, known, n=1))
        for name in unknown
    )
    raise _InvalidConfig(
        message=f"The catalog names streams this source does not have: {named}. Known streams: "
        f"{', '.join(known)}.",
        failure_type=FailureType.config_error,
    )


def _source(args: list[str]) -> SourceHalopsa:
    # Config, catalog and state must reach the constructor: a declarative source resolves them
    # there, and ignores --state otherwise (airbyte-cdk.md §2.2).
    catalog_path = AirbyteEntrypoint.extract_catalog(args)
    config_path = AirbyteEntrypoint.extract_config(args)
    state_path = AirbyteEntrypoint.extract_state(args)
    return SourceHalopsa(
        catalog=SourceHalopsa.read_catalog(catalog_path) if catalog_path else None,
        config=SourceHalopsa.read_config(config_path) if config_path else None,
        state=SourceHalopsa.read_state(state_path) if state_path else None,
    )


def run() -> None:
    args = sys.argv[1:]
    try:
        source = _source(args)
    except (OSError, ValueError) as error:
        # An unreadable or malformed --config/--catalog/--state file: say which, without a traceback.
        message = str(error).split("\n")[0]
        if isinstance(error, FileNotFoundError):
            message = (
                f"File not found: {error.filename}. Check the path given to --config, --catalog or --state."
            )
        AirbyteTracedException(message=message, failure_type=FailureType.config_error).emit_message()
        sys.exit(1)
    entrypoint = _HaloEntrypoint(source)
    parsed_args = entrypoint.parse_args(args)
    try:
        with PRINT_BUFFER:  # as airbyte_cdk.entrypoint.launch does
            for message in entrypoint.run(parsed_args):
                print(f"{message}\n", end="")
    except _InvalidConfig as error:  # `check` reports a config error as a failed connection status instead
        # A new exception, never raised, so that the trace's stack_trace is its one line, not a traceback.
        _InvalidConfig(message=error.message, failure_type=error.failure_type).emit_message()
        sys.exit(1)
