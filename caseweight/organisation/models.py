from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy as _

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

    def clean(self):
        if self.fte is not None:
            self.fte = _clean_rule(lambda: rules.officer_fte(self.fte))
        self.languages = codes.join_codes(
            _clean_rule(lambda: _code_list("languages", self.languages, codes.LANGUAGES, codes.LANGUAGE, required=True))
        )
        self.specialisations = codes.join_codes(
            _clean_rule(lambda: _code_list("specialisations", self.specialisations, codes.SPECIALISATIONS, codes.SPECIALISATION))
        )


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
