"""Building and rendering a 60-item edition; the CSS inlining step; premailer vs css-inline.

Goal: build + render under 1 s. Prints the median of several runs of each step, the share
of the render spent inlining CSS, and premailer against css-inline on the same email
(time and output size), so the one-function inliner (newsdesk.render.inline) can be
swapped on evidence.
"""

from __future__ import annotations

import hashlib
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from newsdesk.config import Settings
from newsdesk.edition.builder import build_snapshot
from newsdesk.edition.config import NewsletterConfig
from newsdesk.edition.quarter import Quarter
from newsdesk.registry import Registry, parse_registry
from newsdesk.render.inline import inline_css
from newsdesk.render.render import render_edition, render_templates
from newsdesk.store.models import ItemRow

RUNS = 7
PARTNERS = ["undesa", "icap", "eropa", "nispacee", "respa", "aapa", "clad", "ipac"]
SUMMARY = ("This virtual capacity development webinar aimed to strengthen public institutional "
           "capacities in public policymaking for digital transformation in support of the 2030 "
           "Agenda for Sustainable Development. It brought together government officials, "
           "experts and decision-makers from the private sector, civil society and academia. ")


def _registry() -> Registry:
    return parse_registry({"partners": [
        {"id": p, "name": f"Partner institution {p.upper()}", "short": p.upper(),
         "home": f"https://{p}.example.org/", "division": p == "undesa"} for p in PARTNERS]})


def _items(count: int = 60) -> list[ItemRow]:
    start = datetime(2020, 10, 2, 14, tzinfo=UTC)
    rows: list[ItemRow] = []
    for n in range(count):
        partner = PARTNERS[n % len(PARTNERS)]
        kind = "event" if n % 2 else "news"
        # news in the quarter; events in it or the next (the upcoming section)
        when = start + timedelta(days=(n * 37) % (150 if kind == "event" else 89))
        rows.append(ItemRow(
            id=n + 1, item_key=hashlib.sha256(str(n).encode()).hexdigest(), partner_id=partner,
            source_id=f"{partner}/feed", kind=kind, title=f"Item {n}: governance and "
            "digital transformation for resilient recovery", url=f"https://{partner}.example.org/{n}",
            summary_html="", summary_text=SUMMARY * 2, content_hash="x",
            published_at=when if kind == "news" else None,
            starts_at=when if kind == "event" else None,
            ends_at=when + timedelta(days=2) if kind == "event" else None,
            all_day=False, event_tz="Europe/Paris" if n % 3 else None, cluster_id=None))
    return rows


def _median(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    templates = Settings.from_env().templates_dir
    registry, config, items = _registry(), NewsletterConfig(), _items()
    built_at = datetime(2021, 1, 8, tzinfo=UTC)

    def build() -> object:
        return build_snapshot(items, {}, registry, config, Quarter(2020, 4), built_at)

    snapshot = build_snapshot(items, {}, registry, config, Quarter(2020, 4), built_at)
    render_edition(snapshot, templates)  # warm the template cache
    css = (templates / "email.css").read_text()
    raw_email = render_templates(snapshot, templates, css, "bench")[0]

    t_build = _median(build)
    t_render = _median(lambda: render_edition(snapshot, templates))
    t_premailer = _median(lambda: inline_css(raw_email, css))
    print(f"edition: {snapshot.item_count} items shown of {len(items)} "
          f"in {len(snapshot.sections)} sections")
    print(f"build snapshot:      {t_build * 1000:7.1f} ms")
    print(f"render (all checks): {t_render * 1000:7.1f} ms")
    print(f"build + render:      {(t_build + t_render) * 1000:7.1f} ms (goal < 1000 ms)")
    print(f"CSS inlining:        {t_premailer * 1000:7.1f} ms = "
          f"{t_premailer / t_render:.0%} of the render")

    import css_inline

    with_style = raw_email.replace("</head>", f"<style>{css}</style></head>", 1)
    inliner = css_inline.CSSInliner(keep_style_tags=False, keep_at_rules=True)
    t_css_inline = _median(lambda: inliner.inline(with_style))
    out_premailer = inline_css(raw_email, css)
    out_css_inline = inliner.inline(with_style)
    print(f"premailer:  {t_premailer * 1000:7.1f} ms, {len(out_premailer.encode()):6d} bytes")
    print(f"css-inline: {t_css_inline * 1000:7.1f} ms, {len(out_css_inline.encode()):6d} bytes "
          f"({t_premailer / t_css_inline:.0f}x faster)")
    print(f"media query kept: premailer {'@media' in out_premailer}, "
          f"css-inline {'@media' in out_css_inline}")


if __name__ == "__main__":
    main()
