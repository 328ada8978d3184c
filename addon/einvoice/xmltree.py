"""A tiny builder over `xml.etree.ElementTree` for documents with fixed namespace prefixes.

Element names are written with their prefixes (`ram:Name`) and the root declares them, so the
output reads like the standards' own examples and needs no global `register_namespace` call
(which would change ElementTree's state for every other user in the process). No empty element
is ever written: a value that is "" means "not given" and its element is left out, as Peppol's
PEPPOL-EN16931-R008 demands and the other syntaxes prefer.
"""

from __future__ import annotations

from collections.abc import Mapping
from xml.etree.ElementTree import Element, SubElement, tostring

__all__ = ["Element", "child", "new_root", "serialize", "text_child"]


def new_root(name: str, namespaces: Mapping[str, str]) -> Element:
    """The root element, declaring each prefix ("" is the default namespace)."""
    attributes = {
        ("xmlns:" + prefix if prefix else "xmlns"): uri for prefix, uri in namespaces.items()
    }
    return Element(name, attributes)


def child(parent: Element, name: str, **attributes: str) -> Element:
    """A new element under `parent`; the caller fills it."""
    return SubElement(parent, name, attributes)


def text_child(parent: Element, name: str, text: str, **attributes: str) -> Element | None:
    """An element holding `text`, or nothing at all when `text` is empty."""
    if not text:
        return None
    element = SubElement(parent, name, {k: v for k, v in attributes.items() if v})
    element.text = text
    return element


def serialize(root: Element) -> bytes:
    """UTF-8 bytes with an XML declaration."""
    data: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return data
