"""Mapping presets for the observation import, held as data in ``presets.toml``.

A preset tells the importer where each field is in a file laid out by some other system
(a statistics export with its own headers, years as columns, semicolons and decimal commas).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from app.errors import InvalidInput
from app.i18n import _, localized

PRESETS_FILE = Path(__file__).with_name("presets.toml")
FIELDS = ("organisation", "country", "indicator", "period", "value", "group_size",
          "confidential")
#: Fields a long-format file must have (a wide file has periods and values as columns).
REQUIRED = {"long": ("organisation", "indicator", "period", "value"),
            "wide": ("organisation", "indicator")}
DELIMITERS = (";", ",", "\t", "|")


def header_key(text: str) -> str:
    """A header as compared: no case, spaces or punctuation ("Antal elever" = "antal_elever")."""
    return re.sub(r"[\W_]+", "", text.casefold())


def name_key(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Preset:
    key: str
    labels: dict
    layout: str = "long"
    delimiter: str = "auto"
    decimal: str = "auto"
    missing: frozenset = frozenset()
    columns: dict = field(default_factory=dict)   # field -> accepted header keys
    fixed: dict = field(default_factory=dict)     # field -> value for every row
    indicator_names: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return localized(self.labels)

    def required(self) -> tuple[str, ...]:
        return tuple(f for f in REQUIRED[self.layout] if f not in self.fixed)


def _preset(raw: dict) -> Preset:
    layout = raw.get("layout", "long")
    delimiter = raw.get("delimiter", "auto")
    decimal = raw.get("decimal", "auto")
    assert layout in REQUIRED, raw["key"]
    assert delimiter == "auto" or delimiter in DELIMITERS, raw["key"]
    assert decimal in ("auto", ".", ","), raw["key"]
    columns = {name: tuple(header_key(h) for h in headers)
               for name, headers in raw.get("columns", {}).items()}
    assert set(columns) <= set(FIELDS) and set(raw.get("fixed", {})) <= set(FIELDS)
    return Preset(
        key=raw["key"], labels=raw["labels"], layout=layout, delimiter=delimiter,
        decimal=decimal, missing=frozenset(m.strip() for m in raw.get("missing", [])),
        columns=columns, fixed=dict(raw.get("fixed", {})),
        indicator_names={name_key(k): v for k, v in raw.get("indicator_names", {}).items()})


@cache
def presets() -> dict[str, Preset]:
    """Every preset by key, in the file's order (the first is the documented long format)."""
    with PRESETS_FILE.open("rb") as file:
        data = tomllib.load(file)
    return {raw["key"]: _preset(raw) for raw in data["presets"]}


def get_preset(key: str | None) -> Preset:
    if not key:
        return next(iter(presets().values()))
    try:
        return presets()[key]
    except KeyError:
        raise InvalidInput(_("The file could not be imported."), {
            "preset": [_("Choose one of: %(presets)s.", presets=", ".join(presets()))]}) from None
