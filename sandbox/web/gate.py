"""What stands in front of every simulated Clockify API call, in the order Clockify's would act.

Installed as `before_request`/`after_request` on the `api` and `reports_api` blueprints:

1. the arrival is timed (`time.monotonic` and wall clock) for the request log;
2. a programmed fault for the URL's workspace, if one is queued (`sandbox/faults.py`), acts
   first, like a failing gateway;
3. credentials: exactly one of `X-Api-Key` / `X-Addon-Token` and no `Authorization`, else 401
   code 1000; an API key is 401 code 4003 (the sandbox issues none) (reports-api.md §1, §7);
4. the add-on token must be one this sandbox signed for its add-on key, of a live, enabled
   installation, called on the host its claims name (its region's, or for the Reports API of
   a subdomain workspace, its subdomain's), else 401 code 4017; a token of another workspace
   than the URL's is 403;
   A valid token calling a workspace id the sandbox does not know gets 404 with an empty body,
   as live Clockify answers (real-behaviour.md §2);
5. the workspace's hourly quota when its behaviour sets one (FREE plans' 30 an hour), then its
   sliding-window rate limit, 429 "Too many requests" (`sandbox/limiter.py`).

Views then declare their scope with `@requires("REPORTS_READ")`; a scope missing from the
manifest's `scopes` is 403 naming it, as the add-on docs say ("HTTP 403 FORBIDDEN",
addon-platform.md §1.3), or 401 naming it when the workspace's behaviour plays live Clockify
(`missing_scope: 401`). Whatever the outcome, `after_request` logs the request.
"""

from __future__ import annotations

import email.utils
import functools
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any, ParamSpec, TypeVar

import jwt
from flask import Blueprint, Response, g, jsonify, request

from sandbox.data import Workspace
from sandbox.errors import (
    AccessDenied,
    ApiKeyUnknown,
    AuthMissing,
    PermissionMissing,
    TokenInvalid,
    TooManyRequests,
    UnknownWorkspace,
)
from sandbox.faults import Fault, FaultKind
from sandbox.limiter import retry_after_seconds
from sandbox.recorder import RequestRecord
from sandbox.state import Installation, InstallationStatus
from sandbox.web import context

__all__ = ["install_gate", "installation", "requires", "workspace"]

P = ParamSpec("P")
R = TypeVar("R")


def install_gate(bp: Blueprint, *, on_subdomains: bool = False) -> None:
    """Called once per API blueprint, at import.

    `on_subdomains` says the API moves to a subdomain workspace's own host (Clockify's Reports
    API does; the regular API stays on the region's host, addon-platform.md §4). The host a
    request came to is read from the mount's `<region>`/`<subdomain>` into `g`.
    """
    bp.url_value_preprocessor(_pop_host)
    bp.before_request(functools.partial(_before, on_subdomains))
    bp.after_request(_after)


def installation() -> Installation:
    """The installation whose token authenticated this request."""
    found: Installation = g.installation
    return found


def workspace() -> Workspace:
    return context().state.workspace(installation().workspace_id)


def requires(scope: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse with 403 unless the add-on's manifest lists `scope` (e.g. `REPORTS_READ`)."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            found = installation()
            scopes = found.manifest.document.get("scopes") or []
            if scope not in scopes:
                said = f"Addon with id {found.addon_id} does not have permission {scope}"
                if context().state.behaviour(found.workspace_id).missing_scope == 401:
                    raise PermissionMissing(said)
                raise AccessDenied(said)
            return view(*args, **kwargs)

        return checked

    return decorate


def _pop_host(endpoint: str | None, values: dict[str, Any] | None) -> None:
    values = values if values is not None else {}
    g.region = values.pop("region", None)
    g.subdomain = values.pop("subdomain", None)


def _before(on_subdomains: bool) -> Response | None:
    g.arrived = (time.monotonic(), datetime.now(UTC))
    workspace_id = (request.view_args or {}).get("workspace_id")
    g.workspace_id = workspace_id
    state = context().state
    if workspace_id is not None:
        fault = state.faults.take(workspace_id, request.method, request.path)
        if fault is not None:
            answer = _suffer(fault)
            if answer is not None:
                return answer
    g.installation = _authenticate(workspace_id, on_subdomains)
    over = state.over_quota(g.installation.workspace_id)
    if over is not None:
        raise TooManyRequests(headers={"Retry-After": str(over)})
    wait = state.limiter.admit(g.installation.workspace_id)
    if wait is not None:
        policy = state.limiter.policy(g.installation.workspace_id)
        seconds = retry_after_seconds(wait)
        raise TooManyRequests(headers={"Retry-After": str(seconds)} if policy.retry_after else None)
    return None


def _after(response: Response) -> Response:
    keep = g.get("truncate")
    if keep is not None:
        data = response.get_data()
        response.set_data(data[: int(len(data) * keep)])
    if not g.get("dropped"):
        _record(response.status_code)
    return response


def _record(status: int | None) -> None:
    monotonic, wall = g.get("arrived", (time.monotonic(), datetime.now(UTC)))
    context().state.recorder.add(
        RequestRecord(
            monotonic=monotonic,
            wall=wall,
            workspace_id=g.get("workspace_id"),
            method=request.method,
            path=request.path,
            status=status,
        )
    )


def _suffer(fault: Fault) -> Response | None:
    """Act out `fault`: an answer to send instead of the real one, or None to carry on."""
    headers = _retry_after(fault)
    match fault.kind:
        case FaultKind.ERROR:
            response = jsonify(message=HTTPStatus(fault.status).phrase, code=fault.status)
            response.status_code = fault.status
            response.headers.update(headers)
            return response
        case FaultKind.RATE_LIMIT:
            raise TooManyRequests(headers=headers)
        case FaultKind.SLOW:
            time.sleep(fault.delay)
        case FaultKind.DROP:
            # Recorded before the socket shuts: the client retries at once, and its next
            # request must not be recorded ahead of (or without) the dropped one.
            _record(None)
            g.dropped = True
            _drop_connection()
            return Response(status=204)  # never reaches the client: the socket is shut
        case FaultKind.TRUNCATE:
            g.truncate = fault.keep
    return None


def _retry_after(fault: Fault) -> dict[str, str]:
    if fault.retry_after is None:
        return {}
    if fault.retry_after_format == "http-date":
        moment = datetime.now(UTC) + timedelta(seconds=fault.retry_after)
        return {"Retry-After": email.utils.format_datetime(moment, usegmt=True)}
    return {"Retry-After": str(fault.retry_after)}


def _drop_connection() -> None:
    """Shut the client's socket both ways; werkzeug then treats the write as a dropped peer."""
    connection = request.environ.get("werkzeug.socket")
    if not isinstance(connection, socket.socket):
        raise RuntimeError("dropping a connection needs a real server (SandboxServer)")
    connection.shutdown(socket.SHUT_RDWR)


def _authenticate(workspace_id: str | None, on_subdomains: bool) -> Installation:
    headers = request.headers
    api_key, token = headers.get("X-Api-Key"), headers.get("X-Addon-Token")
    if "Authorization" in headers or (api_key is None) == (token is None):
        raise AuthMissing()
    if token is None:
        raise ApiKeyUnknown()
    sandbox = context()
    try:
        claims = jwt.decode(
            token,
            sandbox.issuer.public_key_pem,
            algorithms=["RS256"],
            issuer="clockify",
            options={"require": ["iss", "sub", "iat"], "verify_aud": False},
        )
    except jwt.PyJWTError:
        raise TokenInvalid() from None
    if claims.get("sub") != sandbox.issuer.addon_key or claims.get("type") != "addon":
        raise TokenInvalid()
    state = sandbox.state
    with state.lock:
        found = state.installations.get(str(claims.get("addonId")))
        if found is None or found.workspace_id != claims.get("workspaceId"):
            raise TokenInvalid()
        if found.status is not InstallationStatus.ACTIVE:
            raise TokenInvalid()
        home = state.workspaces.get(found.workspace_id)
    if home is None or not _is_home_host(home, on_subdomains):
        raise TokenInvalid()  # this host does not know the workspace (another region)
    if workspace_id is not None and workspace_id != found.workspace_id:
        if workspace_id not in state.workspaces:
            raise UnknownWorkspace()
        raise AccessDenied(f"Access denied: the token is not for workspace {workspace_id}")
    g.token_user = claims.get("user")
    return found


def _is_home_host(home: Workspace, on_subdomains: bool) -> bool:
    """Whether the request came to the host `home`'s tokens name for this API.

    A subdomain host knows only its own workspace, and a subdomain workspace's reports are
    served only there, so for such requests the subdomains decide; otherwise the regions do.
    """
    expected = home.subdomain if on_subdomains else None
    if expected is not None or g.subdomain is not None:
        return bool(g.subdomain == expected)
    return bool(g.region == home.region)
