"""JSON columns: orjson, with the standard library for what orjson refuses."""

import json

import pytest

from mockplatform.store import jsoncodec


@pytest.mark.parametrize("value", [
    {"a": 1, "b": [1, 2.5, None, True], "c": {"d": "é ü 中"}},
    [],
    {"when": "2026-01-05T01:00:00+00:00", "amount": "12.30"},
])
def test_round_trip_reads_back_what_json_would(value):
    text = jsoncodec.dumps(value)
    assert isinstance(text, str)
    assert jsoncodec.loads(text) == value == json.loads(json.dumps(value))


def test_keys_keep_their_order():
    assert list(jsoncodec.loads(jsoncodec.dumps({"z": 1, "a": 2, "m": 3}))) == ["z", "a", "m"]


def test_what_orjson_refuses_goes_through_json():
    huge = {"n": 2**70, 3: "int key"}
    assert jsoncodec.loads(jsoncodec.dumps(huge)) == {"n": 2**70, "3": "int key"}


def test_a_document_json_wrote_with_nan_still_reads():
    assert jsoncodec.loads('{"x": NaN}')["x"] != jsoncodec.loads('{"x": NaN}')["x"]  # NaN


def test_what_neither_can_encode_is_a_type_error():
    with pytest.raises(TypeError):
        jsoncodec.dumps({"x": object()})


@pytest.mark.parametrize("value", [
    {"z": [1, None, True, 19.5, -(2**63)], "a": {"é 中 \U0001f600": "\n\x01\x7f\"\\/"}, "B": {}},
    {"n": 2**70, 3: "int key", "text": "é"},  # (through the json module)
])
def test_an_answer_is_what_json_writes_compact_and_unescaped(value):
    assert jsoncodec.compact(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
