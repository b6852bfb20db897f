"""Figures of a Valinta results file.

Every ``plot_*`` function takes a Dataset from :func:`valinta_analysis.load` (or the path of a
results file) and returns a matplotlib Figure drawn with the Agg backend, without pyplot, so it
works on machines without a display and leaves no global state behind. Save one with
:func:`save_png`; :func:`save_all` writes every figure of :data:`FIGURES`.

Colours are neutral: blues, oranges and greys (:data:`PALETTE`, :data:`SEQUENTIAL`,
:data:`DIVERGING`). No colour says good or bad, and no figure pairs red with green or red with
blue; what a mark means is said in words (legend, caption).
"""

from __future__ import annotations

import io
import os
from typing import Callable

import numpy as np
import xarray as xr
from matplotlib import colors
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .geo import ATTRIBUTION, CONTEXT_FACE, NO_VALUE_FACE, draw_municipalities, normal_code
from .results import (STEP, DataLike, MissingData, dataset, dates, eligible, require, residents,
                      step_days, units, years)

#: Categorical colours, in order: blues, oranges and greys, dark and light.
PALETTE = ("#1f5fa8", "#e08214", "#6e6e6e", "#74a9cf", "#fdb863", "#b5b5b5", "#0b3d6e",
           "#a3590c", "#3b3b3b", "#9ecae1")
#: Sequential colour map for amounts (light to dark blue; the lightest tint left out, so that a
#: low value stands apart from the grey of "no value" and the white of the background).
SEQUENTIAL = LinearSegmentedColormap.from_list(
    "valinta_blues", ["#d4e4f4", "#9cc3e4", "#5a9bd0", "#2f6fae", "#0b3d6e"])
#: Diverging colour map for differences, centred on zero: blue below, orange above. Neither side
#: means better or worse.
DIVERGING = LinearSegmentedColormap.from_list(
    "valinta_blue_orange", ["#0b3d6e", "#4f8fc6", "#f2f2f2", "#f0a04b", "#a3590c"])
SECTOR_COLOURS = {"public": PALETTE[0], "private": PALETTE[1], "third_sector": PALETTE[2]}
EVENT_KINDS = {1: ("opened", "^", PALETTE[0]), 2: ("entered the market", "P", PALETTE[3]),
               3: ("closed", "v", PALETTE[1]), 4: ("left the market", "X", PALETTE[7])}
DPI = 110


def palette(index: int) -> str:
    """The ``index``-th categorical colour (repeating after nine)."""
    return PALETTE[index % len(PALETTE)]


def nice(name: object) -> str:
    """A dimension label for display: 'third_sector' -> 'third sector'."""
    return str(name).replace("_", " ")


def sector_colour(sector: object, index: int = 0) -> str:
    return SECTOR_COLOURS.get(str(sector), palette(index + 3))


def date_axis_label(ds: xr.Dataset) -> str:
    if "date" in ds.coords:
        return f"date [first day of each {step_days(ds):g}-day step]"
    return "step [index]"


def unit_label(ds: xr.Dataset, name: str, fallback: str = "") -> str:
    """The units of a variable for an axis label, in words where the file says '1'."""
    u = units(ds, name) or fallback
    return "share" if u == "1" else u


# --- helpers -------------------------------------------------------------------------------------

def _figure(nrows: int = 1, ncols: int = 1, width: float = 9.0, height: float = 5.0, **kwargs):
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes


def _date_axis(ax, ds: xr.Dataset, label: bool = True) -> None:
    if "date" in ds.coords and np.issubdtype(ds["date"].dtype, np.datetime64):
        locator = AutoDateLocator(minticks=4, maxticks=9)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.set_xlabel(date_axis_label(ds) if label else "")


def _sectors(ds: xr.Dataset) -> list:
    return list(ds["sector"].values) if "sector" in ds.coords else []


def _visits(ds: xr.Dataset) -> xr.DataArray | None:
    """Visits served per producer and step, if the file has the counts."""
    if "new_visits_doctor" in ds and "new_visits_nurse" in ds:
        return ds["new_visits_doctor"] + ds["new_visits_nurse"]
    return None


def _weighted_over_steps(values: xr.DataArray, weights: xr.DataArray | None) -> xr.DataArray:
    """Mean over steps, weighted (by visits served) where weights are given; NaN cells skipped."""
    if weights is None:
        return values.mean(STEP, skipna=True)
    valid = values.notnull() & (weights > 0)
    w = weights.where(valid, 0)
    total = w.sum(STEP)
    return (values.fillna(0) * w).sum(STEP) / total.where(total > 0)


def last_step_away_share(ds: xr.Dataset) -> xr.DataArray:
    """Per zone: eligible residents listed away from their home station at the last step / zone_eligible
    (NaN where no one is eligible); per scenario and replication too where the file has them."""
    require(ds, "n_away_from_home_by_zone", "zone_eligible")
    away = ds["n_away_from_home_by_zone"].isel({STEP: -1})
    away = away.sum([d for d in away.dims if d not in ("zone", "scenario", "replication")])
    elig = ds["zone_eligible"]
    return (away / elig.where(elig > 0)).rename("away_share")


def cost_per_resident_year(ds: xr.Dataset) -> xr.DataArray:
    """organiser_books_eur summed over the run per resident-year, by payment kind (EUR)."""
    require(ds, "organiser_books_eur")
    return ds["organiser_books_eur"].sum(STEP) / (residents(ds) * years(ds))


# --- figures -------------------------------------------------------------------------------------

def plot_listed_by_sector(data: DataLike) -> Figure:
    """Residents listed by sector over time, and the change since the first step."""
    ds = dataset(data)
    require(ds, "n_listed_by_sector")
    listed = ds["n_listed_by_sector"]
    u = unit_label(ds, "n_listed_by_sector")
    x = dates(ds)
    fig, axes = _figure(2, 1, height=6.5, sharex=True)
    top, bottom = axes[0, 0], axes[1, 0]
    for i, sector in enumerate(_sectors(ds)):
        series = listed.sel(sector=sector).values
        top.plot(x, series, color=sector_colour(sector, i), label=nice(sector))
        bottom.plot(x, series - series[0], color=sector_colour(sector, i), label=nice(sector))
    top.set_ylabel(f"residents listed [{u}]")
    top.set_title("Residents listed by producer sector")
    top.legend(title="sector")
    bottom.axhline(0, color="grey", linewidth=0.8)
    bottom.set_ylabel(f"change since first step [{u}]")
    bottom.set_title("Gain or loss of listed residents since the start")
    _date_axis(top, ds, label=False)
    _date_axis(bottom, ds)
    fig.suptitle("Listed residents by sector over time")
    return fig


def plot_cumulative_switching(data: DataLike) -> Figure:
    """Cumulative switches as a share of eligible residents, stacked by reason, and the share
    listed away from their home station."""
    ds = dataset(data)
    n_eligible = eligible(ds)
    if n_eligible == 0:
        raise MissingData("no resident is eligible to choose in this run")
    x = dates(ds)
    fig, axes = _figure(height=5.0)
    ax = axes[0, 0]
    if "new_switches_by_reason" in ds:
        by_reason = ds["new_switches_by_reason"].cumsum(STEP) / n_eligible * 100
        reasons = list(ds["switch_reason"].values)
        keep = [r for r in reasons if float(by_reason.sel(switch_reason=r).isel({STEP: -1})) > 0]
        if keep:
            ax.stackplot(x, *[by_reason.sel(switch_reason=r).values for r in keep],
                         labels=[f"switches: {nice(r)}" for r in keep], alpha=0.8,
                         colors=[palette(i) for i in range(len(keep))])
        else:
            ax.plot(x, np.zeros(len(x)), color=palette(0), label="switches (none)")
    else:
        require(ds, "new_switches")
        ax.plot(x, ds["new_switches"].cumsum(STEP).values / n_eligible * 100, color=palette(0),
                label="switches so far")
    if "n_away_from_home_by_sector" in ds:
        away = ds["n_away_from_home_by_sector"].sum("sector") / n_eligible * 100
        ax.plot(x, away.values, color="black", linewidth=2, label="listed away from home station now")
    ax.set_ylabel("share of eligible residents [%]")
    ax.set_ylim(bottom=0)
    _date_axis(ax, ds)
    ax.legend(loc="upper left", fontsize="small")
    ax.set_title(f"Cumulative switching, per {n_eligible:,} residents eligible to choose")
    return fig


def plot_switches_by_group(data: DataLike) -> Figure:
    """Switches over the whole run by age band and by income decile."""
    ds = dataset(data)
    require(ds, "new_switches_by_age_band", "new_switches_by_income_decile")
    fig, axes = _figure(1, 2, width=11, height=4.5)
    for ax, name, dim, xlabel, colour in (
            (axes[0, 0], "new_switches_by_age_band", "age_band", "age band [years]", palette(0)),
            (axes[0, 1], "new_switches_by_income_decile", "income_decile",
             "income decile [1 = lowest income]", palette(1))):
        totals = ds[name].sum(STEP)
        labels = [str(v) for v in ds[dim].values]
        ax.bar(labels, totals.values, color=colour)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(f"switches over the run [{unit_label(ds, name)}]")
        ax.set_title(f"by {nice(dim)}")
        if dim == "age_band":
            ax.tick_params(axis="x", labelrotation=45)
    fig.suptitle("Who switched: switches by age band and by income decile")
    return fig


def plot_waits_by_sector(data: DataLike) -> Figure:
    """Median and 90th percentile waits and the care-guarantee share, by sector, over time."""
    ds = dataset(data)
    require(ds, "wait_p50_days_by_sector", "wait_p90_days_by_sector",
            "share_within_guarantee_by_sector")
    x = dates(ds)
    fig, axes = _figure(3, 1, height=8.5, sharex=True)
    panels = (("wait_p50_days", "median wait"), ("wait_p90_days", "90th percentile wait"),
              ("share_within_guarantee", "served within the care guarantee"))
    for ax, (base, title) in zip(axes[:, 0], panels):
        name = f"{base}_by_sector"
        scale = 100 if base.startswith("share") else 1
        for i, sector in enumerate(_sectors(ds)):
            ax.plot(x, ds[name].sel(sector=sector).values * scale, color=sector_colour(sector, i),
                    label=nice(sector))
        if f"{base}_all" in ds:
            ax.plot(x, ds[f"{base}_all"].values * scale, color="black", linestyle="--",
                    linewidth=1, label="all producers")
        if scale == 100:
            ax.set_ylabel("within guarantee [% of settled contacts]")
        else:
            ax.set_ylabel(f"{title} [{unit_label(ds, name)}]")
            ax.set_ylim(bottom=0)
        ax.set_title(title.capitalize())
        _date_axis(ax, ds, label=ax is axes[-1, 0])
    axes[0, 0].legend(fontsize="small", ncol=4)
    guarantee_axes = axes[2, 0]
    low = np.nanmin(ds["share_within_guarantee_by_sector"].values * 100, initial=100)
    guarantee_axes.set_ylim(min(95.0, low - 2), 100.5)
    fig.suptitle("Waiting times and the care guarantee, by sector")
    return fig


def plot_waits_by_producer(data: DataLike) -> Figure:
    """Per producer over the whole run: median and 90th percentile wait (visit-weighted mean of the
    weekly values) and the share of settled contacts (served, or diverted to emergency, which
    breaches the guarantee) that were served within the care guarantee."""
    ds = dataset(data)
    require(ds, "wait_p50_days", "wait_p90_days")
    visits = _visits(ds)
    p50 = _weighted_over_steps(ds["wait_p50_days"], visits)
    p90 = _weighted_over_steps(ds["wait_p90_days"], visits)
    # The contacts whose outcome against the guarantee is known: served, or diverted to emergency.
    settled = visits
    if visits is not None and "new_er_diversions" in ds:
        settled = visits + ds["new_er_diversions"]
    if "new_served_within_guarantee" in ds and settled is not None:
        total = settled.sum(STEP)
        guarantee = ds["new_served_within_guarantee"].sum(STEP) / total.where(total > 0)
    else:
        require(ds, "share_within_guarantee")
        guarantee = _weighted_over_steps(ds["share_within_guarantee"], settled)
    producers = list(ds["producer"].values)
    sectors = (list(ds["producer_sector"].values) if "producer_sector" in ds
               else ["producer"] * len(producers))
    sector_order = {s: i for i, s in enumerate(_sectors(ds))}
    shown = range(len(producers))
    if "producer_active" in ds:  # leave out candidate entrants that never opened
        ever_open = ds["producer_active"].max(STEP).values > 0
        shown = [k for k in shown if ever_open[k]]
    order = sorted(shown,
                   key=lambda k: (sector_order.get(sectors[k], 99), -np.nan_to_num(p50.values[k])))
    y = np.arange(len(order))
    bar_colours = [sector_colour(sectors[k], sector_order.get(sectors[k], 0)) for k in order]
    fig, axes = _figure(1, 2, width=11, height=max(4.5, 0.24 * len(order) + 1.8), sharey=True)
    left, right = axes[0, 0], axes[0, 1]
    left.barh(y, p90.values[order], color=bar_colours, alpha=0.35, label="90th percentile")
    left.barh(y, p50.values[order], color=bar_colours, height=0.45, label="median")
    left.set_yticks(y, [str(producers[k]) for k in order], fontsize="small")
    left.set_ylim(len(order) - 0.5, -0.5)
    for row, k in enumerate(order):
        if not np.isfinite(p50.values[k]):
            left.text(0.5, row, "no visits served", va="center", fontsize="x-small", color="0.4")
    left.set_ylabel("producer (grouped by sector)")
    left.set_xlabel(f"wait, visit-weighted over the run [{unit_label(ds, 'wait_p50_days')}]")
    left.set_title("Median (dark) and 90th percentile (light) wait")
    right.barh(y, guarantee.values[order] * 100, color=bar_colours)
    right.set_xlabel("contacts served within the care guarantee [% of served or diverted]")
    right.set_title("Care guarantee kept")
    finite = guarantee.values[np.isfinite(guarantee.values)]
    low = float(finite.min()) * 100 if finite.size else 100.0
    right.set_xlim(max(0.0, min(90.0, low - 5)), 100.5)
    handles = [Line2D([], [], color=sector_colour(s, i), linewidth=8, label=nice(s))
               for i, s in enumerate(_sectors(ds)) if s in sectors]
    if handles:
        left.legend(handles=handles, title="sector", loc="lower right", fontsize="small")
    fig.suptitle("Waits and the care guarantee by producer (whole run)")
    return fig


def plot_need_flows(data: DataLike) -> Figure:
    """Heat map of residents moving between need levels, summed over the run."""
    ds = dataset(data)
    require(ds, "new_need_flows")
    flows = ds["new_need_flows"].sum(STEP)
    row_dim, col_dim = flows.dims
    matrix = flows.values.astype(float)
    fig, axes = _figure(width=7.5, height=6.0)
    ax = axes[0, 0]
    positive = matrix[matrix > 0]
    norm = colors.LogNorm(vmin=max(1.0, positive.min()), vmax=max(positive.max(), 2.0)) \
        if positive.size else None
    image = ax.imshow(np.ma.masked_less_equal(matrix, 0), cmap=SEQUENTIAL, norm=norm)
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            value = matrix[i, j]
            shade = norm(value) if (norm is not None and value > 0) else 0
            ax.text(j, i, f"{value:,.0f}", ha="center", va="center", fontsize="small",
                    color="white" if shade > 0.55 else "black" if value > 0 else "grey")
    ax.set_xticks(range(matrix.shape[1]), [str(v) for v in ds[col_dim].values])
    ax.set_yticks(range(matrix.shape[0]), [str(v) for v in ds[row_dim].values])
    ax.set_xlabel(f"need level after the step [{nice(col_dim)}]")
    ax.set_ylabel(f"need level before the step [{nice(row_dim)}]")
    colourbar = fig.colorbar(image, ax=ax, shrink=0.85)
    colourbar.set_label(f"resident-steps over the run, log scale [{unit_label(ds, 'new_need_flows')}]")
    ax.set_title("Movements between need levels, summed over the run\n(diagonal: staying at the level)")
    return fig


def plot_heavy_users(data: DataLike) -> Figure:
    """Heavy-need residents over time (and those with a customer plan, if any)."""
    ds = dataset(data)
    require(ds, "n_heavy")
    x = dates(ds)
    fig, axes = _figure(height=4.5)
    ax = axes[0, 0]
    ax.plot(x, ds["n_heavy"].values, color=palette(0), label="heavy-need residents")
    if "n_heavy_with_plan_listed" in ds:
        with_plan = ds["n_heavy_with_plan_listed"].sum("producer")
        if float(with_plan.max()) > 0:
            ax.plot(x, with_plan.values, color=palette(1), label="of whom with a customer plan")
    ax.set_ylabel(f"heavy-need residents [{unit_label(ds, 'n_heavy')}]")
    ax.set_ylim(bottom=0)
    _date_axis(ax, ds)
    ax.legend(loc="lower right")
    ax.set_title("Heavy users of services over time")
    return fig


def plot_cost_by_kind(data: DataLike) -> Figure:
    """Money flows in the organiser's books per resident-year, by kind: totals over the run and
    their course over time (annualised)."""
    ds = dataset(data)
    per_year = cost_per_resident_year(ds)
    kinds = [k for k in ds["payment_kind"].values if abs(float(per_year.sel(payment_kind=k))) > 1e-9]
    if not kinds:
        kinds = list(ds["payment_kind"].values)
    organiser = [k for k in kinds if k != "client_fee"]
    unit = unit_label(ds, "organiser_books_eur", "EUR")
    fig, axes = _figure(1, 2, width=12, height=5.0, gridspec_kw={"width_ratios": [1, 1.4]})
    left, right = axes[0, 0], axes[0, 1]
    values = [float(per_year.sel(payment_kind=k)) for k in kinds]
    bar_colours = [palette(i) for i in range(len(kinds))]
    bars = left.barh([nice(k) for k in kinds], values, color=bar_colours)
    for bar, kind in zip(bars, kinds):
        if kind == "client_fee":
            bar.set_hatch("//")
            bar.set_alpha(0.6)
    left.bar_label(bars, labels=[f"{v:,.0f}" for v in values], padding=3, fontsize="small")
    left.invert_yaxis()
    left.set_xlabel(f"per resident-year [{unit}]")
    left.set_ylabel("kind of money flow")
    total = sum(float(per_year.sel(payment_kind=k)) for k in organiser)
    left.set_title(f"Whole run: organiser {total:,.0f} {unit} per resident-year\n"
                   "(hatched: client fees, paid by residents)", fontsize="medium")
    left.margins(x=0.2)
    annualise = 365.25 / step_days(ds) / residents(ds)
    x = dates(ds)
    series = [ds["organiser_books_eur"].sel(payment_kind=k).values * annualise for k in organiser]
    if series:
        right.stackplot(x, *series, labels=[nice(k) for k in organiser],
                        colors=[bar_colours[kinds.index(k)] for k in organiser], alpha=0.8)
    right.set_ylabel(f"annualised [{unit} per resident-year]")
    right.set_title("Organiser's spending over time, by kind", fontsize="medium")
    _date_axis(right, ds)
    right.legend(loc="lower left", fontsize="small")
    fig.suptitle("Cost per resident-year by kind of payment")
    return fig


def producer_events(ds: xr.Dataset) -> list[tuple]:
    """(step, date, producer index, producer name, sector, code, kind) for every nonzero
    new_producer_event, in order of step."""
    require(ds, "new_producer_event")
    codes = ds["new_producer_event"].values
    x = dates(ds)
    out = []
    for step, k in zip(*np.nonzero(codes)):
        code = int(codes[step, k])
        sector = str(ds["producer_sector"].values[k]) if "producer_sector" in ds else ""
        kind = EVENT_KINDS.get(code, (f"event {code}",))[0]
        out.append((int(ds[STEP].values[step]), x[step], int(k), str(ds["producer"].values[k]), sector,
                    code, kind))
    return out


def plot_producer_events(data: DataLike) -> Figure:
    """Producers open by sector over time, and when producers opened, entered, closed or left."""
    ds = dataset(data)
    events = producer_events(ds)
    x = dates(ds)
    has_active = "producer_active" in ds and "producer_sector" in ds
    rows = sorted({(e[3], e[2]) for e in events})  # (name, index): names need not be unique
    names = [name for name, _ in rows]
    height = (3.5 if has_active else 0) + max(2.2, 0.3 * len(names) + 1.5)
    nrows = 2 if has_active else 1
    ratios = [3.5, max(2.2, 0.3 * len(names) + 1.5)] if has_active else [1]
    fig, axes = _figure(nrows, 1, width=10, height=height, sharex=True,
                        gridspec_kw={"height_ratios": ratios})
    if has_active:
        ax = axes[0, 0]
        active = ds["producer_active"]
        for i, sector in enumerate(_sectors(ds)):
            mask = (ds["producer_sector"] == sector).values
            ax.step(x, active.values[:, mask].sum(axis=1), where="post",
                    color=sector_colour(sector, i), label=nice(sector))
        ax.set_ylabel("producers open [producers]")
        ax.set_title("Producers open, by sector")
        ax.set_ylim(0, max(1, int(active.sum("producer").max())) * 1.1)
        ax.legend(fontsize="small", ncol=3)
        _date_axis(ax, ds, label=False)
    ax = axes[-1, 0]
    if events:
        row = {index: i for i, (_, index) in enumerate(rows)}
        for code, (kind, marker, colour) in EVENT_KINDS.items():
            chosen = [e for e in events if e[5] == code]
            if chosen:
                ax.scatter([e[1] for e in chosen], [row[e[2]] for e in chosen], marker=marker,
                           s=80, color=colour, label=kind, zorder=3)
        ax.set_yticks(range(len(names)), names, fontsize="small")
        ax.set_ylim(len(names) - 0.5, -0.5)
        ax.grid(axis="y", color="0.9")
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_title("Entries and exits")
    else:
        ax.set_yticks([])
        ax.text(0.5, 0.5, "No producer opened, entered, closed or left the market in this run",
                transform=ax.transAxes, ha="center", va="center", color="0.3")
        ax.set_title("Entries and exits: none")
    if len(x):
        ax.set_xlim(x[0], x[-1])
    ax.set_ylabel("producer [name]")
    _date_axis(ax, ds)
    fig.suptitle("Producer entries and exits")
    return fig


def zone_codes(ds: xr.Dataset) -> list[str]:
    """The municipality code of every zone (``zone_code``), as three digits."""
    require(ds, "zone_code")
    return [normal_code(code) for code in ds["zone_code"].values]


def zone_centres(ds: xr.Dataset) -> dict[str, tuple[float, float]]:
    """Municipality code -> (longitude, latitude) of the zone's centre, where the file has them."""
    if not all(name in ds for name in ("zone_code", "zone_lon", "zone_lat")):
        return {}
    return {code: (float(x), float(y)) for code, x, y in
            zip(zone_codes(ds), ds["zone_lon"].values, ds["zone_lat"].values)}


def plot_zone_map(data: DataLike, boundaries: str | os.PathLike | None = None) -> Figure:
    """The municipalities of the scenario with their boundaries, coloured by the share of eligible
    residents listed away from their home station at the last step (of a replications file: the
    mean over the replications); the other municipalities in light grey around them, producers
    as crosses. ``boundaries``: the GeoJSON file (see :mod:`valinta_analysis.geo`)."""
    ds = dataset(data)
    share = last_step_away_share(ds) * 100
    replications = ds.sizes.get("replication", 0) if "replication" in share.dims else 0
    if replications:
        share = share.mean("replication")
    values = dict(zip(zone_codes(ds), share.values.astype(float)))
    finite = share.values[np.isfinite(share.values)]
    norm = Normalize(0, max(1.0, float(finite.max())) if finite.size else 1.0)
    fig, axes = _figure(width=8.5, height=9)
    ax = axes[0, 0]
    draw_municipalities(ax, values, SEQUENTIAL, norm, boundaries, name_at=zone_centres(ds))
    handles = [Line2D([], [], marker="s", linestyle="", markersize=11, markerfacecolor=NO_VALUE_FACE,
                      markeredgecolor="0.35", label="in the scenario, no one eligible to choose"),
               Line2D([], [], marker="s", linestyle="", markersize=11, markerfacecolor=CONTEXT_FACE,
                      markeredgecolor="white", label="outside the scenario")]
    if "producer_lon" in ds and "producer_lat" in ds:
        ax.scatter(ds["producer_lon"].values, ds["producer_lat"].values, marker="+", s=25,
                   color="black", linewidths=0.8, zorder=3)
        handles.append(Line2D([], [], marker="+", linestyle="", color="black", label="producer"))
    colourbar = fig.colorbar(ScalarMappable(norm=norm, cmap=SEQUENTIAL), ax=ax, shrink=0.75)
    colourbar.set_label("eligible residents listed away from their home station, last step "
                        "[%]")
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=2,
              fontsize="small")
    ax.set_xlabel(f"longitude [{_degree_units(units(ds, 'zone_lon') if 'zone_lon' in ds else '')}]")
    ax.set_ylabel(f"latitude [{_degree_units(units(ds, 'zone_lat') if 'zone_lat' in ds else '')}]")
    ax.set_title("Listed away from the home station, by municipality"
                 + (f"\n(mean of {replications} replications)" if replications else ""))
    fig.supxlabel(ATTRIBUTION, x=0.02, ha="left", fontsize=7, color="0.3")
    return fig


def _degree_units(u: str) -> str:
    return {"degrees_east": "degrees east", "degrees_north": "degrees north"}.get(u, u or "degrees")


# --- all figures ---------------------------------------------------------------------------------

#: Every figure, in report order: name -> function.
FIGURES: dict[str, Callable[[DataLike], Figure]] = {
    "listed_by_sector": plot_listed_by_sector,
    "cumulative_switching": plot_cumulative_switching,
    "switches_by_group": plot_switches_by_group,
    "waits_by_sector": plot_waits_by_sector,
    "waits_by_producer": plot_waits_by_producer,
    "need_flows": plot_need_flows,
    "heavy_users": plot_heavy_users,
    "cost_by_kind": plot_cost_by_kind,
    "producer_events": plot_producer_events,
    "zone_map": plot_zone_map,
}


def save_png(fig: Figure, path: str | os.PathLike, dpi: int = DPI) -> str:
    """Writes a figure as PNG and returns the path."""
    path = os.fspath(path)
    fig.savefig(path, format="png", dpi=dpi)
    return path


def png_bytes(fig: Figure, dpi: int = DPI) -> bytes:
    """A figure as PNG bytes (for embedding)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def save_all(data: DataLike, directory: str | os.PathLike, dpi: int = DPI,
             skipped: dict[str, str] | None = None, boundaries: str | os.PathLike | None = None,
             thresholds: dict[str, float] | None = None) -> dict[str, str]:
    """Writes every figure that fits the file's kind (FIGURES for a single run; see
    :func:`valinta_analysis.bands.figure_set`) as DIRECTORY/NAME.png and returns name -> path.

    A figure whose data the file lacks is left out; pass a dict as ``skipped`` to learn which and
    why (name -> what is missing). ``boundaries`` (the maps' GeoJSON file) and ``thresholds``
    (the forest plot's) go to the figures that take them.
    """
    from .bands import figure_set  # bands builds on this module

    ds = dataset(data)
    os.makedirs(directory, exist_ok=True)
    written = {}
    for name, plot in figure_set(ds, boundaries=boundaries, thresholds=thresholds).items():
        try:
            fig = plot(ds)
        except MissingData as error:
            if skipped is not None:
                skipped[name] = str(error.args[0])
            continue
        written[name] = save_png(fig, os.path.join(directory, f"{name}.png"), dpi=dpi)
    return written
