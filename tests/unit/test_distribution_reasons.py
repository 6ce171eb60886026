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


def test_a_reason_reads_in_french_on_a_french_page():
    language = {"rule": "language", "text": "does not speak fr", "params": {"language": "fr"}}
    absent = {"rule": "absent", "text": "annual leave", "params": {"start": "2026-07-06", "end": "2026-07-17"}}
    with translation.override("fr"):
        assert reason_text(language, allowed=False) == "ne parle pas fr"
        assert reason_text(language, allowed=True) == "parle fr"
        assert reason_text(absent, allowed=False) == "absent du 2026-07-06 au 2026-07-17"
        assert reason_text({"rule": "present", "params": {}}, allowed=True) == "présent pour la période"
