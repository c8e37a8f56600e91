"""Title tokens: folding, stopwords, partner labels, edition markers, Jaccard."""

from __future__ import annotations

from newsdesk.dedupe.tokens import (
    editions_disagree,
    fold,
    jaccard,
    partner_prefix,
    title_tokens,
    words_of,
)


def test_fold_strips_accents_and_case() -> None:
    assert fold("Réunion ANNUELLE à Montréal") == "reunion annuelle a montreal"
    assert fold("INAP-México") == "inap-mexico"


def test_words_drop_stopwords_single_letters_and_plural_s() -> None:
    assert words_of("The SDGs and the Conferences of e-Government") == [
        "sdg", "conference", "government"]


def test_reordered_and_repunctuated_titles_have_the_same_tokens() -> None:
    a = title_tokens("Digital Government and AI Ethics: Annual Conference")
    b = title_tokens("annual conference - AI ethics & digital government!")
    assert a == b


def test_a_subset_title_is_not_a_perfect_match() -> None:
    short = title_tokens("Annual Conference")
    long = title_tokens("Annual Conference on Digital Government and AI Ethics in Asia")
    assert jaccard(short.words, long.words) < 0.35


def test_years_and_ordinals_are_edition_markers_not_words() -> None:
    t29 = title_tokens("29th NISPAcee Annual Conference 2021")
    t30 = title_tokens("30th NISPAcee Annual Conference 2022")
    assert t29.words == t30.words == frozenset({"nispacee", "annual", "conference"})
    assert editions_disagree(t29, t30)
    undated = title_tokens("NISPAcee Annual Conference")
    assert not editions_disagree(t29, undated)
    assert not editions_disagree(t29, title_tokens("The 29th NISPAcee Annual Conference"))
    assert editions_disagree(title_tokens("2e Forum"), title_tokens("3e Forum"))


def test_partner_label_is_stripped_only_with_a_separator() -> None:
    prefix = partner_prefix(("EROPA", "AAPA", "IIAS-IASIA"))
    plain = title_tokens("Public Service Day", prefix)
    for labelled in ("EROPA: Public Service Day", "[AAPA] Public Service Day",
                     "IIAS-IASIA | Public Service Day", "EROPA News - Public Service Day"):
        assert title_tokens(labelled, prefix) == plain, labelled
    named = title_tokens("AAPA Annual Conference 2024", prefix)
    assert "aapa" in named.words
    joint = title_tokens("EROPA–AAPA Joint Conference", prefix)
    assert {"eropa", "aapa"} <= joint.words


def test_jaccard_of_empty_sets_is_no_agreement() -> None:
    assert jaccard(frozenset(), frozenset()) == 0.0
    assert jaccard(frozenset({"a"}), frozenset({"a"})) == 1.0


def test_unicode_dashes_and_quotes_fold_like_ascii_separators() -> None:
    prefix = partner_prefix(("EROPA",))
    plain = title_tokens("EROPA - Partners' Forum", prefix)
    for title in ("EROPA—Partners’ Forum", "EROPA ― Partners’ Forum", "EROPA – Partners' Forum",
                  "EROPA：Partners Forum", "EROPA − “Partners” Forum"):
        assert title_tokens(title, prefix) == plain, title


def test_roman_numerals_are_ordinals_like_digits() -> None:
    assert title_tokens("XVII Congreso CLAD").ordinals == title_tokens(
        "17th CLAD Congress").ordinals == frozenset({"17"})
    assert title_tokens("Forum II").ordinals == frozenset({"2"})
    # Words that merely look like numerals stay words; lower case is never a numeral.
    assert title_tokens("CIVIL service mix").ordinals == frozenset()
    assert "civil" in title_tokens("CIVIL service").words


def test_full_partner_names_become_their_acronym() -> None:
    expand = {"asian association for public administration": "aapa"}
    long = title_tokens("Asian Association for Public Administration Annual Conference",
                        expansions=expand)
    assert long == title_tokens("AAPA Annual Conference")
