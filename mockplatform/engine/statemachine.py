"""State machines as explicit tables: ``(state, action) -> state``, with named guards.

Every domain writes its machine as data (see ``orders/states.py``); an illegal action raises one
typed error, ``InvalidStateTransition``, that names the current state and the actions allowed in
it, so a 409 always tells the caller what it could have done instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mockplatform.errors import InvalidStateTransition

# A guard gets the subject (an order item, a request) and answers whether the action may go
# ahead; its name appears in the error when it refuses.
Guard = Callable[[Any], bool]


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    guard: str | None = None


class StateMachine:
    def __init__(self, name: str, states: Iterable[str],
                 transitions: Iterable[tuple[str, str, str] | tuple[str, str, str, str]],
                 guards: dict[str, Guard] | None = None):
        self.name = name
        self.states = tuple(states)
        self.guards = dict(guards or {})
        self._table: dict[tuple[str, str], Transition] = {}
        for row in transitions:
            transition = Transition(*row)
            for state in (transition.source, transition.target):
                if state not in self.states:
                    raise ValueError(f"{name}: unknown state {state!r} in {row}")
            if transition.guard is not None and transition.guard not in self.guards:
                raise ValueError(f"{name}: unknown guard {transition.guard!r} in {row}")
            key = (transition.source, transition.action)
            if key in self._table:
                raise ValueError(f"{name}: two transitions for {key}")
            self._table[key] = transition
        self.actions = tuple(dict.fromkeys(t.action for t in self._table.values()))

    def transitions(self) -> list[Transition]:
        """Every transition of the table, in table order (to build a machine from another's)."""
        return list(self._table.values())

    def allowed(self, state: str, subject: Any = None) -> list[str]:
        """The actions ``state`` allows, in table order, guards applied when a subject is given."""
        return [t.action for (source, _), t in self._table.items()
                if source == state and (subject is None or self._passes(t, subject))]

    def can(self, state: str, action: str, subject: Any = None) -> bool:
        transition = self._table.get((state, action))
        return transition is not None and (subject is None or self._passes(transition, subject))

    def next_state(self, state: str, action: str, *, label: str, subject: Any = None) -> str:
        """Where ``action`` leads from ``state``; ``InvalidStateTransition`` (a 409) if nowhere.

        ``label`` names the thing acted on in the message ("order item 1001-1").
        """
        if action not in self.actions:
            raise ValueError(f"{self.name}: unknown action {action!r}")
        transition = self._table.get((state, action))
        if transition is None or (subject is not None and not self._passes(transition, subject)):
            raise InvalidStateTransition(label, state, action, self.allowed(state, subject))
        return transition.target

    def _passes(self, transition: Transition, subject: Any) -> bool:
        return transition.guard is None or bool(self.guards[transition.guard](subject))
