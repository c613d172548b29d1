"""Identifiers derived from names: slugs for outlets, entities and page URLs."""

from __future__ import annotations

import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str, max_length: int = 80) -> str:
    """ASCII, lower-case, hyphen-separated form of `name` ("The BRICS Post" -> "the-brics-post")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_name.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "unnamed"
