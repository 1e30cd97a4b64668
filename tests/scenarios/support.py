"""Running scenarios in-process: a sandbox made from a scenario's own settings, and the run."""

from __future__ import annotations

from mockplatform.control.scenarios import library
from tests.conftest import Api

SANDBOXES = "/api/v1/sandboxes"


def sandbox_for(api: Api, name: str | None = None, **spec) -> tuple[dict, Api]:
    settings = dict(library.raw(name).get("sandbox", {})) if name else {}
    return api.create_sandbox(**{**settings, **spec})


def run(sbx: Api, sandbox: dict, **body):
    return sbx.post(f"{SANDBOXES}/{sandbox['id']}/scenarios/run", json=body)


def run_ok(sbx: Api, sandbox: dict, **body) -> dict:
    response = run(sbx, sandbox, **body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def errors(response, status: int = 400) -> list[dict]:
    body = response.get_json()
    assert response.status_code == status, body
    return body["error"]["details"]


def failed(answer: dict) -> list[str]:
    return [f"{e['section']} {e['name']}: {e['why']}" for e in answer["failed"]]
