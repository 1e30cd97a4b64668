"""``mockplatform scenario run`` and ``client.scenarios``, against a real server in a thread
(both talk HTTP, as to any deployment)."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner
from mockplatform_client import Client
from mockplatform_client.errors import BadRequestError

from mockplatform.cli import main
from mockplatform.testing.plugin import ThreadedServer


@pytest.fixture(scope="module")
def server(app):
    server = ThreadedServer(app).start()
    yield server
    server.stop()


def _cli(*args: str):
    clean = {"MOCKPLATFORM_URL": None, "MOCKPLATFORM_TOKEN": None,
             "MOCKPLATFORM_ADMIN_TOKEN": None}
    return CliRunner().invoke(main, list(args), env=clean, catch_exceptions=False)


def test_run_makes_a_sandbox_and_prints_the_steps_and_expectations(server):
    result = _cli("scenario", "run", "semi_hosted_shipped_late", "--url", server.url)
    assert result.exit_code == 0, result.output
    assert "semi_hosted_shipped_late in sbx_" in result.stdout and "passed" in result.stdout
    assert "confirm_receipt" in result.stdout and "ledger fine" in result.stdout
    assert "passed: 1 scenario(s)" in result.stderr


def test_a_failed_expectation_exits_non_zero_saying_which_and_why(server):
    result = _cli("scenario", "run", "late_rts_fined_and_canceled", "--param", "quantity=3",
                  "--url", server.url)
    assert result.exit_code == 1
    assert "FAIL  ledger fine" in result.stdout
    assert ("FAILED late_rts_fined_and_canceled: fine: expected a fine total of -44.70 MYR, "
            "found -67.05") in result.stderr


def test_an_unknown_name_says_the_closest(server):
    result = _cli("scenario", "run", "partial_refund_rejectd", "--url", server.url)
    assert result.exit_code == 1
    assert "did you mean 'partial_refund_rejected'?" in result.stderr


def test_a_file_of_your_own_runs_in_a_sandbox_given(server, tmp_path):
    client = Client(server.url)
    sandbox = client.sandboxes.create(platform="lazada", market="MY", seed=3)
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({"name": "mine", "steps": [
        {"product": {"name": "Mug", "skus": [{"seller_sku": "MUG", "price": "9.00",
                                               "stock": 1}]}},
        {"place_order": {"as": "o", "items": [{"seller_sku": "MUG"}]}}],
        "expect": {"summary": {"items": {"by_status": {"pending": 1}}}}}))

    result = _cli("scenario", "run", str(path), "--sandbox", sandbox.id, "--token",
                  sandbox.credentials.api_key, "--url", server.url)

    assert result.exit_code == 0, result.output
    assert f"mine in {sandbox.id}: passed" in result.stdout


def test_a_bad_step_in_a_file_is_named(server, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nsteps:\n  - advnce: {by: P1D}\n")
    result = _cli("scenario", "run", str(path), "--url", server.url)
    assert result.exit_code == 1
    assert "steps[0].advnce: unknown step 'advnce'; did you mean 'advance'?" in result.stderr


def test_list_names_every_shipped_scenario(server):
    result = _cli("scenario", "list", "--url", server.url)
    assert result.exit_code == 0
    assert "resold_then_failed_again" in result.stdout and "tiktok_shop TH" in result.stdout


def test_the_sdk_lists_runs_and_summarises(server):
    admin = Client(server.url)
    names = [s.name for s in admin.scenarios.list()]
    assert "failed_delivery_then_resold" in names
    needs = admin.scenarios.get("failed_delivery_then_resold").sandbox
    shop = admin.for_sandbox(admin.sandboxes.create(**needs))

    answer = shop.scenarios.run("failed_delivery_then_resold", params={"price": "120.00"})

    assert answer.passed, answer.failed
    summary = shop.sandboxes.summary()
    assert summary.resale_items.by_state == {"sold": 1}
    assert summary.to_dict() == answer.summary.to_dict()
    with pytest.raises(BadRequestError) as raised:
        shop.scenarios.run("failed_delivery_then_resold", params={"prise": "1.00"})
    assert raised.value.details[0]["closest"] == "price"
