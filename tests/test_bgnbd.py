"""BG/NBD: the SciPy fit reproduces the published CDNOW estimates; the repeat summary
agrees with the lifetimes package's own computation on the same transactions."""

import random
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from analysis_shop import PRICE, SHANGHAI, buy, person

from salesops import analysis
from salesops.analysis import bgnbd


def cdnow_summary() -> pd.DataFrame:
    """The CDNOW repeat summary (2,357 customers, 39 weeks) shipped by the lifetimes package."""
    # find_spec locates the package without importing it (its fitters need older pandas).
    folder = Path(find_spec("lifetimes").origin).parent / "datasets"
    return pd.read_csv(folder / "cdnow_customers_summary.csv")


def test_fit_reproduces_the_published_cdnow_estimates():
    d = cdnow_summary()
    model = bgnbd.fit(d["frequency"], d["recency"], d["T"])
    # Fader, Hardie & Lee (2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4
    assert (model.r, model.alpha, model.a, model.b) == pytest.approx(
        (0.243, 4.414, 0.793, 2.426), abs=0.0015
    )
    assert model.log_likelihood == pytest.approx(-9582.4, abs=0.1)
    # Their worked example: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks.
    assert model.expected_purchases(39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=0.001)


def test_p_alive_is_one_without_repeats_and_falls_with_silence():
    model = bgnbd.BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426)
    assert model.p_alive(0, 0, 30) == 1.0
    alive = model.p_alive([3, 3, 3], [30, 20, 5], [38, 38, 38])
    assert alive[0] > alive[1] > alive[2]
    assert np.all(model.expected_purchases(52, [3, 3], [30, 5], [38, 38]) > 0)


def test_fit_refuses_data_without_repeat_buyers():
    with pytest.raises(ValueError, match="repeat"):
        bgnbd.fit([0, 0], [0, 0], [5, 6])


def test_repeat_summary_matches_lifetimes_on_the_same_transactions(db, basics):
    from lifetimes.utils import calibration_and_holdout_data

    rng = random.Random(7)
    tx = []
    for n in range(6):
        cid = person(db, basics, f"K{n}")
        for _ in range(rng.randint(1, 7)):
            day = f"2024-0{rng.randint(1, 5)}-{rng.randint(1, 28):02d}"
            when = f"{day} {rng.choice([0, 12, 23]):02d}:30"  # near midnight on purpose
            sku = rng.choice(list(PRICE))
            qty = rng.randint(1, 3)
            order = buy(db, cid, when, {sku: qty})
            local = order["ordered_at"].astimezone(SHANGHAI).date()
            tx.append({"code": f"K{n}", "date": pd.Timestamp(local), "value": PRICE[sku] * qty})

    got = analysis.repeat_summary(db, "2024-03-31", observation_end="2024-05-31")

    want = calibration_and_holdout_data(
        pd.DataFrame(tx),
        "code",
        "date",
        calibration_period_end="2024-03-31",
        observation_period_end="2024-05-31",
        freq="D",
        monetary_value_col="value",
    )
    assert list(got.index) == list(want.index)
    pairs = [
        ("frequency", "frequency_cal", 1),
        ("recency", "recency_cal", 7),
        ("T", "T_cal", 7),
        ("monetary_value", "monetary_value_cal", 1),
        ("frequency_holdout", "frequency_holdout", 1),
        ("monetary_value_holdout", "monetary_value_holdout", 1),
    ]
    for ours, theirs, scale in pairs:
        assert got[ours].to_numpy() == pytest.approx(want[theirs].to_numpy() / scale), ours
