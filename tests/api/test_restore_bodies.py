"""Large snapshots round-trip: restore has its own body limit (MOCKPLATFORM_MAX_RESTORE_BYTES),
takes gzip bodies, and refuses what is over its limit, a gzip bomb or broken gzip precisely.

A snapshot of 400 orders is about 2 MB, twice the server-wide MOCKPLATFORM_MAX_BODY_BYTES:
restoring one used to be a 413 under the default settings.
"""

from __future__ import annotations

import gzip
import io
import json
import uuid

import pytest
from sqlalchemy import func, select

from mockplatform.app import create_app
from mockplatform.errors import InvalidRequest, PayloadTooLarge
from mockplatform.fronts.native.bodies import gunzip
from mockplatform.settings import Settings
from mockplatform.store.models import Sandbox, snapshot_tables
from tests.api.support import AdminServer, assert_error
from tests.conftest import DATABASE_URL, Api

SANDBOXES = "/api/v1/sandboxes"
RESTORE = f"{SANDBOXES}/restore"
JSON = {"Content-Type": "application/json"}
GZIP = {**JSON, "Content-Encoding": "gzip"}
SMALL_LIMIT = 100_000


def _seeded(api, orders: int, **seed) -> Api:
    body, sbx = api.create_sandbox(seed=11)
    sbx.sandbox, sbx.base = body, f"{SANDBOXES}/{body['id']}"
    response = sbx.post("/api/v1/test_helpers/seed", json={
        "products": max(20, orders // 40), "buyers": max(20, orders // 80), "orders": orders,
        **seed})
    assert response.status_code == 201, response.get_json()
    return sbx


def _snapshot(sbx) -> bytes:
    response = sbx.post(f"{sbx.base}/snapshot")
    assert response.status_code == 200, response.get_json()
    return response.get_data()


def _envelope(snapshot: bytes, name: str | None = None) -> bytes:
    """The restore body around the snapshot's bytes, as the CLI sends it."""
    named = b',"name":' + json.dumps(name).encode() if name is not None else b""
    return b'{"snapshot":' + snapshot + named + b"}"


def _state(document: bytes | dict) -> dict:
    """A snapshot without what differs between a sandbox and its restored copy: its id."""
    document = json.loads(document) if isinstance(document, bytes) else document
    return {key: value for key, value in document.items() if key != "sandbox_id"}


def _rows_per_table(store, sandbox_id: str) -> dict[str, int]:
    with store.transaction() as session:
        return {table.name: session.scalar(select(func.count()).select_from(table)
                                           .where(table.c.sandbox_id == sandbox_id))
                for table in snapshot_tables()}


def _sandboxes_named(store, name: str) -> int:
    with store.transaction() as session:
        return session.scalar(select(func.count()).select_from(Sandbox).filter_by(name=name))


@pytest.fixture
def small(store) -> Api:
    """An app on the same database whose restore limit is SMALL_LIMIT bytes."""
    return Api(create_app(Settings(database_url=DATABASE_URL, max_restore_bytes=SMALL_LIMIT),
                          store=store))


# -- round trips with the default settings -------------------------------------------------------

@pytest.mark.slow
def test_SLOW_a_sandbox_of_10000_orders_round_trips_with_the_default_settings(api, settings,
                                                                             store):
    """The one test with 10,000 orders (seeding them is most of its time); the others use 400."""
    assert settings == Settings(database_url=DATABASE_URL)  # every limit at its default
    sbx = _seeded(api, 10_000)
    snapshot = _snapshot(sbx)
    # ~23 MB: 20 times the server-wide body limit, a tenth of the restore limit.
    assert 20 * settings.max_body_bytes < len(snapshot) < settings.max_restore_bytes // 10

    response = api.post(RESTORE, data=_envelope(snapshot), headers=JSON)

    assert response.status_code == 201, response.get_data(as_text=True)[:500]
    restored = response.get_json()
    rows = _rows_per_table(store, restored["id"])
    assert rows == _rows_per_table(store, sbx.sandbox["id"]) and rows["orders"] == 10_000
    copy = api.as_(restored["credentials"]["api_key"])
    for path in ("/api/v1/orders?limit=100&sort_direction=desc", f"/api/v1/events?limit=100"
                 f"&after=evt_{9_000:08d}"):
        assert copy.get(path).get_data() == sbx.get(path).get_data()


def test_400_orders_restore_as_plain_json_and_as_gzip_to_the_same_state(api, settings):
    sbx = _seeded(api, 400, fulfilment={"pending": 1, "packed": 1, "ready_to_ship": 2})
    snapshot = _snapshot(sbx)
    assert len(snapshot) > settings.max_body_bytes  # the server-wide limit would refuse it

    plain = api.post(RESTORE, data=_envelope(snapshot), headers=JSON)
    zipped = api.post(RESTORE, data=gzip.compress(_envelope(snapshot)), headers=GZIP)

    for response in (plain, zipped):
        assert response.status_code == 201, response.get_data(as_text=True)[:500]
        restored = response.get_json()
        copy = api.as_(restored["credentials"]["api_key"])
        assert _state(_snapshot_of(copy, restored["id"])) == _state(snapshot)


def _snapshot_of(api: Api, sandbox_id: str) -> bytes:
    response = api.post(f"{SANDBOXES}/{sandbox_id}/snapshot")
    assert response.status_code == 200, response.get_json()
    return response.get_data()


def test_a_fresh_sandbox_restores_and_its_copy_numbers_on(api, sbx):
    """Its counters ({"event": 1}) equal what restoring numbers itself: they used to be lost,
    and the copy's next event reused evt_00000001 (a 500)."""
    snapshot = _snapshot(sbx)

    restored = api.post(RESTORE, data=_envelope(snapshot), headers=JSON).get_json()
    copy = api.as_(restored["credentials"]["api_key"])
    response = copy.post("/api/v1/test_helpers/timers", json={"label": "x", "delay": "PT1H"})

    assert response.status_code == 201, response.get_json()
    assert _state(_snapshot_of(copy, restored["id"]))["sandbox"]["counters"] == {
        "event": 2, "timer": 1}
    assert [e["id"] for e in copy.get("/api/v1/events").get_json()["data"]] == [
        "evt_00000001", "evt_00000002"]


def test_any_json_body_may_be_gzip_within_the_server_wide_limit(sbx):
    response = sbx.post(f"{sbx.base}/clock/advance", data=gzip.compress(b'{"by": "PT1H"}'),
                        headers=GZIP)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["clock"]["now"] == "2026-01-05T02:00:00+00:00"


# -- refusals ------------------------------------------------------------------------------------

def _snapshot_over(api, size: int) -> bytes:
    sbx = _seeded(api, 40)
    snapshot = _snapshot(sbx)
    assert len(snapshot) > size
    return snapshot


def _assert_names_the_limit(response, limit: int, setting: str) -> None:
    error = assert_error(response, 413, "payload_too_large", field="", location="body")
    assert f"{limit} bytes" in error["message"] and setting in error["message"]
    assert (error["details"][0]["limit_bytes"], error["details"][0]["setting"]) == (
        limit, setting)


def test_a_restore_over_its_limit_is_a_413_naming_it_and_creates_nothing(api, small, store):
    snapshot = _snapshot_over(api, SMALL_LIMIT)
    name = f"refused-{uuid.uuid4().hex}"
    body = _envelope(snapshot, name)

    told = small.post(RESTORE, data=body, headers=JSON)
    streamed = small.http.post(RESTORE, input_stream=io.BytesIO(body),
                               environ_overrides={"wsgi.input_terminated": True},
                               headers={**JSON, "Transfer-Encoding": "chunked"})
    unzipped_too_large = small.post(RESTORE, data=gzip.compress(body), headers=GZIP)

    for response in (told, streamed):
        _assert_names_the_limit(response, SMALL_LIMIT, "MOCKPLATFORM_MAX_RESTORE_BYTES")
    _assert_names_the_limit(unzipped_too_large, SMALL_LIMIT, "MOCKPLATFORM_MAX_RESTORE_BYTES")
    assert "decompresses to more than" in unzipped_too_large.get_json()["error"]["message"]
    assert _sandboxes_named(store, name) == 0
    # the same document within the limit is restored
    restored = api.post(RESTORE, data=gzip.compress(body), headers=GZIP)
    assert restored.status_code == 201 and _sandboxes_named(store, name) == 1


def test_a_gzip_bomb_is_a_413_without_inflating_it_whole(small, sbx):
    bomb = gzip.compress(b'{"snapshot": {"x": "' + b" " * 20_000_000 + b'"}}', compresslevel=9)
    assert len(bomb) < SMALL_LIMIT // 2

    _assert_names_the_limit(small.post(RESTORE, data=bomb, headers=GZIP), SMALL_LIMIT,
                            "MOCKPLATFORM_MAX_RESTORE_BYTES")
    # Elsewhere the server-wide limit bounds what a body decompresses to.
    response = sbx.post(f"{sbx.base}/clock/advance", data=bomb, headers=GZIP)
    _assert_names_the_limit(response, 1024 * 1024, "MOCKPLATFORM_MAX_BODY_BYTES")


def test_the_restore_limit_is_only_restores(sbx):
    """Every other endpoint keeps the server-wide limit, named as such."""
    response = sbx.post(f"{sbx.base}/clock/advance", headers=JSON,
                        data=b'{"by": "PT1H", "pad": "' + b" " * (1024 * 1024) + b'"}')

    _assert_names_the_limit(response, 1024 * 1024, "MOCKPLATFORM_MAX_BODY_BYTES")
    assert sbx.get(f"{sbx.base}/clock").get_json()["now"] == "2026-01-05T01:00:00+00:00"


@pytest.mark.parametrize(("body", "why"), [
    (b"not gzip at all", "not valid gzip"),
    (gzip.compress(b'{"snapshot": {}}', mtime=0)[:-12], "ends before its gzip stream does"),
    (gzip.compress(b'{"snapshot": {}}', mtime=0) + b"trailing bytes", "not valid gzip"),
], ids=["not_gzip", "truncated", "trailing_bytes"])
def test_a_body_that_is_not_the_gzip_it_claims_is_a_400(api, store, body, why):
    before = _sandboxes_named(store, "")

    response = api.post(RESTORE, data=body, headers=GZIP)

    error = assert_error(response, 400, "malformed_gzip", field="Content-Encoding",
                         location="header")
    assert why in error["message"]
    assert _sandboxes_named(store, "") == before


def test_a_content_encoding_other_than_gzip_is_a_415(api):
    response = api.post(RESTORE, data=b'{"snapshot": {}}', headers={**JSON,
                                                                   "Content-Encoding": "br"})

    assert_error(response, 415, "unsupported_media_type", field="Content-Encoding",
                 location="header")
    assert response.headers["Accept-Encoding"] == "gzip"


def test_with_an_admin_token_the_large_limit_is_the_admins_alone():
    server = AdminServer()
    try:
        big = _envelope(b'{"object": "sandbox_snapshot", "pad": "' + b" " * 2_000_000 + b'"}')
        for caller in (server.anonymous, server.admin.as_("mp_test_not_the_admin")):
            # refused as it would be for a small body, before the large one is read
            assert_error(caller.post(RESTORE, data=big, headers=JSON), 401,
                         "admin_token_required")
        # the admin's large body is read, and found to be no snapshot
        response = server.admin.post(RESTORE, data=big, headers=JSON)
        assert_error(response, 400, "validation_failed", field="snapshot.format")
    finally:
        server.close()


def test_the_restore_limit_is_a_setting():
    assert Settings().max_restore_bytes == 256 * 1024 * 1024
    assert Settings.from_env({"MOCKPLATFORM_MAX_RESTORE_BYTES": "5000000"}).max_restore_bytes \
        == 5_000_000


# -- gunzip itself -------------------------------------------------------------------------------

def test_gunzip_reads_several_members_and_padding():
    data = gzip.compress(b"ab") + gzip.compress(b"cd") + b"\0" * 16

    assert gunzip(data, 4) == b"abcd"


def test_gunzip_stops_at_the_limit():
    with pytest.raises(PayloadTooLarge) as raised:
        gunzip(gzip.compress(b"x" * 10_000_000), 1000)
    assert raised.value.details[0]["limit_bytes"] == 1000
    with pytest.raises(InvalidRequest, match="ends before"):
        gunzip(gzip.compress(b"x" * 1000)[:20], 10_000)
