"""Partner HTML made safe for a newsletter, and the plain text read from it.

Summaries come from sites we do not control and end up in subscribers' inboxes and in a
web archive, so every summary goes through one allow-list sanitiser (nh3, the Python
binding of Rust's ammonia, which parses like a browser does) before anything else reads
it. The allow-list is the small set of tags a newsletter paragraph needs; links become
absolute http(s) or mailto URLs with ``rel="noopener noreferrer"``. Images are not
allowed: in partner summaries they are mostly tracking pixels or layout, and the
newsletter template places its own.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

import nh3
from lxml import etree
from lxml import html as lxml_html

from newsdesk.credentials import redact_url
from newsdesk.normalize.urls import without_tracking

#: Tags kept in a summary. Others are removed but their text is kept, except the
#: ``_DROP_WITH_CONTENT`` ones, whose content goes too.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "div", "a", "strong", "em", "b", "i", "u", "ul", "ol", "li",
        "blockquote", "h3", "h4", "h5", "h6", "abbr", "cite", "q", "code", "sub", "sup",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"
_DROP_WITH_CONTENT = {"script", "style", "template", "noscript", "iframe", "object", "embed",
                      "svg", "math", "title", "textarea", "select"}  # fmt: skip

#: Elements that start a new paragraph in :func:`html_to_text`.
_BLOCKS = frozenset(
    {
        "p", "div", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
        "section", "article", "header", "footer", "aside", "nav", "table", "tr", "pre",
        "figure", "figcaption", "dl", "dt", "dd", "hr", "address", "main",
    }
)  # fmt: skip
_INVISIBLE = frozenset({"script", "style", "template", "noscript", "head", "title"})
_SPACES = re.compile(r"\s+")


def sanitize_html(html: str, *, base_url: str | None = None) -> str:
    """Reduce partner HTML to the newsletter allow-list; hostile markup never survives.

    Relative links are resolved against ``base_url`` (an absolute http(s) URL) or, without
    one, removed; links with any scheme but http, https or mailto are removed (the link
    text stays); credentials in a link or the base are dropped. Comments, scripts, styles,
    event handlers and unknown tags are gone.
    """
    try:
        return _clean(html, _relative_policy(base_url))
    except ValueError:
        # ammonia refused the base URL (a host that is not a valid IDN, say): the item's
        # own link is broken, so its relative links cannot be resolved either.
        return _clean(html, "deny")


_Relative = Literal["deny"] | tuple[Literal["rewrite_with_base"], str]


def _relative_policy(base_url: str | None) -> _Relative:
    try:
        base = urlsplit(base_url or "")
    except ValueError:
        return "deny"
    if base.scheme in ("http", "https") and base.netloc:
        return ("rewrite_with_base", redact_url(base.geturl()))
    return "deny"


def _clean(html: str, url_relative: _Relative) -> str:
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=_DROP_WITH_CONTENT,
        # "*": nothing, else nh3 adds its generic attributes (title, lang) to every tag and
        # the allow-list above would not be the whole truth.
        attributes={"*": set(), **ALLOWED_ATTRIBUTES},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        url_relative=url_relative,
        link_rel=LINK_REL,
        strip_comments=True,
        attribute_filter=_no_credentials,
    )
    return cleaned.strip()


def _no_credentials(_tag: str, attribute: str, value: str) -> str:
    """A link's ``user:password@`` never reaches the stored summary (nor a reader)."""
    return redact_url(value) if attribute == "href" else value


def safe_links(html: str, *, base_url: str | None = None) -> list[tuple[str, str]]:
    """``(text, url)`` of each http(s) link of ``html`` after :func:`sanitize_html`, in
    order, tracking parameters stripped; links without text and ``mailto:`` are skipped.

    The newsletter keeps these in summaries ("watch here" must point somewhere); running
    them through the same allow-list means a link that survives is one the sanitiser
    accepted.
    """
    links: list[tuple[str, str]] = []
    for node in _fragments(sanitize_html(html, base_url=base_url)):
        if isinstance(node, str):
            continue
        anchors = [node] if node.tag == "a" else node.iter("a")
        for anchor in anchors:
            href = (anchor.get("href") or "").strip()
            text = _SPACES.sub(" ", anchor.text_content()).strip()
            parts = urlsplit(href)
            if text and parts.scheme in ("http", "https") and parts.netloc:
                links.append((text, without_tracking(href)))
    return links


def html_to_text(html: str) -> str:
    """Readable plain text: paragraphs apart by a blank line, list items as ``- item``.

    Entities are decoded once (by the HTML parser); runs of whitespace become one space;
    ``<br>`` is a line break. Script and style content is never text. lxml's HTML parser
    (libxml2) reads the markup: it is what makes this step cheap enough to run on every
    item of every fetch.
    """
    reader = _TextReader()
    for node in _fragments(html):
        if isinstance(node, str):
            reader.text(node)
        else:
            reader.element(node)
    reader.end_block()
    out = ""
    for index, (text, is_item) in enumerate(reader.blocks):
        if index:
            out += "\n" if is_item and reader.blocks[index - 1][1] else "\n\n"
        out += text
    return out


def _fragments(html: str) -> list[str | lxml_html.HtmlElement]:
    """Top-level text and elements of an HTML fragment ([] for blank input).

    libxml2 refuses a few inputs a browser reads (an XML encoding declaration in a str);
    those are read again after nh3 has reduced them to plain markup.
    """
    if not html.strip():
        return []
    try:
        return list(lxml_html.fragments_fromstring(html))
    except (etree.ParserError, ValueError):
        cleaned = _clean(html, "deny")
        return list(lxml_html.fragments_fromstring(cleaned)) if cleaned.strip() else []


class _TextReader:
    """Collects text per block; a block is a paragraph or a list item."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, bool]] = []
        self._parts: list[str] = []
        self._bullet = False  # the next non-empty block is a list item

    def end_block(self) -> None:
        lines = (_SPACES.sub(" ", line).strip() for line in "".join(self._parts).split("\n"))
        text = "\n".join(line for line in lines if line)
        self._parts = []
        if text:
            self.blocks.append((f"- {text}" if self._bullet else text, self._bullet))
            self._bullet = False

    def text(self, value: str | None) -> None:
        if value:
            self._parts.append(_SPACES.sub(" ", value))

    def element(self, node: lxml_html.HtmlElement) -> None:
        """An element's text, then its tail (the text after it, inside its parent)."""
        name = node.tag.lower() if isinstance(node.tag, str) else None
        if name is None or name in _INVISIBLE:  # comments, processing instructions
            pass
        elif name == "br":
            self._parts.append("\n")
        elif name == "li":
            self.end_block()
            self._bullet = True
            self._children(node)
            self.end_block()
        elif name in _BLOCKS:
            self.end_block()
            self._children(node)
            self.end_block()
        else:
            self._children(node)
        self.text(node.tail)

    def _children(self, node: lxml_html.HtmlElement) -> None:
        self.text(node.text)
        for child in node:
            self.element(child)
