"""Finding a person before creating one: by name across scripts, phone, birth year, case code.

Names are matched on their skeleton keys (``kiosk.persons.matching``): the keys of every
person's name are kept in ``person_key`` and a search looks them up by prefix, then ranks the
candidates by name similarity. Merged persons are never found.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from db.cases import Case, CaseStatus, Person, PersonKey
from db.uow import UnitOfWork
from kiosk.accounts import Permission, require
from kiosk.cases.codes import CodeError, normalise_code
from kiosk.cases.errors import CaseWorkError
from kiosk.persons.matching import name_keys, name_similarity, search_terms
from kiosk.persons.phones import phone_search_key

LIKELY_SAME_NAME = 0.85
CANDIDATES_PER_TERM = 2000


@dataclass(frozen=True)
class PersonHit:
    """A person found, with why: the score of the name and what else matched."""

    person: dict[str, Any]
    score: float
    matched: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        """The hit as JSON: the person's fields, the score and what matched."""
        return {**self.person, "score": round(self.score, 3), "matched": list(self.matched)}


def full_name(person: Person) -> str:
    """Given name then family name, as the officer reads them."""
    return " ".join(part for part in (person.given_name, person.family_name) if part)


def person_view(person: Person, cases: list[Case] | None = None) -> dict[str, Any]:
    """A person as JSON (with the codes of their cases when given)."""
    view: dict[str, Any] = {
        "person_id": str(person.id),
        "given_name": person.given_name,
        "family_name": person.family_name,
        "sex": person.sex,
        "birth_year": person.birth_year,
        "nationality": person.nationality,
        "category": person.category,
        "commune": person.commune,
        "phone": person.phone,
        "language": person.language,
    }
    if cases is not None:
        view["cases"] = [
            {"case_id": str(case.id), "code": case.code, "status": CaseStatus(case.status).value}
            for case in cases
        ]
    return view


def index_person(session: Session, person: Person) -> None:
    """Rebuild the search keys of ``person``'s name (call after writing the name)."""
    session.execute(delete(PersonKey).where(PersonKey.person_id == person.id))
    keys = name_keys(full_name(person))
    if keys and person.merged_into_id is None:
        session.execute(insert(PersonKey), [{"person_id": person.id, "key": k} for k in keys])


def _ids_for_term(session: Session, term: str) -> set[uuid.UUID]:
    rows = session.scalars(
        select(PersonKey.person_id)
        .where(PersonKey.key >= term, PersonKey.key < term + "\uffff")
        .limit(CANDIDATES_PER_TERM)
    )
    return set(rows)


def _split_query(query: str) -> tuple[list[str], int | None, str | None]:
    words, year, phone_digits = [], None, []
    for word in query.split():
        if word.isdigit() and len(word) == 4 and 1900 <= int(word) <= 2100:
            year = int(word)
        elif (
            any(character.isdigit() for character in word)
            and word.lstrip("+").replace("-", "").replace(".", "").isdigit()
        ):
            phone_digits.append(word)
        else:
            words.append(word)
    phone = phone_search_key(" ".join(phone_digits)) if phone_digits else None
    return words, year, phone


def _by_case_code(session: Session, query: str) -> list[PersonHit]:
    try:
        code = normalise_code(query)
    except CodeError:
        return []
    case = session.scalar(select(Case).where(Case.code == code))
    if case is None:
        return []
    person = session.get(Person, case.person_id)
    if person is None:
        return []
    return [PersonHit(person_view(person), 1.0, ("case_code",))]


def search_persons(session: Session, query: str, limit: int = 20) -> list[PersonHit]:
    """Persons matching ``query``: name words (any script), a phone, a birth year, a case code.

    Every name word must match (the last may be the beginning of a name); a phone matches
    on its digits; a year of four digits keeps the persons born that year.
    """
    query = query.strip()
    if not query:
        return []
    by_code = _by_case_code(session, query)
    if by_code:
        return by_code
    words, year, phone = _split_query(query)
    statement = select(Person).where(Person.merged_into_id.is_(None))
    matched: list[str] = []
    terms = search_terms(" ".join(words))
    if terms:
        ids: set[uuid.UUID] | None = None
        for term in terms:
            found = _ids_for_term(session, term)
            ids = found if ids is None else ids & found
        if not ids:
            return []
        statement = statement.where(Person.id.in_(ids))
        matched.append("name")
    if phone:
        if phone.startswith("+"):
            statement = statement.where(Person.phone == phone)
        else:
            statement = statement.where(Person.phone.contains(phone))
        matched.append("phone")
    if year is not None:
        statement = statement.where(Person.birth_year == year)
        matched.append("birth_year")
    if not matched:
        return []
    people = session.scalars(statement.limit(CANDIDATES_PER_TERM)).all()
    name_query = " ".join(words)
    hits = [
        PersonHit(
            person_view(person),
            name_similarity(name_query, full_name(person)) if name_query else 1.0,
            tuple(matched),
        )
        for person in people
    ]
    hits.sort(key=lambda hit: (-hit.score, hit.person["family_name"], hit.person["given_name"]))
    return hits[:limit]


def likely_duplicates(
    session: Session,
    given_name: str,
    family_name: str,
    birth_year: int | None = None,
    phone: str = "",
) -> list[PersonHit]:
    """Persons who are probably the one about to be created: same phone, or a name that
    reads the same with a birth year within a year (or unknown)."""
    hits: dict[uuid.UUID, PersonHit] = {}
    if phone:
        for person in session.scalars(
            select(Person).where(Person.phone == phone, Person.merged_into_id.is_(None))
        ):
            hits[person.id] = PersonHit(person_view(person), 1.0, ("phone",))
    name = f"{given_name} {family_name}".strip()
    keys = name_keys(name)
    if keys:
        ids = set(
            session.scalars(select(PersonKey.person_id).where(PersonKey.key.in_(keys)).limit(500))
        )
        for person in session.scalars(select(Person).where(Person.id.in_(ids))):
            if person.id in hits or person.merged_into_id is not None:
                continue
            score = name_similarity(name, full_name(person))
            close_year = (
                birth_year is None
                or person.birth_year is None
                or abs(person.birth_year - birth_year) <= 1
            )
            if score >= LIKELY_SAME_NAME and close_year:
                hits[person.id] = PersonHit(person_view(person), score, ("name",))
    return sorted(hits.values(), key=lambda hit: -hit.score)


class MergeError(CaseWorkError):
    """Two persons that cannot be merged; the message says why."""


def merge_persons(uow: UnitOfWork, keep_id: uuid.UUID, merged_id: uuid.UUID) -> int:
    """Merge ``merged_id`` into ``keep_id`` (a supervisor's act): its cases move over.

    The merged person stays, marked, for the audit trail. Returns the number of cases moved.
    """
    require(uow.actor, Permission.MERGE_PERSONS)
    if keep_id == merged_id:
        raise MergeError("a person cannot be merged into themselves")
    session = uow.session
    keep, merged = session.get(Person, keep_id), session.get(Person, merged_id)
    if keep is None or merged is None:
        raise MergeError(f"no person {keep_id if keep is None else merged_id}")
    if keep.merged_into_id is not None or merged.merged_into_id is not None:
        raise MergeError("one of the two persons was merged already")
    cases = session.scalars(select(Case).where(Case.person_id == merged.id)).all()
    for case in cases:
        case.person_id = keep.id
        uow.add(case)
    for field in ("phone", "nationality", "commune", "language", "sex", "category"):
        if not getattr(keep, field) and getattr(merged, field):
            setattr(keep, field, getattr(merged, field))
    if keep.birth_year is None:
        keep.birth_year = merged.birth_year
    merged.merged_into_id = keep.id
    uow.add(keep)
    uow.add(merged)
    session.execute(delete(PersonKey).where(PersonKey.person_id == merged.id))
    uow.audit("merge", merged, detail=f"merged into {keep.id}")
    return len(cases)
