"""Means over replications and Student-t intervals, with numpy alone (no scipy needed).

The engine's replications and comparison files store these intervals already; the functions here
recompute them from the per-replication values, so a table can be checked against the raw numbers
and so that series (which have no stored intervals) get bands of the same kind.
"""

from __future__ import annotations

import math

import numpy as np


def student_t_two_sided(t: float, df: int) -> float:
    """P(|T| < t) for Student's t with ``df`` (a positive integer) degrees of freedom.

    The finite sums of Abramowitz and Stegun 26.7.3 and 26.7.4 in theta = atan(t / sqrt(df)):
    exact for integer degrees of freedom.
    """
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if t <= 0:
        return 0.0
    theta = math.atan(t / math.sqrt(df))
    c2 = math.cos(theta) ** 2
    if df % 2 == 1:
        total, term = 0.0, math.cos(theta)
        if df > 1:
            total = term
            for k in range(1, (df - 3) // 2 + 1):  # term k: (2k / (2k + 1)) cos^2 of the last
                term *= c2 * (2 * k) / (2 * k + 1)
                total += term
        return (2 / math.pi) * (theta + math.sin(theta) * total)
    total, term = 1.0, 1.0
    for k in range(1, (df - 2) // 2 + 1):  # term k: ((2k - 1) / 2k) cos^2 of the last
        term *= c2 * (2 * k - 1) / (2 * k)
        total += term
    return math.sin(theta) * total


def t_quantile(confidence: float, df: int) -> float:
    """The t with P(|T| < t) = confidence for ``df`` degrees of freedom (two-sided), by bisection."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    low, high = 0.0, 1.0
    while student_t_two_sided(high, df) < confidence:
        high *= 2
    for _ in range(100):  # 2**-100 of the bracket: to the last bit of a float
        mid = (low + high) / 2
        if student_t_two_sided(mid, df) < confidence:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def mean_interval(values, axis: int = 0, confidence: float = 0.95):
    """(mean, low, high) along ``axis``: the mean of the values and the Student-t interval of the
    mean at ``confidence``. With fewer than two values the interval is NaN. NaN values are left
    out (each cell uses the replications it has)."""
    values = np.asarray(values, dtype=float)
    n = np.sum(np.isfinite(values), axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.nansum(values, axis=axis)
        mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        centred = values - np.expand_dims(mean, axis)
        var = np.nansum(centred ** 2, axis=axis) / np.maximum(n - 1, 1)
        t = np.vectorize(lambda k: t_quantile(confidence, int(k) - 1) if k >= 2 else np.nan,
                         otypes=[float])(n)
        half = np.where(n >= 2, t * np.sqrt(var / np.maximum(n, 1)), np.nan)
    return mean, mean - half, mean + half


def excludes_zero(low, high):
    """True where an interval lies wholly above or wholly below zero (NaN intervals: False)."""
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    with np.errstate(invalid="ignore"):
        return (low > 0) | (high < 0)
