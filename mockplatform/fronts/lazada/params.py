"""Reading Lazada's JSON-string parameters (``packReq={"pack_order_list": [...]}``, an id list
``[1,2]``): each malformed shape is refused with the error the calling API gives for it, before
anything runs.

``bad`` builds that error from a message: ``errors.param_illegal`` for the fulfilment APIs,
a numbered code elsewhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mockplatform.fronts.lazada.errors import LazadaError, missing, numbered

Bad = Callable[[str], LazadaError]
_ID = re.compile(r"[0-9]{1,18}")
_PACKAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
# A "+" sent unencoded in a query string arrives as a space: "...T16:00:00 08:00".
_PLUS_AS_SPACE = re.compile(r"(.*T[0-9:.]+) ([0-9]{2}:?[0-9]{2})")


def required(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if value is None or value.strip() == "":
        raise missing(name)
    return value


_COUNT = re.compile(r"[0-9]{1,9}")


def count(params: dict[str, str], name: str, default: int, low: int, high: int,
          number: int, what: str) -> int:
    """A whole-number parameter (a limit, an offset) from ``low`` to ``high``; ``E0<number>``
    quoting the value otherwise, as Lazada quotes a bad order id."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not _COUNT.fullmatch(raw) or not low <= int(raw) <= high:
        raise numbered(number, f"{json.dumps(raw[:40])} Invalid {what}: {name} must be a "
                       f"whole number from {low} to {high}")
    return int(raw)


def date(params: dict[str, str], name: str) -> datetime | None:
    """A request date (reference section 2.5): ISO 8601 with an offset, ``2018-02-10T16:00:00
    +08:00`` or ``+0800``; anything else is ``E017``. None when not given."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    text = _PLUS_AS_SPACE.sub(r"\1+\2", raw.strip())
    try:
        instant = datetime.fromisoformat(text)
        if instant.tzinfo is None:
            raise ValueError
        return instant.astimezone(UTC)
    except (ValueError, OverflowError):
        raise numbered(17, f"Invalid Date Format: {name} must be ISO 8601 with an offset, "
                       "like 2018-02-10T16:00:00+08:00") from None


def json_value(raw: str, name: str, bad: Bad) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise bad(f"{name} is not valid JSON") from None


def obj(value: Any, name: str, bad: Bad) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad(f"{name} must be a JSON object, not {_kind(value)}")
    return value


def array(value: Any, name: str, bad: Bad, *, limit: int, too_many: Bad,
          allow_empty: bool = False) -> list[Any]:
    if not isinstance(value, list):
        raise bad(f"{name} must be a JSON array, not {_kind(value)}")
    if not value and not allow_empty:
        raise bad(f"{name} must not be empty")
    if len(value) > limit:
        raise too_many(f"{name} has {len(value)} elements: at most {limit}")
    return value


def whole_id(value: Any, name: str, bad: Bad) -> int:
    """A positive id, given as a JSON number or a string of digits."""
    if isinstance(value, bool) or not isinstance(value, int | str) \
            or not _ID.fullmatch(str(value)) or int(value) == 0:
        raise bad(f"{name} must be a positive whole number, not {json.dumps(value)[:40]}")
    return int(value)


def package_ids(value: Any, name: str, bad: Bad, *, limit: int, too_many: Bad) -> list[str]:
    """``[{"package_id": "FP..."}, ...]``, each once."""
    found = []
    for index, entry in enumerate(array(value, name, bad, limit=limit, too_many=too_many)):
        package_id = obj(entry, f"{name}[{index}]", bad).get("package_id")
        if not isinstance(package_id, str) or not _PACKAGE_ID.fullmatch(package_id):
            raise bad(f"{name}[{index}].package_id must be a package id such as "
                      "\"FP094612143977611\"")
        if package_id in found:
            raise bad(f"{name}[{index}].package_id {package_id} is given twice")
        found.append(package_id)
    return found


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")
