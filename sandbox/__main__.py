"""`python -m sandbox --port 8090 --addon-key <key>`: the sandbox as a process of its own.

Prints its URL, then serves until interrupted (Ctrl-C or SIGTERM). The key pair is new on every
start, so configure the add-on with the PEM from `GET <url>/sandbox/public-key` each time.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from sandbox.server import SandboxServer
from sandbox.state import SEED_WORKSPACE_ID
from sandbox.tokens import TokenIssuer


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--addon-key", required=True, help="the manifest key to sign tokens for")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=8090, help="0 picks a free port")
    args = parser.parse_args(argv)

    stopped = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, _stop)
    with SandboxServer(TokenIssuer(args.addon_key), host=args.host, port=args.port) as sandbox:
        print(sandbox.url, flush=True)
        print(f"  shell:      {sandbox.url}/workspaces/{SEED_WORKSPACE_ID}", flush=True)
        print(f"  public key: {sandbox.url}/sandbox/public-key", flush=True)
        try:
            stopped.wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
