"""Sending one logical request: headers, the ``Idempotency-Key``, retries with backoff.

A retry reuses the first attempt's ``Idempotency-Key``, so a POST whose answer was lost is
replayed by the server rather than applied twice.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from ._encoding import encode_json, encode_params
from ._version import __version__
from .errors import APIConnectionError, APITimeoutError

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0

# Broken connections and truncated bodies: the request may or may not have arrived, and the
# Idempotency-Key makes trying again safe either way.
_RETRYABLE_EXCEPTIONS = (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)


class Transport:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_statuses: Collection[int] = DEFAULT_RETRY_STATUSES,
        session: requests.Session | None = None,
        sleep: Callable[[float], Any] = time.sleep,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_statuses = frozenset(retry_statuses)
        self.owns_session = session is None
        self.session = session if session is not None else requests.Session()
        self.sleep = sleep
        self._random = random.Random()

    def send(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        accept: str = "application/json",
    ) -> requests.Response:
        """Send until a non-retryable answer, or retries run out; raise only if none came.

        ``files`` (part name -> ``(filename, content, content type)``) sends a multipart body;
        the content is bytes, not a stream, so every retry sends it whole again.
        """
        method = method.upper()
        headers = {"Accept": accept, "User-Agent": f"mockplatform-client/{__version__}"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        # Encode before the first attempt, so a bad value (a naive datetime) fails without I/O.
        data = None
        if json is not None and files is not None:
            raise ValueError("send either a JSON body or files, not both")
        if json is not None:
            data = encode_json(json)
            headers["Content-Type"] = "application/json"
        if method == "POST" or idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        url = self.base_url + path
        query = encode_params(params)

        attempt = 0
        while True:
            retries_left = self.max_retries - attempt
            try:
                response = self.session.request(method, url, headers=headers, data=data,
                                                files=files, params=query,
                                                timeout=self.timeout)
            except requests.Timeout as exc:
                if retries_left <= 0:
                    raise APITimeoutError(f"{method} {path} timed out: {exc}") from exc
                self.sleep(self._backoff(attempt))
            except _RETRYABLE_EXCEPTIONS as exc:
                if retries_left <= 0:
                    raise APIConnectionError(f"{method} {path} failed: {exc}") from exc
                self.sleep(self._backoff(attempt))
            except requests.RequestException as exc:  # a bad URL or the like: retrying won't help
                raise APIConnectionError(f"{method} {path} failed: {exc}") from exc
            else:
                if response.status_code not in self.retry_statuses or retries_left <= 0:
                    return response
                delay = retry_after_seconds(response.headers.get("Retry-After"))
                response.close()
                self.sleep(self._backoff(attempt) if delay is None else delay)
            attempt += 1

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
        ceiling = min(MAX_RETRY_DELAY, INITIAL_RETRY_DELAY * 2 ** attempt)
        return self._random.uniform(0, ceiling)

    def close(self) -> None:
        if self.owns_session:
            self.session.close()


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or HTTP-date), capped at 60."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)
