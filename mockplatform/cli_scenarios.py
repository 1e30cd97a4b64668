"""``mockplatform scenario run`` and ``scenario list``: clients of a running server, like
``snapshot``. A scenario runs server-side in one request; the command makes the sandbox for it
(unless given one), shows progress over the scenarios it runs, then a table of the steps and
the expectations, and exits non-zero when an expectation failed, saying which and why."""

from __future__ import annotations

import json
import os
import sys
from typing import Any
from urllib.parse import quote

import click
import yaml

# The sandbox made for a scenario that names none.
DEFAULT_SANDBOX = {"platform": "lazada", "market": "MY"}
EXIT_FAILED = 1  # an expectation failed, or the run was refused (ClickException also exits 1)


def register(main: click.Group, server_options, call) -> None:
    """Add the ``scenario`` group to ``main`` (``call`` makes one HTTP request or raises a
    ClickException naming the server's error)."""

    @main.group()
    def scenario() -> None:
        """Run the shipped scenarios (fixtures/scenarios/) or your own against a server."""

    @scenario.command("list")
    @server_options
    def list_(url: str, token: str | None, timeout: float) -> None:
        """The shipped scenarios, with their platform, market and parameters."""
        found = call("GET", f"{url.rstrip('/')}/api/v1/scenarios", token, timeout).json()
        rows = [(s["name"], f"{s['sandbox'].get('platform', '')} {s['sandbox'].get('market', '')}",
                 ", ".join(f"{k}={v['default']}" for k, v in s["parameters"].items()))
                for s in found["data"]]
        _table(("scenario", "sandbox", "parameters"), rows)

    @scenario.command("run")
    @click.argument("names", nargs=-1)
    @click.option("--all", "run_all", is_flag=True, help="Run every shipped scenario.")
    @click.option("--sandbox", default=None, help="Run in this sandbox (its id; --token its api "
                  "key). Default: a new sandbox per scenario, made from the scenario's own "
                  "sandbox settings.")
    @click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
                  help="A value for one of the scenario's parameters (repeatable).")
    @click.option("--json", "as_json", is_flag=True, help="Print each run's answer as JSON "
                  "instead of the tables.")
    @server_options
    def run(names: tuple[str, ...], run_all: bool, sandbox: str | None, params: tuple[str, ...],
            as_json: bool, url: str, token: str | None, timeout: float) -> None:
        """Run each scenario NAME (a shipped one, or a YAML or JSON file of your own).

        \b
        mockplatform scenario run failed_delivery_then_resold --url http://127.0.0.1:8000
        mockplatform scenario run late_rts_fined_and_canceled --param quantity=3
        mockplatform scenario run ./my_scenario.yaml --sandbox sbx_... --token mp_test_...
        """
        base = url.rstrip("/")
        if run_all:
            names = names + tuple(s["name"] for s in call(
                "GET", f"{base}/api/v1/scenarios", token, timeout).json()["data"])
        if not names:
            raise click.UsageError("name a scenario (mockplatform scenario list), or --all")
        values = dict(_param(p) for p in params)
        answers: list[dict[str, Any]] = []
        with click.progressbar(names, label="scenarios", file=sys.stderr,
                               item_show_func=lambda n: n or "") as bar:
            for name in bar:
                answers.append(_run_one(call, base, name, sandbox, token, timeout, values))
        failed = [a for a in answers if not a["passed"]]
        for answer in answers:
            if as_json:
                click.echo(json.dumps(answer, indent=2, sort_keys=True))
            else:
                _report(answer)
        if failed:
            lines = [f"{a['scenario']}: {e['name']}: {e['why']}"
                     for a in failed for e in a["failed"]]
            click.secho("FAILED " + "; ".join(lines), fg="red", err=True)
            raise SystemExit(EXIT_FAILED)
        click.secho(f"passed: {len(answers)} scenario(s)", fg="green", err=True)


def _param(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise click.BadParameter(f"expected KEY=VALUE, got {text!r}", param_hint="--param")
    return key, value


def _run_one(call, base: str, name: str, sandbox: str | None, token: str | None,
             timeout: float, params: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {"params": params}
    if os.path.isfile(name):
        with open(name, encoding="utf-8") as handle:
            text = handle.read()
        body["scenario"] = text
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError:
            document = None  # the server says what is wrong with it
        settings = (document or {}).get("sandbox", {}) if isinstance(document, dict) else {}
    else:
        body["name"] = name
        settings = call("GET", f"{base}/api/v1/scenarios/{quote(name, safe='')}", token,
                        timeout).json()["sandbox"]
    key = token
    if sandbox is None:
        created = call("POST", f"{base}/api/v1/sandboxes", token, timeout,
                       json={**DEFAULT_SANDBOX, **settings,
                             "name": f"scenario {os.path.basename(name)}"[:200]})
        created = created.json()
        sandbox, key = created["id"], created["credentials"]["api_key"]
    return call("POST", f"{base}/api/v1/sandboxes/{quote(sandbox, safe='')}/scenarios/run",
                key, timeout, json=body).json()


def _report(answer: dict[str, Any]) -> None:
    verdict = click.style("passed" if answer["passed"] else "FAILED",
                          fg="green" if answer["passed"] else "red", bold=True)
    click.echo(f"\n{answer['scenario']} in {answer['sandbox_id']}: {verdict}")
    _table(("#", "step", "actor", "at", "result"),
           [(s["index"], s["step"], s["actor"], s["at"], _short(s["result"]))
            for s in answer["steps"]])
    click.echo("")
    _table(("", "expectation", "expected", "found", "why"),
           [("ok" if e["passed"] else "FAIL", f"{e['section']} {e['name']}", e["expected"],
             e["actual"], "" if e["passed"] else e["why"]) for e in answer["expectations"]])


def _short(result: dict[str, Any]) -> str:
    text = ", ".join(f"{k}={v}" for k, v in result.items() if not isinstance(v, list | dict))
    return text if len(text) <= 70 else text[:67] + "..."


def _table(header: tuple, rows: list[tuple]) -> None:
    cells = [tuple(str(c) for c in header)] + [tuple(str(c) for c in row) for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for number, row in enumerate(cells):
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths,
                                                                     strict=True)).rstrip())
        if number == 0:
            click.echo("  ".join("-" * width for width in widths))
