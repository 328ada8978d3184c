"""The sandbox's HTTP surface, one blueprint per area, plus what every view needs.

`create_sandbox_app` stores one `SandboxContext` in `app.extensions`; views reach it through
`context()` instead of module globals, so several sandboxes can run in one process.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request

from sandbox.installer import Installer
from sandbox.state import SandboxState, Workspace
from sandbox.tokens import ApiUrls, TokenIssuer

__all__ = ["EXTENSION_KEY", "SandboxContext", "api_urls", "context", "sandbox_url"]

EXTENSION_KEY = "clockify_sandbox"


@dataclass(frozen=True, slots=True)
class SandboxContext:
    state: SandboxState
    issuer: TokenIssuer
    installer: Installer


def context() -> SandboxContext:
    extension: SandboxContext = current_app.extensions[EXTENSION_KEY]
    return extension


def sandbox_url() -> str:
    """The sandbox's own base URL: configured once bound, else the host the request used."""
    configured: str | None = current_app.config.get("SANDBOX_URL")
    return (configured or request.host_url).rstrip("/")


def api_urls(workspace: Workspace) -> ApiUrls:
    """The token URLs for `workspace`; see `ApiUrls.for_sandbox` for the scheme."""
    return ApiUrls.for_sandbox(sandbox_url(), workspace.region, workspace.subdomain)
