"""The office's own words on paper: its desks (counters), its needs (queue reasons), its commune."""

from __future__ import annotations

from kiosk.office import OfficeContext
from kiosk.queue.config import QueueConfig, ReasonsError, load_config
from printing.labels import Localized
from protocol.communes import commune_name


def desk_labels(config: QueueConfig, counter: int | None) -> Localized:
    """The name of desk ``counter`` (the first desk for None or 0) in each language."""
    if not config.counters:
        return {}
    if counter is None or counter == 0:
        return config.counters[0].labels
    return config.counter(counter).labels


def need_labels(config: QueueConfig, key: str) -> Localized:
    """The need ``key`` in each language, as the queue's reasons name it."""
    try:
        return config.reason(key).labels
    except ReasonsError:
        return {"fr": key.replace("_", " ")}


def office_commune(context: OfficeContext) -> str:
    """The commune of the opened office, in French (as the slips print it)."""
    return commune_name(context.office_commune, "fr")


def machine_desk(context: OfficeContext, counter: int | None) -> int:
    """``counter``, or the desk this machine is set to (``desk.counter``)."""
    return counter if counter is not None else int(context.settings.get("desk.counter"))


def office_config(context: OfficeContext) -> QueueConfig:
    """The office's queue configuration (its desks and reasons)."""
    return load_config(context.paths.config_dir)
