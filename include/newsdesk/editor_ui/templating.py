"""The Jinja2 environment of the editors' pages (``templates/editor/``).

Autoescape is on for every template, whatever its name: titles and summaries come from
partner sites and editors, and are shown as text. ``StrictUndefined`` makes a misspelt
variable an error instead of an empty field.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined


@lru_cache(maxsize=4)
def editor_environment(directory: Path) -> Environment:
    env = Environment(loader=FileSystemLoader(str(directory)), undefined=StrictUndefined,
                      autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["state"] = lambda status: str(status).replace("_", " ")
    env.filters["quote"] = lambda text: quote(str(text), safe="")
    return env
