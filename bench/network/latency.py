"""Round-trip delay for a shaped link on a kernel without `sch_netem`: a relay that holds every chunk.

Why: the link profiles (lan, cloud, wan) name a round-trip time as well as a rate; tc's HTB gives the
rate (bench/network/link.py) but delay needs netem, which this kind of machine's kernel lacks. A relay on
127.0.0.1 in front of the registry (and the package index) adds it instead, the way toxiproxy's latency
toxic does: a new connection waits one round trip (the TCP handshake a remote server would cost), then
every chunk read from either side is written to the other half a round trip after it arrived, in order.
Chunks are pipelined, so the delay costs time per request/response exchange, not bandwidth; the rate
still comes from tc on the registry's port, which the relay's upstream leg goes through.

The relay runs in a daemon thread of the bench process (asyncio), only on 127.0.0.1, for one run.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

from bench.config import EngineConfig
from bench.network.link import AppliedLink

CHUNK = 64 * 1024
#: Chunks in flight per direction before reading pauses (back-pressure): 16 MiB.
IN_FLIGHT = 256


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, one_way_s: float) -> None:
    """Copy reader -> writer, each chunk released `one_way_s` after it was read."""
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue(IN_FLIGHT)

    async def release() -> None:
        while True:
            due, data = await queue.get()
            if not data:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        with contextlib.suppress(OSError):
            if writer.can_write_eof():
                writer.write_eof()

    releaser = asyncio.create_task(release())
    try:
        while data := await reader.read(CHUNK):
            await queue.put((time.monotonic() + one_way_s, data))
    except (ConnectionError, OSError):
        pass
    await queue.put((time.monotonic() + one_way_s, b""))
    with contextlib.suppress(ConnectionError, OSError):
        await releaser


class LatencyRelay:
    """127.0.0.1:<port> -> upstream with `rtt_ms` of round-trip delay; `start()` returns the port."""

    def __init__(self, upstream: str, rtt_ms: float) -> None:
        host, _, port = upstream.rpartition(":")
        self.upstream = (host or "127.0.0.1", int(port))
        self.rtt_s = rtt_ms / 1000.0
        self.port: int | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="latency-relay", daemon=True)
        self._server: asyncio.AbstractServer | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(self.rtt_s)  # the handshake with a server one round trip away
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()
            return
        for w in (writer, up_writer):
            with contextlib.suppress(OSError):
                w.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        half = self.rtt_s / 2
        await asyncio.gather(_pump(reader, up_writer, half), _pump(up_reader, writer, half))
        for w in (writer, up_writer):
            w.close()

    async def _listen(self) -> int:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    def start(self) -> int:
        self._thread.start()
        self.port = asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(timeout=10)
        return self.port

    def stop(self) -> None:
        """Close the server, cancel the connections' tasks and wait for them to end, then close the loop:
        a task cancelled but never awaited is reported as "Task was destroyed but it is pending!"."""

        async def close() -> None:
            if self._server is not None:
                self._server.close()
            tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        if self._thread.is_alive():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        if not self._thread.is_alive() and not self._loop.is_closed():
            self._loop.close()


@contextlib.contextmanager
def relays(upstreams: list[str], rtt_ms: float) -> Iterator[dict[str, str]]:
    """One relay per upstream address for the block; yields {upstream: relay address}."""
    started: list[LatencyRelay] = []
    try:
        for upstream in upstreams:
            relay = LatencyRelay(upstream, rtt_ms)
            relay.start()
            started.append(relay)
        yield {upstream: relay.address for upstream, relay in zip(upstreams, started, strict=True)}
    finally:
        for relay in started:
            relay.stop()


@contextlib.contextmanager
def relayed(
    applied: AppliedLink, engine: EngineConfig, say: Callable[[str], object] = print
) -> Iterator[tuple[AppliedLink, EngineConfig]]:
    """When tc could not apply the profile's delay, relays in front of the registry and the package index
    add it; yields the link as applied and the engine config whose addresses go through the relays
    (the same engine when nothing is needed)."""
    wanted = applied.profile.delay_ms
    if not wanted or applied.delay_ms == wanted:
        yield applied, engine
        return
    with relays([engine.registry, engine.package_index], wanted) as via:
        note = (
            f"link {applied.profile.name}: rate by tc, round trip {wanted:g} ms by a relay in front of the"
            f" registry ({via[engine.registry]}) and package index (this kernel has no sch_netem)"
        )
        say(note)
        yield (
            AppliedLink(applied.profile, wanted, note),
            replace(engine, registry=via[engine.registry], package_index=via[engine.package_index]),
        )


def readdressed(build_args: dict[str, str], before: EngineConfig, after: EngineConfig) -> dict[str, str]:
    """Build args (base image references, index URLs) pointing at `after`'s registry and index."""
    swaps = [(before.registry, after.registry), (before.package_index, after.package_index)]
    out = {}
    for key, value in build_args.items():
        for old, new in swaps:
            value = value.replace(old, new)
        out[key] = value
    return out
