"""README.md's examples run as pasted, in order, against a live server.

A new user pastes the shell blocks into one terminal and the Python blocks into one interpreter,
one after the other, so each kind runs as one program in which every block sits at its own line
of README.md (an error names the README's line). Only the server's address is substituted. curl
fails on an HTTP error here (``--fail-with-body`` from a .curlrc), so an example answered with a
4xx fails the test even though it prints the error and goes on when pasted.

A block is skipped only when README.md says so just above it, with ``<!-- not run: reason -->``
(the set-up commands, which install and start a server of their own); a block marked
``<!-- run with pytest -->`` is a test module and runs under pytest, with the plugin the package
installs, against the same server. Blocks without a language (the layout) are text.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mockplatform.testing.plugin import start_in_process_server

README = Path(__file__).resolve().parents[1] / "README.md"
ADDRESSES = ("localhost:8000", "127.0.0.1:8000")  # the README's server, as written
SHELL, PYTHON = ("sh", "bash", "shell"), ("python",)
NOT_RUN = re.compile(r"<!--\s*not run:\s*\S.*-->")
RUN_WITH_PYTEST = re.compile(r"<!--\s*run with pytest\s*-->")
TIMEOUT = 120  # seconds; the whole file takes a few


@dataclass(frozen=True)
class Block:
    line: int  # of the first line of code in README.md, from 1
    language: str
    code: str
    marker: str  # the HTML comment just above the fence, or ""


def readme_blocks(text: str) -> list[Block]:
    blocks, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        fence = re.fullmatch(r"```(\S*)\s*", lines[i])
        if not fence:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```")
        above = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        blocks.append(Block(i + 2, fence[1], "\n".join(lines[i + 1:end]) + "\n",
                            above if above.startswith("<!--") else ""))
        i = end + 1
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))


def _to_run(languages: tuple[str, ...]) -> list[Block]:
    return [b for b in BLOCKS if b.language in languages and not b.marker]


def _program(blocks: list[Block], url: str, preamble: str = "") -> str:
    """One program with every block at its own README line and blank lines between, so that
    line numbers in errors are README.md's."""
    lines = preamble.splitlines()
    for block in blocks:
        assert len(lines) < block.line, f"the preamble overlaps README.md:{block.line}"
        lines += [""] * (block.line - 1 - len(lines))
        code = block.code
        for address in ADDRESSES:
            code = code.replace(address, url.removeprefix("http://"))
        lines += code.splitlines()
    return "\n".join(lines) + "\n"


def _check(result: subprocess.CompletedProcess, what: str) -> None:
    assert result.returncode == 0, (
        f"{what} failed (line numbers are README.md's):\n"
        f"--- stdout\n{result.stdout[-6000:]}\n--- stderr\n{result.stderr[-6000:]}")


@pytest.fixture(scope="module")
def server_url():
    server = start_in_process_server()
    try:
        yield server.url
    finally:
        server.stop()


def test_every_block_is_run_or_marked():
    runnable = SHELL + PYTHON
    for block in BLOCKS:
        if block.language:
            assert block.language in runnable or NOT_RUN.fullmatch(block.marker), (
                f"README.md:{block.line}: a ```{block.language} block this test cannot run "
                f"needs <!-- not run: reason --> above it")
        if block.marker:
            assert NOT_RUN.fullmatch(block.marker) or (
                RUN_WITH_PYTEST.fullmatch(block.marker) and block.language in PYTHON), (
                f"README.md:{block.line}: unknown marker {block.marker}")
    # only set-up commands (they install the package) are left out
    skipped = [b.code for b in BLOCKS if NOT_RUN.fullmatch(b.marker)]
    assert all("pip install" in code for code in skipped), skipped
    assert _to_run(SHELL) and _to_run(PYTHON)


def test_the_shell_examples_run_in_order(server_url, tmp_path):
    for tool in ("bash", "curl"):
        if not shutil.which(tool):
            pytest.skip(f"the shell examples need {tool}")
    (tmp_path / ".curlrc").write_text("fail-with-body\nshow-error\n")
    preamble = "set -Eeuo pipefail\ntrap 'echo \"failed at README.md:$LINENO\" >&2' ERR\n"
    script = tmp_path / "readme.sh"
    script.write_text(_program(_to_run(SHELL), server_url, preamble))

    result = subprocess.run(["bash", str(script)], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "CURL_HOME": str(tmp_path),
                                 # the mockplatform command of this interpreter's install
                                 "PATH": os.pathsep.join([os.path.dirname(sys.executable),
                                                          os.environ.get("PATH", "")])}, timeout=TIMEOUT)

    _check(result, "the shell examples")


def test_the_python_examples_run_in_order(server_url, tmp_path):
    script = tmp_path / "readme.py"
    script.write_text(_program(_to_run(PYTHON), server_url))

    # HOME: lazop-sdk, which an example imports, creates ~/logs when imported.
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                            text=True, env={**_python_env(), "HOME": str(tmp_path)},
                            timeout=TIMEOUT)

    _check(result, "the Python examples")


def test_the_pytest_examples_pass_with_the_plugin(server_url, tmp_path):
    blocks = [b for b in BLOCKS if RUN_WITH_PYTEST.fullmatch(b.marker)]
    assert blocks
    for block in blocks:
        (tmp_path / f"test_readme_{block.line}.py").write_text(block.code)

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         f"--mockplatform-url={server_url}", "."],
        cwd=tmp_path, capture_output=True, text=True, env=_python_env(), timeout=TIMEOUT)

    _check(result, "the pytest examples")
    assert re.search(r"\b[1-9]\d* passed\b", result.stdout), result.stdout
    assert "skipped" not in result.stdout, result.stdout


def _python_env() -> dict:
    """This interpreter's import path, so the examples import the code under test."""
    path = [p for p in sys.path if p and Path(p).is_dir()]
    env = {k: v for k, v in os.environ.items() if k != "MOCKPLATFORM_URL"}
    return {**env, "PYTHONPATH": os.pathsep.join(path)}
