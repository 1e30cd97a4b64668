"""Scenario scripts: a named story (parameters, steps in sandbox time, expectations) that QA
and CI run in a sandbox in one request, over the API, the SDK or the CLI.

``document`` loads and checks one, ``steps`` is the table of what a step may do, ``runner``
runs it and ``expectations`` checks what it left; ``library`` holds the shipped ones
(``fixtures/scenarios/``).
"""

from __future__ import annotations

from typing import Any

from mockplatform.control.scenarios import document, fault_steps, library, runner

__all__ = ["document", "fault_steps", "library", "run", "runner"]
from mockplatform.engine.context import SandboxContext


def run(ctx: SandboxContext, *, name: str | None = None, scenario: Any = None,
        params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run the shipped scenario ``name``, or ``scenario`` (a mapping, or YAML or JSON text)."""
    if name is not None:
        loaded = document.load(library.raw(name), params, what=f"scenario {name!r}")
    else:
        if isinstance(scenario, str):
            scenario = document.parse(scenario)
        loaded = document.load(scenario, params)
    return runner.run(ctx, loaded)
