"""The migrations build exactly the schema the models describe (no drift either way)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from service.lib.db import Database
from service.persistence.models import Base

pytestmark = pytest.mark.integration


def test_migrations_and_models_agree(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "\n".join(str(d) for d in differences)
