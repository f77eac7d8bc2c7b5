"""The few columns a read-model event loads: only what it changed is written, and a column it
did not load is a mistake that names the column."""
from datetime import UTC, datetime

import pytest

from intake.adapters import TicketFields


def test_only_the_columns_set_to_a_new_value_are_written():
    ticket = TicketFields({"id": 7, "number": "INC-2026-000007", "sla": {"state": "running"},
                           "sla_state": "running", "versions": {}})
    at = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)
    ticket.sla = {"state": "running"}  # the same value again: nothing to write
    ticket.sla_state = "met"
    ticket.versions = {"sla": at.isoformat()}
    ticket.updated_at = at  # not loaded, only set
    assert ticket.sla_state == "met" and ticket.updated_at == at
    assert ticket.changes() == {"sla_state": "met", "versions": {"sla": at.isoformat()},
                                "updated_at": at}


def test_a_column_not_loaded_is_not_silently_none():
    ticket = TicketFields({"id": 7, "number": "INC-2026-000007"})
    with pytest.raises(AttributeError, match="'priority' was not loaded"):
        _ = ticket.priority
