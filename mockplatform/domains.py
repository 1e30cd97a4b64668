"""The domain packages. Each has ``models.py`` (its tables) and ``routes.py`` (a blueprint
``bp``); importing a package's routes also registers its timer kinds. Loading them all before the
schema is made or an app serves means every table exists and every timer can fire."""

from __future__ import annotations

import importlib
from types import ModuleType

DOMAINS: tuple[str, ...] = ("mockplatform.finance", "mockplatform.catalog", "mockplatform.orders",
                            "mockplatform.logistics")


def load() -> list[ModuleType]:
    """Import every domain's routes (and with them its models and timer kinds)."""
    return [importlib.import_module(f"{domain}.routes") for domain in DOMAINS]
