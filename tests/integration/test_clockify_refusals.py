"""How each refusal real Clockify may send becomes a typed error (real-behaviour.md §2).

Live Clockify answers a missing scope with 401 naming the permission (the docs say 403), an
unknown workspace with an empty 404, malformed parameters with 400 code 3000, and a FREE
workspace's hourly quota with 429 and a long `Retry-After`. A fixed-answer server plays each, so
the mapping is pinned whatever the sandbox's switches say.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from addon.clockify.client import ClockifyClient, Endpoints
from addon.clockify.errors import (
    ClockifyAuthError,
    ClockifyForbidden,
    ClockifyNotFound,
    ClockifyRateLimited,
    ClockifyRejectedRequest,
    ClockifyTokenRejected,
)
from addon.clockify.retry import RetryPolicy
from addon.clockify.transport import Transport
from addon.secret import Secret

FAST = RetryPolicy(deadline=5.0, backoff_base=0.01, backoff_max=0.05, max_retry_after=3.0)
TOKEN = "addon-token-never-shown"  # a test value


class _Permits:
    def acquire(self, *, max_wait: float = 0.0) -> float:
        return 0.0


class _Server:
    """A real HTTP server giving every request one programmed answer, counting requests."""

    def __init__(self) -> None:
        self.status = 200
        self.body = b""
        self.headers: dict[str, str] = {}
        self.requests = 0

        @Request.application
        def app(request: Request) -> Response:
            self.requests += 1
            return Response(self.body, status=self.status, headers=self.headers)

        self.server = make_server("127.0.0.1", 0, app)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self.server.port}"

    def answer(self, status: int, body: object = None, **headers: str) -> None:
        self.status, self.headers, self.requests = status, headers, 0
        self.body = b"" if body is None else json.dumps(body).encode()


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    found = _Server()
    found.thread.start()
    yield found
    found.server.shutdown()


@pytest.fixture
def client(server: _Server) -> Iterator[ClockifyClient]:
    rejected: list[bool] = []
    transport = Transport(
        Secret(TOKEN), _Permits(), FAST, on_token_rejected=lambda: rejected.append(True)
    )
    endpoints = Endpoints("ws1", f"{server.url}/api", f"{server.url}/reports")
    with ClockifyClient(endpoints, transport, currency="EUR") as found:
        found.rejected = rejected  # type: ignore[attr-defined]  # the test reads it back
        yield found


def test_a_401_naming_a_permission_is_the_scope_error_naming_it(
    server: _Server, client: ClockifyClient
) -> None:
    server.answer(401, {"message": "Addon Reports does not have permission USER_READ"})

    with pytest.raises(ClockifyForbidden) as caught:
        client.users()

    assert caught.value.scope == "USER_READ"
    assert "USER_READ" in str(caught.value) and "approve" in str(caught.value)
    assert client.rejected == []  # type: ignore[attr-defined]  # never flags a reinstall
    assert server.requests == 1


def test_a_documented_403_names_the_scope_the_call_needed(
    server: _Server, client: ClockifyClient
) -> None:
    server.answer(403, {"message": "Forbidden", "code": 403})

    with pytest.raises(ClockifyForbidden) as caught:
        client.tags()

    assert caught.value.scope == "TAG_READ"


def test_only_code_4017_flags_the_installation_for_reinstall(
    server: _Server, client: ClockifyClient
) -> None:
    server.answer(401, {"message": "Full authentication is required", "code": 1000})
    with pytest.raises(ClockifyAuthError):
        client.tags()
    assert client.rejected == []  # type: ignore[attr-defined]

    server.answer(401, {"message": "Token is not valid", "code": 4017})
    with pytest.raises(ClockifyTokenRejected):
        client.tags()
    assert client.rejected == [True]  # type: ignore[attr-defined]


def test_an_empty_404_says_clockify_does_not_know_the_workspace(
    server: _Server, client: ClockifyClient
) -> None:
    server.answer(404)

    with pytest.raises(ClockifyNotFound, match="does not know this workspace"):
        client.workspace()


def test_a_400_with_code_3000_carries_what_clockify_said(
    server: _Server, client: ClockifyClient
) -> None:
    said = "Method parameter 'is-active': Failed to convert value of type 'java.lang.String'"
    server.answer(400, {"message": said, "code": 3000})

    with pytest.raises(ClockifyRejectedRequest) as caught:
        client.projects()

    assert caught.value.clockify_code == 3000
    assert caught.value.clockify_message == said
    assert "code 3000" in str(caught.value) and "is-active" in str(caught.value)
    assert server.requests == 1  # never retried


def test_a_quota_429_is_not_retried_into_and_says_when_to_come_back(
    server: _Server, client: ClockifyClient
) -> None:
    server.answer(429, {"message": "Too many requests", "code": 429}, **{"Retry-After": "1800"})

    with pytest.raises(ClockifyRateLimited) as caught:
        client.tags()

    assert caught.value.retry_after == 1800
    assert "about 30 min" in str(caught.value)
    assert server.requests == 1  # a wait past the deadline is not slept through, nor retried


def test_no_refusal_message_carries_the_token(server: _Server, client: ClockifyClient) -> None:
    for status, body in ((401, {"message": "x"}), (404, None), (400, {"message": "bad"})):
        server.answer(status, body)
        with pytest.raises(Exception) as caught:  # every kind is checked below
            client.tags()
        assert TOKEN not in str(caught.value)
        assert TOKEN not in repr(caught.value)
