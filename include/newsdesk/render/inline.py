"""THE one place CSS is inlined into the email (premailer today; swap it here only).

Rules that cannot be inlined (media queries) stay in a ``<style>`` block in ``<head>``,
which keeps the email responsive in clients that honour it; every other rule becomes a
``style`` attribute, which is what clients that drop ``<style>`` (some webmails) need.
Network access is off: the email never references an external stylesheet.
"""

from __future__ import annotations

import logging

from premailer import Premailer


def inline_css(html: str, css: str) -> str:
    """Return ``html`` with ``css`` inlined and its media queries kept in ``<head>``."""
    return str(Premailer(
        html,
        css_text=css,
        allow_network=False,
        disable_link_rewrites=True,
        disable_validation=True,
        strip_important=False,
        remove_classes=False,
        cssutils_logging_level=logging.CRITICAL,
    ).transform())
