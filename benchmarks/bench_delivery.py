"""Delivery throughput against a local SMTP sink, and memory as the list grows.

Goal (issue 14): the manager (ledger claims and results, the subscriber lock, per-recipient
messages, tokens) sends at >= 0.7 of the rate of a bare smtplib loop that pushes the same
messages, pre-built, over one connection to the same sink in the same run; and its peak
memory stays flat from 10,000 to 100,000 recipients.

The sink is aiosmtpd's discarding handler in a process of its own (the client must not share
a GIL with the server it is timed against), on loopback. Memory is measured per size in a
fresh process (its peak RSS, ``VmHWM``: ``ru_maxrss`` would carry the parent's peak across
exec), with a transport that accepts without a network, so it shows the manager's own
memory: the ledger walk and cursors, never the message count.
"""

from __future__ import annotations

import json
import smtplib
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from newsdesk.config import Settings
from newsdesk.delivery.ledger import State
from newsdesk.delivery.manager import Prepared, SendOptions, prepare, send
from newsdesk.delivery.messages import Recipient, message_id
from newsdesk.delivery.sink import free_port
from newsdesk.delivery.transport import (
    Envelope,
    Outcome,
    Security,
    SmtpSettings,
    SmtpTransport,
    Verdict,
)
from newsdesk.edition.builder import build_snapshot
from newsdesk.edition.config import NewsletterConfig
from newsdesk.edition.quarter import Quarter
from newsdesk.review.lifecycle import approve, create_revision, submit_for_review
from newsdesk.store.database import migrate, session_scope
from newsdesk.store.models import SubscriberRow

LIST = "partners-newsletter"
THROUGHPUT_N = 10_000
MEMORY_SIZES = (10_000, 100_000)
SECRET = "benchmark-secret-" + "b" * 32


def _setup(workdir: Path, recipients: int) -> tuple[Settings, int]:
    """A SQLite staging database with an approved 60-item edition and active subscribers."""
    from benchmarks.bench_render import _items, _registry

    url = f"sqlite:///{workdir / 'staging.sqlite'}"
    migrate(url)
    snapshot = build_snapshot(_items(), {}, _registry(), NewsletterConfig(), Quarter(2020, 4),
                              datetime(2021, 1, 8, tzinfo=UTC))
    with session_scope(url) as session:
        revision = create_revision(session, snapshot, created_by="bench")
        revision_id, sha = revision.id, revision.snapshot_sha256
        now = datetime.now(UTC)
        for start in range(0, recipients, 5000):
            session.execute(insert(SubscriberRow), [
                {"list_name": LIST, "email": f"r{i:06d}@example.org",
                 "email_key": f"r{i:06d}@example.org", "name": f"Reader {i}", "language": "en",
                 "status": "active", "status_changed_at": now, "status_via": "bench",
                 "consent_source": "bench", "consent_at": now}
                for i in range(start, min(start + 5000, recipients))])
    submit_for_review(url, revision_id, by="bench")
    approve(url, revision_id, sha, by="bench")
    settings = replace(Settings.from_env(), state_dir=workdir, db_url=url, secret=SECRET,
                       public_url="https://news.example.org")
    return settings, revision_id


def _sink() -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                             "-c", "aiosmtpd.handlers.Sink"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # bounded wait for the sink to listen
        try:
            smtplib.SMTP("127.0.0.1", port, timeout=2).quit()
            return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the aiosmtpd sink did not start")


def _prebuilt(prepared: Prepared, count: int) -> list[tuple[str, bytes]]:
    date = datetime.now(UTC)
    messages = []
    for i in range(count):
        address = f"r{i:06d}@example.org"
        recipient = Recipient(address=address, name=f"Reader {i}",
                              unsubscribe_url=f"https://news.example.org/unsubscribe/t{i}",
                              unsubscribe_mailto=f"mailto:unsubscribe@un.org?subject=t{i}",
                              message_id=message_id(SECRET, "2020Q4", 1, i, "un.org"))
        messages.append((address, prepared.template.render(recipient, date=date)))
    return messages


def throughput() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings, revision_id = _setup(Path(tmp), THROUGHPUT_N)
        prepared = prepare(settings, revision_id, LIST)
        messages = _prebuilt(prepared, THROUGHPUT_N)
        size = len(messages[0][1])
        sink, port = _sink()
        try:
            started = time.perf_counter()
            smtp = smtplib.SMTP("127.0.0.1", port)
            for address, data in messages:
                smtp.sendmail(prepared.sender.address, [address], data)
            smtp.quit()
            bare = time.perf_counter() - started
            del messages
            transport = SmtpTransport(SmtpSettings("127.0.0.1", port, Security.NONE))
            started = time.perf_counter()
            report = send(settings, revision_id, LIST, transport, SendOptions())
            managed = time.perf_counter() - started
        finally:
            sink.terminate()
            sink.wait(timeout=10)
    sent = report.count(State.SENT)
    print(f"messages: {THROUGHPUT_N} x {size / 1024:.0f} KiB to aiosmtpd's sink on loopback")
    print(f"bare smtplib loop (pre-built):  {THROUGHPUT_N / bare:7.0f} msg/s")
    print(f"newsdesk manager (ledger etc.): {THROUGHPUT_N / managed:7.0f} msg/s "
          f"({sent} sent)")
    print(f"ratio: {bare / managed:.2f} (goal >= 0.7)")


class _Accept:
    """Accepts every message without a network: memory of the manager alone."""

    def push(self, envelope: Envelope) -> Outcome:
        return Outcome(Verdict.ACCEPTED, "250 ok")

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def _peak_rss_kib() -> int:
    """This process's peak resident set (Linux ``VmHWM``), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def memory_child(recipients: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings, revision_id = _setup(Path(tmp), recipients)
        before = _peak_rss_kib()
        report = send(settings, revision_id, LIST, _Accept(), SendOptions())
        after = _peak_rss_kib()
    print(json.dumps({"recipients": recipients, "sent": report.count(State.SENT),
                      "rss_before_kib": before, "rss_peak_kib": after}))


def memory() -> None:
    peaks = {}
    for n in MEMORY_SIZES:
        out = subprocess.run([sys.executable, "-m", "benchmarks.bench_delivery", "memory", str(n)],
                             capture_output=True, text=True, check=True)
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        growth = figures["rss_peak_kib"] - figures["rss_before_kib"]
        peaks[n] = figures["rss_peak_kib"]
        print(f"{n:>7} recipients: {figures['sent']} sent, peak RSS "
              f"{figures['rss_peak_kib'] / 1024:.0f} MiB (+{growth / 1024:.0f} MiB while sending)")
    small, large = MEMORY_SIZES
    print(f"peak RSS ratio {large // 1000}k / {small // 1000}k: {peaks[large] / peaks[small]:.2f} "
          "(goal: flat, about 1.0)")


def main() -> None:
    memory()  # first: its children start from a small parent
    throughput()


if __name__ == "__main__":
    if sys.argv[1:2] == ["memory"]:
        memory_child(int(sys.argv[2]))
    else:
        main()
