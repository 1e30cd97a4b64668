"""The pytest plugin on the day a test fails: the kept sandbox and what its report says,
fixture docstrings, and request logging that stays quiet unless asked for. Each case runs
pytest in a subprocess against a server of this test's own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from mockplatform.testing.plugin import start_in_process_server

SUITE = '''
import logging

def test_fails(client):
    client.test_helpers.schedule_timer("t", delay="PT1H")
    client.clock.advance(by="PT2H")
    logging.getLogger("mine").warning("a line of the test's own")
    assert False, "boom"

def test_passes(client):
    assert client.clock.get().mode == "frozen"
'''
KEPT = re.compile(r"sandbox id:\s+(sbx_\w+)\s+api key:\s+(\S+)\s+summary:\s+(\S+)")


@pytest.fixture(scope="module")
def server_url():
    server = start_in_process_server("sqlite://")
    yield server.url
    server.stop()


def _pytest(tmp_path: Path, url: str, *args: str, ini: str = "",
            env: dict | None = None) -> subprocess.CompletedProcess:
    (tmp_path / "test_suite.py").write_text(SUITE)
    if ini:
        (tmp_path / "pytest.ini").write_text(f"[pytest]\n{ini}\n")
    path = [p for p in sys.path if p and Path(p).is_dir()]
    environment = {**{k: v for k, v in os.environ.items() if not k.startswith("MOCKPLATFORM")},
                   "PYTHONPATH": os.pathsep.join(path), **(env or {})}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "no:faker", f"--mockplatform-url={url}", *args, "."],
                          cwd=tmp_path, capture_output=True, text=True, env=environment,
                          timeout=120)


def _exists(url: str, sandbox_id: str, key: str) -> bool:
    answer = requests.get(f"{url}/api/v1/sandboxes/{sandbox_id}",
                          headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert answer.status_code in (200, 401, 404), answer.text
    return answer.status_code == 200


@pytest.mark.parametrize("how", [{"args": ("--mockplatform-keep-failed",)},
                                 {"ini": "mockplatform_keep_failed = true"}],
                         ids=["option", "ini"])
def test_a_failed_tests_sandbox_is_kept_and_named_in_its_report(server_url, tmp_path, how):
    result = _pytest(tmp_path, server_url, *how.get("args", ()), ini=how.get("ini", ""),
                     env=how.get("env"))

    assert "1 failed, 1 passed" in result.stdout, result.stdout + result.stderr
    assert "mockplatform: sandbox kept" in result.stdout
    sandbox_id, key, summary = KEPT.search(result.stdout).groups()
    assert summary == f"{server_url}/api/v1/sandboxes/{sandbox_id}/summary"
    assert _exists(server_url, sandbox_id, key)
    assert f"test_suite.py::test_fails: {sandbox_id}" in result.stdout  # the closing summary
    assert "in-process server stops" not in result.stdout  # a server of its own: it stays


def test_by_default_the_sandbox_goes_and_request_logging_stays_quiet(server_url, tmp_path):
    quiet = _pytest(tmp_path, server_url, "--log-level=DEBUG",
                    ini="mockplatform_keep_failed = true",
                    env={"MOCKPLATFORM_KEEP_FAILED": "0"})  # the environment wins over ini
    loud = _pytest(tmp_path, server_url, "--log-level=DEBUG", "--mockplatform-log-requests")

    assert "1 failed, 1 passed" in quiet.stdout, quiet.stdout + quiet.stderr
    assert "sandbox kept" not in quiet.stdout and not KEPT.search(quiet.stdout)
    assert "a line of the test's own" in quiet.stdout
    assert "/clock/advance" not in quiet.stdout, quiet.stdout
    assert "connectionpool" not in quiet.stdout
    assert "/clock/advance" in loud.stdout and "connectionpool" in loud.stdout


def test_the_fixtures_have_docstrings(tmp_path):
    result = _pytest(tmp_path, "http://127.0.0.1:9", "--fixtures")

    for fixture in ("mockplatform_url", "mockplatform_admin", "sandbox", "client"):
        shown = re.search(rf"^{fixture}\b.*\n\s+(\S.*)$", result.stdout, re.M)
        assert shown and "no docstring" not in shown.group(1), (fixture, result.stdout)
