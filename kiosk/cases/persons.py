"""Finding a person before creating one: by name across scripts, phone, birth year, case code.

Names are matched on their skeleton keys (``kiosk.persons.matching``): the keys of every
person's name are kept in ``person_key`` and a search looks them up by prefix, then ranks the
candidates by name similarity. Merged, restricted and erased persons are never found
(:func:`listed`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, insert, or_, select
from sqlalchemy.orm import Session, aliased

from db.cases import Case, CaseStatus, Person, PersonKey
from db.uow import UnitOfWork
from kiosk.accounts import Permission, require
from kiosk.cases.codes import CodeError, normalise_code
from kiosk.cases.corrections import correct_person
from kiosk.cases.errors import CaseWorkError
from kiosk.persons.matching import name_keys, name_similarity, search_terms
from kiosk.persons.phones import national_significant_number, phone_search_key


def listed(person: type[Person] = Person) -> ColumnElement[bool]:
    """The persons that searches, lists and the duplicate finder show: not merged into
    another, not restricted, not erased (``kiosk.erasure``)."""
    return and_(
        person.merged_into_id.is_(None), person.restricted == "", person.erased_at.is_(None)
    )


LIKELY_SAME_NAME = 0.85
CANDIDATES = 100


@dataclass(frozen=True)
class PersonHit:
    """A person found, with why: the score of the name and what else matched."""

    person: dict[str, Any]
    score: float
    matched: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        """The hit as JSON: the person's fields, the score and what matched."""
        return {**self.person, "score": round(self.score, 3), "matched": list(self.matched)}


NAME_FIELDS = ("given_name", "family_name", "given_name_ar", "family_name_ar")
"""The columns of a person's name: in Latin letters, then in Arabic letters."""


def _joined(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def written_names(fields: Mapping[str, Any]) -> tuple[str, ...]:
    """The names in ``fields`` (a person's view, or answers keyed by column), given then
    family: in Latin letters, then in Arabic letters (only those known)."""
    latin, arabic = NAME_FIELDS[:2], NAME_FIELDS[2:]
    written = (_joined(*(str(fields.get(key) or "") for key in pair)) for pair in (latin, arabic))
    return tuple(name for name in written if name)


def names(person: Person) -> tuple[str, ...]:
    """The person's names (see :func:`written_names`)."""
    return written_names({key: getattr(person, key) for key in NAME_FIELDS})


def name_line(fields: Mapping[str, Any]) -> str:
    """The names of ``fields`` as one line of text, the Latin one first ("Mohamed Amine ·
    محمد أمين"): a list of the command line, a draft's title."""
    return " · ".join(written_names(fields))


def full_name(person: Person) -> str:
    """The person's names as one line of text (see :func:`name_line`)."""
    return " · ".join(names(person))


def person_view(person: Person, cases: list[Case] | None = None) -> dict[str, Any]:
    """A person as JSON (with the codes of their cases when given)."""
    view: dict[str, Any] = {
        "person_id": str(person.id),
        "given_name": person.given_name,
        "family_name": person.family_name,
        "given_name_ar": person.given_name_ar,
        "family_name_ar": person.family_name_ar,
        "sex": person.sex,
        "birth_year": person.birth_year,
        "nationality": person.nationality,
        "category": person.category,
        "commune": person.commune,
        "phone": person.phone,
        "no_call": person.no_call,
        "language": person.language,
        "restricted": person.restricted,
    }
    if cases is not None:
        view["cases"] = [
            {"case_id": str(case.id), "code": case.code, "status": CaseStatus(case.status).value}
            for case in cases
        ]
    return view


PHONE_KEY = "#"
"""Prefix of the keys that hold a person's phone digits (national part), next to name keys."""
PAIR_KEY = "&"
"""Prefix of the keys of two words of a name, in either order, so that a search for two words
is one index range however common each word is ("Mohamed Alaoui")."""


def _pair(first: str, second: str) -> str:
    return f"{PAIR_KEY}{first}+{second}"


def _year_word(year: int) -> str:
    return f"@{year}"


def search_keys(
    name: str | Sequence[str], phone: str = "", birth_year: int | None = None
) -> set[str]:
    """The keys a person is found by: each word of each of their names, each pair of words
    of one name (the birth year counting as a word of the pairs), the phone's digits."""
    keys: set[str] = set()
    for one in (name,) if isinstance(name, str) else name:
        words = name_keys(one)
        paired = (*words, _year_word(birth_year)) if birth_year is not None else words
        keys |= set(words) | {_pair(a, b) for a in paired for b in paired if a != b}
    if phone:
        keys.add(PHONE_KEY + national_significant_number(phone))
    return keys


def index_person(session: Session, person: Person) -> None:
    """Rebuild the search keys of ``person``: its name's keys and its phone's digits."""
    index_persons(session, [person])


def index_persons(session: Session, persons: Sequence[Person]) -> None:
    """Rebuild the search keys of several persons at once (a merged person has none)."""
    session.execute(delete(PersonKey).where(PersonKey.person_id.in_([p.id for p in persons])))
    keys = [
        {"person_id": person.id, "key": key}
        for person in persons
        if person.merged_into_id is None
        for key in search_keys(names(person), person.phone, person.birth_year)
    ]
    if keys:
        session.execute(insert(PersonKey), keys)


def _key_condition(key: type[PersonKey], term: str, prefix: bool) -> ColumnElement[bool]:
    if prefix:
        return and_(key.key >= term, key.key < term + "\uffff")
    return key.key == term


def _split_query(query: str) -> tuple[list[str], int | None, str | None]:
    words, year, phone_digits = [], None, []
    for word in query.split():
        digits = word.lstrip("+").replace("-", "").replace(".", "")
        if word.isdigit() and len(word) == 4 and 1900 <= int(word) <= 2100:
            year = int(word)
        elif digits.isdigit():
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
    person = session.scalar(
        select(Person).join(Case, Case.person_id == Person.id).where(Case.code == code, listed())
    )
    if person is None:
        return []
    return _with_cases(session, [PersonHit(person_view(person), 1.0, ("case_code",))])


def _candidates(
    words: list[str], year: int | None, phone: str | None
) -> tuple[Select[Any], tuple[str, ...]] | None:
    """One statement for the persons matching every part of a query, and what it matched.

    The first key drives the query (an index range), the others are checked per person
    through the key table's primary key; a limit then stops the scan early.
    """
    terms = search_terms(" ".join(words))
    # the last word may be still being typed: a prefix
    keyed = [(term, index == len(terms) - 1) for index, term in enumerate(terms)]
    if keyed and year is not None:
        keyed.insert(0, (_year_word(year), False))
    keyed = _paired(keyed)
    matched = ["name"] if keyed else []
    statement = select(Person).where(listed())
    if phone and phone.startswith("+"):
        statement = statement.where(Person.phone == phone)
        matched.append("phone")
    elif phone:
        keyed.append((PHONE_KEY + phone, True))
        matched.append("phone")
    if year is not None:
        if not terms:  # with a name, the year is in the pair key that drives the search
            statement = statement.where(Person.birth_year == year)
        matched.append("birth_year")
    if not matched:
        return None
    return _with_keys(statement, keyed).limit(CANDIDATES), tuple(matched)


def _paired(keyed: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Name terms with the first two looked up as one pair key."""
    if len(keyed) < 2:
        return keyed
    (first, _), (second, prefix) = keyed[:2]
    return [(_pair(first, second), prefix), *keyed[2:]]


def _with_keys(statement: Select[Any], keyed: list[tuple[str, bool]]) -> Select[Any]:
    """``statement`` kept to the persons having every key (exact, or as a prefix)."""
    for index, (term, prefix) in enumerate(keyed):
        key = aliased(PersonKey)
        statement = statement.join(
            key, and_(key.person_id == Person.id, _key_condition(key, term, prefix))
        )
        if index == 0 and prefix:
            statement = statement.distinct()  # a prefix may match two words of one name
    return statement


def _similarity(name: str, person: Person) -> float:
    """How alike ``name`` reads to the closest of the person's names."""
    return max((name_similarity(name, known) for known in names(person)), default=0.0)


def search_persons(session: Session, query: str, limit: int = 20) -> list[PersonHit]:
    """Persons matching ``query``: name words (any script), a phone, a birth year, a case code.

    Every name word must match (the last may be the beginning of a name); a phone matches
    on its digits (a whole number exactly, a partial one from its beginning, without the
    country code); a year of four digits keeps the persons born that year. The best
    ``limit`` of at most ``CANDIDATES`` found are ranked by how alike the names read.
    """
    query = query.strip()
    if not query:
        return []
    by_code = _by_case_code(session, query)
    if by_code:
        return by_code
    words, year, phone = _split_query(query)
    found = _candidates(words, year, phone)
    if found is None:
        return []
    statement, matched = found
    name_query = " ".join(words)
    hits = [
        PersonHit(
            person_view(person),
            _similarity(name_query, person) if name_query else 1.0,
            matched,
        )
        for person in session.scalars(statement)
    ]
    hits.sort(key=lambda hit: (-hit.score, hit.person["family_name"], hit.person["given_name"]))
    return _with_cases(session, hits[:limit])


def _with_cases(session: Session, hits: list[PersonHit]) -> list[PersonHit]:
    """The hits with the codes of each person's cases, the newest first (one query)."""
    ids = [uuid.UUID(hit.person["person_id"]) for hit in hits]
    cases = session.scalars(
        select(Case).where(Case.person_id.in_(ids)).order_by(Case.opened_at.desc())
    ).all()
    for hit in hits:
        hit.person["cases"] = [
            {"case_id": str(case.id), "code": case.code, "status": CaseStatus(case.status).value}
            for case in cases
            if str(case.person_id) == hit.person["person_id"]
        ]
    return hits


def likely_duplicates(
    session: Session,
    given_name: str,
    family_name: str,
    birth_year: int | None = None,
    phone: str = "",
    arabic_name: str = "",
) -> list[PersonHit]:
    """Persons who are probably the one about to be created: same phone, or a name (in
    Latin letters, or ``arabic_name`` in Arabic letters) that reads the same as one of
    theirs, with a birth year within a year (or unknown)."""
    hits: dict[uuid.UUID, PersonHit] = {}
    if phone:
        for person in session.scalars(select(Person).where(Person.phone == phone, listed())):
            hits[person.id] = PersonHit(person_view(person), 1.0, ("phone",))
    for name in {_joined(given_name, family_name), arabic_name.strip()} - {""}:
        _add_same_names(session, hits, name, birth_year)
    return sorted(hits.values(), key=lambda hit: -hit.score)


def _add_same_names(
    session: Session, hits: dict[uuid.UUID, PersonHit], name: str, birth_year: int | None
) -> None:
    """Add to ``hits`` the persons whose name reads as ``name`` (see ``likely_duplicates``)."""
    keys = name_keys(name)
    if keys:
        statement = _with_keys(
            select(Person).where(listed()),
            _paired([(k, False) for k in keys]),
        )
        if birth_year is not None:
            near = Person.birth_year.between(birth_year - 1, birth_year + 1)
            statement = statement.where(or_(Person.birth_year.is_(None), near))
        for person in session.scalars(statement.limit(CANDIDATES)):
            known = hits.get(person.id)
            score = _similarity(name, person)
            if known is not None and (known.matched != ("name",) or known.score >= score):
                continue
            close_year = (
                birth_year is None
                or person.birth_year is None
                or abs(person.birth_year - birth_year) <= 1
            )
            if score >= LIKELY_SAME_NAME and close_year:
                hits[person.id] = PersonHit(person_view(person), score, ("name",))


class MergeError(CaseWorkError):
    """Two persons that cannot be merged; the message says why."""


class PersonError(CaseWorkError):
    """A request about one person that cannot be met; the message says why."""


def find_person(session: Session, person_id: str) -> Person:
    """The person with this id, not merged into another, else a :class:`PersonError`."""
    text = person_id.strip()
    try:
        key = uuid.UUID(text)
    except ValueError:
        raise PersonError(f"{text!r} is not a person id", "not_a_person", text=text) from None
    person = session.get(Person, key)
    if person is None:
        raise PersonError(f"no person {text}", "no_person")
    if person.merged_into_id is not None:
        kept = person.merged_into_id
        raise PersonError(
            f"person {text} was merged into person {kept}: use that one",
            "person_merged",
            kept=kept,
        )
    return person


def merge_persons(uow: UnitOfWork, keep_id: uuid.UUID, merged_id: uuid.UUID) -> int:
    """Merge ``merged_id`` into ``keep_id`` (a supervisor's act): its cases move over.

    The merged person stays, marked, for the audit trail. Returns the number of cases moved.
    """
    require(uow.actor, Permission.MERGE_PERSONS)
    if keep_id == merged_id:
        raise MergeError("a person cannot be merged into themselves", "merge_self")
    session = uow.session
    keep, merged = session.get(Person, keep_id), session.get(Person, merged_id)
    if keep is None or merged is None:
        raise MergeError(f"no person {keep_id if keep is None else merged_id}", "no_person")
    if keep.merged_into_id is not None or merged.merged_into_id is not None:
        raise MergeError("one of the two persons was merged already", "merged_already")
    cases = session.scalars(select(Case).where(Case.person_id == merged.id)).all()
    for case in cases:
        case.person_id = keep.id
        uow.add(case)
    correct_person(uow, keep, _completion(keep, merged), update=MERGE_COMPLETES)
    merged.merged_into_id = keep.id
    uow.add(keep)
    uow.add(merged)
    index_persons(session, [keep, merged])
    uow.audit("merge", merged, detail=f"merged into {keep.id}")
    return len(cases)


MERGE_COMPLETES = frozenset(
    {*NAME_FIELDS, "phone", "nationality", "commune", "language", "sex", "category", "birth_year"}
)
"""The fields a merge takes from the merged person when the kept one has none."""


def _completion(keep: Person, merged: Person) -> dict[str, object]:
    """What the merged person knows and the kept one does not: a field the kept person
    lacks, or a name in a script the kept person has none in (given and family together)."""
    values: dict[str, object] = {}
    for pair in (NAME_FIELDS[:2], NAME_FIELDS[2:]):
        if not any(getattr(keep, field) for field in pair):
            values.update({field: getattr(merged, field) for field in pair})
    for field in sorted(MERGE_COMPLETES - set(NAME_FIELDS)):
        if getattr(keep, field) in (None, "") and getattr(merged, field) not in (None, ""):
            values[field] = getattr(merged, field)
    return values
