"""Display helpers: readable, translatable labels for the stable codes of DESIGN.md §3."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

LABELS = {
    # Security levels
    "minimum": _("minimum"),
    "medium": _("medium"),
    "maximum": _("maximum"),
    # Community supervision levels (the letters stay letters)
    "intensive": _("intensive"),
    # Languages
    "en": _("English"),
    "fr": _("French"),
    # Complexity factors
    "functioning": _("functioning"),
    "social_history": _("social history"),
    "conditions_adherence": _("capacity to meet conditions"),
    "family_support": _("lack of family support"),
    "mental_health": _("mental health"),
    "trauma": _("trauma"),
    "indigenous_planning": _("Indigenous case planning"),
    "siu": _("Structured Intervention Unit"),
    "far_from_home": _("release far from home"),
    "deportation": _("deportation"),
    "interpreter": _("interpreter"),
    # Officer specialisations (mental_health and siu are above)
    "indigenous": _("Indigenous"),
    "women": _("women"),
    # Audited entities
    "region": _("region"),
    "site": _("site"),
    "officer": _("officer"),
    "case": _("case"),
    "absence": _("absence"),
    # Where an audited change came from
    "web": _("web"),
    "admin": _("admin site"),
    "import": _("import"),
    "system": _("system"),
}


@register.filter
def code_label(code: str) -> str:
    """The label of a code; an unknown code is shown as it is."""
    return LABELS.get(code, code)


@register.filter
def code_labels(codes_list) -> str:
    """A list of codes as comma-separated labels, or an empty string."""
    return ", ".join(str(code_label(code)) for code in codes_list)


@register.filter
def localised_name(region) -> str:
    """A region's name in the page's language."""
    return region.display_name(get_language() or "en")


@register.filter
def pct(value, digits: int = 0) -> str:
    """A figure already in percent, localised: 99 → "99%" in English, "99 %" in French (a
    no-break space before the sign, as French typography wants); None → "—"."""
    if value is None or value == "":
        return "—"
    number = floatformat(float(value), int(digits))
    return f"{number}\u00a0%" if (get_language() or "en").startswith("fr") else f"{number}%"


@register.simple_tag
def colon() -> str:
    """": " in English, " : " in French (a no-break space before the colon, as French typography wants)."""
    return "\u00a0: " if (get_language() or "en").startswith("fr") else ": "
