"""Console entry point `source-halopsa`."""

from __future__ import annotations

import sys

from airbyte_cdk.entrypoint import AirbyteEntrypoint, launch
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_halopsa.source import SourceHalopsa


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
    launch(source, args)
