"""Tables of headline indicators for every kind of results file, as pandas DataFrames.

- :func:`summary_table`: one row per headline indicator (run: the value; replications: the mean
  over replications with its 95 % interval; comparison: see :func:`comparison_table`; sweep: see
  :func:`sweep_table`).
- :func:`comparison_table`: per scenario against the baseline, A, B, B - A and the interval of
  the paired difference, whether the difference is clear (the interval excludes zero), and
  whether it is large enough to matter (at least the indicator's threshold,
  :func:`default_threshold` unless the caller sets one). The two are kept apart: with many
  replications a difference far too small to matter can be clear.
- :func:`comparison_words`: the same in words and per cent, as ``valinta_analysis summary``
  prints it for a policy reader.
- :func:`sweep_table`: one row per run of a sweep, its parameters and its headline indicators,
  ready for sensitivity analysis; :func:`sensitivity_table` ranks parameters by their rank
  correlation with each indicator.

Intervals are recomputed here from the per-replication values in ``summary`` (paired over
replications for differences), with Student's t, so they can be checked against the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from .results import (INDICATOR, REPLICATION, SCENARIO, DataLike, MissingData, dataset,
                      expect_kind, file_kind, open_h5, require, source_path, summary)
from .stats import excludes_zero, mean_interval

#: Headline indicators in report order: key -> (label, format, units). ``pct`` formats a share
#: (a fraction) in per cent. Keys not listed here are shown after these with their own name.
HEADLINES: dict[str, tuple[str, str, str]] = {
    "residents": ("Residents simulated", "{:,.0f}", "residents"),
    "eligible": ("Residents eligible to choose (pilot area)", "{:,.0f}", "residents"),
    "ever_switched_share": ("Eligible residents who switched producer at least once", "pct", "1"),
    "switched_share_public": ("Eligible residents listed away from their home station at the end: "
                              "at another public producer", "pct", "1"),
    "switched_share_private": ("... at a private producer", "pct", "1"),
    "switched_share_third_sector": ("... at a third-sector producer", "pct", "1"),
    "mean_wait_days": ("Mean wait for a visit", "{:.1f} days", "days"),
    "share_within_guarantee": ("Contacts within the care guarantee", "pct", "1"),
    "visits_per_resident_year": ("Visits per resident per year", "{:.2f}",
                                 "visits per resident-year"),
    "doctor_visits_per_resident_year": ("Doctor visits per resident per year", "{:.2f}",
                                        "visits per resident-year"),
    "er_diversions_per_1000_year": ("Diversions to emergency care per 1,000 residents per year",
                                    "{:.1f}", "contacts per 1,000 resident-years"),
    "referrals_per_1000_year": ("Referrals to specialised care per 1,000 residents per year",
                                "{:.1f}", "referrals per 1,000 resident-years"),
    "organiser_cost_per_resident_year": ("Organiser's cost per resident per year",
                                         "{:,.0f} EUR", "EUR per resident-year"),
    "client_fees_per_resident_year": ("Client fees paid by residents, per resident per year",
                                      "{:,.0f} EUR", "EUR per resident-year"),
}

#: Short names of the headline indicators, for tables and figure axes.
SHORT_LABELS = {
    "residents": "Residents simulated", "eligible": "Residents eligible to choose",
    "ever_switched_share": "Switched producer at least once",
    "switched_share_public": "Listed away from home station: public",
    "switched_share_private": "Listed away from home station: private",
    "switched_share_third_sector": "Listed away from home station: third sector",
    "mean_wait_days": "Mean wait for a visit",
    "share_within_guarantee": "Visits within the care guarantee",
    "visits_per_resident_year": "Visits per resident-year",
    "doctor_visits_per_resident_year": "Doctor visits per resident-year",
    "er_diversions_per_1000_year": "Emergency diversions per 1,000 resident-years",
    "referrals_per_1000_year": "Referrals per 1,000 resident-years",
    "organiser_cost_per_resident_year": "Organiser's cost per resident-year",
    "client_fees_per_resident_year": "Client fees per resident-year",
}


def short_label(key: str) -> str:
    return SHORT_LABELS.get(key, key.replace("_", " ").capitalize())


def indicator_label(key: str) -> str:
    return HEADLINES.get(key, (key.replace("_", " ").capitalize(), "", ""))[0]


def indicator_units(key: str) -> str:
    """Units of a headline indicator ('1' for shares, which are fractions)."""
    if key in HEADLINES:
        return HEADLINES[key][2]
    return "1" if "share" in key else ""


def is_share(key: str) -> bool:
    return HEADLINES.get(key, ("", "pct" if "share" in key else ""))[1] == "pct"


def format_headline(key: str, value: float) -> tuple[str, str]:
    """(label, formatted value) for one headline indicator."""
    label, fmt, _ = HEADLINES.get(key, (key.replace("_", " ").capitalize(), "{:,.4g}", ""))
    return label, format_value(key, value, fmt)


def format_value(key: str, value: float, fmt: str | None = None) -> str:
    """A headline value for reading: shares in per cent, others as in HEADLINES."""
    if value is None or not np.isfinite(value):
        return "n/a"
    fmt = fmt or HEADLINES.get(key, ("", "{:,.4g}", ""))[1]
    if fmt == "pct":
        return f"{value * 100:.1f} %"
    return fmt.format(value)


def difference_units(key: str) -> str:
    """The units a difference of the indicator is shown in: '%-points' for shares, the
    indicator's units otherwise ('' if it has none)."""
    if is_share(key):
        return "%-points"
    units = indicator_units(key)
    return "" if units == "1" else units


def _unit_suffix(key: str) -> str:
    """The unit written after a number of the indicator, as its format gives it (' days',
    ' EUR'); '' for indicators whose label names their units ('Visits per resident-year')."""
    return HEADLINES.get(key, ("", "{:,.4g}", ""))[1].partition("}")[2]


def format_difference(key: str, value: float, unit: bool = True) -> str:
    """A difference with its sign: shares in percentage points (%-points), others in their
    units as the indicator's format writes them (days, EUR; the others name their units in their
    label); ``unit=False`` leaves the unit out."""
    if value is None or not np.isfinite(value):
        return "n/a"
    if is_share(key):
        return _signed(value * 100, "{:+.2f}") + (" %-points" if unit else "")
    number = HEADLINES.get(key, ("", "{:,.4g}", ""))[1].partition("}")[0]
    return _signed(value, (number + "}").replace("{:", "{:+")) + (_unit_suffix(key) if unit else "")


def format_threshold(key: str, value: float) -> str:
    """A threshold (a size of difference, without sign) in the units differences are shown in,
    with two significant digits where the indicator's format would round it away."""
    if value is None or not np.isfinite(value):
        return "n/a"
    shown = value * 100 if is_share(key) else value
    if shown == 0:
        number = "0"
    elif abs(shown) >= 100:
        number = f"{shown:,.0f}"
    else:
        decimals = max(0, 1 - int(np.floor(np.log10(abs(shown)))))
        number = f"{shown:,.{decimals}f}"
    return number + (" %-points" if is_share(key) else _unit_suffix(key))


def _signed(value: float, fmt: str) -> str:
    """``value`` in ``fmt``, or with two significant digits where ``fmt`` would round a nonzero
    value to zero (a small clear difference must not read as '-0')."""
    text = fmt.format(value)
    if value != 0 and not text.strip("+-0.,"):
        return f"{value:+.2g}"
    return text


def ordered_headlines(headline: dict) -> list[tuple[str, str]]:
    """(label, formatted value) for every headline figure, in HEADLINES order, others after."""
    return [format_headline(k, headline[k]) for k in ordered_keys(headline)]


def ordered_keys(keys) -> list[str]:
    keys = list(keys)
    return [k for k in HEADLINES if k in keys] + [k for k in keys if k not in HEADLINES]


# --- per-replication values ---------------------------------------------------------------------

def indicators(ds: xr.Dataset) -> list[str]:
    """The headline indicator names of a multi-run file (dimension ``indicator``)."""
    require(ds, INDICATOR)
    return [str(v) for v in ds[INDICATOR].values]


def replicated_summary(ds: xr.Dataset) -> xr.DataArray:
    """``summary`` of a replications or comparison file: (replication, indicator) or
    (scenario, replication, indicator)."""
    require(ds, "summary")
    return ds["summary"].astype(float)


def headline(data: DataLike) -> dict[str, float]:
    """The headline figures of a run (as printed at its end) or, for a replications file, their
    means over the replications."""
    ds = dataset(data)
    if file_kind(ds) == "run":
        return summary(ds)
    expect_kind(ds, "replications")
    table = summary_table(ds)
    return dict(zip(table["indicator"], table["mean"]))


def _interval_frame(values: np.ndarray, names: list[str], confidence: float) -> pd.DataFrame:
    mean, low, high = mean_interval(values, axis=0, confidence=confidence)
    return pd.DataFrame({
        "indicator": names,
        "description": [indicator_label(k) for k in names],
        "units": [indicator_units(k) for k in names],
        "mean": mean, "ci_low": low, "ci_high": high,
        "replications": np.sum(np.isfinite(values), axis=0),
    })


def summary_table(data: DataLike, confidence: float | None = None) -> pd.DataFrame:
    """One row per headline indicator, for any kind of results file.

    run: indicator, description, units, value. replications: indicator, description, units,
    mean, ci_low, ci_high (interval of the mean at ``confidence``, default the file's or 0.95),
    replications. comparison: :func:`comparison_table`. sweep: :func:`sweep_table`.
    """
    ds = dataset(data)
    kind = file_kind(ds)
    if kind == "comparison":
        return comparison_table(ds, confidence)
    if kind == "sweep":
        return sweep_table(ds)
    if kind == "run":
        figures = summary(ds)
        keys = ordered_keys(figures)
        return pd.DataFrame({"indicator": keys,
                             "description": [indicator_label(k) for k in keys],
                             "units": [indicator_units(k) for k in keys],
                             "value": [figures[k] for k in keys]})
    values = replicated_summary(ds).transpose(REPLICATION, INDICATOR).values
    return _interval_frame(values, indicators(ds), _confidence(ds, confidence))


def _confidence(ds: xr.Dataset, confidence: float | None) -> float:
    if confidence is not None:
        return float(confidence)
    return float(ds.attrs.get("confidence", 0.95))


# --- comparisons --------------------------------------------------------------------------------

def scenarios(ds: xr.Dataset) -> list[str]:
    """Scenario labels of a comparison file, the baseline first."""
    require(ds, SCENARIO)
    return [str(v) for v in ds[SCENARIO].values]


def baseline(ds: xr.Dataset) -> str:
    """The label of the baseline scenario (root attribute ``baseline``, else the first)."""
    return str(ds.attrs.get("baseline", scenarios(ds)[0]))


COMPARISON_COLUMNS = ["scenario", "baseline", "indicator", "description", "units",
                      "baseline_mean", "scenario_mean", "difference", "ci_low", "ci_high", "clear",
                      "threshold", "large_enough", "replications"]


def default_threshold(key: str, baseline_mean: float) -> float:
    """How large a difference of an indicator must be to matter, unless the user sets it: half
    a percentage point (0.005) for shares, one per cent of the baseline mean for everything else
    (0 where the baseline mean is zero or unknown). In the indicator's own units (a fraction for
    shares), like the differences in :func:`comparison_table`."""
    if is_share(key):
        return 0.005
    if baseline_mean is None or not np.isfinite(baseline_mean) or baseline_mean == 0:
        return 0.0
    return round(abs(float(baseline_mean)) * 0.01, 6)


def parse_threshold(text: str) -> tuple[str, float]:
    """``KEY=VALUE`` as given on the command line -> (indicator, threshold in the indicator's own
    units). VALUE is in the units the report shows differences in: percentage points for shares
    (``ever_switched_share=1`` is one %-point, 0.01 as a fraction), the indicator's units
    otherwise (``mean_wait_days=0.5`` is half a day). Raises ValueError on malformed text."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ValueError(f"--threshold {text!r}: expected KEY=VALUE, e.g. mean_wait_days=0.5")
    try:
        number = float(value.strip().removesuffix("%-points").strip())
    except ValueError:
        raise ValueError(f"--threshold {text!r}: {value.strip()!r} is not a number") from None
    if not np.isfinite(number) or number < 0:
        raise ValueError(f"--threshold {text!r}: the threshold must be a number of at least 0")
    return key, number / 100 if is_share(key) else number


def comparison_table(data: DataLike, confidence: float | None = None,
                     thresholds: dict[str, float] | None = None) -> pd.DataFrame:
    """Every scenario against the baseline: one row per (scenario, indicator), baseline first.

    ``baseline_mean`` and ``scenario_mean`` are means over replications (A and B), ``difference``
    the mean of the paired differences B - A over replications (the runs share random numbers
    replication by replication), ``ci_low``/``ci_high`` its Student-t interval at ``confidence``
    (default: the file's ``confidence`` attribute, else 0.95), and ``clear`` whether that interval
    excludes zero. With one replication there is no interval and nothing is clear.

    ``threshold`` is how large a difference must be to matter: ``thresholds[indicator]`` where
    given (in the indicator's own units, a fraction for shares), else :func:`default_threshold`
    of the baseline mean. ``large_enough`` is whether |difference| >= threshold (a difference of
    exactly zero never is). It says nothing about chance: read it together with ``clear``.
    Raises ValueError if ``thresholds`` names an indicator the file does not have.
    """
    ds = dataset(data)
    expect_kind(ds, "comparison")
    conf = _confidence(ds, confidence)
    thresholds = dict(thresholds or {})
    values = replicated_summary(ds).transpose(SCENARIO, REPLICATION, INDICATOR)
    names = indicators(ds)
    labels = scenarios(ds)
    base = baseline(ds)
    if base not in labels:
        raise MissingData(f"the baseline {base!r} is not among the scenarios {labels}")
    unknown = sorted(set(thresholds) - set(names))
    if unknown:
        raise ValueError(f"no headline indicator {', '.join(unknown)} in the comparison; it has "
                         f"{', '.join(names)}")
    a = values.sel({SCENARIO: base}).values
    a_mean = mean_interval(a, axis=0, confidence=conf)[0]
    limits = np.array([float(thresholds[k]) if k in thresholds else default_threshold(k, m)
                       for k, m in zip(names, a_mean)])
    frames = []
    for label in labels:
        b = values.sel({SCENARIO: label}).values
        b_mean = mean_interval(b, axis=0, confidence=conf)[0]
        diff, low, high = mean_interval(b - a, axis=0, confidence=conf)
        frames.append(pd.DataFrame({
            "scenario": label, "baseline": base, "indicator": names,
            "description": [indicator_label(k) for k in names],
            "units": [indicator_units(k) for k in names],
            "baseline_mean": a_mean, "scenario_mean": b_mean, "difference": diff,
            "ci_low": low, "ci_high": high, "clear": excludes_zero(low, high),
            "threshold": limits, "large_enough": large_enough(diff, limits),
            "replications": np.sum(np.isfinite(b - a), axis=0),
        }))
    table = pd.concat(frames, ignore_index=True)[COMPARISON_COLUMNS]
    table.attrs = {"confidence": conf, "baseline": base, "thresholds_set": sorted(thresholds)}
    return table


def large_enough(difference, threshold) -> np.ndarray:
    """Whether each difference is large enough to matter: finite, not zero, and |difference| at
    least the threshold."""
    difference = np.asarray(difference, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.isfinite(difference) & (difference != 0) & (np.abs(difference) >= threshold)


def stored_comparison(data: DataLike) -> pd.DataFrame:
    """The differences as the engine stored them (difference_mean, difference_ci_low,
    difference_ci_high, difference_clear), one row per (scenario, indicator), to check
    :func:`comparison_table` against."""
    ds = dataset(data)
    expect_kind(ds, "comparison")
    require(ds, "difference_mean", "difference_ci_low", "difference_ci_high", "difference_clear")
    rows = {}
    for name in ("difference_mean", "difference_ci_low", "difference_ci_high", "difference_clear"):
        rows[name] = ds[name].transpose(SCENARIO, INDICATOR).values.ravel()
    frame = pd.DataFrame({
        "scenario": np.repeat(scenarios(ds), ds.sizes[INDICATOR]),
        "indicator": np.tile(indicators(ds), ds.sizes[SCENARIO]), **rows})
    frame["difference_clear"] = frame["difference_clear"].astype(bool)
    return frame


def comparison_words(data: DataLike, scenario: str | None = None,
                     confidence: float | None = None,
                     thresholds: dict[str, float] | None = None) -> pd.DataFrame:
    """The comparison of one scenario (default: the first after the baseline) with the baseline,
    as text for reading: indicator, A, B, B - A, the interval, 'yes' or 'no' for a clear
    difference, the threshold of a difference that matters and 'yes' or 'no' for a difference at
    least that large. Shares are in per cent, their differences in percentage points."""
    table = (data if isinstance(data, pd.DataFrame)
             else comparison_table(data, confidence, thresholds))
    conf = table.attrs.get("confidence", 0.95)
    base = table.attrs.get("baseline", table["baseline"].iloc[0] if len(table) else "A")
    others = [s for s in dict.fromkeys(table["scenario"]) if s != base]
    chosen = scenario or (others[0] if others else base)
    rows = table[table["scenario"] == chosen]
    interval = f"{conf * 100:g} % interval of B \u2212 A"
    words = pd.DataFrame({
        "indicator": [short_label(k) for k in rows["indicator"]],
        f"A: {base}": [format_value(k, v) for k, v in zip(rows["indicator"], rows["baseline_mean"])],
        f"B: {chosen}": [format_value(k, v) for k, v in zip(rows["indicator"], rows["scenario_mean"])],
        "B \u2212 A": [format_difference(k, v) for k, v in zip(rows["indicator"], rows["difference"])],
        interval: [_interval_words(k, lo, hi) for k, lo, hi in
                   zip(rows["indicator"], rows["ci_low"], rows["ci_high"])],
        "clear difference?": ["yes" if c else "no" for c in rows["clear"]],
        "threshold": [format_threshold(k, t) for k, t in zip(rows["indicator"], rows["threshold"])],
        "large enough to matter?": ["yes" if m else "no" for m in rows["large_enough"]],
    })
    words.attrs = {"baseline": base, "scenario": chosen, "confidence": conf}
    return words


def _interval_words(key: str, low: float, high: float) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return "n/a (one replication)"
    return f"{format_difference(key, low, unit=False)} to {format_difference(key, high)}"


def text_table(frame: pd.DataFrame) -> str:
    """A DataFrame of text as a plain table: a header, a rule, then the rows; the first column
    left-aligned, the others right-aligned, columns two spaces apart."""
    columns = [str(c) for c in frame.columns]
    cells = [[str(v) for v in row] for row in frame.itertuples(index=False)]
    widths = [max([len(c)] + [len(row[j]) for row in cells]) for j, c in enumerate(columns)]

    def line(values):
        parts = [v.ljust(widths[0]) if j == 0 else v.rjust(widths[j]) for j, v in enumerate(values)]
        return "  ".join(parts).rstrip()

    return "\n".join([line(columns), "  ".join("-" * w for w in widths)] + [line(r) for r in cells])


def format_comparison(data: DataLike, confidence: float | None = None,
                      thresholds: dict[str, float] | None = None) -> str:
    """The comparison tables as plain text, one per scenario after the baseline, with a short
    explanation of how to read them."""
    table = (data if isinstance(data, pd.DataFrame)
             else comparison_table(data, confidence, thresholds))
    base = table.attrs["baseline"]
    conf = table.attrs["confidence"]
    replications = int(table["replications"].max()) if len(table) else 0
    others = [s for s in dict.fromkeys(table["scenario"]) if s != base]
    out = [f"Comparison with the baseline A = {base}, over {replications} replications with "
           "common random numbers.",
           f"B \u2212 A is the mean of the paired differences; the interval is its {conf * 100:g} % "
           "interval.",
           "'clear difference?' is yes when the interval does not include zero: the difference is "
           "then unlikely to be chance alone.",
           "'large enough to matter?' is yes when |B \u2212 A| is at least the threshold (default: "
           "0.5 %-points for shares, 1 % of A otherwise); a clear difference can be too small to "
           "matter.",
           "Shares are in per cent; their differences in percentage points (%-points).", ""]
    for name in others:
        words = comparison_words(table, name)
        out.append(f"B = {name}")
        out.append(text_table(words))
        out.append("")
    if not others:
        out.append("(only the baseline: nothing to compare)")
    return "\n".join(out).rstrip() + "\n"


# --- sweeps -------------------------------------------------------------------------------------

def sweep_table(data: DataLike) -> pd.DataFrame:
    """One row per run of a sweep: run, point, replication, ok (bool), error, then one column per
    parameter (named as the scenario key, e.g. ``choice.inertia``) and one per headline
    indicator (NaN for failed runs). ``attrs`` holds the design, the parameter names and the
    indicator names."""
    ds = dataset(data)
    expect_kind(ds, "sweep")
    require(ds, "run_parameters", "summary", "parameter")
    parameters = [str(v) for v in ds["parameter"].values]
    names = indicators(ds)
    frame = pd.DataFrame({"run": ds["run"].values.astype(int)})
    for column, variable in (("point", "run_point"), ("replication", "run_replication")):
        if variable in ds:
            frame[column] = ds[variable].values.astype(int)
    frame["ok"] = ds["run_ok"].values.astype(bool) if "run_ok" in ds else True
    frame["error"] = [str(v) for v in ds["run_error"].values] if "run_error" in ds else ""
    values = ds["run_parameters"].transpose("run", "parameter").values.astype(float)
    for j, name in enumerate(parameters):
        frame[name] = values[:, j]
    results = ds["summary"].transpose("run", INDICATOR).values.astype(float)
    for j, name in enumerate(names):
        frame[name] = results[:, j]
    frame.attrs = {"design": str(ds.attrs.get("design", "")), "parameters": parameters,
                   "indicators": names}
    return frame


def sweep_parameter_ranges(data: DataLike) -> dict[str, str]:
    """Parameter -> what the sweep file gives for it, as text ('0.4 to 1.2', 'values 14, 30,
    60'), read from the sweep file stored in the results (``sweep/source``); empty if the file
    does not hold it."""
    import yaml

    path = source_path(data)
    if not path:
        return {}
    try:
        with open_h5(path) as f:
            if "sweep/source" not in f:
                return {}
            text = f["sweep/source"][()]
        spec = yaml.safe_load(text.decode() if isinstance(text, bytes) else text)
    except (OSError, ValueError, KeyError, yaml.YAMLError):
        return {}
    out = {}
    parameters = spec.get("parameters") if isinstance(spec, dict) else None
    for name, given in (parameters or {}).items():
        if isinstance(given, dict) and "min" in given and "max" in given:
            out[str(name)] = f"{given['min']} to {given['max']}"
        elif isinstance(given, dict) and isinstance(given.get("values"), list):
            out[str(name)] = "values " + ", ".join(str(v) for v in given["values"])
        else:
            out[str(name)] = str(given)
    return out


def sensitivity_table(data: DataLike, method: str = "spearman") -> pd.DataFrame:
    """Parameters down, indicators across: the rank (Spearman) correlation of each parameter with
    each indicator over the runs that succeeded. A quick screen of which parameters matter; for
    variance-based indices use the sweep_table with a dedicated library."""
    table = data if isinstance(data, pd.DataFrame) else sweep_table(data)
    ok = table[table["ok"]]
    parameters, names = table.attrs["parameters"], table.attrs["indicators"]
    correlations = ok[parameters + names].corr(method=method)
    return correlations.loc[parameters, names]
