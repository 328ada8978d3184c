"""Failures talking to Clockify, as typed `AddonError`s the web layer turns into JSON.

    ClockifyError                        anything that went wrong on the way to Clockify
     +-- ClockifyResponseError     502   an answer we do not understand (shape, redirect, JSON)
     +-- ClockifyUnavailable       503   429/5xx/connection failures outlasted the retry deadline
     |    +-- ClockifyRateLimited  503   the last failure was 429: a quota, `retry_after` says when
     +-- ClockifyTokenRejected     503   401 code 4017: the installation must be reinstalled
     +-- ClockifyAuthError         502   another 401 (1000, 4003): a bug in how we authenticate
     +-- ClockifyForbidden         502   403: names the scope the call needed
     +-- ClockifyNotFound          404   the workspace object no longer exists
     +-- ClockifyRejectedRequest   422   400 (code 501, 3000): carries Clockify's own message
     +-- ClockifyIncomplete        502   a report that does not add up to Clockify's own totals

Messages name paths, statuses, codes and scopes, never tokens or row values: rows carry user
data and headers carry secrets.
"""

from __future__ import annotations

from addon.errors import AddonError

__all__ = [
    "ClockifyAuthError",
    "ClockifyError",
    "ClockifyForbidden",
    "ClockifyIncomplete",
    "ClockifyNotFound",
    "ClockifyRateLimited",
    "ClockifyRejectedRequest",
    "ClockifyResponseError",
    "ClockifyTokenRejected",
    "ClockifyUnavailable",
]


class ClockifyError(AddonError):
    """Base of every failure of a call to Clockify."""

    status = 502
    code = "clockify_error"


class ClockifyResponseError(ClockifyError):
    """Clockify answered with a shape we do not understand; the message names the field path."""

    code = "clockify_bad_response"


class ClockifyUnavailable(ClockifyError):
    """Clockify kept failing (429, 5xx, dropped connections) until the retry deadline passed."""

    status = 503
    code = "clockify_unavailable"


class ClockifyRateLimited(ClockifyUnavailable):
    """Clockify kept answering 429: its per-second limit, or an hourly quota (FREE plans).

    `retry_after` is the wait Clockify asked for, in seconds, uncapped (None when it named
    none). A scheduled run is deferred by it rather than failed, and the sidebar tells the admin
    when the report can run; nothing is retried sooner, so a quota never turns into a storm.
    """

    code = "clockify_rate_limited"

    def __init__(self, message: str, *, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ClockifyTokenRejected(ClockifyError):
    """401 code 4017: the installation token is no longer valid; an admin must reinstall."""

    status = 503
    code = "clockify_reinstall_needed"


class ClockifyAuthError(ClockifyError):
    """Any other 401 (1000: no or two credentials; 4003: API key): our request was wrong.

    A 401 whose message names a missing permission is not this but `ClockifyForbidden`: live
    Clockify answers a missing scope with 401 where its documents say 403.
    """

    code = "clockify_auth_error"


class ClockifyForbidden(ClockifyError):
    """403 (documented) or 401 naming a permission (live): the add-on lacks a scope.

    `scope` is the permission Clockify named, else the one the call needs.
    """

    code = "clockify_forbidden"

    def __init__(self, message: str, *, scope: str) -> None:
        super().__init__(message)
        self.scope = scope


class ClockifyNotFound(ClockifyError):
    """404: the object (or the workspace) is gone on Clockify's side."""

    status = 404
    code = "clockify_not_found"


class ClockifyRejectedRequest(ClockifyError):
    """400 (Clockify's code 501): the request was refused; `clockify_message` says why."""

    status = 422
    code = "clockify_rejected_request"

    def __init__(self, message: str, *, clockify_message: str, clockify_code: int | None) -> None:
        super().__init__(message)
        self.clockify_message = clockify_message
        self.clockify_code = clockify_code


class ClockifyIncomplete(ClockifyError):
    """Fetched rows do not add up to Clockify's own totals for the same query, even after
    retrying in smaller windows: the message names the window and what is missing.

    Raised instead of returning a report that looks complete and is not.
    """

    code = "clockify_incomplete_report"
