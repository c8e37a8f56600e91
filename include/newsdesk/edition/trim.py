"""Summary trimming: whole sentences up to a length, never a cut word.

A summary longer than the limit keeps as many whole sentences as fit and ends with an
ellipsis. When even the first sentence is too long it is cut at the last word boundary
that fits. Sentence ends are found with a rule that knows honorifics and abbreviations
("Mr.", "Dr.", "e.g.") and initialisms ("U.N.", "U.S.A."), so "Mr. Liu" is not a boundary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ELLIPSIS = "…"

#: Words that end in a period without ending a sentence (compared lower-case, no period).
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "hon", "amb", "gen", "rev",
    "no", "nos", "vol", "pp", "fig", "art", "para", "ed", "eds", "approx", "dept",
    "e.g", "i.e", "etc", "vs", "cf", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "sra", "sres", "lic", "ing",
})
_CANDIDATE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9À-ÖØ-Þ¿¡])")
_INITIALISM = re.compile(r"(?:\b[A-Za-z]\.){1,}[A-Za-z]?$")


@dataclass(frozen=True)
class Trimmed:
    text: str
    cut: bool


def sentence_ends(text: str) -> list[int]:
    """Offsets just past each sentence end (the last one is ``len(text)``)."""
    ends: list[int] = []
    for match in _CANDIDATE.finditer(text):
        if match.group().startswith(".") and _is_abbreviation(text[: match.start() + 1]):
            continue
        ends.append(match.end())
    if not ends or ends[-1] != len(text):
        ends.append(len(text))
    return ends


def _is_abbreviation(upto_period: str) -> bool:
    word = upto_period.rsplit(None, 1)[-1] if upto_period.strip() else ""
    word = word.lstrip("(\"'“‘[")
    if _INITIALISM.search(word):
        return True
    return word[:-1].lower() in ABBREVIATIONS


def trim_summary(text: str, limit: int) -> Trimmed:
    """Collapse whitespace and keep whole sentences within ``limit`` characters.

    The result (ellipsis included) is never longer than ``limit``; ``cut`` says whether
    anything was dropped.
    """
    if limit < 20:
        raise ValueError(f"summary limit {limit} is too small to hold a sentence")
    text = " ".join(text.split())
    if len(text) <= limit:
        return Trimmed(text, cut=False)
    budget = limit - 2  # room for " …"
    fitting = [end for end in sentence_ends(text) if end <= budget]
    if fitting:
        return Trimmed(f"{text[: fitting[-1]].rstrip()} {ELLIPSIS}", cut=True)
    head = text[: limit - 1]
    space = head.rfind(" ")
    head = head[:space] if space > 0 else head
    return Trimmed(head.rstrip(" ,;:–—-") + ELLIPSIS, cut=True)
