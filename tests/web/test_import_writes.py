"""What a valid import writes: creates, updates, leaves alone; idempotence, dry run, encodings,
audit entries, scope, and a bounded number of queries (bulk writes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from caseweight.audit.context import Actor, acting_as
from caseweight.audit.models import AuditEntry
from caseweight.cases.models import Case
from caseweight.imports.services import import_path, import_tables
from caseweight.organisation.models import Absence, Officer, Region, Site

SUD = {"code": "SUD", "name": "Sudbury Parole Office", "region": "ONT", "kind": "parole_office",
       "security_levels": "", "languages": "en;fr"}
NADIA = {"code": "PO-NAD", "name": "Nadia Roy", "site": "SUD", "role": "po", "fte": "0.5",
         "languages": "fr;en", "specialisations": "women"}
CASE = {"ref": "C-SUD-1", "site": "SUD", "security_level": "", "supervision_level": "intensive", "language": "fr",
        "factors": "trauma;mental_health", "officer": "PO-NAD", "opened": "2025-02-01", "closed": ""}
ABSENCE = {"officer": "PO-NAD", "kind": "training", "start": "2026-03-02", "end": "2026-03-06"}
NEW = {"sites": [SUD], "officers": [NADIA], "cases": [CASE], "absences": [ABSENCE]}

# The fixture's rows as an export would write them.
ANA = {"code": "PO-ANA", "name": "Ana Tremblay", "site": "OTT", "role": "po", "fte": "1.000",
       "languages": "en;fr", "specialisations": "indigenous"}


def test_rows_pointing_at_rows_of_the_same_import_are_created(org):
    report = import_tables(tables=NEW)
    case = Case.objects.select_related("officer__site").get(ref="C-SUD-1")
    assert case.officer.code == "PO-NAD" and case.officer.site.code == "SUD" and case.site.region.code == "ONT"
    assert case.factors == "mental_health;trauma"  # canonical order
    assert case.opened == dt.date(2025, 2, 1) and case.closed is None
    assert Officer.objects.get(code="PO-NAD").fte == Decimal("0.500")
    assert Absence.objects.get(officer__code="PO-NAD").end == dt.date(2026, 3, 6)
    assert {name: (c.created, c.updated, c.unchanged) for name, c in report.tables} == {
        "sites": (1, 0, 0), "officers": (1, 0, 0), "cases": (1, 0, 0), "absences": (1, 0, 0),
    }


def test_importing_the_same_rows_twice_changes_nothing_the_second_time(org):
    import_tables(tables=NEW)
    entries = AuditEntry.objects.count()
    report = import_tables(tables=NEW)
    assert {name: (c.created, c.updated, c.unchanged) for name, c in report.tables} == {
        "sites": (0, 0, 1), "officers": (0, 0, 1), "cases": (0, 0, 1), "absences": (0, 0, 1),
    }
    assert AuditEntry.objects.count() == entries


def test_rows_of_the_fixture_written_as_an_export_writes_them_are_unchanged(org):
    report = import_tables(tables={"officers": [ANA, {**ANA, "code": "PO-BEN", "name": "Ben Clark", "fte": "0.8",
                                                      "languages": "en", "specialisations": ""}]})
    assert report.counts["officers"].unchanged == 2


def test_a_changed_row_updates_the_record_and_leaves_other_rows_alone(org):
    report = import_tables(tables={"officers": [{**ANA, "fte": "0.6", "specialisations": "women;indigenous"}]})
    assert (report.counts["officers"].updated, report.counts["officers"].created) == (1, 0)
    ana = Officer.objects.get(code="PO-ANA")
    assert ana.fte == Decimal("0.600") and ana.specialisations == "indigenous;women"
    assert Officer.objects.count() == 4  # rows absent from the file are not deleted
    assert Officer.objects.get(code="PO-BEN").fte == Decimal("0.800")


def test_columns_left_out_of_a_file_keep_their_values(org):
    # No officer column: the case keeps its officer. No closed column: stays open.
    import_tables(tables={"cases": [{"ref": "C-OTT-1", "site": "OTT", "language": "fr", "opened": "2025-01-15",
                                     "supervision_level": "A"}]})
    case = Case.objects.get(ref="C-OTT-1")
    assert case.language == "fr" and case.officer.code == "PO-ANA" and case.closed is None


def test_an_empty_officer_cell_unassigns_the_case(org):
    import_tables(tables={"cases": [{"ref": "C-OTT-1", "site": "OTT", "language": "en", "opened": "2025-01-15",
                                     "supervision_level": "A", "officer": "", "closed": "2025-06-30"}]})
    case = Case.objects.get(ref="C-OTT-1")
    assert case.officer is None and case.closed == dt.date(2025, 6, 30)


def test_an_absence_is_keyed_by_officer_and_start(org):
    report = import_tables(tables={"absences": [{"officer": "PO-BEN", "kind": "training", "start": "2026-07-06",
                                                 "end": "2026-07-08"}]})
    assert report.counts["absences"].updated == 1
    absence = Absence.objects.get(officer__code="PO-BEN")
    assert (absence.kind, absence.end) == ("training", dt.date(2026, 7, 8))


def test_a_dry_run_counts_but_writes_nothing(org):
    sites, cases, entries = Site.objects.count(), Case.objects.count(), AuditEntry.objects.count()
    report = import_tables(tables={**NEW, "officers": [NADIA, {**ANA, "fte": "0.5"}]}, dry_run=True)
    assert report.dry_run
    assert report.counts["officers"].created == 1 and report.counts["officers"].updated == 1
    assert (Site.objects.count(), Case.objects.count(), AuditEntry.objects.count()) == (sites, cases, entries)
    assert Officer.objects.get(code="PO-ANA").fte == Decimal("1.000")
    assert report.summary().splitlines()[:3] == [
        "Dry run: nothing was written.",
        "sites: 1 to create, 0 to update, 0 unchanged",
        "officers: 1 to create, 1 to update, 0 unchanged",
    ]


def test_the_summary_says_what_was_done_per_table(org):
    report = import_tables(tables=NEW)
    assert report.summary().splitlines() == [
        "Import done.",
        "sites: 1 created, 0 updated, 0 unchanged",
        "officers: 1 created, 0 updated, 0 unchanged",
        "cases: 1 created, 0 updated, 0 unchanged",
        "absences: 1 created, 0 updated, 0 unchanged",
    ]


def test_each_written_row_gets_an_audit_entry_with_the_acting_user_and_before_after(org):
    with acting_as(Actor(None, "cli:alice", "import")):
        import_tables(tables={**NEW, "officers": [NADIA, {**ANA, "fte": "0.5"}]})
    entries = AuditEntry.objects.filter(source="import")
    assert sorted((e.action, e.entity, e.entity_key, e.site_code) for e in entries) == [
        ("create", "absence", "PO-NAD@2026-03-02", "SUD"),
        ("create", "case", "C-SUD-1", "SUD"),
        ("create", "officer", "PO-NAD", "SUD"),
        ("create", "site", "SUD", "SUD"),
        ("update", "officer", "PO-ANA", "OTT"),
    ]
    assert {e.actor_label for e in entries} == {"cli:alice"}
    update = entries.get(action="update")
    assert update.changes == [("fte", "1.000", "0.500")]
    created = entries.get(entity="case")
    assert created.before is None and created.after["officer"] == "PO-NAD"


def test_a_scoped_import_may_write_its_own_sites_and_carry_unchanged_regions(org):
    report = import_tables(
        tables={
            "regions": [{"code": "ONT", "name": "Ontario", "name_fr": "Ontario"}],
            "officers": [{**ANA, "name": "Ana Tremblay-Roy"}],
            "cases": [{"ref": "C-OTT-9", "site": "OTT", "supervision_level": "D", "language": "en",
                       "officer": "PO-BEN", "opened": "2025-03-01"}],
        },
        allowed_site_codes={"OTT"},
    )
    assert report.counts["regions"].unchanged == 1
    assert Officer.objects.get(code="PO-ANA").name == "Ana Tremblay-Roy"
    assert Case.objects.get(ref="C-OTT-9").officer.code == "PO-BEN"


def test_a_national_import_may_create_regions(org):
    import_tables(tables={"regions": [{"code": "NOR", "name": "North", "name_fr": "Nord"}]})
    assert Region.objects.get(code="NOR").name_fr == "Nord"


def test_blank_rows_are_skipped_and_cells_are_trimmed(org):
    report = import_tables(tables={"sites": [{k: "" for k in SUD}, {k: f" {v} " for k, v in SUD.items()}]})
    assert report.counts["sites"].created == 1
    assert Site.objects.get(code="SUD").name == "Sudbury Parole Office"


def _write_csv(folder, name, header, rows, encoding):
    lines = [",".join(header)] + [",".join(row) for row in rows]
    (folder / name).write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_french_accented_names_are_read_in_utf8_with_or_without_bom_and_in_windows_1252(org, tmp_path, encoding):
    _write_csv(tmp_path, "sites.csv", list(SUD), [
        ["TRV", "Établissement de Trois-Rivières", "QUE", "parole_office", "", "fr"],
    ], encoding)
    _write_csv(tmp_path, "officers.csv", list(NADIA), [
        ["PO-FRA", "François Bélanger-Côté", "TRV", "po", "1", "fr", ""],
        ["PO-ELO", "Éloïse Gagné", "MTL", "po", "1", "fr", ""],
    ], encoding)
    report = import_path(path=tmp_path)
    assert Site.objects.get(code="TRV").name == "Établissement de Trois-Rivières"
    assert Officer.objects.get(code="PO-FRA").name == "François Bélanger-Côté"
    assert report.counts["officers"].unchanged == 1  # Éloïse of the fixture, same spelling


def test_a_csv_file_separated_by_semicolons_as_french_excel_writes_it_is_read(org, tmp_path):
    (tmp_path / "sites.csv").write_bytes(
        "code;name;region;kind;security_levels;languages\r\nGAT;Gatineau;QUE;parole_office;;\"fr;en\"\r\n".encode("cp1252")
    )
    import_path(path=tmp_path)
    assert Site.objects.get(code="GAT").languages == "en;fr"


def test_a_single_csv_file_may_be_imported(org, tmp_path):
    _write_csv(tmp_path, "sites.csv", list(SUD), [list(SUD.values())], "utf-8")
    import_path(path=tmp_path / "sites.csv")
    assert Site.objects.filter(code="SUD").exists()


def test_a_large_import_takes_a_bounded_number_of_queries(org, django_assert_max_num_queries):
    officers = [{**NADIA, "code": f"PO-{n:04}", "site": "OTT"} for n in range(300)]
    cases = [{**CASE, "ref": f"C-{n:05}", "site": "OTT", "officer": f"PO-{n % 300:04}"} for n in range(3000)]
    absences = [{**ABSENCE, "officer": f"PO-{n:04}"} for n in range(300)]
    # 3,600 rows and as many audit entries, in batches (SQLite's limit on query parameters
    # makes its batches ~100 rows): far from one query per row.
    with django_assert_max_num_queries(120):
        report = import_tables(tables={"officers": officers, "cases": cases, "absences": absences})
    assert report.counts["cases"].created == 3000
    assert AuditEntry.objects.filter(entity="case", entity_key__startswith="C-0").count() == 3000
    with django_assert_max_num_queries(120):
        report = import_tables(tables={"cases": [{**row, "language": "en"} for row in cases]})
    assert report.counts["cases"].updated == 3000


@pytest.mark.parametrize("languages", ["fr;en", "en;fr", "en; fr"])
def test_a_list_stored_in_another_order_with_the_same_codes_is_unchanged(org, languages):
    # The fixture stores MTL's languages as "fr;en"; a form or an import would store "en;fr".
    report = import_tables(tables={"sites": [{"code": "MTL", "name": "Bureau de libération conditionnelle de Montréal",
                                              "region": "QUE", "kind": "parole_office", "security_levels": "",
                                              "languages": languages}]})
    assert report.counts["sites"].unchanged == 1
    assert Site.objects.get(code="MTL").languages == "fr;en"


def test_a_new_list_is_stored_in_canonical_order(org):
    import_tables(tables={"sites": [{**SUD, "languages": "fr;en"}]})
    assert Site.objects.get(code="SUD").languages == "en;fr"
