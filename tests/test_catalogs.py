"""The da, nb and sv catalogs are complete, current, unfuzzy and keep every placeholder."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"
APP = LOCALES.parent / "app"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{(\w*)\}")


def catalog(language: str):
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def source_messages() -> set[str]:
    """Every string marked for translation in the code and templates, extracted as Babel does."""
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    keywords = {"_": None, "_l": None, "N_": None, "gettext": None, "lazy_gettext": None,
                "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(APP), method_map, keywords=keywords):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


@pytest.mark.parametrize("language", ["da", "nb", "sv"])
def test_every_message_is_translated_and_none_is_fuzzy(language):
    problems = []
    for message in catalog(language):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if "fuzzy" in message.flags:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(s.strip() for s in strings):
            problems.append(f"untranslated: {message.id!r}")
    assert problems == []


@pytest.mark.parametrize("language", ["da", "nb", "sv"])
def test_placeholders_match_the_source(language):
    problems = []
    for message in catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = placeholders(ids[-1])
        for text in strings:
            found = placeholders(text)
            # A plural form may leave out the number (e.g. "one" instead of "%(num)s").
            if found != expected and not (len(ids) > 1 and set(found) <= set(expected)):
                problems.append(f"{message.id!r}: {expected} != {found} in {text!r}")
    assert problems == []


@pytest.mark.parametrize("language", ["da", "nb", "sv"])
def test_every_string_in_the_code_is_in_the_catalog(language):
    """A string added in English must be added to da, nb and sv in the same change."""
    in_catalog = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(language) if m.id}
    missing = sorted(source_messages() - in_catalog)
    assert missing == [], "run `flask translate update` and translate the new strings"


def test_the_catalogs_compile():
    from app.i18n import compile_catalogs

    assert sorted(compile_catalogs(LOCALES, force=True)) == ["da", "nb", "sv"]
