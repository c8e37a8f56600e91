"""A directory of received messages: one ``.eml`` each and an ``index.html`` to open.

Shared by the local sink transport and the SMTP sink that ``make run`` starts
(:mod:`newsdesk.delivery.sink`), so an operator reads delivered mail the same way
whichever path it took. File names are a sequence number and a digest of the bytes, never
anything from the message (a hostile subject cannot name a file); the index is rebuilt
from the files, so it is right after a crash and lists at most :data:`INDEX_LIMIT` newest.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import os
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

INDEX_LIMIT = 2000
_HEAD_BYTES = 64 * 1024  # the headers are at the top; the index never reads whole messages


class Mailbox:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        existing = (int(p.name.split("-", 1)[0]) for p in directory.glob("*.eml")
                    if p.name.split("-", 1)[0].isdigit())
        self._counter = itertools.count(max(existing, default=0) + 1)

    def store(self, sender: str, recipients: list[str], data: bytes) -> Path:
        """Write one message (envelope recipients first, as ``X-Envelope-To``) atomically."""
        envelope = (f"X-Envelope-From: {_one_line(sender)}\r\n"
                    + "".join(f"X-Envelope-To: {_one_line(r)}\r\n" for r in recipients))
        with self._lock:
            number = next(self._counter)
        name = f"{number:07d}-{hashlib.sha256(data).hexdigest()[:12]}.eml"
        path = self.directory / name
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_bytes(envelope.encode() + data)
        os.replace(tmp, path)
        return path

    def messages(self) -> list[Path]:
        return sorted(self.directory.glob("*.eml"))

    def write_index(self) -> Path:
        rows = []
        for path in self.messages()[-INDEX_LIMIT:][::-1]:
            with path.open("rb") as fh:
                head = _parse_head(fh.read(_HEAD_BYTES))
            rows.append("<tr><td>{}</td><td>{}</td><td>{}</td><td><a href=\"{}\">{}</a></td>"
                        "</tr>".format(*(html.escape(str(v)) for v in (
                            head.get("Date", ""), ", ".join(head.get_all("X-Envelope-To", [])),
                            head.get("Subject", ""), path.name, path.name))))
        page = ("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">"
                "<title>newsdesk mail sink</title><h1>Received messages</h1>"
                f"<p>{len(self.messages())} message(s), newest first.</p><table>"
                "<tr><th>Date</th><th>To</th><th>Subject</th><th>File</th></tr>"
                + "".join(rows) + "</table></html>\n")
        index = self.directory / "index.html"
        tmp = index.with_name(".index.html.tmp")
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, index)
        return index


def read_message(path: Path) -> EmailMessage:
    """A stored message, parsed (the envelope lines are ordinary headers)."""
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _parse_head(data: bytes) -> EmailMessage:
    head, _, _ = data.partition(b"\r\n\r\n")
    parsed = message_from_bytes(head + b"\r\n\r\n", policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _one_line(value: str) -> str:
    return value.replace("\r", " ").replace("\n", " ")
