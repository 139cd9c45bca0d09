"""Search: spellings, prefixes, substrings, ranking, filters and the officer's language."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from db.store import Store
from db.uow import Actor
from kiosk.directory.importer import import_directory
from kiosk.directory.profile import find_commune
from kiosk.directory.search import Hit, SearchQuery, search

TALIOUINE, TIZNIT = find_commune("Taliouine"), find_commune("Tiznit")
TIZNIT_PROVINCE = {"Tiznit", "Ouijjane", "Ammelne", "Tafraout"}  # HCP spellings


def _find(store: Store, text: str = "", **options: Any) -> list[Hit]:
    office = options.pop("office", TALIOUINE)
    with store.session() as session:
        return search(session, SearchQuery(text=text, **options), office)


def _ids(hits: list[Hit]) -> list[str]:
    return [str(hit.service_id) for hit in hits]


@pytest.mark.parametrize("spelling", ["مستشفي", "مُسْتَشْفَى", "المستشفى", "والمستشفى"])
def test_arabic_spellings_find_the_same_services(demo_store: Store, spelling: str) -> None:
    expected = _ids(_find(demo_store, "مستشفى", language="ar"))
    assert len(expected) >= 6
    assert _ids(_find(demo_store, spelling, language="ar")) == expected


@pytest.mark.parametrize("spelling", ["sante", "SANTÉ", "Santé"])
def test_latin_accents_and_case_do_not_matter(demo_store: Store, spelling: str) -> None:
    assert _ids(_find(demo_store, spelling)) == _ids(_find(demo_store, "santé"))


def test_the_last_word_is_a_prefix_as_it_is_typed(demo_store: Store) -> None:
    names = [hit.name for hit in _find(demo_store, "hôpi")]
    assert names and all(name.startswith("Hôpital") for name in names)
    assert [hit.name for hit in _find(demo_store, "centre de santé de ta", limit=1)] == [
        "Centre de santé de Taliouine"
    ]


def test_words_of_three_letters_or_more_match_inside_words(demo_store: Store) -> None:
    assert {hit.name for hit in _find(demo_store, "colaire")} >= {"Inscription scolaire à Tata"}
    assert all("pital" in hit.name for hit in _find(demo_store, "pital"))


def test_a_short_arabic_prefix_still_answers_within_the_limit(demo_store: Store) -> None:
    assert len(_find(demo_store, "الم", language="ar", limit=5)) == 5


def test_nearer_the_office_first(demo_store: Store) -> None:
    assert _find(demo_store, "centre de santé", office=TALIOUINE)[0].commune == "Taliouine"
    assert _find(demo_store, "centre de santé", office=TIZNIT)[0].commune == "Tiznit"
    hits = _find(demo_store, "centre de santé", office=TIZNIT, limit=50)
    rings = [
        [
            hit.distance_km
            for hit in hits
            if (hit.commune == "Tiznit") == (ring == 0)
            and (hit.commune in TIZNIT_PROVINCE) == (ring < 2)
        ]
        for ring in range(3)
    ]
    assert [len(ring) for ring in rings] == [1, 3, len(hits) - 4]
    assert [hit.distance_km for hit in hits] == [d for ring in rings for d in sorted(ring)]  # type: ignore[type-var]


def test_name_hits_before_category_hits_before_description_hits(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    term = {
        "id": "0000000a-0000-4000-8000-000000000001",
        "name": "Santé",
        "description": "-",
        "code": "health",
    }

    def service(number: int, name: str, description: str, needs: list[str]) -> dict[str, Any]:
        key = f"0000000b-0000-4000-8000-00000000000{number}"
        attributes = [
            {"id": f"0000000c-0000-4000-8000-00000000000{number}", "taxonomy_term": term}
            for _ in needs
        ]
        return {
            "id": key,
            "name": name,
            "description": description,
            "status": "active",
            "attributes": attributes,
        }

    package = tmp_path / "services.json"
    package.write_text(
        json.dumps(
            [
                service(1, "Bureau d'écoute", "Permanence de santé mentale", []),
                service(2, "Clinique du quartier", "Consultations", ["health"]),
                service(3, "Maison de la santé", "Consultations", []),
            ]
        )
    )
    import_directory(store, actor, package)
    assert [hit.name for hit in _find(store, "santé")] == [
        "Maison de la santé",
        "Clinique du quartier",
        "Bureau d'écoute",
    ]


def test_filters(demo_store: Store) -> None:
    consular = _find(demo_store, "", category="consular")
    assert {hit.name for hit in consular} == {
        "Consulat général de France à Agadir",
        "Consulat général d'Espagne à Agadir",
    }
    assert all("consular" in hit.categories for hit in consular)
    in_tiznit = _find(demo_store, "", commune="Tiznit", limit=100)
    assert {hit.commune for hit in in_tiznit} == TIZNIT_PROVINCE
    assert _ids(_find(demo_store, "", commune="تيزنيت", limit=100)) == _ids(in_tiznit)
    assert {hit.commune for hit in _find(demo_store, "", commune="Tata", limit=100)} == {
        "Tata",
        "Akka",
    }
    assert _ids(_find(demo_store, "", spoken="espagnol")) == _ids(
        _find(demo_store, "", spoken="es")
    )
    assert [hit.name for hit in _find(demo_store, "", spoken="es")] == [
        "Consulat général d'Espagne à Agadir"
    ]
    for_mre = {hit.name for hit in _find(demo_store, "étrangers", eligible="mre")}
    for_rpt = {hit.name for hit in _find(demo_store, "étrangers", eligible="rpt")}
    assert "Service des étrangers de la Sûreté préfectorale d'Agadir" in for_rpt - for_mre
    combined = _find(demo_store, "sante", category="health", commune="Taroudant", spoken="zgh")
    assert combined and all(
        hit.commune in {"Taroudannt", "Taliouine", "Oulad Teima", "Oulad Berhil", "Irherm"}
        for hit in combined
    )


def test_open_now_in_casablanca_time(demo_store: Store) -> None:
    sunday_night = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    open_hits = _find(demo_store, "", open_at=sunday_night, limit=100)
    assert open_hits and all(
        hit.name.startswith(("Hôpital", "Croissant-Rouge")) for hit in open_hits
    )
    monday_morning = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert len(_find(demo_store, "", open_at=monday_morning, limit=200)) > len(open_hits)


def test_results_are_in_the_officers_language_whatever_the_query(demo_store: Store) -> None:
    french = _find(demo_store, "مستشفى", language="fr")
    assert french and all(hit.name.startswith("Hôpital") for hit in french)
    arabic = _find(demo_store, "hôpital", language="ar", office=TIZNIT)
    assert arabic[0].name == "المستشفى الإقليمي تيزنيت" and arabic[0].commune == "تيزنيت"
    tamazight = _find(demo_store, "centre de santé de taliouine", language="zgh", limit=1)
    assert tamazight[0].name == "Centre de santé de Taliouine"  # no zgh name: French
    assert tamazight[0].commune == "ⵜⴰⵍⵉⵡⵉⵏ"


def test_the_index_follows_a_changed_service(store: Store, actor: Actor, tmp_path: Path) -> None:
    package = tmp_path / "services.json"
    service = {
        "id": "0000000b-0000-4000-8000-000000000009",
        "name": "Guichet unique",
        "status": "active",
    }
    package.write_text(json.dumps([service]))
    import_directory(store, actor, package)
    package.write_text(json.dumps([{**service, "name": "Maison des migrants"}]))
    assert import_directory(store, actor, package).updated == 1
    assert _find(store, "guichet") == []
    assert [hit.name for hit in _find(store, "migrants")] == ["Maison des migrants"]


@pytest.mark.parametrize("typed", ["", " ", "*", '"', "-", "()"])
@pytest.mark.parametrize("office", [None, TALIOUINE])
def test_an_empty_or_punctuation_query_lists_the_directory(
    demo_store: Store, typed: str, office: Any
) -> None:
    """The desk's directory page opens on an empty search, with or without a commune."""
    hits = _find(demo_store, typed, office=office, limit=5)
    assert len(hits) == 5
    assert _find(demo_store, typed, office=office, category="health", limit=5)
