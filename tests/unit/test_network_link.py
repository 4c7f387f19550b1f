"""The tc commands of a shaped link, recognising bench's own qdisc, and rows that say which link they used."""

from __future__ import annotations

import subprocess
from dataclasses import asdict

from bench.machine import process_identity
from bench.network import link
from bench.network.link import DOWN, HANDLE, UP, AppliedLink, LinkProfile, is_ours, shaping_commands
from bench.run.build_rows import link_fields


def test_only_the_given_ports_are_shaped_in_both_directions() -> None:
    commands = shaping_commands(LinkProfile("wan", 50, 40), [5000, 5080])
    assert commands[0] == ["qdisc", "add", "dev", "lo", "root", "handle", f"{HANDLE}:", "htb"]
    classes = [c for c in commands if c[0] == "class"]
    assert {c[c.index("classid") + 1] for c in classes} == {DOWN, UP}
    assert all(c[c.index("rate") + 1] == "50mbit" and c[c.index("ceil") + 1] == "50mbit" for c in classes)
    filters = {(c[c.index("ip", c.index("match")) + 1], c[-4], c[-1]) for c in commands if c[0] == "filter"}
    assert filters == {
        ("sport", "5000", DOWN),
        ("dport", "5000", UP),
        ("sport", "5080", DOWN),
        ("dport", "5080", UP),
    }


def test_bench_recognises_its_own_root_qdisc_only() -> None:
    assert is_ours(f"qdisc htb {HANDLE}: root refcnt 2 r2q 10 default 0 direct_packets_stat 3")
    assert not is_ours("qdisc noqueue 0: root refcnt 2")
    assert not is_ours("qdisc htb 1: root refcnt 2")
    assert not is_ours("")


def test_rows_record_the_delay_really_applied() -> None:
    assert link_fields(None) == {"link": "loopback", "link_rate_mbit": None, "link_delay_ms": 0.0}
    applied = AppliedLink(LinkProfile("wan", 50, 40), 0.0, "no sch_netem")
    assert link_fields(applied) == {"link": "wan", "link_rate_mbit": 50, "link_delay_ms": 0.0}


def test_a_leftover_shaping_is_kept_only_while_the_run_that_applied_it_still_runs() -> None:
    """link.json names a run by pid and identity: a later process that got the pid is not that run."""
    run = subprocess.Popen(["sleep", "60"])
    try:
        identity = process_identity.identify(run.pid)
        assert identity is not None
        owner = {"pid": run.pid, "process": asdict(identity)}
        assert link.owner_running(owner)
        reused = {**owner, "process": {**asdict(identity), "create_time": identity.create_time - 3600}}
        assert not link.owner_running(reused)
    finally:
        run.kill()
        run.wait()
    assert not link.owner_running(owner)
    assert not link.owner_running(link.owner_record()), "this process is not another run"
