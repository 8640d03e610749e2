"""Reading an import file row by row, whatever its size: CSV (UTF-8, with or without BOM) and
XLSX (openpyxl in read-only mode). Nothing holds more than one row of the file at a time.

Files that cannot be read as they are get a clear reason instead of garbage: another
encoding than UTF-8 (we say which one it looks like), an empty file, a broken workbook.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from app.i18n import _
from app.indicators.presets import DELIMITERS

SNIFF_BYTES = 64 * 1024
csv.field_size_limit(1 << 20)


class Unreadable(Exception):
    """The file as a whole cannot be read; ``message`` is for the reader."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CountingReader(io.RawIOBase):
    """A binary stream that counts the bytes read through it (for progress bars)."""

    def __init__(self, stream: BinaryIO, on_read: Callable[[int], None] | None = None) -> None:
        self.stream = stream
        self.on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        buffer[:len(data)] = data
        if self.on_read and data:
            self.on_read(len(data))
        return len(data)


def _encoding_problem(sample: bytes) -> str | None:
    """Why ``sample`` (the start of a CSV) is not UTF-8 text, or None when it is."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _("The file is saved as UTF-16 (\"Unicode text\"). Save it as CSV UTF-8 and "
                 "try again.")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=len(sample) < SNIFF_BYTES)
    except UnicodeDecodeError:
        return _not_utf8(sample)
    if b"\x00" in sample:
        return _("The file contains binary data: it is neither CSV nor XLSX.")
    return None


def _not_utf8(sample: bytes) -> str:
    if any(byte in sample for byte in b"\xe6\xf8\xe5\xc6\xd8\xc5\xe4\xf6\xc4\xd6"):
        return _("The file is not UTF-8: it looks like Windows-1252 or ISO-8859-1 (æ, ø, å, "
                 "ä, ö would come out wrong). Save it as CSV UTF-8 and try again.")
    return _("The file is not UTF-8 text. Save it as CSV UTF-8 and try again.")


def detect_delimiter(line: str) -> str:
    """The candidate that occurs most often in the header line (outside quotes)."""
    unquoted = "".join(part for index, part in enumerate(line.split('"')) if index % 2 == 0)
    counts = {candidate: unquoted.count(candidate) for candidate in DELIMITERS}
    best = max(counts, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


@dataclass
class Table:
    """A CSV or XLSX file that can be read from the start more than once."""

    opener: Callable[[], BinaryIO]
    filename: str = ""
    delimiter: str = "auto"

    def __post_init__(self) -> None:
        with self.opener() as stream:
            sample = stream.read(SNIFF_BYTES)
        if not sample.strip():
            raise Unreadable(_("The file is empty."))
        self.kind = "xlsx" if sample[:4] == b"PK\x03\x04" else "csv"
        if self.kind == "csv":
            if self.filename.lower().endswith((".xlsx", ".xls")):
                raise Unreadable(_("This is not an XLSX workbook (old .xls files are not "
                                   "supported: save as .xlsx or CSV UTF-8)."))
            problem = _encoding_problem(sample)
            if problem:
                raise Unreadable(problem)
            first_line = sample.decode("utf-8-sig", errors="replace").splitlines()[0]
            self.detected_delimiter = detect_delimiter(first_line)
            if self.delimiter == "auto":
                self.delimiter = self.detected_delimiter

    def rows(self, on_read: Callable[[int], None] | None = None
             ) -> Iterator[tuple[int, tuple]]:
        """``(row number, cells)`` for every row, the header (row 1) included. CSV cells are
        text; XLSX cells are what the workbook holds (numbers, text, dates, formulas as text)."""
        if self.kind == "xlsx":
            yield from self._xlsx_rows(on_read)
        else:
            yield from self._csv_rows(on_read)

    def _csv_rows(self, on_read):
        with self.opener() as stream:
            text = io.TextIOWrapper(io.BufferedReader(CountingReader(stream, on_read)),
                                    encoding="utf-8-sig", errors="strict", newline="")
            reader = csv.reader(text, delimiter=self.delimiter, strict=True)
            number = 0
            try:
                for number, cells in enumerate(reader, start=1):
                    yield number, cells
            except UnicodeDecodeError as err:
                raise Unreadable(_not_utf8(err.object[max(0, err.start - 64):err.end + 64])
                                 + " " + _("(First seen after row %(row)s.)", row=number)
                                 ) from None
            except csv.Error:
                raise Unreadable(_("Row %(row)s is not valid CSV (a quote not closed?).",
                                   row=number + 1)) from None

    def _xlsx_rows(self, on_read):
        from openpyxl import load_workbook

        with self.opener() as stream:
            try:
                # Not data_only: a formula must come back as a formula, to be refused.
                workbook = load_workbook(stream, read_only=True, data_only=False)
                sheet = workbook.worksheets[0]
            except Exception:  # noqa: BLE001 - any broken workbook is the same to the reader
                raise Unreadable(_("This is not an XLSX workbook.")) from None
            try:
                for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                    if on_read:
                        on_read(1)
                    yield number, cells
            except Exception:  # noqa: BLE001
                raise Unreadable(_("This is not an XLSX workbook.")) from None
            finally:
                workbook.close()

    def row_count_hint(self) -> int | None:
        """For XLSX, the row count the workbook declares (progress bars); None for CSV."""
        if self.kind != "xlsx":
            return None
        from openpyxl import load_workbook

        with self.opener() as stream:
            try:
                workbook = load_workbook(stream, read_only=True)
                rows = workbook.worksheets[0].max_row
                workbook.close()
                return rows
            except Exception:  # noqa: BLE001
                return None


class _Rewound:
    """An uploaded file's stream, from its start, left open for the next reading."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def __enter__(self) -> BinaryIO:
        self.stream.seek(0)
        return self.stream

    def __exit__(self, *_exc) -> None:
        self.stream.seek(0)


def uploaded_table(upload, delimiter: str = "auto") -> Table:
    """A Table over an uploaded file (werkzeug keeps large ones in a temporary file)."""
    return Table(lambda: _Rewound(upload.stream), upload.filename or "", delimiter)
