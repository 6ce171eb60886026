"""The distribution commands' plain parts: the table rendering and the day option."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management.base import CommandError

from caseweight.distribution.commands import parse_day, render

PLAN = {
    "kind": "assignment", "site": "OTT", "solver": "cp-sat", "status": "optimal",
    "max_utilisation_before": 0.5, "max_utilisation": 0.55, "lower_bound": 0.55,
    "officers": [{"officer": "PO-ANA", "present": True, "capacity_hours": 146.25, "load_before_hours": 70.0,
                  "load_after_hours": 80.0, "utilisation_after": 0.547, "status_after": "ok"}],
    "assignments": [{"case": "C-1", "officer": "PO-ANA", "hours": 10.0, "from_officer": None,
                     "reasons": [{"rule": "continuity", "text": "continuity with PO-ANA", "params": {}}]}],
    "unassignable": [],
}  # fmt: skip


def test_the_table_names_each_officer_and_each_move_with_its_reasons():
    text = render(PLAN, "table")
    assert "max utilisation 50% -> 55%" in text
    assert "PO-ANA" in text and "55%" in text
    assert "C-1" in text and "continuity with PO-ANA" in text


def test_json_is_the_plan_unchanged():
    assert json.loads(render(PLAN, "json")) == PLAN


def test_the_day_option_takes_an_iso_date_or_nothing():
    assert parse_day("2026-07-06") == dt.date(2026, 7, 6)
    assert parse_day(None) is None
    with pytest.raises(CommandError):
        parse_day("July 6")
