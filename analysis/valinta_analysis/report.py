"""A self-contained HTML report of one results file: run details, headline figures and every figure
(embedded as base64 PNG) with a short plain-language caption. The page needs no network: no
external links, stylesheets or scripts.

A single run gets its figures; a replications file the headline figures with intervals, the
headline series with bands, the map of the mean over replications and the figures of its first
replication; a comparison file the rules each scenario changes, the table of paired differences
(whether each is clear, and whether it is large enough to matter), a forest plot of them, the
headline series of every scenario and a map of the differences; a sweep file its parameters and
design, the table of runs and the sensitivity of the indicators to the parameters.

Captions say only what the page shows: a caption that points to a table or figure points to one
in the same report. Colours are neutral (see :mod:`valinta_analysis.plots`): whether a difference
is better or worse is for the reader to judge, and the report never colours it so."""

from __future__ import annotations

import base64
import html
import os
from typing import Callable

import numpy as np
import xarray as xr

import yaml

from . import bands, package, plots, rules, tables
from .geo import ATTRIBUTION
from .results import (REPLICATION, SCENARIO, STEP, DataLike, MissingData, dataset, eligible,
                      file_kind, residents, scenario_value, source_path, step_days, summary)
from .tables import HEADLINES, format_headline, ordered_headlines  # noqa: F401 (used by callers)

TITLES = {
    "listed_by_sector": "Listed residents by sector",
    "cumulative_switching": "Switching over time",
    "switches_by_group": "Who switched: age and income",
    "waits_by_sector": "Waiting times and the care guarantee by sector",
    "waits_by_producer": "Waiting times and the care guarantee by producer",
    "need_flows": "Changes in care need",
    "heavy_users": "Heavy users of services",
    "cost_by_kind": "Cost per resident-year by kind of payment",
    "producer_events": "Producer entries and exits",
    "zone_map": "Listed away from the home station, by municipality",
}


# --- captions ------------------------------------------------------------------------------------

def _pct(x: float) -> str:
    return f"{x * 100:.1f} %"


def _step_word(ds: xr.Dataset) -> str:
    days = step_days(ds)
    return "week" if days == 7 else f"{days:g}-day step"


def _last_finite(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite[-1]) if finite.size else float("nan")


def caption_listed_by_sector(ds: xr.Dataset, headline: dict) -> str:
    listed = ds["n_listed_by_sector"].isel({STEP: -1})
    total = float(listed.sum()) or 1.0
    parts = [f"{plots.nice(s)} {int(v):,} ({_pct(v / total)})"
             for s, v in zip(ds["sector"].values, listed.values)]
    return ("Where residents are listed, by the sector of their producer. At the end of the run: "
            + ", ".join(parts) + ". The lower panel shows the gain or loss of each sector since "
            f"the first {_step_word(ds)}, which is easier to see than the totals when one sector is much larger.")


def caption_cumulative_switching(ds: xr.Dataset, headline: dict) -> str:
    n = eligible(ds)
    by_reason = ("new_switches_by_reason" in ds
                 and float(ds["new_switches_by_reason"].sum()) > 0)
    text = ("How much residents used their choice. The "
            + ("coloured areas add up" if by_reason else "blue line adds up")
            + f" every change of producer since the start, as a share of the {n:,} residents "
            "eligible to choose" + (", split by the reason for the change" if by_reason else "")
            + "; a resident who changes twice counts twice.")
    if "n_away_from_home_by_sector" in ds:
        away = float(ds["n_away_from_home_by_sector"].isel({STEP: -1}).sum()) / n
        text += (f" The black line is the share listed somewhere other than their home health "
                 f"station at each point in time: {_pct(away)} at the end.")
    if "ever_switched_share" in headline:
        text += f" In all, {_pct(headline['ever_switched_share'])} switched at least once."
    return text


def caption_switches_by_group(ds: xr.Dataset, headline: dict) -> str:
    by_age = ds["new_switches_by_age_band"].sum(STEP)
    by_income = ds["new_switches_by_income_decile"].sum(STEP)
    total = float(by_age.sum())
    if total == 0:
        return "Switches by age band and income decile: nobody switched in this run."
    top = str(by_age["age_band"].values[int(np.argmax(by_age.values))])
    text = (f"Who switched, counted over the whole run. The age band with the most switches is "
            f"{top} years ({int(by_age.max()):,} switches, {_pct(float(by_age.max()) / total)} of "
            f"all). These are counts, not rates: age bands differ in size, while income deciles "
            f"are ten equal-sized groups.")
    lowest, highest = float(by_income.values[0]), float(by_income.values[-1])
    if lowest > 0:
        text += (f" The highest income decile switched {highest / lowest:.2f} times as often as the "
                 f"lowest.")
    return text


def caption_waits_by_sector(ds: xr.Dataset, headline: dict) -> str:
    guarantee = scenario_value(ds, "rules.care_guarantee_days")
    text = (f"How long people waited for a visit, {_step_word(ds)} by {_step_word(ds)} and by the sector of the producer: "
            "the median (half waited less), the 90th percentile (nine in ten waited less), and the "
            "share of contacts served within the care guarantee (diverted ones count as breaches)"
            + (f" of {guarantee} days" if guarantee else "") + ".")
    if "wait_p90_days_all" in ds:
        p90 = _last_finite(ds["wait_p90_days_all"].values)
        if np.isfinite(p90):
            text += f" In the last {_step_word(ds)}, nine in ten visits in the region came within {p90:.0f} days."
    if "share_within_guarantee" in headline:
        text += (f" Over the run, {_pct(headline['share_within_guarantee'])} of visits were within "
                 "the guarantee.")
    return text + " A sector with no line had no producer serving visits."


def caption_waits_by_producer(ds: xr.Dataset, headline: dict) -> str:
    visits = plots._visits(ds)
    p50 = plots._weighted_over_steps(ds["wait_p50_days"], visits)
    text = (f"Each producer's typical waits over the whole run (the value of each {_step_word(ds)} "
            "averaged, weighting busy ones more), grouped by sector with the longest median wait first, and "
            "the share of its contacts served within the care guarantee (a diversion to emergency counts as a breach).")
    if np.isfinite(p50.values).any():
        k = int(np.nanargmax(p50.values))
        text += (f" The longest median wait was at {ds['producer'].values[k]} "
                 f"({float(p50.values[k]):.0f} days).")
    if "producer_active" in ds:
        never = int((ds["producer_active"].max(STEP) == 0).sum())
        if never:
            text += f" {never} planned entrants that never opened are left out."
    return text


def caption_need_flows(ds: xr.Dataset, headline: dict) -> str:
    flows = ds["new_need_flows"].sum(STEP).values
    up = int(np.triu(flows, 1).sum())
    down = int(np.tril(flows, -1).sum())
    per_year = round(365.25 / step_days(ds))
    return (f"How residents' care needs changed. Each cell counts residents moving in one "
            f"{_step_word(ds)} from the need level on the left to the level at the bottom, added up "
            "over the run; the diagonal counts those who stayed (one resident staying a whole year "
            f"counts {per_year} times). "
            f"Colours are on a logarithmic scale. In all, {up:,} moves went to a higher need level "
            f"and {down:,} to a lower one.")


def caption_heavy_users(ds: xr.Dataset, headline: dict) -> str:
    heavy = ds["n_heavy"].values
    first, last = int(heavy[0]), int(heavy[-1])
    change = f" ({(last - first) / first * 100:+.1f} %)" if first else ""
    text = (f"Residents with heavy care needs, the heavy-user indicator of the integration "
            f"guidance: {first:,} at the start and {last:,} at the end{change}.")
    if "n_heavy_with_plan_listed" in ds and float(ds["n_heavy_with_plan_listed"].max()) > 0:
        with_plan = int(ds["n_heavy_with_plan_listed"].isel({STEP: -1}).sum())
        text += (f" The second line shows those with a customer plan: {with_plan:,} at the end.")
    return text


def caption_cost_by_kind(ds: xr.Dataset, headline: dict) -> str:
    per_year = plots.cost_per_resident_year(ds)
    kinds = [str(k) for k in ds["payment_kind"].values
             if abs(float(per_year.sel(payment_kind=k))) > 1e-9]
    organiser = {k: float(per_year.sel(payment_kind=k)) for k in kinds if k != "client_fee"}
    total = sum(organiser.values())
    largest = max(organiser, key=organiser.get) if organiser else None
    text = (f"What the organiser paid, per resident per year: {total:,.0f} EUR in all over the run"
            + (f", the largest item being {plots.nice(largest)} ({organiser[largest]:,.0f} EUR)"
               if largest else "") + ".")
    if "client_fee" in kinds:
        text += (f" Client fees ({float(per_year.sel(payment_kind='client_fee')):,.0f} EUR per "
                 "resident-year, hatched) are paid by residents, not by the organiser.")
    return text + (f" The right panel shows the organiser's spending {_step_word(ds)} by "
                   f"{_step_word(ds)}, scaled to a year.")


def caption_producer_events(ds: xr.Dataset, headline: dict) -> str:
    events = plots.producer_events(ds)
    if not events:
        text = "No producer opened, entered, closed or left the market in this run."
        if "producer_active" in ds:
            text += f" {int(ds['producer_active'].isel({STEP: -1}).sum())} producers were open throughout."
        return text
    counts: dict[str, int] = {}
    for event in events:
        counts[event[6]] = counts.get(event[6], 0) + 1
    listed = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    panels = "producer_active" in ds and "producer_sector" in ds
    text = (f"Changes in the producer market: {listed}. The "
            + ("lower panel" if panels else "figure") + " shows when and which.")
    if "producer_active" in ds:
        active = ds["producer_active"].sum("producer").values
        text += f" Producers open: {int(active[0])} at the start, {int(active[-1])} at the end."
    return text


def caption_zone_map(ds: xr.Dataset, headline: dict) -> str:
    share = plots.last_step_away_share(ds)
    replications = ds.sizes.get(REPLICATION, 0) if REPLICATION in share.dims else 0
    if replications:
        share = share.mean(REPLICATION)
    text = ("The municipalities of the scenario, drawn with their boundaries. Those with residents "
            "eligible to choose are coloured by the share of the eligible listed somewhere other "
            "than their home health station at the end of the run"
            + (f" (the mean of {replications} replications)" if replications else "")
            + ", from light blue (few) to dark blue (many); municipalities of the scenario where no "
            "one was eligible are mid grey, and the surrounding municipalities outside the "
            "scenario light grey.")
    if "producer_lon" in ds:
        text += " Crosses mark producers."
    if np.isfinite(share.values).any():
        k = int(np.nanargmax(share.values))
        text += f" The highest share was in {ds['zone'].values[k]} ({_pct(float(share.values[k]))})."
    return text + f" {ATTRIBUTION}."


CAPTIONS: dict[str, Callable[[xr.Dataset, dict], str]] = {
    "listed_by_sector": caption_listed_by_sector,
    "cumulative_switching": caption_cumulative_switching,
    "switches_by_group": caption_switches_by_group,
    "waits_by_sector": caption_waits_by_sector,
    "waits_by_producer": caption_waits_by_producer,
    "need_flows": caption_need_flows,
    "heavy_users": caption_heavy_users,
    "cost_by_kind": caption_cost_by_kind,
    "producer_events": caption_producer_events,
    "zone_map": caption_zone_map,
}


# --- the page ------------------------------------------------------------------------------------

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { text-align: left; padding: 0.25em 0.8em; border-bottom: 1px solid #e4e4e4;
         vertical-align: top; }
div.wide { overflow-x: auto; }
td.value { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
figure { margin: 0.5em 0 1.5em; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { margin-top: 0.4em; max-width: 60em; }
.small { color: #555; font-size: 0.9em; }
th .small { font-weight: normal; }
code { font-size: 0.9em; word-break: break-all; }
tr.matters th, tr.matters td { background: #e8eef5; font-weight: bold; }
div.wide { overflow-x: auto; }
table.runs th, table.runs td { font-size: 0.85em; padding: 0.2em 0.5em; }
"""


def run_details(ds: xr.Dataset) -> list[tuple[str, str]]:
    """(label, value) rows describing the run, from the file's root attributes and scenario."""
    rows = []
    if "scenario_name" in ds.attrs:
        rows.append(("Scenario", str(ds.attrs["scenario_name"])))
    description = scenario_value(ds, "description")
    if description:
        rows.append(("Description", description))
    if "date" in ds.coords and ds.sizes.get(STEP, 0):
        rows.append(("Period", _period(ds)))
    rows.append(("Residents simulated", f"{residents(ds):,}"))
    if "producer" in ds.sizes:
        rows.append(("Producers", f"{ds.sizes['producer']}"))
    return rows + provenance(ds, (("seed", "Seed"), ("replication", "Replication")))


def _period(ds: xr.Dataset) -> str:
    first = np.datetime64(ds["date"].values[0], "D")
    end = np.datetime64(ds["date"].values[-1], "D") + np.timedelta64(int(step_days(ds)) - 1, "D")
    return f"{first} to {end} ({ds.sizes[STEP]} steps of {step_days(ds):g} days)"


PROVENANCE = (("engine_version", "Engine version"), ("git_commit", "Engine commit"),
              ("created", "Created"), ("command_line", "Command line"))


def provenance(ds: xr.Dataset, first: tuple = ()) -> list[tuple[str, str]]:
    """(label, value) rows of the root attributes in ``first`` then those saying how the file was
    made (engine, commit, time, command line), and the path of the results file."""
    rows = [(label, str(ds.attrs[key])) for key, label in (*first, *PROVENANCE) if key in ds.attrs]
    source = source_path(ds)
    if source:
        rows.append(("Results file", source))
    return rows


# --- the service package ---------------------------------------------------------------------------

PACKAGE_INTRO = ("The service package of the reception services: the same standard indicators for "
                 "every run, over the whole recorded period, so that regions, producers and rule "
                 "sets can be set side by side (docs/ODD.md section 9.6). A region's figures are "
                 "those of the producers located in it together; rates are per resident-year "
                 "listed; shares are in per cent; NaN (\u2013) where there is nothing to divide by.")


def _html_matrix(header: list[str], rows: list[tuple[str, list[str]]], wide: bool = False) -> str:
    """An HTML table: a header row, then one row per (label, cells), numbers right-aligned."""
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "\n".join("<tr><th>" + esc(label) + "</th>" +
                     "".join(f'<td class="value">{esc(c)}</td>' for c in cells) + "</tr>"
                     for label, cells in rows)
    table = f"<table>\n<tr>{head}</tr>\n{body}\n</table>"
    return f'<div class="wide">{table}</div>' if wide else table


def package_by_region_html(data: DataLike) -> str:
    """The package of a run (or the means of replications), regions side by side."""
    table = package.package_table(data, "region")
    regions = [c for c in table.columns if c not in ("label", "units", "meaning")]
    rows = [(f"{row.label} ({row.units})",
             [package.format_package_value(row[r], row.units) for r in regions])
            for name, row in table.iterrows()]
    return _html_matrix(["indicator", *regions], rows, wide=len(regions) > 4)


def package_by_producer_html(data: DataLike) -> str:
    """The package of each producer: one row per producer, one column per indicator."""
    table = package.package_table(data, "producer")
    units, labels = table.attrs["units"], table.attrs["labels"]
    header = ["producer", *[f"{labels[c]} ({units[c]})" for c in table.columns]]
    rows = [(str(producer), [package.format_package_value(v, units[c]) for c, v in row.items()])
            for producer, row in table.iterrows()]
    return _html_matrix(header, rows, wide=True)


def package_comparison_html(data: DataLike) -> str:
    """A comparison's package of the whole area: A, B, B - A and its interval for every scenario
    against the baseline; then, when the zones name several regions, the regions side by side."""
    table = package.package_comparison(data)
    base = table.attrs["baseline"]
    out = []
    for label in [s for s in dict.fromkeys(table["scenario"]) if s != base]:
        part = table[table["scenario"] == label]
        rows = []
        for row in part.itertuples():
            fmt = lambda v: package.format_package_value(v, row.units)  # noqa: E731
            interval = ("\u2013" if not np.isfinite(row.ci_low)
                        else f"{_signed_value(row.ci_low, row.units)} to "
                             f"{_signed_value(row.ci_high, row.units)}")
            rows.append((f"{row.label} ({row.units})",
                         [fmt(row.baseline_mean), fmt(row.scenario_mean),
                          _signed_value(row.difference, row.units), interval,
                          "yes" if row.clear else "no"]))
        out.append(f"<h3>A = {html.escape(base)}, B = {html.escape(label)}: the whole area</h3>")
        out.append(_html_matrix(["indicator", "A", "B", "B \u2212 A", "95 % interval",
                                 "clear difference?"], rows))
    by_region = package.regions_side_by_side(data)
    regions = list(dict.fromkeys(by_region.columns.get_level_values("region")))
    if len(regions) > 2:
        header = ["indicator", *[f"{r}: {s}" for r, s in by_region.columns]]
        labels, units = by_region.attrs["labels"], by_region.attrs["units"]
        rows = [(f"{labels[name]} ({units[name]})",
                 [package.format_package_value(v, units[name]) for v in values])
                for name, values in zip(by_region.index, by_region.values)]
        out.append("<details><summary>By region, every scenario (means over the "
                   "replications)</summary>" + _html_matrix(header, rows, wide=True) + "</details>")
    return "\n".join(out)


def _signed_value(value: float, unit: str) -> str:
    if not np.isfinite(value):
        return "\u2013"
    text = package.format_package_value(abs(value), unit)
    return ("+" if value > 0 else "\u2212" if value < 0 else "\u00b1") + text


def _package_section(out: list[str], ds: xr.Dataset, by_producer: bool = True,
                     comparison: bool = False) -> None:
    """The report's section on the service package (nothing if the file has none)."""
    try:
        parts = ([package_comparison_html(ds)] if comparison else
                 [package_by_region_html(ds)] + ([package_by_producer_html(ds)] if by_producer else []))
    except MissingData:
        return
    _heading(out, "service-package", "Service package")
    out.append(f'<p class="small">{html.escape(PACKAGE_INTRO)}</p>')
    out.extend(parts)


def _page_start(title: str, intro: str) -> list[str]:
    esc = html.escape
    return ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
            f"<title>{esc(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
            f"<h1>{esc(title)}</h1>", f'<p class="small">{esc(intro)}</p>']


def _page_end(out: list[str], left_out: list[tuple[str, str]]) -> str:
    esc = html.escape
    if left_out:
        out.append('<h2 id="left-out">Figures left out</h2><ul>')
        out.extend(f"<li>{esc(title)}: {esc(reason)}</li>" for title, reason in left_out)
        out.append("</ul>")
    out.append('<p class="small">Made with valinta_analysis from the results file named above.</p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _heading(out: list[str], anchor: str, title: str) -> None:
    out.append(f'<h2 id="{html.escape(anchor)}">{html.escape(title)}</h2>')


def _figures(out: list[str], ds: xr.Dataset, figures: dict, titles: dict, captions: dict,
             dpi: int, left_out: list[tuple[str, str]], prefix: str = "") -> list[str]:
    """Appends each figure as an embedded PNG with its caption; a figure whose data is missing is
    added to ``left_out`` instead. ``captions`` maps name -> function(ds) -> text. Returns the
    names of the figures drawn."""
    esc = html.escape
    drawn = []
    for key, plot in figures.items():
        title = prefix + titles.get(key, key.replace("_", " ").capitalize())
        try:
            fig = plot(ds)
            caption = captions[key](ds) if key in captions else ""
        except MissingData as error:
            left_out.append((title, str(error.args[0])))
            continue
        encoded = base64.b64encode(plots.png_bytes(fig, dpi=dpi)).decode("ascii")
        anchor = f"{prefix and 'replication-0-'}{key}"
        out.append(f'<h2 id="{esc(anchor)}">{esc(title)}</h2>')
        out.append(f'<figure><img src="data:image/png;base64,{encoded}" alt="{esc(title)}">'
                   f"<figcaption>{esc(caption)}</figcaption></figure>")
        drawn.append(key)
    return drawn


def _run_captions(headline: dict) -> dict:
    return {key: (lambda ds, caption=caption: caption(ds, headline))
            for key, caption in CAPTIONS.items()}


def build_report(data: DataLike, dpi: int = plots.DPI, thresholds: dict[str, float] | None = None,
                 boundaries: str | os.PathLike | None = None) -> str:
    """The report as an HTML string, for any kind of results file.

    ``thresholds`` (indicator -> smallest difference that matters, in the indicator's own units;
    see :func:`valinta_analysis.comparison_table`) applies to a comparison; ``boundaries`` is the
    GeoJSON file of municipal boundaries for the maps (found by itself if not given: see
    :mod:`valinta_analysis.geo`)."""
    ds = dataset(data)
    kind = file_kind(ds)
    if kind == "comparison":
        return build_comparison_report(ds, dpi, thresholds=thresholds, boundaries=boundaries)
    if kind == "replications":
        return build_replications_report(ds, dpi, boundaries=boundaries)
    if kind == "sweep":
        return build_sweep_report(ds, dpi)
    headline = summary(ds) if source_path(ds) else {}
    name = str(ds.attrs.get("scenario_name", "results"))
    out = _page_start(f"Valinta results: {name}",
                      "A simulation of a freedom-of-choice pilot in social and health care. "
                      "Figures come from one simulated run; a different seed gives somewhat "
                      "different numbers.")
    _heading(out, "run", "Run")
    out.append(_table(run_details(ds), code_labels=CODE_LABELS))
    _heading(out, "headline-figures", "Headline figures")
    if headline:
        out.append(_table(ordered_headlines(headline), numeric=True))
    else:
        out.append("<p>The results file has no summary.</p>")
    _package_section(out, ds)
    left_out: list[tuple[str, str]] = []
    figures = bands.with_options(plots.FIGURES, boundaries=boundaries)
    _figures(out, ds, figures, TITLES, _run_captions(headline), dpi, left_out)
    return _page_end(out, left_out)


CODE_LABELS = {"Command line", "Results file", "Engine commit", "Sweep file", "Base scenario file"}

BAND_TITLES = {
    "differences": "Differences from the baseline, with 95 % intervals",
    "away_from_home_bands": "Listed away from the home station, by sector",
    "cumulative_switching_bands": "Switching over time",
    "waits_bands": "Waiting times",
    "guarantee_bands": "Visits within the care guarantee",
    "organiser_cost_bands": "Organiser's cost",
    "zone_map": "Listed away from the home station, by municipality (mean of the replications)",
    "zone_differences": "Differences by municipality",
}


def _band_caption(what: str, name: str, scale: float = 1.0, fmt: str = "{:,.0f}",
                  reduce: Callable | None = None) -> Callable[[xr.Dataset], str]:
    """A caption function: what the figure shows, how to read the bands (for one scenario's
    replications, or for several scenarios of a comparison), then each line's mean at the last
    step."""
    def caption(ds: xr.Dataset) -> str:
        parts = []
        for label, values in bands.scenario_groups(ds, name):
            last = values.isel({STEP: -1})
            if reduce is not None:
                last = reduce(ds, label, values).isel({STEP: -1})
            parts.append(f"{label} {fmt.format(float(last.mean()) * scale)}")
        count = ds.sizes.get(REPLICATION, 1)
        if file_kind(ds) == "comparison" and ds.sizes.get(SCENARIO, 1) < 2:
            how = (f"The line is the mean over the {count} replications, the shaded band its 95 % "
                   "interval. The comparison holds only the baseline: there is nothing to compare "
                   "it with.")
        elif file_kind(ds) == "comparison":
            how = (f"Each line is the mean of one scenario over its {count} replications, the "
                   "shaded band its 95 % interval: the spread of each scenario on its own. Whether "
                   "two scenarios differ is judged from their paired differences (the summary "
                   "table and the forest plot above), which are more precise than bands that "
                   "overlap or not.")
        else:
            how = (f"The line is the mean over the {count} replications, the shaded band its 95 % "
                   "interval: how far chance alone moves the mean; a narrow band means more "
                   "replications would change the line little.")
        return f"{what} {how} At the last {_step_word(ds)}: " + ", ".join(parts) + "."
    return caption


def _cumulative_share(ds: xr.Dataset, label: str, values: xr.DataArray) -> xr.DataArray:
    eligible_count = bands.scenario_indicator(ds, label, "eligible") or 1.0
    return values.cumsum(STEP) / eligible_count


def _away_total(ds: xr.Dataset, label: str, values: xr.DataArray) -> xr.DataArray:
    return values.sum("sector")


BAND_CAPTIONS: dict[str, Callable[[xr.Dataset], str]] = {
    "away_from_home_bands": _band_caption(
        "Residents listed somewhere other than their home health station, by the sector of the "
        "producer they chose.", "n_away_from_home_by_sector", reduce=_away_total,
        fmt="{:,.0f} residents in all"),
    "cumulative_switching_bands": _band_caption(
        "Every change of producer since the start, as a share of residents eligible to choose "
        "(a resident changing twice counts twice).", "new_switches", scale=100, fmt="{:.1f} %",
        reduce=_cumulative_share),
    "waits_bands": _band_caption("How long visits waited, over all producers.",
                                 "wait_mean_days_all", fmt="mean wait {:.1f} days"),
    "guarantee_bands": _band_caption("The share of all contacts served within the care guarantee "
                                     "(diversions to emergency count as breaches).",
                                     "share_within_guarantee_all", scale=100, fmt="{:.1f} %"),
    "organiser_cost_bands": _band_caption(
        "What the organiser paid each step (client fees and producers' share of referral costs "
        "left out, as in the summary), scaled to a year and divided by the residents.",
        "organiser_books_eur",
        reduce=lambda ds, label, v: (v.sel(payment_kind=bands.organiser_kinds(ds)).sum("payment_kind")
                                     * 365.25 / step_days(ds)
                                     / (bands.scenario_indicator(ds, label, "residents") or 1.0)),
        fmt="{:,.0f} EUR per resident-year"),
}


# --- comparisons ----------------------------------------------------------------------------------

def _difference_list(rows) -> str:
    return "; ".join(f"{row.scenario}: {tables.short_label(row.indicator).lower()} "
                     f"{tables.format_difference(row.indicator, row.difference)}"
                     for row in rows.itertuples())


def caption_differences(ds: xr.Dataset, thresholds: dict[str, float] | None = None) -> str:
    table = tables.comparison_table(ds, thresholds=thresholds)
    base = table.attrs["baseline"]
    compared = table[(table["scenario"] != base) & ~table["indicator"].isin(bands.NOT_COMPARED)]
    matters = compared[compared["clear"] & compared["large_enough"]]
    small = compared[compared["clear"] & ~compared["large_enough"]]
    text = (f"Each panel is one headline indicator; each dot is a scenario's difference from the "
            f"baseline {base} (B \u2212 A, the mean over paired replications that share their "
            "random numbers), the bar its 95 % interval. The grey band covers differences smaller "
            "than the indicator's threshold (given above each panel, in the units of its axis): "
            "too small to matter. Filled dark dots are clear (the interval excludes 0) and large "
            "enough to matter; hollow dark dots are clear but smaller than the threshold; grey "
            "hollow dots are not clear and may be chance. Neither the side of zero nor the "
            "colour says whether a difference is better or worse.")
    if matters.empty:
        text += " No difference is both clear and large enough to matter."
    else:
        text += f" Clear and large enough to matter: {_difference_list(matters)}."
    if not small.empty:
        text += f" Clear but too small to matter: {_difference_list(small)}."
    return text


def caption_zone_differences(ds: xr.Dataset) -> str:
    difference = bands.zone_away_differences(ds) * 100
    count = ds.sizes.get(REPLICATION, 1)
    text = ("One map per scenario B. Each municipality of the scenario is coloured by B \u2212 A of "
            "the share of its eligible residents listed somewhere other than their home health "
            f"station at the end of the run, in %-points (the mean of the {count} paired "
            "replications): orange where B is higher, blue where it is lower, near white where "
            "they are equal, on the same scale on every map. The colours do not say better or "
            "worse. Municipalities where no one was eligible to choose are mid grey; those "
            "outside the scenario light grey. The map has no intervals: small differences may be "
            "chance.")
    values = difference.values
    if np.isfinite(values).any() and np.nanmax(np.abs(values)) > 0:
        s, z = np.unravel_index(int(np.nanargmax(np.abs(values))), values.shape)
        text += (f" The largest difference: {ds['zone'].values[z]} in "
                 f"{difference[SCENARIO].values[s]}, {float(values[s, z]):+.2f} %-points.")
    else:
        text += " No municipality differs."
    return text + f" {ATTRIBUTION}."


def comparison_details(ds: xr.Dataset) -> list[tuple[str, str]]:
    """(label, value) rows describing a comparison: scenarios, period, replications, seed, how the
    file was made, and the scenario files last (a detail: the rules themselves are under "What
    differs")."""
    labels = tables.scenarios(ds)
    base = tables.baseline(ds)
    rows = [("Baseline (A)", base),
            ("Compared with it (B)", ", ".join(label for label in labels if label != base))]
    if "date" in ds.coords and ds.sizes.get(STEP, 0):
        rows.append(("Period", _period(ds)))
    rows += provenance(ds, (("replications", "Replications per scenario"), ("seed", "Seed"),
                            ("confidence", "Confidence of the intervals")))
    if "scenario_file" in ds:
        for label, file in zip(labels, [str(v) for v in ds["scenario_file"].values]):
            if file:
                rows.append((f"Scenario file of {label}", file))
    return rows


#: Longest value shown in the table of rule differences; longer ones (lists of zones or
#: producers) are shortened, and the whole text is in the results file.
LONGEST_RULE_VALUE = 160


def _rule_value(value) -> str:
    text = "(not set)" if value is None else str(value)
    if len(text) > LONGEST_RULE_VALUE:
        return f"{text[:LONGEST_RULE_VALUE]}\u2026 ({len(text):,} characters in all)"
    return text


def what_differs(ds: xr.Dataset) -> list[str]:
    """HTML of the section "What differs": per scenario B, the settings whose values differ from
    the baseline's (from the resolved scenarios in the file), with both values."""
    esc = html.escape
    base = tables.baseline(ds)
    try:
        differences = rules.rule_differences(ds)
        resolved = rules.resolved_scenarios(ds)
    except (KeyError, OSError, ValueError, TypeError, yaml.YAMLError) as error:
        reason = error.args[0] if isinstance(error, KeyError) and error.args else error
        files = " The scenario files are listed under Comparison." if "scenario_file" in ds else ""
        return [f"<p>The rules cannot be compared here: the results file does not hold the "
                f"resolved scenarios ({esc(str(reason))}).{files}</p>"]
    out = [f"<p>The settings each scenario B changes, compared with the baseline A = "
           f"<b>{esc(base)}</b>, read from the scenarios as the engine resolved them (every "
           "default written out). Names and descriptions are left out. Everything else is the "
           "same as in A.</p>"]
    for label in tables.scenarios(ds):
        if label == base:
            continue
        rows = differences[differences["scenario"] == label]
        description = resolved.get(label, {}).get("description")
        out.append(f"<h3>B = {esc(label)}</h3>")
        if description:
            out.append(f'<p class="small">{esc(str(description))}</p>')
        if rows.empty:
            out.append("<p>The same rules as the baseline: every difference below is zero or "
                       "chance.</p>")
            continue
        lines = [f"<tr><th>setting (scenario key)</th><th>A: {esc(base)}</th>"
                 f"<th>B: {esc(label)}</th></tr>"]
        for row in rows.itertuples():
            lines.append(f"<tr><td><code>{esc(row.key)}</code></td>"
                         f"<td>{esc(_rule_value(row.baseline))}</td>"
                         f"<td>{esc(_rule_value(row.value))}</td></tr>")
        out.append('<table class="rules">\n' + "\n".join(lines) + "\n</table>")
    return out


#: Explanations under the column headings of the comparison table.
WORDS_NOTES = {
    "clear difference?": "interval excludes 0",
    "threshold": "smallest difference that matters",
    "large enough to matter?": "|B \u2212 A| \u2265 threshold",
}


def _words_table(words) -> str:
    """An HTML table of comparison_words; rows whose difference is both clear and large enough to
    matter are set in bold on a light grey-blue (the words in the last columns say why)."""
    esc = html.escape
    columns = [str(c) for c in words.columns]
    head = "".join(f"<th>{esc(c)}" + (f'<br><span class="small">{esc(WORDS_NOTES[c])}</span>'
                                      if c in WORDS_NOTES else "") + "</th>" for c in columns)
    clear_at = columns.index("clear difference?")
    matters_at = columns.index("large enough to matter?")
    rows = []
    for values in words.itertuples(index=False):
        matters = values[clear_at] == "yes" and values[matters_at] == "yes"
        cells = [f"<th>{esc(str(values[0]))}</th>"]
        cells += [f'<td class="value">{esc(str(v))}</td>' for v in values[1:]]
        opening = '<tr class="matters">' if matters else "<tr>"
        rows.append(opening + "".join(cells) + "</tr>")
    return f"<table>\n<tr>{head}</tr>\n" + "\n".join(rows) + "\n</table>"


def _threshold_note(table) -> str:
    chosen = table.attrs.get("thresholds_set") or []
    text = ("The threshold of each indicator is how large a difference must be to matter: by "
            "default 0.5 %-points for shares and 1 % of the baseline mean A for everything else, "
            "in the units of B \u2212 A.")
    if chosen:
        shown = ", ".join(f"{tables.short_label(k).lower()} "
                          f"{tables.format_threshold(k, float(table.loc[table['indicator'] == k, 'threshold'].iloc[0]))}"
                          for k in chosen)
        text += f" Set for this report: {shown}."
    else:
        text += " Every threshold here is the default; `report --threshold KEY=VALUE` sets one."
    return text


def build_comparison_report(data: DataLike, dpi: int = plots.DPI,
                            thresholds: dict[str, float] | None = None,
                            boundaries: str | os.PathLike | None = None) -> str:
    """The report of a comparison file: scenarios, the rules that differ, the table of
    differences (clear? large enough to matter?), the forest plot, the headline series with bands
    over replications and the map of differences by municipality."""
    ds = dataset(data)
    table = tables.comparison_table(ds, thresholds=thresholds)
    labels = tables.scenarios(ds)
    out = _page_start("Valinta comparison: " + " vs ".join(labels),
                      "Simulations of freedom-of-choice rules in social and health care, each "
                      "scenario run several times (replications). Replication r of every scenario "
                      "uses the same random numbers, so the differences between scenarios come "
                      "from their rules, and chance shows in how much the differences vary from "
                      "one replication to the next.")
    _heading(out, "comparison", "Comparison")
    out.append(_table(comparison_details(ds), code_labels=CODE_LABELS))
    _heading(out, "what-differs", "What differs")
    out.extend(what_differs(ds))
    _heading(out, "summary-table", "Summary table")
    out.append(f"<p>A is the baseline <b>{html.escape(table.attrs['baseline'])}</b>. Values are "
               "means over the replications; B \u2212 A is the mean of the paired differences with "
               f"its {table.attrs['confidence'] * 100:g} % interval. Shares are in per cent and "
               "their differences in percentage points (%-points); every other value is in the "
               "units written after it or named in the indicator (per resident-year, per 1,000 "
               "resident-years).</p>")
    out.append("<p>Two questions are answered apart. <b>Clear difference?</b> yes: the interval "
               "excludes 0, so the difference is unlikely to be chance alone (with many "
               "replications even a tiny difference is clear). <b>Large enough to matter?</b> "
               "yes: the difference is at least the threshold, whatever chance says. Rows where "
               "both are yes are in bold. Neither says whether a difference is better or worse: "
               "that depends on the indicator and the reader's aims.</p>")
    out.append(f'<p class="small">{html.escape(_threshold_note(table))}</p>')
    for label in labels[1:]:
        out.append(f"<h3>B = {html.escape(label)}</h3>")
        out.append(_words_table(tables.comparison_words(table, label)))
    _package_section(out, ds, comparison=True)
    left_out: list[tuple[str, str]] = []
    captions = {"differences": lambda d: caption_differences(d, thresholds), **BAND_CAPTIONS,
                "zone_differences": caption_zone_differences}
    figures = bands.with_options(bands.COMPARISON_FIGURES, boundaries=boundaries,
                                 thresholds=thresholds)
    _figures(out, ds, figures, BAND_TITLES, captions, dpi, left_out)
    return _page_end(out, left_out)


# --- replications ---------------------------------------------------------------------------------

def build_replications_report(data: DataLike, dpi: int = plots.DPI,
                              boundaries: str | os.PathLike | None = None) -> str:
    """The report of a replications file: the headline figures as means with 95 % intervals,
    the headline series with bands, the map of the mean over replications, then the single-run
    figures of the first replication."""
    ds = dataset(data)
    table = tables.summary_table(ds)
    count = ds.sizes[REPLICATION]
    name = str(ds.attrs.get("scenario_name", "results"))
    first = bands.one_replication(ds, 0)
    out = _page_start(f"Valinta results: {name} ({count} replications)",
                      f"A simulation of a freedom-of-choice pilot in social and health care, run "
                      f"{count} times with different random numbers. Headline figures are means "
                      "over the replications with the 95 % interval of the mean; the detailed "
                      "figures at the end show the first replication.")
    _heading(out, "run", "Run")
    rows = run_details(first)
    rows.insert(1, ("Replications", str(count)))
    out.append(_table(rows, code_labels=CODE_LABELS))
    _heading(out, "headline-figures", "Headline figures")
    shown = [(tables.indicator_label(row.indicator),
              f"{tables.format_value(row.indicator, row.mean)}   "
              f"(95 % interval {tables.format_value(row.indicator, row.ci_low)} to "
              f"{tables.format_value(row.indicator, row.ci_high)})")
             for row in table.itertuples()]
    out.append(_table(shown, numeric=True))
    _package_section(out, ds)
    left_out: list[tuple[str, str]] = []
    headline = dict(zip(tables.indicators(ds), table["mean"].tolist()))
    captions = {**BAND_CAPTIONS, "zone_map": lambda d: caption_zone_map(d, headline)}
    figures = bands.with_options(bands.REPLICATION_FIGURES, boundaries=boundaries)
    _figures(out, ds, figures, BAND_TITLES, captions, dpi, left_out)
    headline = dict(zip(tables.indicators(ds), ds["summary"].isel({REPLICATION: 0}).values.tolist()))
    single = {key: plot for key, plot in plots.FIGURES.items() if key not in bands.REPLICATION_FIGURES}
    _figures(out, first, single, TITLES, _run_captions(headline), dpi, left_out,
             prefix="Replication 0: ")
    return _page_end(out, left_out)


# --- sweeps -----------------------------------------------------------------------------------------

SWEEP_TITLES = {
    "sensitivity": "Sensitivity: rank correlation of each parameter with each indicator",
    "sweep_scatter": "Headline indicators against each parameter",
}

DESIGNS = {
    "grid": "a grid: every combination of the listed values of the parameters runs (the last "
            "parameter varies fastest)",
    "latin_hypercube": "a Latin hypercube: each parameter's range is cut into as many equal "
                       "strata as there are design points, and each stratum is used once, so "
                       "every parameter covers its whole range evenly",
    "sobol": "a Sobol low-discrepancy sequence scaled to each parameter's range, which fills the "
             "space of parameters evenly",
}


def sweep_details(ds: xr.Dataset, table) -> list[tuple[str, str]]:
    """(label, value) rows describing a sweep: base scenario, design, runs, period, provenance."""
    failed = int((~table["ok"]).sum())
    rows = []
    if "scenario_name" in ds.attrs:
        rows.append(("Base scenario", str(ds.attrs["scenario_name"])))
    if "scenario_file" in ds.attrs:
        rows.append(("Base scenario file", str(ds.attrs["scenario_file"])))
    if "sweep_file" in ds.attrs:
        rows.append(("Sweep file", str(ds.attrs["sweep_file"])))
    rows.append(("Design", str(ds.attrs.get("design", "")) or "not recorded"))
    if "points" in ds.attrs:
        rows.append(("Design points", str(ds.attrs["points"])))
    if "replications" in ds.attrs:
        rows.append(("Replications per point", str(ds.attrs["replications"])))
    rows.append(("Runs", f"{len(table)}: {len(table) - failed} finished, {failed} failed"))
    if "date" in ds.coords and ds.sizes.get(STEP, 0):
        rows.append(("Period", _period(ds)))
    return rows + provenance(ds, (("seed", "Seed"),))


def _number(value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    return f"{value:,.0f}" if value == round(value) and abs(value) >= 1 else f"{value:.4g}"


def sweep_parameters_table(ds: xr.Dataset, table) -> str:
    """HTML table of the parameters varied: the range or values the sweep file gives, and the
    values the runs used."""
    esc = html.escape
    given = tables.sweep_parameter_ranges(ds)
    lines = ["<tr><th>parameter (scenario key)</th><th>in the sweep file</th>"
             "<th>values used by the runs</th></tr>"]
    for name in table.attrs["parameters"]:
        values = table[name].to_numpy(dtype=float)
        distinct = np.unique(values[np.isfinite(values)])
        used = (f"{_number(distinct.min())} to {_number(distinct.max())} "
                f"({distinct.size} different values)" if distinct.size else "n/a")
        lines.append(f"<tr><td><code>{esc(name)}</code></td><td>{esc(given.get(name, 'not recorded'))}"
                     f'</td><td class="value">{esc(used)}</td></tr>')
    return "<table>\n" + "\n".join(lines) + "\n</table>"


def _indicator_heading(key: str) -> str:
    """A column heading with its units: [%] for shares, [days] or [EUR] where the label does not
    name them; labels such as 'Visits per resident-year' already do."""
    units = "%" if tables.is_share(key) else tables.format_threshold(key, 1.0).partition(" ")[2]
    return f"{tables.short_label(key)} [{units}]" if units else tables.short_label(key)


def _sweep_value(key: str, value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    if tables.is_share(key):
        return f"{value * 100:.2f}"
    number = tables.HEADLINES.get(key, ("", "{:,.4g}", ""))[1].partition("}")[0] + "}"
    return number.format(value)


def runs_table(table) -> str:
    """HTML table of every run: its number, point, replication, whether it finished, its parameter
    values and its headline indicators (shares in per cent)."""
    esc = html.escape
    parameters = table.attrs["parameters"]
    keys = [k for k in tables.ordered_keys(table.attrs["indicators"]) if k not in bands.NOT_COMPARED]
    head = ["run", "point", "replication", "finished?"] + parameters + [_indicator_heading(k) for k in keys]
    lines = ["<tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>"]
    for row in table.to_dict("records"):
        cells = [str(row["run"]), str(row.get("point", "")), str(row.get("replication", "")),
                 "yes" if row["ok"] else "no (failed)"]
        cells += [_number(float(row[p])) for p in parameters]
        cells += [_sweep_value(k, float(row[k])) for k in keys]
        lines.append("<tr>" + "".join(f'<td class="value">{esc(c)}</td>' for c in cells) + "</tr>")
    return '<div class="wide"><table class="runs">\n' + "\n".join(lines) + "\n</table></div>"


def failed_runs(table) -> str:
    esc = html.escape
    failed = table[~table["ok"]]
    if failed.empty:
        return "<p>Every run finished.</p>"
    parameters = table.attrs["parameters"]
    lines = ["<tr><th>run</th>" + "".join(f"<th>{esc(p)}</th>" for p in parameters)
             + "<th>why it failed</th></tr>"]
    for row in failed.to_dict("records"):
        lines.append(f'<tr><td class="value">{row["run"]}</td>'
                     + "".join(f'<td class="value">{esc(_number(float(row[p])))}</td>' for p in parameters)
                     + f"<td>{esc(str(row['error']) or 'not recorded')}</td></tr>")
    return ("<p>These runs failed; their indicators are left out of the sensitivity and the "
            "figures.</p>\n<table>\n" + "\n".join(lines) + "\n</table>")


def sensitivity_html(table) -> tuple[str, str]:
    """(HTML table of the rank correlations, a sentence naming the strongest ones)."""
    esc = html.escape
    correlations = tables.sensitivity_table(table)
    correlations = correlations.drop(columns=[c for c in bands.NOT_COMPARED if c in correlations])
    keys = list(correlations.columns)
    lines = ["<tr><th>parameter</th>" + "".join(f"<th>{esc(tables.short_label(k))}</th>" for k in keys)
             + "</tr>"]
    for parameter, row in correlations.iterrows():
        lines.append(f"<tr><th><code>{esc(str(parameter))}</code></th>"
                     + "".join(f'<td class="value">{"n/a" if not np.isfinite(v) else f"{v:+.2f}"}</td>'
                               for v in row.to_numpy(dtype=float)) + "</tr>")
    html_table = '<div class="wide"><table>\n' + "\n".join(lines) + "\n</table></div>"
    finished = int(table["ok"].sum())
    if finished < 3:
        return html_table, (f"Too few finished runs ({finished}) for rank correlations: every "
                            "entry is n/a.")
    strongest = []
    for key in bands.SWEEP_INDICATORS:
        if key not in correlations:
            continue
        column = correlations[key].astype(float)
        if column.notna().any():
            parameter = column.abs().idxmax()
            weak = finished > 3 and abs(column[parameter]) < 1.96 / np.sqrt(finished - 1)
            strongest.append(f"{tables.short_label(key).lower()}: {parameter} "
                             f"({column[parameter]:+.2f}"
                             + (", within what chance alone gives)" if weak else ")"))
    text = ("Each number is the Spearman rank correlation of a parameter with an indicator over "
            f"the {finished} finished runs: +1 when the indicator always rises with the "
            "parameter, \u22121 when it always falls, near 0 when the parameter does not move it "
            "(n/a: the indicator or the parameter did not vary).")
    if finished > 3:
        bound = 1.96 / np.sqrt(finished - 1)
        text += (f" As a rough guide, with {finished} runs a correlation between "
                 f"\u2212{bound:.2f} and +{bound:.2f} can arise by chance alone.")
    if strongest:
        text += " The strongest parameter for " + "; ".join(strongest) + "."
    return html_table, text


def caption_sensitivity(ds: xr.Dataset) -> str:
    table = tables.sweep_table(ds)
    scatter = bool(table["ok"].any()) and any(k in table.attrs["indicators"]
                                              for k in bands.SWEEP_INDICATORS)
    return ("The sensitivity table above as a heat map: orange where an indicator rises with the "
            "parameter, blue where it falls, pale where the parameter hardly moves it; the "
            "darker, the stronger (neither colour means better or worse). Rank correlations find "
            "effects that only go one way; an effect that rises and then falls can hide behind a "
            "correlation near 0"
            + (", which the next figure (indicators against each parameter) shows." if scatter
               else "."))


def caption_sweep_scatter(ds: xr.Dataset) -> str:
    table = tables.sweep_table(ds)
    failed = int((~table["ok"]).sum())
    return ("Switching, the mean wait, the care guarantee and the organiser's cost (where the "
            "file has them) against each parameter, one dot per finished run, the same runs as "
            "in the table of runs above"
            + (f" ({failed} failed runs left out)" if failed else "") + ". The spread of the "
            "dots at one value of a parameter comes from the other parameters and from chance "
            "(replications).")


def build_sweep_report(data: DataLike, dpi: int = plots.DPI) -> str:
    """The report of a sweep file: the parameters varied and their ranges, the design, runs and
    failed runs, the table of runs, and the sensitivity of the headline indicators to the
    parameters as a table of rank correlations and as figures."""
    ds = dataset(data)
    table = tables.sweep_table(ds)
    name = str(ds.attrs.get("scenario_name", "results"))
    design = str(ds.attrs.get("design", ""))
    parameters = table.attrs["parameters"]
    out = _page_start(f"Valinta sweep: {name} ({len(table)} runs)",
                      "Simulations of one scenario with some of its parameters varied, to see "
                      "which parameters the results depend on and how much. Each run is one "
                      "combination of parameter values (a design point), possibly replicated "
                      "with different random numbers.")
    _heading(out, "sweep", "Sweep")
    out.append(_table(sweep_details(ds, table), code_labels=CODE_LABELS))
    _heading(out, "parameters", "Parameters varied")
    out.append(f"<p>{len(parameters)} parameter{'s' if len(parameters) != 1 else ''} of the "
               "scenario, each in the units of the scenario file (see the scenario reference); "
               "everything else is as in the base scenario.</p>")
    out.append(sweep_parameters_table(ds, table))
    _heading(out, "design", "Design")
    points = ds.attrs.get("points")
    replications = ds.attrs.get("replications")
    text = f"The design is {DESIGNS.get(design, design or 'not recorded')}."
    if points is not None and replications is not None:
        text += (f" {points} design points with {replications} replication"
                 f"{'s' if int(replications) != 1 else ''} each make {len(table)} runs; "
                 "replication r uses the same random numbers at every point, so differences "
                 "between points come from the parameters.")
    out.append(f"<p>{html.escape(text)}</p>")
    _heading(out, "failed-runs", "Failed runs")
    out.append(failed_runs(table))
    _heading(out, "runs", "Table of runs")
    out.append("<p>Every run with its parameter values and headline indicators; shares in per "
               "cent, other values in the units given in each heading.</p>")
    out.append(runs_table(table))
    _heading(out, "sensitivity-table", "Sensitivity table")
    correlations_table, words = sensitivity_html(table)
    out.append(f"<p>{html.escape(words)}</p>")
    out.append(correlations_table)
    left_out: list[tuple[str, str]] = []
    captions = {"sensitivity": caption_sensitivity, "sweep_scatter": caption_sweep_scatter}
    figures = {key: bands.SWEEP_FIGURES[key] for key in SWEEP_TITLES}  # the heat map first
    _figures(out, ds, figures, SWEEP_TITLES, captions, dpi, left_out)
    return _page_end(out, left_out)


def write_report(data: DataLike, path: str | os.PathLike, dpi: int = plots.DPI,
                 thresholds: dict[str, float] | None = None,
                 boundaries: str | os.PathLike | None = None) -> str:
    """Writes the report to ``path`` (UTF-8) and returns the path."""
    text = build_report(data, dpi=dpi, thresholds=thresholds, boundaries=boundaries)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return os.fspath(path)


def _table(rows, numeric: bool = False, code_labels=frozenset()) -> str:
    cells = []
    for label, value in rows:
        shown = f"<code>{html.escape(value)}</code>" if label in code_labels else html.escape(value)
        cls = ' class="value"' if numeric else ""
        cells.append(f"<tr><th>{html.escape(label)}</th><td{cls}>{shown}</td></tr>")
    return "<table>\n" + "\n".join(cells) + "\n</table>"
