"""Export, then import into an empty database: every row of every table comes back identical."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from caseweight.audit.services import snapshot
from caseweight.cases.models import Case
from caseweight.imports.export import export_path
from caseweight.imports.services import import_path
from caseweight.organisation.models import Absence, Officer, Region, Site


def database_rows() -> dict[str, list[dict]]:
    return {
        "regions": [snapshot(r) for r in Region.objects.order_by("code")],
        "sites": [snapshot(s) for s in Site.objects.select_related("region").order_by("code")],
        "officers": [snapshot(o) for o in Officer.objects.select_related("site").order_by("code")],
        "cases": [snapshot(c) for c in Case.objects.select_related("site", "officer").order_by("ref")],
        "absences": [snapshot(a) for a in Absence.objects.select_related("officer").order_by("officer__code", "start")],
    }


def empty_the_database() -> None:
    for model in (Case, Absence, Officer, Site, Region):
        model.objects.all().delete()


@pytest.fixture
def awkward_data(org):
    """The fixture organisation plus values that are easy to get wrong in a file."""
    nor = Region.objects.create(code="NOR", name="North, far", name_fr="")
    tricky = Site.objects.create(code="TRV", name='Trois-Rivières "centre", QC', region=nor, kind="ccc", languages="fr")
    hybrid = Site.objects.create(code="MIX", name="=Multi-level\nInstitution", region=nor, kind="institution",
                                 security_levels="minimum;medium;maximum", languages="en")
    officer = Officer.objects.create(code="00123", name="Zoë D'Arcy-Lefèvre", site=tricky, role="ccc_manager",
                                     fte=Decimal("0.333"), languages="fr;en", specialisations="women;mental_health")
    Officer.objects.create(code="PO-MIX", name="+1 Officer", site=hybrid, role="alo", fte=Decimal("0.5"), languages="en")
    Case.objects.create(ref="0042", site=tricky, supervision_level="D", language="fr", officer=officer,
                        factors="interpreter;deportation;far_from_home", opened=dt.date(2020, 2, 29),
                        closed=dt.date(2024, 12, 31))
    Case.objects.create(ref="C-MIX-1", site=hybrid, security_level="minimum", language="en", opened=dt.date(2025, 3, 1))
    Absence.objects.create(officer=officer, kind="secondment", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    Absence.objects.create(officer=org["officers"]["PO-BEN"], kind="sick", start=dt.date(2026, 7, 20),
                           end=dt.date(2026, 7, 20))
    # Lists as a form stores them (canonical order); the fixture wrote MTL's "fr;en" directly.
    for instance in [*Site.objects.all(), *Officer.objects.all(), *Case.objects.all()]:
        instance.clean()
        instance.save()
    return org


@pytest.mark.parametrize("target", ["folder", "data.xlsx"])
def test_an_export_imports_into_an_empty_database_identically(awkward_data, tmp_path, target):
    before = database_rows()
    path = tmp_path / target
    export_path(path=path)
    empty_the_database()
    assert database_rows() == {table: [] for table in before}

    report = import_path(path=path)

    assert database_rows() == before
    assert {name: counts.created for name, counts in report.tables} == {table: len(rows) for table, rows in before.items()}


@pytest.mark.parametrize("target", ["folder", "data.xlsx"])
def test_importing_an_export_into_the_same_database_changes_nothing(awkward_data, tmp_path, target):
    export_path(path=tmp_path / target)
    report = import_path(path=tmp_path / target)
    assert all(counts.created == counts.updated == 0 for _name, counts in report.tables)


def test_a_scoped_export_holds_only_the_rows_of_its_sites_and_imports_back_within_that_scope(org, tmp_path):
    export_path(path=tmp_path, site_codes={"OTT"})
    assert (tmp_path / "sites.csv").read_text(encoding="utf-8-sig").splitlines()[1:] == [
        "OTT,Ottawa Parole Office,ONT,parole_office,,en;fr"
    ]
    assert (tmp_path / "regions.csv").read_text(encoding="utf-8-sig").splitlines()[1:] == ["ONT,Ontario,Ontario"]
    cases = (tmp_path / "cases.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert [line.split(",")[0] for line in cases] == ["C-OTT-1", "C-OTT-2", "C-OTT-3"]
    report = import_path(path=tmp_path, allowed_site_codes={"OTT"})
    assert all(counts.created == counts.updated == 0 for _name, counts in report.tables)

