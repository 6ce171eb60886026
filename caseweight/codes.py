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


class CodeError(ValueError):
    """A value that is not one of the allowed codes; the message says which and what is allowed."""


def parse_code(value: str, allowed: tuple[str, ...], *, what: str) -> str:
    value = (value or "").strip()
    if value not in allowed:
        raise CodeError(f"unknown {what} {value!r}; expected one of: {', '.join(allowed)}")
    return value


def parse_code_list(
    value: str, allowed: tuple[str, ...], *, what: str, required: bool = False
) -> list[str]:
    """Parse 'a;b;c' into codes in the canonical order of `allowed`, refusing unknown codes."""
    items = [item.strip() for item in (value or "").split(LIST_SEPARATOR) if item.strip()]
    unknown = [item for item in items if item not in allowed]
    if unknown:
        raise CodeError(
            f"unknown {what} {', '.join(repr(u) for u in unknown)}; "
            f"expected any of: {', '.join(allowed)}"
        )
    if required and not items:
        raise CodeError(f"at least one {what} is required")
    present = set(items)
    return [code for code in allowed if code in present]


def join_codes(codes) -> str:
    return LIST_SEPARATOR.join(codes)
