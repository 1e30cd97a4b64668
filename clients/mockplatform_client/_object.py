"""``MockplatformObject``: a JSON object from the API, readable as a dict or by attribute."""

from __future__ import annotations

from typing import Any


class MockplatformObject(dict):
    """A dict whose keys can also be read as attributes, all the way down.

    ``sandbox["credentials"]["api_key"]`` and ``sandbox.credentials.api_key`` are the same value.
    A key that shares its name with a dict method (``items``, ``keys``, ``values``...) is read with
    ``obj["items"]``. ``request_id`` is the ``X-Request-Id`` of the response the object came in,
    not a key of the payload.
    """

    def __init__(self, *args: Any, request_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        object.__setattr__(self, "_request_id", request_id)

    @classmethod
    def construct_from(cls, value: Any, request_id: str | None = None) -> Any:
        """Wrap a decoded JSON value: every nested dict becomes a ``MockplatformObject``."""
        if isinstance(value, dict):
            return cls({key: cls.construct_from(item) for key, item in value.items()},
                       request_id=request_id)
        if isinstance(value, list):
            return [cls.construct_from(item) for item in value]
        return value

    @property
    def request_id(self) -> str | None:
        return self.__dict__.get("_request_id")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__} has no attribute or key {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        elif hasattr(type(self), name):
            raise AttributeError(f"{name!r} is not a key here; set it with obj[{name!r}] = ...")
        else:
            self[name] = MockplatformObject.construct_from(value)

    def __delattr__(self, name: str) -> None:
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | {key for key in self if isinstance(key, str)})

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict.__repr__(self)})"

    def to_dict(self) -> dict[str, Any]:
        """A plain ``dict`` copy, recursively, for ``json.dumps`` or comparison."""
        return _plain(self)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    to_dict = getattr(type(value), "to_dict", None)
    return to_dict(value) if to_dict is not None else value
