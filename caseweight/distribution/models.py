"""Distribution records: complexity assessments, intensive-supervision flags, reductions of an
officer's case time, the history of who was given which case (continuity), and temporary covers
of an absent officer's cases."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from caseweight.cases.models import Case
from caseweight.organisation.models import Absence, Officer

REDUCTION_REASON_CHOICES = [
    ("training", _("Training")),
    ("union_duties", _("Union duties")),
    ("mentoring", _("Mentoring")),
    ("committee", _("Committee work")),
    ("phased_return", _("Phased return")),
    ("other", _("Other")),
]
# Our reason codes → the engine's (engine.workload.REDUCTION_REASONS).
ENGINE_REDUCTION_REASON = {"union_duties": "union"}

FLAG_STATE_CHOICES = [
    ("requested", _("Requested")),
    ("approved", _("Approved")),
    ("changed", _("Approved with changed hours")),
    ("declined", _("Declined")),
    ("ended", _("Ended: no longer counted")),
    ("replaced", _("Replaced by a later approved flag")),
]
COUNTED_FLAG_STATES = ("approved", "changed")
# Nobody decides on a flag they raised, by any route: the services say it first, and the model
# (full_clean) and the database refuse it (constraints below) for every other way in.
SELF_DECISION_REFUSED = _("You cannot decide on a flag you raised.")
ENDED_FLAG_STATES = ("ended", "replaced")  # counted from decided_at until ended_at

ASSIGNMENT_METHOD_CHOICES = [
    ("manual", _("Manual")),
    ("recommendation", _("Recommendation")),
    ("batch", _("Batch assignment")),
    ("redistribution", _("Absence redistribution")),
    ("rebalance", _("Rebalance")),
    ("import", _("Import")),
    ("unassigned", _("Unassigned")),
]


class ComplexityAssessment(models.Model):
    """One assessment of a case's complexity factors. History is kept; the latest sets Case.factors."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("case"))
    factors = models.CharField(_("complexity factors"), max_length=300, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("assessed by"),
    )  # fmt: skip
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("complexity assessment")
        verbose_name_plural = _("complexity assessments")

    def __str__(self):
        return f"{self.case_id}: {self.factors or '—'}"


class CaseFlag(models.Model):
    """An officer asks for the extra (intensive-supervision) hours a month a case needs. Only an
    approved flag (as asked, or with changed hours) counts in the workload, as the case's extra
    hours. At most one flag of a case counts: approving another replaces it (a flag states the
    case's whole need, so nothing is counted twice), and a supervisor ends it when the case no
    longer needs the hours. Who decided, and who ended or replaced it, stay on the flag."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags", verbose_name=_("case"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("raised by")
    )
    hours_requested = models.DecimalField(
        _("extra hours a month asked"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    reason = models.TextField(_("reason"))
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=20, choices=FLAG_STATE_CHOICES, default="requested")
    approved_hours = models.DecimalField(_("approved hours a month"), max_digits=5, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("ended by"),
    )  # fmt: skip
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_note = models.TextField(_("end note"), blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("case flag")
        verbose_name_plural = _("case flags")
        constraints = [
            models.CheckConstraint(condition=Q(hours_requested__gt=0), name="caseflag_hours_positive"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | Q(raised_by__isnull=True) | ~Q(decided_by=F("raised_by")),
                name="caseflag_not_decided_by_its_raiser", violation_error_message=SELF_DECISION_REFUSED,
            ),
            models.CheckConstraint(
                condition=Q(ended_by__isnull=True) | Q(raised_by__isnull=True) | ~Q(ended_by=F("raised_by")),
                name="caseflag_not_ended_by_its_raiser", violation_error_message=SELF_DECISION_REFUSED,
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.case_id}: {self.hours_requested} h ({self.state})"

    @property
    def counted_hours(self) -> Decimal:
        if self.state in COUNTED_FLAG_STATES and self.approved_hours is not None:
            return self.approved_hours
        return Decimal("0")


class Reduction(models.Model):
    """Hours a week taken off an officer's case time (training, union duties, ...)."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="reductions", verbose_name=_("officer"))
    hours_per_week = models.DecimalField(
        _("hours a week"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    reason = models.CharField(_("reason"), max_length=20, choices=REDUCTION_REASON_CHOICES)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )  # fmt: skip

    class Meta:
        ordering = ["officer__code", "start"]
        verbose_name = _("reduction")
        verbose_name_plural = _("reductions")
        constraints = [
            models.CheckConstraint(condition=Q(hours_per_week__gt=0), name="reduction_hours_positive"),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                                   name="reduction_end_not_before_start"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.officer_id}: {self.hours_per_week} h/week ({self.reason})"


class Assignment(models.Model):
    """Who was given which case, when, by whom and how: each change of a case's officer, so the
    history gives former officers (continuity) and who had a case on a past day. `officer` is
    empty when the case was taken from `from_officer` and left without one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("case"))
    # SET_NULL: deleting an officer keeps the cases' history (the row's method tells an
    # unassignment from a deleted officer).
    officer = models.ForeignKey(
        Officer, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments", verbose_name=_("officer")
    )
    from_officer = models.ForeignKey(
        Officer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("from officer")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("assigned by"),
    )  # fmt: skip
    at = models.DateTimeField(_("at"), auto_now_add=True)
    method = models.CharField(_("method"), max_length=20, choices=ASSIGNMENT_METHOD_CHOICES)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self):
        return f"{self.case_id} → {self.officer_id} ({self.method})"


class Cover(models.Model):
    """A colleague carries a case while the officer carrying it is absent.

    A cover belongs to an absence and lasts exactly as long as it: it is in force for any period
    the absence overlaps, so the case goes back by itself when the absence ends (or follows it when
    the absence is shortened or extended); nothing needs undoing. The case's officer never changes.
    Covers chain: when a colleague covering a case is absent in turn, a cover of *their* absence
    passes the case on (see selectors.covering_officers).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="covers", verbose_name=_("case"))
    officer = models.ForeignKey(
        Officer, on_delete=models.CASCADE, related_name="covers", verbose_name=_("covering officer")
    )
    absence = models.ForeignKey(Absence, on_delete=models.CASCADE, related_name="covers", verbose_name=_("absence"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("assigned by"),
    )  # fmt: skip
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("cover")
        verbose_name_plural = _("covers")

    def __str__(self):
        return f"{self.case_id} covered by {self.officer_id} (absence {self.absence_id})"
