"""The private artifact server of the secrets scenario: 401 without the run's token, the artifact with it.

    python -m bench.secrets.server HOST PORT TOKEN_FILE ARTIFACT_BYTES

GET /artifact needs `Authorization: Bearer <token>`; /public/artifact serves the same bytes to anyone
(the baseline build without a secret); /health answers readiness checks. The token is read once at
start-up from TOKEN_FILE (in the run's private directory); its log lines carry paths and status codes only.
Started per run through bench/services/service.py (log and pid file in the engine's run dir), stopped at
the end of the run.
"""

from __future__ import annotations

import hashlib
import hmac
import socket
import sys
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.errors import EngineError
from bench.services import service

NAME = "token-server"
ARTIFACT_BYTES = 1 << 20
ARTIFACT_PATH = "/artifact"
PUBLIC_PATH = "/public/artifact"


def artifact(size: int) -> bytes:
    """Deterministic bytes (a sha256 chain from a fixed seed): the same artifact in every run."""
    out = bytearray()
    block = b"bench private artifact"
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:size])


def make_handler(token: str, body: bytes) -> type[BaseHTTPRequestHandler]:
    expected = f"Bearer {token}".encode()

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, data: bytes = b"") -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            if status == 401:
                self.send_header("WWW-Authenticate", 'Bearer realm="bench"')
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/health":
                self._send(200, b"ok\n")
            elif self.path == PUBLIC_PATH:
                self._send(200, body)
            elif self.path == ARTIFACT_PATH:
                given = (self.headers.get("Authorization") or "").encode()
                if hmac.compare_digest(given, expected):
                    self._send(200, body)
                else:
                    self._send(401)
            else:
                self._send(404)

        def log_message(self, format: str, *args: object) -> None:
            what = args[1] if format.startswith('"%s" %s') and len(args) > 1 else "error"
            sys.stderr.write(f"{self.log_date_time_string()} {self.command} {self.path} -> {what}\n")

    return Handler


def main(argv: list[str]) -> None:
    host, port, token_file, size = argv[0], int(argv[1]), Path(argv[2]), int(argv[3])
    token = token_file.read_text().strip()
    with ThreadingHTTPServer((host, port), make_handler(token, artifact(size))) as server:
        server.serve_forever()


def _split(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host, int(port)


def status(address: str, path: str, token: str | None = None, timeout_s: float = 2.0) -> int | None:
    """The HTTP status of GET path (with the token when given), None when nothing answers."""
    request = urllib.request.Request(f"http://{address}{path}")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


def _port_free(address: str) -> bool:
    host, port = _split(address)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex((host, port)) != 0


def free_address(host: str = "127.0.0.1") -> str:
    """An address on `host` with a port nothing listens on now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return f"{host}:{probe.getsockname()[1]}"


def start(
    address: str, token_file: Path, run_dir: str, size: int = ARTIFACT_BYTES, *, fallback: bool = False
) -> str:
    """Serve for this run on `address`, or, when something listens there and `fallback` is set, on a free
    port of the same host (another run's server, another engine's); returns the address served."""
    if not _port_free(address):
        if not fallback:
            raise EngineError(
                f"{address} is already in use, so the secrets scenario's token server cannot start there",
                fix="stop what listens there, or set engine.token_server=127.0.0.1:PORT",
            )
        address = free_address(_split(address)[0])
    host, port = _split(address)
    argv = [sys.executable, "-m", "bench.secrets.server", host, str(port), str(token_file), str(size)]
    service.start(
        NAME, argv, run_dir, lambda: status(address, "/health") == 200, f"the token server on {address}"
    )
    return address


def stop(address: str, run_dir: str, timeout_s: float = 5.0) -> bool:
    """Stop this run's server and wait until its port is free (the next run starts one there)."""
    stopped = service.stop(NAME, run_dir)
    deadline = time.monotonic() + timeout_s
    while stopped and not _port_free(address) and time.monotonic() < deadline:
        time.sleep(0.05)
    return stopped


if __name__ == "__main__":
    main(sys.argv[1:])
