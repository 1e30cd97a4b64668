"""Keys are never listed to a caller who is not the admin or that sandbox; a server listening
beyond this machine without an admin token says so loudly."""

from __future__ import annotations

import pytest

from mockplatform.cli import exposure_warning
from mockplatform.settings import Settings

SANDBOXES = "/api/v1/sandboxes"


def listed(caller) -> dict[str, dict]:
    """Every sandbox the caller is shown, by id, across pages (the store is shared)."""
    found: dict[str, dict] = {}
    query = {"limit": 100}
    while True:
        page = caller.get(SANDBOXES, query_string=query).get_json()
        found.update({s["id"]: s for s in page["data"]})
        if not page["has_more"]:
            return found
        query["after"] = page["next_cursor"]


def test_without_an_admin_token_a_list_shows_no_keys(api):
    a, _ = api.create_sandbox()
    b, _ = api.create_sandbox(seed=2)
    shown = listed(api)
    assert {a["id"], b["id"]} <= set(shown)
    assert all(sandbox["credentials"] is None for sandbox in shown.values())
    # Creating still answers with the new sandbox's own keys, and the sandbox sees its own.
    assert a["credentials"]["api_key"].startswith("mp_test_")
    own = api.as_(a["credentials"]["api_key"])
    [mine] = own.get(SANDBOXES).get_json()["data"]
    assert mine["credentials"] == a["credentials"]
    assert own.get(f"{SANDBOXES}/{a['id']}").get_json()["credentials"] == a["credentials"]


def test_the_admin_sees_every_key(store):
    from mockplatform.app import create_app  # noqa: PLC0415
    from tests.conftest import DATABASE_URL, Api  # noqa: PLC0415

    app = create_app(Settings(database_url=DATABASE_URL, admin_token="s3cret"), store=store)
    admin = Api(app, "s3cret")
    created = admin.post(SANDBOXES, json={"platform": "lazada", "market": "MY"}).get_json()
    assert listed(admin)[created["id"]]["credentials"] == created["credentials"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
def test_no_warning_on_loopback(host):
    assert exposure_warning(host, None) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "10.1.2.3", "::", "myhost.example"])
def test_a_warning_beyond_loopback_without_an_admin_token(host):
    warning = exposure_warning(host, None)
    assert warning is not None and "MOCKPLATFORM_ADMIN_TOKEN" in warning and host in warning
    assert exposure_warning(host, "token") is None
