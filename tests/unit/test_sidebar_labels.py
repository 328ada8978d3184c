"""The sidebar page's own words (`addon/static/sidebar/i18n.js`): every language has every label
with the same placeholders, and every label the scripts or the template ask for exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "addon" / "static"
TEMPLATE = STATIC.parent / "templates" / "sidebar.html"
_ENTRY = re.compile(r'(\w+):\s*"((?:[^"\\]|\\.)*)"')
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _dictionaries() -> dict[str, dict[str, str]]:
    source = (STATIC / "sidebar" / "i18n.js").read_text(encoding="utf-8")
    found = {}
    for name in ("EN", "DE", "FR"):
        block = re.search(rf"^const {name} = \{{\n(.*?)^\}};", source, re.S | re.M)
        assert block is not None, name
        entries = _ENTRY.findall(block.group(1))
        keys = [key for key, _ in entries]
        assert len(keys) == len(set(keys)), f"{name} repeats a key"
        found[name] = dict(entries)
    return found


WORDS = _dictionaries()


@pytest.mark.parametrize("language", ["DE", "FR"])
def test_every_language_has_every_label_with_the_same_placeholders(language: str) -> None:
    english, other = WORDS["EN"], WORDS[language]

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
    template = TEMPLATE.read_text(encoding="utf-8")
    asked |= set(re.findall(r'data-i18n(?:-placeholder|-aria-label)?="(\w+)"', template))

    assert len(asked) > 50  # the patterns still find the page's labels
    assert sorted(asked - set(WORDS["EN"])) == []
