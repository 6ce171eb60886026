"""The engine's rule reasons ({rule, text, params}, English text) worded in the user's language.

The engine words its reasons in English; pages word them again from the rule code and its
parameters, so a French page reads French, with the codes in it (languages, specialisations,
complexity factors) as their labels and the dates in the page's format. An unknown rule keeps the
engine's text.
"""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from caseweight.organisation.templatetags.caseweight import code_label, code_labels


def _day(value) -> str:
    try:
        return date_format(dt.date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return str(value)


def reason_text(reason: dict, *, allowed: bool) -> str:
    """`allowed`: the reason says why an officer may take the case (else why they may not)."""
    rule, params = reason.get("rule"), reason.get("params") or {}
    factors = code_labels(f for f in str(params.get("factors", "")).split(";") if f)
    language = str(code_label(params.get("language", "")))
    specialisation = str(code_label(params.get("specialisation", "")))
    if rule == "present":
        return _("present for the period")
    if rule == "absent":
        if "start" in params:
            return _("absent from %(start)s to %(end)s") % {"start": _day(params["start"]), "end": _day(params.get("end"))}
        return _("absent")
    if rule == "no_capacity":
        return _("no capacity: reductions take all case time")
    if rule == "language":
        return (_("speaks %(language)s") if allowed else _("does not speak %(language)s")) % {"language": language}
    if rule == "specialisation":
        values = {"specialisation": specialisation, "factors": factors}
        if allowed:
            return _("has the %(specialisation)s specialisation required by %(factors)s") % values
        return _("lacks the %(specialisation)s specialisation required by %(factors)s") % values
    if rule == "continuity":
        return _("former officer of this case (continuity)")
    if rule == "preference":
        return _("has the preferred %(specialisation)s specialisation") % {"specialisation": specialisation}
    return reason.get("text", "")


def reword(reasons: list[dict], *, allowed: bool) -> list[dict]:
    return [{**r, "text": reason_text(r, allowed=allowed)} for r in reasons]
