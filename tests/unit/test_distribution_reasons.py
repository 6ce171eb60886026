"""Rule reasons are worded again from their code and parameters, in the user's language, with
codes as their labels and dates in the page's format."""

from __future__ import annotations

from django.utils import translation

from caseweight.distribution.reasons import reason_text


def test_a_reason_is_worded_from_its_rule_and_parameters():
    reason = {"rule": "specialisation", "text": "x", "params": {"specialisation": "indigenous", "factors": "indigenous_planning"}}
    with translation.override("en"):
        assert reason_text(reason, allowed=False) == "lacks the Indigenous specialisation required by Indigenous case planning"
        assert reason_text(reason, allowed=True) == "has the Indigenous specialisation required by Indigenous case planning"
        assert reason_text({"rule": "language", "params": {"language": "fr"}}, allowed=False) == "does not speak French"


def test_an_unknown_rule_keeps_the_engines_text():
    assert reason_text({"rule": "new_rule", "text": "as the engine said", "params": {}}, allowed=True) == "as the engine said"


def test_a_reason_reads_in_french_on_a_french_page():
    language = {"rule": "language", "text": "does not speak fr", "params": {"language": "fr"}}
    absent = {"rule": "absent", "text": "annual leave", "params": {"start": "2026-07-06", "end": "2026-07-17"}}
    with translation.override("fr"):
        assert reason_text(language, allowed=False) == "ne parle pas français"
        assert reason_text(language, allowed=True) == "parle français"
        assert reason_text(absent, allowed=False) == "absent du 6 juillet 2026 au 17 juillet 2026"
        assert reason_text({"rule": "present", "params": {}}, allowed=True) == "présent pour la période"
