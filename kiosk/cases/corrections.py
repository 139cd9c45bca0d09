"""Correcting a known person: only the fields picked change, and each correction is recorded.

One rule for the desk, the command line and a merge: a field of a person already known
changes only when it is named (the officer picked the new value, ``baom intake submit
--update FIELD``, ``baom person rectify``, a merge completing the kept person); an empty
value never erases one. Every correction is one :class:`~db.cases.PersonChange` on the
timeline of the person's cases, keeping the values it replaced and the reason given (part
of the person's record, which the person may read: ``baom person export``), and one audit
entry (``person_corrected``) naming the fields and never a value: the audit trail is kept
longer than the case and read by supervisors.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from db.base import json_value
from db.cases import Person, PersonChange
from db.uow import UnitOfWork

CORRECTED = "person_corrected"
"""The audit action and the timeline kind of a correction."""


@dataclass(frozen=True)
class Difference:
    """A field whose new value is not the one the person has."""

    field: str
    existing: object
    new: object

    def as_json(self) -> dict[str, Any]:
        """``{"field", "existing", "new"}``."""
        return {"field": self.field, "existing": self.existing, "new": self.new}


@dataclass(frozen=True)
class Correction:
    """What a correction did: the fields changed and the fields that kept their value."""

    changed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()


def _empty(value: object) -> bool:
    return value is None or value == ""


def differences(person: Person, new: Mapping[str, object]) -> list[Difference]:
    """The fields of ``new`` (column → value) whose value differs from the person's; an
    empty new value is no difference (it never erases)."""
    return [
        Difference(field, getattr(person, field), value)
        for field, value in new.items()
        if not _empty(value) and getattr(person, field) != value
    ]


def correct_person(
    uow: UnitOfWork,
    person: Person,
    new: Mapping[str, object],
    update: Collection[str],
    reason: str = "",
) -> Correction:
    """Give ``person`` the new values of the fields named in ``update``; the others keep
    theirs. A change is recorded with the values replaced and ``reason`` (see the module);
    the caller indexes the person again."""
    found = differences(person, new)
    changed = tuple(item.field for item in found if item.field in update)
    kept = tuple(item.field for item in found if item.field not in update)
    if changed:
        previous = {item.field: json_value(item.existing) for item in found if item.field in update}
        for item in found:
            if item.field in update:
                setattr(person, item.field, item.new)
        uow.add(person)
        fields = " ".join(changed)
        uow.add(
            PersonChange(
                person_id=person.id,
                fields=fields,
                previous=json.dumps(previous, ensure_ascii=False, sort_keys=True),
                reason=reason,
                author=uow.actor.name,
            )
        )
        uow.audit(CORRECTED, person, detail=fields)
    return Correction(changed, kept)
