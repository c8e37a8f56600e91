"""Title and summary tokens for similarity: casefolded, accent-free, order-insensitive.

Tokens are compared as sets (Jaccard), so a reordered title is the same title, while a
short title is never a perfect match for a longer one that contains it. Edition markers
(years such as ``2024`` and ordinals such as ``29th``) are taken out of the set and kept
apart: they say *which* edition, not *what* event, so two titles that both carry one and
disagree are different editions whatever the rest says.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

WORD = re.compile(r"[^\W_]+")
_YEAR = re.compile(r"(?:19|20)\d\d")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th|e|er|eme|o|a)")
_ORDINAL_WORDS = frozenset({
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth",
})
#: Words that carry no identity in English, French and Spanish titles.
STOPWORDS = frozenset({
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or",
    "the", "to", "with", "its", "their", "our", "new",
    "de", "del", "des", "du", "el", "en", "et", "la", "las", "le", "les", "los", "para",
    "por", "pour", "sur", "un", "una", "une", "y",
})
#: Words every event title uses: a shared one of these does not make two titles alike.
GENERIC_WORDS = frozenset({
    "annual", "conference", "congress", "course", "event", "forum", "international",
    "joint", "meeting", "programme", "program", "regional", "seminar", "series", "session",
    "summit", "symposium", "training", "webinar", "workshop", "global", "world", "public",
    "administration", "governance", "government", "management", "policy", "development",
    "sustainable", "capacity", "network", "institute", "school", "national", "call",
    "paper", "news", "update", "report", "launch", "online", "virtual", "high", "level",
    "dialogue", "expert", "group", "edition", "day", "week", "lecture", "roundtable",
    "panel", "meetup", "exhibition", "fair", "award", "ceremony", "launching",
})
_SEPARATOR = r"\s*(?::|\||\]|\)|\s-\s)\s*"
#: Unicode punctuation folded to its ASCII form before tokens are cut. An em dash, bar or
#: minus is a separator however it is spaced ("EROPA—Forum" reads as "EROPA - Forum"); an
#: en dash is one only when spaced ("EROPA–AAPA" joins two names, like a hyphen); hyphens
#: stay hyphens; curly and fullwidth quotes and colons are plain.
_PUNCTUATION = str.maketrans({
    "–": "-", "—": " - ", "―": " - ", "−": " - ", "﹘": " - ", "﹣": " - ",
    "‐": "-", "‑": "-", "‒": "-", "－": "-",
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"',
    "»": '"', "：": ":", "｜": "|", "\u00a0": " ", "\u202f": " ",
})
#: Roman numerals 2..89 written in capitals ("XVII Congreso", "Forum II"): edition
#: ordinals like "17th". Lower case and single letters are words ("mix", "I").
_ROMAN = re.compile(r"\b(?=[IVXL]{2,}\b)(L?X{0,3})(IX|IV|V?I{0,3})\b")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


@dataclass(frozen=True, slots=True)
class TitleTokens:
    """A title's identity words and its edition markers (years, ordinals)."""

    words: frozenset[str]
    years: frozenset[str]
    ordinals: frozenset[str]


def fold(text: str) -> str:
    """Casefold, strip accents and fold Unicode punctuation: ``"Réunion"`` and
    ``"REUNION"`` fold alike, and so do ``"EROPA—Forum"`` and ``"EROPA - Forum"``."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.translate(_PUNCTUATION).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _stem(word: str) -> str:
    """Plural ``s`` off (``SDGs`` = ``SDG``, ``conferences`` = ``conference``)."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words_of(text: str) -> list[str]:
    """Folded word tokens without stopwords and single letters (digits stay)."""
    return [
        _stem(w) for w in WORD.findall(fold(text))
        if w not in STOPWORDS and (len(w) > 1 or w.isdigit())
    ]


@lru_cache(maxsize=4096)
def partner_prefix(aliases: tuple[str, ...]) -> re.Pattern[str] | None:
    """A pattern for a leading ``"EROPA: "``, ``"[IPAC] "`` or ``"NISPAcee | "`` label.

    Only a label followed by a separator is taken off: in ``"AAPA Annual Conference"`` the
    acronym is part of the name and stays.
    """
    names = sorted({fold(a).strip() for a in aliases if a.strip()}, key=len, reverse=True)
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"^\s*[\[(]?\s*(?:{alternatives})(?:\s+news)?{_SEPARATOR}")


def _roman_value(numeral: str) -> int:
    total = 0
    for i, ch in enumerate(numeral):
        value = _ROMAN_VALUES[ch]
        following = _ROMAN_VALUES[numeral[i + 1]] if i + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def _roman_to_ordinals(title: str) -> str:
    """``"XVII Congreso"`` -> ``"17th Congreso"``, so both spellings are one ordinal."""
    return _ROMAN.sub(lambda m: f"{_roman_value(m[0])}th" if m[0] else m[0], title)


def expansion_pattern(expansions: Mapping[str, str]) -> re.Pattern[str] | None:
    """One pattern matching any folded full name in ``expansions`` (longest first)."""
    names = sorted(expansions, key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")


def title_tokens(title: str, prefix: re.Pattern[str] | None = None,
                 expansions: Mapping[str, str] | None = None,
                 expansion_re: re.Pattern[str] | None = None) -> TitleTokens:
    """Tokens of a title, after taking off a partner label that ``prefix`` matches.

    ``expansions`` maps folded full partner names to their folded acronym (from the
    registry): "Asian Association for Public Administration Conference" has the tokens
    of "AAPA Conference". ``expansion_re`` is its precompiled pattern, if the caller has it.
    """
    folded = fold(_roman_to_ordinals(title))
    if expansions:
        pattern = expansion_re or expansion_pattern(expansions)
        if pattern is not None:
            folded = pattern.sub(lambda m: expansions[m[0]], folded)
    if prefix is not None:
        folded = prefix.sub("", folded, count=1)
    words: set[str] = set()
    years: set[str] = set()
    ordinals: set[str] = set()
    for raw in WORD.findall(folded):
        if raw[0].isdigit():
            if _YEAR.fullmatch(raw):
                years.add(raw)
            elif _ORDINAL.fullmatch(raw):
                ordinals.add(raw.rstrip("abcdefghijklmnopqrstuvwxyz"))
            else:
                words.add(raw)
        elif raw in _ORDINAL_WORDS:
            ordinals.add(raw)
        elif len(raw) > 1 and raw not in STOPWORDS:
            words.add(_stem(raw))
    return TitleTokens(frozenset(words), frozenset(years), frozenset(ordinals))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b|; 0.0 when both are empty (nothing to agree on)."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def editions_disagree(a: TitleTokens, b: TitleTokens) -> bool:
    """Both titles name a year (or an ordinal) and the names differ: other editions."""
    return bool(
        (a.years and b.years and a.years != b.years)
        or (a.ordinals and b.ordinals and a.ordinals != b.ordinals)
    )
