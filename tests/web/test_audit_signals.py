from caseweight.audit.context import Actor, acting_as
from caseweight.audit.models import AuditEntry


def test_reassigning_a_case_is_recorded_with_who_and_before_after(org, users):
    case = org["cases"]["C-OTT-3"]
    with acting_as(Actor(users["supervisor"].pk, "supervisor", "web")):
        case.officer = org["officers"]["PO-ANA"]
        case.save()
    entry = AuditEntry.objects.filter(entity="case", entity_key="C-OTT-3", action="update").get()
    assert entry.actor_label == "supervisor"
    assert entry.site_code == "OTT"
    assert entry.changes == [("officer", "PO-BEN", "PO-ANA")]


def test_deleting_an_absence_is_recorded(org):
    absence = org["absence"]
    absence.delete()
    entry = AuditEntry.objects.get(entity="absence", action="delete")
    assert entry.entity_key == "PO-BEN@2026-07-06"
    assert entry.before["kind"] == "annual" and entry.after is None


def test_saving_without_a_change_records_nothing(org):
    site = org["sites"]["OTT"]
    count = AuditEntry.objects.count()
    site.save()
    assert AuditEntry.objects.count() == count


def test_deleting_an_officer_records_the_unassignment_of_their_cases(org):
    org["officers"]["PO-ANA"].delete()
    entries = AuditEntry.objects.filter(entity="case", action="update").order_by("entity_key")
    assert [(e.entity_key, e.changes) for e in entries] == [
        ("C-OTT-1", [("officer", "PO-ANA", None)]),
        ("C-OTT-2", [("officer", "PO-ANA", None)]),
    ]
    assert AuditEntry.objects.filter(entity="officer", entity_key="PO-ANA", action="delete").exists()
