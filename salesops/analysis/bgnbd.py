"""The BG/NBD model (Fader, Hardie & Lee 2005) fitted by maximum likelihood with SciPy.

While alive, a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha);
after each purchase they drop out with probability p ~ Beta(a, b). The fit maximises
the paper's log-likelihood (its equation 6) over (r, alpha, a, b) on the repeat summary
(x = frequency, t_x = recency, T, all in weeks). Why not pymc-marketing: it installs
here, but pulls in pymc/pytensor/arviz and a C compile, and its default fit is a MAP with
priors, not the published maximum-likelihood estimate; this module is ~100 lines and is
checked against the published CDNOW estimates in tests/test_bgnbd.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special


@dataclass(frozen=True)
class BGNBD:
    """Fitted parameters: purchase rate ~ Gamma(r, alpha), dropout ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float = float("nan")

    def p_alive(self, x, t_x, T) -> np.ndarray:
        """Probability that a customer with history (x, t_x, T) is still active at T."""
        return 1.0 / (1.0 + self._odds_dead(x, t_x, T))

    def expected_purchases(self, t, x, t_x, T) -> np.ndarray:
        """Expected purchases in the next `t` weeks given history (x, t_x, T) (paper eq. 10)."""
        x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        z = t / (alpha + T + t)
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        head = (a + b + x - 1) / (a - 1)
        body = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp
        return head * body / (1.0 + self._odds_dead(x, t_x, T))

    def _odds_dead(self, x, t_x, T) -> np.ndarray:
        """a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x) for repeat buyers, 0 for the others."""
        x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
        safe_x = np.where(x > 0, x, 1.0)  # the term only exists for x > 0
        odds = (
            self.a
            / (self.b + safe_x - 1)
            * ((self.alpha + T) / (self.alpha + t_x)) ** (self.r + safe_x)
        )
        return np.where(x > 0, odds, 0.0)


def log_likelihood(params, x, t_x, T) -> np.ndarray:
    """Each customer's log-likelihood under (r, alpha, a, b) (paper equation 6)."""
    r, alpha, a, b = params
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = (
        special.gammaln(a + b)
        + special.gammaln(b + x)
        - special.gammaln(b)
        - special.gammaln(a + b + x)
    )
    a3 = -(r + x) * np.log(alpha + T)
    safe_x = np.where(x > 0, x, 1.0)
    a4 = np.log(a) - np.log(b + safe_x - 1) - (r + x) * np.log(alpha + t_x)
    return a1 + a2 + np.where(x > 0, np.logaddexp(a3, a4), a3)


def fit(frequency, recency, T, *, start=(1.0, 1.0, 1.0, 1.0)) -> BGNBD:
    """Maximum-likelihood (r, alpha, a, b) for the repeat summary columns given (weeks)."""
    data = pd.DataFrame({"x": frequency, "t_x": recency, "T": T}).astype(float)
    if data.empty or (data["x"] == 0).all():
        raise ValueError("BG/NBD needs customers with repeat purchases to fit")
    # Customers with the same history share a likelihood term: fit on the distinct rows.
    grouped = data.groupby(["x", "t_x", "T"]).size().reset_index(name="n")
    x, t_x, big_t, n = (grouped[k].to_numpy() for k in ("x", "t_x", "T", "n"))

    def loss(log_params):
        """Mean negative log-likelihood over customers, in log-parameters (keeps them > 0)."""
        ll = log_likelihood(np.exp(log_params), x, t_x, big_t)
        return -(n * ll).sum() / n.sum()

    best = optimize.minimize(
        loss,
        np.log(start),
        method="Nelder-Mead",
        options={"maxiter": 10_000, "xatol": 1e-8, "fatol": 1e-12},
    )
    r, alpha, a, b = (float(v) for v in np.exp(best.x))
    return BGNBD(r, alpha, a, b, log_likelihood=float(-best.fun * n.sum()))


def customer_outlook(summary: pd.DataFrame, model: BGNBD, horizon_weeks: float) -> pd.DataFrame:
    """The repeat summary with p_alive and expected_purchases in the next `horizon_weeks`."""
    out = summary.copy()
    args = (out["frequency"], out["recency"], out["T"])
    out["p_alive"] = model.p_alive(*args)
    out["expected_purchases"] = model.expected_purchases(horizon_weeks, *args)
    return out


def contact_list(outlook: pd.DataFrame, n: int = 20, alive_below: float = 0.7) -> pd.DataFrame:
    """Repeat buyers who are slipping away, most valuable first: whom to contact this week.

    Slipping = P(alive) under `alive_below`; value at risk = (1 - P(alive)) x past
    repeat purchases x their mean value.
    """
    slipping = outlook[(outlook["frequency"] > 0) & (outlook["p_alive"] < alive_below)].copy()
    slipping["value_at_risk"] = (
        (1 - slipping["p_alive"]) * slipping["frequency"] * slipping["monetary_value"]
    )
    return slipping.sort_values("value_at_risk", ascending=False).head(n)
