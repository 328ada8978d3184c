"""A local simulator of Clockify's add-on platform, for the test-suite and `make demo`.

It installs an add-on from its manifest URL, signs Clockify-shaped tokens with a key pair of its
own, sends the documented lifecycle requests and shows components in a Clockify-like shell. It
serves the regular and Reports APIs from generated workspace data, behind Clockify's auth and
rate limit, with programmable faults and a selectable variant of each documented response shape.
"""

from sandbox.app import create_sandbox_app
from sandbox.faults import Fault, FaultKind
from sandbox.generator import generate_workspace
from sandbox.limiter import RatePolicy
from sandbox.recorder import RequestRecord, busiest_window
from sandbox.server import SandboxServer
from sandbox.shapes import GUIDE, LIVE, OFFICIAL, ShapeMode
from sandbox.state import SEED_WORKSPACE_ID, SandboxState
from sandbox.tokens import ApiUrls, TokenIssuer

__all__ = [
    "GUIDE",
    "LIVE",
    "OFFICIAL",
    "SEED_WORKSPACE_ID",
    "ApiUrls",
    "Fault",
    "FaultKind",
    "RatePolicy",
    "RequestRecord",
    "SandboxServer",
    "SandboxState",
    "ShapeMode",
    "TokenIssuer",
    "busiest_window",
    "create_sandbox_app",
    "generate_workspace",
]
