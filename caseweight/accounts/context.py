from caseweight.accounts import scope


def permissions(request):
    """What the navigation may offer the signed-in user."""
    user = request.user
    return {
        "can_import": scope.can_import(user),
        "can_export": scope.can_export(user),
        "can_view_audit": scope.can_view_audit(user),
    }
