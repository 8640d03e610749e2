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


# Concepts whose word does not change with the programme (a programme's own word for a
# commitment, e.g. Ringsted's "handlepunkt", is its commitment_terms, not a glossary term).
# National tests are named by their country ("Danish national tests" in Norwegian), and
# "follow-up actions" or "on the committee's agenda" use the words in other senses.
SEED_CONCEPTS = ("year_wheel", "current_state_analysis", "self_assessment", "action_plan",
                 "interim_report", "final_report", "data_package")


def translated_texts(node, where=""):
    """Every {en, da, nb, sv} mapping in a seed file, with where it is."""
    if isinstance(node, dict):
        if {"en", "da", "nb", "sv"} <= set(node) and all(isinstance(v, str) for v in node.values()):
            yield where, node
            return
        for key, value in node.items():
            yield from translated_texts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from translated_texts(value, f"{where}[{index}]")


def test_seed_content_uses_the_agreed_terms():
    seed = LOCALES.parent / "seed"
    inconsistent = []
    for path in sorted(seed.rglob("*.toml")):
        for where, texts in translated_texts(tomllib.loads(path.read_text())):
            for concept in SEED_CONCEPTS:
                terms = GLOSSARY[concept]
                if not uses_concept(texts["en"], terms["en"]):
                    continue
                for language in ("da", "nb", "sv"):
                    accepted = terms[language] if isinstance(terms[language], list) else [
                        terms[language]]
                    if not any(stem.lower() in texts[language].lower() for stem in accepted):
                        inconsistent.append(f"{path.name}{where} {concept} {language}: "
                                            f"{texts[language]!r}")
    assert inconsistent == []
