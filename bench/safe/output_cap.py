"""Bounded tool output: how much of what a build (or a check after it) prints bench keeps, in memory and in
every row field that holds it (bench/store/rows.py marks those fields; the row caps them when it is made).

A RUN step may print anything: one line of 50 MB, or millions of lines. Without a bound, all of it would
stay in memory and go into builds.jsonl (`error_tail`), so every report would load it again. What a
reader needs of a failed build is its end, the failing step's last lines and the error, so bench keeps the
last TAIL_LINES lines, each at most LINE_BYTES bytes (its start and its end: an error chain ends with the
cause, `no space left on device`). The parsers read the build's lines as the process prints them, each
cut at READ_LINE_BYTES while it is read (`LineCutter`), and keep what they need; the run itself keeps its
last TAIL_LINES lines (bench/builders/process.py).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence

#: Lines of tool output kept: a failed build's error, the failing step's last log lines and the builder's
#: summary fit in 50 (the builders' tails take 20), a screenful to read in a summary or a report.
TAIL_LINES = 50
#: Bytes of one kept line: 2 KiB holds a compiler's error line or a long BuildKit error chain (its start
#: and its end); a longer line is a dump (minified JS, base64, a progress bar's redraws).
LINE_BYTES = 2048
#: Bytes of one output line as read from the build process, before any parsing: BuildKit's rawjson lines
#: must stay whole (one log chunk of at most 32 KiB is at most 44 KiB of base64 on one line), while one
#: line a legacy RUN step prints without a newline (50 MB of it) costs no more than this.
READ_LINE_BYTES = 256 * 1024
_MARK = " [... {} bytes cut ...] "


def cut_bytes(data: bytes, limit: int = LINE_BYTES) -> bytes:
    """`data` when it fits `limit` bytes, else its start and its end around a mark saying how much went."""
    if len(data) <= limit:
        return data
    return _cut(data, data, len(data), limit)


def _cut(start: bytes, end: bytes, size: int, limit: int) -> bytes:
    """A line of `size` > `limit` bytes cut to `limit`, from its first and its last `limit` bytes."""
    mark = _MARK.format(size - limit).encode()
    keep = max(limit - len(mark), 2)
    head = keep // 2
    return start[:head] + mark + end[len(end) - (keep - head) :]


class LineCutter:
    """One line read in pieces and cut as `cut_bytes` cuts it whole, holding at most twice `limit` bytes:
    a line of 50 MB read from a pipe is never in memory (bench/builders/process.py)."""

    def __init__(self, limit: int = READ_LINE_BYTES) -> None:
        self._limit = limit
        self._start = b""
        self._end = b""
        self._size = 0

    def add(self, piece: bytes) -> None:
        """The next piece of the line."""
        if len(self._start) < self._limit:
            self._start += piece[: self._limit - len(self._start)]
        self._end = (self._end + piece)[-self._limit :]
        self._size += len(piece)

    def value(self) -> bytes:
        """The line so far as `cut_bytes` would return it."""
        if self._size <= self._limit:
            return self._start
        return _cut(self._start, self._end, self._size, self._limit)


def cut_line(text: str, limit: int = LINE_BYTES) -> str:
    """One line of text cut as `cut_bytes` cuts it, measured in UTF-8 bytes (a character split at a cut is
    dropped, never mangled)."""
    data = text.encode("utf-8", errors="surrogateescape")
    if len(data) <= limit:
        return text
    return cut_bytes(data, limit).decode("utf-8", errors="ignore")


def last_lines(lines: Iterable[str], count: int = TAIL_LINES) -> list[str]:
    """The last `count` (at most TAIL_LINES) of `lines`, each cut to LINE_BYTES, read in one pass."""
    return list(LineTail(min(count, TAIL_LINES)).extend(lines))


def bounded(text: str | None) -> str | None:
    """A row field of tool output as stored: its last TAIL_LINES lines, each at most LINE_BYTES."""
    if text is None:
        return None
    lines = text.split("\n")
    if len(lines) <= TAIL_LINES and all(len(line) <= LINE_BYTES // 4 for line in lines):
        return text  # short enough whatever the characters (4 bytes each at most): the common case
    return "\n".join(last_lines(lines))


def bounded_items(items: Sequence[str] | None) -> tuple[str, ...] | None:
    """A row field holding a list of tool output (goss's failures): the last TAIL_LINES items, each cut."""
    return None if items is None else tuple(bounded(str(item)) or "" for item in items[-TAIL_LINES:])


class LineTail:
    """A bounded buffer of output lines: the last `count` lines seen, each cut to LINE_BYTES as it comes in,
    so a build that prints millions of lines holds `count` of them."""

    def __init__(self, count: int = TAIL_LINES) -> None:
        self._lines: deque[str] = deque(maxlen=count)

    def append(self, line: str) -> None:
        self._lines.append(cut_line(line))

    def extend(self, lines: Iterable[str]) -> LineTail:
        for line in lines:
            self.append(line)
        return self

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)

    def __getitem__(self, index: slice) -> list[str]:
        return list(self._lines)[index]
