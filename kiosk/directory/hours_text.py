"""Opening hours as text: days and times, one line per schedule, in the words of a language.

The desk and the kiosk write hours with the screen catalog, slips with the printed words
(``resources/printing/labels.toml``): both pass :class:`HoursWords` and get the same lines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DASH = "\u2013"  # en dash between the first and last day of a range


@dataclass(frozen=True)
class HoursWords:
    """The words of opening hours in one language.

    ``days`` maps ``MO`` … ``SU`` to short day names; ``all_day`` is "24 hours a day";
    ``line`` is a pattern with ``{days}``, ``{opens}`` and ``{closes}``.
    """

    days: Mapping[str, str]
    all_day: str
    line: str

    @classmethod
    def looked_up(
        cls, text: Callable[[str], str], days: str, all_day: str, line: str
    ) -> HoursWords:
        """The words found by ``text`` under the keys ``{days}.MO`` …, ``all_day``, ``line``."""
        return cls({day: text(f"{days}.{day}") for day in DAYS}, text(all_day), text(line))


def day_range(byday: str | None, words: HoursWords) -> str:
    """The days of an RRULE ``byday`` ("MO,TU,WE") as "Mon" DASH "Wed", or "Mon, Thu"."""
    wanted = [day.strip()[-2:].upper() for day in (byday or "").split(",") if day.strip()]
    indexes = sorted(DAYS.index(day) for day in wanted if day in DAYS)
    if not indexes:
        return ""
    if len(indexes) >= 3 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return f"{words.days[DAYS[indexes[0]]]}{DASH}{words.days[DAYS[indexes[-1]]]}"
    return ", ".join(words.days[DAYS[index]] for index in indexes)


def hours_text(hours: Sequence[Mapping[str, Any]], words: HoursWords) -> list[str]:
    """Each schedule (a service card's ``hours``) as one line: days and times, or
    "24 hours a day"; schedules without both times are left out."""
    every_day = day_range(",".join(DAYS), words)
    lines = []
    for schedule in hours:
        opens, closes = schedule.get("opens_at") or "", schedule.get("closes_at") or ""
        if not opens or not closes:
            continue
        days = day_range(schedule.get("byday"), words)
        if opens == closes and days == every_day:
            lines.append(words.all_day)
        else:
            lines.append(words.line.format(days=days, opens=opens, closes=closes))
    return lines
