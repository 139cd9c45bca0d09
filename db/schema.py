"""The complete schema: importing this module registers every model on ``Base.metadata``.

A new module of models is added here, so that Alembic and the tests see all tables.
"""

from db import cases, directory, models, office_key, print_spool, sync
from db.base import Base

__all__ = ["Base", "cases", "directory", "models", "office_key", "print_spool", "sync"]
