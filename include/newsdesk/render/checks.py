"""Email checks, run on every render; a failure stops the render with every problem listed.

What is checked (docs/newsletter.md, "Checks"):

- size: the email HTML over :data:`MAX_HTML_BYTES` (Gmail clips messages near 102 KB);
- links: every ``href`` absolute ``http(s)``; ``mailto:`` only for contact links; the
  delivery token :data:`UNSUBSCRIBE_TOKEN` is allowed;
- images without ``alt`` (``alt=""`` is right for decorative ones);
- tables without ``role`` (layout tables are ``role="presentation"``);
- scripts and external stylesheets;
- sections without items;
- leftover template syntax (``{{``, ``{%``, ``{#``) and unknown ``%%NAME%%`` placeholders.

The leftover check does not grep the real output, where a partner's summary may lawfully
say "{{ 7*7 }}": the render runs the templates a second time on a *neutralised* snapshot
whose every text has its braces and percent signs replaced, and greps that. Any template
syntax still there came from a template, never from user text. Undefined variables are
caught earlier by ``StrictUndefined``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

MAX_HTML_BYTES = 90_000
#: Filled per recipient by delivery; the only placeholder an email may contain.
UNSUBSCRIBE_TOKEN = "%%UNSUBSCRIBE_URL%%"
DELIVERY_TOKENS = frozenset({UNSUBSCRIBE_TOKEN})

_TEMPLATE_SYNTAX = re.compile(r"\{\{|\{%|\{#")
_PLACEHOLDER = re.compile(r"%%[A-Za-z0-9_]+%%")


class _Scan(HTMLParser):
    """Collects what the checks look at in one pass over the document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str | None, str]] = []  # (href, start of the link text)
        self.images: list[dict[str, str | None]] = []
        self.tables: list[dict[str, str | None]] = []
        self.scripts = 0
        self.stylesheets: list[str] = []
        self.sections: list[tuple[str, int]] = []  # (key, item count)
        self._in_link = -1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "a":
            self.links.append((attr.get("href"), ""))
            self._in_link = len(self.links) - 1
        elif tag == "img":
            self.images.append(attr)
        elif tag == "table":
            self.tables.append(attr)
        elif tag == "script":
            self.scripts += 1
        elif tag == "link" and "stylesheet" in (attr.get("rel") or "").lower():
            self.stylesheets.append(attr.get("href") or "")
        if "data-section" in attr:
            self.sections.append((attr["data-section"] or "?", 0))
        if "data-item" in attr and self.sections:
            key, count = self.sections[-1]
            self.sections[-1] = (key, count + 1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._in_link = -1

    def handle_data(self, data: str) -> None:
        if self._in_link >= 0:
            href, text = self.links[self._in_link]
            self.links[self._in_link] = (href, (text + data)[:60])


def check_html(html: str, *, name: str, max_bytes: int | None = MAX_HTML_BYTES,
               allow_tokens: bool = True) -> list[str]:
    """Every failure of one HTML document, as ``name: problem`` lines."""
    failures: list[str] = []
    size = len(html.encode("utf-8"))
    if max_bytes is not None and size > max_bytes:
        failures.append(f"{name}: {size} bytes, over the {max_bytes}-byte limit "
                        "(mail clients clip long messages)")
    scan = _Scan()
    scan.feed(html)
    scan.close()
    for href, text in scan.links:
        problem = _link_problem(href, allow_tokens)
        if problem:
            failures.append(f"{name}: link {text.strip()!r}: {problem}")
    for image in scan.images:
        if "alt" not in image:
            failures.append(f"{name}: image {image.get('src')!r} has no alt attribute "
                            '(use alt="" when it is decorative)')
    for table in scan.tables:
        if not table.get("role"):
            failures.append(f"{name}: a table has no role (layout tables need "
                            'role="presentation")')
    if scan.scripts:
        failures.append(f"{name}: {scan.scripts} <script> element(s); email must not run code")
    for href in scan.stylesheets:
        failures.append(f"{name}: external stylesheet {href!r}; styles must be inlined")
    for key, count in scan.sections:
        if count == 0:
            failures.append(f"{name}: section {key!r} is empty")
    return failures


def _link_problem(href: str | None, allow_tokens: bool) -> str | None:
    if href is None or not href.strip():
        return "has no href"
    href = href.strip()
    if allow_tokens and href in DELIVERY_TOKENS:
        return None
    if href.startswith("mailto:"):
        return None if "@" in href else f"mailto link {href!r} has no address"
    if re.match(r"^https?://[^/\s]+", href, re.IGNORECASE):
        return None
    return f"href {href!r} is not an absolute http(s) URL"


def find_leftovers(text: str, *, name: str) -> list[str]:
    """Template syntax or unknown placeholders in a neutralised render (see module doc)."""
    failures: list[str] = []
    for match in _TEMPLATE_SYNTAX.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        snippet = text[match.start(): match.start() + 40].splitlines()[0]
        failures.append(f"{name}: line {line}: leftover template syntax {snippet!r}")
    for match in _PLACEHOLDER.finditer(text):
        if match.group() not in DELIVERY_TOKENS:
            line = text.count("\n", 0, match.start()) + 1
            failures.append(f"{name}: line {line}: unresolved placeholder {match.group()!r}")
    return failures
