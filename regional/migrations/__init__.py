"""Alembic migrations of the regional database (run by ``regional.database.upgrade``)."""
