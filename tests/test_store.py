"""The store refuses a database made by another schema version, with a message saying why."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from mockplatform.store.models import SCHEMA_VERSION, SchemaInfo
from mockplatform.store.session import Store


def test_a_database_of_another_schema_version_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = Store(url)
    store.create_schema()
    store.create_schema()  # the same version twice is fine
    with store.transaction() as session:
        session.execute(update(SchemaInfo).values(version=SCHEMA_VERSION + 99))
    store.dispose()
    with pytest.raises(RuntimeError, match="fresh database or data dir"):
        Store(url).create_schema()
