"""The public pages: Jinja2 templates under ``templates/public/``, autoescaped.

Every page is plain HTML and one stylesheet (``public.css``, served by the app): no script
at all, so the Content-Security-Policy can forbid every script and inline style.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

#: The lists anyone may join from the web; ``editors`` is never offered.
PUBLIC_LISTS = {
    "partners-newsletter": "UNPAN Partners' Newsletter (quarterly)",
    "cepa-members": "Monthly Update to CEPA members",
}
#: The six official UN languages, in the names their speakers use.
LANGUAGES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية",
             "zh": "中文", "ru": "Русский"}


class Pages:
    def __init__(self, templates_dir: Path) -> None:
        self.directory = templates_dir / "public"
        self._env = _environment(self.directory)

    def render(self, template: str, **context: Any) -> str:
        return self._env.get_template(template).render(lists=PUBLIC_LISTS, languages=LANGUAGES,
                                                    **context)

    def stylesheet(self) -> str:
        return (self.directory / "public.css").read_text(encoding="utf-8")


@lru_cache(maxsize=4)
def _environment(directory: Path) -> Environment:
    return Environment(loader=FileSystemLoader(directory), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html"], default_for_string=False),
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
