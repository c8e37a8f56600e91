"""Cross-partner deduplication: items in, clusters of "the same thing" out.

Nothing is deleted: duplicates are grouped into clusters and the newsletter shows each
cluster once, by its representative. The engine is pure (records in, clusters out);
``newsdesk.store.clusters`` wires it to the staging database. Rules and thresholds are
described in ``docs/dedupe.md``.
"""

from newsdesk.dedupe.clustering import cluster_records
from newsdesk.dedupe.records import Cluster, DedupeRecord, PartnerNames, partner_names
from newsdesk.dedupe.representative import choose_representative
from newsdesk.dedupe.thresholds import Thresholds

__all__ = [
    "Cluster",
    "DedupeRecord",
    "PartnerNames",
    "Thresholds",
    "choose_representative",
    "cluster_records",
    "partner_names",
]
