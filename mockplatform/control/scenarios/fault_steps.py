"""The ``faults`` step: a scenario makes the sandbox's API misbehave from this point of its
story (control/faults.py), say a rate limit on Lazada's ready-to-ship for the next two calls,
or an error window that ends at a deadline an earlier step named.

The rules are checked when the scenario loads, field by field as the native API checks them
(the same ``faults`` constants and ``effect_problems``), and the window's ``from``/``until``
may name a deadline (``o1.rts_deadline - PT1H``), read when the step runs. ``append: true``
adds to the sandbox's rules; otherwise they replace them (``rules: []`` clears them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mockplatform.control import faults
from mockplatform.control.scenarios.schema import (
    Boolean,
    Instant,
    Integer,
    ListOf,
    MapOf,
    Mapping,
    Ratio,
    Reference,
    Text,
    join,
)
from mockplatform.control.scenarios.steps import Step, register
from mockplatform.control.summary import iso

if TYPE_CHECKING:
    from mockplatform.control.scenarios.runner import Run

MAX_COUNT = 10**9
CODE = r"[A-Za-z0-9_.\-]{1,64}"
GLOBS = MapOf(Text(max_length=faults.MATCHED_NAME_LENGTH),
              Text(max_length=faults.MATCHED_VALUE_LENGTH), max_items=faults.MAX_MATCHED)


@dataclass(frozen=True)
class Effect(Mapping):
    """An effect: each field's value, then what its type takes and needs."""

    def check(self, value, path, problems):
        checked = super().check(value, path, problems)
        if isinstance(value, dict):
            for name, message in faults.effect_problems(value).items():
                problems.add(join(path, name), message)
        return checked


@dataclass(frozen=True)
class Window(Mapping):
    def check(self, value, path, problems):
        checked = super().check(value, path, problems)
        if isinstance(checked, dict):
            for key in ("from", "until"):
                if checked.get(key) == "next_timer":
                    problems.add(join(path, key), "expected a timestamp or <name>.<deadline>, "
                                                  "not next_timer")
        return checked


RULE = Mapping(fields={
    "description": Text(max_length=500),
    "match": Mapping(fields={
        "front": Text(choices=faults.FRONTS), "method": Text(choices=faults.METHODS),
        "path": Text(max_length=500), "operation": Text(max_length=120),
        "params": GLOBS, "headers": GLOBS}),
    "effect": Effect(fields={
        "type": Text(choices=faults.EFFECTS), "ms": Integer(minimum=1, maximum=30_000),
        "status": Integer(minimum=200, maximum=599), "code": Text(max_length=64, pattern=CODE),
        "message": Text(max_length=500), "retry_after": Integer(minimum=0, maximum=3600),
        "chunks": Integer(minimum=2, maximum=faults.MAX_CHUNKS)},
        required=("type",)),
    "when": Window(fields={
        "probability": Ratio(), "every": Integer(minimum=1, maximum=MAX_COUNT),
        "first": Integer(minimum=1, maximum=MAX_COUNT), "from": Instant(), "until": Instant()}),
}, required=("effect",))


def _run(run: Run, args: dict) -> dict[str, Any]:
    rules = [_resolved(run, rule) for rule in args["rules"]]
    if args.get("append"):
        made = [faults.append(run.ctx, rule) for rule in rules]
    else:
        made = faults.replace(run.ctx, rules)
    return {"rules": [{"id": rule["id"], "effect": rule["effect"]["type"],
                       "from": rule["when"]["from"], "until": rule["when"]["until"]}
                      for rule in made],
            "now": iso(run.ctx.now)}


def _resolved(run: Run, rule: dict[str, Any]) -> dict[str, Any]:
    """The rule as the native API hands it over: the window's named deadlines read now."""
    when = dict(rule.get("when") or {})
    for key in ("from", "until"):
        if isinstance(when.get(key), Reference):
            when[key] = run.resolve(when[key])
    return {**rule, "match": dict(rule.get("match") or {}), "when": when}


register(Step("faults", "platform", "Make the sandbox's API misbehave from now on: fault "
              "rules (match, effect, when), replacing the sandbox's (append: true adds "
              "them; rules: [] clears them).",
              _run, {"rules": ListOf(RULE, min_items=0, max_items=faults.MAX_RULES),
                     "append": Boolean()}, ("rules",)))
