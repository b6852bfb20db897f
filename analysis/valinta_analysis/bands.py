"""Figures of replications, comparison and sweep files: paired differences with their intervals,
headline series per scenario with bands over replications, maps of the municipalities, and a
sweep's indicators against its parameters.

A band is the 95 % Student-t interval of the mean over replications at each step (the same kind
of interval as the summary tables), drawn around the mean. Every ``plot_*`` here takes a Dataset
from :func:`valinta_analysis.load` (or a path) of kind ``comparison`` or ``replications`` and
returns a matplotlib Figure (Agg, no pyplot). :func:`figure_set` lists the figures that fit a file
of any kind; ``valinta_analysis plots`` writes them all.
"""

from __future__ import annotations

from functools import partial
from typing import Callable

import numpy as np
import xarray as xr
from matplotlib.cm import ScalarMappable
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from . import plots
from .geo import ATTRIBUTION, CONTEXT_FACE, NO_VALUE_FACE, draw_municipalities
from .plots import (DIVERGING, _date_axis, _degree_units, _figure, last_step_away_share, nice,
                    palette, unit_label, units, zone_centres, zone_codes)
from .results import (REPLICATION, SCENARIO, STEP, DataLike, MissingData, dataset, dates,
                      expect_kind, file_kind, require, step_days)
from .stats import mean_interval
from .tables import (comparison_table, difference_units, format_threshold, indicator_units,
                     is_share, sensitivity_table, short_label, sweep_table)

#: How the forest plot draws a difference: clear and large enough to matter (dark, filled), clear
#: but smaller than the threshold (dark, hollow), not clear (grey, hollow). The direction of a
#: difference is never coloured: higher is not better or worse in itself.
DIFFERENCE_STYLES = {
    "matters": {"color": plots.PALETTE[0], "markerfacecolor": plots.PALETTE[0], "linewidth": 2.5,
                "label": "clear and large enough to matter"},
    "small": {"color": plots.PALETTE[0], "markerfacecolor": "white", "linewidth": 1.6,
              "label": "clear, but smaller than the threshold"},
    "unclear": {"color": "0.55", "markerfacecolor": "white", "linewidth": 1.2,
                "label": "not clear (interval includes 0)"},
}
#: The shaded band of differences too small to matter (|B - A| < threshold).
THRESHOLD_SHADE = "0.88"
#: Indicators left out of the forest plot: population counts, the same in every scenario.
NOT_COMPARED = ("residents", "eligible")


# --- groups of replications -----------------------------------------------------------------------

def scenario_groups(ds: xr.Dataset, name: str) -> list[tuple[str, xr.DataArray]]:
    """(label, values with leading replication dim) per scenario of a comparison file, or one
    group (the scenario's name) for a replications file."""
    require(ds, name)
    var = ds[name]
    if SCENARIO in var.dims:
        return [(str(s), var.sel({SCENARIO: s})) for s in ds[SCENARIO].values]
    if REPLICATION not in var.dims:
        raise MissingData(f"{name} has no replication dimension")
    return [(str(ds.attrs.get("scenario_name", "replications")), var)]


def scenario_indicator(ds: xr.Dataset, label: str, key: str) -> float | None:
    """Mean over replications of one headline indicator for a scenario (None if absent)."""
    if "summary" not in ds or "indicator" not in ds.coords or key not in ds["indicator"].values:
        return None
    values = ds["summary"].sel(indicator=key)
    if SCENARIO in values.dims:
        values = values.sel({SCENARIO: label})
    return float(values.mean(REPLICATION))


def _band(ax, x, values: xr.DataArray, colour: str, label: str, scale: float = 1.0) -> None:
    """Mean line and interval band over the replication dimension of (replication, step)."""
    array = values.transpose(REPLICATION, STEP).values.astype(float) * scale
    mean, low, high = mean_interval(array, axis=0)
    ax.plot(x, mean, color=colour, label=label, linewidth=1.6)
    if np.isfinite(low).any():
        ax.fill_between(x, low, high, color=colour, alpha=0.22, linewidth=0)


def _colour(i: int) -> str:
    return palette(i)


def _band_note(ds: xr.Dataset) -> str:
    n = ds.sizes.get(REPLICATION, 1)
    return f"lines: mean of {n} replications; bands: 95 % interval of the mean"


# --- the forest plot ------------------------------------------------------------------------------

def difference_state(clear: bool, large_enough: bool) -> str:
    """'matters', 'small' or 'unclear': the key of :data:`DIFFERENCE_STYLES` for a difference."""
    if not clear:
        return "unclear"
    return "matters" if large_enough else "small"


def plot_differences(data: DataLike, thresholds: dict[str, float] | None = None) -> Figure:
    """Forest plot: for each headline indicator, every scenario's paired difference from the
    baseline (B - A) with its 95 % interval, over a grey band of the differences too small to
    matter (|B - A| < the indicator's threshold; ``thresholds`` as in
    :func:`valinta_analysis.comparison_table`). Clear differences are drawn dark (filled when
    large enough to matter, hollow when not), the others grey; no colour marks a direction."""
    ds = dataset(data)
    expect_kind(ds, "comparison")
    table = comparison_table(ds, thresholds=thresholds)
    base = table.attrs["baseline"]
    table = table[(table["scenario"] != base) & ~table["indicator"].isin(NOT_COMPARED)]
    if table.empty:
        raise MissingData("the comparison has only the baseline: no differences to show")
    keys = list(dict.fromkeys(table["indicator"]))
    others = list(dict.fromkeys(table["scenario"]))
    ncols = 3
    nrows = -(-len(keys) // ncols)
    fig, axes = _figure(nrows, ncols, width=12, height=1.4 + nrows * (0.45 * len(others) + 1.6))
    for ax in axes.ravel()[len(keys):]:
        ax.remove()
    for ax, key in zip(axes.ravel(), keys):
        rows = table[table["indicator"] == key].set_index("scenario").loc[others]
        scale = 100.0 if is_share(key) else 1.0
        threshold = float(rows["threshold"].iloc[0])
        if threshold > 0:
            ax.axvspan(-threshold * scale, threshold * scale, color=THRESHOLD_SHADE, linewidth=0,
                       zorder=0)
        y = np.arange(len(others))
        for yi, (label, row) in zip(y, rows.iterrows()):
            style = DIFFERENCE_STYLES[difference_state(row["clear"], row["large_enough"])]
            centre = row["difference"] * scale
            if np.isfinite(row["ci_low"]):
                ax.errorbar(centre, yi, xerr=[[centre - row["ci_low"] * scale],
                                              [row["ci_high"] * scale - centre]],
                            fmt="o", color=style["color"], markerfacecolor=style["markerfacecolor"],
                            capsize=4, markersize=6, linewidth=style["linewidth"], zorder=3)
            else:
                ax.plot(centre, yi, "o", color=style["color"],
                        markerfacecolor=style["markerfacecolor"], zorder=3)
        ax.axvline(0, color="black", linewidth=0.8)
        extent = max(rows[["difference", "ci_low", "ci_high"]].abs().max().max(), threshold)
        if not extent > 0:  # every difference exactly zero: a readable axis around it
            ax.set_xlim(-1, 1)
        ax.set_yticks(y, others, fontsize="small")
        ax.set_ylim(len(others) - 0.5, -0.5)
        units = difference_units(key) or "no units"
        ax.set_xlabel(f"B \u2212 A [{units}]", fontsize="small")
        ax.set_ylabel("scenario B", fontsize="small")
        shown = format_threshold(key, threshold).removesuffix(units).strip()
        ax.set_title(f"{short_label(key)}\n(threshold \u00b1{shown})", fontsize="small")
        ax.ticklabel_format(axis="x", useOffset=False)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.margins(x=0.25)
    handles = [Line2D([], [], marker="o", color=style["color"],
                      markerfacecolor=style["markerfacecolor"], linewidth=style["linewidth"],
                      label=style["label"]) for style in DIFFERENCE_STYLES.values()]
    handles.append(Patch(color=THRESHOLD_SHADE, label="too small to matter (within \u00b1threshold)"))
    axes[0, 0].legend(handles=handles, loc="best", fontsize="x-small")
    fig.suptitle(f"Differences from the baseline A = {base}, with 95 % intervals "
                 f"({int(table['replications'].max())} paired replications)")
    return fig


# --- series per scenario with bands ---------------------------------------------------------------

def _series_figure(ds: xr.Dataset, title: str, ylabel: str, panels, height: float = 4.8) -> Figure:
    """Panels of banded series: ``panels`` is a list of (panel title, name, selector, scale)
    where selector picks the (replication, step) values from a group's variable."""
    x = dates(ds)
    fig, axes = _figure(len(panels), 1, height=height * (0.75 if len(panels) > 1 else 1) * len(panels)
                        if len(panels) > 1 else height, sharex=True)
    for ax, (panel_title, name, select, scale) in zip(axes[:, 0], panels):
        for i, (label, values) in enumerate(scenario_groups(ds, name)):
            _band(ax, x, select(label, values), _colour(i), label, scale)
        ax.set_ylabel(ylabel)
        ax.set_title(panel_title)
        _date_axis(ax, ds, label=ax is axes[-1, 0])
    axes[0, 0].legend(fontsize="small", title="scenario")
    fig.suptitle(f"{title}\n({_band_note(ds)})", fontsize="medium")
    return fig


def plot_away_from_home_bands(data: DataLike) -> Figure:
    """Eligible residents listed away from their home station, one panel per producer sector."""
    ds = dataset(data)
    name = "n_away_from_home_by_sector"
    require(ds, name, "sector")
    u = unit_label(ds, name)
    panels = [(f"at a {nice(s)} producer", name,
               (lambda label, v, s=s: v.sel(sector=s)), 1.0) for s in ds["sector"].values]
    return _series_figure(ds, "Residents listed away from their home station, by sector",
                          f"listed away [{u}]", panels, height=3.4)


def plot_cumulative_switching_bands(data: DataLike) -> Figure:
    """Switches since the start, per scenario, as a share of eligible residents."""
    ds = dataset(data)
    require(ds, "new_switches")

    def cumulative(label, values):
        eligible = scenario_indicator(ds, label, "eligible")
        total = values.cumsum(STEP)
        return total / eligible * 100 if eligible else total

    has_eligible = all(scenario_indicator(ds, label, "eligible")
                       for label, _ in scenario_groups(ds, "new_switches"))
    ylabel = ("switches so far [% of eligible residents]" if has_eligible
              else f"switches so far [{unit_label(ds, 'new_switches')}]")
    return _series_figure(ds, "Cumulative switching of producer", ylabel,
                          [("switches since the start (a resident switching twice counts twice)",
                            "new_switches", cumulative, 1.0)])


def plot_waits_bands(data: DataLike) -> Figure:
    """Mean (and, if stored, median) wait of all visits served, per scenario."""
    ds = dataset(data)
    require(ds, "wait_mean_days_all")
    panels = [("mean wait of all visits served", "wait_mean_days_all", lambda label, v: v, 1.0)]
    if "wait_p50_days_all" in ds:
        panels.append(("median wait of all visits served", "wait_p50_days_all",
                       lambda label, v: v, 1.0))
    return _series_figure(ds, "Waiting times", f"wait [{unit_label(ds, 'wait_mean_days_all')}]",
                          panels, height=4.2)


def plot_guarantee_bands(data: DataLike) -> Figure:
    """Share of all settled contacts (served or diverted) served within the care guarantee, per scenario (per cent)."""
    ds = dataset(data)
    require(ds, "share_within_guarantee_all")
    return _series_figure(ds, "Contacts served within the care guarantee",
                          "within the guarantee [% of visits]",
                          [("share of all visits served within the care guarantee",
                            "share_within_guarantee_all", lambda label, v: v, 100.0)])


def organiser_kinds(ds: xr.Dataset) -> list:
    """Payment kinds that count as the organiser's cost (as in the run's summary: everything but
    client fees, paid by residents, and the producers' share of referral costs)."""
    return [k for k in ds["payment_kind"].values
            if str(k) not in ("client_fee", "referral_producer")]


def plot_organiser_cost_bands(data: DataLike) -> Figure:
    """The organiser's spending per step, annualised per resident, per scenario."""
    ds = dataset(data)
    require(ds, "organiser_books_eur", "payment_kind")
    kinds = organiser_kinds(ds)
    per_year = 365.25 / step_days(ds)

    def annualised(label, values):
        total = values.sel(payment_kind=kinds).sum("payment_kind") * per_year
        people = scenario_indicator(ds, label, "residents")
        return total / people if people else total

    has_residents = all(scenario_indicator(ds, label, "residents")
                        for label, _ in scenario_groups(ds, "organiser_books_eur"))
    unit = unit_label(ds, "organiser_books_eur", "EUR")
    ylabel = (f"annualised cost [{unit} per resident-year]" if has_residents
              else f"annualised cost [{unit} per year]")
    return _series_figure(ds, "Organiser's cost", ylabel,
                          [("organiser's spending, each step scaled to a year",
                            "organiser_books_eur", annualised, 1.0)])


# --- maps -------------------------------------------------------------------------------------------

def zone_away_differences(data: DataLike) -> xr.DataArray:
    """(scenario, zone): the paired difference B - A of the share of eligible residents listed away
    from their home station at the last step, the mean over replications, for every scenario but
    the baseline (a fraction; NaN in zones where no one is eligible)."""
    ds = dataset(data)
    expect_kind(ds, "comparison")
    share = last_step_away_share(ds)
    base = str(ds.attrs.get("baseline", ds[SCENARIO].values[0]))
    others = [str(s) for s in ds[SCENARIO].values if str(s) != base]
    if not others:
        raise MissingData("the comparison has only the baseline: no differences to map")
    difference = share.sel({SCENARIO: others}) - share.sel({SCENARIO: base})
    return difference.mean(REPLICATION).transpose(SCENARIO, "zone")


def _map_legend(ax) -> None:
    handles = [Line2D([], [], marker="s", linestyle="", markersize=10, markerfacecolor=NO_VALUE_FACE,
                      markeredgecolor="0.35", label="in the scenario, no one eligible to choose"),
               Line2D([], [], marker="s", linestyle="", markersize=10, markerfacecolor=CONTEXT_FACE,
                      markeredgecolor="white", label="outside the scenario")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=1,
              fontsize="x-small")


def plot_zone_differences(data: DataLike, boundaries=None) -> Figure:
    """One map per scenario B: each municipality coloured by B - A of the share of eligible
    residents listed away from their home station at the last step (%-points, mean of the paired
    replications), on a blue-orange scale centred on 0 and the same for every map. The other
    municipalities in light grey. ``boundaries``: the GeoJSON file (see
    :mod:`valinta_analysis.geo`)."""
    ds = dataset(data)
    difference = zone_away_differences(ds) * 100
    codes = zone_codes(ds)
    others = [str(s) for s in difference[SCENARIO].values]
    finite = np.abs(difference.values[np.isfinite(difference.values)])
    limit = float(finite.max()) if finite.size and finite.max() > 0 else 0.5
    norm = TwoSlopeNorm(vcenter=0.0, vmin=-limit, vmax=limit)
    ncols = min(len(others), 2)
    nrows = -(-len(others) // ncols)
    fig, axes = _figure(nrows, ncols, width=5.2 * ncols + 1.6, height=6.4 * nrows + 0.6)
    for ax in axes.ravel()[len(others):]:
        ax.remove()
    lon_units = _degree_units(units(ds, "zone_lon") if "zone_lon" in ds else "")
    lat_units = _degree_units(units(ds, "zone_lat") if "zone_lat" in ds else "")
    for ax, label in zip(axes.ravel(), others):
        values = dict(zip(codes, difference.sel({SCENARIO: label}).values.astype(float)))
        draw_municipalities(ax, values, DIVERGING, norm, boundaries, name_at=zone_centres(ds))
        ax.set_title(f"B = {label}", fontsize="medium")
        ax.set_xlabel(f"longitude [{lon_units}]", fontsize="small")
        ax.set_ylabel(f"latitude [{lat_units}]", fontsize="small")
        _map_legend(ax)
    colourbar = fig.colorbar(ScalarMappable(norm=norm, cmap=DIVERGING),
                             ax=list(axes.ravel()[:len(others)]), shrink=0.7)
    colourbar.set_label("B \u2212 A: listed away from the home station, last step [%-points]")
    base = str(ds.attrs.get("baseline", ds[SCENARIO].values[0]))
    fig.suptitle(f"Difference from the baseline A = {base}, by municipality "
                 f"(mean of {ds.sizes.get(REPLICATION, 1)} paired replications)",
                 fontsize="medium")
    fig.supxlabel(ATTRIBUTION, x=0.02, ha="left", fontsize=7, color="0.3")
    return fig


#: Figures of series with bands, for replications and comparison files: name -> function.
BAND_FIGURES: dict[str, Callable[[DataLike], Figure]] = {
    "away_from_home_bands": plot_away_from_home_bands,
    "cumulative_switching_bands": plot_cumulative_switching_bands,
    "waits_bands": plot_waits_bands,
    "guarantee_bands": plot_guarantee_bands,
    "organiser_cost_bands": plot_organiser_cost_bands,
}

#: Every figure of a replications file besides the single-run figures of replication 0, in
#: report order: the banded series and the map (mean over the replications).
REPLICATION_FIGURES: dict[str, Callable[[DataLike], Figure]] = {
    **BAND_FIGURES, "zone_map": plots.plot_zone_map}

#: Every figure of a comparison file, in report order.
COMPARISON_FIGURES: dict[str, Callable[[DataLike], Figure]] = {
    "differences": plot_differences, **BAND_FIGURES, "zone_differences": plot_zone_differences}

#: Figures that draw municipal boundaries and take the argument ``boundaries``.
MAP_FIGURES = ("zone_map", "zone_differences")


# --- sweeps ------------------------------------------------------------------------------------

#: Indicators drawn against the parameters of a sweep (those the sweep has).
SWEEP_INDICATORS = ("ever_switched_share", "mean_wait_days", "share_within_guarantee",
                    "organiser_cost_per_resident_year")


def _indicator_axis_label(key: str) -> str:
    units = "%" if is_share(key) else indicator_units(key)
    return f"{short_label(key).lower()} [{units}]"


def plot_sweep_scatter(data: DataLike) -> Figure:
    """Each headline indicator against each parameter of a sweep, one dot per successful run."""
    ds = dataset(data)
    expect_kind(ds, "sweep")
    table = sweep_table(ds)
    ok = table[table["ok"]]
    parameters = table.attrs["parameters"]
    keys = [k for k in SWEEP_INDICATORS if k in table.attrs["indicators"]]
    if ok.empty or not keys or not parameters:
        raise MissingData("the sweep has no successful run with parameters and indicators to draw")
    fig, axes = _figure(len(keys), len(parameters), width=3.6 * len(parameters) + 1.5,
                        height=2.6 * len(keys) + 1.0)
    for i, key in enumerate(keys):
        scale = 100.0 if is_share(key) else 1.0
        for j, parameter in enumerate(parameters):
            ax = axes[i, j]
            ax.scatter(ok[parameter], ok[key] * scale, s=14, color=_colour(j), alpha=0.75)
            ax.set_xlabel(f"{parameter} [scenario value]", fontsize="small")
            ax.set_ylabel(_indicator_axis_label(key), fontsize="small")
            ax.set_title(f"{short_label(key)} vs {parameter}", fontsize="small")
    failed = int((~table["ok"]).sum())
    fig.suptitle(f"Sweep ({table.attrs['design']}): {len(ok)} runs"
                 + (f", {failed} failed runs left out" if failed else ""))
    return fig


def plot_sensitivity(data: DataLike) -> Figure:
    """Heat map of the rank correlation of every parameter with every headline indicator."""
    ds = dataset(data)
    expect_kind(ds, "sweep")
    correlations = sensitivity_table(sweep_table(ds))
    correlations = correlations.drop(columns=[c for c in NOT_COMPARED if c in correlations])
    if not np.isfinite(correlations.values.astype(float)).any():
        raise MissingData("no rank correlation could be computed (too few finished runs, or no "
                          "indicator varied)")
    fig, axes = _figure(width=1.2 + 0.75 * correlations.shape[1],
                        height=4.2 + 0.5 * correlations.shape[0])
    ax = axes[0, 0]
    values = correlations.values.astype(float)
    image = ax.imshow(np.ma.masked_invalid(values), cmap=DIVERGING, vmin=-1, vmax=1, aspect="auto")
    for (i, j), value in np.ndenumerate(values):
        if np.isfinite(value):
            ax.text(j, i, f"{value:+.2f}", ha="center", va="center", fontsize="x-small",
                    color="white" if abs(value) > 0.6 else "black")
        else:  # the indicator (or parameter) did not vary over the runs
            ax.text(j, i, "n/a", ha="center", va="center", fontsize="x-small", color="0.45")
    ax.set_xticks(range(values.shape[1]), [short_label(k) for k in correlations.columns],
                  rotation=60, ha="right", fontsize="small")
    ax.set_yticks(range(values.shape[0]), list(correlations.index), fontsize="small")
    ax.set_xlabel("headline indicator [rank correlation, no units]")
    ax.set_ylabel("parameter [scenario key]")
    colourbar = fig.colorbar(image, ax=ax, shrink=0.8)
    colourbar.set_label("Spearman rank correlation [-1 to 1]")
    ax.set_title("Which parameters move which indicators (successful runs)")
    return fig


#: Figures of a sweep file.
SWEEP_FIGURES: dict[str, Callable[[DataLike], Figure]] = {
    "sweep_scatter": plot_sweep_scatter,
    "sensitivity": plot_sensitivity,
}


def one_replication(ds: xr.Dataset, replication: int = 0) -> xr.Dataset:
    """One replication of a replications file as a Dataset shaped like a single run (the
    single-run figures and captions work on it)."""
    expect_kind(ds, "replications")
    single = ds.isel({REPLICATION: replication})
    single.attrs = dict(ds.attrs, kind="run", replication=int(ds[REPLICATION].values[replication]))
    single.encoding["source"] = ds.encoding.get("source")
    return single


def figure_set(data: DataLike, boundaries=None, thresholds: dict[str, float] | None = None
               ) -> dict[str, Callable[[xr.Dataset], Figure]]:
    """The figures that fit a file's kind: name -> function of the loaded Dataset.

    run: the single-run figures. replications: the single-run figures of replication 0, the
    banded series and the map of the mean over replications. comparison: the forest plot, the
    banded series and the map of differences. sweep: the indicators against the parameters and
    their rank correlations.

    ``boundaries`` (the municipal boundaries' GeoJSON file) and ``thresholds`` (of the forest
    plot) go to the figures that take them."""
    kind = file_kind(dataset(data))
    if kind == "run":
        figures = dict(plots.FIGURES)
    elif kind == "comparison":
        figures = dict(COMPARISON_FIGURES)
    elif kind == "replications":
        figures = {name: (lambda ds, plot=plot: plot(one_replication(ds)))
                   for name, plot in plots.FIGURES.items() if name not in REPLICATION_FIGURES}
        figures.update(REPLICATION_FIGURES)
    else:
        figures = dict(SWEEP_FIGURES)
    return with_options(figures, boundaries=boundaries, thresholds=thresholds)


def with_options(figures: dict[str, Callable], boundaries=None,
                 thresholds: dict[str, float] | None = None) -> dict[str, Callable]:
    """``figures`` with the maps given ``boundaries`` and the forest plot ``thresholds`` (where
    set): each still a function of the Dataset alone."""
    out = dict(figures)
    for name in MAP_FIGURES:
        if name in out and boundaries is not None:
            out[name] = partial(out[name], boundaries=boundaries)
    if "differences" in out and thresholds:
        out["differences"] = partial(out["differences"], thresholds=thresholds)
    return out
