"""The sidebar's JSON API as the page calls it: a live stack (sandbox, SMTP server, add-on) with
the seeded workspace installed, and a client that checks every JSON answer against the served
OpenAPI document. Shared by the report API and invoice-marking tests; the `stack` and `lite`
fixtures (tests/e2e/conftest.py) build it."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import requests
from aiosmtpd.controller import Controller
from jsonschema import Draft202012Validator

from addon.settings import Secret
from sandbox.served import ServedApp
from sandbox.server import SandboxServer
from sandbox.state import SEED_WORKSPACE_ID
from tests.e2e.conftest import serve_stack
from tests.mail.conftest import Inbox, free_port

__all__ = ["Api", "Stack", "open_stack", "period", "summary_body"]

_META = re.compile(r'<meta name="session" content="([^"]+)">')


def _template(path: str, paths: dict[str, Any]) -> str:
    """The OpenAPI path template `/api<path>` matches (literal paths win over templated)."""
    concrete = f"/api{path}"
    if concrete in paths:
        return concrete
    for template in paths:
        pattern = re.sub(r"\\{[^/]+\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, concrete):
            return template
    raise AssertionError(f"{concrete} is not in the OpenAPI document")


@dataclass
class Stack:
    sandbox: SandboxServer
    addon: ServedApp
    inbox: Inbox
    addon_id: str = ""

    def install(self, workspace_id: str) -> str:
        installed = requests.post(
            f"{self.sandbox.url}/sandbox/workspaces/{workspace_id}/addons",
            json={"manifestUrl": f"{self.addon.url}/manifest"},
            timeout=10,
        )
        assert installed.status_code == 201, installed.text
        return str(installed.json()["addonId"])

    def session_for(
        self,
        user_id: str | None = None,
        *,
        workspace_id: str = SEED_WORKSPACE_ID,
        addon_id: str = "",
    ) -> Api:
        workspace = self.sandbox.state.workspace(workspace_id)
        user = workspace.users[user_id] if user_id else workspace.owner
        url = (
            f"{self.sandbox.url}/workspaces/{workspace_id}/addons/{addon_id or self.addon_id}/0"
            f"?as={user.id}"
        )
        shell = requests.get(url, timeout=10)
        assert shell.status_code == 200, shell.text
        frame = re.search(r'<iframe id="addon-frame"[^>]* src="([^"]+)"', shell.text)
        assert frame is not None
        page = requests.get(frame.group(1).replace("&amp;", "&"), timeout=10)
        found = _META.search(page.text)
        assert found is not None, page.text
        return Api(self.addon.url, found.group(1))


class Api:
    """Calls the API as the page does, and checks every JSON answer against the served
    OpenAPI document (the component schema named for its path and status)."""

    def __init__(self, base: str, session: str) -> None:
        self.base, self.session = base, session
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {session}"
        self.document = requests.get(f"{base}/api/openapi.json", timeout=10).json()

    def __call__(self, method: str, path: str, body: Any = None, **kw: Any) -> requests.Response:
        if method != "GET" and "data" not in kw:
            kw["json"] = body if body is not None else {}
        answer = self.http.request(method, f"{self.base}/api{path}", timeout=30, **kw)
        if answer.headers.get("Content-Type", "").startswith("application/json"):
            self._conforms(method, path, answer)
        return answer

    def _conforms(self, method: str, path: str, answer: requests.Response) -> None:
        template = _template(path.split("?")[0], self.document["paths"])
        operation = self.document["paths"][template][method.lower()]
        declared = operation["responses"].get(str(answer.status_code))
        assert declared is not None, f"{method} {template} {answer.status_code} is undocumented"
        schema = declared["content"]["application/json"]["schema"]
        validator = Draft202012Validator(
            {**schema, "components": self.document["components"]},
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        validator.validate(answer.json())

    def wait(self, job: dict[str, Any], timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        seen = job
        while seen["state"] in {"queued", "running"}:
            assert time.monotonic() < deadline, f"job never finished: {seen}"
            time.sleep(0.1)
            answer = self("GET", f"/jobs/{job['id']}")
            assert answer.status_code == 200, answer.text
            seen = answer.json()
        return seen

    def report(self, body: dict[str, Any]) -> dict[str, Any]:
        answer = self("POST", "/reports", body)
        assert answer.status_code in (200, 202), answer.text
        done = self.wait(answer.json())
        assert done["state"] == "done", done
        return done


def open_stack(database_url: str, encryption_key: Secret) -> Iterator[Stack]:
    """Serve the stack on `database_url` with the seeded workspace installed (a generator)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with serve_stack(
            database_url, encryption_key, inbox=inbox, smtp_port=controller.port, log_level="INFO"
        ) as live:
            stack = Stack(live.sandbox, live.addon, inbox)
            stack.addon_id = stack.install(SEED_WORKSPACE_ID)
            yield stack
    finally:
        controller.stop()


def period(days: int = 91) -> tuple[str, str]:
    end = date.today() - timedelta(days=1)
    return (end - timedelta(days=days - 1)).isoformat(), end.isoformat()


def summary_body(**changes: Any) -> dict[str, Any]:
    start, end = period()
    return {
        "kind": "summary",
        "start": start,
        "end": end,
        "zone": "Europe/Berlin",
        "groups": ["PROJECT", "USER"],
        **changes,
    }
