"""Every user-facing string has its French translation, and the shipped catalogue is compiled."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "caseweight"
PO_FILE = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def test_every_french_message_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(PO_FILE))
    missing = [entry.msgid for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
    assert missing == []


def test_the_compiled_catalogue_matches_the_po_file():
    source = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
              for e in polib.pofile(str(PO_FILE)).translated_entries()}
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
                for e in polib.mofile(str(MO_FILE))}
    assert compiled == source, "run `make messages` to recompile the French catalogue"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_every_translatable_string_in_the_code_is_in_the_catalogue(tmp_path):
    # makemessages on a copy, with no settings module, writes to the copy's locale/ only.
    copy = tmp_path / "caseweight"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "fr", "--no-obsolete", "--no-location"],
        cwd=copy, env=env, check=True, capture_output=True,
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))}
    shipped = {e.msgid for e in polib.pofile(str(PO_FILE))}
    assert sorted(extracted - shipped) == [], "run `make messages` and translate the new strings"
