"""Small replications, comparison and sweep files written with h5py in the engine's layout.

The engine's `valinta run --replications`, `valinta compare` and `valinta sweep` write these
files; until they exist everywhere, the tests build files of the same layout here (see
docs/output-format.md): dimension scales in the root group made with ``make_scale`` and attached
to every variable with ``dims[i].attach_scale``, ``units`` and ``long_name`` on every variable, and
the root attribute ``kind``.

- :func:`write_comparison` and :func:`write_sweep` write synthetic numbers chosen by the test, so
  the expected differences are known exactly.
- :func:`write_replications` stacks real single-run files (same scenario, different seeds) along
  a new leading ``replication`` dimension, so every single-run figure has its data.
"""

from __future__ import annotations

import math

import h5py
import numpy as np

# The headline indicators, in the engine's order (Summary::items in results.cpp).
INDICATORS = [
    "residents", "eligible", "switched_share_public", "switched_share_private",
    "switched_share_third_sector", "ever_switched_share", "mean_wait_days",
    "share_within_guarantee", "visits_per_resident_year", "doctor_visits_per_resident_year",
    "er_diversions_per_1000_year", "referrals_per_1000_year", "organiser_cost_per_resident_year",
    "client_fees_per_resident_year",
]

# Two-sided 95 % Student-t quantiles (t_{0.975, df}), from statistical tables, for writing the
# stored intervals independently of valinta_analysis.stats.
T975 = {1: 12.706204736174705, 2: 4.302652729749464, 3: 3.182446305284263, 4: 2.7764451051977987,
        5: 2.5705818356363146, 6: 2.4469118511449692, 7: 2.3646242515927844,
        9: 2.2621571627982053}

STR = h5py.string_dtype("utf-8")

SECTORS = ["public", "private", "third_sector"]
REASONS = ["review", "dissatisfaction", "closure", "entry_nudge", "campaign", "assignment", "poor_access",
           "neighbours", "household"]
NEEDS = ["well", "light", "basic", "heavy"]
PAYMENT_KINDS = ["capitation", "fee_for_service", "client_fee", "referral_organiser",
                 "referral_producer", "emergency", "heavy_service", "performance", "voucher",
                 "temporary_capacity"]

# Zones of a comparison file: name, municipality code, residents, eligible to choose, lon, lat
# (four municipalities of Keski-Suomi; Laukaa outside the pilot, so no one there is eligible).
ZONES = [("Jyv\u00e4skyl\u00e4", "179", 13000, 7100, 25.75, 62.24),
         ("Hankasalmi", "077", 500, 240, 26.44, 62.39),
         ("Uurainen", "892", 370, 180, 25.44, 62.50),
         ("Laukaa", "410", 1800, 0, 25.95, 62.41)]

# Series of a comparison file: name -> (trailing dims after step, units, long name).
COMPARISON_SERIES = {
    "n_listed_by_sector": (["sector"], "residents", "residents listed, by sector"),
    "n_away_from_home_by_sector": (["sector"], "residents",
                                   "pilot residents listed away from their home station, by sector"),
    "new_switches": ([], "residents", "switches of producer"),
    "new_switches_by_reason": (["switch_reason"], "residents", "switches by reason"),
    "wait_mean_days_all": ([], "days", "mean wait of all visits served"),
    "wait_p50_days_all": ([], "days", "median wait of all visits served"),
    "share_within_guarantee_all": ([], "1", "share of all visits within the care guarantee"),
    "organiser_books_eur": (["payment_kind"], "EUR",
                            "money flows by kind from the payers' books (organiser; residents for "
                            "client fees)"),
    "n_heavy": ([], "residents", "heavy-need residents (the integration guidance's indicator)"),
    "new_need_flows": (["need_from", "need_to"], "residents",
                       "residents moving between need levels (diagonal: staying)"),
}


class Writer:
    """Writes dimension scales and variables attached to them, as the engine does."""

    def __init__(self, f: h5py.File, fixed_strings: bool = False):
        self.f = f
        self.fixed_strings = fixed_strings  # labels as fixed-length byte strings, not UTF-8 text

    def dimension(self, name: str, values, long_name: str, units: str | None = None):
        values = list(values)
        if values and isinstance(values[0], str) and self.fixed_strings:
            data = self.f.create_dataset(name, data=np.array([v.encode() for v in values]))
        elif values and isinstance(values[0], str):
            data = self.f.create_dataset(name, data=np.array(values, dtype=object), dtype=STR)
        else:
            data = self.f.create_dataset(name, data=np.asarray(values, dtype=np.int64))
        data.make_scale(name)
        data.attrs["long_name"] = long_name
        if units is not None:
            data.attrs["units"] = units
        return data

    def variable(self, name: str, values, dims, long_name: str, units: str | None = None):
        values = np.asarray(values)
        if values.dtype.kind in "UO":
            data = self.f.create_dataset(name, data=values.astype(object), dtype=STR)
        else:
            data = self.f.create_dataset(name, data=values)
        assert data.shape == tuple(self.f[d].shape[0] for d in dims), (name, data.shape, dims)
        for i, dim in enumerate(dims):
            data.dims[i].attach_scale(self.f[dim])
        data.attrs["long_name"] = long_name
        if units is not None:
            data.attrs["units"] = units
        return data

    def text(self, path: str, value: str, long_name: str):
        data = self.f.create_dataset(path, data=value, dtype=STR)
        data.attrs["long_name"] = long_name
        return data

    def indicator_dimension(self, names=INDICATORS):
        return self.dimension("indicator", names, "headline indicator (as in summary/text of a run)")

    def replication_dimension(self, count: int):
        return self.dimension("replication", range(count), "replication (0-based)", "1")

    def step_and_date(self, steps: int, start: str = "2017-02-01", step_days: int = 7):
        self.dimension("step", range(steps), "simulation step (its first day is in `date`)", "1")
        first = np.datetime64(start, "D")
        dates = [str(first + np.timedelta64(k * step_days, "D")) for k in range(steps)]
        self.variable("date", np.array(dates, dtype=object), ["step"],
                      "ISO date of the first day of the step")
        self.f.attrs["step_days"] = np.int64(step_days)
        self.f.attrs["start_date"] = start

    def intervals(self, prefix: str, values: np.ndarray, dims_before: list[str]):
        """``PREFIX_mean``, ``PREFIX_ci_low``, ``PREFIX_ci_high`` over axis -2 (replication) of
        values (..., replication, indicator), with the tabulated t quantile."""
        n = values.shape[-2]
        mean = values.mean(axis=-2)
        sd = values.std(axis=-2, ddof=1) if n > 1 else np.full(mean.shape, np.nan)
        half = T975[n - 1] * sd / math.sqrt(n) if n > 1 else sd
        dims = dims_before + ["indicator"]
        self.variable(f"{prefix}_mean", mean, dims, "mean over replications")
        self.variable(f"{prefix}_ci_low", mean - half, dims,
                      "lower end of the 95 % Student-t interval of the mean")
        self.variable(f"{prefix}_ci_high", mean + half, dims,
                      "upper end of the 95 % Student-t interval of the mean")
        return mean - half, mean + half


def _root_attributes(f: h5py.File, kind: str, replications: int, seed: int = 20170201):
    f.attrs["title"] = "Valinta simulation results"
    f.attrs["engine"] = "valinta"
    f.attrs["engine_version"] = "0.1.0"
    f.attrs["git_commit"] = "test-fixture"
    f.attrs["kind"] = kind
    f.attrs["replications"] = np.int64(replications)
    f.attrs["seed"] = np.int64(seed)
    f.attrs["Conventions"] = "Valinta-1; n_ stocks, new_ flows per step"


def synthetic_series(steps: int, replications: int, level: float, rng: np.random.Generator,
                     trailing: tuple[int, ...] = ()) -> np.ndarray:
    """(replication, step, *trailing) positive values around ``level`` with a slow trend."""
    trend = np.linspace(1.0, 1.2, steps).reshape((1, steps) + (1,) * len(trailing))
    noise = rng.normal(1.0, 0.03, size=(replications, steps) + trailing)
    return level * trend * noise


def write_comparison(path, summaries: dict[str, np.ndarray], steps: int = 12,
                     series_shift: dict[str, float] | None = None, seed: int = 7,
                     with_text: bool = True, fixed_strings: bool = False,
                     resolved: dict[str, str] | None = None) -> str:
    """A comparison file. ``summaries`` maps scenario label (baseline first) to an array
    (replication, indicator) of headline values in INDICATORS order. Series are synthetic, the
    same for every scenario except multiplied by ``series_shift[label]`` (default 1); the zones
    are ZONES, with series by zone. ``fixed_strings`` writes the labels of the dimensions as
    fixed-length byte strings. ``resolved`` maps a label to the text of its resolved scenario
    (default: its name and one rule the same for all)."""
    labels = list(summaries)
    stacked = np.stack([np.asarray(summaries[k], dtype=float) for k in labels])
    n_scen, n_rep, _ = stacked.shape
    rng = np.random.default_rng(seed)
    with h5py.File(path, "w") as f:
        w = Writer(f, fixed_strings)
        _root_attributes(f, "comparison", n_rep)
        f.attrs["baseline"] = np.bytes_(labels[0]) if fixed_strings else labels[0]
        f.attrs["confidence"] = 0.95
        w.dimension("scenario", labels, "scenario compared (the first is the baseline)")
        w.replication_dimension(n_rep)
        w.indicator_dimension()
        w.step_and_date(steps)
        w.dimension("sector", SECTORS, "producer sector")
        w.dimension("switch_reason", REASONS, "reason for a switch")
        w.dimension("need_from", NEEDS, "need level before the step")
        w.dimension("need_to", NEEDS, "need level after the step")
        w.dimension("payment_kind", PAYMENT_KINDS, "kind of money flow")
        w.dimension("zone", [z[0] for z in ZONES], "zone (municipality)")
        w.variable("zone_code", np.array([z[1] for z in ZONES], dtype=object), ["zone"],
                   "official municipality code")
        w.variable("zone_residents", np.array([z[2] for z in ZONES]), ["zone"],
                   "residents simulated", "residents")
        w.variable("zone_eligible", np.array([z[3] for z in ZONES]), ["zone"],
                   "residents eligible to choose", "residents")
        w.variable("zone_lon", np.array([z[4] for z in ZONES]), ["zone"], "longitude of the centre",
                   "degrees_east")
        w.variable("zone_lat", np.array([z[5] for z in ZONES]), ["zone"], "latitude of the centre",
                   "degrees_north")
        w.variable("scenario_file", np.array([f"scenarios/{k}.yaml" for k in labels], dtype=object),
                   ["scenario"], "scenario file of each scenario")
        w.variable("summary", stacked, ["scenario", "replication", "indicator"],
                   "headline indicators of each run")
        w.intervals("summary", stacked, ["scenario"])
        paired = stacked - stacked[:1]
        low, high = w.intervals("difference", paired, ["scenario"])
        w.variable("difference_clear", ((low > 0) | (high < 0)).astype(np.int64),
                   ["scenario", "indicator"], "1 if the interval of the difference excludes 0",
                   "1")
        shifts = series_shift or {}
        for name, (trailing, units, long_name) in COMPARISON_SERIES.items():
            shape = tuple(f[d].shape[0] for d in trailing)
            level = {"1": 0.9, "days": 8.0, "EUR": 2.0e5}.get(units, 1000.0)
            base = synthetic_series(steps, n_rep, level, rng, shape)
            if units == "1":
                base = np.clip(base, 0, 1)
            values = np.stack([base * shifts.get(k, 1.0) for k in labels])
            if units in ("residents",) and name.startswith(("n_", "new_")):
                values = np.round(values).astype(np.int64)
            w.variable(name, values, ["scenario", "replication", "step"] + trailing, long_name,
                       units)
        eligible = np.array([z[3] for z in ZONES], dtype=float)
        share = synthetic_series(steps, n_rep, 0.08, rng, (len(ZONES), len(SECTORS)))
        away = np.stack([np.round(share * shifts.get(k, 1.0) * eligible[:, None] / len(SECTORS))
                         for k in labels]).astype(np.int64)
        w.variable("n_away_from_home_by_zone", away,
                   ["scenario", "replication", "step", "zone", "sector"],
                   "pilot residents listed away from their home station, by zone and sector",
                   "residents")
        switches = np.stack([np.round(synthetic_series(steps, n_rep, 3.0, rng, (len(ZONES),))
                                      * shifts.get(k, 1.0) * (eligible > 0)) for k in labels])
        w.variable("new_switches_by_zone", switches.astype(np.int64),
                   ["scenario", "replication", "step", "zone"], "switches of producer, by zone",
                   "residents")
        if with_text:
            for k in labels:
                text = (resolved or {}).get(k, f"name: {k}\nrules:\n  information: x\n")
                w.text(f"scenarios/{k}/resolved", text,
                       "the scenario with every default written out (YAML)")
    return str(path)


def write_sweep(path, parameters: dict[str, np.ndarray], results: np.ndarray,
                ok: np.ndarray | None = None, design: str = "latin_hypercube",
                replications: int = 1, steps: int = 6) -> str:
    """A sweep file: ``parameters`` maps scenario key to the values of each run, ``results`` is
    (run, indicator); failed runs (ok 0) get NaN results and an error text."""
    names = list(parameters)
    runs = len(next(iter(parameters.values())))
    ok = np.ones(runs, dtype=np.int64) if ok is None else np.asarray(ok, dtype=np.int64)
    results = np.where(ok[:, None] == 1, np.asarray(results, dtype=float), np.nan)
    rng = np.random.default_rng(3)
    with h5py.File(path, "w") as f:
        w = Writer(f)
        _root_attributes(f, "sweep", replications)
        f.attrs["design"] = design
        f.attrs["points"] = np.int64(runs // replications)
        w.dimension("run", range(runs), "run of the sweep (0-based)", "1")
        w.dimension("parameter", names, "scenario key varied")
        w.indicator_dimension()
        w.step_and_date(steps)
        w.variable("run_parameters", np.stack([parameters[k] for k in names], axis=1).astype(float),
                   ["run", "parameter"], "value of each parameter in each run")
        w.variable("run_point", np.arange(runs) // replications, ["run"], "design point of the run",
                   "1")
        w.variable("run_replication", np.arange(runs) % replications, ["run"],
                   "replication of the run at its point", "1")
        w.variable("run_ok", ok, ["run"], "1 if the run finished", "1")
        w.variable("run_error", np.array(["" if k else "scenario invalid: test failure"
                                          for k in ok], dtype=object),
                   ["run"], "why the run failed ('' if it did not)")
        w.variable("summary", results, ["run", "indicator"], "headline indicators of each run")
        w.variable("new_switches", synthetic_series(steps, runs, 100.0, rng), ["run", "step"],
                   "switches of producer", "residents")
    return str(path)


def write_replications(path, run_files: list, seed: int = 20170201) -> str:
    """A replications file from R single-run files of one scenario: every series gets a leading
    ``replication`` dimension, the static producer and zone variables and the scenario texts come
    from the first run, and ``summary`` (replication, indicator) from each run's summary/text."""
    sources = [h5py.File(p, "r") for p in run_files]
    first = sources[0]
    try:
        with h5py.File(path, "w") as f:
            w = Writer(f)
            for key, value in first.attrs.items():
                f.attrs[key] = value
            _root_attributes(f, "replications", len(sources), seed)
            f.attrs["command_line"] = "valinta run --replications %d (test fixture)" % len(sources)
            scales = [name for name, obj in first.items()
                      if isinstance(obj, h5py.Dataset) and h5py.h5ds.is_scale(obj.id)]
            for name in scales:
                data = first[name]
                values = [_decode(v) for v in data[()]]
                w.dimension(name, values, _decode(data.attrs["long_name"]),
                            _decode(data.attrs["units"]) if "units" in data.attrs else None)
            w.replication_dimension(len(sources))
            w.indicator_dimension()
            for name, data in first.items():
                if not isinstance(data, h5py.Dataset) or h5py.h5ds.is_scale(data.id):
                    continue
                dims = [d.label or _scale_name(d) for d in data.dims]
                units = _decode(data.attrs["units"]) if "units" in data.attrs else None
                long_name = _decode(data.attrs["long_name"])
                if dims[:1] == ["step"] and name != "date":
                    stacked = np.stack([s[name][()] for s in sources])
                    w.variable(name, stacked, ["replication"] + dims, long_name, units)
                else:
                    values = data[()]
                    if values.dtype.kind == "O":
                        values = np.array([_decode(v) for v in values], dtype=object)
                    w.variable(name, values, dims, long_name, units)
            for text in ("scenario/resolved", "scenario/source"):
                w.text(text, _decode(first[text][()]), _decode(first[text].attrs["long_name"]))
            values = np.array([[float(s["summary/text"].attrs[k]) for k in INDICATORS]
                               for s in sources])
            w.variable("summary", values, ["replication", "indicator"],
                       "headline indicators of each replication")
            w.intervals("summary", values, [])
    finally:
        for s in sources:
            s.close()
    return str(path)


def _scale_name(dim) -> str:
    return dim[0].name.lstrip("/")


def _decode(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def known_summaries(replications: int = 5, delta: dict[str, float] | None = None,
                    seed: int = 11) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(A, B, e): A (replication, indicator) around realistic levels; B = A + delta + e where e
    has mean exactly zero over replications, so the mean paired difference is exactly delta."""
    rng = np.random.default_rng(seed)
    levels = np.array([272617, 151848, 0.048, 0.046, 0.0, 0.095, 8.4, 0.93, 4.39, 1.34, 51.6, 252.1,
                       691.5, 62.8])
    a = levels * rng.normal(1.0, 0.02, size=(replications, len(levels)))
    a[:, :2] = levels[:2]  # population counts do not vary
    e = rng.normal(0.0, 0.01, size=a.shape) * np.abs(levels)
    e -= e.mean(axis=0)
    e[:, :2] = 0
    shift = np.array([(delta or {}).get(k, 0.0) for k in INDICATORS])
    return a, a + shift + e, e
