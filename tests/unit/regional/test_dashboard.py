"""The region's dashboard: region staff only, published figures only, hidden counts never given."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser
from typing import Any, Literal

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from protocol.commune_map import words
from protocol.communes import load
from regional import region_accounts
from regional.dashboard import TEXTS
from regional.region_accounts import MAX_FAILURES
from tests.unit.regional.factories import Clock, as_published_before, enrolled, push
from tests.unit.regional.test_cli import run
from tests.unit.regional.test_disclosure import Relations, determined
from tests.unit.regional.test_region_accounts import (
    CHALLENGE,
    add_region_account,
    refused,
)
from tests.unit.regional.test_stats import stat

PATHS = ("/dashboard", "/dashboard.csv", "/dashboard.xlsx")
TALIOUINE, AOURIR, TIZNIT = "09.541.01.11", "09.001.07.03", "09.581.01.07"
QUERIES = ("", "?lang=ar&month=2026-10", "?month=2026-13")
FR_HIDDEN, AR_HIDDEN = "moins de 5", "أقل من 5"
CATEGORIES = (
    "Marocain(e) résidant à l'étranger",
    "Marocain(e) revenu(e) de l'étranger",
    "Ressortissant(e) d'un pays tiers",
    "Autre",
    "Non renseigné",
)
STATES = ("remise", "acceptée", "refusée", "service rendu", "expirée")
Rows = list[list[Any]]


class Tables(HTMLParser):
    """The page's tables by id: rows of cell texts (the bars' cells left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, Rows] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self._table = found["id"]
            self.tables[self._table or ""] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._skip = found.get("class") == "bar"
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._table and self._cell is not None:
            if not self._skip:
                self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page_tables(html: str) -> dict[str, Rows]:
    parser = Tables()
    parser.feed(html)
    return {key: [typed(row) for row in rows] for key, rows in parser.tables.items()}


def typed(row: list[Any]) -> list[Any]:
    """Counts and rates as numbers (a label or a text stays as it is): ``14,2`` on the page
    and ``14.2`` in the CSV are one rate."""
    return [row[0], *(_number(v) for v in row[1:])]


def _number(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(r"\d+([.,]\d+)?", value):
        return value
    return int(value) if value.isdigit() else float(value.replace(",", "."))


def map_values(html: str) -> dict[str, Any]:
    """The map's communes by HCP code: what each shape's title says after the name."""
    shapes = re.findall(r'<path id="c([\d.]+)" d="[^"]*" fill="[^"]*"><title>([^<]*)</title>', html)
    return {code: _number(unescape(title).rsplit(": ", 1)[1]) for code, title in shapes}


def csv_sections(body: bytes) -> list[Rows]:
    """The CSV's tables (title, header, rows), split at blank lines."""
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the text as UTF-8
    sections: list[Rows] = [[]]
    for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))):
        if row:
            sections[-1].append(typed(row))
        elif sections[-1]:
            sections.append([])
    return [s for s in sections if s]


def xlsx_sections(body: bytes) -> tuple[list[Rows], bool]:
    """The workbook's tables (title, header, rows) and whether its sheet is right to left."""
    sheet = load_workbook(io.BytesIO(body)).active
    sections: list[Rows] = [[]]
    for row in sheet.iter_rows(values_only=True):
        cells = [v for v in row if v is not None]
        if cells:
            sections[-1].append(cells)
        elif sections[-1]:
            sections.append([])
    return [s for s in sections if s], bool(sheet.sheet_view.rightToLeft)


def fill(client: TestClient, db_url: str, clock: Clock) -> None:
    """October 2026 (18 records), September (7), August (3) at two offices.

    October: Agadir 9 rpt women and 1 rpt man of Taliouine, 2 mre women (Moroccan) of
    Aourir; Tiznit 6 rpt men of Tiznit, 3 of whose referrals are still sent. All 18 are
    18-29, needing health. Earlier months: Taliouine.
    """
    agadir = enrolled(client, db_url, "BAOM Agadir", clock())
    tiznit = enrolled(client, db_url, "BAOM Tiznit", clock())
    october = [stat(agadir) for _ in range(9)] + [stat(agadir, sex="m")]
    october += [stat(agadir, category="mre", nationality="MA", commune="Aourir") for _ in range(2)]
    sent = '[["health", "sent"]]'
    tiznit_october = [stat(tiznit, sex="m", commune="Tiznit") for _ in range(3)]
    tiznit_october += [stat(tiznit, sex="m", commune="Tiznit", outcomes=sent) for _ in range(3)]
    assert set(push(client, agadir, *october)) == {"accepted"}
    assert set(push(client, tiznit, *tiznit_october)) == {"accepted"}
    earlier = [stat(agadir, month="2026-09") for _ in range(7)]
    earlier += [stat(agadir, month="2026-08") for _ in range(3)]
    assert set(push(client, agadir, *earlier)) == {"accepted"}


def test_a_visitor_without_login_gets_the_challenge_and_nothing_else(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_region_account(monkeypatch, db_url)
    fill(client, db_url, clock)
    tries = [(path + query, None) for path in PATHS for query in QUERIES]
    tries += [(path, ("amina", "wrong password")) for path in PATHS]
    tries += [(path, ("nobody", "correct horse")) for path in PATHS]
    for url, auth in tries:
        answer = client.get(url, auth=auth)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"] == CHALLENGE
        assert "Agadir" not in answer.text and "18" not in answer.text


def test_the_page_shows_the_published_figures_in_french(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    fill(client, db_url, clock)
    answer = client.get("/dashboard", auth=login)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    page = answer.text
    assert '<html lang="fr" dir="ltr">' in page and "<script" not in page
    assert "http://" not in page and "https://" not in page  # nothing from elsewhere
    assert len(map_values(page)) == 175  # the map, every commune of Souss-Massa
    tables = page_tables(page)
    assert tables["table-offices"][1:] == [
        ["BAOM Agadir", "2026-11-29 10:00", "actif"],
        ["BAOM Tiznit", "2026-11-29 10:00", "actif"],
    ]
    h = FR_HIDDEN
    # August's 3 records hide everything; September's 7 are all rpt, none of the others;
    # October's 2 mre hide themselves and the 16 rpt, else 18 - 16 would give them away
    assert tables["table-trend"][1:] == [
        ["2026-08", h, h, h, h, h, h],
        ["2026-09", 7, 0, 0, 7, 0, 0],
        ["2026-10", 18, h, 0, h, 0, 0],
    ]
    assert tables["table-by_category"][1:] == [
        [c, n] for c, n in zip(CATEGORIES, [h, 0, h, 0, 0], strict=True)
    ]
    assert tables["table-by_sex"][1:] == [["Femme", 11], ["Homme", 7], ["Non renseigné", 0]]
    assert ["18 à 29 ans", 18] in tables["table-by_age_band"]
    assert ["0 à 17 ans", 0] in tables["table-by_age_band"]
    # 16 SN, 2 MA: both hidden, and named (a nationality with none is not listed)
    assert tables["table-by_nationality"][1:] == [["Maroc", h], ["Sénégal", h]]
    assert ["Santé", 18] in tables["table-by_need"] and ["Logement", 0] in tables["table-by_need"]
    assert tables["table-by_office"][1:] == [["BAOM Agadir", 12], ["BAOM Tiznit", 6]]
    communes = {row[0]: row[1:] for row in tables["table-by_commune"][1:]}
    assert len(communes) == 175 + 2
    assert communes[TALIOUINE] == ["Taliouine", "Taroudannt", 10, 14.2]  # of 7,040 people
    # Aourir's 2 hide themselves and Tiznit's 6, else 18 - 10 would give them away
    assert communes[AOURIR] == ["Aourir", "Agadir-Ida-Ou-Tanane", h, h]
    assert communes[TIZNIT] == ["Tiznit", "Tiznit", h, h]
    assert communes["09.581.01.05"] == ["Tafraout", "Tiznit", 0, 0.0]
    assert communes["other"] == ["Hors Souss-Massa ou commune non reconnue", "—", 0, "—"]
    assert communes["unknown"] == ["Non renseigné", "—", 0, "—"]
    # 15 done, 3 sent: the 3 hide themselves and the 15 (the row's 18 would give them away)
    assert tables["table-by_referral_outcome"] == [
        ["Catégorie de service", *STATES, "Total"],
        ["Santé", h, 0, 0, h, 0, 18],
        ["Total", h, 0, 0, h, 0, 18],
    ]
    assert "octobre 2026" in page


def test_the_page_in_arabic_is_right_to_left(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    fill(client, db_url, clock)
    page = client.get("/dashboard?lang=ar&month=2026-09", auth=login).text
    assert '<html lang="ar" dir="rtl">' in page
    for text in ("لوحة القيادة الجهوية", "ملامح الهجرة", "أكتوبر 2026", "شتنبر 2026", AR_HIDDEN):
        assert text in page
    assert FR_HIDDEN not in page and "Santé" not in page
    tables = page_tables(page)
    assert tables["table-by_category"][3] == ["مواطن من بلد آخر", 7]
    assert tables["table-by_sex"][1:] == [["امرأة", 7], ["رجل", 0], ["غير محدد", 0]]
    assert tables["table-by_office"][1:] == [["BAOM Agadir", 7], ["BAOM Tiznit", 0]]
    assert tables["table-by_commune"][1:][:1] == [
        ["09.001.01.01", "أكادير", "أكادير-إدا وتنان", 0, 0]
    ]
    assert map_values(page)[TALIOUINE] == 7


def test_the_exports_hold_the_page_figures_with_the_same_hidden_cells(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    fill(client, db_url, clock)
    for lang, hidden in (("fr", FR_HIDDEN), ("ar", AR_HIDDEN)):
        query = f"?lang={lang}&month=2026-10"
        page = list(page_tables(client.get("/dashboard" + query, auth=login).text).values())
        answer = client.get("/dashboard.csv" + query, auth=login)
        assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in answer.headers["Content-Disposition"]
        from_csv = csv_sections(answer.content)
        from_xlsx, rtl = xlsx_sections(client.get("/dashboard.xlsx" + query, auth=login).content)
        assert rtl == (lang == "ar")
        assert [section[1:] for section in from_csv] == page  # header and rows, as shown
        assert [section[1:] for section in from_xlsx] == page
        assert [s[0] for s in from_csv] == [s[0] for s in from_xlsx]  # the same titles
        assert any(hidden in row for table in page for row in table)


def _shown(pairs: list[tuple[str, Any]]) -> dict[str, int]:
    """The counts among (label, value) pairs: what the attacker reads (hidden ones left out)."""
    return {label: value for label, value in pairs if isinstance(value, int)}


def _attack(
    tables: list[Rows],
    on_map: dict[str, Any] | None = None,
    chosen: dict[str, dict[str, Any]] | None = None,
) -> tuple[list[Any], int]:
    """What an attacker works out of October's hidden counts from one copy of its figures
    (tables as header then rows, the map's values when the copy has one, and the maps of
    ``chosen`` categories and needs): the hidden cells the shown ones determine, and how
    many nonzero cells are hidden."""
    by_name = {rows[0][0]: rows[1:] for rows in tables if rows[0][-1] != "État"}
    published: dict[str, Any] = {}
    for name, rows in by_name.items():
        published[name] = _shown([(row[0], row[1]) for row in rows])
    # the communes' table: code, name, province, count, rate; and the map's titles
    commune_rows = by_name.pop("Code HCP")
    # a rate is hidden with its count (the population is public: it would give the count)
    assert all((row[3] == FR_HIDDEN) == (row[4] == FR_HIDDEN) for row in commune_rows)
    communes = _shown([(row[0], row[3]) for row in commune_rows])
    published["Commune de résidence"] = communes | _shown(list((on_map or {}).items()))
    october = next(row for row in by_name["Mois"] if row[0] == "2026-10")
    published["total"] = october[1] if isinstance(october[1], int) else None
    from_trend = _shown(list(zip(CATEGORIES, october[2:], strict=True)))
    assert from_trend.items() <= {**published["Catégorie"], **from_trend}.items()
    published["Catégorie"] |= from_trend  # the same cells, shown twice
    truth: dict[tuple[str, ...], int] = {("total",): 18}
    relations: Relations = []
    counts = {
        "Catégorie": {CATEGORIES[2]: 16, CATEGORIES[0]: 2},
        "Sexe": {"Femme": 11, "Homme": 7},
        "Tranche d'âge": {"18 à 29 ans": 18},
        "Nationalité": {"Sénégal": 16, "Maroc": 2},
        "Bureau": {"BAOM Agadir": 12, "BAOM Tiznit": 6},
        "Commune de résidence": {TALIOUINE: 10, AOURIR: 2, TIZNIT: 6},
    }
    for table, cells in counts.items():
        truth |= {(table, key): n for key, n in cells.items()}
        relations.append((("total",), [(table, key) for key in cells]))
    header, row, total = tables_named(tables, "Catégorie de service")
    states = header[1:-1]
    cells = {"service rendu": 15, "remise": 3}
    truth |= {("out", "cells", "Santé", s): n for s, n in cells.items()}
    truth |= {("out", "rows", "Santé"): 18, ("out", "total"): 18}
    truth |= {("out", "cols", s): n for s, n in cells.items()}
    relations.append((("out", "rows", "Santé"), [("out", "cells", "Santé", s) for s in cells]))
    relations += [(("out", "cols", s), [("out", "cells", "Santé", s)]) for s in cells]
    relations.append((("out", "total"), [("out", "cols", s) for s in cells]))
    published["out"] = {
        "cells": {"Santé": _shown(list(zip(states, row[1:-1], strict=True)))},
        "cols": _shown(list(zip(states, total[1:-1], strict=True))),
        "rows": _shown([("Santé", row[-1])]),
        "total": total[-1] if isinstance(total[-1], int) else None,
    }
    if chosen is not None:
        _choices_known(chosen, truth, relations, published)
    hidden = [path for path, n in truth.items() if n and _lookup(published, path) is None]
    return determined(truth, relations, published), len(hidden)


def _choices_known(
    chosen: dict[str, dict[str, Any]],
    truth: dict[tuple[str, ...], int],
    relations: Relations,
    published: dict[str, Any],
) -> None:
    """Add October's commune x category and commune x need tables, as the maps of
    ``chosen`` show them, to the attacker's system; the need table's margins, which the page
    does not show, as ``/stats`` publishes them (``chosen["stats"]``)."""
    communes = (TALIOUINE, AOURIR, TIZNIT)
    category = {(TALIOUINE, "rpt"): 10, (AOURIR, "mre"): 2, (TIZNIT, "rpt"): 6}
    truth |= {("cc", c, k): n for (c, k), n in category.items()}
    for commune in communes:
        parts = [("cc", c, k) for c, k in category if c == commune]
        relations.append((("Commune de résidence", commune), parts))
    for key, label in (("rpt", CATEGORIES[2]), ("mre", CATEGORIES[0])):
        relations.append((("Catégorie", label), [("cc", c, k) for c, k in category if k == key]))
    published["cc"] = {c: {} for c in communes}
    for c, k in category:
        published["cc"][c] |= _shown([(k, chosen[f"category:{k}"][c])])
    need = {TALIOUINE: 10, AOURIR: 2, TIZNIT: 6}  # all 18 need health
    truth |= {("cn", "cells", c, "health"): n for c, n in need.items()}
    truth |= {("cn", "rows", c): n for c, n in need.items()}
    truth |= {("cn", "cols", "health"): 18, ("cn", "total"): 18}
    relations += [(("cn", "rows", c), [("cn", "cells", c, "health")]) for c in need]
    relations.append((("cn", "cols", "health"), [("cn", "cells", c, "health") for c in need]))
    relations.append((("cn", "total"), [("cn", "rows", c) for c in need]))
    shown = {c: _shown([("health", chosen["need:health"][c])]) for c in need}
    margins = chosen["stats"]["by_commune_need"]
    published["cn"] = {"cells": shown, **{k: margins[k] for k in ("rows", "cols", "total")}}


def tables_named(tables: list[Rows], name: str) -> Rows:
    """The table whose header starts with ``name``."""
    return next(rows for rows in tables if rows[0][0] == name)


def _lookup(published: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = published
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def test_no_hidden_count_can_be_worked_out_from_the_page_or_an_export(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    fill(client, db_url, clock)
    csv_copy = csv_sections(client.get("/dashboard.csv?month=2026-10", auth=login).content)
    page = client.get("/dashboard?month=2026-10", auth=login).text
    copies = {
        "page": list(page_tables(page).values()),
        "csv": [section[1:] for section in csv_copy],
        "xlsx": [
            section[1:]
            for section in xlsx_sections(
                client.get("/dashboard.xlsx?month=2026-10", auth=login).content
            )[0]
        ],
    }
    on_map = map_values(page)
    assert {code: n for code, n in on_map.items() if n} == {
        TALIOUINE: 10,
        AOURIR: FR_HIDDEN,
        TIZNIT: FR_HIDDEN,
    }
    for name, tables in copies.items():
        found, hidden = _attack(tables, on_map if name == "page" else None)
        # 2 categories, 2 nationalities, 2 communes, 2 outcome cells and their 2 columns
        assert hidden == 10, name
        assert found == [], f"the {name} gives away {found}"
    # nor with the maps of a category and of a need: Aourir's 2 mre and Tiznit's 6 rpt are
    # hidden in the commune x category table, their 2 and 6 needing health in the other one
    chosen = {
        choice: map_values(client.get(f"/dashboard?month=2026-10&choice={choice}", auth=login).text)
        for choice in ("category:rpt", "category:mre", "need:health")
    }
    assert chosen["category:rpt"][TALIOUINE] == chosen["need:health"][TALIOUINE] == 10
    assert chosen["category:mre"][AOURIR] == chosen["category:rpt"][TIZNIT] == FR_HIDDEN
    assert chosen["need:health"][AOURIR] == chosen["need:health"][TIZNIT] == FR_HIDDEN
    chosen["stats"] = client.get("/stats?month=2026-10", auth=login).json()
    assert chosen["stats"]["hidden"]["by_commune_need"]["rows"] == [AOURIR, TIZNIT]
    found, hidden = _attack(copies["page"], on_map, chosen)
    assert hidden == 10 + 2 + 2 + 2, hidden  # and the need table's rows of Aourir and Tiznit
    assert found == [], f"the maps of a category and a need give away {found}"
    # the check is no formality here either: were Tiznit's 6 rpt shown, Aourir's would be
    revealed = {**chosen, "category:rpt": chosen["category:rpt"] | {TIZNIT: 6}}
    assert ("Commune de résidence", AOURIR) in _attack(copies["page"], on_map, revealed)[0]
    # the check is no formality: were the 16 rpt shown, the 2 mre would be worked out
    tables_named(copies["csv"], "Catégorie")[3][1] = 16
    assert _attack(copies["csv"])[0] == [("Catégorie", CATEGORIES[0])]
    # nor on the map: were Tiznit's 6 on it, Aourir's 2 would be
    assert _attack(copies["page"], map_values(page) | {TIZNIT: 6})[0] == [
        ("Commune de résidence", AOURIR)
    ]


class Texts(HTMLParser):
    """Every text of a page a reader may see, the map's titles (shown on hover) included."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = tag == "style"

    def handle_data(self, data: str) -> None:
        if not self._style and data.strip():
            self.texts.append(data.strip())


def test_a_hidden_commune_shows_no_number_on_the_page_its_map_or_the_exports(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    fill(client, db_url, clock)
    hidden = {AOURIR: 2, TIZNIT: 6}  # Tiznit's 6 hidden so that Aourir's 2 cannot be worked out
    rates = {f"{n * 10_000 / load().by_code[c].population:.1f}" for c, n in hidden.items()}
    rates |= {rate.replace(".", ",") for rate in rates}  # 0.4 and 0.7 in both writings
    for lang, said in (("fr", FR_HIDDEN), ("ar", AR_HIDDEN)):
        query = f"?lang={lang}&month=2026-10"
        for measure in ("count", "rate"):
            page = client.get(f"/dashboard{query}&measure={measure}", auth=login).text
            people = words(lang)["suppressed_people"].format(threshold=5)
            rows = {row[0]: row for row in page_tables(page)["table-by_commune"]}
            for code in hidden:
                shape = re.search(rf'<path id="c{code}" d="[^"]*" fill="([^"]*)"><title>', page)
                assert shape is not None and shape.group(1) == "url(#suppressed)"
                commune = load().by_code[code]
                title = f"{commune.name(lang)}: {said if measure == 'count' else people}"
                assert map_values(page)[code] == title.rsplit(": ", 1)[1]
                assert rows[code][1] == commune.name(lang) and rows[code][3:] == [said, said]
            texts = Texts()
            texts.feed(page)
            assert not [t for t in texts.texts if any(rate in t for rate in rates)]
            assert TEXTS[lang]["hidden_legend"].split()[-1] in " ".join(texts.texts)
        exported = csv_sections(client.get(f"/dashboard.csv{query}", auth=login).content)
        workbook = xlsx_sections(client.get(f"/dashboard.xlsx{query}", auth=login).content)[0]
        for sections in (exported, workbook):
            communes = {row[0]: row for row in tables_named(
                [section[1:] for section in sections], TEXTS[lang]["code"])}  # fmt: skip
            for code in hidden:
                assert communes[code][3:] == [said, said]


def test_a_month_published_before_the_hidden_keys_says_so_and_guesses_nothing(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    fill(client, db_url, clock)
    assert client.get("/stats?month=2026-10", auth=login).status_code == 200  # published
    as_published_before(db_url, "2026-10", keys=("hidden",))
    page = client.get("/dashboard?month=2026-10", auth=login).text
    assert TEXTS["fr"]["legacy_note"] in unescape(page)
    tables = page_tables(page)
    h = FR_HIDDEN  # none and hidden cannot be told apart: both are "fewer than 5", as before
    assert tables["table-by_sex"][1:] == [["Femme", 11], ["Homme", 7], ["Non renseigné", h]]
    assert tables["table-by_nationality"][1:] == [["Autres (masquées)", h]]
    communes = [row for row in tables["table-by_commune"][1:]]
    assert communes == [
        [TALIOUINE, "Taliouine", "Taroudannt", 10, 14.2],
        ["—", "Autres (masquées)", "—", h, "—"],
    ]
    on_map = map_values(page)
    assert on_map[TALIOUINE] == 10 and on_map[AOURIR] == on_map[TIZNIT] == "aucune donnée"
    assert TEXTS["fr"]["legacy_note"] not in unescape(
        client.get("/dashboard?month=2026-09", auth=login).text
    )


def test_bad_months_and_languages_are_typed_refusals(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    fill(client, db_url, clock)
    for path in PATHS:
        for query, status, error in [
            ("?month=2026-13", 422, "invalid_request"),
            ("?month=october", 422, "invalid_request"),
            ("?lang=en", 422, "invalid_request"),
            ("?month=2026-11", 404, "not_published"),  # published on 2026-12-21
        ]:
            answer = client.get(path + query, auth=login)
            assert answer.status_code == status and answer.json()["error"] == error
    for query in ("?measure=percent", "?measure=", "?lang=ar&measure=Rate"):
        answer = client.get("/dashboard" + query, auth=login)
        assert answer.status_code == 422 and answer.json()["error"] == "invalid_request", query
    clock.advance(timedelta(days=30))
    assert client.get("/dashboard?month=2026-11", auth=login).status_code == 200


@pytest.mark.slow  # a dozen Argon2 checks
def test_a_remembered_login_still_obeys_the_lock_out_and_a_disabled_account(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    assert client.get("/dashboard", auth=login).status_code == 200  # checked, remembered
    for _attempt in range(MAX_FAILURES):
        refused(client, "/dashboard", auth=("amina", "wrong password"))
    assert "locked" in refused(client, "/dashboard", auth=login)
    clock.advance(timedelta(minutes=5))
    assert client.get("/dashboard.csv", auth=login).status_code == 200
    # a right login clears the failures, remembered or not: four more wrong ones do not lock
    for _attempt in range(MAX_FAILURES - 1):
        refused(client, "/dashboard", auth=("amina", "wrong password"))
    assert client.get("/dashboard", auth=login).status_code == 200
    refused(client, "/dashboard", auth=("amina", "wrong password"))
    assert client.get("/dashboard", auth=login).status_code == 200
    assert run(None, "user", "disable", "amina", "--db", db_url)[0] == 0
    refused(client, "/dashboard", auth=login)


def test_trend_totals_are_each_months_published_total(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    fill(client, db_url, clock)
    trend = page_tables(client.get("/dashboard", auth=login).text)["table-trend"][1:]
    for month, total, *_ in trend:
        published = client.get(f"/stats?month={month}", auth=login).json()["total"]
        assert total == (FR_HIDDEN if published is None else published)
    assert Counter(row[0][:4] for row in trend) == {"2026": 3}


def test_an_office_text_is_never_read_as_a_formula_by_a_spreadsheet(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    office = enrolled(client, db_url, "@BAOM Agadir", clock())
    commune = '=HYPERLINK("http://evil.example","Agadir")'  # no commune: counted as other
    nationality = "=1+2"
    push(
        client, office, *[stat(office, commune=commune, nationality=nationality) for _ in range(6)]
    )
    text = client.get("/dashboard.csv", auth=login).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["'" + nationality, "6"] in rows and ["'@BAOM Agadir", "6"] in rows
    assert ["other", "Hors Souss-Massa ou commune non reconnue", "—", "6", "—"] in rows
    sheet = load_workbook(io.BytesIO(client.get("/dashboard.xlsx", auth=login).content)).active
    texts = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row}
    assert texts[nationality] == "s" and texts["@BAOM Agadir"] == "s"  # texts, not formulas
    page = client.get("/dashboard", auth=login).text
    assert "HYPERLINK" not in text + page and "<bdi>=1+2</bdi>" in page


def test_a_browser_sending_its_login_with_every_page_is_checked_by_argon2_once(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    checks: list[str] = []

    class Counted(PasswordHasher):
        """The real Argon2 check, counted."""

        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            checks.append(str(password))
            return super().verify(hash, password)

    monkeypatch.setattr(region_accounts, "_hasher", Counted())
    for path in (*PATHS, "/dashboard?lang=ar", "/stats"):
        assert client.get(path, auth=login).status_code == 200
    assert checks == [login[1]]
    refused(client, "/dashboard", auth=("amina", "wrong password"))  # never remembered
    refused(client, "/dashboard", auth=("amina", "wrong password"))
    assert len(checks) == 3
    clock.advance(timedelta(minutes=5))  # forgotten after five minutes
    assert client.get("/dashboard", auth=login).status_code == 200
    assert len(checks) == 4


def fill_choices(client: TestClient, db_url: str, clock: Clock) -> None:
    """October 2026 at one office, 21 records, women 18-29 whose category and needs differ.

    Taliouine: 8 rpt (SN) needing health, 3 of whom legal aid too and 3 others consular
    help; 6 mre (MA) needing housing. Tiznit: 7 rpt needing health and housing, 3 of whom
    legal aid too and 2 others consular help. By hand: every commune x category cell is 5 or
    more (8, 6, 7), so all are published; the commune x need cells of health (8, 7) and
    housing (6, 7) too, but legal aid (3, 3) and consular help (3, 2) are under 5: each
    row and each column holds two of them (the columns' 6 and 5 are published), so none
    can be worked out and nothing else is hidden.
    """
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    health = ["health"]
    records = [stat(office, needs=json.dumps([*health, "legal_aid"])) for _ in range(3)]
    records += [stat(office, needs=json.dumps([*health, "consular"])) for _ in range(3)]
    records += [stat(office, needs=json.dumps(health)) for _ in range(2)]
    records += [
        stat(office, category="mre", nationality="MA", needs=json.dumps(["housing"]))
        for _ in range(6)
    ]
    both = [*health, "housing"]
    records += [
        stat(office, commune="Tiznit", needs=json.dumps([*both, "legal_aid"])) for _ in range(3)
    ]
    records += [
        stat(office, commune="Tiznit", needs=json.dumps([*both, "consular"])) for _ in range(2)
    ]
    records += [stat(office, commune="Tiznit", needs=json.dumps(both)) for _ in range(2)]
    assert set(push(client, office, *records)) == {"accepted"}


def _chosen(page: str) -> dict[str, list[Any]]:
    """The communes' table of the page, by code: name, province, count, rate."""
    return {row[0]: row[1:] for row in page_tables(page)["table-by_commune"][1:]}


def test_the_map_shows_a_chosen_category_or_need_as_published(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    fill_choices(client, db_url, clock)
    figures = client.get("/stats?month=2026-10", auth=login).json()
    assert figures["by_commune_category"] == {TALIOUINE: {"mre": 6, "rpt": 8}, TIZNIT: {"rpt": 7}}
    assert figures["hidden"]["by_commune_category"] == []
    need = figures["by_commune_need"]
    assert need["cells"] == {
        TALIOUINE: {"health": 8, "housing": 6},
        TIZNIT: {"health": 7, "housing": 7},
    }
    assert need["cols"] == {"consular": 5, "health": 15, "housing": 13, "legal_aid": 6}
    assert need["rows"] == {TALIOUINE: 20, TIZNIT: 19} and need["total"] == 39
    assert figures["hidden"]["by_commune_need"] == {
        "cells": [
            [TALIOUINE, "consular"],
            [TALIOUINE, "legal_aid"],
            [TIZNIT, "consular"],
            [TIZNIT, "legal_aid"],
        ],
        "rows": [],
        "cols": [],
        "total": False,
    }
    h = FR_HIDDEN
    expected = {
        "category:rpt": ({TALIOUINE: 8, TIZNIT: 7}, {TALIOUINE: 11.4, TIZNIT: 0.8}),
        "category:mre": ({TALIOUINE: 6, TIZNIT: 0}, {TALIOUINE: 8.5, TIZNIT: 0.0}),
        "need:health": ({TALIOUINE: 8, TIZNIT: 7}, {TALIOUINE: 11.4, TIZNIT: 0.8}),
        "need:housing": ({TALIOUINE: 6, TIZNIT: 7}, {TALIOUINE: 8.5, TIZNIT: 0.8}),
        "need:legal_aid": ({TALIOUINE: h, TIZNIT: h}, {TALIOUINE: h, TIZNIT: h}),
        "all": ({TALIOUINE: 14, TIZNIT: 7}, {TALIOUINE: 19.9, TIZNIT: 0.8}),
    }
    for choice, (counts, rates) in expected.items():
        page = client.get(f"/dashboard?month=2026-10&choice={choice}", auth=login).text
        communes = _chosen(page)
        on_map = map_values(page)
        for code, n in counts.items():
            assert communes[code][2:] == [n, rates[code]], (choice, code)
            assert on_map[code] == n, (choice, code)
        assert communes[AOURIR][2:] == [0, 0.0] and on_map[AOURIR] == 0
        assert f'id="choice-{choice.replace(":", "-")}" aria-current="page"' in page
        rated = client.get(f"/dashboard?month=2026-10&choice={choice}&measure=rate", auth=login)
        assert map_values(rated.text)[TALIOUINE] in (rates[TALIOUINE], words("fr")[
            "suppressed_people"].format(threshold=5))  # fmt: skip
        # the links keep the month, the language, the measure and the choice
        if choice != "all":
            assert f"choice={choice.replace(':', '%3A')}" in unescape(rated.text)
            assert "measure=rate" in unescape(rated.text)
    rpt = client.get("/dashboard?month=2026-10&choice=category:rpt", auth=login).text
    assert "catégorie « Ressortissant(e) d&#x27;un pays tiers »" in rpt
    arabic = client.get("/dashboard?lang=ar&month=2026-10&choice=need:health", auth=login).text
    assert "الحاجة «الصحة»" in arabic and "جميع الزوار" in arabic
    assert map_values(arabic)[TIZNIT] == 7
    # the exports keep every visitor's communes
    exported = csv_sections(client.get("/dashboard.csv?month=2026-10", auth=login).content)
    communes = {row[0]: row for row in tables_named([s[1:] for s in exported], "Code HCP")}
    assert communes[TALIOUINE][3] == 14


def test_a_hidden_cell_of_a_choice_shows_no_number_anywhere(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    fill_choices(client, db_url, clock)
    # legal aid: Taliouine 3, Tiznit 3; consular help: Taliouine 3, Tiznit 2 (all hidden)
    hidden = {"need:legal_aid": {TALIOUINE: 3, TIZNIT: 3}, "need:consular": {TALIOUINE: 3}}
    hidden["need:consular"][TIZNIT] = 2
    for lang, said in (("fr", FR_HIDDEN), ("ar", AR_HIDDEN)):
        for choice, cells in hidden.items():
            rates = {f"{n * 10_000 / load().by_code[c].population:.1f}" for c, n in cells.items()}
            rates |= {rate.replace(".", ",") for rate in rates}
            for measure in MEASURES_SHOWN:
                query = f"?lang={lang}&month=2026-10&choice={choice}&measure={measure}"
                page = client.get("/dashboard" + query, auth=login).text
                rows = _chosen(page)
                for code in cells:
                    shape = re.search(rf'<path id="c{code}" d="[^"]*" fill="([^"]*)">', page)
                    assert shape is not None and shape.group(1) == "url(#suppressed)"
                    assert rows[code][2:] == [said, said]
                texts = Texts()
                texts.feed(page)
                shown = " ".join(texts.texts)  # a rate, not a piece of an HCP code
                assert not [r for r in rates if re.search(rf"(?<![\d.,]){r}(?!\d)", shown)]
                # the map's title of a hidden commune says "fewer than 5", never a number
                people = words(lang)["suppressed_people"].format(threshold=5)
                for code in cells:
                    assert map_values(page)[code] == (said if measure == "count" else people)


MEASURES_SHOWN = ("count", "rate")


def test_a_month_published_before_the_choices_says_not_available(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    fill(client, db_url, clock)
    assert client.get("/stats?month=2026-10", auth=login).status_code == 200  # published
    as_published_before(db_url, "2026-10", tables=("by_commune_category", "by_commune_need"))
    for lang in ("fr", "ar"):
        for choice in ("category:rpt", "need:health"):
            answer = client.get(f"/dashboard?lang={lang}&month=2026-10&choice={choice}", auth=login)
            assert answer.status_code == 200
            assert TEXTS[lang]["unavailable"] in unescape(answer.text)
            assert map_values(answer.text) == {} and 'id="table-by_commune"' not in answer.text
        every = client.get(f"/dashboard?lang={lang}&month=2026-10", auth=login).text
        assert TEXTS[lang]["unavailable"] not in unescape(every)
        assert map_values(every)[TALIOUINE] == 10
    # a month published with them draws its choices
    page = client.get("/dashboard?month=2026-09&choice=category:rpt", auth=login).text
    assert TEXTS["fr"]["unavailable"] not in unescape(page) and map_values(page)[TALIOUINE] == 7


def test_a_bad_choice_is_a_typed_refusal(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    fill(client, db_url, clock)
    for choice in ("", "category", "category:", "category:tourist", "need:rpt", "Need:health"):
        answer = client.get(f"/dashboard?choice={choice}", auth=login)
        assert answer.status_code == 422 and answer.json()["error"] == "invalid_request", choice
    answer = client.get("/dashboard?choice=" + "x" * 200, auth=login)
    assert answer.status_code == 422 and answer.json()["error"] == "invalid_request"
    assert client.get("/dashboard?choice=need:other", auth=login).status_code == 200


def test_the_page_shows_the_itinerary_steps_durations_with_small_counts_hidden(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.unit.regional.test_stats import step

    login = add_region_account(monkeypatch, db_url)
    fill(client, db_url, clock)
    agadir = enrolled(client, db_url, "BAOM Inezgane", clock())
    durations = [step(agadir, days) for days in (3, 5, 8, 12, 4)]
    durations += [step(agadir, 60, "court_request")]
    assert set(push(client, agadir, *durations)) == {"accepted"}
    tables = page_tables(client.get("/dashboard?month=2026-10", auth=login).text)
    birth = "Déclaration de la naissance d'un enfant"
    assert tables["table-itinerary_steps"] == [
        ["Itinéraire et étape", "Étapes faites", "Jours (médiane)"],
        [f"{birth} — Déclarer la naissance à l'état civil", 5, 5.0],
        [f"{birth} — Demander un jugement déclaratif de naissance", FR_HIDDEN, FR_HIDDEN],
    ]
