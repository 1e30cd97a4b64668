"""Fault rules: a sandbox's ordered list of ways its API misbehaves on purpose.

A rule has a ``match`` (front, method, path glob, operation, and globs of parameters' and
headers' values: all it names must hold), an
``effect`` (added latency, an error status, a rate limit, a malformed body, a dropped
connection, a body dribbled out in pieces) and a ``when`` (a probability drawn from the
sandbox's seed, every Nth call, the first N calls, a window of sandbox time: all it names must
hold). For each call the rules are
tried in order: every rule whose match selects the call counts it, and the first whose ``when``
holds applies; the others are not tried. Control-plane calls are never faulted (the front does
not ask).

The rules and their counts live in the sandbox row (``Sandbox.faults``), which every request
loads anyway: a sandbox without rules pays nothing. A reading request that a rule selects is
redone as a writing one (``ReadFoundWork``), so its count is kept under the sandbox's lock and
two concurrent calls never draw the same number. The probability draw is keyed by
``(seed, rule id, call number)``: the same calls give the same faults in every run.

Reset empties the list (the sandbox is back as created); a snapshot does not carry it.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from mockplatform.control import sandboxes
from mockplatform.control.errors import FaultRuleNotFound, InjectedFault
from mockplatform.engine import rng
from mockplatform.engine.context import ReadFoundWork, SandboxContext
from mockplatform.errors import NotFound, ValidationFailed

RULE_PREFIX = "flt_"
MAX_RULES = 100
FRONTS = ("native", "lazada")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
LATENCY, ERROR, RATE_LIMIT, MALFORMED, DROP = "latency", "error", "rate_limit", "malformed", "drop"
DRIBBLE = "dribble"
EFFECTS = (LATENCY, ERROR, RATE_LIMIT, MALFORMED, DROP, DRIBBLE)
# The fields each effect takes besides ``type`` (the front's schema checks their values).
EFFECT_FIELDS = {LATENCY: {"ms"}, ERROR: {"status", "code", "message", "retry_after"},
                 RATE_LIMIT: {"retry_after", "code", "message"},
                 MALFORMED: {"status"}, DROP: set(), DRIBBLE: {"ms", "chunks"}}
# The effects that take real time, spread over ``ms``: they need it.
TIMED = (LATENCY, DRIBBLE)
DEFAULT_RETRY_AFTER = 1
# A dribbled answer's body goes in this many pieces unless the rule says (at most MAX_CHUNKS).
DEFAULT_CHUNKS = 10
MAX_CHUNKS = 100
# A match's ``params`` and ``headers``: how many names, and how long a value's glob (a scenario's
# names too; the API takes any name, as OpenAPI 3.0 cannot bound a mapping's keys).
MAX_MATCHED = 20
MATCHED_NAME_LENGTH = 100
MATCHED_VALUE_LENGTH = 500
MATCH_FIELDS = ("front", "method", "path", "operation", "params", "headers")


def effect_problems(effect: dict[str, Any]) -> dict[str, str]:
    """What is wrong with an effect beyond each field's own value: a field its type does not
    take, a field its type needs, an error status that is no error. By field; empty if
    none. (The native front's schema and a scenario's ``faults`` step both ask.)"""
    kind = effect.get("type")
    if kind not in EFFECT_FIELDS:
        return {}
    taken = EFFECT_FIELDS[kind]
    problems = {name: f"not taken by effect type {kind!r}; it takes: "
                      f"{', '.join(sorted(taken)) or 'nothing besides type'}"
                for name in effect if name != "type" and name not in taken}
    if kind in TIMED and "ms" not in effect:
        problems["ms"] = f"required for effect type {kind!r}"
    if kind == ERROR:
        status = effect.get("status")
        if status is None:
            problems["status"] = "required for effect type 'error'"
        elif 200 < status < 400:
            problems["status"] = "an error answers 400-599, or 200 with a platform code"
        elif status == 200 and "code" not in effect:
            problems["code"] = "required with status 200 (the platform's error code)"
    return problems


def _nothing(_name: str) -> list[str]:
    return []


@dataclass(frozen=True)
class Call:
    """What a rule can match of a request: ``params`` gives a parameter's values (the query
    string's, and a form body's the front read), ``headers`` a header's (by name, in any case;
    one sent twice comes as one value, joined with commas); read only when a rule asks."""

    front: str
    method: str
    path: str
    operation: str
    params: Callable[[str], list[str]] = _nothing
    headers: Callable[[str], list[str]] = _nothing


@dataclass(frozen=True)
class Applied:
    """The rules a call counted in, and the one that applied (if any)."""

    counted: tuple[str, ...]
    rule: dict[str, Any] | None

    def _effect(self, kind: str) -> dict[str, Any] | None:
        """The applied rule's effect, if it is of ``kind``."""
        effect = self.rule["effect"] if self.rule else None
        return effect if effect and effect["type"] == kind else None

    @property
    def latency_ms(self) -> int | None:
        effect = self._effect(LATENCY)
        return effect["ms"] if effect else None

    @property
    def dribble(self) -> tuple[int, int] | None:
        """(ms, chunks): the answer's body goes in ``chunks`` pieces spread over ``ms``."""
        effect = self._effect(DRIBBLE)
        # (chunks: given, or DEFAULT_CHUNKS by _new_rule)
        return (effect["ms"], effect["chunks"]) if effect else None


# -- the list ------------------------------------------------------------------------------------

def rules(sandbox) -> list[dict[str, Any]]:
    return list((sandbox.faults or {}).get("rules", []))


def replace(ctx: SandboxContext, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The list becomes ``specs`` (validated by the front), with new ids and zero counts."""
    _check_count(len(specs), "rules")
    state = {"rules": [], "next": (ctx.sandbox.faults or {}).get("next", 0)}
    for index, spec in enumerate(specs):
        state["rules"].append(_new_rule(ctx, state, spec, f"rules.{index}"))
    _save(ctx, state)
    return state["rules"]


def append(ctx: SandboxContext, spec: dict[str, Any]) -> dict[str, Any]:
    state = _state(ctx)
    _check_count(len(state["rules"]) + 1, "")
    rule = _new_rule(ctx, state, spec, "")
    state["rules"].append(rule)
    _save(ctx, state)
    return rule


def delete(ctx: SandboxContext, rule_id: str) -> dict[str, Any]:
    state = _state(ctx)
    kept = [rule for rule in state["rules"] if rule["id"] != rule_id]
    if len(kept) == len(state["rules"]):
        raise FaultRuleNotFound(f"no fault rule {rule_id!r} in this sandbox",
                                details=[{"field": "rule_id", "location": "path",
                                          "message": "no such rule"}])
    state["rules"] = kept
    _save(ctx, state)
    return {"id": rule_id, "object": "fault_rule", "deleted": True}


def clear(ctx: SandboxContext) -> list[dict[str, Any]]:
    state = _state(ctx)
    state["rules"] = []
    _save(ctx, state)
    return []


def _state(ctx: SandboxContext) -> dict[str, Any]:
    faults = ctx.sandbox.faults or {}
    return {"rules": [dict(rule) for rule in faults.get("rules", [])],
            "next": faults.get("next", 0)}


def _save(ctx: SandboxContext, state: dict[str, Any]) -> None:
    ctx.sandbox.faults = state
    flag_modified(ctx.sandbox, "faults")


def _check_count(count: int, field: str) -> None:
    if count > MAX_RULES:
        raise ValidationFailed.field(field, f"a sandbox holds at most {MAX_RULES} fault rules")


def _new_rule(ctx: SandboxContext, state: dict, spec: dict[str, Any], field: str) -> dict:
    when = dict(spec.get("when") or {})
    start, end = when.get("from"), when.get("until")
    if start is not None and end is not None and end <= start:
        prefix = f"{field}." if field else ""
        raise ValidationFailed.field(f"{prefix}when.until", f"must be after when.from "
                                     f"({start.isoformat()}); got {end.isoformat()}")
    for key in ("from", "until"):
        if when.get(key) is not None:
            when[key] = when[key].isoformat()
    if when.get("probability") is not None:
        when["probability"] = str(when["probability"])
    state["next"] += 1
    effect = dict(spec["effect"])
    if effect["type"] == RATE_LIMIT:
        effect.setdefault("retry_after", DEFAULT_RETRY_AFTER)
    if effect["type"] == DRIBBLE:
        effect.setdefault("chunks", DEFAULT_CHUNKS)
    return {"id": f"{RULE_PREFIX}{state['next']}", "object": "fault_rule",
            "description": spec.get("description") or "",
            "match": {key: spec.get("match", {}).get(key) for key in MATCH_FIELDS},
            "effect": effect, "when": {key: when.get(key) for key in
                                       ("probability", "every", "first", "from", "until")},
            "calls": 0, "faults": 0}


# -- applying them ----------------------------------------------------------------------------------

def apply(ctx: SandboxContext, call: Call) -> Applied | None:
    """Count ``call`` in the rules that select it; the rule that applies, if one does.
    Raises ``ReadFoundWork`` in a reading unit of work that a rule selects."""
    faults = ctx.sandbox.faults
    if not faults or not faults.get("rules"):
        return None
    selecting = [rule for rule in faults["rules"] if selects(rule["match"], call)]
    if not selecting:
        return None
    if not ctx.writable:
        raise ReadFoundWork()
    state = _state(ctx)
    by_id = {rule["id"]: rule for rule in state["rules"]}
    counted, applied = [], None
    for rule in (by_id[rule["id"]] for rule in selecting):
        rule["calls"] += 1
        counted.append(rule["id"])
        if _holds(rule, ctx):
            rule["faults"] += 1
            applied = rule
            break
    _save(ctx, state)
    return Applied(tuple(counted), applied)


def recount(session: Session, sandbox_id: str, applied: Applied) -> None:
    """Count ``applied`` again after its unit of work was rolled back (the operation refused
    the call): a call counts whatever the operation answered."""
    try:
        sandbox = sandboxes.get(session, sandbox_id, lock=True)
    except NotFound:
        return  # deleted meanwhile
    faults = sandbox.faults or {}
    state = {"rules": [dict(rule) for rule in faults.get("rules", [])],
             "next": faults.get("next", 0)}
    fired = applied.rule["id"] if applied.rule else None
    for rule in state["rules"]:
        if rule["id"] in applied.counted:
            rule["calls"] += 1
            rule["faults"] += rule["id"] == fired
    sandbox.faults = state
    flag_modified(sandbox, "faults")


def selects(match: dict[str, Any], call: Call) -> bool:
    front, method, path, operation = (match.get(k) for k in ("front", "method", "path",
                                                             "operation"))
    return ((front is None or front == call.front)
            and (method is None or method == call.method)
            and (path is None or fnmatch.fnmatchcase(call.path, path))
            and (operation is None or same_operation(operation, call.operation))
            and _all_found(match.get("params"), call.params)
            and _all_found(match.get("headers"), call.headers))


def _all_found(globs: dict[str, str] | None, values_of: Callable[[str], list[str]]) -> bool:
    """Whether each name has a value its glob matches (a name sent twice: either value)."""
    return not globs or all(any(fnmatch.fnmatchcase(value, glob) for value in values_of(name))
                            for name, glob in globs.items())


def same_operation(given: str, operation: str) -> bool:
    return operation in spellings(given)


def spellings(operation: str) -> tuple[str, str]:
    """The ways an operation may be named: ``order/get`` names the Lazada api ``/order/get`` as
    well (the slash is optional), for fault rules and journal queries alike."""
    bare = operation.lstrip("/")
    return bare, "/" + bare


def _holds(rule: dict[str, Any], ctx: SandboxContext) -> bool:
    when, number = rule["when"], rule["calls"]
    if when.get("first") is not None and number > when["first"]:
        return False
    if when.get("every") is not None and number % when["every"]:
        return False
    if when.get("from") is not None and ctx.now < datetime.fromisoformat(when["from"]):
        return False
    if when.get("until") is not None and ctx.now >= datetime.fromisoformat(when["until"]):
        return False
    if when.get("probability") is not None:
        draw = rng.keyed(ctx.sandbox.seed, f"fault_rule:{rule['id']}", f"call:{number}")
        return rng.chance(draw, Decimal(when["probability"]))
    return True


def injected(rule: dict[str, Any]) -> InjectedFault | None:
    """The error a rule answers with (None for latency and dribble: the call runs, and is
    answered later or slowly)."""
    effect, rule_id = rule["effect"], rule["id"]
    kind = effect["type"]
    if kind in TIMED:
        return None
    if kind == RATE_LIMIT:
        seconds = effect["retry_after"]
        return InjectedFault(effect.get("message") or f"rate limited by fault rule {rule_id}; "
                             f"retry after {seconds} s", rule_id=rule_id, effect=kind,
                             status=429, gateway_status=200, code=effect.get("code"),
                             native_code="rate_limited",
                             headers={"Retry-After": str(seconds)}, retry_after=seconds)
    status = effect.get("status") or (200 if kind == MALFORMED else 502)
    headers = {}
    if effect.get("retry_after") is not None:
        headers["Retry-After"] = str(effect["retry_after"])
    return InjectedFault(effect.get("message") or f"injected by fault rule {rule_id}",
                         rule_id=rule_id, effect=kind, status=status, gateway_status=status,
                         code=effect.get("code"),
                         native_code="rate_limited" if status == 429 else None,
                         headers=headers, retry_after=effect.get("retry_after"))
