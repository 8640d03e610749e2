"""The catalogs say each central concept with the agreed word (locales/glossary.toml)."""

import re
import tomllib
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"
GLOSSARY = tomllib.loads((LOCALES / "glossary.toml").read_text())
# What is not prose: placeholders and URL paths may contain the words.
NOT_PROSE = re.compile(r"%\(\w+\)[sdif]|\{\w*\}|\S*/\S*")


def uses_concept(english: str, term: str) -> bool:
    prose = NOT_PROSE.sub(" ", english)
    return re.search(rf"\b{re.escape(term)}s?\b", prose, re.IGNORECASE) is not None


@pytest.mark.parametrize("language", ["da", "nb", "sv"])
def test_every_message_uses_the_agreed_term(language):
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    inconsistent = []
    for message in catalog:
        if not message.id:
            continue
        english = message.id[0] if isinstance(message.id, tuple) else message.id
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        for concept, terms in GLOSSARY.items():
            if message.context in terms.get("other_senses", []):
                continue
            if not uses_concept(english, terms["en"]):
                continue
            accepted = terms[language] if isinstance(terms[language], list) else [terms[language]]
            for text in translations:
                if not any(stem.lower() in text.lower() for stem in accepted):
                    inconsistent.append(f"{concept}: {english!r} -> {text!r}")
    assert inconsistent == []


def test_the_glossary_covers_the_central_concepts():
    assert {"commitment", "follow_up", "meeting", "minutes", "agenda", "engagement",
            "school_owner", "data_package", "year_wheel"} <= set(GLOSSARY)
    for concept, terms in GLOSSARY.items():
        assert {"en", "da", "nb", "sv"} <= set(terms), concept
