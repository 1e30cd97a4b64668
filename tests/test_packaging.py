"""What a non-editable install ships: every data file the server reads at run time must be named
by pyproject.toml's package data, or ``pip install .`` gives a server that fails when it first
needs the file (as the ledger once did without ``finance/rates.yaml``)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_data_file_of_the_server_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package = ROOT / "mockplatform"
    shipped = {path for pattern in config["tool"]["setuptools"]["package-data"]["mockplatform"]
               for path in package.glob(pattern)}
    data = {path for path in package.rglob("*")
            if path.is_file() and path.suffix not in (".py", ".pyc")
            and "__pycache__" not in path.parts}

    assert data, "no data files found: the test looks in the wrong place"
    assert sorted(str(p.relative_to(package)) for p in data - shipped) == []
