"""The one rule against formula injection (caseweight/imports/cells.py): what is escaped, and that the
importer's reading gives every escaped text back. No database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseweight.imports.cells import escaped, unescaped


@pytest.mark.parametrize("text", ["=1+1", "+1 Officer", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_text_beginning_like_a_formula_is_written_behind_a_quote(text):
    assert escaped(text) == "'" + text


@pytest.mark.parametrize("text", ["Ottawa Parole Office", "C-OTT-1", "0.800", "2025-01-15", "", " =1", "'quoted", "'"])
def test_other_text_is_written_as_it_is(text):
    assert escaped(text) == text


@pytest.mark.parametrize("number", [-1.25, -3, Decimal("-0.5"), 0.8])
def test_numbers_are_not_text_and_are_never_escaped(number):
    assert escaped(number) is number


def test_dates_and_empty_cells_are_written_as_they_are():
    assert escaped(dt.date(2025, 1, 15)) == dt.date(2025, 1, 15)
    assert escaped(None) is None


def test_raw_writes_formula_like_text_as_stored():
    assert escaped("=1+1", raw=True) == "=1+1"


def test_text_already_behind_quotes_gets_one_quote_more():
    assert escaped("'=1+1") == "''=1+1"
    assert unescaped("''=1+1") == "'=1+1"


@given(st.text())
def test_no_escaped_text_begins_like_a_formula(text):
    assert escaped(text)[:1] not in ("=", "+", "-", "@", "\t", "\r")


@given(st.text())
def test_reading_an_escaped_text_gives_it_back_exactly(text):
    assert unescaped(escaped(text)) == text


@given(st.text().filter(lambda text: not text.lstrip("'")[:1] in ("=", "+", "-", "@", "\t", "\r")))
def test_reading_text_that_needs_no_escape_leaves_it_alone(text):
    assert unescaped(text) == text
