"""The rendered email against caniemail's support data (Gmail, Outlook, Apple Mail, Yahoo).

Issue 11 §2: doiuse-email 0.4.1 found 4 CSS features of the email that one of these
clients does not support (display: none, opacity, overflow, overflow-wrap); this check
on the pinned caniemail data found 7 (also height, max-height, word-wrap). At most one is
allowed, and only one whose absence changes no layout: ``display: none`` on the
preheader (Gmail's mobile web then shows that sentence above the newsletter).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.newsletter_factory import sample_snapshot
from tests.render.caniemail import features, unsupported_clients, unsupported_features

from newsdesk.config import Settings
from newsdesk.render.render import render_edition

TEMPLATES = Settings.from_env().templates_dir
#: The only unsupported features allowed, each with why its absence breaks nothing.
ALLOWED = {"css-display-none": "hides the preheader; where unsupported the sentence shows"}


def test_the_email_uses_at_most_one_feature_a_major_client_lacks() -> None:
    for preview in (False, True):
        html = render_edition(sample_snapshot(), TEMPLATES, preview=preview).email_html
        found = unsupported_features(html)
        report = [f"{u.declaration} ({u.slug}): {', '.join(u.clients)}" for u in found]
        assert len(found) <= 1, report
        assert {u.slug for u in found} <= set(ALLOWED), report


def test_a_template_that_brings_one_back_fails(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    css = templates / "email.css"
    css.write_text(css.read_text(encoding="utf-8").replace(
        ".item {", ".item { overflow: hidden; opacity: 0.9;"), encoding="utf-8")
    html = render_edition(sample_snapshot(), templates).email_html
    assert {u.slug for u in unsupported_features(html)} == {
        "css-display-none", "css-opacity", "css-overflow"}


def test_the_pinned_data_says_what_the_issue_measured() -> None:
    assert features()["css-overflow"]["title"]
    assert "outlook.windows" in unsupported_clients("css-opacity")
    assert "gmail.desktop-webmail" in unsupported_clients("css-overflow-wrap")
    assert unsupported_clients("css-background-color") == ()
