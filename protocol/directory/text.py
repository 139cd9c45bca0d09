"""Folding text for matching, the same wherever text is compared: Unicode NFKC and case
folding; Latin diacritics removed (santé = sante); Arabic normalised (أ إ آ → ا, ة → ه,
ى → ي, harakat and tatweel removed); Tifinagh kept as it is.

The profile's language names are matched with it (``protocol.directory.profile``), and the
office's directory search builds its terms on it (``kiosk.directory.normalise``).
"""  # noqa: RUF002

from __future__ import annotations

import re
import unicodedata

_TIFINAGH = range(0x2D30, 0x2D80)
_LETTERS: dict[str, str | int | None] = {"\u0629": "\u0647", "\u0649": "\u064a", "\u0640": None}
_ARABIC = {  # Arabic-Indic digits to ASCII; teh marbuta → heh, alef maqsura → yeh, no tatweel
    **str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789"),
    **str.maketrans(_LETTERS),
}


def _combining_marks() -> re.Pattern[str]:
    """Every combining mark where Latin and Arabic scripts have them, Tifinagh's aside."""
    blocks: tuple[range, ...] = (range(0x0300, 0x0370), range(0x0483, 0x0900))
    blocks += (range(0x1AB0, 0x1B00), range(0x1DC0, 0x1E00), range(0x20D0, 0x2100))
    blocks += (range(0xFE20, 0xFE30),)
    marks = "".join(
        chr(point)
        for block in blocks
        for point in block
        if unicodedata.category(chr(point)) == "Mn" and point not in _TIFINAGH
    )
    return re.compile(f"[{re.escape(marks)}]+")


_MARKS = _combining_marks()


def normalise(text: str) -> str:
    """``text`` folded for matching: the rules of the module docstring, nothing else."""
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = _MARKS.sub("", unicodedata.normalize("NFD", folded)).translate(_ARABIC)
    return unicodedata.normalize("NFC", kept)
