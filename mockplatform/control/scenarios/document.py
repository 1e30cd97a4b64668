"""Loading a scenario: YAML or JSON text (or a mapping already parsed), its parameters filled
in, every step and expectation checked against the step table and the summary's shape. Nothing
runs until the whole document loads; every problem is named by its path, an unknown name with
the closest valid one.

    name: failed_delivery_then_resold
    description: ...
    sandbox: {platform: lazada, market: MY, seed: 5}      # what a new sandbox for it is
    parameters:
      reason: {default: recipient_absent, description: why every attempt fails}
    steps:
      - product: {name: Kettle, skus: [{seller_sku: KETTLE-1, price: "89.00", stock: 5}]}
      - place_order: {as: first, items: [{seller_sku: KETTLE-1}],
                      buyer: {address1: "8 Jalan FAIL:${reason}"}}
      - advance: {by: P12D}
    expect:
      summary: {items: {by_status: {resale_pending: 1}}}
      events: {resale.item_received: 1}
      ledger: {shipping_fee: "-12.00"}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from mockplatform.control.scenarios import expectations
from mockplatform.control.scenarios.schema import (
    Anything,
    Integer,
    Mapping,
    Problems,
    Reference,
    Text,
    check_fields,
    join,
)
from mockplatform.control.scenarios.steps import NAME_PATTERN, STEPS, Defines, Ref
from mockplatform.engine.policies import MARKETS, PLATFORMS, validate_overrides
from mockplatform.errors import ValidationFailed

MAX_STEPS = 500
MAX_TEXT = 1_000_000  # characters of a scenario's text
PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
TOP = {"name": Text(max_length=100, pattern=NAME_PATTERN), "description": Text(max_length=2000),
       "sandbox": Mapping(fields={"platform": Text(choices=PLATFORMS),
                                  "market": Text(choices=MARKETS),
                                  "seed": Integer(maximum=2**53), "start_at": Text(max_length=40),
                                  "policy_overrides": Anything()}),
       "parameters": Anything(), "steps": Anything(), "expect": Anything()}
PARAMETER = {"default": Anything(), "description": Text(max_length=500)}


@dataclass
class PlannedStep:
    index: int
    name: str
    args: dict[str, Any]


@dataclass
class Scenario:
    name: str
    description: str
    sandbox: dict[str, Any]
    parameters: dict[str, dict[str, Any]]  # name -> {"default", "description"}
    params: dict[str, Any]  # the values this run uses
    steps: list[PlannedStep]
    expectations: list[tuple[str, str, Any]] = field(default_factory=list)


def parse(text: str, *, what: str = "the scenario") -> Any:
    """YAML (JSON is YAML too) with PyYAML's safe loader: no tags, no objects."""
    if len(text) > MAX_TEXT:
        raise ValidationFailed.field("scenario", f"longer than {MAX_TEXT} characters")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        problems = Problems()
        problems.add("", f"not YAML or JSON{where}: {problem}")
        problems.raise_if_any(what)
    except RecursionError:
        raise ValidationFailed.field("scenario", "nested too deeply") from None


def load(document: Any, params: dict[str, Any] | None = None, *,
         what: str = "the scenario") -> Scenario:
    """``document`` checked, with ``params`` overriding its parameters' defaults."""
    problems = Problems()
    if not isinstance(document, dict):
        problems.add("", "expected a mapping with name, steps and expect")
        problems.raise_if_any(what)
    top = check_fields(document, TOP, ("name", "steps"), "", problems, "field")
    declared = _parameters(document.get("parameters"), problems)
    values = _params(declared, params or {}, problems)
    if "sandbox" in document and isinstance(top.get("sandbox"), dict):
        _check_sandbox(top["sandbox"], problems)
    problems.raise_if_any(what)  # the steps below are read with the parameters known
    steps = _steps(_fill(document["steps"], values, "steps", problems), problems)
    found = []
    if "expect" in document:
        found = expectations.check(_fill(document["expect"], values, "expect", problems),
                                   "expect", problems)
    problems.raise_if_any(what)
    return Scenario(name=top["name"], description=top.get("description", ""),
                    sandbox=top.get("sandbox") or {}, parameters=declared, params=values,
                    steps=steps, expectations=found)


def _parameters(value: Any, problems: Problems) -> dict[str, dict[str, Any]]:
    """``name: default`` or ``name: {default, description}``."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.add("parameters", "expected a mapping of names to defaults")
        return {}
    declared = {}
    for name, spec in value.items():
        path = join("parameters", str(name))
        if not isinstance(name, str) or not re.fullmatch(NAME_PATTERN, name):
            problems.add(path, "expected a parameter name of letters, digits, - and _")
            continue
        if isinstance(spec, dict):
            spec = check_fields(spec, PARAMETER, ("default",), path, problems, "field")
        else:
            spec = {"default": spec}
        if not isinstance(spec.get("default"), str | int | float | bool):
            problems.add(join(path, "default"), "expected a string, number or boolean")
        declared[name] = {"default": spec.get("default"),
                          "description": spec.get("description", "")}
    return declared


def _params(declared: dict, given: Any, problems: Problems) -> dict[str, Any]:
    if not isinstance(given, dict):
        problems.add("params", "expected a mapping of parameter names to values")
        return {}
    values = {name: spec["default"] for name, spec in declared.items()}
    for name, value in given.items():
        path = join("params", str(name))
        if name not in declared:
            problems.unknown(path, "parameter", str(name), declared)
        else:
            values[name] = _coerce(value, declared[name]["default"], path, problems)
    return values


def _coerce(value: Any, default: Any, path: str, problems: Problems) -> Any:
    """A value given as text (``--param times=2``) takes the type of the parameter's default."""
    if not isinstance(value, str) or isinstance(default, str) or default is None:
        if not isinstance(value, str | int | float | bool):
            problems.add(path, "expected a string, number or boolean")
        return value
    try:
        if isinstance(default, bool):
            return {"true": True, "false": False}[value.lower()]
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
    except (KeyError, ValueError):
        problems.add(path, f"expected {type(default).__name__} like the default "
                           f"{default!r}, got {value!r}")
    return value


def _fill(value: Any, params: dict[str, Any], path: str, problems: Problems) -> Any:
    """Every ``${name}`` replaced: a whole string ``${n}`` by the value itself (a number stays
    a number), a placeholder inside text by the value's text."""
    if isinstance(value, dict):
        return {key: _fill(item, params, join(path, str(key)), problems)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, params, join(path, i), problems) for i, item in enumerate(value)]
    if not isinstance(value, str) or "${" not in value:
        return value
    for name in PLACEHOLDER.findall(value):
        if name not in params:
            problems.unknown(path, "parameter", name, params)
            return value
    whole = PLACEHOLDER.fullmatch(value)
    if whole:
        return params[whole[1]]
    return PLACEHOLDER.sub(lambda m: str(params[m[1]]), value)


def _check_sandbox(sandbox: dict, problems: Problems) -> None:
    if "policy_overrides" in sandbox:
        try:
            sandbox["policy_overrides"] = validate_overrides(
                sandbox.get("platform", "lazada"), sandbox["policy_overrides"])
        except ValidationFailed as exc:
            problems.add(join("sandbox.policy_overrides", exc.field or ""), exc.message)


def _steps(value: Any, problems: Problems) -> list[PlannedStep]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_STEPS:
        problems.add("steps", f"expected a list of 1 to {MAX_STEPS} steps")
        return []
    names: dict[str, set[str]] = {}
    planned = []
    for index, item in enumerate(value):
        path = join("steps", index)
        if not isinstance(item, dict) or len(item) != 1:
            problems.add(path, "expected one step, written as {step_name: {fields}}")
            continue
        [(name, args)] = item.items()
        name = str(name)
        if name not in STEPS:
            problems.unknown(join(path, name), "step", name, STEPS)
            continue
        step = STEPS[name]
        where = join(path, name)
        if args is None:
            args = {}
        if not isinstance(args, dict):
            problems.add(where, "expected a mapping of the step's fields")
            continue
        checked = check_fields(args, step.fields, step.required, where, problems, "field")
        _names(step.fields, checked, names, where, problems)
        if name == "advance" and ("by" in args) == ("to" in args):
            problems.add(where, "give exactly one of by (a duration) or to (a timestamp, "
                                "next_timer or <name>.<deadline>)")
        planned.append(PlannedStep(index, name, checked))
    return planned


def _names(fields: dict, checked: dict, names: dict[str, set[str]], path: str,
           problems: Problems) -> None:
    """Each name a step refers to was given by an earlier one; each new name is new."""
    for key, type_ in fields.items():
        value = checked.get(key)
        if value is None:
            continue
        where = join(path, key)
        if isinstance(type_, Ref) and value not in names.get(type_.kind, ()):
            defined = sorted(names.get(type_.kind, ()))
            problems.unknown(where, f"{type_.kind} name", value, defined) if defined else \
                problems.add(where, f"no earlier step names a {type_.kind} {value!r} (give "
                                    f"one a name with as:)")
        elif isinstance(value, Reference) and not any(value.name in n for n in names.values()):
            problems.unknown(where, "name", value.name,
                             sorted(set().union(*names.values())) if names else ())
    for key, type_ in fields.items():
        value = checked.get(key)
        if isinstance(type_, Defines) and value is not None:
            if any(value in n for n in names.values()):
                problems.add(join(path, key), f"{value!r} names something already")
            names.setdefault(type_.kind, set()).add(value)
