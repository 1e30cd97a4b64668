"""The domains of the server, in the order their event subscriptions run.

Each package declares itself in its ``__init__.py`` (``DOMAIN = Domain(...)``: its tables, timer
kinds, subscriptions and errors); ``load`` imports and checks them all (engine/registry.py). The
app and the store load them before they serve or make a schema, so every table exists and every
timer kind can fire. Nothing here imports a front.
"""

from __future__ import annotations

from mockplatform.engine import registry

DOMAINS: tuple[str, ...] = ("mockplatform.catalog", "mockplatform.orders",
                            "mockplatform.finance", "mockplatform.logistics",
                            "mockplatform.resale", "mockplatform.aftersales",
                            "mockplatform.control")


def load() -> registry.Registry:
    return registry.load(DOMAINS)
