"""The admin's date drill-down (`date_hierarchy`) refuses dates it cannot show, with a message.

Django turns ?start__year=… (&start__month=…&start__day=…) into a range from that day to the next
day, month or year: a year past 9998 overflows the calendar (a server error), and a month 13 or
a 31 February gives a page that blames the database installation. `guard_drill_downs` gives
every admin with a drill-down the guard: the apps' own and those of libraries (django-axes).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.text import Truncator
from django.utils.translation import gettext as _

PARTS = ("year", "month", "day")
LAST_YEAR = dt.date.max.year - 1  # the range runs to the next year, which must exist


class DateDrillDownAdmin(admin.ModelAdmin):
    def changelist_view(self, request, extra_context=None):
        field = self.date_hierarchy
        asked = {part: request.GET[f"{field}__{part}"] for part in PARTS if field and f"{field}__{part}" in request.GET}
        if "year" in asked and not _is_shown(asked):  # without a year, Django reads them as plain lookups
            messages.error(request, _('"%(value)s" is not a date this list can show: showing every date.')
                           % {"value": Truncator("-".join(asked.values())).chars(40)})  # fmt: skip
            query = request.GET.copy()
            for part in asked:
                del query[f"{field}__{part}"]
            return redirect(f"{request.path}?{query.urlencode()}")
        return super().changelist_view(request, extra_context)


def _is_shown(asked: dict[str, str]) -> bool:
    try:
        year, month, day = (int(asked.get(part, 1)) for part in PARTS)
        dt.date(year, month, day)
    except (ValueError, OverflowError):
        return False
    return year <= LAST_YEAR


def guard_drill_downs(site: admin.AdminSite) -> None:
    """Re-register each admin with a date drill-down as a DateDrillDownAdmin (at start-up, once
    every admin is registered: CaseweightConfig.ready)."""
    for model, model_admin in list(site._registry.items()):
        if model_admin.date_hierarchy and not isinstance(model_admin, DateDrillDownAdmin):
            guarded = type(type(model_admin).__name__, (DateDrillDownAdmin, type(model_admin)), {})
            site.unregister(model)
            site.register(model, guarded)
