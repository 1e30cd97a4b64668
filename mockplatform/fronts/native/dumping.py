"""Response schemas dumped by plans built once, with exactly marshmallow's result.

``Schema.dump`` is generic: for every field of every answer it asks the field for its accessor,
looks the value up through ``utils.get_value``, then calls the field's ``_serialize``. An answer
is a plain dict whose keys the schema names (the presenters build them), so a schema's dump can
be planned once: for each field, the key it reads, the key it writes and how its value is
formatted. The formatting of the common field types (Integer, String, Boolean, List, Nested) is
inlined; every other field (Timestamp, JSONObject, Dict, ...) is its own ``_serialize``, called
as ``Field.serialize`` would call it. What a plan does not cover is left to marshmallow whole: a
schema with dump hooks, ``many``, a custom ``get_attribute`` or a dotted attribute; a value
that is not a dict; a key the dict lacks (marshmallow would then read an attribute of the dict).

tests/fronts/test_dumping.py compares the bytes of both over every response schema and a varied
set of orders.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from marshmallow import Schema, fields
from marshmallow.schema import POST_DUMP, PRE_DUMP
from marshmallow.utils import missing

Dump = Callable[[Any], Any]


@cache
def dumper(schema: Schema) -> Dump:
    """A function that returns what ``schema.dump(obj)`` returns (``schema`` is not changed
    afterwards: the endpoints' instances are built once, see ``schema_instance``)."""
    if (schema.many or schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP]
            or type(schema).get_attribute is not Schema.get_attribute
            or any("." in name for name in schema.dump_fields)):
        return schema.dump
    plan = [(name, field.data_key if field.data_key is not None else name, field,
             _constant(field), _formatter(field)) for name, field in schema.dump_fields.items()]
    fallback = schema.dump
    get_attribute = schema.get_attribute
    dict_class = schema.dict_class

    def dump(obj: Any) -> Any:
        if type(obj) is not dict:
            return fallback(obj)
        out = dict_class()
        for name, key, field, constant, fmt in plan:
            if constant is not missing:
                out[key] = constant
                continue
            value = obj.get(name, missing)
            if value is missing:  # marshmallow's own lookup and default
                value = field.serialize(name, obj, accessor=get_attribute)
                if value is not missing:
                    out[key] = value
                continue
            out[key] = fmt(value, name, obj)
        return out

    return dump


def _constant(field: fields.Field) -> Any:
    """The value of a field that reads nothing (``Constant``), else ``missing``."""
    return field.constant if type(field) is fields.Constant else missing


def _formatter(field: fields.Field) -> Callable[[Any, str, Any], Any]:
    """What ``field._serialize`` does to a value, inlined for the common exact types."""
    kind = type(field)
    if not field._CHECK_ATTRIBUTE:
        serialize = field._serialize
        return lambda _value, name, obj: serialize(None, name, obj)
    if kind is fields.Integer and not field.as_string:
        return lambda value, name, obj: (value if type(value) is int
                                         else None if value is None else int(value))
    if kind is fields.String:
        serialize = field._serialize
        return lambda value, name, obj: (value if type(value) is str
                                         else serialize(value, name, obj))
    if kind is fields.Boolean:
        serialize = field._serialize
        return lambda value, name, obj: (value if value is True or value is False
                                         else serialize(value, name, obj))
    if kind is fields.List:
        inner = _element(field.inner)
        return lambda value, name, obj: (None if value is None
                                         else [inner(each, name, obj) for each in value])
    if kind is fields.Nested:
        return _element(field)
    return field._serialize


def _element(field: fields.Field) -> Callable[[Any, str, Any], Any]:
    """How a list's element (or a nested field's value) is formatted: ``field._serialize``,
    which List calls for each element without any lookup."""
    if type(field) is fields.Nested:
        schema = field.schema
        if schema.many or field.many:
            return field._serialize
        nested = dumper(schema)
        return lambda value, name, obj: None if value is None else nested(value)
    if not field._CHECK_ATTRIBUTE or type(field) is fields.Constant:
        return field._serialize
    return _formatter(field)
