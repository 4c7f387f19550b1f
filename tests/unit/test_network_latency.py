"""The latency relay: a request/response costs the round trip, bulk data keeps its bandwidth, data intact."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

from bench.network.latency import LatencyRelay, relays


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(65536):
            self.request.sendall(data)


@pytest.fixture
def echo() -> Iterator[str]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _exchange(sock: socket.socket, payload: bytes) -> bytes:
    sock.sendall(payload)
    got = b""
    while len(got) < len(payload):
        got += sock.recv(65536)
    return got


def test_each_exchange_costs_one_round_trip_and_connecting_costs_one(echo: str) -> None:
    relay = LatencyRelay(echo, rtt_ms=80)
    relay.start()
    try:
        with socket.create_connection(("127.0.0.1", relay.port)) as sock:
            t0 = time.monotonic()
            assert _exchange(sock, b"ping") == b"ping"
            first = time.monotonic() - t0  # handshake wait + one round trip
            t0 = time.monotonic()
            for _ in range(5):
                assert _exchange(sock, b"again") == b"again"
            each = (time.monotonic() - t0) / 5
    finally:
        relay.stop()
    assert 0.075 <= each < 0.4, each  # never less than the round trip; the upper bound allows a busy CI
    assert 0.155 <= first < 0.8, first


def test_bulk_data_arrives_intact_and_is_not_slowed_per_chunk(echo: str) -> None:
    payload = bytes(range(256)) * 32768  # 8 MiB: 128 chunks, one round trip in all, not one per chunk
    with relays([echo], rtt_ms=50) as via:
        host, _, port = via[echo].rpartition(":")
        with socket.create_connection((host, int(port))) as sock:
            t0 = time.monotonic()
            received = bytearray()
            sender = threading.Thread(target=sock.sendall, args=(payload,))
            sender.start()
            while len(received) < len(payload):
                received += sock.recv(1 << 20)
            elapsed = time.monotonic() - t0
            sender.join()
    assert bytes(received) == payload
    assert elapsed < 3.5, elapsed  # 128 chunks x 50 ms would be 6.4 s if chunks were not pipelined


def test_relayed_only_when_tc_could_not_apply_the_delay(echo: str) -> None:
    from bench.config import EngineConfig
    from bench.network.latency import readdressed, relayed
    from bench.network.link import AppliedLink, LinkProfile

    engine = EngineConfig(registry=echo, package_index=echo)
    wan = LinkProfile("wan", 50.0, 40.0)
    with relayed(AppliedLink(wan, 40.0), engine, say=lambda _: None) as (applied, via):
        assert via is engine and applied.delay_ms == 40.0  # netem did it
    said: list[str] = []
    with relayed(AppliedLink(wan, 0.0, "no netem"), engine, say=said.append) as (applied, via):
        assert applied.delay_ms == 40.0 and "relay" in said[0]
        assert via.registry != echo and via.registry.startswith("127.0.0.1:")
        args = {"BASE_IMAGE": f"{echo}/bench/busybox:latest", "OTHER": "x"}
        assert readdressed(args, engine, via) == {
            "BASE_IMAGE": f"{via.registry}/bench/busybox:latest",
            "OTHER": "x",
        }
        host, _, port = via.registry.rpartition(":")
        with socket.create_connection((host, int(port))) as sock:
            assert _exchange(sock, b"through the relay") == b"through the relay"


def test_stopping_with_open_connections_leaves_no_pending_task(
    echo: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The committed wan/cli.log was full of "Task was destroyed but it is pending!": stop() cancelled
    the connections' tasks without awaiting them."""
    import gc

    relay = LatencyRelay(echo, rtt_ms=2)
    port = relay.start()
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
    for client in clients:
        client.sendall(b"ping\n")
        client.recv(16)
    with caplog.at_level("ERROR", logger="asyncio"):
        relay.stop()
        gc.collect()
    for client in clients:
        client.close()
    assert "Task was destroyed" not in caplog.text
    assert relay._loop.is_closed()
