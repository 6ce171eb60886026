"""The policy upload form: one TOML file; the engine validates its content (services.policy_save)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PolicyUploadForm(forms.Form):
    file = forms.FileField(label=_("Policy file (.toml)"))
    replace = forms.BooleanField(label=_("Replace my policy of the same name"), required=False)
