"""The catalog data files: ``fixtures/catalogs/*.yaml`` at the top of the source tree.

``fixtures/`` is data, not a Python package, so the build copies it into the wheel as
``mockplatform/_fixtures/`` (see ``mockplatform/_build.py``, wired in pyproject.toml). An
installed server reads that copy through ``importlib.resources``; a source checkout or an
editable install has no copy and reads the top-level directory itself.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

SOURCE_DIR = Path(__file__).resolve().parents[2] / "fixtures"


def fixtures_dir() -> Traversable:
    packaged = resources.files("mockplatform") / "_fixtures"
    if packaged.is_dir():
        return packaged
    if SOURCE_DIR.is_dir():
        return SOURCE_DIR
    raise RuntimeError(f"the catalog fixtures are missing: neither the installed "
                       f"mockplatform/_fixtures nor {SOURCE_DIR} exists; reinstall mockplatform")


@cache
def load(name: str) -> dict[str, Any]:
    """One file of ``fixtures/catalogs/``, parsed (cached: the files do not change)."""
    document = yaml.safe_load((fixtures_dir() / "catalogs" / name).read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise RuntimeError(f"fixtures/catalogs/{name}: expected a mapping at the top")
    return document


def categories() -> list[dict[str, Any]]:
    return load("categories.yaml")["categories"]


def market(code: str) -> dict[str, Any]:
    return load("markets.yaml")["markets"][code]
