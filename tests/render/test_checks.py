"""Every email check fails on a crafted bad case, and all failures are listed together."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.newsletter_factory import sample_snapshot

from newsdesk.config import Settings
from newsdesk.edition.snapshot import EditionSnapshot, SnapshotSection
from newsdesk.errors import RenderCheckError
from newsdesk.render.checks import check_html, find_leftovers
from newsdesk.render.render import render_edition

GOOD = ('<table role="presentation"><tr><td data-section="a"><div data-item="1">'
        '<a href="https://example.org/x">x</a> <a href="mailto:unpan@un.org">mail</a>'
        '<a href="%%UNSUBSCRIBE_URL%%">Unsubscribe</a><img src="https://e.org/i.png" alt="">'
        "</div></td></tr></table>")


def test_good_document_passes() -> None:
    assert check_html(GOOD, name="email.html") == []


@pytest.mark.parametrize(("html", "expected"), [
    ("x" * 90_001, "90001 bytes, over the 90000-byte limit"),
    ('<a href="/relative">rel</a>', "link 'rel': href '/relative' is not an absolute"),
    ('<a href="javascript:alert(1)">js</a>', "href 'javascript:alert(1)' is not an absolute"),
    ('<a href="#">here</a>', "link 'here': href '#' is not"),
    ("<a>none</a>", "link 'none': has no href"),
    ('<a href="mailto:">mail</a>', "mailto link 'mailto:' has no address"),
    ('<img src="https://e.org/logo.png">', "image 'https://e.org/logo.png' has no alt"),
    ("<table><tr><td>x</td></tr></table>", "a table has no role"),
    ("<script>alert(1)</script>", "1 <script> element(s)"),
    ('<link rel="stylesheet" href="https://e.org/s.css">', "external stylesheet"),
    ('<td data-section="icap"></td><td data-section="b"><p data-item="1"></p></td>',
     "section 'icap' is empty"),
])
def test_each_check_fails_its_bad_case(html: str, expected: str) -> None:
    failures = check_html(html, name="email.html")
    assert any(expected in f for f in failures), failures


def test_web_page_may_not_carry_the_delivery_token() -> None:
    failures = check_html('<a href="%%UNSUBSCRIBE_URL%%">u</a>', name="web.html",
                          allow_tokens=False)
    assert failures and "not an absolute" in failures[0]


def test_leftovers_name_the_line_and_skip_the_delivery_token() -> None:
    text = "ok %%UNSUBSCRIBE_URL%%\n{{ s.title }}\n{% if x %}\n{# note #}\n%%FIRST_NAME%%\n"
    failures = find_leftovers(text, name="email.txt")
    assert failures == [
        "email.txt: line 2: leftover template syntax '{{ s.title }}'",
        "email.txt: line 3: leftover template syntax '{% if x %}'",
        "email.txt: line 4: leftover template syntax '{# note #}'",
        "email.txt: line 5: unresolved placeholder '%%FIRST_NAME%%'",
    ]


def _with_section(snapshot: EditionSnapshot, section: SnapshotSection) -> EditionSnapshot:
    return snapshot.model_copy(update={"sections": [*snapshot.sections, section]})


def test_render_fails_listing_every_failure() -> None:
    snapshot = sample_snapshot()
    first = snapshot.sections[0]
    bad_item = first.items[0].model_copy(update={"url": "javascript:alert(1)"})
    broken = snapshot.model_copy(update={"sections": [
        first.model_copy(update={"items": [bad_item, *first.items[1:]]}),
        *snapshot.sections[1:],
        SnapshotSection(key="empty", role="partner", heading="Nobody", items=[]),
    ]})
    with pytest.raises(RenderCheckError) as err:
        render_edition(broken, Settings.from_env().templates_dir)
    message = str(err.value)
    assert message.startswith("edition 2020Q4: ")
    assert "section 'empty' is empty" in message
    assert "href 'javascript:alert(1)' is not an absolute http(s) URL" in message
    assert message.count("email.html:") >= 3 and "web.html:" in message


def test_leftover_in_a_template_fails_the_render(tmp_path: Path) -> None:
    templates = Settings.from_env().templates_dir
    for source in templates.iterdir():
        if source.is_file():  # templates/public/ is the public app's, not the newsletter's
            (tmp_path / source.name).write_bytes(source.read_bytes())
    text = (tmp_path / "email.txt").read_text()
    (tmp_path / "email.txt").write_text(text + "{{ '{{' }} s.oops }}\nDear %%FIRST_NAME%%\n")
    with pytest.raises(RenderCheckError) as err:
        render_edition(sample_snapshot(), tmp_path)
    assert "email.txt: line" in str(err.value) and "'{{ s.oops }}'" in str(err.value)
    assert "unresolved placeholder '%%FIRST_NAME%%'" in str(err.value)


def test_undefined_template_variable_fails_the_render(tmp_path: Path) -> None:
    templates = Settings.from_env().templates_dir
    for source in templates.iterdir():
        if source.is_file():  # templates/public/ is the public app's, not the newsletter's
            (tmp_path / source.name).write_bytes(source.read_bytes())
    (tmp_path / "web.html").write_text("{{ s.no_such_field }}")
    with pytest.raises(RenderCheckError,
                       match=r"template web.html: UndefinedError: .*'no_such_field'"):
        render_edition(sample_snapshot(), tmp_path)
