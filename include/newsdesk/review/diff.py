"""What changed between two revisions: items added, removed, moved and edited.

Pure (two snapshots in, a record out): the plugin's diff page, the "new since the last
revision" note of a save and the CLI's ``review diff`` all read this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsdesk.edition.snapshot import EditionSnapshot, SnapshotItem


@dataclass(frozen=True)
class ItemChange:
    item_id: int
    title: str
    detail: str


@dataclass(frozen=True)
class RevisionDiff:
    added: list[ItemChange] = field(default_factory=list)
    removed: list[ItemChange] = field(default_factory=list)
    moved: list[ItemChange] = field(default_factory=list)
    edited: list[ItemChange] = field(default_factory=list)
    edition: list[str] = field(default_factory=list)  # subject, intro, preheader changes

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.moved or self.edited or self.edition)

    def summary(self) -> str:
        """One line: ``2 added, 1 removed, 0 moved, 1 edited``."""
        parts = [f"{len(self.added)} added", f"{len(self.removed)} removed",
                 f"{len(self.moved)} moved", f"{len(self.edited)} edited"]
        if self.edition:
            parts.append(", ".join(self.edition) + " changed")
        return ", ".join(parts)


def _positions(snapshot: EditionSnapshot) -> dict[int, tuple[str, int, SnapshotItem]]:
    return {item.item_id: (section.key, index, item)
            for section in snapshot.sections for index, item in enumerate(section.items)}


def diff_snapshots(old: EditionSnapshot, new: EditionSnapshot) -> RevisionDiff:
    """Changes from ``old`` to ``new``, each list in the new (or old) reading order."""
    before, after = _positions(old), _positions(new)
    result = RevisionDiff()
    for item_id, (section, index, item) in after.items():
        if item_id not in before:
            result.added.append(ItemChange(item_id, item.title, f"in {section}"))
            continue
        old_section, old_index, old_item = before[item_id]
        if old_section != section:
            result.moved.append(ItemChange(item_id, item.title, f"{old_section} → {section}"))
        elif old_index != index:
            result.moved.append(ItemChange(item_id, item.title,
                                           f"{section}: #{old_index + 1} → #{index + 1}"))
        changed = [name for name in ("title", "summary")
                   if getattr(old_item, name) != getattr(item, name)]
        if changed:
            result.edited.append(ItemChange(item_id, item.title, " and ".join(changed)))
    for item_id, (section, _, item) in before.items():
        if item_id not in after:
            result.removed.append(ItemChange(item_id, item.title, f"from {section}"))
    result.edition.extend(name for name in ("subject", "intro", "preheader")
                          if getattr(old, name) != getattr(new, name))
    return result
