"""Number formats and labels for the staffing pages (in the page's language: 1,25 in French)."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

register = template.Library()

STATUS_LABELS = {
    "cited": _("cited"),
    "derived": _("derived"),
    "assumption": _("assumption"),
    "verify": _("to verify"),
    "illustrative": _("illustrative"),
    "unsourced": _("unsourced"),
}
KIND_LABELS = {
    "institution": _("institution"),
    "parole_office": _("parole office"),
    "ccc": _("CCC"),
}
UNIT_LABELS = {
    "FTE": _("FTE"),
    "hours/month": _("h a month"),
    "hours/week": _("h a week"),
    "hours/year": _("h a year"),
    "share": _("share"),
    "$/year": _("$ a year"),
}
# The names of the numbers an explanation line carries (engine.explain).
NUMBER_LABELS = {
    "cases": _("cases"),
    "ratio": _("cases per officer"),
    "positions": _("positions"),
    "officers": _("officers"),
    "hours": _("hours a month"),
    "hours_per_case": _("hours a case"),
    "frequency": _("a month"),
    "minutes": _("minutes"),
    "awt_hours_per_month": _("available hours a month"),
    "share": _("share"),
    "category_allowance_factor": _("category allowance factor"),
    "individual_allowance_factor": _("individual allowance factor"),
    "weeks": _("weeks"),
    "week_hours": _("hours a week"),
    "hours_per_year": _("hours a year"),
    "case_hours": _("case hours a month"),
    "addon_hours": _("add-on hours a month"),
}

NONE = "—"


@register.filter
def fte(value, digits: int = 2) -> str:
    """A figure with two decimals, or a dash where there is none."""
    if value is None or value == "":
        return NONE
    digits = int(digits)
    value = float(value)
    if abs(value) < 0.5 * 10**-digits:
        value = 0.0  # float noise around zero (-0.00) is no surplus
    # floatformat rounds half up and localises (number_format would truncate 114.79999 to 114.79).
    return floatformat(value, digits)


@register.filter
def gap(value) -> str:
    """A gap with its sign: +1.25 (officers missing), -0.50 (more than required), 0.00."""
    if value is None:
        return NONE
    text = fte(value)
    return f"+{text}" if float(value) >= 0.005 else text


@register.filter
def gap_class(value) -> str:
    if value is None:
        return ""
    return "shortfall" if value >= 0.005 else "surplus" if value <= -0.005 else ""


@register.filter
def number(value) -> str:
    """A policy number as written (25, 0.1667, 37.5), localised."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if float(value).is_integer():
        return number_format(int(value), 0)
    text = f"{value:.4g}"  # four significant digits: 0.1667, 7.833, 14 (for 14.000000000000002)
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0 if "e" not in text else 4
    return floatformat(value, decimals)


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@register.filter
def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


@register.filter
def unit_label(unit: str) -> str:
    return UNIT_LABELS.get(unit, unit)


@register.filter
def number_label(name: str) -> str:
    return NUMBER_LABELS.get(name, name.replace("_", " "))


@register.filter
def full(value) -> str:
    """A float in full, for data attributes that tests and scripts read (never localised)."""
    return "" if value is None else repr(float(value))


@register.filter
def percent(value, digits: int = 1) -> str:
    """A share as a percentage, localised: 0.0538 → 5.4% (5,4 % in French is left to the locale's
    decimal separator; the sign stays)."""
    if value is None or value == "":
        return NONE
    return f"{floatformat(float(value) * 100, int(digits))}%"


@register.filter
def money(value) -> str:
    """Dollars a year, whole, with thousands separators: $12,345."""
    if value is None or value == "":
        return NONE
    return f"${number_format(round(float(value)), 0, force_grouping=True)}"
