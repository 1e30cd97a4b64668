"""The domain registry: what each domain declares, checked once at start-up.

A domain package declares itself in its ``__init__.py`` as ``DOMAIN = Domain(...)``: its name,
the modules that hold its tables and its timer handlers, the timer kinds it handles and the
events it subscribes to. ``load`` imports those modules (never a front: a domain knows no
HTTP) and checks the whole: a timer kind declared and not handled, handled and not declared, a
subscriber that does not resolve, all fail at start-up with a message that names it, never at
fire time.

Subscriptions run in the same transaction as the event that triggers them, synchronously, in a
fixed order: the order of the domains in the list given to ``load``, then each domain's order of
declaration. So the same calls always have the same effects, in the same order.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockplatform.engine import events, scheduler
from mockplatform.store.models import Base

if TYPE_CHECKING:
    from mockplatform.engine.context import SandboxContext

# A subscriber: called with the context and the event's type and data, as recorded.
Subscriber = Callable[["SandboxContext", str, dict[str, Any]], None]


@dataclass(frozen=True)
class Subscription:
    """``handler`` ("module:function") runs whenever an event of ``event`` is recorded: an exact
    type (``order.delivered``) or a prefix (``order.*``)."""

    event: str
    handler: str


@dataclass(frozen=True)
class Domain:
    name: str
    # Modules to import: the tables (``models``) and the timer handlers (``timers``) at least.
    modules: tuple[str, ...]
    # The timer kinds this domain's modules handle.
    timer_kinds: tuple[str, ...] = ()
    subscriptions: tuple[Subscription, ...] = ()
    # The modules of its typed errors (each error class carries a stable code).
    errors: tuple[str, ...] = ()


@dataclass
class Registry:
    domains: list[Domain] = field(default_factory=list)
    subscriptions: list[tuple[str, Subscriber, str]] = field(default_factory=list)

    def domain(self, name: str) -> Domain:
        return next(d for d in self.domains if d.name == name)


class RegistryError(RuntimeError):
    """The domains do not hang together; raised at start-up."""


# The engine's own timer kinds, handled in the engine itself.
ENGINE_TIMER_KINDS = ("noop",)

_loaded: dict[tuple[str, ...], Registry] = {}


def load(packages: Sequence[str]) -> Registry:
    """Import and check the domains in ``packages`` (dotted names, in subscription order), and
    install their subscriptions in the event recorder. Loading the same list again returns the
    same registry."""
    key = tuple(packages)
    if key in _loaded:
        return _loaded[key]
    registry = Registry()
    for package in packages:
        domain = getattr(importlib.import_module(package), "DOMAIN", None)
        if not isinstance(domain, Domain):
            raise RegistryError(f"{package} declares no DOMAIN = Domain(...) in its __init__.py")
        for module in (*domain.modules, *domain.errors):
            importlib.import_module(module)
        registry.domains.append(domain)
        for subscription in domain.subscriptions:
            registry.subscriptions.append(
                (subscription.event, _resolve(domain, subscription), subscription.handler))
    _check_timer_kinds(registry)
    _check_tables(registry)
    events.install_subscriptions([(pattern, handler)
                                  for pattern, handler, _name in registry.subscriptions])
    _loaded[key] = registry
    return registry


def _resolve(domain: Domain, subscription: Subscription) -> Subscriber:
    module_name, _, function = subscription.handler.partition(":")
    try:
        handler = getattr(importlib.import_module(module_name), function)
    except (ImportError, AttributeError) as exc:
        raise RegistryError(f"domain {domain.name!r}: the subscriber {subscription.handler!r} "
                            f"of {subscription.event!r} does not resolve: {exc}") from None
    if not callable(handler):
        raise RegistryError(f"domain {domain.name!r}: {subscription.handler!r} is not callable")
    return handler


def _check_timer_kinds(registry: Registry) -> None:
    declared: dict[str, str] = {}
    for domain in registry.domains:
        for kind in domain.timer_kinds:
            if kind in declared:
                raise RegistryError(f"timer kind {kind!r} is declared by both "
                                    f"{declared[kind]!r} and {domain.name!r}")
            declared[kind] = domain.name
    handled = set(scheduler.registered_kinds())
    missing = sorted(set(declared) - handled)
    if missing:
        raise RegistryError(f"timer kinds declared but with no handler: {', '.join(missing)} "
                            f"(declared by {', '.join(sorted({declared[k] for k in missing}))}; "
                            f"add the module with their @timer_kind handlers to its modules)")


def _check_tables(registry: Registry) -> None:
    """Every mapped table is the store's own or declared by a domain's modules: a model that
    only some import path reaches would be missing from a schema made without it."""
    declared = {module for domain in registry.domains for module in domain.modules}
    for mapper in Base.registry.mappers:
        module = mapper.class_.__module__
        if module != Base.__module__ and module not in declared:
            raise RegistryError(f"the table {mapper.class_.__tablename__!r} ({module}) belongs "
                                f"to no domain: list {module} in its domain's modules")
