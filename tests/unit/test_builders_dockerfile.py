"""The Dockerfile scanner: instruction boundaries, stages, and BuildKit-only syntax."""

from __future__ import annotations

from bench.builders.dockerfile import buildkit_only_features, from_lines, read_instructions, stage_label

TRICKY = """\
# syntax-looking comment after no directive
ARG BASE=busybox
FROM ${BASE} AS build
RUN echo one \\
    # a comment inside a continuation
    two
RUN <<EOF
FROM not-a-stage
EOF
FROM --platform=linux/amd64 ${BASE}
copy --from=build /a /a
"""


def test_instructions_join_continuations_and_skip_heredoc_bodies() -> None:
    found = read_instructions(TRICKY)
    assert [(i.keyword, i.line) for i in found] == [
        ("ARG", 2), ("FROM", 3), ("RUN", 4), ("RUN", 7), ("FROM", 10), ("COPY", 11)]  # fmt: skip
    assert found[2].args == "echo one two"
    assert found[3].heredoc and not found[2].heredoc


def test_stages_and_their_buildkit_labels() -> None:
    stages = from_lines(read_instructions(TRICKY))
    assert [(s.index, s.image, s.name, s.platform) for s in stages] == [
        (0, "${BASE}", "build", None), (1, "${BASE}", None, "linux/amd64")]  # fmt: skip
    assert [stage_label(stages, i) for i in range(2)] == ["build", "stage-1"]
    single = from_lines(read_instructions("FROM a\nRUN b\n"))
    assert stage_label(single, 0) is None


def test_escape_directive_changes_the_continuation_character() -> None:
    found = read_instructions("# escape=`\nFROM a\nRUN dir c:\\ `\n  /w\n")
    assert [(i.keyword, i.args) for i in found] == [("FROM", "a"), ("RUN", "dir c:\\ /w")]


def test_buildkit_only_features() -> None:
    text = (
        "FROM --platform=$BUILDPLATFORM a AS b\n"
        "RUN --mount=type=secret,id=s cat /run/secrets/s\n"
        "COPY --chmod=755 x /x\n"
        "COPY --link y /y\n"
        "RUN <<EOF\necho\nEOF\n"
    )
    reasons = buildkit_only_features(read_instructions(text))
    assert len(reasons) == 4, reasons
    assert reasons[0].startswith("line 1: FROM") and "BUILDPLATFORM" in reasons[0]
    assert "line 2: RUN --mount" in reasons[1] and "line 3: COPY --chmod" in reasons[2]
    assert "line 5: RUN with a heredoc" in reasons[3]
    assert buildkit_only_features(read_instructions("FROM a\nRUN echo --mount\n")) == []
