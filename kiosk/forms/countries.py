"""Countries for the nationality field: every valid region code, and the desk's short list.

Validation accepts any ISO 3166 alpha-2 region code that ``phonenumbers`` knows; the picker
offers the nationalities the offices see most, named in the four interface languages, then
every other country, named from the Unicode CLDR (through Babel) in the same languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import phonenumbers

NOT_A_NATIONALITY = frozenset({"EH"})
"""Region codes that are no nationality for a Moroccan office: ``EH`` (the Saharan
provinces, whose people are Moroccan: ``MA``)."""


@cache
def region_codes() -> frozenset[str]:
    """Every two-letter region code known to ``phonenumbers`` (``MA``, ``SN``, ...) that is
    a nationality (not :data:`NOT_A_NATIONALITY`)."""
    return frozenset(
        code
        for codes in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.values()
        for code in codes
        if len(code) == 2 and code.isalpha() and code not in NOT_A_NATIONALITY
    )


def is_country(code: str) -> bool:
    """Whether ``code`` (upper case) is a valid region code."""
    return code in region_codes()


# code: (fr, ar, en, zgh). Tifinagh names are a best effort, to be checked by IRCAM-trained staff.
_COMMON: dict[str, tuple[str, str, str, str]] = {
    "MA": ("Maroc", "المغرب", "Morocco", "ⵍⵎⵖⵔⵉⴱ"),
    "FR": ("France", "فرنسا", "France", "ⴼⵔⴰⵏⵙⴰ"),
    "ES": ("Espagne", "إسبانيا", "Spain", "ⵙⴱⴰⵏⵢⴰ"),
    "BE": ("Belgique", "بلجيكا", "Belgium", "ⴱⵍⵊⵉⴽⴰ"),
    "NL": ("Pays-Bas", "هولندا", "Netherlands", "ⵀⵓⵍⴰⵏⴷⴰ"),
    "DE": ("Allemagne", "ألمانيا", "Germany", "ⴰⵍⵎⴰⵏⵢⴰ"),
    "IT": ("Italie", "إيطاليا", "Italy", "ⵉⵟⴰⵍⵢⴰ"),
    "SN": ("Sénégal", "السنغال", "Senegal", "ⵙⵉⵏⵉⴳⴰⵍ"),
    "CI": ("Côte d'Ivoire", "كوت ديفوار", "Côte d'Ivoire", "ⴽⵓⵜ ⴷⵉⴼⵡⴰⵔ"),
    "GN": ("Guinée", "غينيا", "Guinea", "ⵖⵉⵏⵢⴰ"),
    "ML": ("Mali", "مالي", "Mali", "ⵎⴰⵍⵉ"),
    "SD": ("Soudan", "السودان", "Sudan", "ⵙⵓⴷⴰⵏ"),
    "CM": ("Cameroun", "الكاميرون", "Cameroon", "ⴽⴰⵎⵉⵔⵓⵏ"),
    "NG": ("Nigeria", "نيجيريا", "Nigeria", "ⵏⵉⵊⵉⵔⵢⴰ"),
    "GH": ("Ghana", "غانا", "Ghana", "ⵖⴰⵏⴰ"),
    "BF": ("Burkina Faso", "بوركينا فاسو", "Burkina Faso", "ⴱⵓⵔⴽⵉⵏⴰ ⴼⴰⵙⵓ"),
    "CD": ("RD Congo", "الكونغو الديمقراطية", "DR Congo", "ⴽⵓⵏⴳⵓ ⵜⴰⴳⴷⵓⴷⴰⵏⵜ"),
    "GM": ("Gambie", "غامبيا", "Gambia", "ⴳⴰⵎⴱⵢⴰ"),
    "MR": ("Mauritanie", "موريتانيا", "Mauritania", "ⵎⵓⵔⵉⵟⴰⵏⵢⴰ"),
    "DZ": ("Algérie", "الجزائر", "Algeria", "ⴷⵣⴰⵢⵔ"),
    "TN": ("Tunisie", "تونس", "Tunisia", "ⵜⵓⵏⵙ"),
    "SY": ("Syrie", "سوريا", "Syria", "ⵙⵓⵔⵢⴰ"),
    "YE": ("Yémen", "اليمن", "Yemen", "ⵢⴰⵎⴰⵏ"),
    "GB": ("Royaume-Uni", "المملكة المتحدة", "United Kingdom", "ⵜⴰⴳⵍⴷⵉⵜ ⵉⵎⵓⵏⵏ"),
    "US": ("États-Unis", "الولايات المتحدة", "United States", "ⵉⵡⵓⵏⴰⴽ ⵉⵎⵓⵏⵏ"),
    "CA": ("Canada", "كندا", "Canada", "ⴽⴰⵏⴰⴷⴰ"),
}
_LANGUAGES = ("fr", "ar", "en", "zgh")


def common_nationalities() -> Mapping[str, Mapping[str, str]]:
    """The desk's short list: region code -> {language: country name}, in display order."""
    return {code: dict(zip(_LANGUAGES, names, strict=True)) for code, names in _COMMON.items()}


@cache
def _cldr_names(language: str) -> Mapping[str, str]:
    from babel import Locale  # its locale data loads on first use, not at start-up

    return Locale.parse(language).territories


def country_name(code: str, language: str) -> str:
    """The name of the country ``code`` in ``language``: the short list's, else the CLDR's
    (French when the CLDR has no name in that language), else the code itself."""
    language = language if language in _LANGUAGES else "fr"
    names = _COMMON.get(code)
    if names is not None:
        return names[_LANGUAGES.index(language)]
    return _cldr_names(language).get(code) or _cldr_names("fr").get(code) or code
