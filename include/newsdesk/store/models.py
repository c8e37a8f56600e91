"""The staging database schema (SQLAlchemy 2 typed ORM).

Alembic migrations in ``store/migrations`` create exactly these tables; a test compares
the migrated schema with this metadata so the two cannot drift.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend.

    SQLite has no time zones and PostgreSQL's ``timestamptz`` converts to the session zone;
    storing naive UTC and re-attaching UTC on the way out gives the same value on both.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: newsdesk stores aware UTC times only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class SourceRow(Base):
    """One registry source and what we remember between fetches (conditional GET)."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)  # registry.source_key
    partner_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[str | None] = mapped_column(String(16))
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)


class FetchLogRow(Base):
    """One line per fetch attempt: the source-health history operators look at."""

    __tablename__ = "fetch_log"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    source_id: Mapped[str] = mapped_column(String(200), index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16))  # ok | not_modified | failed
    http_status: Mapped[int | None] = mapped_column(Integer)
    bytes_read: Mapped[int] = mapped_column(BigInteger, default=0)
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    items_found: Mapped[int] = mapped_column(Integer, default=0)
    items_new: Mapped[int] = mapped_column(Integer, default=0)
    items_updated: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class ClusterRow(Base):
    """A set of items that report the same real-world thing; shown once, by its representative.

    The id is the smallest item id of the cluster, so it stays put as later reports join.
    """

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    representative_item_id: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ItemRow(Base):
    """One normalised item of one partner (see :class:`newsdesk.records.Item`)."""

    __tablename__ = "items"
    __table_args__ = (
        Index("ix_items_kind_published", "kind", "published_at"),
        Index("ix_items_kind_starts", "kind", "starts_at"),
        Index("ix_items_partner_guid", "partner_id", "guid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # sha256 of partner id and identity (canonical URL, else guid, else content hash).
    item_key: Mapped[str] = mapped_column(String(64), unique=True)
    # Queries by partner use the prefix of ix_items_partner_guid.
    partner_id: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str] = mapped_column(String(200))  # the source that first reported it
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    canonical_url: Mapped[str | None] = mapped_column(Text, index=True)
    guid: Mapped[str | None] = mapped_column(Text)
    summary_html: Mapped[str] = mapped_column(Text, default="")
    summary_text: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    event_tz: Mapped[str | None] = mapped_column(String(64))
    location: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(200))
    online: Mapped[bool | None] = mapped_column(Boolean)
    recurrence: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    organizer: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id"), index=True)

    sources: Mapped[list[ItemSourceRow]] = relationship(back_populates="item", lazy="selectin")


class ItemSourceRow(Base):
    """Provenance: every source that reported an item, with when."""

    __tablename__ = "item_sources"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[ItemRow] = relationship(back_populates="sources")


class ClusterSplitRow(Base):
    """An editor's "these are not the same": a cannot-link pair that clustering respects.

    Stored by item ids (``item_low < item_high``), not cluster ids, so it survives any
    re-clustering and re-ingest.
    """

    __tablename__ = "cluster_splits"
    __table_args__ = (UniqueConstraint("item_low", "item_high", name="uq_cluster_splits_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_low: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    item_high: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EditionRow(Base):
    """One newsletter issue (e.g. ``2020Q4``, ``quarterly``); its content lives in revisions."""

    __tablename__ = "editions"
    __table_args__ = (UniqueConstraint("key", "kind", name="uq_editions_key_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EditionRevisionRow(Base):
    """An immutable build of an edition: the snapshot a render reads, and nothing else.

    ``snapshot`` (canonical JSON), its SHA-256 and ``number`` never change after insert; a
    rebuild or an editor's save adds revision ``number + 1``. Only the review state moves,
    and only through ``newsdesk.review.lifecycle``, which writes a
    :class:`RevisionTransitionRow` for every move. The partial unique index makes "at most
    one approved revision per edition" a fact of the database, not only of the code.
    """

    __tablename__ = "edition_revisions"
    __table_args__ = (
        UniqueConstraint("edition_id", "number", name="uq_edition_revisions_number"),
        Index("uq_edition_revisions_one_approved", "edition_id", unique=True,
              sqlite_where=text("status = 'approved'"),
              postgresql_where=text("status = 'approved'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(24), default="draft")
    snapshot: Mapped[str] = mapped_column(Text)
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
    # JSON list of the email checks' findings when the revision was stored (empty: clean).
    check_findings: Mapped[str] = mapped_column(Text, default="[]")

    edition: Mapped[EditionRow] = relationship(lazy="joined", innerjoin=True)


class RevisionTransitionRow(Base):
    """The audit trail: one row per review-state move of a revision (who, when, from, to, why).

    ``from_status`` is NULL for the row written when the revision is created.
    ``content_sha256`` is the snapshot hash the actor saw; for an approval it is the hash
    the approval is bound to.
    """

    __tablename__ = "revision_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("edition_revisions.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))


class EditionEditRow(Base):
    """An editor's standing decision about one edition, applied on top of every build.

    ``target`` is ``edition`` (subject, intro) or ``item:<id>`` (item ids are stable across
    re-ingest: upserts keep them); ``field`` says what is decided (``excluded``,
    ``included``, ``place``, ``title``, ``summary``, ``subject``, ``intro``) and ``value``
    holds it as JSON. One row per decision: saving again replaces the value.
    """

    __tablename__ = "edition_edits"
    __table_args__ = (UniqueConstraint("edition_id", "target", "field",
                                       name="uq_edition_edits_decision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), index=True)
    target: Mapped[str] = mapped_column(String(32))
    field: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SubscriberRow(Base):
    """One address on one mailing list (``partners-newsletter``, ``cepa-members``, ``editors``).

    ``email`` is the address as normalised by email-validator (domain lower-cased, IDNA);
    ``email_key`` is its case-folded form and the uniqueness key per list, so
    ``Ana@UNPAN.org`` and ``ana@unpan.org`` are one subscriber. ``status`` moves through
    ``newsdesk.subscribers.lifecycle`` only: pending (asked, not confirmed), active,
    unsubscribed (``status_changed_at`` and ``status_via`` say when and how) or bounced.
    """

    __tablename__ = "subscribers"
    __table_args__ = (UniqueConstraint("list_name", "email_key", name="uq_subscribers_list_email"),
                      Index("ix_subscribers_list_status", "list_name", "status", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list_name: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(320))
    email_key: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[str] = mapped_column(String(16))
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_via: Mapped[str] = mapped_column(String(64))
    consent_source: Mapped[str] = mapped_column(String(200))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MonthlyEntryRow(Base):
    """One entry of a monthly update that editors wrote (on no website, so not scraped).

    Keyed by month and the entry's ``key`` (the import's identity: importing the same file
    again updates these rows, never adds). ``paragraphs`` and ``list_items`` are JSON lists
    of text already sanitised by ``newsdesk.normalize.sanitize``; ``parent_key`` makes this
    a lettered sub-item of another entry of the same month; ``sequence`` is the order in
    the file, which breaks ties between entries of the same date.
    """

    __tablename__ = "monthly_entries"
    __table_args__ = (UniqueConstraint("month", "key", name="uq_monthly_entries_month_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    key: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    paragraphs: Mapped[str] = mapped_column(Text)
    list_items: Mapped[str] = mapped_column(Text)
    list_after: Mapped[int | None] = mapped_column(Integer)
    more_details_url: Mapped[str | None] = mapped_column(Text)
    more_details_text: Mapped[str | None] = mapped_column(Text)
    parent_key: Mapped[str | None] = mapped_column(String(100))
    sequence: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeliveryRow(Base):
    """One edition's delivery to one subscriber: the ledger that makes sending exactly once.

    ``UNIQUE(edition_id, subscriber_id)`` is the guarantee, not the code: whichever revision
    of an edition reached a subscriber first, no later revision can get a second row for
    them. ``state`` moves only through ``newsdesk.delivery.ledger``: pending -> sending
    (claimed and committed before the SMTP transaction) -> sent | failed, pending -> skipped,
    and sending -> pending for a 4xx retried later. ``list_name`` is never ``editors``:
    test copies live in :class:`TestCopyRow` and never count as delivery.
    """

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("edition_id", "subscriber_id",
                                       name="uq_deliveries_edition_subscriber"),
                      Index("ix_deliveries_edition_state", "edition_id", "state", "subscriber_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("edition_revisions.id"))
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"))
    list_name: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[str | None] = mapped_column(String(255))
    smtp_reply: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TestCopyRow(Base):
    """A test copy of a revision sent to someone on the ``editors`` list before review.

    Kept apart from :class:`DeliveryRow` so a test copy can never count as delivery, nor
    block the real send to an editor who is also a subscriber of the list.
    """

    __tablename__ = "test_copies"
    __table_args__ = (Index("uq_test_copies_revision_subscriber", "revision_id", "subscriber_id",
                            unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("edition_revisions.id"), index=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"))
    message_id: Mapped[str | None] = mapped_column(String(255))
    smtp_reply: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeliveryPauseRow(Base):
    """An edition whose delivery paused itself (consecutive SMTP errors): every batch stops.

    Removed by ``newsdesk delivery resume``; until then no batch claims anyone, so a broken
    relay cannot burn through the list one mapped task after another.
    """

    __tablename__ = "delivery_pauses"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    paused_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RateLimitRow(Base):
    """How many requests one key made in one hour, for the public app's rate limit.

    ``key`` is ``kind:digest`` (an HMAC of the address or the client IP, never the value
    itself: the table must not become a list of who tried to subscribe). One row per key
    and hour, counted up by one conditional statement, so two requests at once cannot both
    read a count under the limit; rows of past hours are deleted as new ones arrive.
    """

    __tablename__ = "public_rate_limits"
    __table_args__ = (Index("ix_public_rate_limits_window", "window_start"),)

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)
