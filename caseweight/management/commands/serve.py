from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve the web app (default http://127.0.0.1:8000) with Django's threaded server and "
        "static files from WhiteNoise. For production behind a proxy use a WSGI server such as "
        "gunicorn with caseweight.wsgi:application."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="address:port to listen on")

    def handle(self, *args, addrport, **options):
        self.stdout.write(f"Caseweight at http://{addrport}/  (Ctrl+C to stop)")
        call_command("runserver", addrport, use_reloader=False, use_threading=True)
