"""The service package of a results file (docs/ODD.md section 9.6): standard indicators of the
reception services over the recorded period, by region and by producer, that make regions,
producers and rule sets comparable side by side.

    import valinta_analysis as va
    va.service_package("run.h5")                  # xarray Dataset along region
    va.package_table("run.h5")                    # indicators x regions, side by side
    va.package_table("run.h5", along="producer")  # producers x indicators
    va.package_comparison("cmp.h5")               # scenarios side by side, paired differences

The engine writes the package; nothing here recomputes it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from .results import (REPLICATION, SCENARIO, DataLike, MissingData, _text, dataset, open_h5,
                      source_path)
from .stats import excludes_zero, mean_interval

GROUP = "service_package"
ALONG = ("region", "producer")

#: How the reports show each kind of unit: shares as per cent, the rest as written.
SHARE_UNITS = {"1"}


def service_package(data: DataLike, along: str = "region") -> xr.Dataset:
    """The package along ``region`` or ``producer``: one variable per indicator (with the
    leading replication or scenario dimensions of a multi-run file), ``units`` and
    ``long_name`` as written, the engine's own unit in ``valinta_units``, and the region or
    producer names as the coordinate. Raises MissingData for a file without a package (a sweep,
    or a file written before the package existed; a comparison has none by producer)."""
    if along not in ALONG:
        raise ValueError(f"along must be one of {', '.join(ALONG)}, not {along!r}")
    path = source_path(data)
    if path is None:
        raise MissingData("the service package is read from the results file; this dataset has "
                          "no file behind it")
    variables, coords, attrs = {}, {}, None
    with open_h5(path) as f:
        group = f.get(f"{GROUP}/{along}")
        for name, ds in (group.items() if group is not None else ()):
            dims = [ds.dims[k][0].name.lstrip("/") for k in range(ds.ndim)]
            for dim in dims:
                if dim not in coords:
                    coords[dim] = [_text(v) for v in f[dim][()]]
            attrs = {key: _text(value) for key, value in ds.attrs.items()
                     if key in ("units", "long_name", "valinta_units", "valinta_label")}
            variables[name] = xr.Variable(dims, ds[()], attrs)
        if group is not None:
            attrs = {key: (_text(v) if isinstance(v, (bytes, str)) else
                           v.item() if hasattr(v, "item") else v)
                     for key, v in f[GROUP].attrs.items()}
    if attrs is None:  # (raised here: inside open_h5 a KeyError reads as a damaged file)
        raise MissingData(f"{path} has no service package by {along} ({GROUP}/{along})")
    return xr.Dataset(variables, coords=coords, attrs=attrs)


def _is_share(var: xr.DataArray) -> bool:
    """A share: CF unit 1 with no other unit of the engine's (counts and money keep theirs in
    ``valinta_units``)."""
    return str(var.attrs.get("units", "")) in SHARE_UNITS and "valinta_units" not in var.attrs


def unit_of(var: xr.DataArray) -> str:
    """The unit a table shows: % for shares, else the engine's own unit."""
    if _is_share(var):
        return "%"
    return str(var.attrs.get("valinta_units", var.attrs.get("units", "")))


def label_of(var: xr.DataArray) -> str:
    """The indicator's short label (its name if the file has none)."""
    return str(var.attrs.get("valinta_label", var.name))


def _scale(var: xr.DataArray) -> float:
    return 100.0 if _is_share(var) else 1.0


def format_package_value(value: float, unit: str) -> str:
    """A package value as the reports show it (NaN: a dash)."""
    if value is None or not np.isfinite(value):
        return "\u2013"
    if unit == "residents":
        return f"{value:,.0f}"
    if unit == "%":
        return f"{value:,.1f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def package_table(data: DataLike, along: str = "region") -> pd.DataFrame:
    """The package of a run, or the means over the replications of a replications file.

    Along ``region``: one row per indicator, with its ``units`` and ``meaning``, and one column
    per region (side by side). Along ``producer``: one row per producer, one column per
    indicator. Shares are per cent."""
    ds = dataset(data)
    package = service_package(ds, along)
    if SCENARIO in package.dims:
        raise ValueError("a comparison's package is read with package_comparison()")
    rows = {}
    units, meanings, labels_of = {}, {}, {}
    for name, var in package.data_vars.items():
        values = var
        if REPLICATION in var.dims:
            values = var.mean(REPLICATION, skipna=True)
        rows[name] = values.values * _scale(var)
        units[name] = unit_of(var)
        meanings[name] = str(var.attrs.get("long_name", ""))
        labels_of[name] = label_of(var)
    labels = list(package[along].values)
    if along == "producer":
        table = pd.DataFrame(rows, index=pd.Index(labels, name="producer"))
        table.attrs = {"units": units, "labels": labels_of}
        return table
    table = pd.DataFrame.from_dict(rows, orient="index", columns=labels)
    table.index.name = "indicator"
    table.insert(0, "label", [labels_of[k] for k in table.index])
    table.insert(1, "units", [units[k] for k in table.index])
    table.insert(2, "meaning", [meanings[k] for k in table.index])
    return table


def package_comparison(data: DataLike, region: str = "all", confidence: float | None = None,
                       percent: bool = True) -> pd.DataFrame:
    """The package of one region of a comparison, scenarios side by side: one row per
    (scenario, indicator) with the baseline's and the scenario's means over replications, the
    mean paired difference (replication by replication, as the runs share random numbers) and
    its interval, and whether the interval excludes zero. Shares are per cent (fractions with
    ``percent=False``; ``share`` says which rows are shares)."""
    ds = dataset(data)
    package = service_package(ds, "region")
    if SCENARIO not in package.dims:
        raise ValueError("package_comparison() reads a comparison file")
    regions = list(package["region"].values)
    if region not in regions:
        raise MissingData(f"no region {region!r} in the service package; it has {', '.join(regions)}")
    conf = float(confidence if confidence is not None else ds.attrs.get("confidence", 0.95))
    labels = [str(v) for v in package[SCENARIO].values]
    base = _text(ds.attrs.get("baseline", labels[0]))
    frames = []
    for name, var in package.data_vars.items():
        values = var.sel(region=region).transpose(SCENARIO, REPLICATION).values.astype(float)
        if percent:
            values = values * _scale(var)
        a = values[labels.index(base)]
        for k, label in enumerate(labels):
            b = values[k]
            diff, low, high = mean_interval((b - a)[:, None], axis=0, confidence=conf)
            frames.append({
                "scenario": label, "indicator": name, "label": label_of(var), "units": unit_of(var),
                "share": _is_share(var),
                "meaning": str(var.attrs.get("long_name", "")),
                "baseline_mean": float(np.nanmean(a)) if np.isfinite(a).any() else np.nan,
                "scenario_mean": float(np.nanmean(b)) if np.isfinite(b).any() else np.nan,
                "difference": float(diff[0]), "ci_low": float(low[0]), "ci_high": float(high[0]),
                "clear": bool(excludes_zero(low, high)[0]),
            })
    table = pd.DataFrame(frames)
    table.attrs = {"baseline": base, "region": region, "confidence": conf}
    return table


def regions_side_by_side(data: DataLike) -> pd.DataFrame:
    """A comparison's package by region: one row per indicator, one column per (region,
    scenario), the means over replications. Shares are per cent."""
    ds = dataset(data)
    package = service_package(ds, "region")
    columns = {}
    for region in package["region"].values:
        for label in package[SCENARIO].values:
            columns[(str(region), str(label))] = [
                float(np.nanmean(var.sel(region=region, scenario=label).values)) * _scale(var)
                if np.isfinite(var.sel(region=region, scenario=label).values).any() else np.nan
                for var in package.data_vars.values()]
    table = pd.DataFrame(columns, index=pd.Index(list(package.data_vars), name="indicator"))
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["region", "scenario"])
    table.attrs = {"labels": {name: label_of(var) for name, var in package.data_vars.items()},
                   "units": {name: unit_of(var) for name, var in package.data_vars.items()}}
    return table
