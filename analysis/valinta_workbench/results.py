"""A finished comparison file as the workbench page reads it: the paired differences with their
intervals, the rules each scenario changes, time series with bands and zone values for the map."""

from __future__ import annotations

from pathlib import Path

import valinta_analysis as va
from valinta_analysis.rules import rule_differences
from valinta_analysis.stats import mean_interval
from valinta_analysis.tables import (comparison_table, default_threshold, indicator_units, is_share,
                                     short_label)

#: Dimensions of a comparison's series before their own: scenario, replication, step.
LEADING = ("scenario", "replication", "step")
#: The engine's units of quantities that add up over producers, zones or age bands (counts and
#: money); waits, shares and rates are picked, never summed.
ADDITIVE = {"residents", "contacts", "visits", "referrals", "EUR", "switches", "reviews"}


def page_threshold(key: str, baseline: float) -> float:
    """The default of "large enough to matter" (valinta_analysis.tables.default_threshold) in the
    units the page shows: %-points for shares, the indicator's own units otherwise."""
    threshold = default_threshold(key, baseline)
    return threshold * 100 if is_share(key) else threshold


class Comparison:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.ds = va.load(self.path)
        self.labels = [str(s) for s in self.ds["scenario"].values]
        self.baseline = self.labels[0]

    # --- the table of differences and the rules behind them ---

    def rule_differences(self, keys: set[str]) -> list[dict]:
        table = rule_differences(self.path)
        return [{"scenario": r.scenario, "key": r.key, "parameter": r.key in keys, "baseline": r.baseline,
                 "value": r.value} for r in table.itertuples()]

    def comparison(self, keys: set[str]) -> dict:
        table = comparison_table(self.ds)
        indicators = []
        for key in dict.fromkeys(table["indicator"]):
            rows = table[table["indicator"] == key]
            base_mean = float(rows["baseline_mean"].iloc[0])
            indicators.append({
                "key": key, "label": short_label(key), "units": indicator_units(key), "share": is_share(key),
                "baseline_mean": base_mean, "threshold": page_threshold(key, base_mean),
                "by_scenario": [{"scenario": r.scenario, "mean": float(r.scenario_mean),
                                 "difference": float(r.difference), "low": float(r.ci_low),
                                 "high": float(r.ci_high), "clear": bool(r.clear)}
                                for r in rows.itertuples() if r.scenario != self.baseline]})
        return {"baseline": self.baseline, "scenarios": self.labels,
                "replications": int(self.ds.sizes["replication"]),
                "confidence": float(table.attrs.get("confidence", 0.95)),
                "rule_differences": self.rule_differences(keys), "indicators": indicators,
                "package": self.package()}

    def package(self, region: str = "all") -> list[dict]:
        """The service package of the whole area (valinta_analysis.package_comparison), shaped
        like `indicators`; shares as fractions. Empty for a file without a package."""
        try:
            table = va.package_comparison(self.path, region=region, percent=False)
        except va.MissingData:
            return []
        out = []
        for key in dict.fromkeys(table["indicator"]):
            rows = table[table["indicator"] == key]
            first = rows.iloc[0]
            out.append({"key": key, "label": first["label"], "units": first["units"],
                        "share": bool(first["share"]), "baseline_mean": float(first["baseline_mean"]),
                        "by_scenario": [{"scenario": r.scenario, "mean": float(r.scenario_mean),
                                         "difference": float(r.difference), "low": float(r.ci_low),
                                         "high": float(r.ci_high), "clear": bool(r.clear)}
                                        for r in rows.itertuples() if r.scenario != self.baseline]})
        return out

    # --- time series and the map ---

    def _series_vars(self):
        for name, var in self.ds.data_vars.items():
            if tuple(var.dims[:3]) == LEADING:
                yield name, var

    def series_list(self) -> list[dict]:
        out = []
        for name, var in self._series_vars():
            dims = {d: [str(v) for v in self.ds[d].values] for d in var.dims[3:]}
            out.append({"name": name, "label": va.long_name(self.ds, name), "units": va.units(self.ds, name),
                        "dims": list(dims), "labels": dims, "map": "zone" in dims})
        return out

    def _pick(self, name: str, picks: dict, keep: tuple = ()):
        """The series `name` with each dimension after (scenario, replication, step) but those
        in `keep` reduced: to the label `picks` names, else summed (counts and money) or its
        first label (waits, shares, rates)."""
        if name not in self.ds or tuple(self.ds[name].dims[:3]) != LEADING:
            raise ValueError(f"{name!r} is not a series of this comparison")
        var = self.ds[name]
        additive = va.units(self.ds, name) in ADDITIVE
        chosen = {}
        for dim in (d for d in var.dims[3:] if d not in keep):
            labels = [str(v) for v in self.ds[dim].values]
            wanted = picks.get(dim)
            if wanted not in (None, "", "all"):
                if wanted not in labels:
                    raise ValueError(f"{dim}={wanted!r} is not one of {labels}")
                var = var.isel({dim: labels.index(wanted)})
                chosen[dim] = wanted
            elif additive:
                var = var.sum(dim, skipna=True, min_count=1)
                chosen[dim] = "all"
            else:
                var = var.isel({dim: 0})
                chosen[dim] = labels[0]
        return var, chosen

    def series(self, name: str, picks: dict) -> dict:
        try:
            var, chosen = self._pick(name, picks)
        except ValueError as error:
            return {"error": str(error)}
        dates = [str(d)[:10] for d in self.ds["date"].values]
        by_scenario = {}
        for k, label in enumerate(self.labels):
            values = var.isel(scenario=k).transpose("replication", "step").values.astype(float)
            mean, low, high = mean_interval(values, axis=0)
            by_scenario[label] = {"mean": list(mean), "low": list(low), "high": list(high)}
        return {"name": name, "label": va.long_name(self.ds, name), "units": va.units(self.ds, name),
                "dates": dates, "picked": chosen, "by_scenario": by_scenario}

    def map(self, name: str, scenario: str | None, difference: bool) -> dict:
        if name not in self.ds or "zone" not in self.ds[name].dims or tuple(self.ds[name].dims[:3]) != LEADING:
            return {"error": f"{name!r} is not a series by zone"}
        label = scenario or (self.labels[1] if difference and len(self.labels) > 1 else self.baseline)
        if label not in self.labels:
            return {"error": f"no scenario {label!r}"}
        var, _ = self._pick(name, {}, keep=("zone",))
        over_time = var.mean(dim=("replication", "step"), skipna=True)
        values = over_time.sel(scenario=label).values.astype(float)
        if difference:
            values = values - over_time.sel(scenario=self.baseline).values.astype(float)
        codes = [str(c) for c in self.ds["zone_code"].values]
        return {"indicator": name, "label": va.long_name(self.ds, name), "units": va.units(self.ds, name),
                "scenario": label, "baseline": self.baseline, "difference": difference,
                "by_code": {c: float(v) for c, v in zip(codes, values) if c}}
