"""Failures talking to Clockify, as typed `AddonError`s the web layer turns into JSON."""

from __future__ import annotations

from addon.errors import AddonError

__all__ = ["ClockifyResponseError"]


class ClockifyResponseError(AddonError):
    """Clockify answered with a shape we do not understand; the message names the field path.

    Messages name paths and expected types only, never values: rows carry user data.
    """

    status = 502
    code = "clockify_bad_response"
