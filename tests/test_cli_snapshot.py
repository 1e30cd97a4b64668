"""`mockplatform snapshot SANDBOX > file` and `mockplatform restore file`, against a real server
in a thread (the commands talk HTTP, as to any deployment)."""

from __future__ import annotations

import gzip
import json
import socket

import pytest
from click.testing import CliRunner

from mockplatform.app import create_app
from mockplatform.cli import main
from mockplatform.settings import Settings
from mockplatform.testing.plugin import ThreadedServer
from tests.api.support import ADMIN_TOKEN
from tests.conftest import DATABASE_URL, Api

SANDBOXES = "/api/v1/sandboxes"


@pytest.fixture
def server(app):
    server = ThreadedServer(app).start()
    yield server
    server.stop()


@pytest.fixture
def seeded(api) -> Api:
    """A sandbox of 400 orders: its snapshot (~2 MB) is over the server-wide body limit."""
    body, sbx = api.create_sandbox(seed=4)
    sbx.sandbox, sbx.base = body, f"{SANDBOXES}/{body['id']}"
    response = sbx.post("/api/v1/test_helpers/seed", json={
        "products": 20, "buyers": 20, "orders": 400,
        "fulfilment": {"pending": 1, "packed": 1, "ready_to_ship": 2}})
    assert response.status_code == 201, response.get_json()
    return sbx


def _run(*args: str, input: bytes | None = None, env: dict | None = None):
    # MOCKPLATFORM_* of the environment running the tests must not reach the command.
    clean = {"MOCKPLATFORM_URL": None, "MOCKPLATFORM_TOKEN": None,
             "MOCKPLATFORM_ADMIN_TOKEN": None, **(env or {})}
    return CliRunner().invoke(main, list(args), input=input, env=clean, catch_exceptions=False)


def _without_id(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "sandbox_id"}


def test_snapshot_then_restore_round_trips_a_sandbox_over_the_body_limit(server, seeded,
                                                                        settings, tmp_path):
    snapshot = _run("snapshot", seeded.sandbox["id"], "--url", server.url,
                    "--token", seeded.token)
    assert snapshot.exit_code == 0, snapshot.stderr
    document = json.loads(snapshot.stdout_bytes)
    assert document == seeded.post(f"{seeded.base}/snapshot").get_json()
    assert len(snapshot.stdout_bytes) > settings.max_body_bytes
    path = tmp_path / "sandbox.json"
    path.write_bytes(snapshot.stdout_bytes)

    restored = _run("restore", str(path), "--url", server.url, "--name", "copy")

    assert restored.exit_code == 0, restored.stderr
    sandbox = json.loads(restored.stdout)
    assert sandbox["id"] != seeded.sandbox["id"] and sandbox["name"] == "copy"
    copy = seeded.as_(sandbox["credentials"]["api_key"])
    again = copy.post(f"{SANDBOXES}/{sandbox['id']}/snapshot").get_json()
    assert again["tables"] == document["tables"]
    assert _without_id(again)["sandbox"] == {**document["sandbox"], "name": "copy"}


def test_snapshot_to_a_file_and_restore_a_gzip_file_or_standard_input(server, sbx, tmp_path):
    target = tmp_path / "sandbox.json"
    written = _run("snapshot", sbx.sandbox["id"], "-o", str(target), "--url", server.url,
                   "--token", sbx.token)
    assert written.exit_code == 0 and written.stdout == ""
    document = json.loads(target.read_bytes())
    assert document["object"] == "sandbox_snapshot"
    zipped = tmp_path / "sandbox.json.gz"
    zipped.write_bytes(gzip.compress(target.read_bytes()))

    from_gzip = _run("restore", str(zipped), "--url", server.url)
    from_stdin = _run("restore", "-", "--url", server.url, input=target.read_bytes())

    for result in (from_gzip, from_stdin):
        assert result.exit_code == 0, result.stderr
        sandbox = json.loads(result.stdout)
        copy = sbx.as_(sandbox["credentials"]["api_key"])
        assert _without_id(copy.post(f"{SANDBOXES}/{sandbox['id']}/snapshot").get_json()) == \
            _without_id(document)


def test_the_admin_token_comes_from_the_option_or_the_environment(store, tmp_path):
    app = create_app(Settings(database_url=DATABASE_URL, admin_token=ADMIN_TOKEN), store=store)
    server = ThreadedServer(app).start()
    try:
        admin = Api(app, ADMIN_TOKEN)
        body, _ = admin.create_sandbox()
        snapshot = _run("snapshot", body["id"], "--url", server.url,
                        env={"MOCKPLATFORM_ADMIN_TOKEN": ADMIN_TOKEN})
        assert snapshot.exit_code == 0, snapshot.stderr
        path = tmp_path / "sandbox.json"
        path.write_bytes(snapshot.stdout_bytes)

        refused = _run("restore", str(path), "--url", server.url)
        assert refused.exit_code == 1 and refused.stdout == ""
        assert "401" in refused.stderr and "admin_token_required" in refused.stderr
        assert _run("restore", str(path), "--url", server.url, "--token",
                    ADMIN_TOKEN).exit_code == 0
        assert _run("restore", str(path), "--url", server.url,
                    env={"MOCKPLATFORM_TOKEN": ADMIN_TOKEN}).exit_code == 0
    finally:
        server.stop()


def test_errors_are_one_line_on_stderr_and_exit_1(server, sbx, tmp_path):
    unknown = _run("snapshot", "sbx_nope", "--url", server.url, "--token", sbx.token)
    assert unknown.exit_code == 1 and unknown.stdout == ""
    assert "404" in unknown.stderr and "sbx_nope" in unknown.stderr

    not_json = tmp_path / "notes.txt"
    not_json.write_text("hello")
    bad = _run("restore", str(not_json), "--url", server.url)
    assert bad.exit_code == 1 and "not a snapshot" in bad.stderr

    damaged = tmp_path / "damaged.json"
    damaged.write_text(json.dumps({"object": "sandbox_snapshot", "format": 99}))
    refused = _run("restore", str(damaged), "--url", server.url)
    assert refused.exit_code == 1
    assert "400" in refused.stderr and "snapshot.format" in refused.stderr

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    unreachable = _run("snapshot", sbx.sandbox["id"], "--url", closed, "--token", sbx.token)
    assert unreachable.exit_code == 1 and "cannot reach" in unreachable.stderr
