"""`TlsTerminator`: the load balancer in front of the image, reduced to what the test needs.

Production serves the add-on at an https URL (settings refuse anything else) while gunicorn
speaks plain HTTP on its bind address, behind a proxy that holds the certificate. This plays that
proxy at the TCP level: it accepts TLS on a loopback port and copies the decrypted bytes to
gunicorn and back, adding no header, so what reaches gunicorn is exactly what a TCP-mode load
balancer would pass. One thread accepts; each connection gets one thread that pumps both ways
with `select` (an `SSLSocket` must not be read and written from two threads at once).
"""

from __future__ import annotations

import select
import socket
import ssl
import threading
from types import TracebackType

__all__ = ["TlsTerminator"]

_CHUNK = 65_536


class TlsTerminator:
    """`with TlsTerminator(("127.0.0.1", port), context) as proxy:` serves `proxy.url`."""

    def __init__(self, backend: tuple[str, int], context: ssl.SSLContext) -> None:
        self._backend = backend
        self._context = context
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, name="tls-terminator", daemon=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> TlsTerminator:
        self._accepter.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._accepter.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                raw, _address = self._listener.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=self._serve, args=(raw,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, raw: socket.socket) -> None:
        raw.settimeout(10)
        try:
            client = self._context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()  # a client that does not trust us, or went away: its problem
            return
        with client, socket.create_connection(self._backend, timeout=10) as upstream:
            self._pump(client, upstream)

    def _pump(self, client: ssl.SSLSocket, upstream: socket.socket) -> None:
        peers = {client: upstream, upstream: client}
        while not self._stopping.is_set():
            readable, _, _ = select.select(list(peers), [], [], 0.2)
            for source in readable:
                try:
                    data = source.recv(_CHUNK)
                    # Decrypted bytes may wait inside the TLS layer, where select cannot see them.
                    while isinstance(source, ssl.SSLSocket) and data and source.pending():
                        data += source.recv(source.pending())
                    if not data:
                        return
                    peers[source].sendall(data)
                except (ssl.SSLError, OSError):
                    return
