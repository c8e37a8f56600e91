"""The delivery manager: walks an edition's recipients in batches and owns the ledger.

Split as listmonk splits it: this module decides (who is next, what a reply means, when to
stop); a :class:`~newsdesk.delivery.transport.Transport` only moves bytes. The DAG's mapped
tasks and ``newsdesk delivery send`` run the same two functions: :func:`plan` queues every
active subscriber of the list and cuts the edition's open rows into id ranges, and
:func:`send_batch` sends one range.

One range is sent in chunks of ``in_flight`` recipients, each in two transactions:

1. claim the chunk (pending -> sending, Message-ID stored) and **commit**;
2. lock the chunk's subscribers (:func:`~newsdesk.subscribers.lifecycle.lock_active`), skip
   anyone no longer active, push the others, record each reply, and commit.

A row marked sent is never claimed again, so a task retry, a cleared task or a whole re-run
sends nothing twice. A crash between a push and the second commit leaves at most
``in_flight`` rows per worker in ``sending``: after ``lease`` they are sent again with their
stored Message-ID. That is the one unavoidable window (the server has the message, the
ledger does not know) and its bound (docs/delivery.md).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from newsdesk.config import Settings
from newsdesk.delivery import ledger
from newsdesk.delivery.ledger import Report, State
from newsdesk.delivery.messages import DkimKey, MessageTemplate, Recipient, Sender, message_id
from newsdesk.delivery.transport import Envelope, Transport, Verdict
from newsdesk.edition.snapshot import EditionSnapshot
from newsdesk.errors import ConfigError, DeliveryError
from newsdesk.render.render import render_edition
from newsdesk.review.lifecycle import load_revision, preview_snapshot, require_approved
from newsdesk.store.database import session_scope
from newsdesk.store.models import DeliveryRow, SubscriberRow
from newsdesk.subscribers import lifecycle, links, tokens
from newsdesk.subscribers.tokens import Purpose

log = logging.getLogger(__name__)

#: Subscribers read per query while queueing (the cursor's page).
QUEUE_PAGE = 1000


class DeliveryPaused(DeliveryError):
    """The edition's delivery is paused (too many consecutive errors); nothing more is sent."""


@dataclass(frozen=True)
class SendOptions:
    """How a delivery paces and protects itself (the DAG's params, the CLI's flags)."""

    batch_size: int = 500  # recipients per range: one mapped task
    in_flight: int = 20  # claimed per chunk: the bound on duplicates after a crash
    pause_after: int = 10  # consecutive errors that pause the whole edition
    retry_passes: int = 3  # passes over 4xx'd recipients within one batch
    retry_delay_s: float = 20.0
    lease: timedelta = timedelta(minutes=5)

    def __post_init__(self) -> None:
        for name in ("batch_size", "in_flight", "pause_after", "retry_passes"):
            if getattr(self, name) < 1:
                raise ConfigError(f"delivery option {name} must be at least 1")


@dataclass(frozen=True)
class Prepared:
    """What every message of one edition's delivery shares, built once per batch."""

    edition_id: int
    edition_key: str
    revision_id: int
    template: MessageTemplate
    sender: Sender
    secret: str
    public_url: str


@dataclass
class BatchResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    pending: int = 0  # 4xx'd and still pending after the passes: a later try sends them
    replies: list[str] = field(default_factory=list)


def prepare(settings: Settings, revision_id: int, list_name: str) -> Prepared:
    """Render the approved revision once; refuse anything not approved."""
    secret = tokens.require_secret(settings.secret)
    revision = require_approved(settings.db_url, revision_id)
    return _prepared(settings, revision.edition_id, revision.edition_key, revision.id,
                     revision.snapshot, list_name, secret)


def plan(settings: Settings, revision_id: int, list_name: str, options: SendOptions
         ) -> list[tuple[int, int]]:
    """Queue every active subscriber of ``list_name``; the open rows cut into id ranges.

    Idempotent: a re-run queues nobody twice (the ledger's unique key) and returns the
    ranges of what is still open, so a second invocation sends only what is pending.
    """
    revision = require_approved(settings.db_url, revision_id)
    lifecycle.require_list(list_name)
    after = 0
    while True:  # bounded: each page moves the cursor past QUEUE_PAGE ids
        with session_scope(settings.db_url) as session:
            page = [row.id for row in lifecycle.active_batch(session, list_name,
                                                             after_id=after, limit=QUEUE_PAGE)]
            ledger.enqueue(session, revision_id, list_name, page)
        if len(page) < QUEUE_PAGE:
            break
        after = page[-1]
    spans: list[tuple[int, int]] = []
    with session_scope(settings.db_url) as session:
        open_ids = session.scalars(  # streamed: memory stays flat as the list grows
            select(DeliveryRow.subscriber_id)
            .where(DeliveryRow.edition_id == revision.edition_id,
                   DeliveryRow.list_name == list_name,
                   DeliveryRow.state.in_([State.PENDING, State.SENDING]))
            .order_by(DeliveryRow.subscriber_id).execution_options(yield_per=QUEUE_PAGE))
        for n, subscriber_id in enumerate(open_ids):
            if n % options.batch_size == 0:
                spans.append((subscriber_id, subscriber_id))
            else:
                spans[-1] = (spans[-1][0], subscriber_id)
    return spans


def send_batch(settings: Settings, prepared: Prepared, transport: Transport,
               span: tuple[int, int], options: SendOptions, *,
               sleep: Callable[[float], None] = time.sleep) -> BatchResult:
    """Send the open rows with subscriber ids in ``span`` (inclusive); see the module doc."""
    lo, hi = span
    result = BatchResult()
    errors_in_a_row = 0
    for attempt in range(options.retry_passes):
        if attempt:
            sleep(options.retry_delay_s)
        retried = 0
        after = lo - 1
        while True:  # bounded: every chunk moves the cursor forward
            chunk = _claim_chunk(settings.db_url, prepared, after, hi, options)
            if not chunk:
                break
            after = chunk[-1][0]
            with session_scope(settings.db_url) as session:
                active = lifecycle.lock_active(session, [sid for sid, _ in chunk])
                for subscriber_id, msg_id in chunk:
                    if errors_in_a_row >= options.pause_after:  # claimed, never pushed
                        ledger.mark_retry(session, prepared.edition_id, subscriber_id,
                                          reply="not tried: the delivery paused")
                        retried += 1
                        continue
                    row = active.get(subscriber_id)
                    if row is None:
                        ledger.mark_skipped(session, prepared.edition_id, subscriber_id,
                                            reason="no longer active")
                        result.skipped += 1
                        continue
                    outcome = transport.push(_envelope(prepared, row, msg_id))
                    if outcome.verdict is Verdict.ACCEPTED:
                        ledger.mark_sent(session, prepared.edition_id, subscriber_id,
                                         reply=outcome.reply)
                        result.sent += 1
                        errors_in_a_row = 0
                        continue
                    errors_in_a_row += 1
                    result.replies.append(outcome.reply)
                    if outcome.verdict is Verdict.PERMANENT:
                        ledger.mark_failed(session, prepared.edition_id, subscriber_id,
                                           reply=outcome.reply)
                        result.failed += 1
                    else:
                        ledger.mark_retry(session, prepared.edition_id, subscriber_id,
                                          reply=outcome.reply)
                        retried += 1
                transport.flush()
            if errors_in_a_row >= options.pause_after:
                reason = (f"{errors_in_a_row} consecutive SMTP errors, the last: "
                          f"{result.replies[-1]}")
                with session_scope(settings.db_url) as session:
                    ledger.pause(session, prepared.edition_id, reason)
                raise DeliveryPaused(f"edition {prepared.edition_key}: delivery paused after "
                                     f"{reason} (resume: newsdesk delivery resume)")
        result.pending = retried
        if not retried:
            break
    return result


def send(settings: Settings, revision_id: int, list_name: str, transport: Transport,
         options: SendOptions) -> Report:
    """The whole delivery in this process (the CLI): plan, then every range in turn."""
    spans = plan(settings, revision_id, list_name, options)
    prepared = prepare(settings, revision_id, list_name)
    try:
        for span in spans:
            outcome = send_batch(settings, prepared, transport, span, options)
            log.info("subscribers %s-%s: %d sent, %d failed, %d skipped, %d pending",
                     span[0], span[1], outcome.sent, outcome.failed, outcome.skipped,
                     outcome.pending)
    finally:
        transport.close()
    with session_scope(settings.db_url) as session:
        return ledger.report(session, prepared.edition_id)


def send_test_copies(settings: Settings, revision_id: int, transport: Transport) -> int:
    """The revision, marked "[TEST]", to every active editor; returns how many were sent.

    Recorded in ``test_copies`` (never delivery); once per revision and editor, so a re-run
    of the review step mails nobody twice.
    """
    secret = tokens.require_secret(settings.secret)
    revision = load_revision(settings.db_url, revision_id)
    draft = preview_snapshot(revision)
    snapshot = draft.model_copy(update={"subject": f"[TEST] {draft.subject}"})
    prepared = _prepared(settings, revision.edition_id, revision.edition_key, revision.id,
                         snapshot, ledger.TEST_LIST, secret)
    sent = 0
    try:
        for editor in _all_active(settings.db_url, ledger.TEST_LIST):
            msg_id = message_id(secret, f"test.{revision.id}", revision.edition_id, editor.id,
                                prepared.sender.domain)
            with session_scope(settings.db_url) as session:
                if not ledger.claim_test_copy(session, revision.id, editor.id,
                                              message_id=msg_id):
                    continue
            outcome = transport.push(_envelope(prepared, editor, msg_id))
            with session_scope(settings.db_url) as session:
                ledger.finish_test_copy(session, revision.id, editor.id, reply=outcome.reply)
            sent += outcome.accepted
    finally:
        transport.close()
    return sent


def report(settings: Settings, edition_id: int) -> Report:
    with session_scope(settings.db_url) as session:
        return ledger.report(session, edition_id)


def _prepared(settings: Settings, edition_id: int, edition_key: str, revision_id: int,
              snapshot: EditionSnapshot, list_name: str, secret: str) -> Prepared:
    rendered = render_edition(snapshot, settings.templates_dir)
    domain = snapshot.from_address.rpartition("@")[2]
    sender = Sender(name=snapshot.sender_name, address=snapshot.from_address,
                    list_id=f"{snapshot.title} <{list_name}.{domain}>",
                    reply_to=settings.reply_to, dkim=_dkim_key(settings, domain))
    template = MessageTemplate(subject=snapshot.subject, sender=sender,
                               text=rendered.email_text, html_body=rendered.email_html,
                               boundary=f"=_newsdesk_{snapshot.digest[:32]}")
    return Prepared(edition_id=edition_id, edition_key=edition_key, revision_id=revision_id,
                    template=template, sender=sender, secret=secret,
                    public_url=settings.public_url)


def _dkim_key(settings: Settings, domain: str) -> DkimKey | None:
    if settings.dkim_key_file is None and settings.dkim_selector is None:
        return None
    if settings.dkim_key_file is None or not settings.dkim_selector:
        raise ConfigError("DKIM: set both NEWSDESK_DKIM_KEY_FILE and NEWSDESK_DKIM_SELECTOR")
    try:
        key = settings.dkim_key_file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"DKIM key {settings.dkim_key_file}: {exc.strerror}") from exc
    return DkimKey(selector=settings.dkim_selector, domain=domain, private_key=key)


def _claim_chunk(db_url: str, prepared: Prepared, after: int, upto: int,
                 options: SendOptions) -> list[tuple[int, str]]:
    """Claim the next chunk and commit; (subscriber id, Message-ID) of each row claimed."""
    with session_scope(db_url) as session:
        reason = ledger.paused(session, prepared.edition_id)
        if reason is not None:
            raise DeliveryPaused(f"edition {prepared.edition_key}: delivery is paused "
                                 f"({reason}); resume: newsdesk delivery resume")
        now = datetime.now(UTC)
        claimed: list[tuple[int, str]] = []
        for subscriber_id in ledger.claimable(session, prepared.edition_id, after=after,
                                              upto=upto, limit=options.in_flight,
                                              lease=options.lease, now=now):
            msg_id = message_id(prepared.secret, prepared.edition_key, prepared.edition_id,
                                subscriber_id, prepared.sender.domain)
            if ledger.claim(session, prepared.edition_id, subscriber_id, message_id=msg_id,
                            now=now):
                claimed.append((subscriber_id, msg_id))
                continue
            stored = ledger.reclaim(session, prepared.edition_id, subscriber_id,
                                    lease=options.lease, now=now)
            if stored is not None:
                log.warning("subscriber %s: re-sending a message left in flight by an "
                            "earlier attempt (same Message-ID %s)", subscriber_id, stored)
                claimed.append((subscriber_id, stored))
        return claimed


def _envelope(prepared: Prepared, row: SubscriberRow, msg_id: str) -> Envelope:
    token = tokens.sign(prepared.secret, Purpose.UNSUBSCRIBE, lifecycle.subject_of(row))
    recipient = Recipient(address=row.email, name=row.name,
                          unsubscribe_url=links.unsubscribe_url(prepared.public_url, token),
                          unsubscribe_mailto=links.unsubscribe_mailto(prepared.sender.address,
                                                                      token),
                          message_id=msg_id)
    data = prepared.template.render(recipient, date=datetime.now(UTC))
    return Envelope(sender=prepared.sender.address, recipient=row.email, data=data)


def _all_active(db_url: str, list_name: str) -> Iterator[SubscriberRow]:
    after = 0
    while True:  # bounded: the cursor moves past every page
        with session_scope(db_url) as session:
            page = list(lifecycle.active_batch(session, list_name, after_id=after,
                                               limit=QUEUE_PAGE))
        yield from page
        if len(page) < QUEUE_PAGE:
            return
        after = page[-1].id
