"""The stable codes used in files, policies, the database and the API.

Plain Python (no Django) so the engine, the importer and the models share one vocabulary.
See DESIGN.md §3 "Codes used in files, policies and the API".
"""

from __future__ import annotations

SITE_KINDS = ("institution", "parole_office", "ccc")
SECURITY_LEVELS = ("minimum", "medium", "maximum")
# Letter mapping of community supervision levels to contact frequency is an assumption
# until a CSC source confirms it (DESIGN.md §3): intensive 8/month, A 4, B 2, C 1, D < 1.
SUPERVISION_LEVELS = ("intensive", "A", "B", "C", "D")
LANGUAGES = ("en", "fr")
OFFICER_ROLES = ("po", "mai", "pos", "cma", "alo", "ccc_manager")
SPECIALISATIONS = ("indigenous", "women", "mental_health", "siu")
COMPLEXITY_FACTORS = (
    "functioning",
    "social_history",
    "conditions_adherence",
    "family_support",
    "mental_health",
    "trauma",
    "indigenous_planning",
    "siu",
    "far_from_home",
    "deportation",
    "interpreter",
)
ABSENCE_KINDS = ("annual", "sick", "secondment", "training", "other")

# Account roles (who sees what), distinct from an officer's job role above.
USER_ROLES = ("officer", "supervisor", "regional_manager", "national_analyst", "union_analyst")

LIST_SEPARATOR = ";"

# The years a page shows a week of: far beyond any record, and the weeks either side of them stay
# in the calendar (Python's dates end at 9999-12-31).
FIRST_YEAR_SHOWN, LAST_YEAR_SHOWN = 1900, 2999


def gettext_noop(message: str) -> str:
    """Marks a message for the French catalogue (`make messages` finds it) without translating it:
    this module has no Django; the layer that shows the message translates it (Problem.render)."""
    return message


class Problem(ValueError):
    """A message kept as an English template and its values, so that a page or an import report can
    show it in the reader's language. `terms` names the values that are themselves words to translate."""

    def __init__(self, template: str, *, terms: tuple[str, ...] = (), **params):
        self.template = template
        self.params = params
        self.terms = tuple(terms)
        super().__init__(self.render(lambda text: text))

    def render(self, translate) -> str:
        params = {key: translate(value) if key in self.terms else value for key, value in self.params.items()}
        return translate(self.template) % params

    @property
    def message(self) -> str:
        return str(self)


class CodeError(Problem):
    """A value that is not one of the allowed codes; the message says which and what is allowed."""


def parse_code(value: str, allowed: tuple[str, ...], *, what: str) -> str:
    """`what` names the kind of code, marked with gettext_noop by the caller."""
    value = (value or "").strip()
    if value not in allowed:
        raise CodeError(
            gettext_noop("unknown %(what)s %(value)r; expected one of: %(allowed)s"),
            terms=("what",), what=what, value=value, allowed=", ".join(allowed),
        )
    return value


def parse_code_list(
    value: str, allowed: tuple[str, ...], *, what: str, required: bool = False
) -> list[str]:
    """Parse 'a;b;c' into codes in the canonical order of `allowed`, refusing unknown codes."""
    items = [item.strip() for item in (value or "").split(LIST_SEPARATOR) if item.strip()]
    unknown = [item for item in items if item not in allowed]
    if unknown:
        raise CodeError(
            gettext_noop("unknown %(what)s %(value)s; expected any of: %(allowed)s"),
            terms=("what",), what=what, value=", ".join(repr(u) for u in unknown), allowed=", ".join(allowed),
        )
    if required and not items:
        raise CodeError(gettext_noop("at least one %(what)s is required"), terms=("what",), what=what)
    present = set(items)
    return [code for code in allowed if code in present]


def join_codes(codes) -> str:
    return LIST_SEPARATOR.join(codes)


# The kinds of code named in messages, marked for translation.
SECURITY_LEVEL = gettext_noop("security level")
SUPERVISION_LEVEL = gettext_noop("supervision level")
LANGUAGE = gettext_noop("language")
SPECIALISATION = gettext_noop("specialisation")
COMPLEXITY_FACTOR = gettext_noop("complexity factor")
SITE_KIND = gettext_noop("site kind")
OFFICER_ROLE = gettext_noop("officer role")
ABSENCE_KIND = gettext_noop("absence kind")
