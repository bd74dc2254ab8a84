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

from source_halopsa.auth import token_source_for
from source_halopsa.budget import charge, log_budget_waits, requests_charged_to
from source_halopsa.check import check_halo_connection
from source_halopsa.read_context import with_read_context

# A request the budget lets go as a window's oldest slot frees can reach Halo before one another worker
# sent earlier (threads on a busy machine): each slot is held this much longer than Halo's window, so a
# budget equal to Halo's limit sees no 429.
JITTER_SECONDS = 0.25

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
        self._made_before_budget = 0
        super().__init__(path_to_yaml=MANIFEST_PATH, catalog=catalog, config=config, state=state, **kwargs)
        self._apply_request_budget()

    def _apply_request_budget(self) -> None:
        """Size the API budget from the config: the manifest cannot interpolate a rate's interval.

        Requests the connector makes itself (authinfo, tokens, the read-time probes) are charged to the same
        budget, so all of it paces the streams and a budget equal to Halo's limit does not trip a 429.
        """
        rate = self._source_config["api_budget"]["policies"][0]["rates"][0]
        rate["limit"] = _positive(self._config.get("rate_limit_requests"), 300)
        rate["interval"] = (
            f"PT{_positive(self._config.get('rate_limit_window_seconds'), 300) + JITTER_SECONDS}S"
        )

    def _prepare_for_stream_build(self) -> None:
        super()._prepare_for_stream_build()
        budget = getattr(self._constructor, "_api_budget", None)
        if budget is not None:
            log_budget_waits(budget, self._config)
            # The token and the read-time probes ran before the budget existed: the streams wait for them.
            charge(budget, self._made_before_budget)
            self._made_before_budget = 0

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
        probes: list[int] = []
        with requests_charged_to(lambda: probes.append(1)):
            self._config = with_read_context(self._config, catalog, self._connector_state_manager)
        self._made_before_budget = len(probes) + token_source_for(self._config).requests_made
        yield from super().read(logger, config, catalog, state)
