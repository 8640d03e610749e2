"""Reading seed files: TOML in, validated plain data out, or a SeedError naming file and place."""

from __future__ import annotations

import tomllib
from pathlib import Path

from marshmallow import Schema, ValidationError


class SeedError(Exception):
    """A seed file that cannot be loaded; the message names the file, the place and the reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def flatten_errors(messages, raw, path: str = "") -> list[tuple[str, str]]:
    """Turn marshmallow's nested messages into ``(place, reason)`` pairs.

    List positions are shown 1-based, as a person counts ``[[phases]]`` in a file, with the
    entry's key when it has one: ``phases #3 (talk) > labels > sv``.
    """
    pairs: list[tuple[str, str]] = []
    if isinstance(messages, dict):
        for name, inner in messages.items():
            if isinstance(name, int):
                entry = raw[name] if isinstance(raw, list) and name < len(raw) else {}
                key = entry.get("key") or entry.get("code") if isinstance(entry, dict) else None
                label = f"#{name + 1}" + (f" ({key})" if key else "")
                place = f"{path} {label}" if path else label
                pairs += flatten_errors(inner, entry, place)
            else:
                child = raw.get(name) if isinstance(raw, dict) else None
                place = f"{path} > {name}" if path else str(name)
                pairs += flatten_errors(inner, child, place)
    elif isinstance(messages, list):
        for message in messages:
            if isinstance(message, (dict, list)):
                pairs += flatten_errors(message, raw, path)
            else:
                pairs.append((path or "(file)", str(message)))
    else:
        pairs.append((path or "(file)", str(messages)))
    return pairs


def read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as err:
        # tomllib's message carries the line and column, e.g. "Cannot overwrite a value (at
        # line 12, column 7)" for a duplicate key.
        raise SeedError([f"{path}: {err}"]) from err
    except UnicodeDecodeError as err:
        raise SeedError([f"{path}: not UTF-8 text ({err.reason})"]) from err
    except OSError as err:
        raise SeedError([f"{path}: cannot be read ({err.strerror})"]) from err


def load_file(path: Path, schema: Schema) -> dict:
    raw = read_toml(path)
    try:
        return schema.load(raw)
    except ValidationError as err:
        raise SeedError([f"{path}: {place}: {reason}"
                         for place, reason in flatten_errors(err.messages, raw)]) from err
