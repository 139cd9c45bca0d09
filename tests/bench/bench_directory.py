"""Directory benchmarks: importing a synthetic 50,000-service directory, and searching it.

The 50,000 services make 84 MB of JSON, more than the 32 MB a directory file may hold
(``protocol.directory.reader.MAX_FILE_BYTES``): they are imported as four packages of
12,500, one after the other.

The directory is generated here: names and descriptions in French, Arabic and English drawn
with Zipf word frequencies from a vocabulary of real words and made-up ones, services spread
over the communes of the profile. Searches are one to three words, half French half Arabic,
30 % as-you-type prefixes, 30 % with a category or commune filter, limit 20.
"""

from __future__ import annotations

import atexit
import itertools
import json
import random
import shutil
import tempfile
import time
import uuid
from functools import cache
from pathlib import Path
from typing import Any

from db.base import new_id
from db.uow import Actor
from kiosk.bench import Samples, benchmark
from kiosk.demo import prepare_demo
from kiosk.directory.importer import import_directory
from kiosk.directory.profile import COMMUNES
from kiosk.directory.search import SearchQuery, search
from kiosk.office import open_office
from kiosk.paths import Paths
from protocol.directory.profile import NEED_CATEGORIES

SERVICES = 50_000
PACKAGE_SERVICES = 12_500
"""Services per package (about 21 MB of JSON)."""
QUERIES = 1_000
WARM_UP = 100
_SEEDS = {
    "fr": "centre santé hôpital école bureau association aide accueil orientation migrants femmes "
    "enfants emploi formation logement juridique retraite pension sécurité sociale état civil "
    "naissance mariage inscription consultation urgence soutien écoute famille protection "
    "service public commune province direction agence caisse tribunal consulat dossier carte "
    "séjour résidence travail jeunes santé mentale vaccination maternité médecin pharmacie",
    "ar": "مركز صحة مستشفى مدرسة مكتب جمعية مساعدة استقبال توجيه المهاجرين النساء الأطفال الشغل "
    "التكوين السكن القانونية التقاعد المعاش الضمان الاجتماعي الحالة المدنية الولادة الزواج "
    "التسجيل الفحص المستعجلات الدعم الاستماع الأسرة الحماية الخدمة العمومية الجماعة الإقليم "
    "المديرية الوكالة الصندوق المحكمة القنصلية الملف البطاقة الإقامة العمل الشباب التلقيح",
    "en": "centre health hospital school office association help welcome orientation migrants "
    "women children employment training housing legal pension social security registry birth",
}
_FUNCTION_WORDS = {  # the most frequent words of real text come first in the Zipf ranks
    "fr": "de la le et les des en du à pour un une au aux sur par avec",
    "ar": "في من على إلى عن مع و أو",
    "en": "the of and for in to with a",
}
_LATIN = [consonant + vowel for consonant in "bdfklmnrstv" for vowel in "aeiou"]
_SYLLABLES = {
    "fr": _LATIN,
    "ar": [chr(point) for point in (*range(0x0628, 0x063B), *range(0x0641, 0x064B))],
    "en": _LATIN,
}


class _Words:
    """Words of one language drawn with Zipf frequencies (rank r has weight 1 / r^1.1)."""

    def __init__(self, language: str, size: int, chance: random.Random) -> None:
        words = dict.fromkeys(_FUNCTION_WORDS[language].split() + _SEEDS[language].split())
        while len(words) < size:
            length = chance.randint(2, 4) if language != "ar" else chance.randint(3, 6)
            words["".join(chance.choices(_SYLLABLES[language], k=length))] = None
        self.words = list(words)
        self.weights = list(itertools.accumulate(1 / rank**1.1 for rank in range(1, size + 1)))
        self.chance = chance

    def text(self, count: int) -> str:
        """``count`` words, joined."""
        return " ".join(self.chance.choices(self.words, cum_weights=self.weights, k=count))


def _service(number: int, words: dict[str, _Words], chance: random.Random) -> dict[str, Any]:
    key = str(uuid.UUID(int=number + 1, version=4))
    commune = COMMUNES[number % len(COMMUNES)]
    need = NEED_CATEGORIES[number % len(NEED_CATEGORIES)]
    location = str(uuid.UUID(int=10**9 + number, version=4))
    texts = {
        lang: (words[lang].text(chance.randint(2, 5)), words[lang].text(chance.randint(12, 30)))
        for lang in words
    }
    return {
        "id": key,
        "name": texts["fr"][0],
        "description": texts["fr"][1],
        "status": "active",
        "organization_id": str(uuid.UUID(int=2 * 10**9 + number // 10, version=4)),
        "baom_translations": {
            "name": {"ar": texts["ar"][0], "en": texts["en"][0]},
            "description": {"ar": texts["ar"][1], "en": texts["en"][1]},
        },
        "service_at_locations": [
            {
                "id": str(uuid.UUID(int=3 * 10**9 + number, version=4)),
                "location": {
                    "id": location,
                    "location_type": "physical",
                    "latitude": commune.latitude + chance.uniform(-0.05, 0.05),
                    "longitude": commune.longitude + chance.uniform(-0.05, 0.05),
                    "addresses": [
                        {
                            "id": str(uuid.UUID(int=4 * 10**9 + number, version=4)),
                            "address_1": f"{number} {words['fr'].text(2)}",
                            "city": commune.name,
                            "state_province": "Souss-Massa",
                            "postal_code": "00000",
                            "country": "MA",
                            "address_type": "physical",
                            "baom_commune": commune.name,
                            "baom_province": commune.province,
                        }
                    ],
                },
            }
        ],
        "phones": [
            {
                "id": str(uuid.UUID(int=5 * 10**9 + number, version=4)),
                "number": f"+212 500-{number:06d}",
            }
        ],
        "schedules": [
            {
                "id": str(uuid.UUID(int=6 * 10**9 + number, version=4)),
                "freq": "WEEKLY",
                "byday": "MO,TU,WE,TH,FR",
                "opens_at": "08:30",
                "closes_at": "16:30",
            }
        ],
        "languages": [{"id": str(uuid.UUID(int=7 * 10**9 + number, version=4)), "code": "ar"}],
        "attributes": [
            {
                "id": str(uuid.UUID(int=8 * 10**9 + number, version=4)),
                "taxonomy_term": {
                    "id": str(uuid.UUID(int=9 * 10**9 + NEED_CATEGORIES.index(need), version=4)),
                    "code": need,
                    "name": need.replace("_", " "),
                    "description": need,
                },
            }
        ],
    }


def _organizations(count: int, words: _Words) -> list[dict[str, Any]]:
    return [
        {
            "id": str(uuid.UUID(int=2 * 10**9 + number, version=4)),
            "name": words.text(3),
            "description": "-",
        }
        for number in range(count)
    ]


@cache
def _directory() -> tuple[Path, float]:
    """A demo office holding the synthetic directory, and how long its import took (s)."""
    folder = Path(tempfile.mkdtemp(prefix="baom-bench-directory-"))
    atexit.register(shutil.rmtree, folder, True)
    chance = random.Random(5)
    words = {lang: _Words(lang, 6_000, chance) for lang in ("fr", "ar", "en")}
    services = [_service(number, words, chance) for number in range(SERVICES)]
    organizations = json.dumps(_organizations(SERVICES // 10 + 1, words["fr"]))
    packages = []
    for first in range(0, SERVICES, PACKAGE_SERVICES):
        package = folder / f"package-{first // PACKAGE_SERVICES + 1}"
        package.mkdir()
        (package / "organizations.json").write_text(organizations)
        part = services[first : first + PACKAGE_SERVICES]
        (package / "services.json").write_text(json.dumps(part, ensure_ascii=False))
        packages.append(package)
    paths = Paths.resolve(folder / "office")
    prepare_demo(paths)
    context = open_office(paths)
    started = time.perf_counter()
    for package in packages:
        import_directory(context.store, Actor.system(new_id()), package)
    seconds = time.perf_counter() - started
    context.close()
    return paths.data_dir, seconds


@benchmark("directory_import")
def directory_import() -> Samples:
    """Import of the synthetic 50,000-service directory, four packages of 12,500 one after
    the other, each in one transaction (one sample: the four together)."""
    data_dir, seconds = _directory()
    size = sum(path.stat().st_size for path in data_dir.glob("baom.db*")) / 1e6
    packages = -(-SERVICES // PACKAGE_SERVICES)
    return Samples([seconds * 1000], {"services": SERVICES, "packages": packages, "db_mb": size})


def _queries(chance: random.Random) -> list[SearchQuery]:
    words = {lang: _Words(lang, 6_000, random.Random(5)) for lang in ("fr", "ar")}
    queries = []
    for number in range(QUERIES + WARM_UP):
        language = "fr" if number % 2 else "ar"
        terms = words[language].text(chance.randint(1, 3)).split()
        if chance.random() < 0.3:
            terms[-1] = terms[-1][: max(2, len(terms[-1]) - chance.randint(1, 3))]
        options: dict[str, Any] = {}
        if chance.random() < 0.3:
            if chance.random() < 0.5:
                options["category"] = chance.choice(NEED_CATEGORIES)
            else:
                options["commune"] = chance.choice(COMMUNES).name
        queries.append(SearchQuery(text=" ".join(terms), language=language, limit=20, **options))
    return queries


@benchmark("directory_search")
def directory_search() -> Samples:
    """One search of one to three words (ar and fr, filters on 30 %) on 50,000 services."""
    data_dir, _ = _directory()
    context = open_office(Paths.resolve(data_dir))
    queries = _queries(random.Random(11))
    timings, filtered = [], []
    with context.store.session() as session:
        for number, query in enumerate(queries):
            started = time.perf_counter()
            search(session, query, COMMUNES[0])
            elapsed = (time.perf_counter() - started) * 1000
            if number >= WARM_UP:
                timings.append(elapsed)
                if query.category or query.commune:
                    filtered.append(elapsed)
    context.close()
    filtered.sort()
    return Samples(timings, {"filtered_p95_ms": filtered[int(len(filtered) * 0.95)]})
