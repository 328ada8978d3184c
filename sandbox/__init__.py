"""A local simulator of Clockify's add-on platform, for the test-suite and `make demo`.

It installs an add-on from its manifest URL, signs Clockify-shaped tokens with a key pair of its
own, sends the documented lifecycle requests and shows components in a Clockify-like shell.
"""

from sandbox.app import create_sandbox_app
from sandbox.server import SandboxServer
from sandbox.state import SEED_WORKSPACE_ID, SandboxState
from sandbox.tokens import ApiUrls, TokenIssuer

__all__ = [
    "SEED_WORKSPACE_ID",
    "ApiUrls",
    "SandboxServer",
    "SandboxState",
    "TokenIssuer",
    "create_sandbox_app",
]
