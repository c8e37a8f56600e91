"""sanitize_html against hostile markup, and html_to_text on what it leaves."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from newsdesk.normalize import html_to_text, sanitize_html
from newsdesk.normalize.sanitize import ALLOWED_TAGS

BASE = "https://eropa.example/news/41"

#: Payloads from the usual XSS cheat sheets. None of them may leave anything executable.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="x" onclick="alert(1)" onmouseover="alert(2)">x</a>',
    '<p style="width: expression(alert(1))">x</p>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{background:url('javascript:alert(1)')}</style>",
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<form action="https://evil.example/"><input name=q><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<body onload=alert(1)>",
    '<details open ontoggle="alert(1)">x</details>',
    "<p>unclosed <b>bold <i>italic <a href='javascript:alert(1)'>link",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<a href="https://ok.example/" target="_blank" rel="opener">ok</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><img src=x onerror=alert(1)></template>",
    '<a href="//evil.example/%0Ajavascript:alert(1)">x</a>',
    '<a xlink:href="javascript:alert(1)">x</a>',
    '<video><source onerror="alert(1)"></video>',
]

_DANGEROUS = re.compile(r"javascript:|vbscript:|data:|expression\(|<script|<iframe|<svg|<img", re.I)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_hostile_html_never_survives(payload: str) -> None:
    cleaned = sanitize_html(payload, base_url=BASE)
    soup = BeautifulSoup(cleaned, "html.parser")
    for tag in soup.find_all(True):
        assert tag.name in ALLOWED_TAGS, cleaned
        for name, value in list(tag.attrs.items()):
            assert name in {"href", "title", "rel"}, cleaned
            assert not name.startswith("on"), cleaned
            if name == "href":
                assert str(value).startswith(("https://", "http://", "mailto:")), cleaned
            del tag[name]  # checked: an http(s) or mailto URL is data, whatever its path says
    assert not _DANGEROUS.search(str(soup).replace("&amp;", "&")), cleaned
    assert "<!--" not in cleaned


def test_allow_list_kept_and_links_made_absolute() -> None:
    html = (
        '<h2>Heading</h2><p class="lead" id="p1">The <strong>EROPA</strong> <em>Bulletin</em> '
        '<a href="/eropa-bulletin.html" title="Bulletin">Volume 41</a>, '
        '<a href="mailto:secretariat@eropa.example">write to us</a>, '
        '<a href="https://respa.example/x">ReSPA</a>.</p>'
        "<ul><li>one</li><li>two</li></ul><blockquote>quoted</blockquote>"
        '<abbr title="Public Administration Reform">PAR</abbr><table><tr><td>cell</td></tr></table>'
    )
    assert sanitize_html(html, base_url=BASE) == (
        "Heading<p>The <strong>EROPA</strong> <em>Bulletin</em> "
        '<a href="https://eropa.example/eropa-bulletin.html" title="Bulletin" '
        'rel="noopener noreferrer">Volume 41</a>, '
        '<a href="mailto:secretariat@eropa.example" rel="noopener noreferrer">write to us</a>, '
        '<a href="https://respa.example/x" rel="noopener noreferrer">ReSPA</a>.</p>'
        "<ul><li>one</li><li>two</li></ul><blockquote>quoted</blockquote>"
        '<abbr title="Public Administration Reform">PAR</abbr>cell'
    )


def test_the_allow_list_is_the_whole_truth_no_generic_attributes() -> None:
    """nh3 keeps ``title`` and ``lang`` on every tag unless told otherwise; only the
    attributes ALLOWED_ATTRIBUTES names may survive (``title`` on a and abbr, nothing else)."""
    html = ('<p title="tooltip" lang="fr">Texte <em lang="en" title="x">word</em> '
            '<a href="https://a.example/" lang="en" title="kept">link</a></p>')
    assert sanitize_html(html, base_url=BASE) == (
        '<p>Texte <em>word</em> '
        '<a href="https://a.example/" title="kept" rel="noopener noreferrer">link</a></p>')


def test_relative_links_without_a_base_are_removed_but_their_text_stays() -> None:
    cleaned = sanitize_html('<p><a href="/news/1">Read more</a></p>')
    assert cleaned == '<p><a rel="noopener noreferrer">Read more</a></p>'
    assert html_to_text(cleaned) == "Read more"


def test_protocol_relative_link_takes_the_base_scheme() -> None:
    cleaned = sanitize_html('<a href="//respa.example/x">x</a>', base_url=BASE)
    assert 'href="https://respa.example/x"' in cleaned


def test_unclosed_tags_are_closed() -> None:
    assert sanitize_html("<p>one <b>two <i>three") == "<p>one <b>two <i>three</i></b></p>"


def test_text_entities_survive_sanitising_once() -> None:
    assert sanitize_html("<p>AT&amp;T &lt;b&gt; &copy;</p>") == "<p>AT&amp;T &lt;b&gt; ©</p>"


def test_empty() -> None:
    assert sanitize_html("") == ""
    assert html_to_text("") == ""


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("<p>  lots   of\n\t space  </p>", "lots of space"),
        ("line one<br>line two<br/>", "line one\nline two"),
        ("<p>Intro</p><ul><li>first</li><li>second <b>bold</b></li></ul><p>End</p>",
         "Intro\n\n- first\n- second bold\n\nEnd"),
        ("<ol><li><p>para in item</p></li></ol>", "- para in item"),
        ("<ul><li>a<ul><li>nested</li></ul></li></ul>", "- a\n- nested"),
        ("<div>a</div><div>b</div>", "a\n\nb"),
        ("<h3>Title</h3>Body", "Title\n\nBody"),
        ("<p>AT&amp;T &amp;amp; &lt;b&gt; &eacute;t&eacute;</p>", "AT&T &amp; <b> été"),
        ("<blockquote>quoted</blockquote>after", "quoted\n\nafter"),
        ("<p>a <a href='https://x.example/'>link</a> here</p>", "a link here"),
        ("<script>alert(1)</script><style>p{}</style>visible", "visible"),
        ("<!-- hidden -->shown", "shown"),
        ("plain text", "plain text"),
    ],
)  # fmt: skip
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_text_of_sanitised_summary() -> None:
    html = (
        '<p onclick="x()">Modalidad <b>100% en línea</b>.</p><script>alert(1)</script>'
        "<ul><li>Inversión total $50</li><li>Duración total 6 horas</li></ul>"
    )
    assert html_to_text(sanitize_html(html)) == (
        "Modalidad 100% en línea.\n\n- Inversión total $50\n- Duración total 6 horas"
    )


@pytest.mark.parametrize("base", ["http://exa mple.example/", "http://[bad/", "javascript:x//a"])
def test_unusable_base_url_drops_relative_links_instead_of_failing(base: str) -> None:
    assert sanitize_html('<a href="/x">x</a>', base_url=base) == (
        '<a rel="noopener noreferrer">x</a>'
    )


def test_links_resolved_against_a_credentialed_base_carry_no_credentials() -> None:
    html = '<a href="/report.pdf">report</a> <a href="http://u:p@other.example/x">x</a>'
    out = sanitize_html(html, base_url="http://user:secret@eropa.example/news/")
    assert 'href="http://eropa.example/report.pdf"' in out
    assert 'href="http://other.example/x"' in out
    assert "secret" not in out and "u:p" not in out
