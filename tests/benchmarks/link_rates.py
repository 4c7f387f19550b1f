"""Does a shaped link deliver its profile's rate? Prints Mbit/s measured fetching a 16 MB blob from the
engine's registry over loopback and through each shaped profile (tc on lo; needs root).

    .venv/bin/python tests/benchmarks/link_rates.py [HYDRA OVERRIDES...]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.composition import register
from bench.network import link

PROFILES = (("lan", 1000.0), ("cloud", 200.0), ("wan", 50.0))


def main(overrides: list[str]) -> int:
    import os

    register()
    os.environ["BENCH_TEST_OVERRIDES"] = " ".join(overrides)
    import test_network_link_engine as link_test
    from engine_setup import compose_config

    engine = compose_config().engine
    digest = link_test._push_blob(engine.registry)
    port = int(engine.registry.rpartition(":")[2])
    print(f"loopback: {link_test._fetch_rate_bits(engine.registry, digest) / 1e6:.0f} Mbit/s")
    for name, rate in PROFILES:
        with link.shaped(link.LinkProfile(name, rate), [port], engine.run_dir):
            measured = link_test._fetch_rate_bits(engine.registry, digest)
        print(f"{name}: profile {rate:g} Mbit/s, measured {measured / 1e6:.0f} Mbit/s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
