from django.contrib import admin

from caseweight.accounts import scope
from caseweight.accounts.admin_scope import ALL, VIEW, RoleScopedAdmin
from caseweight.distribution.models import Assignment, CaseFlag, ComplexityAssessment, Reduction

MANAGERS = {"national_analyst": ALL, "regional_manager": ALL, "supervisor": ALL}
READERS = {"national_analyst": ALL, "regional_manager": VIEW, "supervisor": VIEW}

@admin.register(Reduction)
class ReductionAdmin(RoleScopedAdmin):
    rights = MANAGERS
    scoped = staticmethod(lambda user: Reduction.objects.filter(officer__in=scope.officers_for(user)))
    scoped_choices = {"officer": scope.officers_for}
    list_display = ("officer", "hours_per_week", "reason", "start", "end", "recorded_by")
    list_filter = ("reason",)

@admin.register(CaseFlag)
class CaseFlagAdmin(RoleScopedAdmin):
    # Shown, never written here: a flag is raised by its case's officer and decided on the flags
    # page (services.flag_raise, flag_decide), which keep one counted flag a case, stamp the
    # decision and refuse one on one's own flag. Nobody adds or decides one in the admin.
    rights = {"national_analyst": VIEW, "regional_manager": VIEW, "supervisor": VIEW}
    scoped = staticmethod(lambda user: CaseFlag.objects.filter(case__in=scope.cases_for(user)))
    scoped_choices = {"case": scope.cases_for}
    list_display = ("case", "hours_requested", "state", "approved_hours", "raised_by", "decided_by", "decided_at")
    list_filter = ("state",)

@admin.register(ComplexityAssessment)
class ComplexityAssessmentAdmin(RoleScopedAdmin):
    rights = READERS
    scoped = staticmethod(lambda user: ComplexityAssessment.objects.filter(case__in=scope.cases_for(user)))
    scoped_choices = {"case": scope.cases_for}
    list_display = ("case", "factors", "assessed_by", "at")

@admin.register(Assignment)
class AssignmentAdmin(RoleScopedAdmin):
    rights = READERS
    scoped = staticmethod(lambda user: Assignment.objects.filter(case__in=scope.cases_for(user)))
    scoped_choices = {"case": scope.cases_for, "officer": scope.officers_for}
    list_display = ("case", "officer", "from_officer", "method", "assigned_by", "at")
    list_filter = ("method",)
