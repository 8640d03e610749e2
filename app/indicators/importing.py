"""Importing observations from a CSV or XLSX file: every row checked first, then all written
or none, with a report of what happened to each row.

Two passes keep memory bounded whatever the file's size:

1. read the file row by row and check each one; keep only a compact key per observation
   (for finding duplicates) and the checked values in a temporary file on disk;
2. if no row has an error, write the checked values in batches inside the caller's
   transaction, from the temporary file.

Importing the same file again changes nothing (values already there are counted unchanged).
"""

from __future__ import annotations

import struct
import tempfile
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy

from app.accounts import audit
from app.accounts.access import Principal
from app.db import db
from app.errors import InvalidInput
from app.i18n import _, ngettext
from app.indicators.checking import Columns, FileRefused, RowChecker
from app.indicators.presets import Preset
from app.indicators.reading import Table, Unreadable

#: Row errors kept for the report (the rest are counted); cells shown beside each row.
MAX_ERRORS = 500
MAX_CELLS, MAX_CELL_TEXT = 30, 80
BATCH = 5_000
_RECORD = struct.Struct("<iiidib")  # organisation, indicator, period code, value, group, conf.

#: ``progress(stage, amount)``: "check" (bytes or rows read), "write-total" (values to write,
#: once), "write" (values written).
Progress = Callable[[str, int], None]


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What an import did (or would do): counts, and the errors by row."""

    filename: str
    preset: str
    dry_run: bool = False
    rows: int = 0
    values: int = 0
    skipped: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_total: int = 0
    file_errors: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    cells: dict[int, list[str]] = field(default_factory=dict)
    group_size_given: bool = False
    confidential_given: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors_total and not self.file_errors

    def add_error(self, row: int, column: str, message: str, cells=None) -> None:
        self.errors_total += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, column, str(message)))
            if cells is not None and row not in self.cells:
                self.cells[row] = [_shown(c) for c in list(cells)[:MAX_CELLS]]

    def rows_with_errors(self) -> list[tuple[int, list[RowError]]]:
        by_row: dict[int, list[RowError]] = {}
        for error in self.errors:
            by_row.setdefault(error.row, []).append(error)
        return sorted(by_row.items())

    def summary(self) -> str:
        return ngettext("%(num)s row read: %(created)s created, %(updated)s updated, "
                        "%(unchanged)s unchanged, %(skipped)s without a value.",
                        "%(num)s rows read: %(created)s created, %(updated)s updated, "
                        "%(unchanged)s unchanged, %(skipped)s without a value.", self.rows,
                        created=self.created, updated=self.updated, unchanged=self.unchanged,
                        skipped=self.skipped)

    def counts(self) -> dict:
        return {"filename": self.filename, "preset": self.preset, "dry_run": self.dry_run,
                "rows": self.rows, "values": self.values, "skipped": self.skipped,
                "created": self.created, "updated": self.updated, "unchanged": self.unchanged}


class ImportRefused(InvalidInput):
    """Nothing was imported; ``report`` says why, by row."""

    audit_action = "import_refused"

    def __init__(self, report: ImportReport) -> None:
        rows: dict[str, dict] = {}
        for error in report.errors:
            rows.setdefault(str(error.row), {}).setdefault(error.column, []).append(
                error.message)
        errors: dict = {}
        if report.file_errors:
            errors["file"] = list(report.file_errors)
        if rows:
            errors["rows"] = rows
        message = _("Nothing was imported: correct the rows listed and try again.") \
            if rows else _("Nothing was imported: the file could not be read.")
        super().__init__(message, errors, audit={"entity": "Observation"},
                         errors_total=report.errors_total, **report.counts())
        self.report = report


def _shown(cell) -> str:
    text = "" if cell is None else str(cell)
    return text if len(text) <= MAX_CELL_TEXT else text[:MAX_CELL_TEXT - 1] + "…"


def import_observations(principal: Principal | None, table: Table, preset: Preset, *,
                        dry_run: bool = False, progress: Progress | None = None
                        ) -> ImportReport:
    """Check every row of ``table``, then (unless ``dry_run``) upsert them all.

    ``principal`` None is the operator at the command line (every organisation); anyone else
    may only import for organisations where they may manage indicators. Raises ImportRefused
    (nothing written) when any row or the file itself has an error.
    """
    report = ImportReport(table.filename, preset.key, dry_run)
    with tempfile.TemporaryFile() as checked:
        periods, keys = _check(principal, table, preset, report, checked, progress)
        if not report.file_errors:
            _find_duplicates(keys, report)
        if not report.ok:
            raise ImportRefused(report)
        if dry_run:
            report.unchanged = report.values
            return report
        _write(checked, periods, report, progress)
    audit.record(db, "import", entity="Observation", summary=_summary(report),
                 changes={"import": report.counts()})
    return report


def _check(principal, table, preset, report, checked, progress):
    on_read = (lambda n: progress("check", n)) if progress else None
    rows = table.rows(on_read)
    periods: dict[str, int] = {}
    keys, numbers = array("q"), array("l")
    buffer: list[bytes] = []
    try:
        number, header = next(rows, (1, None))
        if header is None:
            raise Unreadable(_("The file is empty."))
        report.header = ["" if h is None else str(h).strip() for h in header]
        columns = Columns.map(report.header, preset,
                              table.delimiter if table.kind == "csv" else None)
        checker = RowChecker(principal, preset, columns)
        report.group_size_given = "group_size" in columns.fields
        report.confidential_given = "confidential" in columns.fields
        check, pack, add_key, add_number = (checker.check, _RECORD.pack, keys.append,
                                            numbers.append)
        for number, cells in rows:
            first = cells[0] if cells else None
            if not (first.__class__ is str and first and not first.isspace()) and not any(
                    c not in (None, "") and not (isinstance(c, str) and not c.strip())
                    for c in cells):
                continue
            report.rows += 1
            observations, errors, skipped = check(cells)
            if skipped:
                report.skipped += skipped
            for column, message in errors:
                report.add_error(number, column, message, cells)
            for _column, (org, indicator, period, value, group, confidential) in observations:
                code = periods.get(period)
                if code is None:
                    code = periods[period] = len(periods)
                add_key((org << 40) | (indicator << 20) | code)
                add_number(number)
                if not report.errors_total:  # once refused, only the keys matter
                    buffer.append(pack(
                        org, indicator, code, value, -1 if group is None else group,
                        -1 if confidential is None else int(confidential)))
            if len(buffer) >= BATCH:
                checked.write(b"".join(buffer))
                buffer.clear()
    except Unreadable as err:
        report.file_errors.append(err.message)
    except FileRefused as err:
        where = _("(Row %(row)s.)", row=number) if report.rows else ""
        report.file_errors.append(f"{err.message} {where}".strip())
    report.values = len(keys)
    checked.write(b"".join(buffer))
    return periods, (keys, numbers)


def _find_duplicates(keys_and_numbers, report: ImportReport) -> None:
    """Two rows for the same organisation, indicator and period: the later is an error that
    names the first. Sorting the compact keys finds them in O(n log n), whatever the file."""
    keys = numpy.frombuffer(keys_and_numbers[0], dtype=numpy.int64)
    if len(keys) < 2:
        return
    numbers = numpy.frombuffer(keys_and_numbers[1],
                               dtype=numpy.dtype(f"i{array('l').itemsize}"))
    order = numpy.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = numpy.ones(len(ordered), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    repeated = numpy.flatnonzero(~starts)
    if not len(repeated):
        return
    first = numpy.maximum.accumulate(numpy.where(starts, numpy.arange(len(ordered)), 0))
    rows, firsts = numbers[order[repeated]], numbers[order[first[repeated]]]
    by_row = numpy.argsort(rows, kind="stable")
    for row, earlier in zip(rows[by_row].tolist(), firsts[by_row].tolist(), strict=True):
        report.add_error(row, "", _("The same organisation, indicator and period as row "
                                    "%(row)s.", row=earlier))


def _write(checked, periods: dict[str, int], report: ImportReport, progress) -> None:
    from app.indicators.writing import ObservationWriter

    names = list(periods)
    if progress:
        progress("write-total", report.values)
    writer = ObservationWriter(db, group_size=report.group_size_given,
                               confidential=report.confidential_given)
    checked.seek(0)
    while chunk := checked.read(_RECORD.size * writer.batch_size):
        batch = [(org, indicator, names[code], value, None if group < 0 else group,
                  None if confidential < 0 else bool(confidential))
                 for org, indicator, code, value, group, confidential
                 in _RECORD.iter_unpack(chunk)]
        writer.write(batch)
        if progress:
            progress("write", len(batch))
    report.created, report.updated = writer.totals()
    report.unchanged = report.values - report.created - report.updated


def _summary(report: ImportReport) -> str:
    # The audit log is the operators' record, kept in one language like its other entries.
    return (f"{report.values} observations from {report.filename or '-'} ({report.preset}): "
            f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged")
