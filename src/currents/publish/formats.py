"""Page data as JSON, XML, a script, or Markdown-safe text.

An event's `.json` and `.xml` twins are its page data, serialised here without
a template, so they cannot drift from the HTML. Stored text may hold anything,
including characters XML forbids; those are dropped, never passed through.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin
from xml.etree import ElementTree

from markupsafe import Markup

from currents.publish.context import Page

# Characters XML 1.0 cannot carry at all (C0 controls but tab, CR, LF; surrogates; U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Every ASCII character CommonMark lets a backslash escape.
_MARKDOWN_SPECIAL = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
# A list item's XML element name: the singular of its list's name where the data model has one.
_ITEM = "item"
# The script that carries the static search index calls this global (static/search.js defines it).
SEARCH_INDEX_GLOBAL = "currentsSearchIndex"


def to_json(page: Page) -> str:
    # No indent: only compact JSON goes through the json module's C encoder (several times faster).
    return json.dumps(page.data, ensure_ascii=False) + "\n"


def to_script(page: Page) -> str:
    """The data as a script assigning one global: ASCII-only JSON, so no character can end the string early."""
    return f"window.{SEARCH_INDEX_GLOBAL} = {json.dumps(page.data, ensure_ascii=True, separators=(',', ':'))};\n"


def to_xml(page: Page) -> str:
    """The data as XML: one element per key, lists as <item> children, null values left out."""
    root = ElementTree.Element(Page.__name__.lower(), {"path": page.path})
    _fill(root, page.data)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _fill(element: ElementTree.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            if child is not None:
                _fill(ElementTree.SubElement(element, key), child)
    elif isinstance(value, list):
        for child in value:
            _fill(ElementTree.SubElement(element, _ITEM), child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = _NOT_XML.sub("", str(value))


def markdown_text(value: Any) -> str:
    """`value` as literal Markdown text: punctuation backslash-escaped, line breaks folded.

    Applied to every value a Markdown template prints (but the template's own
    site paths, marked safe), so stored text cannot open a link, an image, raw
    HTML or a heading, whatever it contains.
    """
    if value is None:
        return ""
    if isinstance(value, Markup):  # the template's own markup (site paths), marked |safe
        return str(value)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def absolute_url(base_url: str, path: str) -> str:
    """The absolute URL of site path `path` on a site served at `base_url`."""
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", path)
