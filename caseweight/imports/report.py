"""What an import tells its caller: the errors that rejected it, or the counts of what it did."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _, ngettext

from caseweight.imports.tables import TABLE_ORDER

# Past this many errors the rest are only counted: a wrong file can yield one error per cell.
MAX_ERRORS = 200


@dataclass(frozen=True)
class RowError:
    """One thing wrong with the input. `row` is the spreadsheet row number (header = 1)."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(_("row %(row)d") % {"row": self.row})
        if self.column is not None:
            parts.append(_("column %(column)s") % {"column": self.column})
        if self.value is not None:
            parts.append(_("value '%(value)s'") % {"value": self.value})
        if not any(parts):
            return self.message  # about the whole import, not one file
        # A translatable pattern: French puts a space before the colon.
        return _("%(where)s: %(message)s") % {"where": ", ".join(parts), "message": self.message}


class ImportRejected(Exception):
    """The input had errors, so nothing was written. `errors` holds at most MAX_ERRORS of them."""

    def __init__(self, errors: list[RowError], omitted: int = 0):
        self.errors = list(errors)
        self.omitted = omitted
        super().__init__(self.message())

    @property
    def count(self) -> int:
        """Every error found, including those past the cap."""
        return len(self.errors) + self.omitted

    def lines(self) -> list[str]:
        lines = [str(error) for error in self.errors]
        if self.omitted:
            lines.append(
                ngettext("… and %(count)d more error", "… and %(count)d more errors", self.omitted)
                % {"count": self.omitted}
            )
        return lines

    def message(self) -> str:
        return "\n".join(self.lines())


class ErrorList:
    """Collects errors, keeping the first MAX_ERRORS and counting the rest."""

    def __init__(self):
        self.errors: list[RowError] = []
        self.omitted = 0

    def add(self, error: RowError) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)
        else:
            self.omitted += 1

    def extend(self, errors) -> None:
        for error in errors:
            self.add(error)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def rejected(self) -> ImportRejected:
        return ImportRejected(self.errors, self.omitted)


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    """Rows created, updated and left unchanged per table (tables in import order)."""

    counts: dict[str, TableCounts] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def tables(self) -> list[tuple[str, TableCounts]]:
        return [(name, self.counts[name]) for name in TABLE_ORDER if name in self.counts]

    def summary(self) -> str:
        lines = [_("Dry run: nothing was written.") if self.dry_run else _("Import done.")]
        for name, counts in self.tables:
            template = (
                _("%(table)s: %(created)d to create, %(updated)d to update, %(unchanged)d unchanged")
                if self.dry_run
                else _("%(table)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
            )
            lines.append(
                template
                % {"table": name, "created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged}
            )
        return "\n".join(lines)
