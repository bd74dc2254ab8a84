"""The HaloPSA source: the packaged manifest plus the few things a manifest cannot hold."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteMessage,
    AirbyteStateMessage,
    ConfiguredAirbyteCatalog,
    Status,
)
from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource

from source_halopsa.budget import log_budget_waits
from source_halopsa.check import check_halo_connection
from source_halopsa.read_context import with_read_context

# Requests outside the CDK's budget in a usual sync (read_context.py): authinfo, the token, the earliest
# ticket (2), the newest action and the /Actions window check (3), the custom-field list and its check
# (2, or 3), the project ids (1), plus a spare for a token renewal. The /CRMNote check adds a few more.
RESERVED_REQUESTS = 11

# Absolute, so a manifest.yaml in the working directory can never shadow the packaged one
# (airbyte-cdk.md §2.2).
MANIFEST_PATH = str(Path(__file__).with_name("manifest.yaml"))


def _positive(value: Any, default: int) -> int:
    """A whole number of at least 1, else the default: the check reports the bad value in one line."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else default


class SourceHalopsa(YamlDeclarativeSource):
    def __init__(
        self,
        catalog: ConfiguredAirbyteCatalog | None = None,
        config: Mapping[str, Any] | None = None,
        state: list[AirbyteStateMessage] | None = None,
        **kwargs: Any,
    ):
        super().__init__(path_to_yaml=MANIFEST_PATH, catalog=catalog, config=config, state=state, **kwargs)
        self._apply_request_budget()

    def _apply_request_budget(self) -> None:
        """Size the API budget from the config: the manifest cannot interpolate a rate's interval.

        The token request and the read-time probes (read_context.py) bypass the CDK's budget, so a few
        requests of every window are left to them: a budget equal to Halo's then never trips a 429.
        """
        rate = self._source_config["api_budget"]["policies"][0]["rates"][0]
        rate["limit"] = max(_positive(self._config.get("rate_limit_requests"), 300) - RESERVED_REQUESTS, 1)
        rate["interval"] = f"PT{_positive(self._config.get('rate_limit_window_seconds'), 300)}S"

    def _prepare_for_stream_build(self) -> None:
        super()._prepare_for_stream_build()
        budget = getattr(self._constructor, "_api_budget", None)
        if budget is not None:
            log_budget_waits(budget, self._config)

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        # The CDK would repr() the checker's message, quotes and all; report it as written.
        succeeded, message = check_halo_connection(self._config)
        if succeeded:
            return AirbyteConnectionStatus(status=Status.SUCCEEDED)
        return AirbyteConnectionStatus(status=Status.FAILED, message=message)

    def read(
        self,
        logger: logging.Logger,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog,
        state: list[AirbyteStateMessage] | None = None,
    ) -> Iterator[AirbyteMessage]:
        self._config = with_read_context(self._config, catalog, self._connector_state_manager)
        yield from super().read(logger, config, catalog, state)
