"""The local store: SQLAlchemy models, the encrypted engine, the unit of work, migrations."""
