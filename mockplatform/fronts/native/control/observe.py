"""Control plane: a sandbox's fault rules and its request journal, under
/api/v1/sandboxes/{id}/faults and /journal. Neither is faulted nor journaled itself."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app

from mockplatform.control import faults, journal
from mockplatform.fronts.native import schemas as s
from mockplatform.fronts.native.control import observe_schemas as o
from mockplatform.fronts.native.endpoint import SANDBOX_PATH, Call, endpoint
from mockplatform.fronts.native.formats import CsvFormat

bp = Blueprint("observe", __name__, url_prefix="/api/v1")
FAULTS = "/sandboxes/<sandbox_id>/faults"
JOURNAL = "/sandboxes/<sandbox_id>/journal"
# The views whose answer must hold every entry this process has answered (observe.py).
FLUSHES_JOURNAL = ("observe.list_journal", "observe.clear_journal")


def _spec(body: dict[str, Any]) -> dict[str, Any]:
    """A loaded rule as control/faults.py takes it (the window under its wire names)."""
    when = dict(body.get("when") or {})
    for attribute, wire in (("start", "from"), ("end", "until")):
        if attribute in when:
            when[wire] = when.pop(attribute)
    return {**body, "when": when}


def _page(rules: list[dict]) -> dict:
    return s.page(rules, False, None)


@endpoint(bp, FAULTS, auth=SANDBOX_PATH, response=o.FaultRuleListSchema,
          summary="List the fault rules, in the order they are tried", tags=["faults"])
def list_faults(call: Call):
    """Each with the calls its match selected and the calls it answered so far."""
    return _page(faults.rules(call.ctx.sandbox))


@endpoint(bp, FAULTS, method="PUT", auth=SANDBOX_PATH, body=o.FaultRulesSchema,
          response=o.FaultRuleListSchema, summary="Replace the fault rules", tags=["faults"],
          errors=[400])
def replace_faults(call: Call):
    """The rules are tried in order for each call; the first whose ``when`` holds applies.
    Every rule gets a new id and counts from zero."""
    return _page(faults.replace(call.ctx, [_spec(rule) for rule in call.body["rules"]]))


@endpoint(bp, FAULTS, method="POST", auth=SANDBOX_PATH, body=o.FaultRuleSchema,
          response=o.FaultRuleOutSchema, status=201, summary="Append a fault rule",
          tags=["faults"], errors=[400])
def append_fault(call: Call):
    """``match`` (front, method, path glob, operation: all given must hold; none: every call),
    ``effect`` (``latency`` ms; ``error`` status, code, message, retry_after; ``rate_limit``
    retry_after: a 429, or Lazada's ApiCallLimit; ``malformed`` status: a cut body; ``drop``:
    the connection closed without an answer) and ``when`` (probability, every, first,
    from/until in sandbox time: all given must hold; none: every call)."""
    return faults.append(call.ctx, _spec(call.body))


@endpoint(bp, FAULTS + "/<rule_id>", method="DELETE", auth=SANDBOX_PATH,
          response=s.DeletedSchema, summary="Delete a fault rule", tags=["faults"],
          errors=[404])
def delete_fault(call: Call):
    return faults.delete(call.ctx, call.path["rule_id"])


@endpoint(bp, FAULTS, method="DELETE", auth=SANDBOX_PATH, response=o.FaultRuleListSchema,
          summary="Delete every fault rule", tags=["faults"])
def clear_faults(call: Call):
    return _page(faults.clear(call.ctx))


@endpoint(bp, JOURNAL, auth=SANDBOX_PATH, query=o.JournalQuery, response=o.JournalListSchema,
          summary="The request journal: what was called in the sandbox, oldest first",
          tags=["journal"], errors=[400],
          csv=CsvFormat(o.JOURNAL_COLUMNS, filename="journal-{sandbox_id}.csv"))
def list_journal(call: Call):
    """Every call to the sandbox on every front but the control plane (sandboxes, clock,
    faults, journal): its sandbox and wall time, front, method, path, operation, status,
    latency, the fault rule that answered it, and both bodies up to
    MOCKPLATFORM_JOURNAL_BODY_BYTES characters. Filter by ``operation`` (a Lazada api name,
    the leading slash optional, or a native endpoint's name), ``status``, ``front`` and sandbox
    time (``from`` inclusive, ``to`` exclusive); page with ``after``. The newest
    MOCKPLATFORM_JOURNAL_MAX_ENTRIES entries are kept (10,000 by default)."""
    query = call.query
    with _journal().transaction(write=False) as session:
        rows, has_more = journal.entries(
            session, call.ctx.id, operation=query.get("operation"),
            statuses=query.get("status"), front=query.get("front"), start=query.get("start"),
            end=query.get("end"), after=query.get("after"), limit=query["limit"])
    return s.page(rows, has_more, journal.entry_id)


@endpoint(bp, JOURNAL, method="DELETE", auth=SANDBOX_PATH, response=o.JournalClearedSchema,
          summary="Clear the request journal", tags=["journal"])
def clear_journal(call: Call):
    with _journal().transaction() as session:
        return {"deleted": journal.clear(session, call.ctx.id)}


def _journal():
    """The store the journal is kept in (control/journal.py)."""
    return current_app.extensions["mockplatform"]["journal"].store
