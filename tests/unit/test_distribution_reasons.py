"""Rule reasons are worded again from their code and parameters, in the user's language."""

from __future__ import annotations

from django.utils import translation

from caseweight.distribution.reasons import reason_text


def test_a_reason_is_worded_from_its_rule_and_parameters():
    reason = {"rule": "specialisation", "text": "x", "params": {"specialisation": "indigenous", "factors": "indigenous_planning"}}
    with translation.override("en"):
        assert reason_text(reason, allowed=False) == "lacks the indigenous specialisation required by indigenous_planning"
        assert reason_text(reason, allowed=True) == "has the indigenous specialisation required by indigenous_planning"
        assert reason_text({"rule": "language", "params": {"language": "fr"}}, allowed=False) == "does not speak fr"


def test_an_unknown_rule_keeps_the_engines_text():
    assert reason_text({"rule": "new_rule", "text": "as the engine said", "params": {}}, allowed=True) == "as the engine said"
