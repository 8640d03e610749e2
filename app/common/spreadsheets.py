"""Reading and writing CSV and XLSX tables, safely.

Exports never start a cell with a character a spreadsheet would run as a formula (= + - @,
and the tab/CR variants); such text is prefixed with an apostrophe, which spreadsheets show as
text. Imports read CSV (UTF-8 with or without BOM, ``,`` or ``;``) and XLSX into rows of
strings keyed by header, numbered as the user sees them in the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time

from openpyxl import Workbook, load_workbook

from app.errors import InvalidInput
from app.i18n import _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value as it may go into a spreadsheet cell without becoming a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()  # XLSX keeps dates as midnight datetimes
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def write_csv(columns: list[str], rows: Iterable[dict]) -> bytes:
    """UTF-8 with a BOM, so spreadsheet programs open æ, ø, å and ä correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(_text(row.get(column))) for column in columns])
    return buffer.getvalue().encode("utf-8-sig")


def iter_csv(columns: list[str], rows: Iterable[dict], rows_per_chunk: int = 500
             ) -> Iterator[bytes]:
    """``write_csv`` a few hundred rows at a time, for answers streamed as they are made."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    first, count = True, 0
    for row in rows:
        writer.writerow([safe_cell(_text(row.get(column))) for column in columns])
        count += 1
        if count % rows_per_chunk == 0:
            yield buffer.getvalue().encode("utf-8-sig" if first else "utf-8")
            first = False
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8-sig" if first else "utf-8")


def write_xlsx(columns: list[str], rows: Iterable[dict], title: str = "Nordialog") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(columns)
    for row in rows:
        sheet.append([safe_cell(_text(row.get(column))) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _unformula(text: str) -> str:
    """Undo ``safe_cell``: a round trip gives back what was exported."""
    if text.startswith("'") and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def read_table(content: bytes, filename: str) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    """The header and ``(row_number, {column: text})`` for each data row of a CSV or XLSX.

    Row numbers are the file's own (the header is row 1). Raises InvalidInput for a file that
    is neither, is not UTF-8, or has no header.
    """
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        return _read_xlsx(content)
    return _read_csv(content)


def _read_csv(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(_("The file could not be read."), {
            "file": [_("Save the file as UTF-8 text (CSV UTF-8) and try again.")]}) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InvalidInput(_("The file could not be read."), {"file": [_("The file is empty.")]})
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [cell.strip() for cell in next(reader)]
    except csv.Error:
        raise _unreadable() from None

    def rows():
        number = 1
        try:
            for number, cells in enumerate(reader, start=2):
                if any(cell.strip() for cell in cells):
                    yield number, {column: _unformula(cells[i].strip()) if i < len(cells)
                                   else "" for i, column in enumerate(header)}
        except csv.Error:
            raise _unreadable(number + 1) from None

    return header, rows()


def _unreadable(row: int | None = None) -> InvalidInput:
    where = _("Row %(row)s is not valid CSV.", row=row) if row else _("This is not valid CSV.")
    return InvalidInput(_("The file could not be read."), {"file": [where]})


def _read_xlsx(content: bytes):
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same mistake to a user
        raise InvalidInput(_("The file could not be read."), {
            "file": [_("This is not an XLSX workbook.")]}) from None
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    first = next(values, None)
    if not first:
        raise InvalidInput(_("The file could not be read."), {"file": [_("The file is empty.")]})
    header = [_text(cell).strip() for cell in first]

    def rows():
        for number, cells in enumerate(values, start=2):
            texts = [_text(cell).strip() for cell in cells]
            if any(texts):
                yield number, {column: _unformula(texts[i]) if i < len(texts) else ""
                               for i, column in enumerate(header)}

    return header, rows()
