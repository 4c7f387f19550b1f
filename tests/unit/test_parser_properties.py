"""Property tests: the parsers of what others write never crash, whatever they are given.

BuildKit's rawjson, the legacy builder's log, Dockerfiles, a scenario's bench.yaml, the registry's and the
package index's access logs and bench's own JSON lines come from programs and people bench does not
control, and may be cut short by a kill. Each parser either reads them or refuses with bench's own error
type (ScenarioError, ResultsError) and a message; any other exception fails these tests.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.builders.dockerfile import from_lines, read_dockerfile, read_instructions, stage_label
from bench.builders.legacy_log import parse_legacy_log
from bench.builders.process import STDERR, STDOUT, OutputLine, _blank, read_lines
from bench.builders.rawjson import RawJsonParser
from bench.config import ScenarioConfig
from bench.network.traffic import pulled_bytes, served_file_bytes, wheel_downloads
from bench.safe.output_cap import LineCutter, cut_bytes
from bench.scenario.definition import BENCH_YAML_KEYS, ScenarioError, load_scenario, read_bench_yaml
from bench.store.results import ResultsError, _read_rows

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Any JSON value, the shapes a field of another program's output might take.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
stamps = st.sampled_from(
    ["2026-11-30T17:00:00.123456789Z", "2026-11-30T17:00:01+01:00", "2026-13-32T99:00:00Z", "yesterday", ""]
)
vertex_updates = st.fixed_dictionaries(
    {},
    optional={
        "digest": st.sampled_from(["sha256:a", "sha256:b"]) | json_values,
        "name": st.sampled_from(["[build 1/2] RUN make", "[internal] load", "[a b c 9/9] COPY"])
        | json_values,
        "started": stamps | json_values,
        "completed": stamps | json_values,
        "cached": json_values,
        "error": json_values,
    },
)
log_entries = st.fixed_dictionaries(
    {},
    optional={
        "vertex": st.sampled_from(["sha256:a", "sha256:c"]) | json_values,
        "data": st.sampled_from(["aGVsbG8K", "not base64!", ""]) | json_values,
    },
)
statuses = st.fixed_dictionaries(
    {},
    optional={
        "vertexes": st.lists(vertex_updates | json_values, max_size=4) | json_values,
        "logs": st.lists(log_entries | json_values, max_size=3) | json_values,
        "statuses": json_values,
    },
)


def _pretty(status: object) -> list[str]:
    """An object as buildx prints it: pretty-printed over several lines."""
    return json.dumps(status, indent=2).splitlines()


rawjson_lines = st.lists(
    st.one_of(
        statuses.map(_pretty),
        json_values.map(_pretty),
        st.lists(st.text(max_size=40), max_size=3),
        st.lists(st.sampled_from(["{", "}", "}}}", '"{', "{ {", "ERROR: failed to solve"]), max_size=4),
    ),
    max_size=8,
).map(lambda chunks: [line for chunk in chunks for line in chunk])


@SETTINGS
@given(rawjson_lines, st.integers(min_value=0, max_value=200))
def test_rawjson_never_crashes_on_any_output_or_a_cut(lines: list[str], cut: int) -> None:
    """Whole output, or output cut short at any character (a killed build)."""
    text = "\n".join(lines)
    for fed in (lines, text[: len(text) * cut // 200].split("\n")):
        parser = RawJsonParser()
        for t, line in enumerate(fed):
            parser.feed(float(t), line)
        steps = parser.steps()
        assert [s.index for s in steps] == list(range(len(steps)))
        parser.failure()
        # a step is a named vertex; vertices only a log line mentions are counted but are no step
        assert len(steps) <= parser.vertex_count


def _scanned_char_by_char(lines: list[str]) -> list[tuple[int, bool, bool]]:
    """(depth, in string, escaped) after each line, by the one-character-at-a-time scan `_scan` replaced."""
    depth, in_string, escaped, states = 0, False, False, []
    for line in lines:
        for char in line:
            if in_string:
                if escaped:
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == '"':
                    in_string = False
            elif char == '"':
                in_string = True
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
        states.append((depth, in_string, escaped))
    return states


@SETTINGS
@given(st.lists(st.text(alphabet='{}"\\ab', max_size=12), max_size=8))
def test_rawjson_scan_skips_only_what_cannot_change_its_state(lines: list[str]) -> None:
    """The regex scan (bench/builders/rawjson.py) tracks depth, strings and escapes, even an escape at the
    end of a line, exactly as reading every character does."""
    parser = RawJsonParser()
    states = []
    for line in lines:
        parser._scan(line)
        states.append((parser._depth, parser._in_string, parser._escaped))
    assert states == _scanned_char_by_char(lines)


@SETTINGS
@given(st.lists(st.binary(max_size=30), max_size=6), st.integers(min_value=1, max_value=40))
def test_a_line_read_in_pieces_is_cut_as_the_whole_line(pieces: list[bytes], limit: int) -> None:
    """LineCutter keeps twice `limit` bytes and gives what cut_bytes gives for the whole line; read_lines
    reads a pipe so, a line at a time."""
    cutter = LineCutter(limit)
    for piece in pieces:
        cutter.add(piece)
    assert cutter.value() == cut_bytes(b"".join(pieces), limit)
    data = b"".join(pieces)
    *whole, last = data.split(b"\n")  # a pipe's lines end at b"\n" only, as readline's (never at b"\r")
    expected = [cut_bytes(line + b"\n", limit) for line in whole] + ([cut_bytes(last, limit)] if last else [])
    assert list(read_lines(io.BytesIO(data), limit)) == [line for line in expected if line]


@SETTINGS
@given(st.binary(max_size=12) | st.text(alphabet=" \t\r\n\x1c\x85\xa0\u2003x\u4e2d").map(str.encode))
def test_a_line_is_blank_as_its_text_is(data: bytes) -> None:
    """The run's tail (bench/builders/process.py) skips blank lines without decoding most of them."""
    assert _blank(data) == (not OutputLine(0.0, STDOUT, data).text.strip())


legacy_texts = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda n, m, rest: f"Step {n}/{m} : {rest}",
        st.integers(min_value=0, max_value=5).map(str) | st.just("9" * 5000) | st.just("\u0661"),
        st.integers(min_value=0, max_value=5),
        st.sampled_from(["FROM busybox AS a", "FROM x", "RUN make", "ARG A", ""]) | st.text(max_size=20),
    ),
    st.sampled_from(
        [" ---> Using cache", " ---> Running in abc", "Successfully built 1234", "DEPRECATED: x"]
    ),
)
legacy_lines = st.lists(
    st.builds(
        OutputLine,
        st.floats(min_value=0, max_value=1e6),
        st.sampled_from([STDOUT, STDERR]),
        st.one_of(
            legacy_texts.map(lambda text: text.encode("utf-8", "surrogatepass")), st.binary(max_size=40)
        ),
    ),
    max_size=12,
)


@SETTINGS
@given(legacy_lines, st.text(max_size=80) | st.none(), st.floats(min_value=0, max_value=1e6) | st.none())
def test_legacy_log_never_crashes(
    lines: list[OutputLine], dockerfile: str | None, end_s: float | None
) -> None:
    stages = None if dockerfile is None else from_lines(read_instructions(dockerfile))
    log = parse_legacy_log(lines, stages, end_s=end_s)
    assert len(log.steps) <= len(lines)
    assert [s.index for s in log.steps] == list(range(len(log.steps)))


dockerfile_texts = st.lists(
    st.one_of(
        st.text(max_size=30),
        st.sampled_from(
            [
                "FROM a AS b",
                "FROM --platform=$X a",
                "FROM",
                "RUN <<EOF",
                "EOF",
                "RUN a \\",
                "# escape=`",
                "`",
                "\\",
            ]
        ),
    ),
    max_size=10,
).map("\n".join)


@SETTINGS
@given(dockerfile_texts)
def test_the_dockerfile_scanner_never_crashes(text: str) -> None:
    instructions = read_instructions(text)
    assert all(i.keyword == i.keyword.upper() and i.line >= 1 for i in instructions)
    stages = from_lines(instructions)
    for index in range(len(stages)):
        stage_label(stages, index)
    for instruction in instructions:
        instruction.flags()


@SETTINGS
@given(st.binary(max_size=200))
def test_a_binary_dockerfile_is_read_without_crashing(data: bytes) -> None:
    with tempfile.NamedTemporaryFile() as handle:
        handle.write(data)
        handle.flush()
        from_lines(read_dockerfile(handle.name))


yaml_settings = st.dictionaries(
    st.sampled_from(sorted(BENCH_YAML_KEYS)) | json_values.filter(lambda v: isinstance(v, str | int)),
    json_values,
    max_size=5,
)
bench_yaml_bytes = st.one_of(
    yaml_settings.map(lambda d: yaml.safe_dump(d).encode()),
    json_values.map(lambda v: yaml.safe_dump(v).encode()),
    st.binary(max_size=120),
    st.text(max_size=120).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.integers(min_value=1, max_value=5000).map(lambda depth: b"[" * depth),
)


@SETTINGS
@given(bench_yaml_bytes, st.integers(min_value=0, max_value=120))
def test_bench_yaml_is_read_or_refused_with_a_scenario_error(data: bytes, cut: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        scenario = Path(directory)
        (scenario / "Dockerfile").write_text("FROM scratch\n")
        for content in (data, data[:cut]):
            (scenario / "bench.yaml").write_bytes(content)
            try:
                settings_ = read_bench_yaml(scenario / "bench.yaml")
                load_scenario(ScenarioConfig(path=str(scenario)))
            except ScenarioError as error:
                assert str(error).strip()
            else:
                assert isinstance(settings_, dict) and set(settings_) <= set(BENCH_YAML_KEYS)


access_lines = st.lists(
    st.one_of(
        st.text(max_size=80),
        st.builds(
            lambda method, path, status, size: f'1.2.3.4 - - [x] "{method} {path} HTTP/1.1" {status} {size}',
            st.sampled_from(["GET", "HEAD", "PUT"]),
            st.sampled_from(["/v2/a/blobs/sha256:1", "/v2/", "/files/x.whl", "/files/" + "a" * 300 + ".whl"])
            | st.text(max_size=20).map(lambda t: "/files/" + t),
            st.sampled_from(["200", "404", "2xx"]),
            st.sampled_from(["1", "-", "9" * 5000]) | st.text(max_size=6),
        ),
    ),
    max_size=8,
)


#: One line each counter counts, whatever surrounds it: a blob GET of 1071305 bytes, x.whl (5 bytes) served.
BLOB_PULL = '127.0.0.1 - - [x] "GET /v2/bench/busybox/blobs/sha256:49af HTTP/1.1" 200 1071305'
WHEEL_SERVED = '127.0.0.1 - - [x] "GET /files/x.whl HTTP/1.1" 200 -'


@SETTINGS
@given(access_lines)
def test_access_logs_are_counted_line_by_line_without_crashing(lines: list[str]) -> None:
    """Each counter is a sum over lines, and a known line among any others adds exactly its own count."""
    with tempfile.TemporaryDirectory() as directory:
        files = Path(directory)
        (files / "x.whl").write_bytes(b"wheel")
        counters = (pulled_bytes, wheel_downloads, lambda ls: served_file_bytes(ls, files))
        for count in counters:
            assert count(lines) == sum(count([line]) for line in lines)
        for known, added in ((BLOB_PULL, (1071305, 0, 0)), (WHEEL_SERVED, (0, 1, 5))):
            mixed = [*lines[:1], known, *lines[1:]]
            assert tuple(count(mixed) - count(lines) for count in counters) == added


@pytest.mark.filterwarnings("ignore::bench.store.results.TornLineWarning")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(json_values.map(json.dumps), max_size=5), st.binary(max_size=40), st.integers(0, 400))
def test_json_lines_are_read_or_refused_with_a_results_error(rows: list[str], junk: bytes, cut: int) -> None:
    data = ("\n".join(rows) + "\n").encode()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "builds.jsonl"
        for content in (data[:cut], data + junk, junk + b"\n" + data):
            path.write_bytes(content)
            try:
                rows = _read_rows(path)
            except ResultsError as error:
                assert "builds.jsonl" in str(error)
            else:
                assert all(isinstance(row, dict) for row in rows)
