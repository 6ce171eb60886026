"""Validation rules for the organisation and case data, shared by the importer and the models.

Plain Python (no Django). Each function returns the normalised value or raises RuleError naming
the column at fault, so a file import and an admin form give the same message.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from caseweight import codes


class RuleError(ValueError):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def site_security_levels(*, kind: str, security_levels: str) -> list[str]:
    """Institutions hold one or more security levels; other sites hold none."""
    try:
        levels = codes.parse_code_list(security_levels, codes.SECURITY_LEVELS, what="security level")
    except codes.CodeError as error:
        raise RuleError("security_levels", str(error)) from None
    if kind == "institution" and not levels:
        raise RuleError("security_levels", "an institution needs at least one security level")
    if kind != "institution" and levels:
        raise RuleError("security_levels", f"only institutions have security levels, not a {kind}")
    return levels


def officer_fte(value) -> Decimal:
    try:
        fte = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise RuleError("fte", f"fte {value!r} is not a number") from None
    if not fte.is_finite() or not (Decimal(0) < fte <= Decimal(1)):
        raise RuleError("fte", f"fte {value!r} is out of range: it must be more than 0 and at most 1")
    if fte != fte.quantize(Decimal("0.001")):
        raise RuleError("fte", f"fte {value!r} has more than 3 decimal places")
    return fte.quantize(Decimal("0.001"))


def case_levels(
    *, site_kind: str, site_levels: list[str], security_level: str, supervision_level: str
) -> tuple[str, str]:
    """A case in an institution has a security level of its site; a community case a supervision level."""
    security_level = (security_level or "").strip()
    supervision_level = (supervision_level or "").strip()
    if site_kind == "institution":
        if supervision_level:
            raise RuleError("supervision_level", "a case in an institution has a security level, not a supervision level")
        if not security_level:
            raise RuleError("security_level", "a case in an institution needs a security level")
        try:
            codes.parse_code(security_level, codes.SECURITY_LEVELS, what="security level")
        except codes.CodeError as error:
            raise RuleError("security_level", str(error)) from None
        if security_level not in site_levels:
            raise RuleError(
                "security_level",
                f"security level {security_level!r} is not one of the site's levels ({';'.join(site_levels)})",
            )
    else:
        if security_level:
            raise RuleError("security_level", "a community case has a supervision level, not a security level")
        if not supervision_level:
            raise RuleError("supervision_level", "a community case needs a supervision level")
        try:
            codes.parse_code(supervision_level, codes.SUPERVISION_LEVELS, what="supervision level")
        except codes.CodeError as error:
            raise RuleError("supervision_level", str(error)) from None
    return security_level, supervision_level


def date_order(*, start: dt.date | None, end: dt.date | None, start_column: str, end_column: str) -> None:
    if start is not None and end is not None and end < start:
        raise RuleError(end_column, f"{end_column} {end.isoformat()} is before {start_column} {start.isoformat()}")
