from __future__ import annotations

from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _, ngettext

from caseweight import codes, rules

SITE_KIND_CHOICES = [
    ("institution", _("Institution")),
    ("parole_office", _("Parole office")),
    ("ccc", _("Community Correctional Centre")),
]
OFFICER_ROLE_CHOICES = [
    ("po", _("Parole officer")),
    ("mai", _("Manager of Assessment and Intervention")),
    ("pos", _("Parole Officer Supervisor")),
    ("cma", _("Case management assistant")),
    ("alo", _("Aboriginal liaison officer")),
    ("ccc_manager", _("CCC manager")),
]
ABSENCE_KIND_CHOICES = [
    ("annual", _("Annual leave")),
    ("sick", _("Sick leave")),
    ("secondment", _("Secondment")),
    ("training", _("Training")),
    ("other", _("Other")),
]


def _clean_rule(check):
    """Run a shared rule and turn its error into a form error on the right field."""
    try:
        return check()
    except rules.RuleError as error:
        raise ValidationError({error.column: error.render(gettext)}) from None


class Region(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_fr = models.CharField(_("French name"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    def display_name(self, language: str) -> str:
        return self.name_fr if language == "fr" and self.name_fr else self.name


class Site(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="sites", verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=20, choices=SITE_KIND_CHOICES)
    # Canonical ';'-joined codes (minimum;medium;maximum order): a hybrid institution has several.
    security_levels = models.CharField(_("security levels"), max_length=40, blank=True)
    languages = models.CharField(_("languages"), max_length=20, default="en")

    class Meta:
        ordering = ["code"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self):
        return f"{self.code} — {self.name}"

    @property
    def security_level_list(self) -> list[str]:
        return [c for c in self.security_levels.split(codes.LIST_SEPARATOR) if c]

    @property
    def language_list(self) -> list[str]:
        return [c for c in self.languages.split(codes.LIST_SEPARATOR) if c]

    @property
    def is_hybrid(self) -> bool:
        return len(self.security_level_list) > 1

    def clean(self):
        levels = _clean_rule(lambda: rules.site_security_levels(kind=self.kind, security_levels=self.security_levels))
        self.security_levels = codes.join_codes(levels)
        self.languages = codes.join_codes(
            _clean_rule(lambda: _code_list("languages", self.languages, codes.LANGUAGES, codes.LANGUAGE, required=True))
        )


def _code_list(column, value, allowed, what, required=False):
    try:
        return codes.parse_code_list(value, allowed, what=what, required=required)
    except codes.CodeError as error:
        raise rules.RuleError.from_problem(column, error) from None


class Officer(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="officers", verbose_name=_("site"))
    role = models.CharField(_("role"), max_length=20, choices=OFFICER_ROLE_CHOICES, default="po")
    fte = models.DecimalField(_("FTE"), max_digits=4, decimal_places=3, default=Decimal("1.000"))
    languages = models.CharField(_("languages"), max_length=20, default="en")
    specialisations = models.CharField(_("specialisations"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        constraints = [
            models.CheckConstraint(condition=Q(fte__gt=0) & Q(fte__lte=1), name="officer_fte_in_range"),
        ]

    def __str__(self):
        return f"{self.code} — {self.name}"

    @property
    def language_list(self) -> list[str]:
        return [c for c in self.languages.split(codes.LIST_SEPARATOR) if c]

    @property
    def specialisation_list(self) -> list[str]:
        return [c for c in self.specialisations.split(codes.LIST_SEPARATOR) if c]

    def save(self, *args, **kwargs):
        # The shell's and any page's way in; the admin's form already said it (clean). Imports
        # write in bulk, past this, having refused the move themselves (imports.services).
        if kwargs.get("update_fields") is None or "site" in kwargs["update_fields"]:
            self.refuse_move_with_cases()
        super().save(*args, **kwargs)

    def refuse_move_with_cases(self) -> None:
        """ValidationError on `site` if this officer would leave cases behind at their old site."""
        if self.pk is None or self.site_id is None:
            return
        old_site = Site.objects.filter(officers__pk=self.pk).first()
        if old_site is None or old_site.pk == self.site_id:
            return
        carried = cases_carried(officers=Officer.objects.filter(pk=self.pk)).get(self.pk, [])
        left = list(dict.fromkeys(ref for ref, site, _covered in carried if site != self.site.code))
        refusal = officer_move_refusal(officer=self.code, site=self.site.code, old_site=old_site.code, cases=left)
        if refusal:
            raise ValidationError({"site": refusal})

    def clean(self):
        if self.fte is not None:
            self.fte = _clean_rule(lambda: rules.officer_fte(self.fte))
        self.languages = codes.join_codes(
            _clean_rule(lambda: _code_list("languages", self.languages, codes.LANGUAGES, codes.LANGUAGE, required=True))
        )
        self.specialisations = codes.join_codes(
            _clean_rule(lambda: _code_list("specialisations", self.specialisations, codes.SPECIALISATIONS, codes.SPECIALISATION))
        )
        self.refuse_move_with_cases()


def cases_carried(*, officers) -> dict[int, list[tuple[str, str, bool]]]:
    """(case ref, case's site code, covered) of the cases each officer carries, by officer id:
    their own (open or closed: a case's officer works at the case's site) and those they cover
    during an absence not over yet."""
    carried: dict[int, set[tuple[str, str, bool]]] = {}
    own = apps.get_model("cases", "Case").objects.filter(officer__in=officers)
    covers = apps.get_model("distribution", "Cover").objects.filter(
        officer__in=officers, absence__end__gte=timezone.localdate())
    for rows, covered in ((own.values_list("officer_id", "ref", "site__code"), False),
                          (covers.values_list("officer_id", "case__ref", "case__site__code"), True)):
        for officer_id, ref, site in rows:
            carried.setdefault(officer_id, set()).add((ref, site, covered))
    return {officer_id: sorted(cases) for officer_id, cases in carried.items()}


def officer_move_refusal(*, officer: str, site: str, old_site: str, cases: list[str]) -> str | None:
    """The rule for every way in (import, admin, pages, shell): an officer moves to another site
    only once they carry no case at their old site; `cases` are the ones they would leave there."""
    if site == old_site or not cases:
        return None
    return ngettext(
        "officer %(officer)s would move to %(site)s but still has %(count)d case at %(old)s, e.g. %(case)s",
        "officer %(officer)s would move to %(site)s but still has %(count)d cases at %(old)s, e.g. %(case)s",
        len(cases),
    ) % {"officer": officer, "site": site, "count": len(cases), "old": old_site, "case": cases[0]}


class Absence(models.Model):
    """An officer away from work from `start` to `end` inclusive. Key: (officer, start)."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="absences", verbose_name=_("officer"))
    kind = models.CharField(_("kind"), max_length=20, choices=ABSENCE_KIND_CHOICES)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        ordering = ["officer__code", "start"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.UniqueConstraint(fields=["officer", "start"], name="absence_one_start_per_officer"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="absence_end_not_before_start"),
        ]

    def __str__(self):
        return f"{self.officer_id}: {self.kind} {self.start}–{self.end}"

    def clean(self):
        _clean_rule(lambda: rules.date_order(start=self.start, end=self.end, start_column="start", end_column="end"))
