"""The domain registry: every domain declares itself, in the same shape; what does not hang
together fails at start-up naming it; subscriptions run in the same transaction, in order."""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

import pytest

from mockplatform import domains
from mockplatform.engine import events, registry
from mockplatform.engine.registry import Domain, RegistryError, Subscription
from mockplatform.errors import ERROR_CODES, Conflict

PACKAGE_ROOT = Path(domains.__file__).parent
SHAPE = {"__init__.py", "models.py", "states.py", "service.py", "timers.py", "errors.py"}


@pytest.mark.parametrize("package", [p for p in domains.DOMAINS if p != "mockplatform.control"])
def test_every_domain_package_has_the_same_shape(package):
    folder = PACKAGE_ROOT / package.rsplit(".", 1)[1]
    assert SHAPE <= {path.name for path in folder.iterdir()}, package
    domain = importlib.import_module(package).DOMAIN
    assert f"{package}.models" in domain.modules and f"{package}.timers" in domain.modules
    assert domain.errors == (f"{package}.errors",)


def test_the_server_domains_load_and_every_declared_timer_kind_has_a_handler():
    loaded = domains.load()
    assert [d.name for d in loaded.domains] == ["catalog", "orders", "finance", "logistics",
                                                 "resale", "aftersales", "control"]
    from mockplatform.engine import scheduler  # noqa: PLC0415

    handled = set(scheduler.registered_kinds())
    for domain in loaded.domains:
        assert set(domain.timer_kinds) <= handled, domain.name
    assert ("order.delivered", "mockplatform.finance.settlement:on_order_delivered") in [
        (pattern, name) for pattern, _handler, name in loaded.subscriptions]


def _fake_domain(monkeypatch, name: str, domain: Domain) -> str:
    package = f"tests_fake_domain_{name}"
    module = types.ModuleType(package)
    module.DOMAIN = domain
    monkeypatch.setitem(sys.modules, package, module)
    return package


def test_a_timer_kind_declared_without_a_handler_fails_at_load_naming_it(monkeypatch):
    package = _fake_domain(monkeypatch, "a", Domain(
        name="fake", modules=(), timer_kinds=("fake.never_handled",)))
    with pytest.raises(RegistryError, match=r"fake\.never_handled.*declared by fake"):
        registry.load([package])


def test_a_subscriber_that_does_not_resolve_fails_at_load_naming_it(monkeypatch):
    package = _fake_domain(monkeypatch, "b", Domain(
        name="fake", modules=(), subscriptions=(
            Subscription("order.delivered", "mockplatform.finance.settlement:no_such"),)))
    with pytest.raises(RegistryError, match=r"settlement:no_such.*order\.delivered"):
        registry.load([package])


def test_a_package_without_a_declaration_fails_at_load(monkeypatch):
    monkeypatch.setitem(sys.modules, "tests_fake_empty", types.ModuleType("tests_fake_empty"))
    with pytest.raises(RegistryError, match="tests_fake_empty declares no DOMAIN"):
        registry.load(["tests_fake_empty"])


def test_two_error_classes_cannot_claim_one_code():
    assert ERROR_CODES["order_not_found"].__module__ == "mockplatform.orders.errors"
    with pytest.raises(TypeError, match="order_not_found.*taken by mockplatform.orders.errors"):
        type("Again", (Conflict,), {"code": "order_not_found"})


def test_every_domain_error_code_is_registered_to_its_domain():
    domains.load()
    for code, cls in ERROR_CODES.items():
        assert cls.code == code or code in cls.also_codes
    owners = {cls.__module__ for cls in ERROR_CODES.values()}
    assert {"mockplatform.orders.errors", "mockplatform.logistics.errors",
            "mockplatform.catalog.errors", "mockplatform.finance.errors",
            "mockplatform.control.errors"} <= owners


@pytest.fixture
def subscriptions():
    saved = list(events._SUBSCRIPTIONS)
    yield
    events.install_subscriptions(saved)


def test_subscribers_run_at_once_in_order_of_declaration_and_see_the_data(subscriptions, sbx,
                                                                           app):
    heard: list[tuple[str, str, dict]] = []
    events.install_subscriptions([
        ("test_timer.*", lambda ctx, type_, data: heard.append(("prefix", type_, data))),
        ("test_timer.fired", lambda ctx, type_, data: heard.append(("exact", type_, data))),
        ("order.created", lambda ctx, type_, data: heard.append(("other", type_, data))),
    ])
    sbx.post("/api/v1/test_helpers/timers", json={"label": "ping", "delay": "PT1M"})
    sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT1M"})
    assert [(who, type_) for who, type_, _ in heard] == [("prefix", "test_timer.scheduled"),
                                                         ("prefix", "test_timer.fired"),
                                                         ("exact", "test_timer.fired")]
    assert heard[1][2]["label"] == "ping"


def test_a_subscriber_that_fails_undoes_the_whole_unit_of_work(subscriptions, sbx):
    def refuse(ctx, type_, data):
        raise Conflict("a subscriber refused")

    events.install_subscriptions([("test_timer.fired", refuse)])
    sbx.post("/api/v1/test_helpers/timers", json={"label": "ping", "delay": "PT1M"})
    before = sbx.get(f"{sbx.base}/clock").get_json()
    assert sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT1M"}).status_code == 409
    after = sbx.get(f"{sbx.base}/clock").get_json()
    assert (after["now"], after["timers_pending"]) == (before["now"], before["timers_pending"])
