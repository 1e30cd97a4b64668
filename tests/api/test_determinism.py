"""Same seed and same calls: byte-identical answers (but for the sandbox's id and credentials)."""

from __future__ import annotations

TIMERS = "/api/v1/test_helpers/timers"


def _scenario(api, seed: int) -> list[str]:
    """Every answer body of one fixed scenario, scrubbed of the sandbox's id and credentials."""
    created, sbx = api.create_sandbox(seed=seed, start_at="2026-04-01T08:00:00+07:00",
                                      market="TH", policy_overrides={"order.rts_deadline": "P3D"})
    base = f"/api/v1/sandboxes/{created['id']}"
    answers = [
        sbx.post(TIMERS, json={"label": "pickup", "delay": "PT12H"}),
        sbx.post(TIMERS, json={"label": "tick", "at": "2026-04-01T03:00:00Z",
                               "repeat_every": "PT7H", "repeat_times": 40}),
        sbx.post(TIMERS, json={"label": "same-instant", "delay": "PT12H"}),
        sbx.get(f"{base}/timers"),
        sbx.get(f"{base}/clock"),
        sbx.post(f"{base}/clock/advance", json={"by": "PT49H"}),
        sbx.get(f"{base}/timers?limit=2"),
        sbx.post(f"{base}/clock/advance", json={"to": "next_timer"}),
        sbx.post(f"{base}/clock/advance", json={"to": "2026-04-20T00:00:00Z"}),
        sbx.get("/api/v1/events"),
        sbx.get("/api/v1/events?type=test_timer.*&after=evt_00000010&limit=5"),
        sbx.get("/api/v1/policies"),
        sbx.get("/api/v1/calendar?from=2026-04-01&to=2026-04-30"),
        sbx.post(f"{base}/snapshot"),
        sbx.post(f"{base}/clock/advance", json={"by": "-PT1H"}),
        sbx.post(f"{base}/reset"),
        sbx.get("/api/v1/events"),
    ]
    texts = []
    for response in answers:
        assert response.status_code < 500, response.get_data(as_text=True)
        text = response.get_data(as_text=True)
        for secret in (created["id"], *created["credentials"].values()):
            text = text.replace(secret, "<scrubbed>")
        texts.append(text.split('"request_id"')[0])  # request ids label calls, not data
    return texts


def test_two_sandboxes_with_the_same_seed_and_calls_answer_byte_for_byte_the_same(api):
    first, second = _scenario(api, seed=11), _scenario(api, seed=11)

    assert len(first) == len(second)
    for index, (one, two) in enumerate(zip(first, second, strict=True)):
        assert one == two, f"answer {index} differs"
    assert '"timers_fired":' in first[5] and "sbx_" not in "".join(first)


def test_the_event_feeds_of_two_such_sandboxes_are_identical_without_any_scrubbing(api):
    feeds = []
    for _ in range(2):
        created, sbx = api.create_sandbox(seed=5)
        sbx.post(TIMERS, json={"label": "t", "delay": "PT1H", "repeat_every": "PT1H",
                               "repeat_times": 3})
        sbx.post(f"/api/v1/sandboxes/{created['id']}/clock/advance", json={"by": "P1D"})
        feeds.append(sbx.get("/api/v1/events").get_data())

    assert feeds[0] == feeds[1]
    assert b"sbx_" not in feeds[0]


def test_event_data_keys_are_sorted_so_every_database_gives_the_same_bytes(sbx):
    sbx.post(TIMERS, json={"label": "x", "delay": "PT1H"})
    advance = sbx.post(f"{sbx.base}/clock/advance", json={"by": "PT1H"}).get_data(as_text=True)
    feed = sbx.get("/api/v1/events?type=test_timer.fired").get_data(as_text=True)

    expected = ('"data":{"due_at":"2026-01-05T02:00:00+00:00","iteration":0,"label":"x",'
                '"timer_id":"tmr_00000001"}')
    assert expected in advance and expected in feed
