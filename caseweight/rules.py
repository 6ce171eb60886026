"""Validation rules for the organisation and case data, shared by the importer and the models.

Plain Python (no Django). Each function returns the normalised value or raises RuleError naming
the column at fault, so a file import and an admin form give the same message.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from caseweight import codes
from caseweight.codes import gettext_noop


class RuleError(codes.Problem):
    """A broken rule, with the column at fault and a message the Django layers translate (render)."""

    def __init__(self, column: str, template: str, *, terms: tuple[str, ...] = (), **params):
        self.column = column
        super().__init__(template, terms=terms, **params)

    @classmethod
    def from_problem(cls, column: str, problem: codes.Problem) -> "RuleError":
        return cls(column, problem.template, terms=problem.terms, **problem.params)


def site_security_levels(*, kind: str, security_levels: str) -> list[str]:
    """Institutions hold one or more security levels; other sites hold none."""
    try:
        levels = codes.parse_code_list(security_levels, codes.SECURITY_LEVELS, what=codes.SECURITY_LEVEL)
    except codes.CodeError as error:
        raise RuleError.from_problem("security_levels", error) from None
    if kind == "institution" and not levels:
        raise RuleError("security_levels", gettext_noop("an institution needs at least one security level"))
    if kind != "institution" and levels:
        raise RuleError("security_levels", gettext_noop("only institutions have security levels, not a %(kind)s"),
                        kind=kind)
    return levels


def officer_fte(value) -> Decimal:
    try:
        fte = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise RuleError("fte", gettext_noop("fte %(value)r is not a number"), value=value) from None
    if not fte.is_finite() or not (Decimal(0) < fte <= Decimal(1)):
        raise RuleError("fte", gettext_noop("fte %(value)r is out of range: it must be more than 0 and at most 1"),
                        value=value)
    if fte != fte.quantize(Decimal("0.001")):
        raise RuleError("fte", gettext_noop("fte %(value)r has more than 3 decimal places"), value=value)
    return fte.quantize(Decimal("0.001"))


def case_levels(
    *, site_kind: str, site_levels: list[str], security_level: str, supervision_level: str
) -> tuple[str, str]:
    """A case in an institution has a security level of its site; a community case a supervision level."""
    security_level = (security_level or "").strip()
    supervision_level = (supervision_level or "").strip()
    if site_kind == "institution":
        if supervision_level:
            raise RuleError("supervision_level",
                            gettext_noop("a case in an institution has a security level, not a supervision level"))
        if not security_level:
            raise RuleError("security_level", gettext_noop("a case in an institution needs a security level"))
        try:
            codes.parse_code(security_level, codes.SECURITY_LEVELS, what=codes.SECURITY_LEVEL)
        except codes.CodeError as error:
            raise RuleError.from_problem("security_level", error) from None
        if security_level not in site_levels:
            raise RuleError(
                "security_level",
                gettext_noop("security level %(level)r is not one of the site's levels (%(site_levels)s)"),
                level=security_level, site_levels=";".join(site_levels),
            )
    else:
        if security_level:
            raise RuleError("security_level",
                            gettext_noop("a community case has a supervision level, not a security level"))
        if not supervision_level:
            raise RuleError("supervision_level", gettext_noop("a community case needs a supervision level"))
        try:
            codes.parse_code(supervision_level, codes.SUPERVISION_LEVELS, what=codes.SUPERVISION_LEVEL)
        except codes.CodeError as error:
            raise RuleError.from_problem("supervision_level", error) from None
    return security_level, supervision_level


def date_order(*, start: dt.date | None, end: dt.date | None, start_column: str, end_column: str) -> None:
    if start is not None and end is not None and end < start:
        raise RuleError(end_column, gettext_noop("%(end_column)s %(end)s is before %(start_column)s %(start)s"),
                        end_column=end_column, end=end.isoformat(), start_column=start_column, start=start.isoformat())
