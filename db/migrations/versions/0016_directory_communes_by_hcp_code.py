"""directory communes by HCP code: a directory address's commune named by its code

Revision ID: 0016
Revises: 0015

An address of the service directory kept its commune as a name (``baom_commune``, else its
city). The upgrade sets ``hsds_address.commune`` to the HCP code of the commune it names,
or that its city names when it had none (any spelling, French or Arabic;
``protocol.communes``), and keeps any other text as it was (a commune elsewhere, a spelling
not known: still readable, never lost). The search documents' commune facets follow
(``commune_tiznit`` becomes ``commune_09_581_01_07``, with its province's
``province_09_581``), so that search and the kiosk's browse find every service by code
without a new import. The downgrade writes the French name back in place of a code.
"""

import re
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from protocol.communes import CODE, address_commune, commune_name, find_commune
from protocol.directory.text import normalise

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CODE_TOKEN = re.compile(r"^commune_(09_\d{3}_\d{2}_\d{2})$")
_PROVINCE_CODE_TOKEN = re.compile(r"^province_09_\d{3}$")
_WORD = re.compile(r"\w+")


def _token(kind: str, value: str) -> str:
    """A facet token as ``kiosk.directory.normalise.facet`` makes it."""
    return kind + "_" + "_".join(_WORD.findall(normalise(value)))


def _by_code(token: str) -> list[str]:
    """A commune facet token named after a known commune, as its code and province."""
    if not token.startswith("commune_"):
        return [token]
    known = find_commune(token.removeprefix("commune_").replace("_", " "))
    if known is None:
        return [token]
    return [_token("commune", known.code), _token("province", known.province)]


def _by_name(token: str) -> list[str]:
    """A commune facet token of a code as the commune's French name; a province's code
    token dropped."""
    if _PROVINCE_CODE_TOKEN.match(token):
        return []
    found = _CODE_TOKEN.match(token)
    if found is None:
        return [token]
    return [_token("commune", commune_name(found.group(1).replace("_", "."), "fr"))]


def _rewrite(
    address: Callable[[str | None, str | None], str | None], tokens: Callable[[str], list[str]]
) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, commune, city FROM hsds_address")).all()
    for key, commune, city in rows:
        new = address(commune, city)
        if new != commune:
            connection.execute(
                sa.text("UPDATE hsds_address SET commune = :new WHERE id = :id"),
                {"new": new, "id": key},
            )
    documents = connection.execute(sa.text("SELECT id, facets FROM hsds_search_document")).all()
    for key, facets in documents:
        new_facets = " ".join(dict.fromkeys(t for old in facets.split() for t in tokens(old)))
        if new_facets != facets:
            connection.execute(
                sa.text("UPDATE hsds_search_document SET facets = :facets WHERE id = :id"),
                {"facets": new_facets, "id": key},
            )


def _name(commune: str | None, city: str | None) -> str | None:
    return commune_name(commune, "fr") if commune and CODE.match(commune) else commune


def upgrade() -> None:
    _rewrite(address_commune, _by_code)


def downgrade() -> None:
    _rewrite(_name, _by_name)
