"""Running a loaded scenario in one sandbox, in one unit of work: each step through the domain
operation its table entry names, the clock moved by the clock's own ``advance``; then the
expectations checked against the summary and the events the run recorded.

A step the domain refuses (an illegal transition, an order without a package yet) stops the
run with a 409 naming the step, the domain's error and the steps that ran before it; nothing
the run did is kept, as for any refused request. A failed expectation is no error: the run is
kept and its answer says which expectation failed and why.
"""

from __future__ import annotations

from typing import Any

from mockplatform.aftersales import service as aftersales
from mockplatform.control import summary as summaries
from mockplatform.control.errors import ScenarioSandboxMismatch, ScenarioStepFailed
from mockplatform.control.scenarios import expectations
from mockplatform.control.scenarios.document import Scenario
from mockplatform.control.scenarios.schema import LOCATION, Reference, join
from mockplatform.control.scenarios.steps import ORDER, REQUEST, STEPS, resale_unit_id
from mockplatform.control.summary import iso
from mockplatform.engine.context import SandboxContext
from mockplatform.errors import InvalidRequest, MockplatformError
from mockplatform.orders import service as orders
from mockplatform.resale.models import ResaleItem

REQUEST_DEADLINES = ("deadline_at", "claim_deadline", "reshipment_due_at")
UNIT_DEADLINES = ("inspect_at", "relist_at", "window_ends_at", "return_arrives_at")


class Run:
    """What the steps of one run share: the sandbox and the names given so far."""

    def __init__(self, ctx: SandboxContext):
        self.ctx = ctx
        self.names: dict[str, dict[str, int]] = {ORDER: {}, REQUEST: {}}

    def name(self, kind: str, name: str, value: int) -> None:
        self.names[kind][name] = value

    def order_id(self, name: str) -> int:
        return self.names[ORDER][name]

    def request_id(self, name: str) -> int:
        return self.names[REQUEST][name]

    def resolve(self, ref: Reference):
        """The instant ``ref`` names now (a deadline moves as the story does)."""
        if ref.name in self.names[REQUEST]:
            request = aftersales.get(self.ctx, self.request_id(ref.name))
            moment = self._attr(ref, request, REQUEST_DEADLINES)
        elif ref.attr.startswith("resale."):
            unit = self._unit(ref)
            moment = self._attr(ref, unit, UNIT_DEADLINES, prefix="resale.")
        else:
            deadlines = orders.describe(self.ctx, self.order_id(ref.name)).deadlines
            moments = {k: v for k, v in deadlines.items() if hasattr(v, "tzinfo")}
            if ref.attr not in moments:
                raise _no_deadline(ref, sorted(moments))
            moment = moments[ref.attr]
        return moment + ref.offset

    def _unit(self, ref: Reference) -> ResaleItem:
        return self.ctx.session.get(ResaleItem,
                                    (self.ctx.id, resale_unit_id(self, {"order": ref.name})))

    @staticmethod
    def _attr(ref: Reference, row: Any, allowed: tuple[str, ...], prefix: str = ""):
        attr = ref.attr.removeprefix(prefix)
        if attr not in allowed:
            raise _no_deadline(ref, [prefix + a for a in allowed])
        moment = getattr(row, attr)
        if moment is None:
            raise InvalidRequest(f"{ref.name}.{ref.attr} is not set now: nothing waits for it",
                                 code="validation_failed")
        return moment


def _no_deadline(ref: Reference, known: list[str]) -> InvalidRequest:
    return InvalidRequest(f"{ref.name} has no deadline {ref.attr!r} now; it has: "
                          f"{', '.join(known) or 'none'}", code="validation_failed")


def check_sandbox(ctx: SandboxContext, scenario: Scenario) -> None:
    """The scenario's platform, market and policy overrides are the sandbox's (its story and
    its expected amounts depend on them)."""
    wanted, sandbox = scenario.sandbox, ctx.sandbox
    for key in ("platform", "market"):
        if key in wanted and wanted[key] != getattr(sandbox, key):
            raise _mismatch(scenario, key, wanted[key], getattr(sandbox, key))
    overrides = sandbox.policy_overrides or {}
    for key, value in (wanted.get("policy_overrides") or {}).items():
        if overrides.get(key) != value:
            raise _mismatch(scenario, f"policy_overrides.{key}", value, overrides.get(key))


def _mismatch(scenario: Scenario, key: str, wanted: Any, actual: Any) -> ScenarioSandboxMismatch:
    return ScenarioSandboxMismatch(
        f"scenario {scenario.name!r} needs {key} {wanted!r}; this sandbox has {actual!r}: run it "
        f"in a sandbox created with the scenario's sandbox settings", details=[
            {"field": join("sandbox", key), "location": LOCATION,
             "message": f"expected {wanted!r}", "expected": wanted, "actual": actual}])


def run(ctx: SandboxContext, scenario: Scenario) -> dict[str, Any]:
    check_sandbox(ctx, scenario)
    started_at = ctx.now
    first_event = (ctx.counters or {}).get("event", 0)
    state, results = Run(ctx), []
    for planned in scenario.steps:
        step = STEPS[planned.name]
        try:
            result = step.run(state, planned.args)
        except MockplatformError as exc:
            raise _step_failed(planned, exc, results) from None
        results.append({"index": planned.index, "step": planned.name, "actor": step.actor,
                        "at": iso(ctx.now), "result": result})
    summary = summaries.build(ctx)
    events = summaries.events_by_type(ctx, first_event)
    checked = expectations.evaluate(scenario.expectations, summary, events,
                                    summary["currency"])
    return {"object": "scenario_run", "scenario": scenario.name,
            "description": scenario.description, "sandbox_id": ctx.id,
            "passed": all(e["passed"] for e in checked), "params": scenario.params,
            "started_at": iso(started_at), "finished_at": iso(ctx.now), "steps": results,
            "expectations": checked, "failed": [e for e in checked if not e["passed"]],
            "names": state.names, "events": {"total": sum(events.values()),
                                             "by_type": events},
            "summary": summary}


def _step_failed(planned, exc: MockplatformError, done: list) -> ScenarioStepFailed:
    path = join(join("steps", planned.index), planned.name)
    return ScenarioStepFailed(
        f"{path} failed: {exc.message}", details=[{
            "field": path, "location": LOCATION, "message": exc.message, "step": planned.index,
            "action": planned.name, "error": {"code": exc.code, "status": exc.status,
                                              "details": exc.details},
            "steps_done": len(done)}])
