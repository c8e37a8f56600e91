"""City, country and "online" read from a free-text event location.

Partners write places as "Jakarta, Indonesia", "Ciudad de México, México", "Online" or
"Palais des Nations, Geneva, Switzerland". The country recogniser is one mechanism: the
Unicode CLDR territory names that Babel ships (already installed with Airflow), in the
six UN languages plus Portuguese, and a short list of the other spellings partners use
(:data:`COUNTRY_ALIASES`, mostly UN official names). Countries come back as their CLDR
English name, so "México" and "Mexico" compare equal downstream.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pycountry
from babel import Locale

#: Locales whose CLDR country names are recognised.
COUNTRY_LOCALES: tuple[str, ...] = ("en", "fr", "es", "ar", "ru", "zh", "pt")

#: Other spellings -> ISO 3166-1 alpha-2. CLDR has one name per language; partners also
#: write the UN's official forms and common abbreviations.
COUNTRY_ALIASES: dict[str, str] = {
    "usa": "US", "u.s.a.": "US", "us": "US", "u.s.": "US", "united states of america": "US",
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "uae": "AE", "russian federation": "RU",
    "viet nam": "VN", "republic of korea": "KR", "korea": "KR",
    "democratic people's republic of korea": "KP", "lao pdr": "LA",
    "lao people's democratic republic": "LA", "united republic of tanzania": "TZ",
    "republic of moldova": "MD", "syrian arab republic": "SY", "turkey": "TR",
    "ivory coast": "CI", "czech republic": "CZ", "swaziland": "SZ", "holland": "NL",
    "the netherlands": "NL", "the gambia": "GM", "cabo verde": "CV", "palestine": "PS",
    "state of palestine": "PS", "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
}  # fmt: skip

#: Words that mean the event happens on the internet (compared casefolded, accents kept).
ONLINE_WORDS: frozenset[str] = frozenset(
    {
        "online", "on-line", "virtual", "virtually", "zoom", "webinar", "webex", "livestream",
        "live stream", "streaming", "microsoft teams", "ms teams", "teams", "google meet",
        "internet", "remote", "en línea", "en linea", "virtual event", "en ligne", "à distance",
        "a distancia", "webinaire", "en directo", "hybrid", "híbrido", "hybride",
    }
)  # fmt: skip

#: CLDR codes that are not countries (EU, UN, "Unknown Region", pseudo-locales).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})
_SEPARATORS = re.compile(r"\s*(?:[,;|/()\[\]]|:\s|\s[-–—]\s)\s*")
#: "Jakarta and online", "Bogotá y en línea": a place joined to an online word.
_PLACE_AND_ONLINE = re.compile(
    r"^(?P<place>.+?)\s*(?:\b(?:and|or|y|o|et|ou|plus)\b|&|\+)\s*(?P<online>[^&+]+)$",
    re.IGNORECASE,
)


def parse_location(location: str | None) -> tuple[str | None, str | None, bool | None]:
    """``(city, country, online)`` from a free-text location.

    - only online words ("Online", "Zoom", "Webinar") -> ``(None, None, True)``;
    - a recognised country -> that country (English name), the part just before it as
      the city (``None`` if there is none), and ``online`` true if an online word is
      also present (a hybrid event), else false;
    - no recognised country -> ``(None, None, None)``: we do not guess which part is a
      city; the raw text stays in ``Item.location``.
    """
    if not location or not location.strip():
        return None, None, None
    online: bool | None = None
    places: list[str] = []
    for part in _SEPARATORS.split(location.strip()):
        joined = _PLACE_AND_ONLINE.match(part)
        if _is_online(part):
            online = True
        elif joined and _is_online(joined["online"]):
            online = True
            places.append(joined["place"])
        elif part:
            places.append(part)
    for index in range(len(places) - 1, -1, -1):
        code = _country_code(places[index])
        if code is not None:
            return _city(places[:index], code), _english_names()[code], bool(online)
    return None, None, online


def country_name(text: str) -> str | None:
    """The CLDR English name of the country ``text`` names, in any known spelling.

    An ISO 3166-1 alpha-2 code in capitals ("BD", as schema.org's ``addressCountry``
    allows) names its country too.
    """
    code = _country_code(text)
    return None if code is None else _english_names()[code]


def _country_code(text: str) -> str | None:
    stripped = text.strip()
    if len(stripped) == 2 and stripped.isupper() and stripped in _english_names():
        return stripped
    return _country_codes().get(_key(text))


def _is_online(part: str) -> bool:
    words = " ".join(part.casefold().split()).strip(" .:-")
    return words in ONLINE_WORDS or words.removeprefix("via ") in ONLINE_WORDS


def _city(before_country: list[str], country_code: str) -> str | None:
    """The part just before the country, past a state code ("Washington, DC, USA") or a
    region of that country ("Winnipeg, Manitoba, Canada": ISO 3166-2 names, pycountry).

    Postcodes are dropped ("10115 Berlin" -> "Berlin").
    """
    regions = _subdivisions(country_code)
    for index in range(len(before_country) - 1, -1, -1):
        words = [w for w in before_country[index].split() if not any(ch.isdigit() for ch in w)]
        city = " ".join(words)
        if not city or (len(city) <= 3 and city.isupper()):
            continue
        # A region is passed over only when a part before it can still be the city:
        # Dhaka, Mombasa and Washington are cities named like their regions.
        if index > 0 and _key(city) in regions:
            continue
        return city
    return None


@cache
def _subdivisions(country_code: str) -> frozenset[str]:
    """Keys of the names of a country's ISO 3166-2 subdivisions (states, provinces)."""
    found = pycountry.subdivisions.get(country_code=country_code) or []
    return frozenset(_key(subdivision.name) for subdivision in found)


def _key(text: str) -> str:
    """Casefolded, without accents or curly apostrophes, "&" as "and", spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("&", " and "))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


@cache
def _english_names() -> dict[str, str]:
    return {
        code: name
        for code, name in Locale.parse("en").territories.items()
        if code.isalpha() and code not in _NOT_COUNTRIES
    }


@cache
def _country_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    english = _english_names()
    for locale in COUNTRY_LOCALES:
        for code, name in Locale.parse(locale).territories.items():
            if code in english:
                codes.setdefault(_key(name), code)
    for alias, code in COUNTRY_ALIASES.items():
        codes[_key(alias)] = code
    return codes
