"""Scenario scripts: the shipped ones (``fixtures/scenarios/``) and running one, shipped or
your own, in the client's sandbox in one request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._encoding import without_none
from .._object import MockplatformObject
from ._base import Resource, quote_id

_PATH = "/api/v1/scenarios"


class Scenarios(Resource):
    def list(self) -> list[MockplatformObject]:
        """Every shipped scenario: ``name``, ``description``, the ``sandbox`` it needs (platform,
        market, seed), its ``parameters`` with their defaults, and the ``document``."""
        return list(self._request("GET", _PATH)["data"])

    def get(self, name: str) -> MockplatformObject:
        return self._request("GET", f"{_PATH}/{quote_id(name)}")

    def run(self, name: str | None = None, params: Mapping[str, Any] | None = None, *,
            scenario: Mapping[str, Any] | str | None = None,
            idempotency_key: str | None = None) -> MockplatformObject:
        """Run the shipped scenario ``name``, or ``scenario`` (a document, or its YAML or JSON
        text), in the client's sandbox, with ``params`` for its parameters.

        The answer's ``passed`` says whether every expectation held; ``failed`` lists those
        that did not, each with its ``why``; ``steps`` each step's result and ``summary`` the
        sandbox's summary afterwards. A document that does not load is a 400 naming each
        problem; a step the domain refuses a 409 naming the step (``BadRequestError`` and
        ``ConflictError``).
        """
        if (name is None) == (scenario is None):
            raise ValueError("run() takes exactly one of name or scenario=")
        body = without_none(name=name, scenario=scenario,
                            params=dict(params) if params is not None else None)
        return self._request("POST", self._sandbox_path("scenarios", "run"), json=body,
                             idempotency_key=idempotency_key)
