from caseweight.audit.context import acting_as, actor_for_user


class AuditActorMiddleware:
    """Changes made while serving a request are recorded as made by the signed-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "admin" if request.path.startswith("/admin/") else "web"
        with acting_as(actor_for_user(getattr(request, "user", None), source)):
            return self.get_response(request)
