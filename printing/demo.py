"""A demo slip, until the referrals of the intake exist: plain data, marked as a demo.

The data lives in ``resources/printing/demo_slip.toml``. The address and the phone are
invented and printed as such; the referral code and token are fixed, so that a demo slip
can be checked (its QR code always reads the same link).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from printing.labels import Localized
from printing.slip import SlipContent


@dataclass(frozen=True)
class DemoData:
    """The invented referral that demo slips print."""

    code: str
    token: str
    regional_url: str
    need: str
    phone: str
    first_name: str
    service: Localized
    address: Localized
    hours: Localized
    documents: tuple[Localized, ...]


@cache
def demo_data() -> DemoData:
    """The shipped demo referral."""
    text = (resources.files("resources") / "printing" / "demo_slip.toml").read_text("utf-8")
    table: dict[str, Any] = tomllib.loads(text)
    return DemoData(
        code=table["code"],
        token=table["token"],
        regional_url=table["regional_url"],
        need=table["need"],
        phone=table["phone"],
        first_name=table["first_name"],
        service=table["service"],
        address=table["address"],
        hours=table["hours"],
        documents=tuple(table["documents"]),
    )


def demo_url(regional_url: str = "") -> str:
    """The counter-referral link of the demo slip on ``regional_url`` (or an example server)."""
    data = demo_data()
    return f"{(regional_url or data.regional_url).rstrip('/')}/r/{data.token}"


def demo_slip(
    office: str,
    commune: str,
    issued_at: datetime,
    desk: Localized,
    need: Localized,
    regional_url: str = "",
    *,
    with_first_name: bool = False,
) -> SlipContent:
    """The demo slip of ``office``: a civil-registry referral with invented contact details."""
    data = demo_data()
    return SlipContent(
        office=office,
        commune=commune,
        issued_at=issued_at,
        desk=desk,
        code=data.code,
        service=data.service,
        need=need,
        address=data.address,
        hours=data.hours,
        phone=data.phone,
        documents=data.documents,
        counter_referral_url=demo_url(regional_url),
        first_name=data.first_name if with_first_name else None,
        demo=True,
    )
