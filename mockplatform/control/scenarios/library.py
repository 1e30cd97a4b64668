"""The scenarios shipped in ``fixtures/scenarios/`` (one file each, named as the scenario), read
from the same data directory as the catalog fixtures (the installed copy, or the source tree).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from mockplatform.catalog.fixtures import fixtures_dir
from mockplatform.control.errors import ScenarioNotFound
from mockplatform.control.scenarios import document
from mockplatform.control.scenarios.schema import closest

DIRECTORY = "scenarios"
SUFFIXES = (".yaml", ".yml", ".json")


@cache
def _files() -> dict[str, str]:
    """Scenario name -> its text (the files do not change while the server runs)."""
    folder = fixtures_dir() / DIRECTORY
    if not folder.is_dir():
        return {}
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        stem, dot, suffix = entry.name.rpartition(".")
        if dot and f".{suffix}" in SUFFIXES:
            found[stem] = entry.read_text(encoding="utf-8")
    return found


def names() -> list[str]:
    return sorted(_files())


def text(name: str) -> str:
    files = _files()
    if name not in files:
        guess = closest(name, files)
        hint = f"; did you mean {guess!r}?" if guess else ""
        raise ScenarioNotFound(f"no shipped scenario {name!r}{hint} (GET /api/v1/scenarios "
                               "lists them)", details=[
            {"field": "name", "location": "body", "message": f"unknown scenario{hint}",
             "closest": guess}])
    return files[name]


@cache
def raw(name: str) -> dict[str, Any]:
    """The shipped document, parsed (and checked when it was first listed)."""
    return document.parse(text(name), what=f"fixtures/scenarios/{name}")


def describe(name: str) -> dict[str, Any]:
    """What a list shows of a shipped scenario: its name, description, sandbox, parameters
    and the document itself."""
    loaded = document.load(raw(name), what=f"fixtures/scenarios/{name}")
    return {"object": "scenario", "name": loaded.name, "description": loaded.description,
            "sandbox": loaded.sandbox, "parameters": loaded.parameters,
            "steps": len(loaded.steps), "expectations": len(loaded.expectations),
            "document": raw(name)}
