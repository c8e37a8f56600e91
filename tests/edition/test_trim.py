import pytest

from newsdesk.edition.trim import sentence_ends, trim_summary

LIU = ("Mr. Liu Zhenmin, Under-Secretary-General for Economic and Social Affairs launched the "
       "2021 United Nations Public Service Awards. The Awards, supported by the U.N. and "
       "UN Women, are an international recognition of excellence in public service. The "
       "Awards recognize innovation.")


def test_short_text_is_kept_whole_with_whitespace_collapsed() -> None:
    result = trim_summary("  One  sentence.\n\nTwo. ", 100)
    assert (result.text, result.cut) == ("One sentence. Two.", False)


def test_cut_at_sentence_boundary_with_ellipsis() -> None:
    result = trim_summary(LIU, 200)
    assert result.cut
    assert result.text == ("Mr. Liu Zhenmin, Under-Secretary-General for Economic and Social "
                           "Affairs launched the 2021 United Nations Public Service Awards. …")
    assert len(result.text) <= 200


def test_abbreviations_and_initialisms_are_not_boundaries() -> None:
    ends = sentence_ends(LIU)
    text_ends = [LIU[:e][-12:] for e in ends]
    assert all(not t.endswith("Mr.") for t in text_ends)
    assert all(not t.endswith("U.N.") for t in text_ends)
    assert len(ends) == 3
    assert sentence_ends("Dr. Smith met e.g. Prof. Jones. Then left.") == [31, 42]


def test_long_first_sentence_cut_between_words() -> None:
    text = "word " * 60
    result = trim_summary(text, 50)
    assert result.cut and result.text.endswith("word…") and len(result.text) <= 50
    assert " wor…" not in result.text


@pytest.mark.parametrize("limit", [60, 120, 250, 400])
def test_never_longer_than_limit_and_never_mid_word(limit: int) -> None:
    result = trim_summary(LIU, limit)
    assert len(result.text) <= limit
    body = result.text.rstrip(" …")
    assert LIU.startswith(body)
    assert LIU[len(body)] in " ." if len(body) < len(LIU) else True


def test_spanish_sentences() -> None:
    text = "Modalidad 100% en línea. ¿Quién participa? Funcionarios públicos de la región."
    assert trim_summary(text, 45).text == "Modalidad 100% en línea. ¿Quién participa? …"
