"""Open a page in headless Chromium (Debian's package) over the DevTools protocol: console errors, images,
a screenshot. For the report's browser test; no network is touched (file:// pages, background services off).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--remote-debugging-port=0",
    "--window-size=1366,900",
)
STARTUP_TIMEOUT_S = 30.0
LOAD_TIMEOUT_S = 30.0


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageCheck:
    """What the browser saw: errors from the console and the log, and each image's load state."""

    console_errors: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    title: str = ""


class _Session:
    def __init__(self, ws_url: str) -> None:
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=LOAD_TIMEOUT_S, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, **params: object) -> dict:
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == my_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str, timeout: float = LOAD_TIMEOUT_S) -> dict:
        deadline = time.monotonic() + timeout
        for event in self.events:
            if event.get("method") == method:
                return event
        while time.monotonic() < deadline:
            message = json.loads(self.ws.recv())
            self.events.append(message)
            if message.get("method") == method:
                return message
        raise TimeoutError(f"no {method} within {timeout} s")


def _errors(events: list[dict]) -> list[str]:
    found = []
    for e in events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append(
                " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            )
        elif method == "Runtime.exceptionThrown":
            found.append(params.get("exceptionDetails", {}).get("text", "exception"))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            found.append(params["entry"].get("text", ""))
    return found


def _screenshot(session: _Session, full_page: bool) -> dict:
    if not full_page:
        return session.call("Page.captureScreenshot", format="png")
    size = session.call("Page.getLayoutMetrics")["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
    return session.call("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True)


def check_page(page: Path, screenshot: Path, full_page: bool = False) -> PageCheck:
    """Load `page` in a fresh headless Chromium, collect errors and image states, save a screenshot
    (of the first screen, or of the whole page with `full_page`)."""
    binary = chromium_path()
    if binary is None:
        raise FileNotFoundError("chromium is not installed (`bench engine up --all` installs it)")
    with tempfile.TemporaryDirectory(prefix="bench-chromium-") as profile:
        proc = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its helpers (zygote, renderers, crashpad) are stopped with it
        )
        try:
            port = _devtools_port(proc)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
                targets = json.load(response)
            page_target = next(t for t in targets if t.get("type") == "page")
            session = _Session(page_target["webSocketDebuggerUrl"])
            for domain in ("Page", "Runtime", "Log"):
                session.call(f"{domain}.enable")
            session.call("Page.navigate", url=page.resolve().as_uri())
            session.wait_for("Page.loadEventFired")
            result = session.call(
                "Runtime.evaluate",
                expression="JSON.stringify({title: document.title, images: Array.from(document.images).map("
                "i => ({src: i.src.slice(0, 48), complete: i.complete, width: i.naturalWidth,"
                " height: i.naturalHeight}))})",
                returnByValue=True,
            )
            state = json.loads(result["result"]["value"])
            shot = _screenshot(session, full_page)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
            session.ws.close()
            return PageCheck(_errors(session.events), state["images"], state["title"])
        finally:
            _stop_group(proc)


def _stop_group(proc: subprocess.Popen) -> None:
    """Stop Chromium and every helper process it started, and wait until none is left: a helper still
    writing into the profile makes its removal fail ("Directory not empty")."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            proc.poll()
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
    proc.wait()


def _devtools_port(proc: subprocess.Popen) -> int:
    """Chromium prints `DevTools listening on ws://127.0.0.1:PORT/...` on stderr once it is ready."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    assert proc.stderr is not None
    seen = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        match = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
        if match:
            return int(match.group(1))
    raise RuntimeError("chromium did not start: " + "".join(seen[-5:]))
