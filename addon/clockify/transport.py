"""One Clockify call: a permit, the request, retries, and a typed outcome.

Every request, first attempts and retries alike, first takes a permit from the workspace's
shared limiter, so retries can never push a workspace over 50 requests per second. The request
carries only `X-Addon-Token` (Clockify answers 401 code 1000 to two credentials), never follows a
redirect (a redirect would carry the token to a host the installation did not name), and has a
connect and a read timeout.

Outcomes:

* 2xx: the body's bytes, checked to be JSON, and parsed on first use (`Reply.body`) with
  `parse_float=Decimal` so fractional cents stay exact. A body that is not JSON (a connection
  cut mid-body) is retried like a dropped connection.
* 429, 5xx, connection errors and timeouts: retried under the `RetryPolicy` (backoff with full
  jitter, `Retry-After` honoured, one total deadline), then `ClockifyUnavailable`.
* 3xx and other 4xx: never retried; each becomes its typed error. Only 401 code 4017 calls
  `on_token_rejected`, which marks the installation as needing a reinstall. A 401 whose message
  names a missing permission ("Addon … does not have permission USER_READ", live Clockify's
  answer where the docs say 403) is the scope error, naming the scope. A 404 with an empty body
  (live Clockify's answer for a workspace it does not know) says so.
* When retries end on a 429 the call raises `ClockifyRateLimited` with the wait Clockify asked
  for, uncapped, so a quota (FREE plans' 30 requests an hour) defers the work instead of
  retrying into it.

`requests` exceptions, `ValueError`s from JSON and `KeyError`s never escape: callers handle
`ClockifyError` only.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

import msgspec
import requests

from addon.clockify.errors import (
    ClockifyAuthError,
    ClockifyError,
    ClockifyForbidden,
    ClockifyNotFound,
    ClockifyRateLimited,
    ClockifyRejectedRequest,
    ClockifyResponseError,
    ClockifyTokenRejected,
    ClockifyUnavailable,
)
from addon.clockify.retry import RetryPolicy, parse_retry_after
from addon.observe.metrics import clockify_request
from addon.secret import Secret

__all__ = ["CallStats", "Permits", "Reply", "Transport"]

log = logging.getLogger(__name__)

TOKEN_HEADER = "X-Addon-Token"  # noqa: S105  # a header name, not a secret
_TOKEN_INVALID = 4017
_MESSAGE_LIMIT = 300
_PERMISSION = re.compile(r"does not have (?:the )?permission:?\s+([A-Z][A-Z_]+)")


class Permits(Protocol):
    """What the transport needs from a rate limiter: block until one request may go out.

    `acquire` returns the seconds it waited, or raises `TimeoutError` when the next permit lies
    further away than `max_wait`. The shared ledger (`addon.store.permits`) implements it; the
    client never sees how.
    """

    def acquire(self, *, max_wait: float = ...) -> float: ...


class Reply:
    """A successful answer: its body's bytes, its JSON (parsed on first use) and its headers.

    The bytes are kept because the detailed report decodes them straight into typed rows
    (`addon.clockify.rows`); every other caller reads `body`, parsed with `parse_float=Decimal`
    the first time it is asked for. The transport has already checked that the bytes are JSON.
    """

    __slots__ = ("_body", "content", "headers")

    def __init__(self, content: bytes, headers: Mapping[str, str]) -> None:
        self.content = content
        self.headers = headers
        self._body: object = _UNPARSED

    @property
    def body(self) -> object:
        if self._body is _UNPARSED:
            self._body = json.loads(self.content or b"null", parse_float=Decimal)
        return self._body


_UNPARSED = object()


@dataclass(slots=True)
class CallStats:
    """Counters of one transport's life, for logs and benchmarks (thread-safe)."""

    requests: int = 0
    retries: int = 0
    throttled: int = 0
    waited: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def sent(self, *, retry: bool, waited: float) -> None:
        with self._lock:
            self.requests += 1
            self.retries += retry
            self.waited += waited

    def refused_for_rate(self) -> None:
        with self._lock:
            self.throttled += 1


@dataclass(slots=True)
class Transport:
    """Sends calls for one workspace with its token, its permits and a retry policy."""

    token: Secret = field(repr=False)
    permits: Permits
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    session: requests.Session = field(default_factory=requests.Session, repr=False)
    connect_timeout: float = 5.0
    read_timeout: float = 60.0
    on_token_rejected: Callable[[], None] | None = None
    clock: Callable[[], float] = time.monotonic
    wall_clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    stats: CallStats = field(default_factory=CallStats)

    def call(
        self,
        method: str,
        url: str,
        *,
        scope: str,
        what: str,
        params: Mapping[str, str | int] | None = None,
        body: object = None,
        reads_body: bool = True,
        operation: str = "other",
    ) -> Reply:
        """Send one logical call (with its retries); `what` names it in errors and logs.

        `reads_body=False` is for writes whose answer we do not use: any 2xx is success, so an
        undocumented or empty answer body can never make us repeat a write that took effect.
        `operation` names the endpoint family in the metrics (`addon.observe.metrics.OPERATIONS`),
        where every attempt is counted with its outcome.
        """
        started = self.clock()
        attempt = 0
        while True:
            attempt += 1
            elapsed = self.clock() - started
            try:
                waited = self.permits.acquire(max_wait=max(0.0, self.retry.deadline - elapsed))
            except TimeoutError:
                raise ClockifyUnavailable(
                    f"Clockify's request budget for this workspace is taken for longer than the "
                    f"call may wait ({what})."
                ) from None
            self.stats.sent(retry=attempt > 1, waited=waited)
            failure, retry_after, reply = self._attempt(
                method, url, scope, what, params, body, reads_body, operation
            )
            if failure == "HTTP 429":
                self.stats.refused_for_rate()
            if reply is not None:
                return reply
            wait = self.retry.wait_before(
                attempt,
                retry_after=retry_after,
                elapsed=self.clock() - started,
                throttled=failure == "HTTP 429",
            )
            if wait is None:
                if failure == "HTTP 429":
                    raise ClockifyRateLimited(
                        f"Clockify's request limit for this workspace is used up ({what}: "
                        f"429 after {attempt} attempts){_asked(retry_after)}",
                        retry_after=retry_after,
                    )
                raise ClockifyUnavailable(
                    f"Clockify did not answer {what} after {attempt} attempts (last: {failure})."
                )
            log.info("clockify retry", extra={"what": what, "failure": failure, "wait_s": wait})
            self.sleep(wait)

    def _attempt(
        self,
        method: str,
        url: str,
        scope: str,
        what: str,
        params: Mapping[str, str | int] | None,
        body: object,
        reads_body: bool,
        operation: str,
    ) -> tuple[str, float | None, Reply | None]:
        """One try: (failure description, Retry-After seconds, reply when it succeeded).

        Counts the attempt in `addon_clockify_requests_total` whichever way it ends.
        """
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                json=body,
                headers={TOKEN_HEADER: self.token.reveal(), "Accept": "application/json"},
                timeout=(self.connect_timeout, self.read_timeout),
                allow_redirects=False,
            )
            content = response.content  # read fully here: a cut body fails inside this try
        except requests.Timeout:
            clockify_request(operation, "network_error")
            return "timeout", None, None
        except requests.RequestException as exc:
            clockify_request(operation, "network_error")
            return f"connection error ({type(exc).__name__})", None, None
        status = response.status_code
        if 200 <= status < 300:
            if not reads_body:
                clockify_request(operation, "ok")
                return "", None, Reply(b"", response.headers)
            try:  # a syntax check at ~0.7 ms per MB: no Python objects are built
                msgspec.json.decode(content or b"null", type=msgspec.Raw)
                content.decode()  # ~0.05 ms per MB; msgspec's skip does not check UTF-8
            except ValueError:  # includes UnicodeDecodeError
                clockify_request(operation, "bad_response")
                return "unreadable JSON body", None, None
            clockify_request(operation, "ok")
            return "", None, Reply(content, response.headers)
        clockify_request(operation, _outcome_of(status))
        if self.retry.is_retryable_status(status):
            after = parse_retry_after(response.headers.get("Retry-After"), now=self.wall_clock())
            return f"HTTP {status}", after, None
        raise self._refusal(status, content, scope, what)

    def _refusal(self, status: int, content: bytes, scope: str, what: str) -> ClockifyError:
        message, code = _error_body(content)
        if 300 <= status < 400:
            return ClockifyResponseError(
                f"Clockify answered {what} with a redirect ({status}), which is never followed."
            )
        if status == 401:
            if code == _TOKEN_INVALID:
                if self.on_token_rejected is not None:
                    self.on_token_rejected()
                return ClockifyTokenRejected(
                    "Clockify no longer accepts this installation's token (401 code 4017); "
                    "a workspace admin must reinstall the add-on."
                )
            named = _PERMISSION.search(message)
            if named is not None:
                return _forbidden(what, 401, named.group(1))
            return ClockifyAuthError(f"Clockify refused our credentials for {what} (401 {code}).")
        if status == 403:
            named = _PERMISSION.search(message)
            return _forbidden(what, 403, scope if named is None else named.group(1))
        if status == 404:
            if not content.strip():
                return ClockifyNotFound(
                    f"Clockify does not know this workspace ({what}: 404 with an empty body); "
                    "it may have been deleted, or the add-on removed from it."
                )
            return ClockifyNotFound(
                f"Clockify found nothing for {what} (404{_said(message, code)})."
            )
        if status == 400:
            return ClockifyRejectedRequest(
                f"Clockify refused {what}: {message or 'no reason given'}"
                + ("" if code is None else f" (code {code})"),
                clockify_message=message,
                clockify_code=code,
            )
        return ClockifyError(f"Clockify answered {what} with HTTP {status} (code {code}).")


def _outcome_of(status: int) -> str:
    """The metrics outcome of a status that is not 2xx."""
    if status == 429:
        return "rate_limited"
    if status >= 500:
        return "server_error"
    if status in (401, 403):
        return "unauthorized" if status == 401 else "forbidden"
    return "redirect" if status < 400 else "client_error"


def _forbidden(what: str, status: int, scope: str) -> ClockifyForbidden:
    return ClockifyForbidden(
        f"Clockify refused {what} ({status}): it needs the {scope} scope, which this "
        "installation lacks or the workspace withholds. A workspace admin must approve the "
        "add-on's new permissions in Clockify (or reinstall it).",
        scope=scope,
    )


def _asked(retry_after: float | None) -> str:
    """When the work can run again, in words a sidebar user can act on."""
    if retry_after is None:
        return "; try again in a minute."
    minutes = max(1, round(retry_after / 60))
    return f"; it can run again in about {minutes} min ({round(retry_after)} s)."


def _said(message: str, code: int | None) -> str:
    said = f": {message}" if message else ""
    return said + ("" if code is None else f", code {code}")


def _error_body(content: bytes) -> tuple[str, int | None]:
    """Clockify's `{message, code}` (or the older `{description, code}`), tolerating anything."""
    try:
        parsed: Any = json.loads(content)
    except ValueError:
        return "", None
    if not isinstance(parsed, dict):
        return "", None
    text = parsed.get("message", parsed.get("description"))
    message = text[:_MESSAGE_LIMIT] if isinstance(text, str) else ""
    raw_code = parsed.get("code")
    code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
    if isinstance(raw_code, str) and raw_code.isdigit():
        code = int(raw_code)
    return message, code
