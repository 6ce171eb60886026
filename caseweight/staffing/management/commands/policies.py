"""`caseweight policies [NAME]`: list the staffing policies, or print one with every source.

Without NAME: one line per policy file, shipped ones first, then the users' (settings
POLICIES_DIR), with the error of any file that does not validate. With NAME (a policy name or a
.toml file): the policy's summary, then every number with its value, status, source and note.
Messages name no server folder: only the file given on the command line, as it was given.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from caseweight.engine import PolicyError
from caseweight.staffing import reports, selectors


def aligned(rows: list[list[str]], *, last_free: bool = True) -> list[str]:
    """Rows of cells padded to common widths; the last column is left unpadded (long text)."""
    padded = rows if not last_free else [row[:-1] for row in rows]
    widths = [max(len(row[i]) for row in padded) for i in range(len(padded[0]))] if padded and padded[0] else []
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)]
        if last_free:
            cells.append(row[-1])
        lines.append("  ".join(cells).rstrip())
    return lines


def show_value(value) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


class Command(BaseCommand):
    help = "List the staffing policies (shipped and users'), or print one with every number's status and source."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="a policy name or a .toml file to print")

    def handle(self, *args, name, **options):
        if name is None:
            rows = [["name", "version", "origin", "title"]]
            errors = []
            for entry in selectors.policy_list():
                rows.append([entry.name, entry.version or "-", "shipped" if entry.shipped else "user",
                             entry.title_en if not entry.error else "INVALID, see below"])  # fmt: skip
                if entry.error:
                    errors.append(f"{entry.name}: {entry.error}")
            for line in aligned(rows):
                self.stdout.write(line)
            if errors:
                self.stdout.write("")
                for line in errors:
                    self.stdout.write(f"error: {line}")
            return

        try:
            policy = selectors.policy_get(name)
        except PolicyError as error:
            raise CommandError(f"policy refused: {error}") from None
        self.stdout.write(f"{policy.name} {policy.version}: {policy.title_en}")
        if policy.description_en:
            self.stdout.write(" ".join(policy.description_en.split()))
        # The file the user named, as they named it; a policy named by its name says no folder.
        if policy.name == name:
            self.stdout.write(f"origin: {'shipped' if name in selectors.shipped_policy_names() else 'user'}")
        else:
            self.stdout.write(f"file: {name}")
        self.stdout.write(f"hybrid institutions: {policy.hybrid.value}")
        self.stdout.write(
            f"available working time: {policy.awt_hours_per_year:g} h a year per FTE "
            f"({policy.awt_hours_per_month:.2f} h a month); other related duties: {policy.other_duties_share.value:.0%}"
        )
        counts = reports.status_counts(policy)
        self.stdout.write("numbers by status: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())))
        self.stdout.write("")
        rows = [["key", "value", "status", "source"]]
        for number in policy.sources():
            source = number["source"] or "-"
            if number["note"]:
                source += f" (note: {number['note']})"
            rows.append([number["key"], show_value(number["value"]), number["status"], source])
        for line in aligned(rows):
            self.stdout.write(line)
