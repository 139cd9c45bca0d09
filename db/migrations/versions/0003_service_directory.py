"""service directory: HSDS 3.0 core with the BAOM profile, and its FTS5 index

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "name, category, description, infix, facets"
_NEW = "new.id, new.name, new.category, new.description, new.infix, new.facets"
_OLD = "old.id, old.name, old.category, old.description, old.infix, old.facets"

# The FTS5 index of hsds_search_document (external content, so the text is stored once).
# The text is normalised in Python before it is stored (kiosk.directory.normalise), so the
# tokenizer only splits it; '_' joins the facet tokens (cat_health, commune_taliouine).
# pgsz=3900 keeps each index block inside one SQLCipher page (SEARCH-NOTES.md);
# detail=column: no word positions (no phrase queries are made), a smaller, quicker index.
_SEARCH_INDEX = (
    f"CREATE VIRTUAL TABLE hsds_fts USING fts5({_COLUMNS}, "
    "content='hsds_search_document', content_rowid='id', "
    "tokenize=\"unicode61 remove_diacritics 0 tokenchars '_'\", prefix='2 3', detail=column)",
    "INSERT INTO hsds_fts(hsds_fts, rank) VALUES ('pgsz', 3900)",
    "CREATE TRIGGER hsds_search_document_ai AFTER INSERT ON hsds_search_document BEGIN "
    f"INSERT INTO hsds_fts(rowid, {_COLUMNS}) VALUES ({_NEW}); END",
    "CREATE TRIGGER hsds_search_document_ad AFTER DELETE ON hsds_search_document BEGIN "
    f"INSERT INTO hsds_fts(hsds_fts, rowid, {_COLUMNS}) VALUES ('delete', {_OLD}); END",
    "CREATE TRIGGER hsds_search_document_au AFTER UPDATE ON hsds_search_document BEGIN "
    f"INSERT INTO hsds_fts(hsds_fts, rowid, {_COLUMNS}) VALUES ('delete', {_OLD}); "
    f"INSERT INTO hsds_fts(rowid, {_COLUMNS}) VALUES ({_NEW}); END",
)


def upgrade() -> None:
    op.create_table(
        "hsds_organization",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("alternate_name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("tax_status", sa.Text(), nullable=True),
        sa.Column("tax_id", sa.Text(), nullable=True),
        sa.Column("year_incorporated", sa.Double(), nullable=True),
        sa.Column("legal_status", sa.Text(), nullable=True),
        sa.Column("logo", sa.Text(), nullable=True),
        sa.Column("uri", sa.Text(), nullable=True),
        sa.Column("parent_organization_id", sa.Uuid(), nullable=True),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hsds_organization")),
    )
    op.create_table(
        "hsds_taxonomy",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("uri", sa.Text(), nullable=True),
        sa.Column("version", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hsds_taxonomy")),
    )
    op.create_table(
        "hsds_location",
        sa.Column(
            "location_type",
            sa.Enum(
                "physical", "postal", "virtual", name="placetype", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("alternate_name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("transportation", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("external_identifier", sa.Text(), nullable=True),
        sa.Column("external_identifier_type", sa.Text(), nullable=True),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["hsds_organization.id"],
            name=op.f("fk_hsds_location_organization_id_hsds_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hsds_location")),
    )
    with op.batch_alter_table("hsds_location", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hsds_location_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "hsds_service",
        sa.Column("organization_id", sa.Uuid(), nullable=True),
        sa.Column("program_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("alternate_name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "inactive",
                "defunct",
                "temporarily closed",
                name="servicestatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("interpretation_services", sa.Text(), nullable=True),
        sa.Column("application_process", sa.Text(), nullable=True),
        sa.Column("fees_description", sa.Text(), nullable=True),
        sa.Column("wait_time", sa.Text(), nullable=True),
        sa.Column("fees", sa.Text(), nullable=True),
        sa.Column("accreditations", sa.Text(), nullable=True),
        sa.Column("eligibility_description", sa.Text(), nullable=True),
        sa.Column("minimum_age", sa.Double(), nullable=True),
        sa.Column("maximum_age", sa.Double(), nullable=True),
        sa.Column("assured_date", sa.Text(), nullable=True),
        sa.Column("assurer_email", sa.Text(), nullable=True),
        sa.Column("licenses", sa.Text(), nullable=True),
        sa.Column("alert", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("eligible_categories", sa.JSON(), nullable=False),
        sa.Column("eligible_sex", sa.String(length=8), nullable=True),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["hsds_organization.id"],
            name=op.f("fk_hsds_service_organization_id_hsds_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hsds_service")),
    )
    with op.batch_alter_table("hsds_service", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hsds_service_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "hsds_taxonomy_term",
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("taxonomy", sa.Text(), nullable=True),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("taxonomy_id", sa.Uuid(), nullable=True),
        sa.Column("term_uri", sa.Text(), nullable=True),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["taxonomy_id"],
            ["hsds_taxonomy.id"],
            name=op.f("fk_hsds_taxonomy_term_taxonomy_id_hsds_taxonomy"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hsds_taxonomy_term")),
    )
    with op.batch_alter_table("hsds_taxonomy_term", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hsds_taxonomy_term_taxonomy_id"), ["taxonomy_id"], unique=False
        )

    op.create_table(
        "hsds_address",
        sa.Column("location_id", sa.Uuid(), nullable=True),
        sa.Column("attention", sa.Text(), nullable=True),
        sa.Column("address_1", sa.Text(), nullable=False),
        sa.Column("address_2", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("state_province", sa.Text(), nullable=False),
        sa.Column("postal_code", sa.Text(), nullable=False),
        sa.Column("country", sa.Text(), nullable=False),
        sa.Column(
            "address_type",
            sa.Enum(
                "physical", "postal", "virtual", name="placetype", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("commune", sa.Text(), nullable=True),
        sa.Column("province", sa.Text(), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["hsds_location.id"],
            name=op.f("fk_hsds_address_location_id_hsds_location"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hsds_address")),
    )
    with op.batch_alter_table("hsds_address", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hsds_address_location_id"), ["location_id"], unique=False
        )

    op.create_table(
        "hsds_attribute",
        sa.Column("link_id", sa.Uuid(), nullable=True),
        sa.Column("taxonomy_term_id", sa.Uuid(), nullable=True),
        sa.Column("link_type", sa.Text(), nullable=True),
        sa.Column("link_entity", sa.Text(), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["taxonomy_term_id"],
            ["hsds_taxonomy_term.id"],
            name=op.f("fk_hsds_attribute_taxonomy_term_id_hsds_taxonomy_term"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hsds_attribute")),
    )
    with op.batch_alter_table("hsds_attribute", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hsds_attribute_link_id"), ["link_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_hsds_attribute_taxonomy_term_id"), ["taxonomy_term_id"], unique=False
        )

    op.create_table(
        "hsds_cost_option",
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("valid_from", sa.Text(), nullable=True),
        sa.Column("valid_to", sa.Text(), nullable=True),
        sa.Column("option", sa.Text(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=True),
        sa.Column("amount", sa.Double(), nullable=True),
        sa.Column("amount_description", sa.Text(), nullable=True),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["hsds_service.id"],
            name=op.f("fk_hsds_cost_option_service_id_hsds_service"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hsds_cost_option")),
    )
    with op.batch_alter_table("hsds_cost_option", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hsds_cost_option_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "hsds_required_document",
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("document", sa.Text(), nullable=True),
        sa.Column("uri", sa.Text(), nullable=True),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["hsds_service.id"],
            name=op.f("fk_hsds_required_document_service_id_hsds_service"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hsds_required_document")),
    )
    with op.batch_alter_table("hsds_required_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hsds_required_document_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "hsds_search_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("infix", sa.Text(), nullable=False),
        sa.Column("facets", sa.Text(), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["hsds_service.id"],
            name=op.f("fk_hsds_search_document_service_id_hsds_service"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hsds_search_document")),
        sa.UniqueConstraint("service_id", name=op.f("uq_hsds_search_document_service_id")),
    )
    op.create_table(
        "hsds_service_area",
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("extent", sa.Text(), nullable=True),
        sa.Column("extent_type", sa.Text(), nullable=True),
        sa.Column("uri", sa.Text(), nullable=True),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["hsds_service.id"],
            name=op.f("fk_hsds_service_area_service_id_hsds_service"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hsds_service_area")),
    )
    with op.batch_alter_table("hsds_service_area", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hsds_service_area_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "hsds_service_at_location",
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("location_id", sa.Uuid(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["hsds_location.id"],
            name=op.f("fk_hsds_service_at_location_location_id_hsds_location"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["hsds_service.id"],
            name=op.f("fk_hsds_service_at_location_service_id_hsds_service"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hsds_service_at_location")),
    )
    with op.batch_alter_table("hsds_service_at_location", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hsds_service_at_location_location_id"), ["location_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_hsds_service_at_location_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "hsds_phone",
        sa.Column("location_id", sa.Uuid(), nullable=True),
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=True),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("service_at_location_id", sa.Uuid(), nullable=True),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("extension", sa.Double(), nullable=True),
        sa.Column("type", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["hsds_location.id"],
            name=op.f("fk_hsds_phone_location_id_hsds_location"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["hsds_organization.id"],
            name=op.f("fk_hsds_phone_organization_id_hsds_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["service_at_location_id"],
            ["hsds_service_at_location.id"],
            name=op.f("fk_hsds_phone_service_at_location_id_hsds_service_at_location"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["hsds_service.id"], name=op.f("fk_hsds_phone_service_id_hsds_service")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hsds_phone")),
    )
    with op.batch_alter_table("hsds_phone", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hsds_phone_location_id"), ["location_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_hsds_phone_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_hsds_phone_service_at_location_id"),
            ["service_at_location_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_hsds_phone_service_id"), ["service_id"], unique=False)

    op.create_table(
        "hsds_schedule",
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("location_id", sa.Uuid(), nullable=True),
        sa.Column("service_at_location_id", sa.Uuid(), nullable=True),
        sa.Column("valid_from", sa.Text(), nullable=True),
        sa.Column("valid_to", sa.Text(), nullable=True),
        sa.Column("dtstart", sa.Text(), nullable=True),
        sa.Column("timezone", sa.Double(), nullable=True),
        sa.Column("until", sa.Text(), nullable=True),
        sa.Column("count", sa.Double(), nullable=True),
        sa.Column("wkst", sa.Text(), nullable=True),
        sa.Column("freq", sa.Text(), nullable=True),
        sa.Column("interval", sa.Double(), nullable=True),
        sa.Column("byday", sa.Text(), nullable=True),
        sa.Column("byweekno", sa.Text(), nullable=True),
        sa.Column("bymonthday", sa.Text(), nullable=True),
        sa.Column("byyearday", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("opens_at", sa.Text(), nullable=True),
        sa.Column("closes_at", sa.Text(), nullable=True),
        sa.Column("schedule_link", sa.Text(), nullable=True),
        sa.Column("attending_type", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("timezone_name", sa.Text(), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["hsds_location.id"],
            name=op.f("fk_hsds_schedule_location_id_hsds_location"),
        ),
        sa.ForeignKeyConstraint(
            ["service_at_location_id"],
            ["hsds_service_at_location.id"],
            name=op.f("fk_hsds_schedule_service_at_location_id_hsds_service_at_location"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["hsds_service.id"],
            name=op.f("fk_hsds_schedule_service_id_hsds_service"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hsds_schedule")),
    )
    with op.batch_alter_table("hsds_schedule", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hsds_schedule_location_id"), ["location_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_hsds_schedule_service_at_location_id"),
            ["service_at_location_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_hsds_schedule_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "hsds_language",
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("location_id", sa.Uuid(), nullable=True),
        sa.Column("phone_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["hsds_location.id"],
            name=op.f("fk_hsds_language_location_id_hsds_location"),
        ),
        sa.ForeignKeyConstraint(
            ["phone_id"], ["hsds_phone.id"], name=op.f("fk_hsds_language_phone_id_hsds_phone")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["hsds_service.id"],
            name=op.f("fk_hsds_language_service_id_hsds_service"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hsds_language")),
    )
    with op.batch_alter_table("hsds_language", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hsds_language_location_id"), ["location_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_hsds_language_phone_id"), ["phone_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_hsds_language_service_id"), ["service_id"], unique=False
        )

    for statement in _SEARCH_INDEX:
        op.execute(statement)


def downgrade() -> None:
    for trigger in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER hsds_search_document_{trigger}")
    op.execute("DROP TABLE hsds_fts")
    with op.batch_alter_table("hsds_language", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hsds_language_service_id"))
        batch_op.drop_index(batch_op.f("ix_hsds_language_phone_id"))
        batch_op.drop_index(batch_op.f("ix_hsds_language_location_id"))

    op.drop_table("hsds_language")
    with op.batch_alter_table("hsds_schedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hsds_schedule_service_id"))
        batch_op.drop_index(batch_op.f("ix_hsds_schedule_service_at_location_id"))
        batch_op.drop_index(batch_op.f("ix_hsds_schedule_location_id"))

    op.drop_table("hsds_schedule")
    with op.batch_alter_table("hsds_phone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hsds_phone_service_id"))
        batch_op.drop_index(batch_op.f("ix_hsds_phone_service_at_location_id"))
        batch_op.drop_index(batch_op.f("ix_hsds_phone_organization_id"))
        batch_op.drop_index(batch_op.f("ix_hsds_phone_location_id"))

    op.drop_table("hsds_phone")
    with op.batch_alter_table("hsds_service_at_location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hsds_service_at_location_service_id"))
        batch_op.drop_index(batch_op.f("ix_hsds_service_at_location_location_id"))

    op.drop_table("hsds_service_at_location")
    with op.batch_alter_table("hsds_service_area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hsds_service_area_service_id"))

    op.drop_table("hsds_service_area")
    op.drop_table("hsds_search_document")
    with op.batch_alter_table("hsds_required_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hsds_required_document_service_id"))

    op.drop_table("hsds_required_document")
    with op.batch_alter_table("hsds_cost_option", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hsds_cost_option_service_id"))

    op.drop_table("hsds_cost_option")
    with op.batch_alter_table("hsds_attribute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hsds_attribute_taxonomy_term_id"))
        batch_op.drop_index(batch_op.f("ix_hsds_attribute_link_id"))

    op.drop_table("hsds_attribute")
    with op.batch_alter_table("hsds_address", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hsds_address_location_id"))

    op.drop_table("hsds_address")
    with op.batch_alter_table("hsds_taxonomy_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hsds_taxonomy_term_taxonomy_id"))

    op.drop_table("hsds_taxonomy_term")
    with op.batch_alter_table("hsds_service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hsds_service_organization_id"))

    op.drop_table("hsds_service")
    with op.batch_alter_table("hsds_location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hsds_location_organization_id"))

    op.drop_table("hsds_location")
    op.drop_table("hsds_taxonomy")
    op.drop_table("hsds_organization")
