"""The admin, narrowed by role (accounts.scope), for every app's admin.py.

Permissions come from the account's role, not from Django's model permissions (the staff
accounts hold none): national analysts (and superusers) may do everything; regional managers
and supervisors only what `rights` gives their role, on the rows of their region / site; union
analysts and officers get no admin at all (they are not staff, and even if made staff by
mistake their role grants nothing here).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from caseweight.accounts import scope

ALL = frozenset({"view", "add", "change", "delete"})
VIEW = frozenset({"view"})


class RoleScopedAdmin(admin.ModelAdmin):
    # What each role may do with this table; a role not listed may do nothing.
    rights: dict[str, frozenset[str]] = {"national_analyst": ALL}
    # The rows the user may see: staticmethod(a function of the user from accounts.scope).
    scoped: Callable[[object], QuerySet] | None = None
    # Foreign keys offered in forms, narrowed the same way, so a row cannot be moved out of scope:
    # field name → function of the user from accounts.scope.
    scoped_choices: dict[str, Callable[[object], QuerySet]] = {}

    def _may(self, request, action: str) -> bool:
        return action in self.rights.get(scope.role_of(request.user), frozenset())

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.scoped is None:
            return queryset
        # pk__in rather than `&`: some scope querysets are distinct() and cannot be combined.
        return queryset.filter(pk__in=self.scoped(request.user).values("pk"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.scoped_choices:
            kwargs["queryset"] = self.scoped_choices[db_field.name](request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """The forms already offer only in-scope choices; this is the backstop. The admin saves
        inside a transaction, so refusing here undoes the save (and its audit entry)."""
        super().save_model(request, obj, form, change)
        if not self.get_queryset(request).filter(pk=obj.pk).exists():
            raise PermissionDenied

    def has_module_permission(self, request):
        return bool(self.rights.get(scope.role_of(request.user)))

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view") or self._may(request, "change")

    def has_add_permission(self, request):
        return self._may(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._may(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "delete")
