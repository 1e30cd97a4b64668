"""Answers read as dicts or by attribute, all the way down."""

from __future__ import annotations

import copy
import json
import pickle

import pytest
from mockplatform_client import MockplatformObject

from .payloads import sandbox_payload


def test_a_sandbox_reads_by_key_and_by_attribute(make_client, server):
    server.reply(201, sandbox_payload("sbx_3", "sk_3"), headers={"X-Request-Id": "req_abc"})

    sandbox = make_client().sandboxes.create(platform="lazada", market="MY")

    assert sandbox["id"] == sandbox.id == "sbx_3"
    assert sandbox.credentials.api_key == sandbox["credentials"]["api_key"] == "sk_3"
    assert sandbox.clock.mode == "frozen"
    assert sandbox.request_id == "req_abc"
    assert isinstance(sandbox, dict)
    assert sandbox.to_dict() == sandbox_payload("sbx_3", "sk_3")
    assert type(sandbox.to_dict()["credentials"]) is dict


def test_nested_lists_of_objects_are_wrapped():
    obj = MockplatformObject.construct_from(
        {"policies": [{"key": "rts_window", "value": "PT48H"}], "tags": ["a", "b"]})

    assert obj.policies[0].key == "rts_window"
    assert obj.tags == ["a", "b"]


def test_a_missing_key_is_an_attribute_error():
    obj = MockplatformObject.construct_from({"id": "sbx_1"})

    with pytest.raises(AttributeError, match="nope"):
        _ = obj.nope
    assert getattr(obj, "nope", None) is None
    assert not hasattr(obj, "__html__")


def test_setting_an_attribute_sets_the_key():
    obj = MockplatformObject.construct_from({"id": "sbx_1"})

    obj.name = "renamed"
    obj.meta = {"a": 1}

    assert obj["name"] == "renamed"
    assert obj.meta.a == 1
    with pytest.raises(AttributeError):
        obj.request_id = "x"
    with pytest.raises(AttributeError):
        obj.items = []


def test_objects_copy_pickle_and_dump_as_json():
    obj = MockplatformObject.construct_from({"id": "sbx_1", "clock": {"mode": "frozen"}},
                                            request_id="req_1")

    assert json.loads(json.dumps(obj)) == {"id": "sbx_1", "clock": {"mode": "frozen"}}
    for clone in (copy.copy(obj), copy.deepcopy(obj), pickle.loads(pickle.dumps(obj))):
        assert clone == obj and clone.clock.mode == "frozen"
        assert clone.request_id == "req_1"
    assert "id" in dir(obj)
    assert repr(obj).startswith("MockplatformObject(")
