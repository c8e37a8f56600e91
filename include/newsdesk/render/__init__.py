"""Rendering: a revision's snapshot into a checked email (HTML + text + MIME) and web page."""

from newsdesk.render.render import RenderedEdition, render_edition, render_revision, write_rendered

__all__ = ["RenderedEdition", "render_edition", "render_revision", "write_rendered"]
