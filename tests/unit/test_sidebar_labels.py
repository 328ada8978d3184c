"""The sidebar page's own words (`addon/static/sidebar/i18n.js`): every language has every label
with the same placeholders, and every label the scripts or the template ask for exists. The
server-rendered pages (the refusal in `error.html`, the inactive notice in `sidebar.html`) have
words in the same languages, which are the ones `addon.web.sidebar` renders as `<html lang>`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from addon.web.sidebar import LANGUAGES

STATIC = Path(__file__).resolve().parents[2] / "addon" / "static"
TEMPLATES = STATIC.parent / "templates"
TEMPLATE = TEMPLATES / "sidebar.html"
SOURCE = (STATIC / "sidebar" / "i18n.js").read_text(encoding="utf-8")
_ENTRY = re.compile(r'(\w+):\s*"((?:[^"\\]|\\.)*)"')
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _registered() -> dict[str, str]:
    """`WORDS = { en: EN, ... }`: language code to table name."""
    found = re.search(r"^const WORDS = \{(.*?)\};", SOURCE, re.M)
    assert found is not None
    return dict(re.findall(r"(\w+):\s*(\w+)", found.group(1)))


def _dictionaries() -> dict[str, dict[str, str]]:
    found = {}
    for name in _registered().values():
        block = re.search(rf"^const {name} = \{{\n(.*?)^\}};", SOURCE, re.S | re.M)
        assert block is not None, name
        entries = _ENTRY.findall(block.group(1))
        keys = [key for key, _ in entries]
        assert len(keys) == len(set(keys)), f"{name} repeats a key"
        found[name] = dict(entries)
    return found


WORDS = _dictionaries()
TRANSLATIONS = ["DE", "FR", "ES", "IT", "NL", "PT", "JA"]


def test_the_page_registers_a_table_for_each_language_the_server_renders() -> None:
    assert set(_registered()) == LANGUAGES
    assert sorted(_registered().values()) == sorted(["EN", *TRANSLATIONS])


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_every_language_has_every_label_with_the_same_placeholders(language: str) -> None:
    english, other = WORDS["EN"], WORDS[language]

    assert len(english) > 200  # the pattern still reads the whole table
    assert sorted(set(english) - set(other)) == []
    assert sorted(set(other) - set(english)) == []
    for key, text in english.items():
        assert set(_PLACEHOLDER.findall(other[key])) == set(_PLACEHOLDER.findall(text)), key
        assert other[key].strip(), key


def test_every_label_the_page_asks_for_exists() -> None:
    scripts = [STATIC / "sidebar.js", *sorted((STATIC / "sidebar").glob("*.js"))]
    asked = set()
    for script in scripts:
        asked |= set(re.findall(r'\bt\(\s*"(\w+)"', script.read_text(encoding="utf-8")))
        # The e-invoice forms name their labels in tables ("ei_city") and by code (ei_cat_S).
        asked |= set(re.findall(r'"(ei_\w+)"', script.read_text(encoding="utf-8")))
    asked |= {f"ei_cat_{code}" for code in ("S", "Z", "E", "AE", "K", "G", "O")}
    asked |= {f"ei_where_{form}" for form in ("seller", "taxes", "buyer", "invoice")}
    template = TEMPLATE.read_text(encoding="utf-8")
    asked |= set(re.findall(r'data-i18n(?:-placeholder|-aria-label)?="(\w+)"', template))

    assert len(asked) > 50  # the patterns still find the page's labels
    assert sorted(asked - set(WORDS["EN"])) == []


def test_the_refusal_page_has_every_word_in_every_language() -> None:
    source = (TEMPLATES / "error.html").read_text(encoding="utf-8")
    blocks = dict(re.findall(r'^  "(\w+)": \{\n(.*?)^  \},', source, re.S | re.M))
    keys = {
        code: re.findall(r'^    "(\w+)": "[^"]+",$', body, re.M) for code, body in blocks.items()
    }

    assert set(keys) == LANGUAGES
    assert len(keys["en"]) == 12
    for code, found in keys.items():
        assert found == keys["en"], code


def test_the_inactive_notice_has_both_sentences_in_every_language() -> None:
    source = TEMPLATE.read_text(encoding="utf-8")
    notice = re.findall(r'^    "(\w+)": \("[^"]+", "[^"]+"\),$', source, re.M)

    assert sorted(notice) == sorted(LANGUAGES)
