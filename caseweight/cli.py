"""The `caseweight` command: Caseweight's own commands and all of Django's management commands.

    caseweight demo [--seed N] [--today YYYY-MM-DD] [--scale S]
                                        generate the demo data set and demo accounts
    caseweight serve [ADDR:PORT]        serve the web app (default 127.0.0.1:8000)
    caseweight import PATH [--dry-run]  import a CSV folder, one CSV file or an XLSX workbook
    caseweight export PATH [--tables sites,cases] [--raw]
                                        export to a CSV folder or an XLSX workbook (*.xlsx)
    caseweight staffing [--data PATH] [--policy NAME_OR_FILE] [--method ratio|time|resilient|all]
                        [--region R] [--site CODE] [--format table|json|csv|xlsx] [--output FILE]
                                        how many officers each site needs, by policy
                        [--alpha A] [--simulations N] [--seed S] [--as-of YYYY-MM-DD]
    caseweight policies [NAME_OR_FILE]  the staffing policies, or one of them in full
    caseweight coverage --site CODE [--week 2026-W48]   a week's cover of absent officers' cases
    caseweight assign --site CODE [--data PATH] [--apply]   assign the site's new cases
    caseweight rebalance --site CODE [--apply]          even out the site's loads
    caseweight redistribute --absence ID [--apply]      share out an absent officer's cases
    caseweight backup PATH [--force]    the whole database and the users' policies in one file
    caseweight restore PATH [--noinput] put a backup back (replaces all the data)
    caseweight help COMMAND             a command's options
    caseweight migrate, createsuperuser, ...   Django's commands
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseweight.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        args = ["help"] if not args else args
    try:
        execute_from_command_line(["caseweight", *args])
    except ImproperlyConfigured as error:
        # A setting to fix (no SECRET_KEY, a bad value): say which, without a traceback.
        sys.exit(f"caseweight: {error}")


if __name__ == "__main__":
    main()
