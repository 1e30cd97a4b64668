"""The gateway's API table: each Lazada API path, the methods Lazada declares for it, whether it
writes and whether it needs an ``access_token``, how its business parameters are read and what
it runs. The API modules (``orders``, ``auth``) fill it with ``@api``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockplatform.engine.context import SandboxContext

GET, POST = "GET", "POST"


@dataclass(frozen=True)
class Api:
    name: str  # the path the SDK signs, "/orders/get"
    methods: tuple[str, ...]  # what Lazada declares; the others are refused in strict mode
    write: bool
    token: bool  # needs an access_token (every seller API; not the token APIs)
    parse: Callable[[dict[str, str]], Any]  # the business parameters, checked
    run: Callable[[SandboxContext, Any], dict[str, Any]]  # the body besides code, request_id


APIS: dict[str, Api] = {}


def api(name: str, *, methods: tuple[str, ...], parse: Callable[[dict[str, str]], Any],
        write: bool = False, token: bool = True) -> Callable:
    def register(run: Callable[[SandboxContext, Any], dict[str, Any]]) -> Callable:
        if name in APIS:
            raise TypeError(f"{name} is declared twice")
        APIS[name] = Api(name, methods, write, token, parse, run)
        return run

    return register
