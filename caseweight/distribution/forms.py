from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from caseweight.distribution.models import REDUCTION_REASON_CHOICES


class FlagForm(forms.Form):
    hours = forms.DecimalField(label=_("Extra hours a month"), min_value=Decimal("0.25"), max_digits=5, decimal_places=2)
    reason = forms.CharField(label=_("Why this case needs more intensive supervision"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approved", _("Approve as asked")), ("changed", _("Approve other hours")), ("declined", _("Decline"))],
        widget=forms.RadioSelect,
    )
    hours = forms.DecimalField(label=_("Approved hours a month (if changed)"), required=False, min_value=Decimal("0.25"),
                               max_digits=5, decimal_places=2)  # fmt: skip
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "changed" and not data.get("hours"):
            self.add_error("hours", _("Give the approved hours a month."))
        return data


class EndFlagForm(forms.Form):
    decision = forms.ChoiceField(choices=[("ended", _("End"))], widget=forms.HiddenInput, initial="ended")
    note = forms.CharField(label=_("Why the case no longer needs these hours"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class ComplexityForm(forms.Form):
    factors = forms.MultipleChoiceField(label=_("Complexity factors present"), required=False,
                                        widget=forms.CheckboxSelectMultiple)  # fmt: skip
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, factor_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factors"].choices = factor_choices


class ReductionForm(forms.Form):
    officer = forms.ChoiceField(label=_("Officer"))
    hours_per_week = forms.DecimalField(label=_("Hours a week"), min_value=Decimal("0.25"), max_value=Decimal("37.5"),
                                        max_digits=5, decimal_places=2)  # fmt: skip
    reason = forms.ChoiceField(label=_("Reason"), choices=REDUCTION_REASON_CHOICES)
    start = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("End (empty: open-ended)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, officer_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = officer_choices

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end is before the start."))
        return data
