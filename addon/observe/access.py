"""Who may read the metrics: the holder of `ADDON_METRICS_TOKEN`, and nobody when it is unset.

Metrics say how busy the add-on is and how Clockify answers it: nothing a workspace's data, but
nothing to hand to anyone either, and `/metrics` is served from the same origin as the sidebar.
So the endpoint does not exist without a token (404, as on a build without metrics), and asks
for it with a 401 otherwise. The comparison takes the same time whatever the guess.
"""

from __future__ import annotations

import hmac
from enum import Enum

from addon.secret import Secret

__all__ = ["Access", "check_bearer"]


class Access(Enum):
    UNCONFIGURED = "unconfigured"  # answer 404
    DENIED = "denied"  # answer 401 with `WWW-Authenticate: Bearer`
    GRANTED = "granted"


def check_bearer(authorization: str | None, token: Secret | None) -> Access:
    """Judge an `Authorization` header value against the configured token."""
    if token is None:
        return Access.UNCONFIGURED
    scheme, _, given = (authorization or "").partition(" ")
    expected = token.reveal().encode("utf-8")
    offered = given.strip().encode("utf-8", "surrogateescape")
    if scheme.lower() == "bearer" and hmac.compare_digest(offered, expected):
        return Access.GRANTED
    return Access.DENIED
