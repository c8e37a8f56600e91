"""parse_location: city, country and online from the places partners write."""

from __future__ import annotations

import pytest

from newsdesk.normalize import country_name, parse_location


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("Jakarta, Indonesia", ("Jakarta", "Indonesia", False)),
        ("Ljubljana, Slovenia", ("Ljubljana", "Slovenia", False)),
        ("Brasilia, Brazil", ("Brasilia", "Brazil", False)),
        ("Dhaka, Bangladesh", ("Dhaka", "Bangladesh", False)),
        ("Mombasa, Kenya", ("Mombasa", "Kenya", False)),
        ("Morocco", (None, "Morocco", False)),
        ("Ciudad de México, México", ("Ciudad de México", "Mexico", False)),
        ("Bucarest, Rumania", ("Bucarest", "Romania", False)),
        ("Rabat, Maroc", ("Rabat", "Morocco", False)),
        ("Brasília, Brasil", ("Brasília", "Brazil", False)),
        ("Palais des Nations, Geneva, Switzerland", ("Geneva", "Switzerland", False)),
        ("Rabat (Morocco)", ("Rabat", "Morocco", False)),
        ("Jakarta – Indonesia", ("Jakarta", "Indonesia", False)),
        ("10115 Berlin, Germany", ("Berlin", "Germany", False)),
        ("Washington, DC, USA", ("Washington", "United States", False)),
        ("Seoul, Republic of Korea", ("Seoul", "South Korea", False)),
        ("Hanoi, Viet Nam", ("Hanoi", "Vietnam", False)),
        ("Abidjan, Cote d'Ivoire", ("Abidjan", "Côte d’Ivoire", False)),
        ("Port of Spain, Trinidad and Tobago", ("Port of Spain", "Trinidad & Tobago", False)),
        ("Online", (None, None, True)),
        ("Virtual", (None, None, True)),
        ("Zoom", (None, None, True)),
        ("webinar", (None, None, True)),
        ("Online (Zoom)", (None, None, True)),
        ("En línea", (None, None, True)),
        ("Jakarta, Indonesia and online", ("Jakarta", "Indonesia", True)),
        ("Hybrid: Bucharest, Romania", ("Bucharest", "Romania", True)),
        ("Kigali, Rwanda / Online", ("Kigali", "Rwanda", True)),
        ("Bogotá, Colombia y en línea", ("Bogotá", "Colombia", True)),
        ("Jakarta", (None, None, None)),  # a city alone: we do not guess
        ("Hotel Mulia, Senayan", (None, None, None)),
        ("", (None, None, None)),
        ("   ", (None, None, None)),
        (None, (None, None, None)),
    ],
)
def test_parse_location(
    location: str | None, expected: tuple[str | None, str | None, bool | None]
) -> None:
    assert parse_location(location) == expected


def test_country_name_spellings() -> None:
    assert country_name("MÉXICO") == country_name("Mexico") == "Mexico"
    assert country_name("Russian Federation") == country_name("Россия") == "Russia"
    assert country_name("Atlantis") is None
    assert country_name("European Union") is None  # a CLDR territory, not a country


def test_iso_country_codes_in_capitals_name_the_country() -> None:
    assert parse_location("Dhaka, BD") == ("Dhaka", "Bangladesh", False)
    assert parse_location("Pretoria, ZA") == ("Pretoria", "South Africa", False)


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("Winnipeg, Manitoba, Canada", ("Winnipeg", "Canada", False)),
        ("Austin, Texas, United States", ("Austin", "United States", False)),
        ("Nairobi, Nairobi, Kenya", ("Nairobi", "Kenya", False)),
        # Cities named like their region stay cities when nothing else names the city.
        ("Mombasa, Kenya", ("Mombasa", "Kenya", False)),
        ("Ciudad de México, México", ("Ciudad de México", "Mexico", False)),
        ("Washington, DC, USA", ("Washington", "United States", False)),
    ],
)
def test_a_region_between_city_and_country_is_passed_over(
    location: str, expected: tuple[str, str, bool]
) -> None:
    assert parse_location(location) == expected
