"""Rows that leave the result set while a sync pages through it must not make others slip past unread."""

from airbyte_cdk.models import SyncMode

from integration_tests import oracle
from integration_tests.conftest import UNTHROTTLED
from integration_tests.harness import keyed, read_streams, records_by_stream


def test_given_tickets_updated_while_paging_when_reading_then_no_unchanged_ticket_lost(
    fresh_simulator, monkeypatch
):
    sim = fresh_simulator
    before = {row["id"] for row in oracle.expected(sim, "tickets")}
    changed: list[int] = []
    page = sim.backend.page

    def page_with_changes_before_page_two(resource, params, page_cap=None):
        # Tickets on page 1 change just before page 2 is served, and leave the sync's frozen window.
        if resource == "tickets" and params.get("page_no") == "2" and not changed:
            changed.extend(sim.mutate(update_tickets=12)["update_tickets"])
        return page(resource, params, page_cap)

    monkeypatch.setattr(sim.backend, "page", page_with_changes_before_page_two)
    output = read_streams({**sim.config(), **UNTHROTTLED}, ["tickets"], sync_mode=SyncMode.incremental)
    assert not output.errors
    assert any(ticket_id < 100 for ticket_id in changed), "the test needs changes on page 1 to shift rows"
    ids = {key[0] for key in keyed(records_by_stream(output)["tickets"])}  # keyed raises on a duplicate
    assert before - set(changed) <= ids, f"lost: {sorted(before - set(changed) - ids)}"
    assert ids <= before
