"""What the rendered email uses that major email clients do not support, by caniemail.com.

The data is a pinned copy (tests/fixtures/caniemail/README.md says where it comes from).
Like doiuse-email, the check reads the email's CSS, inline ``style`` attributes and
``<style>`` blocks alike, and looks each declaration up in caniemail: the property
(``overflow``), or the property with its value where caniemail tests that pair
(``display: none``). A feature counts as unsupported by a client when the client's latest
test on any of its platforms says "n" (not supported); "a" (partial) is not counted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import html as lxml_html

DATA = Path(__file__).parent.parent / "fixtures" / "caniemail" / "caniemail.json"
#: The clients the newsletter's readers use (issue 11 §2).
CLIENTS = ("apple-mail", "gmail", "outlook", "yahoo")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_DECLARATION = re.compile(r"(?<![\w-])([a-zA-Z-]+)\s*:\s*([^;{}]+)")
_BLOCK = re.compile(r"\{([^{}]*)\}")
#: Longhands caniemail files under their shorthand's feature.
_FAMILIES = ("margin", "padding", "border", "text-decoration", "list-style", "background",
             "font")


@dataclass(frozen=True)
class Unsupported:
    slug: str  # the caniemail feature, e.g. css-overflow
    title: str
    declaration: str  # as written in the email, e.g. "overflow: hidden"
    clients: tuple[str, ...]  # e.g. ("outlook.windows", "outlook.windows-mail")


@lru_cache(maxsize=1)
def features() -> dict[str, dict[str, Any]]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return {feature["slug"]: feature for feature in data["data"]}


def declarations(html: str) -> list[tuple[str, str]]:
    """Every CSS ``(property, value)`` of the email: style attributes and style blocks."""
    tree = lxml_html.document_fromstring(html)
    texts = [el.get("style", "") for el in tree.iter() if isinstance(el.tag, str)
             and el.get("style")]
    for style in tree.iter("style"):
        texts.extend(_BLOCK.findall(_COMMENT.sub("", style.text or "")))
    found: list[tuple[str, str]] = []
    for text in texts:
        for prop, value in _DECLARATION.findall(_COMMENT.sub("", text)):
            found.append((prop.lower(), " ".join(value.split()).removesuffix("!important")
                          .strip()))
    return found


def feature_of(prop: str, value: str) -> str | None:
    """The caniemail feature a declaration is tested as, or ``None`` (``mso-*``, vendor
    prefixes and properties caniemail does not test)."""
    known = features()
    pair = f"css-{prop}-{value.split()[0].lower()}" if value else ""
    if pair in known:
        return pair
    if f"css-{prop}" in known:
        return f"css-{prop}"
    family = next((f for f in _FAMILIES if prop.startswith(f"{f}-")), None)
    return f"css-{family}" if family and f"css-{family}" in known else None


def unsupported_clients(slug: str) -> tuple[str, ...]:
    """``family.platform`` of each client whose latest test says not supported."""
    stats = features()[slug]["stats"]
    out: list[str] = []
    for family in CLIENTS:
        for platform, versions in stats.get(family, {}).items():
            if versions and str(list(versions.values())[-1]).startswith("n"):
                out.append(f"{family}.{platform}")
    return tuple(out)


def unsupported_features(html: str) -> list[Unsupported]:
    """Each caniemail feature of the email that a client in :data:`CLIENTS` lacks, once."""
    seen: dict[str, Unsupported] = {}
    for prop, value in declarations(html):
        slug = feature_of(prop, value)
        if slug is None or slug in seen:
            continue
        clients = unsupported_clients(slug)
        if clients:
            seen[slug] = Unsupported(slug=slug, title=features()[slug]["title"],
                                     declaration=f"{prop}: {value}", clients=clients)
    return sorted(seen.values(), key=lambda u: u.slug)
