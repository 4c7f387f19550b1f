"""A small report over generated sales data: enough to prove the installed dependencies work."""

import sys

import numpy as np
import pandas as pd
from PIL import Image


def report() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    sales = pd.DataFrame(
        {"region": rng.choice(["north", "south", "east", "west"], 1000), "amount": rng.gamma(2.0, 50.0, 1000)}
    )
    return sales.groupby("region")["amount"].agg(["count", "sum", "mean"]).round(2)


def selftest() -> None:
    table = report()
    assert table["count"].sum() == 1000, table
    thumbnail = Image.new("RGB", (64, 64), "white").resize((16, 16))
    assert thumbnail.size == (16, 16)
    print("self-test passed:", len(table), "regions")


if __name__ == "__main__":
    if "--selftest" in sys.argv:
        selftest()
    else:
        print(report())
