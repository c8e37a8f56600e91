"""A generated corpus with known duplicates, to measure the engine (bench and tests).

Real partner feeds carry no ground truth, so precision and recall are measured on items
made here: "things" (events, news) from invented but realistic titles, each announced by
one partner and, for a known share, re-announced by others with the variations seen in
practice (words reordered, a partner label added, case and punctuation changed, summary
edited, the start given in another zone or as all-day, the place left out, a joint-event
title). Hard negatives are separate things made to look alike: the same title on another
date, the same title on the same day in another city or online, the same news title with
another summary. The archive grows at a constant rate per day (``items_per_day``), as a
real one does, so 10x the items spans 10x the days.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from newsdesk.dedupe.records import DedupeRecord

PARTNERS = {
    "aapa": "AAPA", "eropa": "EROPA", "nispacee": "NISPAcee", "ipac": "IPAC",
    "iias": "IIAS-IASIA", "clad": "CLAD", "mbrsg": "MBRSG", "inap": "INAP",
    "sanpa": "SANPA", "alga": "ALGA", "escwa": "ESCWA", "respa": "ReSPA", "icap": "ICAP",
    "undesa": "DPIDG", "cafrad": "CAFRAD", "capam": "CAPAM",
}
CITIES = [
    ("Jakarta", "Indonesia"), ("Bucharest", "Romania"), ("Tbilisi", "Georgia"),
    ("Ljubljana", "Slovenia"), ("Manila", "Philippines"), ("Ottawa", "Canada"),
    ("Brussels", "Belgium"), ("Mexico City", "Mexico"), ("Dubai", "United Arab Emirates"),
    ("Beirut", "Lebanon"), ("Rabat", "Morocco"), ("Nairobi", "Kenya"), ("Seoul", "Korea"),
    ("Bangkok", "Thailand"), ("Kathmandu", "Nepal"), ("Danilovgrad", "Montenegro"),
    ("San José", "Costa Rica"), ("Lisbon", "Portugal"), ("New York", "United States"),
    ("Geneva", "Switzerland"), ("Tallinn", "Estonia"), ("Skopje", "North Macedonia"),
    ("Accra", "Ghana"), ("Kigali", "Rwanda"), ("Hanoi", "Viet Nam"), ("Lima", "Peru"),
]
ZONES = ["Asia/Jakarta", "Europe/Bucharest", "America/Toronto", "Asia/Dubai",
         "America/Mexico_City", "Africa/Nairobi", "Asia/Seoul", "Europe/Brussels"]
EVENT_TYPES = ["Conference", "Workshop", "Webinar", "Forum", "Seminar", "Training Course",
               "Expert Group Meeting", "Summit", "Symposium", "Policy Dialogue"]
TOPIC = [
    "digital", "transformation", "public", "service", "delivery", "citizen", "trust", "open",
    "data", "e-participation", "anti-corruption", "integrity", "fiscal", "transparency",
    "local", "governance", "decentralisation", "climate", "resilience", "disaster", "risk",
    "innovation", "labs", "artificial", "intelligence", "ethics", "cybersecurity",
    "procurement", "reform", "civil", "service", "leadership", "gender", "equality", "youth",
    "engagement", "evidence-based", "policymaking", "performance", "budgeting",
    "accountability", "audit", "institutions", "water", "sanitation", "health", "systems",
    "education", "migration", "urbanisation", "smart", "cities", "rural", "development",
    "social", "protection", "poverty", "eradication", "inclusion", "accessibility",
    "statistics", "foresight", "futures", "literacy", "mentoring", "curriculum", "competencies",
    "ombudsman", "justice", "rule", "law", "parliaments", "elections", "municipal", "finance",
    "taxation", "debt", "infrastructure", "energy", "transition", "biodiversity", "oceans",
    "tourism", "heritage", "culture", "sport", "volunteering", "philanthropy", "cooperatives",
    "entrepreneurship", "startups", "blockchain", "interoperability", "registries", "identity",
    "payments", "broadband", "connectivity", "platforms", "algorithms", "automation",
    "workforce", "pensions", "housing", "transport", "mobility", "logistics", "agriculture",
    "food", "security", "nutrition", "pandemic", "recovery", "vaccination", "emergencies",
    "peacebuilding", "diplomacy", "multilateralism", "regionalism"
]
NEWS_VERBS = ["launches", "publishes", "announces", "welcomes", "celebrates", "releases",
              "opens call for", "signs agreement on", "hosts dialogue on", "awards prize for"]
FILLER = [
    "the", "network", "members", "partners", "officials", "experts", "researchers",
    "practitioners", "discussed", "shared", "presented", "reviewed", "lessons", "experiences",
    "recommendations", "findings", "across", "region", "countries", "ministries", "agencies",
    "academies", "schools", "universities", "programme", "session", "participants", "agreed",
    "next", "steps", "follow-up", "cooperation", "exchange", "knowledge", "capacity"
]


@dataclass(frozen=True)
class Corpus:
    """Generated records and, for each record id, the id of the thing it reports."""

    records: list[DedupeRecord]
    truth: dict[int, int]


def _topic(rng: random.Random, n: int) -> list[str]:
    return rng.sample(TOPIC, n)


def _summary(rng: random.Random, topic: list[str]) -> str:
    sentences = []
    for _ in range(rng.randint(3, 5)):
        words = rng.sample(FILLER, 6) + rng.sample(topic + rng.sample(TOPIC, 3), 3)
        rng.shuffle(words)
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def _edit_title(rng: random.Random, title: str, partner_short: str) -> str:
    choice = rng.randrange(4)
    if choice == 0:
        words = title.split()
        head, tail = words[:2], words[2:]
        rng.shuffle(tail)
        return " ".join(tail + head)
    if choice == 1:
        return f"{partner_short}: {title}" if rng.random() < 0.5 else f"[{partner_short}] {title}"
    if choice == 2:
        return title.upper() if rng.random() < 0.3 else title.replace(" on ", ": ").lower()
    return f"{title}!" if rng.random() < 0.5 else title.replace(" and ", " & ")


def _edit_summary(rng: random.Random, summary: str) -> str:
    sentences = summary.split(". ")
    if len(sentences) > 3 and rng.random() < 0.5:
        sentences.pop()
    words = " ".join(sentences).split()
    for _ in range(rng.randint(0, 3)):
        words[rng.randrange(len(words))] = rng.choice(FILLER)
    return " ".join(words)


class _Builder:
    def __init__(self, seed: int, items_per_day: int) -> None:
        self.rng = random.Random(seed)
        self.items_per_day = items_per_day
        self.records: list[DedupeRecord] = []
        self.truth: dict[int, int] = {}
        self.things = 0
        self.epoch = datetime(2020, 1, 1, tzinfo=UTC)

    def add(self, record: DedupeRecord, thing: int) -> None:
        record = replace(record, id=len(self.records) + 1)
        self.records.append(record)
        self.truth[record.id] = thing

    def new_thing(self) -> int:
        self.things += 1
        return self.things

    def day(self, total: int) -> datetime:
        days = max(total // self.items_per_day, 1)
        return self.epoch + timedelta(days=self.rng.randrange(days))

    def event(self, total: int) -> None:
        rng = self.rng
        partner = rng.choice(list(PARTNERS))
        short = PARTNERS[partner]
        start = self.day(total)
        length = rng.choice([0, 0, 1, 2])
        city, country = rng.choice(CITIES)
        online = rng.random() < 0.25
        year = start.year
        title = (f"{short} {rng.choice(['', 'Annual ', 'Regional ', 'International '])}"
                 f"{rng.choice(EVENT_TYPES)} on {' and '.join(_topic(rng, rng.randint(2, 3)))}"
                 f"{f' {year}' if rng.random() < 0.4 else ''}").replace("  ", " ")
        base = DedupeRecord(
            id=0, partner_id=partner, kind="event", title=title,
            first_seen=start - timedelta(days=rng.randint(10, 60)),
            summary_text=_summary(rng, title.split()[-3:]), starts_at=start,
            ends_at=start + timedelta(days=length), all_day=True,
            city=None if online else city, country=None if online else country,
            online=online, organizer=short, has_url=True, canonical_url=None,
            content_hash=f"h{self.things + 1}",
        )
        thing = self.new_thing()
        self.add(base, thing)
        if rng.random() < 0.3:
            for _ in range(rng.choice([1, 1, 2])):
                self.add(self._event_variant(base), thing)
        if rng.random() < 0.1:
            self._event_look_alike(base)

    def _event_variant(self, base: DedupeRecord) -> DedupeRecord:
        rng = self.rng
        partner = rng.choice([p for p in PARTNERS if p != base.partner_id])
        short = PARTNERS[partner]
        assert base.starts_at is not None and base.ends_at is not None
        joint = not base.online and base.city is not None and rng.random() < 0.1
        if joint:  # a partner's own title for a co-organised event, naming the city
            kind = next(t for t in EVENT_TYPES if t in base.title)
            title = (f"{short}–{PARTNERS[base.partner_id]} Joint {kind} "
                     f"{base.starts_at.year}, {base.city}")
        else:
            title = _edit_title(rng, base.title, short)
        timed = rng.random() < 0.5
        zone = rng.choice(ZONES)
        starts_at, ends_at = base.starts_at, base.ends_at
        if timed:  # 09:00 to 17:00 local on the same days, some zone in Asia, Europe, America
            local = ZoneInfo(zone)
            starts_at = starts_at.replace(hour=9, tzinfo=local).astimezone(UTC)
            ends_at = ends_at.replace(hour=17, tzinfo=local).astimezone(UTC)
        keep_place = joint or rng.random() < 0.7
        return replace(
            base, partner_id=partner, title=title, all_day=not timed,
            event_tz=zone if timed and rng.random() < 0.5 else None,
            starts_at=starts_at, ends_at=ends_at,
            city=base.city if keep_place else None,
            country=base.country if keep_place else None,
            summary_text=_edit_summary(rng, base.summary_text) if rng.random() < 0.7 else "",
            organizer=None, has_url=rng.random() < 0.8,
            first_seen=base.first_seen + timedelta(days=rng.randint(0, 20)),
            content_hash=f"v{len(self.records)}",
        )

    def _event_look_alike(self, base: DedupeRecord) -> None:
        rng = self.rng
        assert base.starts_at is not None and base.ends_at is not None
        kind = rng.randrange(3)
        if kind == 0:  # the same title on another date (another edition, a rerun)
            shift = timedelta(days=rng.choice([-365, -30, -7, 7, 14, 30, 365]))
            twin = replace(base, starts_at=base.starts_at + shift, ends_at=base.ends_at + shift)
        elif kind == 1:  # the same title on the same day in another city
            city, country = rng.choice([c for c in CITIES if c[0] != base.city])
            twin = replace(base, city=city, country=country, online=False)
        else:  # the same title online, on the same day, as a separate session
            twin = replace(base, online=not base.online, city=None if not base.online else
                           rng.choice(CITIES)[0])
        self.add(replace(twin, summary_text=_summary(rng, base.title.split()[-3:]),
                         content_hash=f"n{len(self.records)}"), self.new_thing())

    def news(self, total: int) -> None:
        rng = self.rng
        partner = rng.choice(list(PARTNERS))
        short = PARTNERS[partner]
        topic = _topic(rng, rng.randint(3, 4))
        title = f"{short} {rng.choice(NEWS_VERBS)} {' '.join(topic)}"
        published = self.day(total) + timedelta(hours=rng.randint(0, 23))
        base = DedupeRecord(
            id=0, partner_id=partner, kind=rng.choice(["news", "news", "publication"]),
            title=title, first_seen=published + timedelta(hours=rng.randint(1, 30)),
            canonical_url=f"https://{partner}.example.org/news/{self.things + 1}",
            content_hash=f"c{self.things + 1}", summary_text=_summary(rng, topic),
            published_at=published, has_url=True,
        )
        thing = self.new_thing()
        self.add(base, thing)
        if rng.random() < 0.25:
            for _ in range(rng.choice([1, 1, 2])):
                other = rng.choice([p for p in PARTNERS if p != partner])
                shift = timedelta(days=rng.randint(0, 10), hours=rng.randint(0, 23))
                exact = rng.random() < 0.15
                self.add(replace(
                    base, partner_id=other,
                    title=base.title if exact else _edit_title(rng, base.title, PARTNERS[other]),
                    summary_text=base.summary_text if exact else _edit_summary(
                        rng, base.summary_text),
                    canonical_url=base.canonical_url if rng.random() < 0.2 else
                    f"https://{other}.example.org/r/{len(self.records)}",
                    content_hash=base.content_hash if exact else f"d{len(self.records)}",
                    published_at=published + shift, first_seen=base.first_seen + shift,
                ), thing)
        if rng.random() < 0.05:  # the same title, another story, days later
            self.add(replace(
                base, summary_text=_summary(rng, _topic(rng, 3)),
                canonical_url=f"https://{partner}.example.org/news/x{len(self.records)}",
                content_hash=f"x{len(self.records)}",
                published_at=published + timedelta(days=rng.randint(1, 10)),
            ), self.new_thing())


def generate_corpus(size: int, *, seed: int = 7, items_per_day: int = 40,
                    event_share: float = 0.4) -> Corpus:
    """About ``size`` records (a few more at most), deterministic for a seed."""
    builder = _Builder(seed, items_per_day)
    while len(builder.records) < size:
        if builder.rng.random() < event_share:
            builder.event(size)
        else:
            builder.news(size)
    return Corpus(records=builder.records, truth=builder.truth)


def pairwise_scores(clusters: list[tuple[int, ...]], truth: dict[int, int]
                    ) -> tuple[float, float]:
    """Pairwise precision and recall of ``clusters`` against the generator's truth."""
    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    predicted = sum(pairs(len(c)) for c in clusters)
    true_sizes: dict[int, int] = {}
    for thing in truth.values():
        true_sizes[thing] = true_sizes.get(thing, 0) + 1
    actual = sum(pairs(n) for n in true_sizes.values())
    correct = 0
    for members in clusters:
        overlap: dict[int, int] = {}
        for item in members:
            overlap[truth[item]] = overlap.get(truth[item], 0) + 1
        correct += sum(pairs(n) for n in overlap.values())
    precision = correct / predicted if predicted else 1.0
    recall = correct / actual if actual else 1.0
    return precision, recall
